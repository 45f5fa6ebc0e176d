"""The lazy queue (`core.study.fast_queue`) against the plain build (`StudyQueue.build`): one to
three random decks with their histories (cloze siblings, orphans, suspended and buried items,
reviews today, learning steps due later today, ties within and across decks), the same session
driven on two copies of the file, one with the fast path and one without, through answers,
skips, undos, suspensions, burials, forgets, set due dates and a deck read again, some sessions
of what is due now only.
At every step both show the same item with the same counts."""

from __future__ import annotations

import random
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest
from fsrs import Rating

from briefing_quiz.core.cloze import parse_cloze
from briefing_quiz.core.model import BasicCard, Card, ClozeCard, Deck, ItemKey
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import SchedulerSettings, fsrs_card_id
from briefing_quiz.core.study import fast_queue
from briefing_quiz.core.study.session import StudySession

UTC = timezone.utc
T0 = datetime(2026, 5, 11, 9, 30, tzinfo=UTC)


class _Settings:
    def __init__(self, settings: SchedulerSettings | dict[str, SchedulerSettings]) -> None:
        self.settings = settings

    def for_deck(self, deck_id: str) -> SchedulerSettings:
        if isinstance(self.settings, dict):
            return self.settings[deck_id]
        return self.settings


def _deck(rng: random.Random, n: int, deck_id: str = "d") -> Deck:
    cards: list[Card] = []
    for i in range(n):
        if rng.random() < 0.35:
            gaps = rng.randint(1, 3)
            text = " ".join(f"{{{{c{g}::w{g}}}}} x" for g in range(1, gaps + 1))
            cards.append(ClozeCard(id=f"k{i}", deck_id=deck_id, text=text,
                                   deletions=parse_cloze(text)))
        else:
            cards.append(BasicCard(id=f"k{i}", deck_id=deck_id, question=f"q{i}",
                                   answer=f"a{i}"))
    return Deck(id=deck_id, title=deck_id, path=None, cards=tuple(cards))


def _record(store: Store, key: ItemKey, card: fsrs.Card, at: datetime) -> None:
    store.record_review(key, Rating.Good, reviewed_at=at, duration_ms=1000, content_hash="h",
                        schedule=lambda _prev: card)


def _history(path: Path, deck: Deck, rng: random.Random, now: datetime,
             shared: tuple[datetime, datetime] | None = None) -> None:
    """Random states written as reviews: reviews due or not, learning items due earlier or
    later today (some at the same microsecond), items reviewed today, orphans, suspended and
    buried items."""
    keys = deck.item_keys()
    # Orphans: a removed card, a gap no card has, item 0 of a card that is a cloze card now.
    cloze = [c for c in deck.cards if isinstance(c, ClozeCard)]
    d = deck.id
    keys += [ItemKey(d, "gone", 0), ItemKey(d, "gone2", 2)]
    keys += [ItemKey(d, c.id, 7) for c in cloze[:2]] + [ItemKey(d, c.id, 0) for c in cloze[2:4]]
    keys += [ItemKey(d, c.id, 1) for c in deck.cards if not isinstance(c, ClozeCard)][:2]
    # Times every deck shares: equal due times and ranks across decks.
    shared_due, shared_at = shared or (now + timedelta(minutes=rng.randint(-30, 30)),
                                       now - timedelta(days=3))
    with Store.open(path) as store:
        for key in keys:
            roll = rng.random()
            if roll < 0.25:
                continue  # new
            at = now - timedelta(days=rng.uniform(0, 40))
            if rng.random() < 0.3:
                at = now - timedelta(hours=rng.uniform(0, 5))  # today, or just before it began
            if roll < 0.45:
                state, step = fsrs.State.Learning if rng.random() < 0.5 else fsrs.State.Relearning, 0
                due = shared_due if rng.random() < 0.3 else now + timedelta(
                    minutes=rng.uniform(-90, 600))
            else:
                state, step = fsrs.State.Review, None
                due = now + timedelta(days=rng.uniform(-20, 5))
                if rng.random() < 0.15:
                    due = shared_due  # ties: the rank's next columns decide
                    if rng.random() < 0.5:
                        at = shared_at  # the same rank and due time: deck order decides
            at = min(at, due - timedelta(minutes=1))
            card = fsrs.Card(card_id=fsrs_card_id(key), state=state, step=step,
                             stability=rng.uniform(0.5, 50), difficulty=rng.uniform(1, 10),
                             due=due, last_review=at)
            _record(store, key, card, at)
            if rng.random() < 0.05:
                store.suspend(key, at=at)
            elif rng.random() < 0.05:
                store.bury(key, now + timedelta(hours=rng.choice((-2, 3))), at=at)


