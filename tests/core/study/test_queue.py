"""The study queue: its order (learning, most overdue reviews, new in deck order), the daily
new limit, learn-ahead, cloze siblings, and the per-deck row rules against their one-deck fast path."""

from __future__ import annotations

import random
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs
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
)
from briefing_quiz.core.progress.store import Store, lkey, to_us
from briefing_quiz.core.scheduler import SchedulerSettings
from briefing_quiz.core.study.queue import QueueEntry, next_day_start
from briefing_quiz.core.study.session import StudySession
from tests.conftest import FrozenClock, StoreFactory
from tests.core.study.conftest import basic, cloze, drain, force, k, make_deck, review, session

UTC = timezone.utc
# 10:00 UTC; with tz=UTC and the day starting at 04:00, the study day began at 04:00 today.
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SETTINGS = SchedulerSettings(enable_fuzzing=False, new_cards_per_day=0)


# -- queue order -----------------------------------------------------------------------------------


def test_queue_order_learning_then_most_overdue_reviews_then_new(store: Store) -> None:
    deck = make_deck([basic(i) for i in range(1, 9)])
    # c1: a 30-day interval, 5 days overdue; c2: a 2-day interval, 2 days overdue (more overdue
    # relative to its interval); c7: due later today; c8: due tomorrow; c3: learning, due now.
    force(store, k("c1"), T0 - timedelta(days=35), T0 - timedelta(days=5))
    force(store, k("c2"), T0 - timedelta(days=4), T0 - timedelta(days=2))
    force(store, k("c7"), T0 - timedelta(days=3), T0 + timedelta(hours=3))
    force(store, k("c8"), T0 - timedelta(days=3), next_day_start(T0, UTC) + timedelta(minutes=1))
    force(store, k("c3"), T0 - timedelta(minutes=5), T0 - timedelta(minutes=4), Rating.Again)
    s = session(deck, store, FrozenClock(T0), Config(SchedulerSettings(new_cards_per_day=3)))
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
    clock = FrozenClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))  # 02:00 local: study day of 1 March
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
    s = session([a, b], store, FrozenClock(T0), cfg)
    assert s.counts.new == 6
    keys = drain(s, Rating.Easy)
    assert keys == [k("c0", deck="a"), k("c1", deck="a")] + [k(f"c{i}", deck="b") for i in range(4)]


def test_learning_cards_come_back_in_the_session(store: Store) -> None:
    deck = make_deck([basic(1), basic(2)])
    clock = FrozenClock(T0)
    s = session(deck, store, clock, learn_ahead=timedelta(0))
    assert s.next() is not None and s.current is not None
    s.answer(Rating.Again, duration_ms=1)  # c1 due again in 1 minute
    entry = s.next()
    assert entry is not None and entry.key == k("c2")
    s.answer(Rating.Easy, duration_ms=1)
    assert s.next() is None and s.remaining == 1  # c1 waits for its step
    clock.advance(timedelta(minutes=1))
    entry = s.next()
    assert entry is not None and entry.key == k("c1") and entry.kind == "learning"


def test_learn_ahead_shows_learning_when_nothing_else_is_left(store: Store) -> None:
    clock = FrozenClock(T0)
    s = session(make_deck([basic(1)]), store, clock)
    s.next()
    s.answer(Rating.Good, duration_ms=1)  # due in 10 minutes: within the 20-minute learn-ahead
    entry = s.next()
    assert entry is not None and entry.key == k("c1")
    s.answer(Rating.Good, duration_ms=1)  # now in review, due in days
    assert s.next() is None and s.remaining == 0


# -- siblings and burials --------------------------------------------------------------------------


def test_cloze_siblings_are_not_shown_on_the_same_day(store: Store) -> None:
    deck = make_deck([cloze("z", "{{c1::Kyiv}} is the capital of {{c2::Ukraine}} ({{c3::2022}})"),
                      basic(1)])
    clock = FrozenClock(T0)
    assert drain(session(deck, store, clock), Rating.Easy) == [k("z", 1), k("c1")]
    # Later the same study day: c2 and c3 still wait.
    clock.advance(timedelta(hours=5))
    assert drain(session(deck, store, clock), Rating.Easy) == []
    clock.now = T0 + timedelta(days=1)
    assert drain(session(deck, store, clock), Rating.Easy) == [k("z", 2)]


def test_a_due_sibling_blocks_the_others(store: Store) -> None:
    deck = make_deck([cloze("z", "{{c1::a}} {{c2::b}}")])
    clock = FrozenClock(T0)
    drain(session(deck, store, clock), Rating.Again, limit=1)  # z#1 in learning
    clock.advance(timedelta(minutes=2))
    s = session(deck, store, clock)
    assert s.counts.new == 0 and s.counts.learning == 1


