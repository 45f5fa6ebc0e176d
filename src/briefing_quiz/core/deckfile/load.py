"""Deck files (TOML, format 1) -> validated `Deck` objects; the format is in docs/deck-format.md.

Every problem of a file is collected and raised together in one `DeckError`, each with the line
(and column, where known) of the table or key at fault; nothing but `DeckError` ever escapes
`load_deck` and `loads_deck`.

Speed matters (a 10,000-card deck must load in about the time `tomli` takes to parse it), so the
happy path is: decode, cut the text at its `[[cards]]` lines, let tomli read the part before them
and read each card table line by line when it is written simply (`_parse_simple`: the exact
document tomli would return, with every header's line, at about half tomli's cost), then tight
per-card checks. Anything else, including every syntax error, goes through `tomli.loads` of the
whole text, which reports it. Positions of keys are only needed to report problems, so the slower
line scanner (`_scan_positions`) runs only when there is something to report. With a deck cache,
an unchanged file is not read at all, and an edited one reuses every card whose `[[cards]]` table
text is unchanged (`_load_reusing`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import gc
import os
import re
import stat
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add, attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import tomli

from briefing_quiz.core.cloze import ClozeSyntaxError, parse_cloze
from briefing_quiz.core.deckfile.read import distinct_files, find_deck_files
from briefing_quiz.core.errors import DeckError, Problem
from briefing_quiz.core.fast_construct import column_constructor, fast_constructor
from briefing_quiz.core.model import (
    CARD_TYPES,
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    Deck,
    OrderCard,
    SourceInfo,
    Tolerance,
    TrueFalseCard,
    TypedCard,
)

if TYPE_CHECKING:
    from briefing_quiz.core.deckfile.cache import DeckCache

__all__ = [
    "FORMAT_VERSION",
    "MAX_DECK_BYTES",
    "DeckLoad",
    "find_deck_files",
    "load_deck",
    "load_decks",
    "loads_deck",
    "parse_tolerance",
]

FORMAT_VERSION = 1
#: Decks are small text files; anything bigger than this is refused before it is read.
MAX_DECK_BYTES = 50 * 1024 * 1024

MIN_CHOICES, MAX_CHOICES = 2, 8
MIN_ORDER_ITEMS, MAX_ORDER_ITEMS = 2, 12

_is_slug = re.compile(r"[a-z0-9][a-z0-9-]*\Z").match
_SLUG_RULE = "use lowercase letters, digits and '-', starting with a letter or digit"
# Quoted spellings too: if the regex missed a real header, a header-like line inside a multi-line
# string could make up the count, and the card lines would be wrong without anyone noticing.
_CARD_HEADER = re.compile(r"\[\[[ \t]*(?:cards|\"cards\"|'cards')[ \t]*\]\]")
_TOLERANCE = re.compile(r"[ \t]*(\d+(?:\.\d+)?|\.\d+)[ \t]*(%?)[ \t]*\Z")
_HAS_DIGIT = re.compile(r"\d").search

_TOP_KEYS = ("format", "deck", "cards")
_DECK_KEYS = ("id", "title", "description", "tags", "source")
_SOURCE_KEYS = ("title", "author", "publisher", "date", "url")
_COMMON_CARD_KEYS = ("id", "type", "tags", "source", "explain")
_TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "basic": ("question", "answer"),
    "typed": ("question", "answer", "accept", "tolerance"),
    "choice": ("question", "choices", "answer"),
    "truefalse": ("statement", "answer"),
    "cloze": ("text",),
    "order": ("question", "items"),
}
_ALLOWED_CARD_KEYS = {t: frozenset(_COMMON_CARD_KEYS + keys) for t, keys in _TYPE_KEYS.items()}

_MISSING: Any = object()

# Constructors for the hot path (see core/_construct.py); the slow path uses the classes themselves.
_new_basic = fast_constructor(BasicCard)
_new_typed = fast_constructor(TypedCard)
_new_choice = fast_constructor(ChoiceCard)
_new_truefalse = fast_constructor(TrueFalseCard)
_new_cloze = fast_constructor(ClozeCard)
_new_order = fast_constructor(OrderCard)

Loc = tuple[str | int, ...]
"""Where a problem is: a key path such as ("cards", 3, "answer"); made a line only on error."""


class _Pending(NamedTuple):
    message: str
    loc: Loc
    card_id: str | None


# --------------------------------------------------------------------------------------------------
# Public API


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
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise DeckError([Problem(path, "this is a folder, not a deck file")])
        if not stat.S_ISREG(info.st_mode):
            raise DeckError([Problem(path, "not a regular file")])
        if info.st_size > MAX_DECK_BYTES:
            raise DeckError([_too_big(path)])
        with open(path, "rb") as file:
            # One byte more than announced tells whether the file grew since `stat`; reading
            # MAX_DECK_BYTES at once would allocate that much for every deck.
            data = file.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += file.read(MAX_DECK_BYTES + 1 - len(data))
    except FileNotFoundError:
        raise DeckError([Problem(path, "no such file")]) from None
    except PermissionError:
        raise DeckError([Problem(path, "permission denied: the file cannot be read")]) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise DeckError([Problem(path, f"cannot read the file: {reason}")]) from None
    except ValueError as error:  # e.g. a path with a NUL byte in it
        raise DeckError([Problem(path, f"not a usable path: {error}")]) from None
    if cache is None:
        return loads_deck(data, path)
    with _gc_paused():  # rebuilding makes thousands of objects, none of them in a cycle
        deck = cache.get(path, data)
        previous = cache.previous(path) if deck is None else None
    if deck is None:
        # Raises for a deck with errors: those are never stored.
        deck, parts = _load_text(data, path, previous)
        cache.put(path, data, deck, parts)
    return deck


def loads_deck(data: bytes, path: Path | None = None) -> Deck:
    """Validate the bytes of a deck file; raises DeckError listing every problem, in line order."""
    return _load_text(data, path)[0]


def _load_text(data: bytes, path: Path | None,
               previous: tuple[Deck, Sequence[str]] | None = None,
               ) -> tuple[Deck, list[str] | None]:
    """`loads_deck`, and the text of each card's table when the text was cut at its `[[cards]]`
    lines soundly (see `_parse_simple`; for the deck cache).

    `previous` is the deck this file held when last loaded and the text of each of its cards'
    tables: cards whose table text is unchanged are reused instead of parsed and checked again.
    """
    if previous is not None:
        reused = _load_reusing(data, path, *previous)
        if reused is not None:
            return reused
    if len(data) > MAX_DECK_BYTES:
        raise DeckError([_too_big(path)])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(data, error.start)
        byte = data[error.start]
        message = f"the file is not UTF-8 text (byte 0x{byte:02x} cannot be read); save it as UTF-8"
        raise DeckError([Problem(path, message, line, column)]) from None
    if text.startswith("\ufeff"):  # a byte-order mark some editors add; TOML does not allow it
        text = text[1:]
    with _gc_paused():  # reading and building make thousands of objects, none in a cycle
        parsed = _parse_simple(text)
        if parsed is not None:
            doc, lines, parts = parsed
            deck = _Validator(path, text, lines).deck(doc)
            # Freed now, by reference counting: the collector, enabled again, would otherwise
            # go through the whole document once before it is dropped.
            del parsed, doc
            return deck, parts
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
    with _gc_paused():
        return _Validator(path, text).deck(doc), None


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


@lru_cache(maxsize=256)
def parse_tolerance(value: str) -> Tolerance | None:
    """`"5%"` -> relative 5 %, `"500"` / `"0.5"` -> absolute; None when `value` is neither.

    Cached: a deck uses a handful of tolerances many times, and Tolerance is immutable.
    """
    match = _TOLERANCE.match(value)
    if match is None:
        return None
    return Tolerance(value=float(match.group(1)), relative=bool(match.group(2)))


# --------------------------------------------------------------------------------------------------
# Validation


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the cards are built.

    Building thousands of objects makes the collector run again and again over everything alive
    (including the parsed document) although nothing here forms a cycle; pausing it saves about a
    sixth of the validation time. Mercurial does the same around bulk loads (`util.nogc`). Only a
    caller that found it enabled enables it again, so nested or concurrent loads end with it
    enabled exactly when it was enabled before the first of them began.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _too_big(path: Path | None) -> Problem:
    limit = MAX_DECK_BYTES // (1024 * 1024)
    return Problem(path, f"the file is larger than {limit} MB; a deck file should be far smaller")


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


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _kind(value: object) -> str:
    """The TOML name of a value's type, with its article, for messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, dt.datetime):
        return "a date-time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, dt.time):
        return "a time"
    return f"a {type(value).__name__}"


