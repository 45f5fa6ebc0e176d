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
from briefing_quiz.core.deckfile import cut as cut_module
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
    cut = cut_module._Cut(text)
    assert len(cut) == len(parts)
    assert cut.preamble() == parts[0]
    assert list(cut.cards()) == parts[1:]
    assert [cut.card(index) for index in range(len(parts) - 1)] == parts[1:]
    # The line of each header: the separator's own line, one below the part before it ends.
    assert cut.header_lines() == [
        CARD_SEPARATOR.join(parts[:index + 1]).count("\n") + 2 for index in range(len(parts) - 1)]


def test_the_cache_keeps_the_cut_text(tmp_path: Path) -> None:
    text = generate_deck(30, seed=2)
    path = tmp_path / "deck.toml"
    path.write_text(text, encoding="utf-8")
    cache = DeckCache(tmp_path / "cache")
    deck = load_deck(path, cache)
    previous = cache.previous(path)
    assert previous is not None
    assert previous[0] == deck
    assert previous[1] == text
    assert len(previous[1].split(CARD_SEPARATOR)[1:]) == 30


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
    assert previous[1] == text
    assert b"".join(cache_module._framed_text(text))[8:] == text.encode()


# --- the reuse of an edited deck's cards (fast._OldTables): at their place first, then by text ---


def _tables(text: str) -> tuple[str, list[str]]:
    preamble, *cards = text.split(CARD_SEPARATOR)
    return preamble, cards


def _joined(preamble: str, cards: list[str]) -> str:
    return CARD_SEPARATOR.join([preamble, *cards])


def _edits(text: str) -> dict[str, tuple[str, int]]:
    """Edited texts, each with the most card tables a reload may read again."""
    preamble, cards = _tables(text)
    new_card = 'id = "brand-new"\ntype = "basic"\nquestion = "New?"\nanswer = "Yes"\n'
    most = 1 + cut_module._MISSES_BEFORE_INDEX  # a new table, and the misses before the index
    return {
        "one card edited in place": (_joined(preamble, [
            cards[0], cards[1].replace('id = "card-1"\n', 'id = "card-1"\nexplain = "Why."\n'),
            *cards[2:]]), 1),
        "lines added above the cards": (_joined(preamble + "\n# a note\n", cards), 0),
        "a card added at the top": (_joined(preamble, [new_card, *cards]), most),
        "the first card removed": (_joined(preamble, cards[1:]), most),
        "the last card removed": (_joined(preamble, cards[:-1]), 0),
        "two cards swapped": (_joined(preamble, [cards[1], cards[0], *cards[2:]]), 2),
        "every card in reverse order": (_joined(preamble, cards[::-1]), most),
    }


@pytest.mark.parametrize("edit", list(_edits(generate_deck(40, seed=8))))
def test_an_edited_deck_reuses_its_cards_and_loads_as_a_full_load(
        edit: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = generate_deck(40, seed=8)
    edited, most_read = _edits(text)[edit]
    path = tmp_path / "deck.toml"
    path.write_text(text, encoding="utf-8")
    cache = DeckCache(tmp_path / "cache")
    load_deck(path, cache)
    read: list[str] = []
    card_table = fast_module._card_table

    def counting(chunk: str) -> object:
        read.append(chunk)
        return card_table(chunk)

    monkeypatch.setattr(fast_module, "_card_table", counting)
    path.write_text(edited, encoding="utf-8")
    deck = load_deck(path, cache)
    assert len(read) <= most_read
    full = loads_deck(edited.encode(), path)
    assert deck == full
    assert [(c.line, c.deck_id, c.path) for c in deck.cards] == [
        (c.line, c.deck_id, c.path) for c in full.cards]