def test_buried_item_returns_at_the_next_study_day(store: Store) -> None:
    deck = make_deck([basic(1)])
    clock = FrozenClock(T0)
    s = session(deck, store, clock)
    s.next()
    s.bury()
    clock.now = next_day_start(T0, UTC) - timedelta(seconds=1)
    assert session(deck, store, clock).counts.total == 0
    clock.now = next_day_start(T0, UTC)
    assert session(deck, store, clock).counts.new == 1


# -- the order SQLite sorts, merged across decks ---------------------------------------------------


def numbered_deck(deck_id: str, n: int) -> Deck:
    return make_deck((BasicCard(id=f"c{i:02}", deck_id=deck_id, question=f"q{i}", answer="a")
                      for i in range(n)), deck_id)


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


def shown_in_order(decks: list[Deck], store: Store, now: datetime) -> list[ItemKey]:
    session = StudySession(decks, store, Config(SETTINGS), clock=FrozenClock(now), tz=UTC,
                           learn_ahead=timedelta(0))
    order = []
    while (entry := session.next()) is not None:
        order.append(entry.key)
        session.bury()  # out of the way, leaving the rest of the queue as it was
    return order


def test_order_with_ties_across_decks(tmp_path: Path) -> None:
    rng = random.Random(5)
    decks = [numbered_deck("b", 24), numbered_deck("a", 24)]  # deck order, not alphabetical
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as store:
        for d in decks:
            for card in d.cards:
                key = ItemKey(d.id, card.id)
                # Few distinct histories, so many items share due and last review times.
                start = T0 - timedelta(days=rng.choice([3, 9, 30]))
                review(store, key, Rating.Good, start, settings=SETTINGS)
                review(store, key, rng.choice([Rating.Good, Rating.Again]),
                       start + timedelta(days=rng.choice([1, 2])), settings=SETTINGS)
        now = T0 + timedelta(days=2)
        want = expected(store, decks, now)
    assert len(want) > 20 and len(set(want)) == len(want)
    for name, chosen in (("both", decks), ("one", decks[1:])):
        copy = tmp_path / f"{name}.sqlite3"
        shutil.copy(path, copy)  # each run buries what it was shown
        with Store.open(copy) as store:
            assert shown_in_order(chosen, store, now) == [
                k for k in want if k.deck_id in {d.id for d in chosen}]


def test_new_items_found_by_lookups_or_by_a_scan_are_the_same(
        tmp_path: Path, open_store: StoreFactory) -> None:
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
    d = make_deck(cards)
    keys = d.item_keys()
    for name, studied in (("front", keys[:600]), ("scattered", rng.sample(keys, 400)),
                          ("fresh", [])):
        store = open_store(tmp_path / f"{name}.sqlite3")
        for key in studied:  # before today, due days ahead: studied, not due, not seen today
            review(store, key, Rating.Easy, T0 - timedelta(days=1), settings=SETTINGS)
        store.suspend(keys[650], at=T0)
        now = T0 + timedelta(hours=1)
        blocked = store.blocked_among("d", None, now=now)
        want: list[ItemKey] = []
        for card in d.cards:
            free = [i for i in card.items if lkey(card.id, i) not in blocked]
            if free:
                want.append(ItemKey("d", card.id, free[0]))  # siblings: one per card
        session = StudySession([d], store, Config(settings), clock=FrozenClock(now), tz=UTC)
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
    from briefing_quiz.core.study.queue import _claim, _kept, _queued, _slots

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
        the_deck = make_deck(cards)
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


# -- seeded shuffles -------------------------------------------------------------------------------


def test_shuffles_are_seeded_and_order_is_never_given_away(store: Store) -> None:
    choice = ChoiceCard(id="ch", deck_id="d", question="?", choices=tuple("abcdef"), answers=("a",))
    order = OrderCard(id="o", deck_id="d", question="?", items_in_order=("x", "y"))
    deck = make_deck([choice, order])
    s1, s2 = session(deck, store, FrozenClock(T0), seed=1), session(deck, store, FrozenClock(T0), seed=1)
    e = QueueEntry(k("ch"), choice, "new", False)
    assert s1.choice_order(e) == s1.choice_order(e) == s2.choice_order(e)
    assert sorted(s1.choice_order(e)) == list("abcdef")
    orders = {tuple(session(deck, store, FrozenClock(T0), seed=n).choice_order(e)) for n in range(10)}
    assert len(orders) > 1
    eo = QueueEntry(k("o"), order, "new", False)
    for n in range(10):
        assert session(deck, store, FrozenClock(T0), seed=n).order_items(eo) == ["y", "x"]
