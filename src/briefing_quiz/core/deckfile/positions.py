"""Where a key or table is in a deck file: a second, line-based TOML scanner, run only to report.

tomli gives values but not their positions, so a problem's line and column are found here, by a
scanner that tracks strings, brackets and comments well enough to place every key and header.
It runs only when there is a problem to report (or when the quick search for `[[cards]]` headers
is unsure), and the validator scans only the part of the file a problem can be in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from pathlib import Path
from typing import cast

import tomli

__all__ = ["Loc", "locate_keys"]

Loc = tuple[str | int, ...]
"""Where a problem is: a key path such as ("cards", 3, "answer"); made a line only on error."""

# Quoted spellings too: if the regex missed a real header, a header-like line inside a multi-line
# string could make up the count, and the card lines would be wrong without anyone noticing.
_CARD_HEADER = re.compile(r"\[\[[ \t]*(?:cards|\"cards\"|'cards')[ \t]*\]\]")


def _starts_line(text: str, start: int) -> bool:
    """Whether only blanks stand between the start of its line and `start`."""
    line_start = text.rfind("\n", 0, start) + 1
    return line_start == start or text[line_start:start].isspace()


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
        from briefing_quiz.core.deckfile.read import MAX_DECK_BYTES
        from briefing_quiz.core.files import read_regular

        text = read_regular(path, MAX_DECK_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None, None
    first_card = _CARD_HEADER.search(text)
    if first_card is not None:  # [deck] nearly always comes first: scan only that part
        found = _scan_positions(text[:first_card.start()]).locate(("deck", "id"))
        if found[0] is not None:
            return found
    return _scan_positions(text).locate(("deck", "id"))


class _Locator:
    """Finds the lines of a deck's `[[cards]]` headers, and the line and column of a problem's key
    path in its text, scanning as little of it as it can (the validator's problems are placed only
    when it reports them). `card_lines`, when given, are the header lines already found by
    `fast._parse_simple` (exact)."""

    def __init__(self, text: str, card_lines: list[int] | None = None) -> None:
        self.src = text
        self.lines: list[int] | None = None  # of the [[cards]] headers, once known
        self._known_lines = card_lines
        self._positions: _Positions | None = None
        self._regions: dict[tuple[int, int], _Positions] = {}
        self._src_lines: list[str] | None = None

    def positions(self) -> _Positions:
        if self._positions is None:
            self._positions = _scan_positions(self.src)
        return self._positions

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
            region = self.card_region(loc[1])
            # An item of an array value (a point of an open card): its own line, where found.
            index = loc[-1]
            key = region.keys.get(loc[:-1]) if len(loc) > 2 and isinstance(index, int) else None
            if key is not None:
                if self._src_lines is None:
                    self._src_lines = self.src.split("\n")
                item = _array_item(self._src_lines, key, int(index))
                if item is not None:
                    return item
            return region.locate(loc)
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


def _array_item(src_lines: list[str], key: tuple[int, int], index: int) -> tuple[int, int] | None:
    """Where item `index` of the array assigned to the key at `key` (line, column) starts, or
    None: a character scan that skips strings, comments and nested brackets."""
    line, column = key
    text = "\n".join(src_lines[line - 1:])
    start = text.find("[", text.find("=", column - 1))
    if start < 0:
        return None
    depth, count, expecting, i = 0, -1, True, start
    while i < len(text):
        char = text[i]
        if char in " \t\r\n":
            i += 1
            continue
        if char == "#":
            i = text.find("\n", i)
            if i < 0:
                return None
            continue
        if depth == 1 and char == ",":
            expecting, i = True, i + 1
            continue
        if depth == 1 and char == "]":
            return None
        if depth == 1 and expecting:
            count, expecting = count + 1, False
            if count == index:
                return line + text.count("\n", 0, i), i - text.rfind("\n", 0, i)
        if char in "\"'":
            i = _string_end(text, i)
            continue
        depth += 1 if char in "[{" else -1 if char in "]}" else 0
        i += 1
    return None


def _string_end(text: str, i: int) -> int:
    """The index after the TOML string that starts at `i` (the end of text if unclosed)."""
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        return len(text) if end < 0 else end + 3
    i += 1
    while i < len(text) and text[i] != quote and text[i] != "\n":
        i += 2 if quote == '"' and text[i] == "\\" else 1
    return i + 1


def locate_keys(text: str, card_count: int, locs: list[Loc]) -> list[tuple[int | None, int | None]]:
    """The line and column of each key path in `locs` in the text of a deck with `card_count`
    cards (for reports made after loading, such as the lint's): each card's keys are looked for
    in that card's lines only, as the validator places its problems."""
    where = _Locator(text)
    where.lines = where.card_lines(card_count)
    return [where.locate(loc) for loc in locs]
