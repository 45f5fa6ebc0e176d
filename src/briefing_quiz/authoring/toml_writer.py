"""A small TOML writer for deck files: just the values decks use, written to be read by people.

Why our own: tomllib only reads, and a deck written by `import` should look like one written by
hand (keys in the order the format describes, multi-line text as multi-line strings), which a
general serialiser does not give. The escaping follows TOML 1.0 "String": in basic strings `"` and
`\\` are escaped, and so is every control character but tab (U+0000-U+0008, U+000A-U+001F, U+007F).
TOML lets C1 controls, bidirectional overrides and U+2028/U+2029 stand raw in a string; we escape
them too (same value once read), so a deck made from a hostile import shows nothing raw when the
file is printed with `cat` or read in an editor that honours bidi overrides ("Trojan Source").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

__all__ = [
    "CardDraft",
    "DeckDraft",
    "TomlValue",
    "basic_string",
    "key",
    "multiline_string",
    "render_deck",
    "string",
    "value",
]

TomlValue: TypeAlias = ("str | bool | int | float | dt.date | Sequence[str]"
                        " | Sequence[dict[str, str | list[str]]] | dict[str, list[str]]")

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SHORT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r",
                  '"': '\\"', "\\": "\\\\"}
# A list whose one-line form is longer than this is written one item per line.
_INLINE_LIST_WIDTH = 80


_INVISIBLE = frozenset(chr(c) for c in (*range(0x7F, 0xA0), *range(0x202A, 0x202F),
                                          *range(0x2066, 0x206A), 0x2028, 0x2029))


def _is_control(ch: str) -> bool:
    return ch < " " or ch in _INVISIBLE


def _escape_char(ch: str) -> str:
    short = _SHORT_ESCAPES.get(ch)
    if short is not None:
        return short
    return f"\\u{ord(ch):04X}"


def basic_string(text: str) -> str:
    """`text` as a one-line TOML basic string."""
    out = ['"']
    for ch in text:
        if ch == "\t":
            out.append(ch)  # a literal tab is allowed and easier to read
        elif ch in ('"', "\\") or _is_control(ch):
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def multiline_string(text: str) -> str:
    """`text` as a TOML multi-line basic string, its line breaks kept as real line breaks.

    The newline right after the opening `\"\"\"` is trimmed by every TOML reader, so the text
    starts on its own line. Quotes are escaped only where three would meet (or one would touch the
    closing delimiter), so ordinary quotations stay readable.
    """
    out = ['"""\n']
    raw_quotes = 0
    last = len(text) - 1
    for i, ch in enumerate(text):
        if ch == '"':
            if raw_quotes == 2 or i == last:
                out.append('\\"')
                raw_quotes = 0
            else:
                out.append('"')
                raw_quotes += 1
            continue
        raw_quotes = 0
        if ch in ("\n", "\t"):
            out.append(ch)
        elif ch == "\\" or _is_control(ch):
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    out.append('"""')
    return "".join(out)


def string(text: str) -> str:
    """A multi-line string when `text` has a line break, else a one-line basic string."""
    return multiline_string(text) if "\n" in text else basic_string(text)


def key(name: str) -> str:
    """A bare key when TOML allows one, else a quoted key."""
    return name if _BARE_KEY.fullmatch(name) else basic_string(name)


def value(v: TomlValue) -> str:
    """The TOML form of a value decks use: string, bool, int, float, date or list of strings."""
    if isinstance(v, bool):  # before int: bool is an int subclass
        return "true" if v else "false"
    if isinstance(v, str):
        return string(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError("decks hold only finite numbers")
        return repr(v)
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return v.isoformat()
    if isinstance(v, dict):  # an inline table of lists (a cloze card's `accept` by gap)
        return "{ " + ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, Sequence) and v and all(isinstance(item, dict) for item in v):
        # inline tables (the points of an open card), one a line
        return "[\n" + "".join("  { " + ", ".join(f"{key(k)} = {value(x)}" for k, x in item.items())
                               + " },\n" for item in v if isinstance(item, dict)) + "]"
    if isinstance(v, Sequence):
        items = [string(item) for item in v if isinstance(item, str)]
        one_line = "[" + ", ".join(items) + "]"
        if len(one_line) <= _INLINE_LIST_WIDTH and "\n" not in one_line:
            return one_line
        return "[\n" + "".join(f"    {item},\n" for item in items) + "]"
    raise TypeError(f"no TOML form for {type(v).__name__}")


@dataclass
class CardDraft:
    """One `[[cards]]` table, its keys in the order they are written; `origin` is where it came from
    (e.g. the line of the imported row) so problems found later can be traced back."""

    fields: list[tuple[str, TomlValue]]
    origin: int | None = None
    comment: str | None = None

    def get(self, name: str) -> TomlValue | None:
        for k, v in self.fields:
            if k == name:
                return v
        return None


@dataclass
class DeckDraft:
    """A deck about to be written: the `[deck]` table, `[deck.source]`, and the cards."""

    id: str
    title: str
    description: str | None = None
    tags: Sequence[str] = ()
    source: list[tuple[str, TomlValue]] = field(default_factory=list)
    cards: list[CardDraft] = field(default_factory=list)
    header: Sequence[str] = ()  # comment lines written at the top of the file


def _comment_lines(text: str) -> str:
    # TOML allows no control character in a comment (an imported file's name could hold one).
    from briefing_quiz.core.visible import visible

    return "".join(f"# {visible(line)}".rstrip() + "\n" for line in text.splitlines())


def render_deck(draft: DeckDraft) -> tuple[str, list[int]]:
    """The deck file text, and the 1-based line of each card's `[[cards]]` header, in order."""
    parts: list[str] = []
    for comment in draft.header:
        parts.append(_comment_lines(comment) if comment else "#\n")
    if draft.header:
        parts.append("\n")
    parts.append("format = 1\n\n[deck]\n")
    parts.append(f"id = {basic_string(draft.id)}\n")
    parts.append(f"title = {string(draft.title)}\n")
    if draft.description:
        parts.append(f"description = {string(draft.description)}\n")
    if draft.tags:
        parts.append(f"tags = {value(list(draft.tags))}\n")
    if draft.source:
        parts.append("\n[deck.source]\n")
        parts.extend(f"{key(k)} = {value(v)}\n" for k, v in draft.source)
    text = "".join(parts)
    line = text.count("\n") + 1
    card_lines: list[int] = []
    chunks = [text]
    for card in draft.cards:
        chunk = ["\n"]
        if card.comment:
            chunk.append(_comment_lines(card.comment))
        chunk.append("[[cards]]\n")
        header_line = line + "".join(chunk).count("\n") - 1
        chunk.extend(f"{key(k)} = {value(v)}\n" for k, v in card.fields)
        joined = "".join(chunk)
        card_lines.append(header_line)
        line += joined.count("\n")
        chunks.append(joined)
    return "".join(chunks), card_lines
