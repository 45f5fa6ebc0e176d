"""Finding a card's `source` quote in the deck's source text, and the passage nearest a misquote.

A quote is "in the source" when it occurs there verbatim, forgiving only what copying text
changes without changing what it says: runs of white space (line breaks included), the kind of
quote mark (curly or straight) and of dash (hyphen, en dash, em dash, minus; spaces around a
dash too), and an ellipsis ("…" or "...") joining verbatim parts found in that order. Case,
words and punctuation are not forgiven: a quote that is not there is an error of the card.

Pure: the text is given (reading the file is `services/evidence.py`'s job).
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, field

__all__ = ["Passage", "SourceText", "fold", "quote_parts"]

_QUOTES = {c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"}
_QUOTES.update({c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"})
_DASHES = {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
_FOLD_CHAR = {**_QUOTES, **_DASHES}
_ELLIPSIS = re.compile(r"\u2026|\.\.\.")
#: How much of the closest passage a message shows.
PASSAGE_WIDTH = 160


def fold(text: str) -> tuple[str, list[int]]:
    """`text` with quote and dash variants made plain, white space runs made one space (none
    around a dash), and the offset in `text` of each character of the result."""
    out: list[str] = []
    where: list[int] = []
    pending_space = -1  # offset of a white space run not yet written
    for index, char in enumerate(text):
        if char.isspace():
            if pending_space < 0:
                pending_space = index
            continue
        char = _FOLD_CHAR.get(char, char)
        if pending_space >= 0:
            if out and char != "-" and out[-1] != "-":
                out.append(" ")
                where.append(pending_space)
            pending_space = -1
        out.append(char)
        where.append(index)
    return "".join(out), where


def quote_parts(quote: str) -> list[str]:
    """The folded verbatim parts of a quote: split at each ellipsis, blank parts left out."""
    parts = (fold(part)[0].strip() for part in _ELLIPSIS.split(quote))
    return [part for part in parts if part]


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of the source: its text as written (white space made single) and its first line."""

    text: str
    line: int


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n\s*\n")


@dataclass
class SourceText:
    """A source's text, folded once for every quote looked up in it."""

    text: str
    folded: str = field(init=False)
    offsets: list[int] = field(init=False, repr=False)
    _line_starts: list[int] = field(init=False, repr=False)
    _chunks: list[tuple[int, int]] | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        self.folded, self.offsets = fold(self.text)
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", self.text))]

    def line_of(self, offset: int) -> int:
        """The 1-based line of an offset of `text`."""
        return bisect.bisect_right(self._line_starts, offset)

    def find(self, quote: str) -> tuple[int, int] | None:
        """Where `quote` is, as offsets (start, end) of the folded text, or None. Its parts,
        joined by ellipses, must occur in order."""
        parts = quote_parts(quote)
        if not parts:
            return None
        start = end = 0
        for number, part in enumerate(parts):
            found = self.folded.find(part, end)
            if found < 0:
                return None
            if number == 0:
                start = found
            end = found + len(part)
        return start, end

    def contains(self, quote: str) -> bool:
        return self.find(quote) is not None

    def line_of_folded(self, offset: int) -> int:
        return self.line_of(self.offsets[min(offset, len(self.offsets) - 1)]) if self.offsets else 1

    def closest(self, quote: str) -> Passage | None:
        """The sentence (or two) of the source nearest to `quote`, for "did you mean …"."""
        wanted = " ".join(quote_parts(quote))
        if not wanted or not self.folded:
            return None
        chunks = self._sentence_spans()
        best: tuple[float, int, int] | None = None
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(wanted)
        for index, (start, end) in enumerate(chunks):
            # A sentence and its neighbour: a quote may run over a sentence's end.
            for stop in {end, chunks[min(index + 1, len(chunks) - 1)][1]}:
                matcher.set_seq1(self.folded[start:stop])
                if best is not None and matcher.real_quick_ratio() <= best[0]:
                    continue
                if best is not None and matcher.quick_ratio() <= best[0]:
                    continue
                score = matcher.ratio()
                if best is None or score > best[0]:
                    best = (score, start, stop)
        if best is None:
            return None
        _, start, stop = best
        start, stop = self._narrow(wanted, start, stop)
        text = self.folded[start:stop].strip()
        if len(text) > PASSAGE_WIDTH:
            text = text[:PASSAGE_WIDTH - 1].rstrip() + "…"
        return Passage(text, self.line_of_folded(start))

    def _narrow(self, wanted: str, start: int, stop: int) -> tuple[int, int]:
        """The words of `folded[start:stop]` nearest to `wanted`: a window about as long as it,
        starting at each word in turn (a quote is often part of a long sentence)."""
        if stop - start <= len(wanted) * 1.3:
            return start, stop
        words = [m.start() + start for m in re.finditer(r"\S+", self.folded[start:stop])]
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(wanted)
        best = (-1.0, start, stop)
        for first in words:
            end = min(stop, first + len(wanted))
            while end < stop and not self.folded[end].isspace():
                end += 1  # end at a word's end
            matcher.set_seq1(self.folded[first:end])
            score = matcher.ratio()
            if score > best[0]:
                best = (score, first, end)
        return best[1], best[2]

    def _sentence_spans(self) -> list[tuple[int, int]]:
        if self._chunks is None:
            spans: list[tuple[int, int]] = []
            start = 0
            for match in _SENTENCE_END.finditer(self.folded):
                if match.start() > start:
                    spans.append((start, match.start()))
                start = match.end()
            if start < len(self.folded):
                spans.append((start, len(self.folded)))
            self._chunks = spans or [(0, len(self.folded))]
        return self._chunks
