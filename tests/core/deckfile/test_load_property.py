"""Property tests of the deck loader: garbled decks never raise anything but DeckError, problems
are well formed, every deck that loads satisfies the model's invariants, and the fast path
switched off gives the same deck or the same problems (`load`). The fast path's own properties
are in test_fast.py, the position scanner's in test_positions.py."""

from __future__ import annotations

import re
from typing import Any

import tomli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing_quiz.core.deckfile import fast as fast_module
from briefing_quiz.core.deckfile.load import loads_deck
from briefing_quiz.core.deckfile.rules import (
    MAX_CHOICES,
    MAX_ORDER_ITEMS,
    MIN_CHOICES,
    MIN_ORDER_ITEMS,
)
from briefing_quiz.core.deckfile.validate import _Validator
from briefing_quiz.core.errors import DeckError
from briefing_quiz.core.model import (
    CARD_TYPES,
    ChoiceCard,
    ClozeCard,
    Deck,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)
from tests.core.deckfile.generated import PATH, docs_example, mutated_documents, toml_document

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")

EXAMPLE = docs_example()
EXAMPLE_BYTES = EXAMPLE.encode()
EXAMPLE_DOC = tomli.loads(EXAMPLE)


def load(data: bytes) -> Deck | DeckError:
    """The deck, or the DeckError; any other exception fails the test. Loaded with the fast path
    on and off: the outcome must be the same deck, or the same problems."""
    fast_on = load_with(data, fast=True)
    fast_off = load_with(data, fast=False)
    if isinstance(fast_on, DeckError):
        assert isinstance(fast_off, DeckError) and fast_off.problems == fast_on.problems
    else:
        assert fast_off == fast_on
    return fast_on


def load_with(data: bytes, *, fast: bool) -> Deck | DeckError:
    was = fast_module.ENABLED
    fast_module.ENABLED = fast  # not monkeypatch: hypothesis runs many examples per test call
    try:
        return loads_deck(data, PATH)
    except DeckError as error:
        return error
    finally:
        fast_module.ENABLED = was


def check_outcome(outcome: Deck | DeckError, text: str | None) -> None:
    if isinstance(outcome, DeckError):
        check_problems(outcome, text)
    else:
        check_deck(outcome, text)


def check_problems(error: DeckError, text: str | None) -> None:
    assert error.problems
    line_count = text.count("\n") + 1 if text is not None else None
    lines = [p.line or 0 for p in error.problems]
    assert lines == sorted(lines)
    for problem in error.problems:
        assert problem.path == PATH and problem.message
        assert problem.line is None or problem.line >= 1
        if problem.line is not None and line_count is not None:
            assert problem.line <= line_count
        assert problem.column is None or (problem.line is not None and problem.column >= 1)
        assert str(problem).startswith(str(PATH))
    assert str(error)


def check_deck(deck: Deck, text: str | None) -> None:
    assert SLUG.match(deck.id) and deck.title.strip() and deck.path == PATH
    assert deck.cards
    ids = [c.id for c in deck.cards]
    assert len(set(ids)) == len(ids) and all(SLUG.match(i) for i in ids)
    assert all(isinstance(c.line, int) and c.line >= 1 for c in deck.cards)
    card_lines = [c.line or 0 for c in deck.cards]
    assert card_lines == sorted(card_lines) and len(set(card_lines)) == len(card_lines)
    if text is not None:
        source_lines = text.splitlines()
        for n in card_lines:
            assert "[[" in source_lines[n - 1]
    for card in deck.cards:
        assert card.type in CARD_TYPES and card.deck_id == deck.id and card.path == PATH
        assert all(t.strip() for t in card.tags)
        assert card.prompt.strip() and card.items
        if isinstance(card, ChoiceCard):
            assert MIN_CHOICES <= len(card.choices) <= MAX_CHOICES
            assert len(set(card.choices)) == len(card.choices)
            assert card.answers and set(card.answers) <= set(card.choices)
            assert card.multiple or len(card.answers) == 1
        elif isinstance(card, OrderCard):
            assert MIN_ORDER_ITEMS <= len(card.items_in_order) <= MAX_ORDER_ITEMS
            assert len(set(card.items_in_order)) == len(card.items_in_order)
        elif isinstance(card, ClozeCard):
            assert card.deletions and all(d.number >= 1 for d in card.deletions)
            assert all(card.content_hash(item) for item in card.items)
        elif isinstance(card, TrueFalseCard):
            assert isinstance(card.answer, bool)
        elif isinstance(card, TypedCard):
            assert card.answer.strip() and all(a.strip() for a in card.accept)
    assert [c.id for c in slow_cards(text)] == ids if text is not None else True


def slow_cards(text: str) -> list[Any]:
    """The cards as the reporting (slow) path builds them: must equal the fast path's."""
    validator = _Validator(PATH, text)
    doc = tomli.loads(text)
    validator.deck(doc)
    lines = validator.where.card_lines(len(doc["cards"]))
    assert lines is not None
    first: dict[str, int] = {}
    cards = [validator.card(i, c, lines[i], first, lines) for i, c in enumerate(doc["cards"])]
    assert not validator.pending
    assert cards == list(loads_deck(text.encode(), PATH).cards)
    return cards


# --- byte-level garbling of a valid deck ---------------------------------------------------------

@st.composite
def garbled(draw: st.DrawFn) -> bytes:
    data = bytearray(EXAMPLE_BYTES)
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "delete", "insert", "duplicate"]))
        if action == "flip" and where < len(data):
            data[where] ^= 1 << draw(st.integers(0, 7))
        elif action == "delete":
            del data[where:where + draw(st.integers(1, 40))]
        elif action == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=6)
                                     | st.sampled_from([b"\n", b"[[cards]]\n", b'"', b"{{",
                                                        b"\xff", b"=", b"'''", b'"""', b"]"]))
        else:
            end = min(len(data), where + draw(st.integers(1, 200)))
            data[where:where] = data[where:end]
    return bytes(data)


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(garbled())
def test_garbled_bytes_raise_only_deck_errors(data: bytes) -> None:
    try:
        text: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and text.startswith("\ufeff"):
        text = text[1:]
    check_outcome(load(data), text)


@settings(deadline=None, max_examples=200)
@given(st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_arbitrary_input_raises_only_deck_errors(data: bytes) -> None:
    outcome = load(data)
    assert isinstance(outcome, DeckError)
    try:
        text: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    check_problems(outcome, text)


# --- random TOML values in random keys -----------------------------------------------------------

def test_serializer_round_trips_the_example() -> None:
    text = toml_document(EXAMPLE_DOC)
    assert tomli.loads(text) == EXAMPLE_DOC
    check_deck(loads_deck(text.encode(), PATH), text)


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_random_values_in_random_keys(text: str) -> None:
    check_outcome(load(text.encode()), text)
