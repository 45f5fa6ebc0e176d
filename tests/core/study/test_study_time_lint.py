"""What the lint changes at study time: choice options shuffled anew at each showing (checked by
their text, never their position), and new cards that leak each other's answers kept apart."""

from __future__ import annotations

from datetime import datetime, timezone

from fsrs import Rating

from briefing_quiz.config import Config
from briefing_quiz.core.model import BasicCard, ChoiceCard, OrderCard, TypedCard
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import SchedulerSettings
from briefing_quiz.core.study.queue import LEAK_GAP, QueueEntry, shuffled_choices, spaced_apart
from tests.conftest import FrozenClock
from tests.core.study.conftest import drain, k, make_deck, session

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
OPTIONS = ("Paris", "Berlin", "Geneva", "Vienna", "Rome", "Oslo")


def city() -> ChoiceCard:
    return ChoiceCard(id="city", deck_id="d", question="Where were the talks?", choices=OPTIONS,
                      answers=("Geneva",))


def test_a_card_shown_again_gets_a_new_order_and_one_showing_keeps_its_order(
        store: Store) -> None:
    s = session(make_deck([city()]), store, FrozenClock(T0), seed=7)
    orders = []
    for _ in range(12):
        entry = s.next()  # an entry not answered goes to the back: the same card, shown again
        assert entry is not None
        order = s.choice_order(entry)
        assert s.choice_order(entry) == order  # while it is on screen, nothing moves
        assert sorted(order) == sorted(OPTIONS)
        orders.append(order)
    assert len({tuple(o) for o in orders}) > 6
    # The answer does not sit in one place: its position cannot be learnt.
    assert len({o.index("Geneva") for o in orders}) >= 4


def test_the_shuffles_are_reproducible_with_the_seed(store: Store) -> None:
    def orders(seed: int) -> list[list[str]]:
        s = session(make_deck([city()]), store, FrozenClock(T0), seed=seed)
        return [s.choice_order(e) for e in (s.next(), s.next(), s.next()) if e is not None]

    assert orders(3) == orders(3)
    assert orders(3) != orders(4)
    # The first showing keeps the order a seed always gave (mock tests show each item once).
    entry = session(make_deck([city()]), store, FrozenClock(T0), seed=3).next()
    assert entry is not None and orders(3)[0] == shuffled_choices(3, entry)


def test_order_items_are_reshuffled_too(store: Store) -> None:
    card = OrderCard(id="o", deck_id="d", question="Order?",
                     items_in_order=("a", "b", "c", "d", "e"))
    s = session(make_deck([card]), store, FrozenClock(T0), seed=1)
    orders = {tuple(s.order_items(e)) for e in [s.next() for _ in range(8)] if e is not None}
    assert len(orders) > 3 and ("a", "b", "c", "d", "e") not in orders


def test_grading_goes_by_the_option_not_its_place(store: Store) -> None:
    s = session(make_deck([city()]), store, FrozenClock(T0), seed=11)
    places = set()
    for _ in range(6):
        entry = s.next()
        assert entry is not None
        order = s.choice_order(entry)
        right = order.index("Geneva")
        places.add(right)
        result = s.check([order[right]])
        assert result is not None and result.correct
        wrong = s.check([order[(right + 1) % len(order)]])
        assert wrong is not None and not wrong.correct
    assert len(places) > 1  # the same right answer, clicked at different places


# -- new cards that leak each other's answers ------------------------------------------------------


def typed(card_id: str, question: str, answer: str) -> TypedCard:
    return TypedCard(id=card_id, deck_id="d", question=question, answer=answer)


def filler(i: int) -> BasicCard:
    return BasicCard(id=f"f{i}", deck_id="d", question=f"Filler question {i}?",
                     answer=f"Filler{i}")


def test_two_leaking_new_cards_are_never_within_ten_cards(store: Store) -> None:
    asks = typed("author", "Who wrote the essay?", "Steven Pifer")
    leaks = typed("outlet", "Where did Steven Pifer publish it?", "CISAC")
    deck = make_deck([asks, leaks, *(filler(i) for i in range(20))])
    cfg = Config(SchedulerSettings(new_cards_per_day=30))
    shown = drain(session(deck, store, FrozenClock(T0), cfg), Rating.Easy)
    assert len(shown) == 22
    assert shown.index(k("outlet")) - shown.index(k("author")) > LEAK_GAP
    # The others keep their deck order.
    fillers = [key.card_id for key in shown if key.card_id.startswith("f")]
    assert fillers == [f"f{i}" for i in range(20)]


def test_without_room_between_them_the_second_waits_for_another_session(store: Store) -> None:
    asks = typed("author", "Who wrote the essay?", "Steven Pifer")
    leaks = typed("outlet", "Where did Steven Pifer publish it?", "CISAC")
    deck = make_deck([asks, leaks, *(filler(i) for i in range(3))])
    shown = drain(session(deck, store, FrozenClock(T0)), Rating.Easy)
    assert k("author") in shown and k("outlet") not in shown and len(shown) == 4


def test_cards_that_leak_nothing_keep_deck_order(store: Store) -> None:
    deck = make_deck([filler(i) for i in range(5)])
    assert drain(session(deck, store, FrozenClock(T0)), Rating.Easy) == [k(f"f{i}") for i in range(5)]


def test_spaced_apart_places_each_related_slot_as_early_as_it_may() -> None:
    from briefing_quiz.core.study.queue import _Slot

    slots = [_Slot("d", name, 0, "new", 0, None, False) for name in "abcdefgh"]
    related = {"a": frozenset("c"), "c": frozenset("a")}
    order = [slot.card_id for slot in spaced_apart(slots, related, 3)]
    assert order == ["a", "b", "d", "e", "c", "f", "g", "h"]
    assert spaced_apart(slots, {}, 3) == slots


def entry_of(card: ChoiceCard) -> QueueEntry:
    return QueueEntry(key=k(card.id), card=card, kind="new", changed_since_seen=False)


def test_shuffled_choices_differ_by_showing_and_repeat_by_showing() -> None:
    entry = entry_of(city())
    assert shuffled_choices(5, entry, 2) == shuffled_choices(5, entry, 2)
    assert len({tuple(shuffled_choices(5, entry, n)) for n in range(10)}) > 5
