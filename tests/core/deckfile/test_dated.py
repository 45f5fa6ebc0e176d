"""Dated facts: `as_of` on `[deck.source]` and on cards, `valid_until` on cards. Both loaders
read them alike (fast path on or off), the cache keeps them, a wrong value is a message at its
line, and they do not change a card's content hash (no "changed since you last saw it")."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from briefing_quiz.core.deckfile import fast
from briefing_quiz.core.deckfile.cache import DeckCache
from briefing_quiz.core.deckfile.load import load_deck, loads_deck
from briefing_quiz.core.errors import DeckError
from briefing_quiz.core.model import stale_since

DECK = """format = 1

[deck]
id = "d"
title = "T"

[deck.source]
file = "memo.md"
as_of = 2022-02-12

[[cards]]
id = "troops"
type = "typed"
question = "How many troops?"
answer = "130,000"
as_of = 2022-02-14
valid_until = 2022-02-24

[[cards]]
id = "plain"
type = "cloze"
text = "{{c1::Kyiv}} is the capital."
"""


@pytest.mark.parametrize("enabled", [True, False])
def test_dates_are_read_by_both_loaders(monkeypatch: pytest.MonkeyPatch, enabled: bool) -> None:
    monkeypatch.setattr(fast, "ENABLED", enabled)
    deck = loads_deck(DECK.encode())
    troops, plain = deck.cards
    assert (troops.as_of, troops.valid_until) == (dt.date(2022, 2, 14), dt.date(2022, 2, 24))
    assert deck.source is not None and deck.source.file == "memo.md"
    assert deck.as_of(troops) == dt.date(2022, 2, 14)
    assert deck.as_of(plain) == dt.date(2022, 2, 12)  # the source's date when the card has none
    assert plain.valid_until is None


def test_fast_and_slow_paths_build_equal_dated_cards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast, "ENABLED", True)
    on = loads_deck(DECK.encode())
    monkeypatch.setattr(fast, "ENABLED", False)
    assert loads_deck(DECK.encode()) == on


def test_the_cache_keeps_the_dates(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text(DECK, encoding="utf-8")
    cache = DeckCache(tmp_path / "cache")
    first = load_deck(path, cache)
    again = load_deck(path, cache)
    assert again == first and again.cards[0].valid_until == dt.date(2022, 2, 24)
    assert again.source == first.source


@pytest.mark.parametrize(("old", "new", "message"), [
    ("valid_until = 2022-02-24", 'valid_until = "2022-02-24"',
     "'valid_until' must be a date (like 2022-02-14, no quotes), not a string"),
    ("as_of = 2022-02-14", "as_of = 2022-02-14T10:00:00",
     "'as_of' must be a date (like 2022-02-14, no quotes), not a date-time"),
    ("valid_until = 2022-02-24", "valid_until = 2022-02-01",
     "'valid_until' 2022-02-01 is before 'as_of' 2022-02-14"),
    ("as_of = 2022-02-12", "as_of = 12",
     "'as_of' must be a date (like 2022-02-14, no quotes), not an integer"),
])
@pytest.mark.parametrize("enabled", [True, False])
def test_a_bad_date_is_a_message_at_its_line(monkeypatch: pytest.MonkeyPatch, enabled: bool,
                                             old: str, new: str, message: str) -> None:
    monkeypatch.setattr(fast, "ENABLED", enabled)
    text = DECK.replace(old, new)
    with pytest.raises(DeckError) as caught:
        loads_deck(text.encode())
    (problem,) = caught.value.problems
    assert problem.message == message
    assert problem.line == text.split("\n").index(new) + 1


def test_dates_do_not_change_the_content_hash() -> None:
    card = loads_deck(DECK.encode()).cards[0]
    undated = dataclasses.replace(card, as_of=None, valid_until=None)
    assert card.content_hash() == undated.content_hash()


def test_stale_since_is_the_day_after_valid_until() -> None:
    card = loads_deck(DECK.encode()).cards[0]
    assert stale_since(card, dt.date(2022, 2, 24)) is None
    assert stale_since(card, dt.date(2022, 2, 25)) == dt.date(2022, 2, 25)
    assert stale_since(loads_deck(DECK.encode()).cards[1], dt.date(2030, 1, 1)) is None
