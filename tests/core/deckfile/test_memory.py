"""What a deck load leaves alive: only the deck. The app freezes whatever is alive after its first
load (`services.gc_policy.settle_heap`), so garbage in a reference cycle would be kept for good."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing_quiz.core.deckfile import cache as cache_module
from briefing_quiz.core.deckfile import fast as fast_module
from briefing_quiz.core.deckfile import load_deck, loads_deck
from briefing_quiz.core.deckfile.cache import DeckCache
from briefing_quiz.core.deckfile.read import CARD_SEPARATOR
from briefing_quiz.core.deckfile.validate import _Locator, _Validator
from tests.core.deckfile.generated import generate_deck


@pytest.fixture
def collector_off() -> Iterator[None]:
    """The collector off, as during the app's loads, after freeing what earlier tests left."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _alive(cls: type) -> int:
    return sum(1 for thing in gc.get_objects() if type(thing) is cls)


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast", "plain"])
@pytest.mark.usefixtures("collector_off")
def test_a_load_leaves_no_validator_and_no_text_behind(
        fast_path: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_module, "ENABLED", fast_path)
    deck = loads_deck(generate_deck(40, seed=5).encode())
    assert len(deck.cards) == 40
    # Freed by reference counting alone: nothing of the load is in a cycle.
    assert _alive(_Validator) == 0
    assert _alive(_Locator) == 0


# --- the text cut without its parts (fast._Cut): exactly what str.split cuts ------------------

_PIECES = st.sampled_from(["[[cards]]", "\n", "\n[[cards]]\n", "x", "[[cards]]\n", "\n[[cards]]",
                           "é", ""])


@given(st.lists(_PIECES, max_size=30).map("".join))
def test_the_cut_gives_what_split_gives(text: str) -> None:
    parts = text.split(CARD_SEPARATOR)
    cut = fast_module._Cut(text)
    assert len(cut) == len(parts)
    assert cut.preamble() == parts[0]
    assert list(cut.cards()) == parts[1:]
    assert [cut.card(index) for index in range(len(parts) - 1)] == parts[1:]
    # The line of each header: the separator's own line, one below the part before it ends.
    assert cut.header_lines() == [
        CARD_SEPARATOR.join(parts[:index + 1]).count("\n") + 2 for index in range(len(parts) - 1)]


def test_the_cache_keeps_the_cut_text_and_gives_back_each_cards_table(tmp_path: Path) -> None:
    text = generate_deck(30, seed=2)
    path = tmp_path / "deck.toml"
    path.write_text(text, encoding="utf-8")
    cache = DeckCache(tmp_path / "cache")
    deck = load_deck(path, cache)
    previous = cache.previous(path)
    assert previous is not None
    assert previous[0] == deck
    assert previous[1] == tuple(text.split(CARD_SEPARATOR)[1:])
    assert len(previous[1]) == 30


def test_the_cut_text_is_written_in_slices_and_read_back_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Slices of 7 characters: many of them, some cutting multi-byte characters' neighbours.
    monkeypatch.setattr(cache_module, "_TEXT_CHUNK", 7)
    text = generate_deck(12, seed=4).replace("question = \"", "question = \"é—✓ ")
    path = tmp_path / "deck.toml"
    path.write_text(text, encoding="utf-8")
    cache = DeckCache(tmp_path / "cache")
    deck = load_deck(path, cache)
    assert any("é—✓" in str(card) for card in deck.cards)
    previous = cache.previous(path)
    assert previous is not None
    assert previous[1] == tuple(text.split(CARD_SEPARATOR)[1:])
    assert b"".join(cache_module._framed_text(text))[8:] == text.encode()
