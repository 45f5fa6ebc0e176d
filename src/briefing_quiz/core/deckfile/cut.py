"""A deck's text cut at its `[[cards]]` lines, for the fast path (`fast.py`) of the loader.

`_Cut` cuts as `text.split(CARD_SEPARATOR)` does but slices each part only when it is asked for:
the parse reads one card table at a time, so the tables are never all alive at once (they would
be a second copy of the text at the load's peak; `benchmarks/README.md`, "Part 5"). `_OldTables`
finds the cards of a deck's previous load by their table's text for the reuse of an edited deck
(`fast._load_reusing`), at their own place first, without slicing the previous text.
tests/core/deckfile/test_memory.py checks both against `str.split` and a full load.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import accumulate, repeat
from operator import add
from typing import TYPE_CHECKING

from briefing_quiz.core.deckfile.read import CARD_SEPARATOR

if TYPE_CHECKING:
    from briefing_quiz.core.model import Card

__all__: list[str] = []


class _Cut:
    """A text cut at `CARD_SEPARATOR`, as `text.split(CARD_SEPARATOR)` cuts it, without making
    the parts: part 0 is the preamble, part i + 1 the table of card i, each sliced when asked."""

    def __init__(self, text: str) -> None:
        self.text = text
        step = len(CARD_SEPARATOR)
        starts = [0]
        # str.split's cuts: the leftmost match, then the next one after its end.
        at = text.find(CARD_SEPARATOR)
        while at != -1:
            starts.append(at + step)
            at = text.find(CARD_SEPARATOR, at + step)
        self.starts = starts
        self.ends = [start - step for start in starts[1:]]
        self.ends.append(len(text))

    def __len__(self) -> int:
        return len(self.starts)

    def preamble(self) -> str:
        return self.text[:self.ends[0]]

    def card(self, index: int) -> str:
        return self.text[self.starts[index + 1]:self.ends[index + 1]]

    def cards(self) -> Iterator[str]:
        """The text of each card's table, in order, one at a time."""
        return map(self.text.__getitem__, map(slice, self.starts[1:], self.ends[1:]))

    def header_lines(self) -> list[int]:
        """The line of each `[[cards]]` header."""
        # The header of part i+1 is 2 lines (the cut's two newlines) below that of part i, plus
        # the newlines inside part i; the first follows the preamble the same way.
        count = self.text.count
        return list(accumulate(map(add, map(count, repeat("\n"), self.starts[:-1],
                                            self.ends[:-1]), repeat(2))))


#: Cards not found at their own place before the previous tables are indexed by their text.
_MISSES_BEFORE_INDEX = 8


class _OldTables:
    """The cards of the previous load, found by their table's text.

    First at the same place (card i of the edited file against card i before), compared inside
    the previous text without slicing it: an edit in place, or lines added above the cards, then
    costs no string per card. After `_MISSES_BEFORE_INDEX` misses (cards added, removed or
    reordered), every previous table is sliced once into a dict by text, as a miss that this path
    cannot read (`find`) also does.
    """

    def __init__(self, cards: Sequence[Card], text: str) -> None:
        self.cards = cards
        self.text = text
        self.cut = _Cut(text)
        self.starts = self.cut.starts[1:]
        self.ends = self.cut.ends[1:]
        self.misses = 0
        self.by_text: dict[str, Card] | None = None

    def at(self, index: int, chunk: str) -> Card | None:
        """The previous card whose table text is `chunk`, if it was card `index` or (after many
        misses) anywhere; None otherwise."""
        if index < len(self.starts):
            start = self.starts[index]
            if self.ends[index] - start == len(chunk) and self.text.startswith(chunk, start):
                return self.cards[index]
        self.misses += 1
        return self.find(chunk) if self.misses > _MISSES_BEFORE_INDEX else None

    def find(self, chunk: str) -> Card | None:
        """The previous card whose table text is `chunk`, wherever it was; None if none."""
        if self.by_text is None:
            self.by_text = dict(zip(self.cut.cards(), self.cards, strict=True))
        return self.by_text.get(chunk)
