"""The mock test: which questions are drawn (`pick_mock_test`), the score, and that nothing is
scheduled."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fsrs import Rating

from briefing_quiz.config import Config
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.model import (
    AUTO_CHECKED,
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    Deck,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.study.mock_test import MockTest, pick_mock_test
from briefing_quiz.core.study.session import StudySession
from tests.conftest import FrozenClock
from tests.core.study.conftest import choice, cloze, cloze_gaps, make_deck, review, typed
from tests.core.study.conftest import k as key

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TARGET = T0 + timedelta(days=3, hours=5)  # Thursday 14:00 UTC


def items_table(path: Path) -> list[tuple[object, ...]]:
    raw = sqlite3.connect(path)
    try:
        return raw.execute("SELECT * FROM items ORDER BY deck_id, card_id, item").fetchall()
    finally:
        raw.close()


def mock_deck() -> Deck:
    return make_deck([
        BasicCard(id="basic", deck_id="d", question="q", answer="a"),
        typed("t1", "army"), typed("t2", "gas"), choice("c1", "army"),
        TrueFalseCard(id="tf", deck_id="d", statement="Kyiv is the capital.", answer=True),
        cloze("z", "{{c1::Kyiv}} is on the {{c2::Dnipro}}", "geo"),
        OrderCard(id="o", deck_id="d", question="Order?", items_in_order=("x", "y", "z"))])


def right_response(card: Card, item: int) -> object:
    if isinstance(card, TypedCard):
        return card.answer
    if isinstance(card, ChoiceCard):
        return list(card.answers)
    if isinstance(card, TrueFalseCard):
        return card.answer
    if isinstance(card, OrderCard):
        return list(card.items_in_order)
    assert isinstance(card, ClozeCard)
    return {1: "Kyiv", 2: "Dnipro"}[item]


# -- the test over the store -----------------------------------------------------------------------


def test_a_mock_test_leaves_every_schedule_unchanged(store: Store) -> None:
    deck = mock_deck()
    for i, k in enumerate(deck.item_keys()):
        review(store, k, Rating.Good if i % 2 else Rating.Again, T0 - timedelta(days=i + 1))
    store.suspend(key("t2"), at=T0)
    before_states = repr(store.states())
    before_rows = items_table(store.path)
    before_log = [r.to_json() for r in store.reviews()]
    clock = FrozenClock(T0)
    test = MockTest(deck, store, 5, clock=clock, seed=11)
    asked = []
    while (entry := test.next()) is not None:
        asked.append(entry.key)
        clock.advance(timedelta(seconds=7))
        wrong = len(asked) == 2
        result = test.answer("nonsense" if wrong and entry.card.type in ("typed", "cloze")
                             else right_response(entry.card, entry.key.item))
        assert result.correct != (wrong and entry.card.type in ("typed", "cloze"))
    assert len(asked) == 5 and key("basic") not in asked and len(set(asked)) == 5
    outcome = test.finish()
    assert test.finish() is outcome  # recorded once
    assert repr(store.states()) == before_states
    assert items_table(store.path) == before_rows
    assert [r.to_json() for r in store.reviews()] == before_log
    (stored,) = store.mock_tests("d")
    assert stored.id == outcome.test_id and stored.planned == 5 and stored.seed == 11
    assert [a.key for a in stored.answers] == asked
    assert all(a.duration_ms == 7000 for a in stored.answers)
    assert stored.right == outcome.right == outcome.answered - len(outcome.misses)


def test_mock_test_score_and_misses(store: Store) -> None:
    deck = mock_deck()
    test = MockTest(deck, store, 20, clock=FrozenClock(T0), seed=1)
    assert test.planned == 7  # every auto-checked item, never the basic card
    entry = test.next()
    assert entry is not None
    wrong = {"typed": "no", "choice": ["no"], "truefalse": False, "cloze": "no",
             "order": ["z", "y", "x"]}[entry.card.type]
    test.answer(wrong, duration_ms=1000)
    entry2 = test.next()
    assert entry2 is not None
    test.answer(right_response(entry2.card, entry2.key.item), duration_ms=1000)
    result = test.finish()
    assert (result.answered, result.right, result.percent) == (2, 1, 50)
    assert [t.id for t in store.mock_tests()] == [result.test_id]
    (miss,) = result.misses
    assert miss.key == entry.key and miss.given and miss.expected
    if entry.card.type == "cloze":
        assert "[...]" in miss.question


def test_mock_test_needs_auto_checked_cards(store: Store) -> None:
    deck = make_deck([BasicCard(id="b", deck_id="d", question="q", answer="a")])
    with pytest.raises(BriefingQuizError, match="no auto-checked cards"):
        MockTest(deck, store, 3, clock=FrozenClock(T0))
    test = MockTest(mock_deck(), store, 3, clock=FrozenClock(T0))
    assert test.finish().test_id is None and store.mock_tests() == []  # nothing answered


def test_mock_test_shuffles_like_a_session_with_the_same_seed(store: Store) -> None:
    deck = mock_deck()
    test = MockTest(deck, store, 20, clock=FrozenClock(T0), seed=5)
    session = StudySession([deck], store, Config(), clock=FrozenClock(T0), tz=UTC, seed=5)
    for entry in test.entries:
        assert test.choice_order(entry) == session.choice_order(entry)
        assert test.order_items(entry) == session.order_items(entry)


# -- the pick --------------------------------------------------------------------------------------


def mixed_deck() -> list[Card]:
    cards: list[Card] = []
    for i in range(6):
        tag = ("army", "gas", "nato")[i % 3]
        cards.append(typed(f"t{i}", tag))
        cards.append(
            TrueFalseCard(id=f"f{i}", deck_id="d", tags=(tag,), statement="s", answer=True)
        )
        cards.append(ChoiceCard(id=f"m{i}", deck_id="d", tags=(tag,), question="q",
                                choices=("a", "b"), answers=("a",)))
        cards.append(BasicCard(id=f"b{i}", deck_id="d", tags=(tag,), question="q", answer="a"))
    cards.append(OrderCard(id="o", deck_id="d", question="q", items_in_order=("1", "2")))
    cards.append(cloze_gaps("z", (1, 2, 3), "gas"))
    return cards


def test_mock_test_is_deterministic_and_only_auto_checked() -> None:
    cards = mixed_deck()
    first = pick_mock_test(cards, 10, seed=7)
    assert first == pick_mock_test(cards, 10, seed=7)
    assert first != pick_mock_test(cards, 10, seed=8)
    assert len(first) == 10 and len(set(first)) == 10
    assert all(card.type in AUTO_CHECKED for card, _ in first)
    assert all(item in card.items for card, item in first)


def test_mock_test_spreads_over_tags_and_types() -> None:
    cards = mixed_deck()
    strata = {(c.tags[0] if c.tags else "", c.type) for c in cards if c.type in AUTO_CHECKED}
    picked = pick_mock_test(cards, len(strata), seed=3)
    assert {(c.tags[0] if c.tags else "", c.type) for c, _ in picked} == strata


def test_mock_test_asks_every_card_before_a_second_gap() -> None:
    cards = mixed_deck()
    auto = [c for c in cards if c.type in AUTO_CHECKED]
    picked = pick_mock_test(cards, len(auto), seed=1)
    assert len({c.id for c, _ in picked}) == len(auto)  # one item per card
    everything = pick_mock_test(cards, 1000, seed=1)
    assert len(everything) == len(auto) + 2  # the cloze card's two other gaps too
    assert pick_mock_test([typed("a")], 5, seed=0) == [(typed("a"), 0)]
    assert pick_mock_test([BasicCard(id="b", deck_id="d", question="q", answer="a")], 5, 0) == []
    with pytest.raises(BriefingQuizError):
        pick_mock_test(cards, 0, seed=1)


def test_an_open_question_scores_its_points_made_over_points_asked(store: Store) -> None:
    from briefing_quiz.core.model import OpenCard, OpenPoint

    points = tuple(OpenPoint(label, (label,)) for label in ("sanctions", "military aid",
                                                             "eastern flank", "diplomacy"))
    deck = make_deck([OpenCard(id="costs", deck_id="d", question="Which costs?", points=points,
                               answer="Sanctions, military aid, the eastern flank.",
                               min_points=4), typed("t1", "army")])
    test = MockTest(deck, store, 5, clock=FrozenClock(T0), seed=1)
    answers = {"open": "Sanctions and military aid, but no diplomacy.", "typed": "t1"}
    while (entry := test.next()) is not None:
        test.answer(answers[entry.card.type], duration_ms=1000)
    result = test.finish()
    # the open answer: 2 of 4 points made (diplomacy negated) -> 0.5; the typed one right -> 1
    assert (result.answered, result.right, result.points_made, result.points_asked) == (2, 1, 2, 4)
    assert result.score == 1.5 and result.percent == 75
    (miss,) = result.misses
    assert miss.key.card_id == "costs" and miss.given.startswith("Sanctions")
