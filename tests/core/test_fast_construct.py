"""The fast constructors give what the dataclass constructor gives: equal objects of the same class,
every slot set, defaults applied; a class they cannot mirror gets its own constructor; switched
off, they are the constructors themselves."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from itertools import repeat
from pathlib import Path
from typing import Any

import pytest

from briefing_quiz.core import fast_construct
from briefing_quiz.core.deckfile import fast
from briefing_quiz.core.deckfile.load import loads_deck
from briefing_quiz.core.fast_construct import column_constructor, fast_constructor
from briefing_quiz.core.model import Card, ClozeCard, ClozeDeletion, SourceInfo, Tolerance
from tests.core.deckfile.generated import docs_example, generate_deck


def slow_cards(monkeypatch: pytest.MonkeyPatch) -> list[Card]:
    """Cards of every type (the docs' example and a generated deck), built by the validator with
    the classes' own constructors."""
    monkeypatch.setattr(fast, "ENABLED", False)
    return [card for text in (docs_example(), generate_deck(30, 4))
            for card in loads_deck(text.encode(), Path("deck.toml")).cards]


def values(obj: object) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}  # type: ignore[arg-type]


def test_every_model_object_of_a_deck_is_rebuilt_equal(monkeypatch: pytest.MonkeyPatch) -> None:
    cards = slow_cards(monkeypatch)
    objects: list[object] = [*cards, Tolerance(5.0, relative=True),
                             SourceInfo(title="t", author=None, publisher=None, date=None, url="u")]
    objects += [d for card in cards if isinstance(card, ClozeCard) for d in card.deletions]
    assert {type(o).__name__ for o in objects} >= {"BasicCard", "TypedCard", "ChoiceCard",
                                                   "TrueFalseCard", "ClozeCard", "OrderCard",
                                                   "ClozeDeletion"}
    for obj in objects:
        cls = type(obj)
        made = fast_constructor(cls)(**values(obj))
        assert made is not obj and type(made) is cls
        assert made == cls(**values(obj)) == obj
        assert hash(made) == hash(obj) and repr(made) == repr(obj)


def test_defaults_are_the_dataclass_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for card in slow_cards(monkeypatch):
        cls = type(card)
        required = {f.name: getattr(card, f.name) for f in dataclasses.fields(cls)
                    if f.default is dataclasses.MISSING}
        assert fast_constructor(cls)(**required) == cls(**required)


def test_column_constructor_equals_one_constructor_call_each(
        monkeypatch: pytest.MonkeyPatch) -> None:
    cards = slow_cards(monkeypatch)
    for cls in {type(card) for card in cards}:
        group = [card for card in cards if type(card) is cls]
        names = [f.name for f in dataclasses.fields(cls) if f.name != "path"]
        columns = [[getattr(card, name) for card in group] for name in names]
        for enabled in (True, False):
            monkeypatch.setattr(fast_construct, "ENABLED", enabled)
            build = column_constructor(cls, [*names, "path"])
            assert build(len(group), [*columns, repeat(Path("deck.toml"))]) == group


def test_a_class_it_cannot_mirror_gets_its_own_constructor() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            assert self.value >= 0

    @dataclasses.dataclass(frozen=True)
    class Unslotted:
        value: int

    assert fast_constructor(Checked) is Checked
    assert fast_constructor(Unslotted) is Unslotted
    with pytest.raises(TypeError):
        column_constructor(Checked, ["value"])


def test_switched_off_the_constructors_are_the_classes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_construct, "ENABLED", False)
    assert fast_constructor(ClozeDeletion) is ClozeDeletion
    code = ("from briefing_quiz.core import fast_construct as f; from briefing_quiz.core.model "
            "import Tolerance; print(f.ENABLED, f.fast_constructor(Tolerance) is Tolerance)")
    for value, expected in (("1", "False True"), ("", "True False")):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True,
                             env={**os.environ, "BRIEFING_QUIZ_NO_FAST_CONSTRUCT": value})
        assert out.stdout.strip() == expected, value