def _drive(path: Path, decks: list[Deck], settings: _Settings, tz: timezone, seed: int,
           fast: bool, monkeypatch: pytest.MonkeyPatch, due_only: bool = False) -> list[object]:
    """What a session shows, step by step, under random answers, skips, undos and burials."""
    monkeypatch.setattr(fast_queue, "ENABLED", fast)
    rng = random.Random(seed)
    clock = [T0]
    trace: list[object] = []
    with Store.open(path) as store:
        session = StudySession(decks, store, settings, clock=lambda: clock[0], tz=tz, seed=1,
                               due_only=due_only)
        if fast:
            assert isinstance(session._queue, fast_queue.LazyQueue)
        trace.append(session.counts)
        entry = session.next()
        ahead = random.Random(seed + 1)  # its own stream: both sides get the same answers
        for _ in range(200):
            if entry is None:
                break
            trace.append((entry.key, entry.kind, session.counts, session.position))
            if ahead.random() < 0.5:
                session.prefetch()  # as the study screen does while a card is shown
            roll = rng.random()
            clock[0] += timedelta(seconds=rng.choice((5, 40, 300, 1500)))
            if roll < 0.08:
                entry = session.next()  # skipped for now
                continue
            if roll < 0.09:  # a deck read again, one card fewer
                deck = rng.choice(decks)
                cards = list(deck.cards)
                del cards[rng.randrange(len(cards))]
                entry = session.replace_deck(Deck(id=deck.id, title=deck.title, path=None,
                                                  cards=tuple(cards)))
                trace.append(("replaced", entry.key if entry else None, session.counts))
                if entry is None:
                    entry = session.next()
                continue
            if roll < 0.12:
                session.bury()
            elif roll < 0.15:
                session.suspend()
            elif roll < 0.17:
                session.forget()  # back to new, its history kept
            elif roll < 0.19 and entry.kind != "new":  # a new entry has no schedule to move
                session.set_due(clock[0] + timedelta(hours=rng.choice((-3, 2, 30))))
            else:
                session.answer(Rating(rng.randint(1, 4)), duration_ms=900)
            if rng.random() < 0.1 and session.can_undo:
                entry = session.undo()
                continue
            entry = session.next()
        trace.append(("end", session.counts, session.done))
    return trace


@pytest.mark.parametrize("seed", range(20))
def test_the_lazy_queue_shows_what_the_plain_build_shows(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    monkeypatch.setattr(fast_queue, "FIRST_PAGE", rng.choice((1, 2, 3, 32)))
    monkeypatch.setattr(fast_queue, "LAST_PAGE", rng.choice((2, 5, 64)))
    decks = [_deck(rng, rng.randint(5, 60), f"d{i}") for i in range(rng.choice((1, 1, 2, 3)))]
    tz = timezone(timedelta(hours=rng.choice((-7, 0, 2, 9))))
    settings = _Settings({deck.id: SchedulerSettings(
        new_cards_per_day=rng.choice((0, 3, 10, 200)),
        day_starts_at_hour=rng.choice((0, 4, 4, 11))) for deck in decks})
    due_only = seed % 4 == 3  # what is due now only (the decks screen's `a`)
    original = tmp_path / "p.sqlite3"
    shared = (T0 + timedelta(minutes=rng.randint(-30, 30)), T0 - timedelta(days=3))
    for deck in decks:
        _history(original, deck, rng, T0, shared)
    traces = []
    for fast in (False, True):
        copy = tmp_path / f"{fast}.sqlite3"
        shutil.copy(original, copy)
        traces.append(_drive(copy, decks, settings, tz, seed, fast, monkeypatch, due_only))
    plain, lazy = traces
    assert lazy == plain
    assert len(plain) > 2 or plain[0] == plain[-1][1]  # something was studied, or nothing due


def _counted_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   ) -> tuple[Deck, Path, list[str]]:
    """An 80-card deck with a history, and the list every page read is added to (first page 2)."""
    rng = random.Random(5)
    deck = _deck(rng, 80)
    path = tmp_path / "p.sqlite3"
    _history(path, deck, rng, T0)
    pages: list[str] = []
    read_page = fast_queue.due_pages.read_page

    def counted(*args: object, **kwargs: object) -> object:
        pages.append(str(args[1]))
        return read_page(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fast_queue.due_pages, "read_page", counted)
    monkeypatch.setattr(fast_queue, "FIRST_PAGE", 2)
    return deck, path, pages


