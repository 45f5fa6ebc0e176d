"""Turning untrusted deck text into things Textual can show literally.

Card text comes from files anyone can write. It is never parsed as markup: every widget gets a
`Content` (or a rich `Text`) built from plain strings, so `[bold red]` or `[@click=app.quit]` shows
as typed. Terminal control characters are replaced by visible stand-ins, because Textual only strips
a few of them (ESC would otherwise reach the terminal and restyle it).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from textual.content import Content

from briefing_quiz.core.visible import VISIBLE

# The program's table of visible stand-ins (core/visible.py), with what suits a widget: a tab as
# four spaces (a terminal cell has no tab stops here), DEL as ␡, C1 controls as a short \xNN.
_TRANSLATE: dict[int, str] = {**VISIBLE, 0x09: "    ", 0x7F: "␡"}
_TRANSLATE.update({c: f"\\x{c:02x}" for c in range(0x80, 0xA0)})

#: Strings longer than this are not diffed character by character (difflib is quadratic).
DIFF_LIMIT = 400


def clean(text: str) -> str:
    """`text` with every control character made visible; newlines kept."""
    return text.replace("\r\n", "\n").translate(_TRANSLATE)


def one_line(text: str, limit: int = 200) -> str:
    """`clean(text)` on one line (newlines shown as ⏎), cut to `limit` characters with an …"""
    flat = clean(text[: limit + 1]).replace("\n", " ⏎ ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def plain(text: str, style: str = "") -> Content:
    """Literal content: markup in `text` is shown as typed."""
    return Content.styled(clean(text), style) if style else Content(clean(text))


def assemble(*parts: str | Content | tuple[str, str]) -> Content:
    """`Content.assemble` with every text part cleaned (the styles are ours, the text is not)."""
    cleaned: list[str | Content | tuple[str, str]] = []
    for part in parts:
        if isinstance(part, str):
            cleaned.append(clean(part))
        elif isinstance(part, tuple):
            cleaned.append((clean(part[0]), part[1]))
        else:
            cleaned.append(part)
    return Content.assemble(*cleaned)


def lines(parts: Iterable[Content]) -> Content:
    """Join contents with newlines."""
    return Content("\n").join(parts)


def diff(expected: str, given: str) -> tuple[Content, Content]:
    """`(expected, given)` with the differing characters marked.

    In `given`, characters that are not in the right answer are struck through and underlined; in
    `expected`, characters the answer missed are underlined and bold. Marks are more than colour, so
    they survive monochrome terminals and colour blindness.
    """
    expected_c, given_c = clean(expected), clean(given)
    if len(expected_c) > DIFF_LIMIT or len(given_c) > DIFF_LIMIT:
        return Content(expected_c), Content(given_c)
    matcher = difflib.SequenceMatcher(None, given_c.casefold(), expected_c.casefold(),
                                      autojunk=False)
    exp_parts: list[str | tuple[str, str]] = []
    giv_parts: list[str | tuple[str, str]] = []
    for tag, g1, g2, e1, e2 in matcher.get_opcodes():
        if tag == "equal":
            exp_parts.append(expected_c[e1:e2])
            giv_parts.append(given_c[g1:g2])
            continue
        if g2 > g1:
            giv_parts.append((given_c[g1:g2], "strike underline $text-error"))
        if e2 > e1:
            exp_parts.append((expected_c[e1:e2], "bold underline $text-success"))
    return Content.assemble(*exp_parts), Content.assemble(*giv_parts)
