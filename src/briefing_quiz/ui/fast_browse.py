"""Browse's filter and sort as one pass over rows sorted once, and a search painted in one frame.

The plain path (`plain_shown` in `ui/screens/browse.py`) filters every row by deck,
tag, `is:flagged`, `is:suspended` and text, then sorts what is left by the sort column. Typing a
word filters again on every change of the search field, so 11,805 rows were tested through three
attribute lookups each and the thousands kept were sorted again, each time.

What it buys: `BrowseIndex` sorts all rows once per sort column and direction (kept until the
rows change) and keeps each field a filter, the table or the count line reads as a plain list in
that order, so a keystroke is one comprehension over positions whose kept rows are already in
order. Python's sort is stable, in reverse too, so filtering the sorted whole gives exactly what
sorting the filtered part gives (`tests/ui/test_fast_browse.py` checks it on randomised rows and
queries). The profile of the plain path (`BrowseScreen.apply`, the benchmark's 11,799 rows,
"ceasefire" keeping 5,815): most of its 8-12 ms was not the text test but reading `r.cells`,
`r.row.key`, `r.row.suspended` and `r.row.flag` from thousands of objects scattered in memory,
and `list.index` of the kept key through a Python-level `__eq__`. In the app on a pty,
`apply` for the typed word: 8.6-12.0 ms plain, 5.9-6.3 ms fast (1.6x); for the cleared field
(every row shown): 7.8-8.7 ms plain, 1.0-1.5 ms fast (7x). The first filter of a sort order
pays its sort once (~10 ms, at browse's opening for the default order).

The same switch governs the search's one frame (`BrowseScreen._search`): the filtered list, its
count and the highlighted card's details with its history are laid out and painted together
(`App.batch_update` while the store answers, at most `DETAIL_WAIT`), where the plain path
painted the list, then "loading…", then the history, each change a layout and a chain of
scroll-bar frames 16 ms apart. `benchmarks/run.py`'s browse row (the word typed to the last
paint, 5,815 of 11,805 cards), 3 alternating runs of 3: 65.2/65.1/66.4 ms plain,
49.8/50.5/49.8 ms fast (1.31x). What is left is Textual's: the frame timer's skipped slot after
the batch (~20 ms) and two frames of scroll-bar updates after the detail panel's layout.

What it falls back to: the plain path, when the switch is off.

How to switch it off: set `BRIEFING_QUIZ_NO_FAST_BROWSE=1` in the environment (read at import);
`ENABLED = False` at run time does the same.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing_quiz.core.model import ItemKey
    from briefing_quiz.ui.screens.browse import BrowseRow

#: The environment variable that switches the fast path off ("1", or any value but "0").
SWITCH_OFF_VARIABLE = "BRIEFING_QUIZ_NO_FAST_BROWSE"


def enabled_by(environ: Mapping[str, str]) -> bool:
    """Whether the environment leaves the fast path on."""
    return environ.get(SWITCH_OFF_VARIABLE, "") in ("", "0")


#: The switch, read on every filter (so a test or a caller may flip it at run time).
ENABLED: bool = enabled_by(os.environ)


@dataclass(frozen=True, slots=True)
class Query:
    """What browse filters by: deck, tag, the two `is:` words and the rest of the text."""

    deck: str | None
    tag: str | None
    flagged: bool
    suspended: bool
    needle: str  # casefolded; "" matches every row


@dataclass(slots=True)
class Shown:
    """What browse shows for a query: the rows in order, their cells and keys, how many of them
    are suspended and flagged, and where the card to keep highlighted is (-1: not shown)."""

    rows: list[BrowseRow]
    cells: list[tuple[str, ...]]
    keys: list[ItemKey]
    suspended: int
    flagged: int
    kept_at: int


def plain_result(rows: list[BrowseRow], keep: ItemKey | None) -> Shown:
    """`Shown` of rows already filtered and sorted, the plain way."""
    keys = [r.row.key for r in rows]
    kept_at = -1
    if keep is not None:
        try:
            kept_at = keys.index(keep)
        except ValueError:
            kept_at = -1
    return Shown(rows, [r.cells for r in rows], keys, sum(1 for r in rows if r.row.suspended),
                 sum(1 for r in rows if r.row.flag is not None), kept_at)


@dataclass(slots=True)
class _Sorted:
    """All rows in one sort order, each field a filter or the table reads as a list in that
    order: a keystroke reads these short lists, not 10,000 objects scattered in memory."""

    rows: list[BrowseRow]
    decks: list[str]
    tags: list[frozenset[str]]
    flagged: list[bool]
    suspended: list[bool]
    haystacks: list[str]
    cells: list[tuple[str, ...]]
    keys: list[ItemKey]
    position: dict[ItemKey, int]  # of the first row with the key

    def matching(self, needle: str) -> list[int]:
        """The positions whose haystack holds `needle`, ascending. (Tried: one `str.find` per
        hit over all haystacks joined; slower when half the rows match, as for the benchmark's
        word: 2.9 against 1.4 ms.)"""
        return [i for i, h in enumerate(self.haystacks) if needle in h]


class BrowseIndex:
    """The rows sorted once per (column, reverse), filtered by one pass per query."""

    def __init__(self, rows: list[BrowseRow]) -> None:
        self.rows = rows  # not copied: the screen replaces its list when a row changes
        self._orders: dict[tuple[int, bool], _Sorted] = {}

    def _sorted(self, column: int, reverse: bool) -> _Sorted:
        found = self._orders.get((column, reverse))
        if found is None:
            rows = sorted(self.rows, key=lambda r: r.sort_keys[column],  # type: ignore[arg-type,return-value]
                          reverse=reverse)
            keys = [r.row.key for r in rows]
            position: dict[ItemKey, int] = {}
            for i, key in enumerate(keys):
                position.setdefault(key, i)
            found = _Sorted(rows, [r.row.key.deck_id for r in rows], [r.tags for r in rows],
                            [r.row.flag is not None for r in rows],
                            [r.row.suspended for r in rows], [r.haystack for r in rows],
                            [r.cells for r in rows], keys, position)
            self._orders[(column, reverse)] = found
        return found

    def shown(self, query: Query, column: int, reverse: bool,
              keep: ItemKey | None = None) -> Shown:
        """What `query` shows sorted by `column`: exactly what the plain path gives."""
        s = self._sorted(column, reverse)
        where = -1 if keep is None else s.position.get(keep, -1)
        if not (query.deck is not None or query.tag is not None or query.flagged
                or query.suspended or query.needle):
            return Shown(s.rows.copy(), s.cells.copy(), s.keys.copy(), sum(s.suspended),
                         sum(s.flagged), where)
        keep_at: list[int] | range = range(len(s.rows))
        if query.needle:  # first: its hits come ascending, and the other tests only narrow them
            keep_at = s.matching(query.needle)
        if query.deck is not None:
            decks, deck = s.decks, query.deck
            keep_at = [i for i in keep_at if decks[i] == deck]
        if query.tag is not None:
            tags, tag = s.tags, query.tag
            keep_at = [i for i in keep_at if tag in tags[i]]
        if query.flagged:
            flagged = s.flagged
            keep_at = [i for i in keep_at if flagged[i]]
        if query.suspended:
            suspended = s.suspended
            keep_at = [i for i in keep_at if suspended[i]]
        rows, cells, keys = s.rows, s.cells, s.keys
        kept_at = -1
        if where >= 0:  # the kept row's place among those shown, if it is one of them
            j = bisect_left(keep_at, where)
            kept_at = j if j < len(keep_at) and keep_at[j] == where else -1
        sus, fl = s.suspended, s.flagged
        return Shown([rows[i] for i in keep_at], [cells[i] for i in keep_at],
                     [keys[i] for i in keep_at], sum([sus[i] for i in keep_at]),
                     sum([fl[i] for i in keep_at]), kept_at)
