"""A source text (plain text or Markdown) cut into sentences, each with its line and exact text.

Why pysbd: it knows abbreviations ("U.S.", "Mr.", "Feb."), decimals and quotations, which a
regular expression on ". " gets wrong in most briefing texts; it is pure Python, rule based and
deterministic, and needs nothing downloaded (about 0.3 s for 10,000 words). The text is first cut
into blocks (paragraphs, Markdown headings and list items), so a heading never runs into the next
sentence; Markdown markers at the start of a block (`#`, `-`, `1.`, `>`) are not part of it.
Each sentence is a verbatim slice of the text, so a card may quote it as it is.

pysbd's time grows with the square of the text it is given (each sentence end rescans the whole
string: a 250 KB paragraph took minutes, and a shared deck's source may be any file up to the
cap). So a block longer than `_PIECE` characters is cut first, at the last sentence end before
the limit that no abbreviation can be ("word. Next"), else at a space: the time stays linear, and a
real paragraph (far shorter) is given whole as before.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["Sentence", "split_sentences"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its text (a slice of the source, trailing space cut), offset and line."""

    text: str
    start: int
    line: int
    #: A Markdown heading ("# Background"): a title, no statement of fact.
    heading: bool = False


_BLOCK_BREAK = re.compile(r"\n[ \t]*\n+|\n(?=[ \t]*(?:#{1,6}[ \t]|[-*+][ \t]|\d+[.)][ \t]|>))")
_MARKER = re.compile(r"[ \t]*(?:#{1,6}[ \t]+|[-*+][ \t]+|\d+[.)][ \t]+|>[ \t]*)?")
_FENCE = re.compile(r"^```.*?^```[ \t]*$", re.MULTILINE | re.DOTALL)

#: Blocks longer than this are cut before pysbd sees them (see the module docstring).
_PIECE = 2000
# A sentence end no abbreviation makes: a word of two or more small letters or digits, its stop,
# perhaps a closing quote or bracket, space, then a capital or an opening quote.
_SAFE_END = re.compile(r"[a-z0-9]{2}[.!?][\"'\u201d\u2019)]?[ \t]+(?=[A-Z\"\u201c])")


def _pieces(body: str) -> list[tuple[int, str]]:
    """`body` as (offset, text) pieces of at most about `_PIECE` characters."""
    out: list[tuple[int, str]] = []
    start = 0
    while len(body) - start > _PIECE:
        window = body[start:start + _PIECE]
        cut = None
        for cut_match in _SAFE_END.finditer(window):
            cut = cut_match.end()
        if cut is None:
            space = window.rfind(" ")
            cut = space + 1 if space > 0 else _PIECE
        out.append((start, body[start:start + cut]))
        start += cut
    out.append((start, body[start:]))
    return out


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import pysbd  # type: ignore[import-untyped]  # no type hints shipped

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def split_sentences(text: str) -> list[Sentence]:
    """Every sentence of `text`, in order (code blocks and blank text left out)."""
    blanked = _FENCE.sub(lambda m: " " * len(m.group()), text)  # code is no prose to quote
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    out: list[Sentence] = []
    position = 0
    for match in [*_BLOCK_BREAK.finditer(blanked), None]:
        end = match.start() if match is not None else len(blanked)
        block = blanked[position:end]
        marker = _MARKER.match(block)
        skip = marker.end() if marker else 0
        body = block[skip:]
        heading = block.lstrip().startswith("#")
        if body.strip():
            base = position + skip
            # pysbd ends a sentence at every line break: a hard-wrapped paragraph is one line
            # for it (a space for each break keeps the offsets).
            flat = body.replace("\n", " ")
            spans = [(shift + span.start, shift + span.end)
                     for shift, part in _pieces(flat) for span in _segmenter().segment(part)]
            for first, last in spans:
                piece = text[base + first:base + last]
                stripped = piece.strip()
                if not stripped or not any(ch.isalnum() for ch in stripped):
                    continue
                offset = base + first + (len(piece) - len(piece.lstrip()))
                out.append(Sentence(stripped, offset, bisect.bisect_right(starts, offset),
                                    heading))
        position = match.end() if match is not None else len(blanked)
    return out