def _suggest(word: str, options: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return close[0] if close else None


_SLUG_LINES = re.compile(r"[a-z0-9][a-z0-9-]*(?:\n[a-z0-9][a-z0-9-]*)*")


def _all_slugs(ids: Collection[str]) -> bool:
    """Whether every id is a slug: one regex pass over all of them (faster than one per id).

    Raises TypeError when an id is not a string.
    """
    joined = "\n".join(ids)
    return joined.count("\n") == len(ids) - 1 and _SLUG_LINES.fullmatch(joined) is not None


def _starts_line(text: str, start: int) -> bool:
    """Whether only blanks stand between the start of its line and `start`."""
    line_start = text.rfind("\n", 0, start) + 1
    return line_start == start or text[line_start:start].isspace()


def _is_text(value: object) -> bool:
    return type(value) is str and bool(value) and not value.isspace()


class _Validator:
    """Checks one parsed document; collects problems as key paths and positions them at the end."""

    def __init__(self, path: Path | None, text: str, card_lines: list[int] | None = None) -> None:
        self.path = path
        self.src = text
        self.pending: list[_Pending] = []
        self.deck_id = ""
        self.lines: list[int] | None = None  # of the [[cards]] headers, once known
        self._known_lines = card_lines  # found by `_parse_simple`, exact
        self._positions: _Positions | None = None
        self._regions: dict[tuple[int, int], _Positions] = {}
        self._src_lines: list[str] | None = None
        self._builders: dict[str, Callable[[dict[str, Any], Loc, str | None, dict[str, Any]],
                                           Card | None]] = {
            "basic": self._basic,
            "typed": self._typed,
            "choice": self._choice,
            "truefalse": self._truefalse,
            "cloze": self._cloze,
            "order": self._order,
        }

    # -- reporting ---------------------------------------------------------------------------------

    def add(self, message: str, loc: Loc, card_id: str | None = None) -> None:
        self.pending.append(_Pending(message, loc, card_id))

    def positions(self) -> _Positions:
        if self._positions is None:
            self._positions = _scan_positions(self.src)
        return self._positions

    def fail(self) -> DeckError:
        problems = []
        for pending in self.pending:
            line, column = self.locate(pending.loc)
            problems.append(Problem(self.path, pending.message, line, column, pending.card_id))
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        return DeckError(problems)

    def locate(self, loc: Loc) -> tuple[int | None, int | None]:
        """The line and column of `loc`, scanning only the part of the file it can be in.

        A problem in card i is looked for between its header and the next one, a problem of the
        deck before the first card, and only then in the whole file: one mistake in a card of a
        large deck costs a scan of that card, not of the file.
        """
        lines = self.lines
        if not loc:  # the file as a whole
            return None, None
        if lines and len(loc) >= 2 and loc[0] == "cards" and isinstance(loc[1], int):
            return self.card_region(loc[1]).locate(loc)
        if lines:
            found = self.region(1, lines[0] - 1).locate(loc)
            if found[0] is not None:
                return found
        return self.positions().locate(loc)

    def region(self, first: int, last: int, table: Loc = (),
               counts: dict[Loc, int] | None = None) -> _Positions:
        """Positions within lines `first`..`last` (1-based), read as if in `table`."""
        key = (first, last)
        if key not in self._regions:
            if self._src_lines is None:
                self._src_lines = self.src.split("\n")
            snippet = "\n".join(self._src_lines[first - 1:last])
            self._regions[key] = _scan_positions(snippet, table=table, counts=counts,
                                                 first_line=first)
        return self._regions[key]

    def card_region(self, index: int) -> _Positions:
        """Positions within card `index`: from the line after its header to the next header."""
        lines = cast("list[int]", self.lines)
        header = lines[index]
        last = lines[index + 1] - 1 if index + 1 < len(lines) else self.src.count("\n") + 1
        positions = self.region(header + 1, last, ("cards", index), {("cards",): index + 1})
        if ("cards", index) not in positions.headers:
            assert self._src_lines is not None  # filled by `region`
            column = self._src_lines[header - 1].find("[[") + 1 or 1
            positions.headers[("cards", index)] = (header, column)
        return positions

    def unknown_keys(self, table: dict[str, Any], allowed: Iterable[str], loc: Loc,
                     card_id: str | None = None, card_type: str | None = None) -> None:
        allowed = tuple(allowed)
        for key in table:
            if key in allowed:
                continue
            owners = [t for t, keys in _TYPE_KEYS.items() if key in keys] if card_type else []
            close = _suggest(key, allowed)
            if owners and close != key:
                article = "an" if card_type and card_type[0] in "aeiou" else "a"
                message = (f"unknown key '{key}' for {article} {card_type} card "
                           f"(only {' and '.join(owners)} cards have it)")
            elif close is not None:
                message = f"unknown key '{key}'; did you mean '{close}'?"
            else:
                message = f"unknown key '{key}'; expected one of: {', '.join(allowed)}"
            self.add(message, (*loc, key), card_id)

    # -- value checks ------------------------------------------------------------------------------

    def text(self, table: dict[str, Any], key: str, loc: Loc, card_id: str | None,
             owner: str | None) -> str | None:
        """A required, non-empty string; `owner` names the table in the 'missing' message."""
        value = table.get(key, _MISSING)
        if type(value) is str and value and not value.isspace():
            return value
        if value is _MISSING:
            self.add(f"{owner} is missing '{key}'", loc, card_id)
        else:
            self._bad_text(value, key, loc, card_id)
        return None

    def optional_text(self, table: dict[str, Any], key: str, loc: Loc,
                      card_id: str | None) -> str | None:
        value = table.get(key, _MISSING)
        if value is _MISSING:
            return None
        if type(value) is str and value and not value.isspace():
            return value
        self._bad_text(value, key, loc, card_id)
        return None

    def _bad_text(self, value: object, key: str, loc: Loc, card_id: str | None) -> None:
        if isinstance(value, str):
            self.add(f"'{key}' must not be empty", (*loc, key), card_id)
        else:
            self.add(f"'{key}' must be a string, not {_kind(value)}", (*loc, key), card_id)

    def text_list(self, value: object, key: str, loc: Loc, card_id: str | None, *,
                  low: int = 0, high: int | None = None, distinct: bool = False,
                  ) -> tuple[str, ...] | None:
        """An array of non-empty strings with `low`..`high` items (distinct ones when asked)."""
        if type(value) is list and all(map(_is_text, value)) and len(value) >= low and (
            high is None or len(value) <= high
        ) and (not distinct or len(set(value)) == len(value)):
            return tuple(value)
        here = (*loc, key)
        if not isinstance(value, list):
            self.add(f"'{key}' must be an array of strings, not {_kind(value)}", here, card_id)
            return None
        ok = True
        for number, item in enumerate(value, 1):
            if not isinstance(item, str):
                self.add(f"'{key}' must be an array of strings; item {number} is {_kind(item)}",
                         here, card_id)
                ok = False
            elif not item or item.isspace():
                self.add(f"'{key}' must not contain empty strings (item {number})", here, card_id)
                ok = False
        if not ok:
            return None
        if len(value) < low or (high is not None and len(value) > high):
            span = f"{low} to {high}" if high is not None else f"at least {low}"
            self.add(f"'{key}' must have {span} items, not {len(value)}", here, card_id)
            return None
        if distinct:
            seen: set[str] = set()
            for item in value:
                if item in seen:
                    self.add(f"'{key}' lists {item!r} twice; items must be distinct", here, card_id)
                    return None
                seen.add(item)
        return tuple(value)

    # -- document and deck -------------------------------------------------------------------------

    def deck(self, doc: dict[str, Any],
             cards_of: Callable[[str], list[Card]] | None = None) -> Deck:
        """The deck of `doc`; `cards_of(deck id)`, when given, makes the cards instead of
        `doc["cards"]` (only for a deck that had no problems, see `_load_reusing`)."""
        fmt = doc.get("format", _MISSING)
        if fmt is _MISSING:
            self.add("missing 'format'; the first line of a deck file is 'format = 1'", ())
        elif type(fmt) is not int:
            self.add(f"'format' must be an integer, not {_kind(fmt)}", ("format",))
        elif fmt != FORMAT_VERSION:
            # A different format is a different language: stop here rather than report noise.
            self.add(f"unsupported deck format {fmt}; this version reads format {FORMAT_VERSION}",
                     ("format",))
            raise self.fail()
        self.unknown_keys(doc, _TOP_KEYS, ())

        raw_deck = doc.get("deck", _MISSING)
        header: dict[str, Any] = {}
        if raw_deck is _MISSING:
            self.add("missing the [deck] table (with 'id' and 'title')", ())
        elif not isinstance(raw_deck, dict):
            self.add(f"'deck' must be a table ([deck]), not {_kind(raw_deck)}", ("deck",))
        else:
            header = self.deck_header(raw_deck)

        if cards_of is None:
            cards = self.cards(doc.get("cards", _MISSING))
        elif self.pending:
            raise self.fail()
        else:
            cards = cards_of(self.deck_id)
        if self.pending:
            raise self.fail()
        return Deck(id=header["id"], title=header["title"], path=self.path, cards=tuple(cards),
                    description=header.get("description"), tags=header.get("tags", ()),
                    source=header.get("source"))

    def deck_header(self, raw: dict[str, Any]) -> dict[str, Any]:
        loc: Loc = ("deck",)
        self.unknown_keys(raw, _DECK_KEYS, loc)
        out: dict[str, Any] = {}
        deck_id = self.text(raw, "id", loc, None, "[deck]")
        if deck_id is not None:
            if _is_slug(deck_id):
                self.deck_id = deck_id
            else:
                self.add(f"deck id {deck_id!r} is not a valid id: {_SLUG_RULE}", (*loc, "id"))
        out["id"] = self.deck_id
        out["title"] = self.text(raw, "title", loc, None, "[deck]")
        out["description"] = self.optional_text(raw, "description", loc, None)
        if "tags" in raw:
            out["tags"] = self.text_list(raw["tags"], "tags", loc, None) or ()
        source = raw.get("source", _MISSING)
        if source is not _MISSING:
            if isinstance(source, dict):
                out["source"] = self.source_info(source)
            else:
                self.add(f"'source' must be a table ([deck.source]), not {_kind(source)}",
                         (*loc, "source"))
        return out

    def source_info(self, raw: dict[str, Any]) -> SourceInfo:
        loc: Loc = ("deck", "source")
        self.unknown_keys(raw, _SOURCE_KEYS, loc)
        date = raw.get("date")
        if date is not None and type(date) is not dt.date:
            self.add(f"'date' must be a date (like 2022-02-14, no quotes), not {_kind(date)}",
                     (*loc, "date"))
            date = None
        return SourceInfo(
            title=self.optional_text(raw, "title", loc, None),
            author=self.optional_text(raw, "author", loc, None),
            publisher=self.optional_text(raw, "publisher", loc, None),
            date=date,
            url=self.optional_text(raw, "url", loc, None),
        )

    # -- cards -------------------------------------------------------------------------------------

    def cards(self, raw: object) -> list[Card]:
        if raw is _MISSING:
            self.add("no cards: add at least one [[cards]] table", ())
            return []
        if not isinstance(raw, list):
            self.add(f"'cards' must be [[cards]] tables, not {_kind(raw)}", ("cards",))
            return []
        if not raw:
            self.add("no cards: add at least one [[cards]] table", ("cards",))
            return []
        lines = self.lines = self.card_lines(len(raw))
        if lines is None:
            self.add("write each card as its own [[cards]] table, not as 'cards = [...]'",
                     ("cards",))
            return []
        # All or nothing: the fast path builds every card of a valid deck; at the first sign of a
        # problem the slow path goes through all cards again and reports every problem.
        fast = _fast_cards(raw, lines, self.deck_id, self.path)
        if fast is not None:
            return fast
        if not all(type(card) is dict for card in raw):  # [[cards]] headers only make tables
            self.add("'cards' must be [[cards]] tables, not an array of values", ("cards",))
            return []
        first_index: dict[str, int] = {}
        out: list[Card] = []
        for index, card in enumerate(raw):
            made = self.card(index, card, lines[index], first_index, lines)
            if made is not None:
                out.append(made)
        return out

    def card_lines(self, count: int) -> list[int] | None:
        """The 1-based line of each `[[cards]]` header; None if cards are not written that way."""
        if self._known_lines is not None and len(self._known_lines) == count:
            return self._known_lines
        text = self.src
        # A literal search is several times faster than a `^`-anchored multi-line regex. A header
        # must start its line (blanks before it are allowed); nearly all start at column 1.
        starts = [match.start() for match in _CARD_HEADER.finditer(text)]
        if any(start and text[start - 1] != "\n" for start in starts):
            starts = [start for start in starts if _starts_line(text, start)]
        # Line of each header = 1 + newlines before it, counted between consecutive headers.
        gaps = map(text.count, repeat("\n"), [0, *starts[:-1]], starts)
        lines = list(accumulate(gaps, initial=1))[1:]
        if len(lines) == count:
            return lines
        # The regex also sees header-like lines inside multi-line strings, or misses quoted keys:
        # ask the exact (slower) scanner.
        headers = self.positions().card_headers
        if len(headers) == count:
            return [line for line, _ in headers]
        return None

    def card(self, index: int, raw: dict[str, Any], line: int, first_index: dict[str, int],
             lines: list[int]) -> Card | None:
        loc: Loc = ("cards", index)
        before = len(self.pending)
        card_id = raw.get("id", _MISSING)
        if type(card_id) is str and _is_slug(card_id):
            first = first_index.setdefault(card_id, index)
            if first != index:
                self.add(f"duplicate card id '{card_id}'; it is first used on line {lines[first]}",
                         (*loc, "id"), card_id)
        elif card_id is _MISSING:
            self.add("card is missing 'id'", loc)
            card_id = None
        elif type(card_id) is not str:
            self.add(f"'id' must be a string, not {_kind(card_id)}", (*loc, "id"))
            card_id = None
        else:
            self.add(f"card id {card_id!r} is not a valid id: {_SLUG_RULE}", (*loc, "id"),
                     card_id or None)
            card_id = card_id or None

        card_type = raw.get("type", _MISSING)
        builder = self._builders.get(card_type) if type(card_type) is str else None
        if builder is None:
            if card_type is _MISSING:
                self.add(f"card is missing 'type' (one of: {', '.join(CARD_TYPES)})", loc, card_id)
            elif type(card_type) is not str:
                self.add(f"'type' must be a string, not {_kind(card_type)}", (*loc, "type"),
                         card_id)
            else:
                close = _suggest(card_type, CARD_TYPES)
                hint = (f"did you mean '{close}'?" if close
                        else f"use one of: {', '.join(CARD_TYPES)}")
                self.add(f"unknown card type '{card_type}'; {hint}", (*loc, "type"), card_id)
            return None

        if not _ALLOWED_CARD_KEYS[card_type].issuperset(raw):
            self.unknown_keys(raw, _COMMON_CARD_KEYS + _TYPE_KEYS[card_type], loc, card_id,
                              card_type)
        tags = raw.get("tags", _MISSING)
        tags = () if tags is _MISSING else self.text_list(tags, "tags", loc, card_id)
        common = {
            "id": card_id,
            "deck_id": self.deck_id,
            "tags": tags,
            "source": self.optional_text(raw, "source", loc, card_id) if "source" in raw else None,
            "explain": self.optional_text(raw, "explain", loc, card_id)
            if "explain" in raw else None,
            "path": self.path,
            "line": line,
        }
        built = builder(raw, loc, card_id, common)
        return built if len(self.pending) == before else None

    def _basic(self, raw: dict[str, Any], loc: Loc, card_id: str | None,
               common: dict[str, Any]) -> Card | None:
        question = self.text(raw, "question", loc, card_id, "basic card")
        answer = self.text(raw, "answer", loc, card_id, "basic card")
        if question is None or answer is None:
            return None
        return BasicCard(question=question, answer=answer, **common)

    def _typed(self, raw: dict[str, Any], loc: Loc, card_id: str | None,
               common: dict[str, Any]) -> Card | None:
        question = self.text(raw, "question", loc, card_id, "typed card")
        answer = self.text(raw, "answer", loc, card_id, "typed card")
        accept: tuple[str, ...] | None = ()
        if "accept" in raw:
            accept = self.text_list(raw["accept"], "accept", loc, card_id)
        tolerance: Tolerance | None = None
        raw_tolerance = raw.get("tolerance", _MISSING)
        if raw_tolerance is not _MISSING:
            if type(raw_tolerance) is not str:
                self.add(f"'tolerance' must be a string such as \"5%\" or \"500\", not "
                         f"{_kind(raw_tolerance)}", (*loc, "tolerance"), card_id)
            else:
                tolerance = parse_tolerance(raw_tolerance)
                if tolerance is None:
                    self.add(f"'tolerance' must be a percentage such as \"5%\" or an amount such "
                             f"as \"500\", not {raw_tolerance!r}", (*loc, "tolerance"), card_id)
                elif answer is not None and not _HAS_DIGIT(answer):
                    self.add("'tolerance' needs a number in 'answer'", (*loc, "tolerance"),
                             card_id)
        if question is None or answer is None or accept is None:
            return None
        return TypedCard(question=question, answer=answer, accept=accept, tolerance=tolerance,
                         **common)

    def _choice(self, raw: dict[str, Any], loc: Loc, card_id: str | None,
                common: dict[str, Any]) -> Card | None:
        question = self.text(raw, "question", loc, card_id, "choice card")
        choices: tuple[str, ...] | None = None
        if "choices" in raw:
            choices = self.text_list(raw["choices"], "choices", loc, card_id,
                                     low=MIN_CHOICES, high=MAX_CHOICES, distinct=True)
        else:
            self.add("choice card is missing 'choices'", loc, card_id)
        answer = raw.get("answer", _MISSING)
        here = (*loc, "answer")
        answers: tuple[str, ...] | None = None
        multiple = False
        if type(answer) is str:
            answers = (answer,)
        elif type(answer) is list and answer and all(type(a) is str for a in answer):
            answers = tuple(answer)
            multiple = True
            if len(set(answers)) != len(answers):
                self.add("'answer' lists a choice twice", here, card_id)
                answers = None
        elif answer is _MISSING:
            self.add("choice card is missing 'answer'", loc, card_id)
        elif type(answer) is list and not answer:
            self.add("'answer' must not be an empty array", here, card_id)
        else:
            self.add(f"'answer' must be a string or an array of strings, not {_kind(answer)}",
                     here, card_id)
        if answers is not None and choices is not None:
            for given in answers:
                if given not in choices:
                    close = _suggest(given, choices)
                    hint = f"; did you mean {close!r}?" if close else ""
                    self.add(f"'answer' {given!r} is not one of the choices{hint}", here, card_id)
                    answers = None
                    break
        if question is None or choices is None or answers is None:
            return None
        return ChoiceCard(question=question, choices=choices, answers=answers, multiple=multiple,
                          **common)

    def _truefalse(self, raw: dict[str, Any], loc: Loc, card_id: str | None,
                   common: dict[str, Any]) -> Card | None:
        statement = self.text(raw, "statement", loc, card_id, "truefalse card")
        answer = raw.get("answer", _MISSING)
        if answer is _MISSING:
            self.add("truefalse card is missing 'answer'", loc, card_id)
            return None
        if type(answer) is not bool:
            self.add(f"'answer' must be true or false (no quotes), not {_kind(answer)}",
                     (*loc, "answer"), card_id)
            return None
        if statement is None:
            return None
        return TrueFalseCard(statement=statement, answer=answer, **common)

    def _cloze(self, raw: dict[str, Any], loc: Loc, card_id: str | None,
               common: dict[str, Any]) -> Card | None:
        text = self.text(raw, "text", loc, card_id, "cloze card")
        if text is None:
            return None
        try:
            deletions = parse_cloze(text)
        except ClozeSyntaxError as error:
            self.add(f"cloze 'text': {error}", (*loc, "text"), card_id)
            return None
        return ClozeCard(text=text, deletions=deletions, **common)

    def _order(self, raw: dict[str, Any], loc: Loc, card_id: str | None,
               common: dict[str, Any]) -> Card | None:
        question = self.text(raw, "question", loc, card_id, "order card")
        items: tuple[str, ...] | None = None
        if "items" in raw:
            items = self.text_list(raw["items"], "items", loc, card_id,
                                   low=MIN_ORDER_ITEMS, high=MAX_ORDER_ITEMS, distinct=True)
        else:
            self.add("order card is missing 'items'", loc, card_id)
        if question is None or items is None:
            return None
        return OrderCard(question=question, items_in_order=items, **common)


# --------------------------------------------------------------------------------------------------
# The simple parse: the document tomli would return, read faster when the cards are written simply


#: A card header line as `briefing-quiz new`, the docs and every generator write it.
_SEPARATOR = "\n[[cards]]\n"
_CTRL = r"\x00-\x08\x0a-\x1f\x7f"  # control characters TOML allows in no one-line string or comment
_END = rf"[ \t]*(?:#[^{_CTRL}]*)?(?:\n|\Z)"  # the rest of a statement's line
_ITEM = rf"""(?:"[^"\\{_CTRL}]*"|'[^'{_CTRL}]*')"""
# One line of a card table: a bare key and a one-line value (a string, a boolean, or an array of
# strings without escapes), or a blank or comment line, or (group 9) anything else. Exactly the
# TOML grammar of those forms, so that whatever matches means what it means to tomli.
_card_table_lines = re.compile(
    rf"[ \t]*([A-Za-z0-9_-]+)[ \t]*=[ \t]*(?:"
    rf'(")([^"\\{_CTRL}]*)"'                                       # 2, 3: basic, no escapes
    rf"|(true|false)"                                              # 4
    rf"|(\[)([ \t]*(?:{_ITEM}[ \t]*,[ \t]*)*(?:{_ITEM}[ \t]*)?)\]"  # 5, 6: array of strings
    rf"|('[^'{_CTRL}]*')"                                          # 7: literal string
    rf'|("[^"\\{_CTRL}]*(?:\\[^{_CTRL}][^"\\{_CTRL}]*)*")'         # 8: basic, with escapes
    rf"){_END}|{_END}|([^\n]+\n?)"
).findall
_basic_items = re.compile(r'"([^"]*)"').findall
_any_items = re.compile(r""""([^"]*)"|'([^']*)'""").findall
_SIMPLE_FAILURES = (tomli.TOMLDecodeError, RecursionError, ValueError)


def _parse_simple(text: str) -> tuple[dict[str, Any], list[int], list[str]] | None:
    """`tomli.loads(text)`, the line of each `[[cards]]` header and the text of each card's table,
    for a deck written simply; None otherwise (the caller then lets tomli read the whole text and
    report any error).

    The text is cut at the lines that are exactly `[[cards]]`: the part before (the preamble) is
    given to tomli; each part after is a card table, read line by line (`_card_table_lines`) or,
    when a line has another form (a number, a multi-line string, a sub-table...), given to tomli
    behind its own header. Why the parts together mean what the whole means: tomli accepts a part
    only if it ends outside any multi-line string or array (a cut inside one leaves it
    unterminated), so every cut line is a real `[[cards]]` header; the preamble must not define
    `cards`, and each card part must make exactly one card table and nothing else, so no part can
    touch what another defines (a table or key given twice across parts would be an error of the
    whole; here it makes the parse fall back). Anything else falls back to the whole-text path.
    """
    if "\r" in text:  # tomli reads "\r\n" as "\n" before anything else; so does this
        text = text.replace("\r\n", "\n")
        if "\r" in text:  # a carriage return alone, an error wherever it is: tomli reports it
            return None
    split = _split_at_cards(text)
    if split is None:
        return None
    doc, parts = split
    chunks = parts[1:]
    cards = list(map(_card_table, chunks))
    if None in cards:
        for index, card in enumerate(cards):
            if card is None:
                card = _card_table_by_tomli(chunks[index])
                if card is None:
                    return None
                cards[index] = card
    doc["cards"] = cards
    return doc, _header_lines(parts), chunks


def _split_at_cards(text: str) -> tuple[dict[str, Any], list[str]] | None:
    """The preamble read by tomli and the text cut at `_SEPARATOR` (part 0 the preamble, then one
    part per card table); None when there is no such cut, the preamble does not parse, or it
    defines `cards` itself."""
    parts = text.split(_SEPARATOR)
    if len(parts) < 2:
        return None
    try:
        doc = tomli.loads(parts[0])
    except _SIMPLE_FAILURES:
        return None
    if "cards" in doc:
        return None
    return doc, parts


def _header_lines(parts: list[str]) -> list[int]:
    """The line of each `[[cards]]` header of a text cut into `parts` at `_SEPARATOR`."""
    # The header of part i+1 is 2 lines (the cut's two newlines) below that of part i, plus the
    # newlines inside part i; the first follows the preamble the same way.
    return list(accumulate(map(add, map(str.count, parts[:-1], repeat("\n")), repeat(2))))


class _NotReusable(Exception):
    """The previous deck cannot serve this text: load it in full."""


def _load_reusing(data: bytes, path: Path | None, old: Deck, old_parts: Sequence[str],
                  ) -> tuple[Deck, list[str]] | None:
    """`_load_text(data, path)` for a changed deck file, reusing the cards of `old` (loaded from
    the same path by this loader, its card tables' texts `old_parts`) whose table text is
    unchanged; None when it cannot, and for any problem (the full load then reports it).

    Sound for the reasons `_parse_simple` is: the preamble is read by tomli and must not define
    `cards`; each part was read on its own before (reused) or is now (new), so every cut is a real
    header. A card depends only on its table's text, the deck id, the path and its line: the last
    three are set anew; ids are checked for repeats across all the cards.
    """
    if len(data) > MAX_DECK_BYTES:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        return None
    split = _split_at_cards(text)
    if split is None:
        return None
    doc, parts = split
    chunks = parts[1:]
    lines = _header_lines(parts)
    if len(old_parts) != len(old.cards):
        return None
    known = dict(zip(old_parts, old.cards, strict=True))

    def cards(deck_id: str) -> list[Card]:
        build = _fast_builder(deck_id, path)
        out: list[Card] = []
        moved: list[int] = []  # reused cards whose line, deck id or path changed
        for chunk, line in zip(chunks, lines, strict=True):
            card = known.get(chunk)
            if card is None:
                table = _card_table(chunk)
                if table is None or (card := build(table, line)) is None:
                    raise _NotReusable
            elif card.line != line or card.deck_id != deck_id or card.path != path:
                moved.append(len(out))
            out.append(card)
        if moved:  # a line added near the top moves every card below it: copy them in bulk
            _move(out, moved, lines, deck_id, path)
        ids = set(map(_card_id, out))
        if len(ids) != len(out) or not _all_slugs(ids):
            raise _NotReusable
        return out

    try:
        with _gc_paused():
            return _Validator(path, text, lines).deck(doc, cards), chunks
    except (DeckError, _NotReusable, TypeError, AttributeError, KeyError):
        return None  # a problem, or a value of a wrong type (see `_fast_cards`)


_CARD_CLASSES: tuple[type[Card], ...] = (BasicCard, TypedCard, ChoiceCard, TrueFalseCard, ClozeCard,
                                         OrderCard)
_KEPT_FIELDS = {cls: tuple(f.name for f in fields(cls) if f.name not in ("line", "deck_id", "path"))
                for cls in _CARD_CLASSES}
_copy_cards = {cls: column_constructor(cls, ("line", "deck_id", "path", *_KEPT_FIELDS[cls]))
               for cls in _CARD_CLASSES}


def _move(cards: list[Card], moved: list[int], lines: list[int], deck_id: str,
          path: Path | None) -> None:
    """Replace `cards[i]` for each i in `moved` by a copy with line `lines[i]`, `deck_id` and
    `path`: column-wise, several times cheaper than `dataclasses.replace` per card."""
    by_class: dict[type[Card], list[int]] = {}
    for index in moved:
        by_class.setdefault(type(cards[index]), []).append(index)
    for cls, where in by_class.items():
        old = list(map(cards.__getitem__, where))
        columns = [list(map(lines.__getitem__, where)), repeat(deck_id), repeat(path),
                   *(map(attrgetter(name), old) for name in _KEPT_FIELDS[cls])]
        for index, card in zip(where, _copy_cards[cls](len(where), columns), strict=True):
            cards[index] = card


def _card_table(chunk: str) -> dict[str, Any] | None:
    """The table of one card part read line by line, or None for a line of another form."""
    card: dict[str, Any] = {}
    keys = 0
    for key, basic_quote, basic, boolean, bracket, array, literal, escaped, other in (
            _card_table_lines(chunk)):
        if key:
            keys += 1
            if basic_quote:
                card[key] = basic
            elif boolean:
                card[key] = boolean == "true"
            elif bracket:
                card[key] = ([a or b for a, b in _any_items(array)] if "'" in array
                             else _basic_items(array))
            elif literal:
                card[key] = literal[1:-1]
            else:
                try:  # escapes are rare: tomli decodes them, so they mean exactly what they mean
                    card[key] = tomli.loads(f"v = {escaped}")["v"]
                except _SIMPLE_FAILURES:
                    return None
        elif other:
            return None
    return card if len(card) == keys else None  # a key given twice is an error of tomli's


def _card_table_by_tomli(chunk: str) -> dict[str, Any] | None:
    try:
        parsed = tomli.loads(_SEPARATOR[1:] + chunk)
    except _SIMPLE_FAILURES:
        return None
    cards = parsed.get("cards")
    if len(parsed) != 1 or type(cards) is not list or len(cards) != 1:
        return None
    return cast("dict[str, Any]", cards[0])


# --------------------------------------------------------------------------------------------------
# The fast path


def _fast_cards(raw: list[Any], lines: list[int], deck_id: str,
                path: Path | None) -> list[Card] | None:
    """Every card, if every card is valid; None at the first sign of any problem.

    No messages and no positions here: when this returns None, `_Validator.card` goes through the
    cards again, slowly, and reports everything.
    """
    try:
        built = list(map(_fast_builder(deck_id, path), raw, lines))
        if not all(built):
            return None
        cards = cast("list[Card]", built)
        ids = set(map(_card_id, cards))
        if len(ids) != len(cards) or not _all_slugs(ids):
            return None
    except (TypeError, AttributeError, KeyError):
        # A value of a wrong type (str.strip(5), an id that is a list), a card that is not a
        # table, a missing key.
        return None
    return cards


_card_id = attrgetter("id")


# Complex because it is the per-card hot loop, one branch per card type, inlined for speed.
def _fast_builder(  # noqa: C901
        deck_id: str, path: Path | None) -> Callable[[dict[str, Any], int], Card | None]:
    """A function that returns a card if it is entirely valid, else None.

    Written for speed, since it runs for every card of every deck: one function (calls cost),
    `str.strip` checks both the type (TypeError for a non-string, caught by `_fast_cards`) and
    blankness (a falsy result), a missing key raises KeyError, and unknown keys are found by
    counting the keys rather than by set operations.
    """
    strip = str.strip

    def build(raw: dict[str, Any], line: int) -> Card | None:  # noqa: C901 (see above)
        get = raw.get
        card_type, tags, source, explain = get("type"), get("tags"), get("source"), get("explain")
        keys = 2  # id and type
        if tags is None:
            tags = ()
        elif type(tags) is list and all(map(strip, tags)):
            tags = tuple(tags)
            keys += 1
        else:
            return None
        if source is not None:
            if not strip(source):
                return None
            keys += 1
        if explain is not None:
            if not strip(explain):
                return None
            keys += 1

        if card_type == "choice":
            question, choices, answer = raw["question"], raw["choices"], raw["answer"]
            if not (len(raw) == keys + 3 and strip(question) and type(choices) is list
                    and MIN_CHOICES <= len(choices) <= MAX_CHOICES
                    and all(map(strip, choices)) and len(set(choices)) == len(choices)):
                return None
            if type(answer) is str:
                if answer not in choices:
                    return None
                answers: tuple[str, ...] = (answer,)
                multiple = False
            elif (type(answer) is list and answer and len(set(answer)) == len(answer)
                  and all(map(choices.__contains__, answer))):
                answers = tuple(answer)
                multiple = True
            else:
                return None
            return _new_choice(id=raw["id"], deck_id=deck_id, tags=tags, source=source,
                               explain=explain, path=path, line=line,
                               question=question, choices=tuple(choices), answers=answers,
                               multiple=multiple)

        if card_type == "typed":
            question, answer = raw["question"], raw["answer"]
            if not (strip(question) and strip(answer)):
                return None
            accept, tolerance = get("accept"), get("tolerance")
            keys += 2
            if accept is None:
                accept = ()
            elif type(accept) is list and all(map(strip, accept)):
                accept = tuple(accept)
                keys += 1
            else:
                return None
            if tolerance is not None:
                tolerance = parse_tolerance(tolerance)
                if tolerance is None or not _HAS_DIGIT(answer):
                    return None
                keys += 1
            if len(raw) != keys:
                return None
            return _new_typed(id=raw["id"], deck_id=deck_id, tags=tags, source=source,
                              explain=explain, path=path, line=line,
                              question=question, answer=answer, accept=accept,
                              tolerance=tolerance)

        if card_type == "truefalse":
            statement, answer = raw["statement"], raw["answer"]
            if len(raw) != keys + 2 or not strip(statement) or type(answer) is not bool:
                return None
            return _new_truefalse(id=raw["id"], deck_id=deck_id, tags=tags, source=source,
                                  explain=explain, path=path, line=line,
                                  statement=statement, answer=answer)

        if card_type == "cloze":
            text = raw["text"]
            if len(raw) != keys + 1 or not strip(text):
                return None
            try:
                deletions = parse_cloze(text)
            except ClozeSyntaxError:  # reported, with its position, by the slow path
                return None
            return _new_cloze(id=raw["id"], deck_id=deck_id, tags=tags, source=source,
                              explain=explain, path=path, line=line,
                              text=text, deletions=deletions)

        if card_type == "basic":
            question, answer = raw["question"], raw["answer"]
            if len(raw) != keys + 2 or not (strip(question) and strip(answer)):
                return None
            return _new_basic(id=raw["id"], deck_id=deck_id, tags=tags, source=source,
                              explain=explain, path=path, line=line,
                              question=question, answer=answer)

        if card_type == "order":
            question, items = raw["question"], raw["items"]
            if not (len(raw) == keys + 2 and strip(question) and type(items) is list
                    and MIN_ORDER_ITEMS <= len(items) <= MAX_ORDER_ITEMS
                    and all(map(strip, items)) and len(set(items)) == len(items)):
                return None
            return _new_order(id=raw["id"], deck_id=deck_id, tags=tags, source=source,
                              explain=explain, path=path, line=line,
                              question=question, items_in_order=tuple(items))
        return None  # an unknown type, or not a string

    return build


# --------------------------------------------------------------------------------------------------
# Positions (run only when there is a problem to report)


@dataclass
class _Positions:
    """1-based (line, column) of every key and table header, by resolved key path."""

    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    headers: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    card_headers: list[tuple[int, int]] = field(default_factory=list)

    def locate(self, loc: Loc) -> tuple[int | None, int | None]:
        """The position of `loc`, or of the nearest enclosing key or table that has one."""
        for end in range(len(loc), 0, -1):
            part = loc[:end]
            found = self.keys.get(part) or self.headers.get(part)
            if found is not None:
                return found
        return None, None


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BASIC_KEY = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL_KEY = re.compile(r"'[^'\n]*'")
_SPACE = re.compile(r"[ \t]*")
_TOKEN = re.compile(r'"""|\'\'\'|"(?:[^"\\\n]|\\.)*"?|\'[^\'\n]*\'?|[\[\]{}#]')


def _parse_key(line: str, pos: int) -> tuple[list[str], int] | None:
    """A dotted key starting at `pos`: its parts and the index after it, or None."""
    parts: list[str] = []
    while True:
        pos = _SPACE.match(line, pos).end()  # type: ignore[union-attr]
        match = _BARE_KEY.match(line, pos)
        if match is not None:
            parts.append(match.group())
        else:
            match = _BASIC_KEY.match(line, pos) or _LITERAL_KEY.match(line, pos)
            if match is None:
                return None
            parts.append(_unquote(match.group()))
        pos = _SPACE.match(line, match.end()).end()  # type: ignore[union-attr]
        if pos < len(line) and line[pos] == ".":
            pos += 1
            continue
        return parts, pos


def _unquote(quoted: str) -> str:
    if quoted.startswith("'"):
        return quoted[1:-1]
    try:
        value = tomli.loads(f"k = {quoted}")["k"]
    except (ValueError, RecursionError):
        return quoted[1:-1]
    return value if isinstance(value, str) else quoted[1:-1]


def _ml_string_end(line: str, pos: int, delim: str) -> int:
    """Index just after the closing `delim` of a multi-line string in `line` from `pos`, or -1."""
    while True:
        found = line.find(delim, pos)
        if found < 0:
            return -1
        if delim == '"""':
            backslashes = 0
            while found - backslashes - 1 >= pos and line[found - backslashes - 1] == "\\":
                backslashes += 1
            if backslashes % 2:
                pos = found + 1
                continue
        end = found + 3
        # Up to two quotes right before the closing delimiter belong to the string.
        while end < len(line) and end - found < 5 and line[end] == delim[0]:
            end += 1
        return end


def _scan_positions(text: str, *, table: Loc = (), counts: dict[Loc, int] | None = None,
                    first_line: int = 1) -> _Positions:
    """Find where every key and table header is, tracking strings, brackets and comments.

    Line-based: a statement (key or header) can only start on a line that is not inside a
    multi-line string or an open array/inline table. Keys inside inline tables are not recorded;
    their problems are placed on the enclosing key. A part of a file can be scanned on its own
    when it starts a statement: `table` is the table it is in, `counts` the number of tables
    already seen in each array of tables, `first_line` the number of its first line.
    """
    out = _Positions()
    array_counts: dict[Loc, int] = dict(counts or {})
    in_string: str | None = None
    depth = 0
    for number, line in enumerate(text.split("\n"), first_line):
        pos = 0
        if in_string is not None:
            end = _ml_string_end(line, 0, in_string)
            if end < 0:
                continue
            in_string = None
            pos = end
        elif depth == 0:
            pos = _SPACE.match(line).end()  # type: ignore[union-attr]
            if line.startswith("[", pos):
                double = line.startswith("[[", pos)
                parsed = _parse_key(line, pos + (2 if double else 1))
                if parsed is None:
                    continue
                parts, after = parsed
                table = _resolve_header(parts, double, array_counts)
                out.headers.setdefault(table, (number, pos + 1))
                if double and table[:-1] == ("cards",):
                    out.card_headers.append((number, pos + 1))
                continue
            if pos < len(line) and line[pos] != "#":
                parsed = _parse_key(line, pos)
                if parsed is not None and parsed[1] < len(line) and line[parsed[1]] == "=":
                    parts, after = parsed
                    for end in range(1, len(parts) + 1):
                        out.keys.setdefault((*table, *parts[:end]), (number, pos + 1))
                    pos = after + 1
        in_string, depth = _scan_value(line, pos, depth)
    return out


def _scan_value(line: str, pos: int, depth: int) -> tuple[str | None, int]:
    """Skip strings and comments in the rest of `line`.

    Returns the multi-line string still open at the end of the line (its delimiter) and the depth of
    open brackets.
    """
    while True:
        match = _TOKEN.search(line, pos)
        if match is None:
            return None, depth
        token = match.group()
        if token in ('"""', "'''"):
            end = _ml_string_end(line, match.end(), token)
            if end < 0:
                return token, depth
            pos = end
            continue
        if token == "#":
            return None, depth
        if token in "[{":
            depth += 1
        elif token in "]}":
            depth = max(depth - 1, 0)
        pos = match.end()


def _resolve_header(parts: list[str], array: bool, counts: dict[Loc, int]) -> Loc:
    """The key path a `[a.b]` / `[[a.b]]` header names, with the index of each array of tables."""
    resolved: list[str | int] = []
    for i, part in enumerate(parts):
        resolved.append(part)
        key = tuple(resolved)
        last = i == len(parts) - 1
        if last and array:
            index = counts.get(key, 0)
            counts[key] = index + 1
            resolved.append(index)
        elif key in counts:
            resolved.append(counts[key] - 1)
    return tuple(resolved)


def _deck_id_position(path: Path) -> tuple[int | None, int | None]:
    """Where `[deck] id` is in a file already loaded once (for the duplicate-deck-id problem)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None, None
    first_card = _CARD_HEADER.search(text)
    if first_card is not None:  # [deck] nearly always comes first: scan only that part
        found = _scan_positions(text[:first_card.start()]).locate(("deck", "id"))
        if found[0] is not None:
            return found
    return _scan_positions(text).locate(("deck", "id"))