def test_the_lazy_queue_reads_pages_only_as_cards_are_shown(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Building counts without reading a page; the first card reads the first pages only."""
    deck, path, pages = _counted_pages(tmp_path, monkeypatch)
    with Store.open(path) as store:
        session = StudySession([deck], store, _Settings(SchedulerSettings()),
                               clock=lambda: T0, tz=UTC)
        assert pages == [] and session.counts.total > 6
        session.next()
        assert 1 <= len(pages) <= 2


def test_a_prefetch_while_a_card_is_shown_leaves_no_page_for_the_next_card(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The study screen prefetches after a card's frame: the grade key's `next()` reads none."""
    deck, path, pages = _counted_pages(tmp_path, monkeypatch)
    clock = [T0]
    prefetched = 0
    with Store.open(path) as store:
        session = StudySession([deck], store, _Settings(SchedulerSettings()),
                               clock=lambda: clock[0], tz=UTC)
        shown = 0
        entry = session.next()
        while entry is not None and shown < 60:
            before = len(pages)
            session.prefetch()
            prefetched += len(pages) - before
            session.answer(Rating.Good, duration_ms=500)
            clock[0] += timedelta(seconds=30)
            answered = len(pages)
            entry = session.next()
            assert len(pages) == answered, "the next card read a page"
            shown += 1
    assert shown > 10 and prefetched > 0


def test_the_counts_are_made_again_once_when_every_page_is_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not at every card after that (a pass over every queued slot: it once made each answer
    of a long run of new cards 0.7 ms slower)."""
    rng = random.Random(3)
    deck = _deck(rng, 40)
    path = tmp_path / "p.sqlite3"
    _history(path, deck, rng, T0)
    recounts: list[int] = []
    recount = fast_queue.LazyQueue._recount

    def counted(self: fast_queue.LazyQueue) -> None:
        recounts.append(1)
        recount(self)

    monkeypatch.setattr(fast_queue.LazyQueue, "_recount", counted)
    clock = [T0]
    with Store.open(path) as store:
        session = StudySession([deck], store, _Settings(SchedulerSettings(new_cards_per_day=50)),
                               clock=lambda: clock[0], tz=UTC)
        shown = 0
        while session.next() is not None and shown < 200:
            session.answer(Rating.Easy, duration_ms=500)
            clock[0] += timedelta(seconds=30)
            shown += 1
    assert shown > 20 and recounts == [1]


def test_the_case_form_for_old_sqlite_reads_the_same_keys(tmp_path: Path) -> None:
    """SQLite before 3.30 has no FILTER on aggregates: the CASE form `due_pages` and `today`
    fall back to gives the same strings."""
    import sqlite3

    from briefing_quiz.core.progress import due_pages, today

    rng = random.Random(8)
    deck = _deck(rng, 60)
    path = tmp_path / "p.sqlite3"
    _history(path, deck, rng, T0)
    case = "group_concat(CASE WHEN {rows} THEN {what} END, char(30))"
    def case_sql(keys: tuple[tuple[str, str], ...]) -> str:
        return (f"SELECT {', '.join(case.format(what=w, rows=r) for w, r in keys)} "
                f"{due_pages._DUE} AND phase IN (1, 2, 3)")

    keys_case = case_sql(due_pages._KEYS)
    seen_case = (f"SELECT {case.format(what='card_id', rows='item = 0')}, "
                 f"{case.format(what='card_id || char(31) || item', rows='item != 0')} "
                 "FROM reviews INDEXED BY reviews_at WHERE reviewed_at >= :since "
                 "AND deck_id = :deck")
    with sqlite3.connect(path) as conn:
        due = {"deck": "d", "before": int((T0 + timedelta(days=1)).timestamp() * 1e6),
               "now": int(T0.timestamp() * 1e6)}
        seen = {"deck": "d", "since": (T0 - timedelta(hours=5)).isoformat()}
        filtered = conn.execute(due_pages._KEYS_SQL, due).fetchone()
        assert filtered == conn.execute(keys_case, due).fetchone()
        assert all(filtered)
        now_case = case_sql(due_pages._NOW_KEYS)
        filtered = conn.execute(due_pages._NOW_KEYS_SQL, due).fetchone()
        assert filtered == conn.execute(now_case, due).fetchone() and len(filtered) == 5
        assert filtered[0] != conn.execute(keys_case, due).fetchone()[0]
        filtered = conn.execute(today._SEEN_SQL.format(undone=""), seen).fetchone()
        assert filtered == conn.execute(seen_case, seen).fetchone() and all(filtered)
