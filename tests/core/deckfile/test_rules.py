"""The rules table: one edit of a limit there changes what the validator says and what the fast
path accepts, together; the keys it marks required are the ones both builders require; and the
tolerance forms the rules read."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from briefing_quiz.core.deckfile import fast, rules
from briefing_quiz.core.deckfile.load import loads_deck
from briefing_quiz.core.deckfile.rules import (
    CARD_RULES,
    COMMON_CARD_KEYS,
    DECK_KEYS,
    CardRule,
    Key,
    parse_tolerance,
)
from briefing_quiz.core.deckfile.validate import _Validator
from briefing_quiz.core.errors import DeckError
from briefing_quiz.core.model import Card, ChoiceCard, OrderCard, Tolerance

PREAMBLE = 'format = 1\n\n[deck]\nid = "d"\ntitle = "T"\n'
CHOICE = ('\n[[cards]]\nid = "c"\ntype = "choice"\nquestion = "Q?"\n'
          'choices = ["A", "B", "C", "D"]\nanswer = "A"\n')
ORDER = ('\n[[cards]]\nid = "o"\ntype = "order"\nquestion = "Q?"\n'
         'items = ["1", "2", "3", "4", "5"]\n')


def with_limit(monkeypatch: pytest.MonkeyPatch, card_type: str, key: str, **limits: int) -> None:
    """Edit one limit of the table, as a maintainer would edit its line."""
    rule = CARD_RULES[card_type]
    keys = tuple(dataclasses.replace(k, **limits) if k.name == key else k for k in rule.keys)
    monkeypatch.setitem(CARD_RULES, card_type, CardRule(rule.cls, keys))


def fast_and_validator(text: str) -> tuple[list[Card] | None, list[str]]:
    """What the fast path alone makes of the cards (None: declined) and the validator's messages
    for the same document, checked without the fast path."""
    parsed = fast._parse_simple(text)
    assert parsed is not None
    doc, lines, _ = parsed
    fast_cards = fast._fast_cards(doc["cards"], lines, "d", None)
    validator = _Validator(None, text, lines)
    try:
        validator.deck(doc)
    except DeckError as error:
        return fast_cards, [p.message for p in error.problems]
    return fast_cards, []


def test_the_default_limits_accept_four_choices_and_five_items() -> None:
    made, messages = fast_and_validator(PREAMBLE + CHOICE + ORDER)
    assert messages == [] and made is not None
    deck = loads_deck((PREAMBLE + CHOICE + ORDER).encode())
    assert isinstance(deck.cards[0], ChoiceCard) and isinstance(deck.cards[1], OrderCard)


@pytest.mark.parametrize("high", [2, 3])
def test_a_lower_maximum_of_choices_is_one_edit(monkeypatch: pytest.MonkeyPatch,
                                               high: int) -> None:
    with_limit(monkeypatch, "choice", "choices", high=high)
    made, messages = fast_and_validator(PREAMBLE + CHOICE)
    assert made is None  # the fast path declines what the validator rejects
    assert messages == [f"'choices' must have 2 to {high} items, not 4"]
    with pytest.raises(DeckError) as caught:
        loads_deck((PREAMBLE + CHOICE).encode())
    assert [p.message for p in caught.value.problems] == messages


def test_a_higher_minimum_of_choices_is_one_edit(monkeypatch: pytest.MonkeyPatch) -> None:
    with_limit(monkeypatch, "choice", "choices", low=5, high=9)
    made, messages = fast_and_validator(PREAMBLE + CHOICE)
    assert made is None
    assert messages == ["'choices' must have 5 to 9 items, not 4"]


def test_a_raised_maximum_lets_both_paths_accept(monkeypatch: pytest.MonkeyPatch) -> None:
    many = CHOICE.replace('["A", "B", "C", "D"]', str([str(n) for n in range(10)]).replace(
        "'", '"')).replace('answer = "A"', 'answer = "3"')
    made, messages = fast_and_validator(PREAMBLE + many)
    assert made is None and messages == ["'choices' must have 2 to 8 items, not 10"]
    with_limit(monkeypatch, "choice", "choices", high=10)
    made, messages = fast_and_validator(PREAMBLE + many)
    assert messages == [] and made is not None
    assert made is not None and loads_deck((PREAMBLE + many).encode()).cards == tuple(made)


def test_order_items_follow_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    with_limit(monkeypatch, "order", "items", high=4)
    made, messages = fast_and_validator(PREAMBLE + ORDER)
    assert made is None and messages == ["'items' must have 2 to 4 items, not 5"]


#: A valid card of each type with every key the table allows it.
FULL_CARDS: dict[str, dict[str, object]] = {
    "basic": {"question": "Q?", "answer": "A"},
    "typed": {"question": "Q?", "answer": "5 km", "accept": ["five km"], "tolerance": "5%"},
    "choice": {"question": "Q?", "choices": ["A", "B"], "answer": "A"},
    "truefalse": {"statement": "S.", "answer": True},
    "cloze": {"text": "{{c1::x}} y", "accept": {"c1": ["ex"]}},
    "order": {"question": "Q?", "items": ["1", "2"]},
    "open": {"question": "Q?", "points": [{"label": "L", "terms": ["t"]}], "answer": "A",
             "min_points": 1},
}


def card_text(table: dict[str, object]) -> str:
    return "\n[[cards]]\n" + "".join(
        f"{key} = {'true' if value is True else _toml_value(value)}\n" for key, value in table.items())


def _toml_value(value: object) -> str:
    """JSON is TOML for these values, except tables (open cards' points), written inline."""
    if isinstance(value, dict):  # cloze cards' accept: an inline table
        return "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "[" + ", ".join("{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in item.items())
                               + " }" for item in value) + "]"
    return json.dumps(value)


@pytest.mark.parametrize("card_type", sorted(FULL_CARDS))
def test_both_builders_require_what_the_table_requires(card_type: str) -> None:
    rule = CARD_RULES[card_type]
    assert set(FULL_CARDS[card_type]) == {key.name for key in rule.keys}
    full = {"id": "c", "type": card_type, "tags": ["t"], "source": "s", "explain": "e",
            "weight": 3, **FULL_CARDS[card_type]}
    made, messages = fast_and_validator(PREAMBLE + card_text(full))
    assert made is not None and messages == []
    for key in (*COMMON_CARD_KEYS, *rule.keys):
        without = {name: value for name, value in full.items() if name != key.name}
        made, messages = fast_and_validator(PREAMBLE + card_text(without))
        if key.required:
            assert made is None, key.name
            assert len(messages) == 1 and f"missing '{key.name}'" in messages[0], key.name
        else:
            assert made is not None and messages == [], key.name


#: Each key of a [deck] table, as a deck writes it (the source table last, as TOML needs).
DECK_LINES = {"id": 'id = "d"', "title": 'title = "T"', "description": 'description = "D"',
              "tags": 'tags = ["t"]', "source": '\n[deck.source]\ntitle = "S"'}


@pytest.mark.parametrize("key", DECK_KEYS, ids=lambda key: key.name)
def test_the_validator_requires_the_deck_keys_the_table_requires(key: Key) -> None:
    assert set(DECK_LINES) == {k.name for k in DECK_KEYS}
    card = card_text({"id": "c", "type": "basic", "question": "Q?", "answer": "A"})

    def deck(names: list[str]) -> bytes:
        return ("format = 1\n\n[deck]\n" + "".join(f"{DECK_LINES[n]}\n" for n in names)
                + card).encode()

    full = loads_deck(deck(list(DECK_LINES)))
    assert full.description and full.tags and full.source is not None
    without = deck([name for name in DECK_LINES if name != key.name])
    if key.required:
        with pytest.raises(DeckError) as caught:
            loads_deck(without)
        assert [p.message for p in caught.value.problems] == [f"[deck] is missing '{key.name}'"]
    else:
        loads_deck(without)


def test_the_allowed_keys_of_a_card_type_are_its_names() -> None:
    for rule in CARD_RULES.values():
        assert rule.allowed == frozenset(rule.names())
        assert len(rule.names()) == len(COMMON_CARD_KEYS) + len(rule.keys)
    rule = CARD_RULES["order"]
    edited = CardRule(rule.cls, (*rule.keys, dataclasses.replace(rule.keys[0], name="extra")))
    assert "extra" in edited.allowed and edited == CardRule(edited.cls, edited.keys)


def test_the_table_names_every_card_type_of_the_model() -> None:
    from briefing_quiz.core.model import CARD_TYPES

    assert tuple(CARD_RULES) == tuple(CARD_TYPES)
    assert all(rule.cls.__name__.lower().startswith(name[:4]) for name, rule in CARD_RULES.items())
    assert rules.CARD_RULES["choice"].key("choices").span() == (
        f"{rules.MIN_CHOICES} to {rules.MAX_CHOICES}")


def test_tolerance_forms() -> None:
    assert parse_tolerance("5%") == Tolerance(5.0, relative=True)
    assert parse_tolerance(" 2.5 % ") == Tolerance(2.5, relative=True)
    assert parse_tolerance("500") == Tolerance(500.0, relative=False)
    assert parse_tolerance("0.5") == Tolerance(0.5, relative=False)
    assert parse_tolerance(".5") == Tolerance(0.5, relative=False)
    for bad in ("", "%", "-5%", "5%%", "five", "1e3", "5 percent"):
        assert parse_tolerance(bad) is None, bad


@pytest.mark.parametrize(("line", "expected"), [("weight = 3", 3.0), ("weight = 0.5", 0.5),
                                                 ("", 1.0)])
def test_a_card_weight_is_read_alike_by_both_builders(line: str, expected: float) -> None:
    text = PREAMBLE + f'\n[[cards]]\nid = "c"\ntype = "basic"\nquestion = "Q"\nanswer = "A"\n{line}\n'
    made, messages = fast_and_validator(text)
    assert messages == [] and made is not None and made[0].weight == expected
    assert loads_deck(text.encode(), Path("d.toml")).cards[0].weight == expected


@pytest.mark.parametrize(("value", "shown"), [("0", "0"), ("-2", "-2"), ("'3'", "a string"),
                                              ("true", "a boolean"), ("inf", "inf")])
def test_a_bad_weight_is_a_located_error(value: str, shown: str) -> None:
    text = PREAMBLE + f'\n[[cards]]\nid = "c"\ntype = "truefalse"\nstatement = "S"\n' \
        f"answer = true\nweight = {value}\n"
    made, messages = fast_and_validator(text)
    assert made is None and len(messages) == 1
    assert "'weight' must be a number greater than 0" in messages[0] and shown in messages[0]
    with pytest.raises(DeckError) as caught:
        loads_deck(text.encode(), Path("d.toml"))
    assert caught.value.problems[0].line == 12
