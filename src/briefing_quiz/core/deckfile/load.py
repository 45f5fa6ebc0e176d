"""Deck files (TOML, format 1) -> validated `Deck` objects; the format is in docs/deck-format.md.

The loader's order of work, each step in its own module: read the bytes (`read.py`), serve an
unchanged file from the deck cache (`cache.py`), try the fast path (`fast.py`: it may decline,
never decides), else let tomli parse the whole text (which reports every syntax error) and the
validator (`validate.py`) check it against the rules (`rules.py`), placing each problem with
`positions.py`. Nothing but `DeckError` ever escapes `load_deck` and `loads_deck`.

Building a deck makes thousands of objects, none in a cycle; the application layer pauses the
garbage collector around these calls (`services.gc_policy`), the core never touches it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import tomli

from briefing_quiz.core.deckfile import fast
from briefing_quiz.core.deckfile.positions import _deck_id_position
from briefing_quiz.core.deckfile.read import decode_deck, distinct_files, read_deck_bytes
from briefing_quiz.core.deckfile.validate import _Validator
from briefing_quiz.core.errors import DeckError, Problem
from briefing_quiz.core.model import Deck

if TYPE_CHECKING:
    from briefing_quiz.core.deckfile.cache import DeckCache

__all__ = ["DeckLoad", "load_deck", "load_decks", "loads_deck"]


@dataclass
class DeckLoad:
    """The result of loading several deck files: the good decks, and one error per bad file."""

    decks: list[Deck] = field(default_factory=list)
    failures: list[DeckError] = field(default_factory=list)


def load_deck(path: Path, cache: DeckCache | None = None) -> Deck:
    """Read and validate one deck file; raises DeckError (also if missing, unreadable or huge).

    With a `cache`, a file whose bytes were loaded before (by this version of the loader) is
    rebuilt from it instead of being parsed, and a newly parsed valid deck is stored in it.
    """
    data = read_deck_bytes(path)
    if cache is None:
        return loads_deck(data, path)
    deck = cache.get(path, data)
    if deck is None:
        # An edited deck: only the fast path reuses what the entry held before.
        previous = cache.previous(path) if fast.ENABLED else None
        key = cache.key(path, data)
        text = decode_deck(data, path)
        # The bytes are not needed past here: dropped, they are not alive at the load's peak.
        del data
        # Raises for a deck with errors: those are never stored.
        deck, cut_text = _load_text(text, path, previous)
        cache.put(key, deck, cut_text)
    return deck


def loads_deck(data: bytes, path: Path | None = None) -> Deck:
    """Validate the bytes of a deck file; raises DeckError listing every problem, in line order."""
    return _load_text(decode_deck(data, path), path)[0]


def _load_text(text: str, path: Path | None,
               previous: tuple[Deck, str] | None = None,
               ) -> tuple[Deck, str | None]:
    """`loads_deck` of a deck file's text, and, when the fast path cut it at its `[[cards]]`
    lines, the text it cut (for the deck cache, which keeps the text of each card's table).

    `previous` is the deck this file held when last loaded and the text it was loaded from (as
    the fast path cut it): cards whose table text is unchanged are reused instead of parsed and
    checked again.
    """
    use_fast = fast.ENABLED
    if previous is not None and use_fast:
        reused = fast._load_reusing(text, path, *previous)
        if reused is not None:
            return reused
    if use_fast:
        parsed = fast._parse_simple(text)
        if parsed is not None:
            doc, lines, cut_text = parsed
            deck = _Validator(path, text, lines, fast._fast_cards).deck(doc)
            return deck, cut_text
    try:
        doc = tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        message = error.msg[:1].lower() + error.msg[1:] + _syntax_hint(error.msg)
        problem = Problem(path, f"invalid TOML: {message}", error.lineno, error.colno)
        raise DeckError([problem]) from None
    except RecursionError:
        raise DeckError([Problem(
            path, "invalid TOML: arrays or inline tables are nested too deeply"
        )]) from None
    except ValueError as error:  # tomli lets int() errors through (a number of thousands of digits)
        reason = str(error).split(";")[0].split(":")[0]
        raise DeckError([Problem(path, f"invalid TOML: {reason}")]) from None
    if not doc:
        raise DeckError([Problem(
            path, "the file is empty: a deck needs 'format = 1', a [deck] table and [[cards]]"
        )])
    return _Validator(path, text, None, fast._fast_cards if use_fast else None).deck(doc), None


def load_decks(paths: Iterable[Path], cache: DeckCache | None = None) -> DeckLoad:
    """Load every file; one bad deck never stops the others.

    A deck whose id was already loaded from an earlier file fails with a problem naming both files.
    The same file given twice (directly or through a link) is loaded once.
    """
    result = DeckLoad()
    first_file: dict[str, Path | None] = {}
    for path, _real in distinct_files(paths):
        try:
            deck = load_deck(path, cache)
        except DeckError as error:
            result.failures.append(error)
            continue
        if deck.id in first_file:
            line, column = _deck_id_position(path)
            result.failures.append(DeckError([Problem(
                path,
                f"deck id '{deck.id}' is already used by {first_file[deck.id]}; "
                "each deck needs its own id",
                line, column,
            )]))
            continue
        first_file[deck.id] = path
        result.decks.append(deck)
    return result


_SYNTAX_HINTS = {
    "Invalid value": " (text goes in quotes; only true/false, numbers and dates do not)",
    "Cannot overwrite a value": " (is a key given twice in one table?)",
    "Illegal character '\\n'": " (is a string missing its closing quote?)",
    "Unescaped '\\'": " (write \\\\ in \"double quotes\", or use 'single quotes')",
}


def _syntax_hint(message: str) -> str:
    """A hint for tomli's most common messages, which name the rule but not the usual cause."""
    for start, hint in _SYNTAX_HINTS.items():
        if message.startswith(start):
            return hint
    return ""
