"""The study session: queue order, limits, day boundary, siblings, leeches, edits, undo."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs
import pytest
from fsrs import Rating

from briefing_quiz.config import Config
from briefing_quiz.core.cloze import parse_cloze
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    Deck,
    ItemKey,
    OrderCard,
    TypedCard,
)
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings, fsrs_card_id
from briefing_quiz.core.study.session import (
    QueueEntry,
    StudySession,
    collect_stats,
    next_day_start,
)

UTC = timezone.utc
# 10:00 UTC; with tz=UTC and the day starting at 04:00, the study day began at 04:00 today.
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def basic(i: int | str, deck: str = "d", **kw: object) -> BasicCard:
    return BasicCard(id=f"c{i}", deck_id=deck, question=f"q{i}", answer=f"a{i}", **kw)  # type: ignore[arg-type]


def cloze(card_id: str, text: str, deck: str = "d") -> ClozeCard:
    return ClozeCard(id=card_id, deck_id=deck, text=text, deletions=parse_cloze(text))


def make_deck(cards: Sequence[Card], deck_id: str = "d") -> Deck:
    return Deck(id=deck_id, title=deck_id.upper(), path=None, cards=tuple(cards))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "p.sqlite3")
    yield s
    s.close()


def session(decks: Sequence[Deck] | Deck, store: Store, clock: Clock, cfg: Config | None = None,
            **kw: object) -> StudySession:
    deck_list = [decks] if isinstance(decks, Deck) else list(decks)
    return StudySession(deck_list, store, cfg or Config(), clock=clock, tz=UTC, **kw)  # type: ignore[arg-type]


def drain(s: StudySession, rating: Rating = Rating.Good, limit: int = 1000) -> list[ItemKey]:
    """Answer every entry (with `rating`) until the session is done; the keys in order shown."""
    keys = []
    while (entry := s.next()) is not None and len(keys) < limit:
        keys.append(entry.key)
        s.answer(rating, duration_ms=1000)
    return keys


def shown(s: StudySession) -> ItemKey | None:
    entry = s.next()
    return None if entry is None else entry.key


def k(card: str, item: int = 0, deck: str = "d") -> ItemKey:
    return ItemKey(deck, card, item)


# -- scheduling matches fsrs ----------------------------------------------------------------------

SCRIPTS = [
    [(Rating.Good, 0), (Rating.Good, 10), (Rating.Good, 60 * 24 * 3), (Rating.Again, 60 * 24 * 20)],
    [(Rating.Again, 0), (Rating.Again, 1), (Rating.Hard, 2), (Rating.Good, 12), (Rating.Easy, 30)],
    [(Rating.Easy, 0), (Rating.Hard, 60 * 24 * 9), (Rating.Again, 60 * 24 * 40),
     (Rating.Good, 60 * 24 * 40 + 10)],
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_answers_store_exactly_the_fsrs_state(store: Store,
                                              script: list[tuple[Rating, int]]) -> None:
    cfg = Config(SchedulerSettings(enable_fuzzing=False, new_cards_per_day=5))
    deck = make_deck([basic(1)])
    clock = Clock()
    plain = fsrs.Scheduler(enable_fuzzing=False)
    expected = fsrs.Card(card_id=fsrs_card_id(k("c1")), due=T0)
    for rating, minutes in script:
        clock.now = T0 + timedelta(minutes=minutes)
        s = session(deck, store, clock, cfg)
        entry = s.next()
        assert entry is not None and entry.key == k("c1")
        saved = s.answer(rating, duration_ms=800)
        expected, _ = plain.review_card(expected, rating, clock.now)
        state = store.get(k("c1"))
        assert state is not None and state.card is not None
        assert state.card.to_dict() == expected.to_dict()
        assert saved.due == expected.due
    before = store.states()
    store.rebuild()
    assert store.states() == before


def test_fuzzed_intervals_replay_exactly(store: Store) -> None:
    deck = make_deck([basic(1)])
    clock = Clock()
    times = [0, 10, 60 * 24 * 4, 60 * 24 * 20]
    for minutes in times:
        clock.now = T0 + timedelta(minutes=minutes)
        s = session(deck, store, clock)
        assert s.next() is not None
        s.answer(Rating.Good, duration_ms=500)
    replayed = Scheduler().replay(fsrs_card_id(k("c1")),
                                  [(Rating.Good, T0 + timedelta(minutes=m)) for m in times])
    state = store.get(k("c1"))
    assert state is not None and state.card == replayed


# -- queue order ----------------------------------------------------------------------------------


def force(store: Store, key: ItemKey, last: datetime, due: datetime,
          rating: Rating = Rating.Easy) -> None:
    """Record one review at `last` whose resulting card is due at `due`."""
    sched = Scheduler(SchedulerSettings(enable_fuzzing=False))

    def schedule(prev: fsrs.Card | None) -> fsrs.Card:
        card = sched.review(prev or sched.new_card(fsrs_card_id(key)), rating, last)
        card.due = due
        return card

    store.record_review(key, rating, reviewed_at=last, duration_ms=1, content_hash="x",
                        schedule=schedule)


def test_queue_order_learning_then_most_overdue_reviews_then_new(store: Store) -> None:
    deck = make_deck([basic(i) for i in range(1, 9)])
    # c1: a 30-day interval, 5 days overdue; c2: a 2-day interval, 2 days overdue (more overdue
    # relative to its interval); c7: due later today; c8: due tomorrow; c3: learning, due now.
    force(store, k("c1"), T0 - timedelta(days=35), T0 - timedelta(days=5))
    force(store, k("c2"), T0 - timedelta(days=4), T0 - timedelta(days=2))
    force(store, k("c7"), T0 - timedelta(days=3), T0 + timedelta(hours=3))
    force(store, k("c8"), T0 - timedelta(days=3), next_day_start(T0, UTC) + timedelta(minutes=1))
    force(store, k("c3"), T0 - timedelta(minutes=5), T0 - timedelta(minutes=4), Rating.Again)
    s = session(deck, store, Clock(), Config(SchedulerSettings(new_cards_per_day=3)))
    assert (s.counts.learning, s.counts.review, s.counts.new) == (1, 3, 2)
    shown = [(e.key.card_id, e.kind) for e in iter(s.next, None)
             if s.answer(Rating.Easy, duration_ms=1)]
    # c3 was introduced today, so 3 - 1 = 2 new cards are left for today: c4 and c5.
    assert shown == [("c3", "learning"), ("c2", "review"), ("c1", "review"), ("c7", "review"),
                     ("c4", "new"), ("c5", "new")]


def test_new_limit_counts_cards_introduced_today_and_resets_at_day_start(store: Store) -> None:
    tz = ZoneInfo("Europe/Berlin")  # 04:00 local is 03:00 UTC in March (CET, UTC+1)
    deck = make_deck([basic(i) for i in range(30)])
    cfg = Config(SchedulerSettings(new_cards_per_day=5))
    clock = Clock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))  # 02:00 local: study day of 1 March
    s = StudySession([deck], store, cfg, clock=clock, tz=tz)
    assert s.counts.new == 5
    for _ in range(3):
        s.next()
        s.answer(Rating.Easy, duration_ms=1)  # Easy: straight to review, not back today
    clock.now = datetime(2026, 3, 2, 2, 59, tzinfo=UTC)  # 03:59 local: same study day
    s = StudySession([deck], store, cfg, clock=clock, tz=tz)
    assert s.counts.new == 2
    clock.now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 04:00 local: a new study day
    s = StudySession([deck], store, cfg, clock=clock, tz=tz)
    assert s.counts.new == 5
    assert [e.key for e in iter(s.next, None) if s.answer(Rating.Easy, duration_ms=1)][:5] == [
        k(f"c{i}") for i in range(3, 8)]


def test_new_limit_is_per_deck(store: Store) -> None:
    a = make_deck([basic(i, "a") for i in range(10)], "a")
    b = make_deck([basic(i, "b") for i in range(10)], "b")
    cfg = Config(SchedulerSettings(new_cards_per_day=2),
              {"b": SchedulerSettings(new_cards_per_day=4)})
    s = session([a, b], store, Clock(), cfg)
    assert s.counts.new == 6
    keys = drain(s, Rating.Easy)
    assert keys == [k("c0", deck="a"), k("c1", deck="a")] + [k(f"c{i}", deck="b") for i in range(4)]


def test_learning_cards_come_back_in_the_session(store: Store) -> None:
    deck = make_deck([basic(1), basic(2)])
    clock = Clock()
    s = session(deck, store, clock, learn_ahead=timedelta(0))
    assert s.next() is not None and s.current is not None
    s.answer(Rating.Again, duration_ms=1)  # c1 due again in 1 minute
    entry = s.next()
    assert entry is not None and entry.key == k("c2")
    s.answer(Rating.Easy, duration_ms=1)
    assert s.next() is None and s.remaining == 1  # c1 waits for its step
    clock.advance(minutes=1)
    entry = s.next()
    assert entry is not None and entry.key == k("c1") and entry.kind == "learning"


def test_learn_ahead_shows_learning_when_nothing_else_is_left(store: Store) -> None:
    clock = Clock()
    s = session(make_deck([basic(1)]), store, clock)
    s.next()
    s.answer(Rating.Good, duration_ms=1)  # due in 10 minutes: within the 20-minute learn-ahead
    entry = s.next()
    assert entry is not None and entry.key == k("c1")
    s.answer(Rating.Good, duration_ms=1)  # now in review, due in days
    assert s.next() is None and s.remaining == 0


# -- siblings, suspend, bury, leeches -------------------------------------------------------------


def test_cloze_siblings_are_not_shown_on_the_same_day(store: Store) -> None:
    deck = make_deck([cloze("z", "{{c1::Kyiv}} is the capital of {{c2::Ukraine}} ({{c3::2022}})"),
                      basic(1)])
    clock = Clock()
    assert drain(session(deck, store, clock), Rating.Easy) == [k("z", 1), k("c1")]
    # Later the same study day: c2 and c3 still wait.
    clock.advance(hours=5)
    assert drain(session(deck, store, clock), Rating.Easy) == []
    clock.now = T0 + timedelta(days=1)
    assert drain(session(deck, store, clock), Rating.Easy) == [k("z", 2)]


def test_a_due_sibling_blocks_the_others(store: Store) -> None:
    deck = make_deck([cloze("z", "{{c1::a}} {{c2::b}}")])
    clock = Clock()
    drain(session(deck, store, clock), Rating.Again, limit=1)  # z#1 in learning
    clock.advance(minutes=2)
    s = session(deck, store, clock)
    assert s.counts.new == 0 and s.counts.learning == 1


def test_suspend_and_bury_exclude_and_undo_brings_back(store: Store) -> None:
    deck = make_deck([basic(1), basic(2), basic(3)])
    clock = Clock()
    s = session(deck, store, clock)
    assert shown(s) == k("c1")
    s.suspend()
    assert shown(s) == k("c2")
    s.bury()
    assert store.get(k("c2")).buried_until == next_day_start(T0, UTC)  # type: ignore[union-attr]
    assert shown(s) == k("c3")
    third = s.current
    undone = s.undo()  # the bury is taken back
    assert third is not None and undone == replace(third, key=k("c2"), card=deck.card("c2"))
    assert store.get(k("c2")).buried_until is None  # type: ignore[union-attr]
    s.answer(Rating.Easy, duration_ms=1)
    assert [e.key for e in iter(s.next, None) if s.answer(Rating.Easy, duration_ms=1)] == [k("c3")]
    # A new session the same day: c1 is suspended until unsuspended.
    assert drain(session(deck, store, clock)) == []
    store.unsuspend(k("c1"), at=clock())
    assert drain(session(deck, store, clock), Rating.Easy) == [k("c1")]


def test_buried_item_returns_at_the_next_study_day(store: Store) -> None:
    deck = make_deck([basic(1)])
    clock = Clock()
    s = session(deck, store, clock)
    s.next()
    s.bury()
    clock.now = next_day_start(T0, UTC) - timedelta(seconds=1)
    assert session(deck, store, clock).counts.total == 0
    clock.now = next_day_start(T0, UTC)
    assert session(deck, store, clock).counts.new == 1


def test_leeches_are_tagged_and_reported(store: Store) -> None:
    cfg = Config(SchedulerSettings(leech_lapses=3, enable_fuzzing=False))
    deck = make_deck([basic(1)])
    clock = Clock()
    s = session(deck, store, clock, cfg)
    s.next()
    s.answer(Rating.Easy, duration_ms=1)
    for lapse in range(3):
        state = store.get(k("c1"))
        assert state is not None and state.card is not None
        clock.now = state.card.due  # due: answer Again (a lapse), then relearn
        s = session(deck, store, clock, cfg)
        entry = s.next()
        assert entry is not None and entry.lapses == lapse and entry.leech == (lapse >= 3)
        saved = s.answer(Rating.Again, duration_ms=1)
        assert saved.leech == (lapse + 1 >= 3)
        clock.advance(minutes=10)
        s = session(deck, store, clock, cfg)
        s.next()
        s.answer(Rating.Easy, duration_ms=1)
    clock.now = store.get(k("c1")).card.due  # type: ignore[union-attr]
    s = session(deck, store, clock, cfg)
    entry = s.next()
    assert entry is not None and entry.leech and s.leeches == [k("c1")]
    stats = collect_stats([deck], store, cfg, now=clock(), tz=UTC)
    assert stats.decks[0].leeches == 1


# -- deck edits ------------------------------------------------------------------------------------


def test_edits_keep_progress_and_flag_changed_content(store: Store) -> None:
    card = basic(1)
    clock = Clock()
    s = session(make_deck([card]), store, clock)
    s.next()
    s.answer(Rating.Again, duration_ms=1)
    clock.advance(minutes=2)
    # Editing only explain/tags: not a change the user must notice.
    cosmetic = replace(card, explain="because", tags=("x",))
    entry = session(make_deck([cosmetic]), store, clock).next()
    assert entry is not None and entry.kind == "learning" and not entry.changed_since_seen
    reworded = replace(card, answer="a different answer")
    entry = session(make_deck([reworded]), store, clock).next()
    assert entry is not None and entry.kind == "learning" and entry.changed_since_seen
    state = store.get(k("c1"))
    assert state is not None and state.reps == 1  # progress kept through the edit


def test_removed_card_keeps_history_and_is_orphaned(store: Store) -> None:
    clock = Clock()
    deck = make_deck([basic(1), basic(2)])
    drain(session(deck, store, clock), Rating.Again, limit=2)
    clock.advance(minutes=5)
    smaller = make_deck([basic(2)])
    assert shown(session(smaller, store, clock)) == k("c2")
    stats = collect_stats([smaller], store, Config(), now=clock(), tz=UTC)
    assert stats.orphaned == [k("c1")]
    assert len(store.history(k("c1"))) == 1
    # A deck whose file is gone: all its stored items are orphans.
    assert collect_stats([], store, Config(), now=clock(), tz=UTC).orphaned == [k("c1"), k("c2")]


def test_adding_a_cloze_deletion_adds_an_item(store: Store) -> None:
    clock = Clock()
    one = make_deck([cloze("z", "{{c1::Kyiv}} is in Ukraine")])
    drain(session(one, store, clock), Rating.Easy)
    clock.now = T0 + timedelta(days=1)
    two = make_deck([cloze("z", "{{c1::Kyiv}} is in {{c2::Ukraine}}")])
    s = session(two, store, clock)
    entry = s.next()
    assert entry is not None and entry.key == k("z", 2) and entry.kind == "new"
    state = store.get(k("z", 1))
    assert state is not None and state.reps == 1


# -- answering, checking, undo ---------------------------------------------------------------------


def test_answer_is_durable_before_it_returns(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as store:
        s = session(make_deck([basic(1)]), store, Clock())
        s.next()
        saved = s.answer(Rating.Good, duration_ms=1234, given="x", correct=True)
        with Store.open(path) as other:  # another connection sees it at once
            (row,) = list(other.reviews())
            assert row.id == saved.review_id and row.duration_ms == 1234 and row.correct is True


def test_check_suggests_and_the_users_grade_wins(store: Store) -> None:
    card = TypedCard(id="t", deck_id="d", question="How many?", answer="130,000")
    s = session(make_deck([card]), store, Clock())
    s.next()
    wrong = s.check("12")
    assert wrong is not None and not wrong.correct and wrong.suggested == Rating.Again
    right = s.check("130000")
    assert right is not None and right.correct and right.suggested == Rating.Good
    saved = s.answer(Rating.Hard, duration_ms=1, given="12", correct=False)
    (row,) = list(store.reviews())
    assert row.rating == Rating.Hard == saved.rating and row.given == "12" and row.correct is False


def test_order_partial_credit_still_suggests_again(store: Store) -> None:
    card = OrderCard(id="o", deck_id="d", question="Order", items_in_order=("a", "b", "c", "d"))
    s = session(make_deck([card]), store, Clock())
    s.next()
    result = s.check(["a", "b", "d", "c"])
    assert result is not None and not result.correct and result.suggested == Rating.Again
    assert (result.in_place, result.total) == (2, 4)


def test_undo_round_trips_state_queue_and_counters(store: Store) -> None:
    deck = make_deck([basic(1), basic(2)])
    clock = Clock()
    s = session(deck, store, clock)
    first = s.next()
    assert first is not None
    s.answer(Rating.Easy, duration_ms=1)
    before_second = store.get(k("c2"))
    second = s.next()
    assert second is not None and second.key == k("c2")
    clock.advance(seconds=30)
    s.answer(Rating.Again, duration_ms=1)  # requeued as learning
    assert s.done == 2 and s.counts.learning == 1
    again = s.undo()
    assert again == second and s.current == second
    assert store.get(k("c2")) == before_second
    # Only the current entry is left, new again; its learning re-queue is gone with the answer.
    assert s.done == 1 and (s.counts.new, s.counts.learning, s.remaining) == (1, 0, 1)
    state_c1 = store.get(k("c1"))
    s.answer(Rating.Good, duration_ms=1)
    assert store.get(k("c1")) == state_c1
    assert [(r.key, r.undone) for r in store.reviews()] == [
        (k("c1"), False), (k("c2"), True), (k("c2"), False)]
    assert s.undo() is not None and s.undo() == first  # back to the very first card
    assert store.get(k("c1")) is None and s.undo() is None
    assert len(list(store.reviews())) == 3  # append-only: nothing deleted


def test_answer_needs_a_current_entry(store: Store) -> None:
    s = session(make_deck([basic(1)]), store, Clock())
    with pytest.raises(RuntimeError):
        s.answer(Rating.Good, duration_ms=1)
    s.next()
    s.answer(Rating.Good, duration_ms=1)
    with pytest.raises(RuntimeError):
        s.answer(Rating.Good, duration_ms=1)  # never the same answer twice


def test_preview_matches_what_answer_does(store: Store) -> None:
    clock = Clock()
    s = session(make_deck([basic(1)]), store, clock)
    s.next()
    preview = s.preview()
    assert set(preview) == set(Rating)
    saved = s.answer(Rating.Hard, duration_ms=1)
    assert saved.due - clock() == preview[Rating.Hard]


def test_store_error_leaves_the_entry_current(store: Store) -> None:
    s = session(make_deck([basic(1)]), store, Clock())
    entry = s.next()
    store._conn.execute("PRAGMA query_only = ON")
    with pytest.raises(Exception, match="read-only"):
        s.answer(Rating.Good, duration_ms=1)
    store._conn.execute("PRAGMA query_only = OFF")
    assert s.current == entry and s.done == 0 and s.answered == []
    s.answer(Rating.Good, duration_ms=1)
    assert s.done == 1


def test_another_window_answering_first_is_respected(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    deck = make_deck([basic(1), basic(2)])
    clock = Clock()
    with Store.open(path) as a, Store.open(path) as b:
        sa, sb = session(deck, a, clock), session(deck, b, clock)
        assert sa.next() is not None
        sa.answer(Rating.Easy, duration_ms=1)  # c1 answered in window A
        entry = sb.next()
        assert entry is not None and entry.key == k("c2")  # window B skips it


def test_clock_going_backwards_keeps_state_sane(store: Store) -> None:
    clock = Clock()
    deck = make_deck([basic(1)])
    s = session(deck, store, clock)
    s.next()
    s.answer(Rating.Good, duration_ms=1)
    clock.advance(hours=-6)
    assert session(deck, store, clock).next() is None  # from 04:00, 10:10 is not due yet
    s = session(deck, store, clock, learn_ahead=timedelta(days=1))
    entry = s.next()
    assert entry is not None
    s.answer(Rating.Good, duration_ms=1)
    state = store.get(k("c1"))
    assert state is not None and state.card is not None and state.card.last_review == T0
    before = store.states()
    store.rebuild()
    assert store.states() == before


def test_shuffles_are_seeded_and_order_is_never_given_away(store: Store) -> None:
    choice = ChoiceCard(id="ch", deck_id="d", question="?", choices=tuple("abcdef"), answers=("a",))
    order = OrderCard(id="o", deck_id="d", question="?", items_in_order=("x", "y"))
    deck = make_deck([choice, order])
    s1, s2 = session(deck, store, Clock(), seed=1), session(deck, store, Clock(), seed=1)
    e = QueueEntry(k("ch"), choice, "new", False)
    assert s1.choice_order(e) == s1.choice_order(e) == s2.choice_order(e)
    assert sorted(s1.choice_order(e)) == list("abcdef")
    orders = {tuple(session(deck, store, Clock(), seed=n).choice_order(e)) for n in range(10)}
    assert len(orders) > 1
    eo = QueueEntry(k("o"), order, "new", False)
    for n in range(10):
        assert session(deck, store, Clock(), seed=n).order_items(eo) == ["y", "x"]


# -- stats -----------------------------------------------------------------------------------------


def test_stats_counts(store: Store) -> None:
    deck = make_deck([basic(1), basic(2), basic(3), cloze("z", "{{c1::a}} {{c2::b}}")])
    clock = Clock()
    s = session(deck, store, clock)
    s.next()
    s.answer(Rating.Easy, duration_ms=1)  # c1 -> review
    s.next()
    s.answer(Rating.Again, duration_ms=1)  # c2 -> learning, due in a minute
    s.next()
    s.suspend()  # c3
    clock.advance(minutes=2)
    stats = collect_stats([deck], store, Config(), now=clock(), tz=UTC).decks[0]
    assert (stats.cards, stats.items) == (4, 5)
    assert (stats.new, stats.learning, stats.review, stats.suspended) == (2, 1, 1, 1)
    assert stats.due_now == 1 and stats.reviews_today == 2 and stats.leeches == 0
    assert stats.mean_retrievability is not None and 0.9 < stats.mean_retrievability <= 1.0
    empty = collect_stats([deck], None, Config(), now=clock(), tz=UTC).decks[0]
    assert (empty.new, empty.reviews_today, empty.mean_retrievability) == (5, 0, None)


def test_another_window_suspending_a_queued_new_card_is_respected(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    deck = make_deck([basic(1), basic(2), basic(3)])
    clock = Clock()
    with Store.open(path) as a, Store.open(path) as b:
        sa = session(deck, a, clock)
        b.suspend(k("c1"), at=clock())  # after A built its queue
        assert shown(sa) == k("c2")
        sa.answer(Rating.Easy, duration_ms=1)
        b.record_review(k("c3"), Rating.Easy, reviewed_at=clock(), duration_ms=1,
                        content_hash="x",
                        schedule=lambda prev: Scheduler().review(
                            prev or Scheduler().new_card(1), Rating.Easy, clock()))
        assert sa.next() is None  # c3 was answered in B, and is not due again today
