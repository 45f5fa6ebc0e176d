"""The queue's order, now sorted by SQLite (`Store.snapshot`) and merged across decks: the same
order as sorting every due item in Python by its key, ties included."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
from fsrs import Rating

from briefing_quiz.config import Config
from briefing_quiz.core.cloze import parse_cloze
from briefing_quiz.core.model import BasicCard, Card, ClozeCard, Deck, ItemKey
from briefing_quiz.core.progress.store import Store, lkey, to_us
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings, fsrs_card_id
from briefing_quiz.core.study.session import StudySession, next_day_start

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SETTINGS = SchedulerSettings(enable_fuzzing=False, new_cards_per_day=0)


def fixed(at: datetime) -> Callable[[], datetime]:
    return lambda: at


def deck(deck_id: str, n: int) -> Deck:
    cards = tuple(BasicCard(id=f"c{i:02}", deck_id=deck_id, question=f"q{i}", answer="a")
                  for i in range(n))
    return Deck(id=deck_id, title=deck_id, path=None, cards=cards)


def review(store: Store, key: ItemKey, rating: Rating, at: datetime) -> None:
    sched = Scheduler(SETTINGS)

    def schedule(prev: fsrs.Card | None) -> fsrs.Card:
        return sched.review(prev or sched.new_card(fsrs_card_id(key)), rating, at)

    store.record_review(key, rating, reviewed_at=at, duration_ms=1, content_hash="h",
                        schedule=schedule)


def expected(store: Store, decks: list[Deck], now: datetime) -> list[ItemKey]:
    """Learning items due now by due time, then reviews by (now - due) / interval, largest
    first, then due time; ties in deck order, then in the order of the `items_due` index."""
    now_us, day_end = to_us(now), to_us(next_day_start(now, UTC, SETTINGS.day_starts_at_hour))
    learning, reviews = [], []
    for position, d in enumerate(decks):
        for key, state in store.states(d.id).items():
            card = state.card
            assert card is not None and card.last_review is not None
            due, last = to_us(card.due), to_us(card.last_review)
            tie = (position, due, int(card.state), last, state.lapses, state.last_review_id,
                   key.card_id, key.item)
            if card.state == fsrs.State.Review:
                if due < day_end:
                        reviews.append((-((now_us - due) / max(due - last, 1)), due, tie, key))
            elif due <= now_us:
                learning.append((due, tie, key))
    return [key for *_k, key in sorted(learning)] + [key for *_k, key in sorted(reviews)]


def shown(decks: list[Deck], store: Store, now: datetime) -> list[ItemKey]:
    session = StudySession(decks, store, Config(SETTINGS), clock=lambda: now, tz=UTC,
                           learn_ahead=timedelta(0))
    order = []
    while (entry := session.next()) is not None:
        order.append(entry.key)
        session.bury()  # out of the way, leaving the rest of the queue as it was
    return order


def test_order_with_ties_across_decks(tmp_path: Path) -> None:
    rng = random.Random(5)
    decks = [deck("b", 24), deck("a", 24)]  # deck order, not alphabetical
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as store:
        for d in decks:
            for card in d.cards:
                key = ItemKey(d.id, card.id)
                # Few distinct histories, so many items share due and last review times.
                start = T0 - timedelta(days=rng.choice([3, 9, 30]))
                review(store, key, Rating.Good, start)
                review(store, key, rng.choice([Rating.Good, Rating.Again]),
                       start + timedelta(days=rng.choice([1, 2])))
        now = T0 + timedelta(days=2)
        want = expected(store, decks, now)
    assert len(want) > 20 and len(set(want)) == len(want)
    for name, chosen in (("both", decks), ("one", decks[1:])):
        copy = tmp_path / f"{name}.sqlite3"
        shutil.copy(path, copy)  # each run buries what it was shown
        with Store.open(copy) as store:
            assert shown(chosen, store, now) == [k for k in want if k.deck_id in
                                                 {d.id for d in chosen}]


def test_new_items_found_by_lookups_or_by_a_scan_are_the_same(tmp_path: Path) -> None:
    # New items come from primary-key lookups among a deck's first cards, and from one scan of
    # the deck when those are mostly studied: either way the first unstudied items in deck order.
    settings = SchedulerSettings(enable_fuzzing=False, new_cards_per_day=40)
    rng = random.Random(11)
    cards: list[Card] = []
    for i in range(700):
        if i % 5 == 0:
            text = "{{c1::x}} {{c2::y}}"
            cards.append(ClozeCard(id=f"z{i:03}", deck_id="d", text=text,
                                   deletions=parse_cloze(text)))
        else:
            cards.append(BasicCard(id=f"c{i:03}", deck_id="d", question="q", answer="a"))
    d = Deck(id="d", title="d", path=None, cards=tuple(cards))
    keys = d.item_keys()
    for name, studied in (("front", keys[:600]), ("scattered", rng.sample(keys, 400)),
                          ("fresh", [])):
        with Store.open(tmp_path / f"{name}.sqlite3") as store:
            for key in studied:  # before today, due days ahead: studied, not due, not seen today
                review(store, key, Rating.Easy, T0 - timedelta(days=1))
            store.suspend(keys[650], at=T0)
            now = T0 + timedelta(hours=1)
            blocked = store.blocked_among("d", None, now=now)
            want: list[ItemKey] = []
            for card in d.cards:
                free = [i for i in card.items if lkey(card.id, i) not in blocked]
                if free:
                    want.append(ItemKey("d", card.id, free[0]))  # siblings: one per card
            session = StudySession([d], store, Config(settings), clock=fixed(now), tz=UTC)
            got = []
            while (entry := session.next()) is not None and entry.kind == "new":
                got.append(entry.key)
                session.bury()
            assert len(want) > 40 and got == want[:40], name


def test_one_deck_slots_equal_the_per_row_path() -> None:
    """`_queued` (one deck, column-wise) keeps, orders and claims exactly as `_kept`, `_slots`
    and `_claim` (the several-decks path) do: random rows of plain and cloze cards, with orphans
    (removed cards, removed gaps, item 0 of a cloze card, item 1 of a plain card), duplicated
    siblings and items seen today."""
    from briefing_quiz.core.model import ClozeDeletion
    from briefing_quiz.core.study.session import _claim, _kept, _queued, _slots

    rng = random.Random(3)
    for _ in range(200):
        cards: list[Card] = []
        for i in range(30):
            if rng.random() < 0.4:
                numbers = sorted(rng.sample(range(1, 5), rng.randint(1, 3)))
                cards.append(ClozeCard(id=f"k{i}", deck_id="d", text="t", deletions=tuple(
                    ClozeDeletion(n, f"a{n}", None, 0, 0) for n in numbers)))
            else:
                cards.append(BasicCard(id=f"k{i}", deck_id="d", question="q", answer="a"))
        the_deck = Deck(id="d", title="d", path=None, cards=tuple(cards))
        keys = {(f"k{rng.randrange(34)}", rng.choice([0, 0, 1, 2, 3, 4])) for _ in range(40)}
        seen = {"d": {card_id: frozenset(rng.sample(range(5), rng.randint(1, 2)))
                      for card_id in {f"k{rng.randrange(34)}" for _ in range(6)}}}
        for kind in ("learning", "review"):
            rows = [(card_id, item, rng.randrange(10**6), rng.choice([None, rng.randrange(99)]),
                     None) for card_id, item in rng.sample(sorted(keys), len(keys))]
            claimed_a: dict[tuple[str, str], int] = {("d", "k1"): 2, ("d", "k2"): 1}
            claimed_b = dict(claimed_a)
            fast = _queued(the_deck, rows, kind, claimed_a, seen)
            slow = [slot for slot in _slots([(the_deck, None)], [_kept(the_deck, rows)], kind)
                    if not slot.cloze or _claim(slot, claimed_b, seen)]  # type: ignore[list-item]
            assert fast == slow
            assert [type(s) for s in fast] == [type(s) for s in slow]
            assert claimed_a == claimed_b
