"""Placing lint warnings fast: one search per card instead of a TOML scan of the deck (see
`core.lint.fast`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from itertools import repeat
from pathlib import Path
from typing import cast

from briefing_quiz.core.deckfile import locate_keys
from briefing_quiz.core.fast_construct import column_constructor
from briefing_quiz.core.lint import fast as _switch
from briefing_quiz.core.lint.base import Finding, LintWarning
from briefing_quiz.core.lint.rules import Rule

__all__ = ["fast_locate", "locator", "placed_warnings"]

Loc = tuple[str | int, ...]
Place = tuple[int | None, int | None]

# The card header as `core.deckfile.positions` finds it (same regex, same "starts its line" test):
# both sides must agree on the card lines, and the exact scanner decides whenever the count differs.
_CARD_HEADER = re.compile(r"\[\[[ \t]*(?:cards|\"cards\"|'cards')[ \t]*\]\]")
# A line starting with `[`: a sub-table (whose keys are not the card's) or an array's line.
_SUB_TABLE = re.compile(r"^[ \t]*\[", re.MULTILINE)


@lru_cache(maxsize=64)
def _key_line(key: str) -> re.Pattern[str]:
    """`key =` at the start of a line: a bare key the exact scanner would also read as `key`."""
    return re.compile(rf"^[ \t]*({re.escape(key)})[ \t]*=", re.MULTILINE)


def locator(text: str, card_count: int, card_lines: Sequence[int | None] | None = None,
            ) -> Callable[[Sequence[Loc]], Sequence[Place]]:
    """The `Locate` of `core.lint.lint_deck` for a deck file's `text`: the fast one when enabled.
    `card_lines`: the line of each card's header as the loader found it (`Card.line`), when
    `text` is the text the deck was loaded from."""
    if _switch.ENABLED:
        return partial(fast_locate, text, card_count, card_lines=card_lines)
    return partial(locate_keys, text, card_count)


def fast_locate(text: str, card_count: int, locs: Sequence[Loc], *,
                card_lines: Sequence[int | None] | None = None) -> list[Place]:
    """What `locate_keys(text, card_count, locs)` returns, searching only the cards concerned.

    With `card_lines` (the loader's `Card.line` of each card, read from this same `text`), the
    header lines are taken from them instead of counting the newlines up to each header."""
    starts = [match.start() for match in _CARD_HEADER.finditer(text)]
    if any(start and text[start - 1] != "\n" for start in starts):
        starts = [start for start in starts if _starts_line(text, start)]
    if len(starts) != card_count:
        return locate_keys(text, card_count, list(locs))
    if card_lines is not None and len(card_lines) == card_count and None not in card_lines:
        lines: Sequence[int] | dict[int, int] = cast("Sequence[int]", card_lines)
    else:
        lines = _header_lines(text, starts, locs)
    known: dict[tuple[int, str], Place | None] = {}  # a card's key is searched for once
    out: list[Place | None] = []
    hard: list[int] = []  # indexes into `locs` left to the exact scanner
    size = len(text)
    for n, loc in enumerate(locs):
        place: Place | None = None
        if len(loc) in (2, 3) and loc[0] == "cards" and type(loc[1]) is int and 0 <= loc[1] < len(
                starts):
            index = loc[1]
            start = starts[index]
            if len(loc) == 2:
                place = (lines[index], start - text.rfind("\n", 0, start))
            elif isinstance(loc[2], str):
                if (index, loc[2]) in known:
                    place = known[index, loc[2]]
                else:
                    place = known[index, loc[2]] = _key_place(
                        text, start, starts[index + 1] if index + 1 < len(starts) else size,
                        lines[index], loc[2])
        if place is None:
            hard.append(n)
        out.append(place)
    if hard:
        for n, found in zip(hard, locate_keys(text, card_count, [locs[n] for n in hard]),
                            strict=True):
            out[n] = found
    return [place if place is not None else (None, None) for place in out]


def _header_lines(text: str, starts: list[int], locs: Sequence[Loc]) -> dict[int, int]:
    """The line of each card header that `locs` name, by card index: newlines counted only from
    one such header to the next."""
    named = sorted({loc[1] for loc in locs if len(loc) > 1 and loc[0] == "cards"
                    and type(loc[1]) is int and 0 <= loc[1] < len(starts)})
    lines: dict[int, int] = {}
    line, at = 1, 0
    for index in named:
        line += text.count("\n", at, starts[index])
        at = starts[index]
        lines[index] = line
    return lines


def _key_place(text: str, header: int, next_header: int, header_line: int,
               key: str) -> Place | None:
    """Line and column of the card's `key =`, between its header and the next; None when a plain
    search cannot be sure (left to the exact scanner)."""
    body = text.find("\n", header, next_header)
    if body < 0:
        return None
    body += 1
    # The region ends where the next header's line starts (blanks may stand before `[[`).
    end = text.rfind("\n", body, next_header) + 1 if next_header < len(text) else next_header
    if end <= body and next_header < len(text):
        return None
    first = _first_key_line(text, body, end, key)
    if first >= 0:
        return header_line + 1 + text.count("\n", body, first + 1), 1
    if text.find('"""', body, end) >= 0 or text.find("'''", body, end) >= 0:
        return None  # a `key =` line could be the text of a multi-line string
    if text.find("\n ", body - 1, end) < 0 and text.find("\n\t", body - 1, end) < 0:
        # No line starts with a blank: plain `find`s do it (the common layout).
        if text.find("\n[", body - 1, end) >= 0:
            return None  # a sub-table, or an array's line
        probe = "\n" + key
        at = body - 1
        while True:
            at = text.find(probe, at, end)
            if at < 0:
                return None
            after = at + len(probe)
            while after < end and text[after] in " \t":
                after += 1
            if after < end and text[after] == "=":
                return header_line + 1 + text.count("\n", body, at + 1), 1
            at += 1
    if _SUB_TABLE.search(text, body, end) is not None:
        return None
    match = _key_line(key).search(text, body, end)
    if match is None:
        return None
    at = match.start(1)
    line_start = text.rfind("\n", body, at) + 1 or body
    return header_line + 1 + text.count("\n", body, at), at - line_start + 1


def _first_key_line(text: str, body: int, end: int, key: str) -> int:
    """Where the first line `key =` (the key at the line's start) of the card's part begins (its
    newline), when nothing before it in the part can fool a plain search; else -1.

    The tests the caller makes of the whole part are made here of the lines before the key only
    (on this deck, about a third of the part): no multi-line string opens there (the key line
    would be its text), and no line there starts with a blank (an indented `key =` would come
    first) or with `[` (a sub-table: the key line would be the sub-table's). The key's own line
    and those after it cannot move it."""
    probe = "\n" + key
    at = text.find(probe, body - 1, end)
    while at >= 0:
        after = at + len(probe)
        while after < end and text[after] in " \t":
            after += 1
        if after < end and text[after] == "=":
            break
        at = text.find(probe, at + 1, end)
    else:
        return -1
    if (text.find('"""', body, at) >= 0 or text.find("'''", body, at) >= 0
            or text.find("\n ", body - 1, at) >= 0 or text.find("\n\t", body - 1, at) >= 0
            or text.find("\n[", body - 1, at) >= 0):
        return -1
    return at


def _starts_line(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return line_start == start or text[line_start:start].isspace()


_WARNING_FIELDS = ("rule", "message", "fix", "path", "line", "column", "card_id", "other")
_build_warnings = column_constructor(LintWarning, _WARNING_FIELDS)


def placed_warnings(path: Path | None, found: Sequence[tuple[Rule, Finding]],
                    places: Sequence[Place], index: dict[str, int]) -> list[LintWarning]:
    """The warnings `core.lint.lint_deck` makes of `found` placed at `places`, in its order (by
    line, then card, else as found), built a field at a time for all of them
    (`fast_construct.column_constructor`: a frozen dataclass's `__init__` per warning costs more)."""
    cards = [index.get(f.card_id, -1) if f.card_id else -1 for _rule, f in found]
    lines = [line or 0 for line, _column in places]
    order = sorted(range(len(found)), key=list(zip(lines, cards, strict=True)).__getitem__)
    rules = [found[n][0] for n in order]
    findings = [found[n][1] for n in order]
    return _build_warnings(len(order), (
        [rule.id for rule in rules], [f.message for f in findings], [rule.fix for rule in rules],
        repeat(path), [places[n][0] for n in order], [places[n][1] for n in order],
        [f.card_id for f in findings], [f.other for f in findings]))
