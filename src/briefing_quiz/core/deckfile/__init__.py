"""Deck files: the public API for reading, checking and discovering decks.

Everything outside this package imports from here; the modules inside are its private parts.
The loader is imported on first use (PEP 562 `__getattr__`), not with the package: the app lists
decks from the parse cache's summaries (`deckfile.cache`) before its first frame, and importing
the loader and tomli then would delay that frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from briefing_quiz.core.deckfile.read import find_deck_files

if TYPE_CHECKING:
    from briefing_quiz.core.deckfile.cache import DeckCache, DeckSummary
    from briefing_quiz.core.deckfile.load import DeckLoad, load_deck, load_decks, loads_deck
    from briefing_quiz.core.deckfile.positions import locate_keys

__all__ = ["DeckCache", "DeckLoad", "DeckSummary", "find_deck_files", "load_deck", "load_decks",
           "loads_deck", "locate_keys"]

_LAZY = {
    "DeckLoad": "load", "load_deck": "load", "load_decks": "load", "loads_deck": "load",
    "DeckCache": "cache", "DeckSummary": "cache",
    "locate_keys": "positions",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
