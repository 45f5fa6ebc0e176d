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

The same switch governs the search's one frame (`BrowseScreen._search`): the typed text, the
filtered list, its count and the highlighted card's details with its history are painted in one
frame, where the plain path painted the field, then the list with "loading…", then the history,
each a layout of the screen. How, without touching Textual's internals:
* the frames are held (`App.batch_update`, at most `HOLD_AT_MOST`) from the first keystroke of a
  burst whose later keys are already in the field, so the field's echo is not a frame of its own;
* the history is waited for on the store thread (`Backend.call_within`, at most `DETAIL_WAIT`),
  not awaited: awaiting let the screen's frame timer fire with nothing new, and Textual's timer
  then skips to the slot after next (17-33 ms later);
* the changed widgets get `TELL_SCREEN_TURNS` turns of the loop to tell the screen before the
  frames are released, so the first frame has them all;
* the table and the detail panel (`ui/widgets/detail.py`, its text drawn by itself, not a
  `Static` in a `VerticalScroll`) change their scroll height with `set_lines`, without a layout
  while their scroll bars stay.
`tests/ui/test_fast_browse.py` checks that the screen ends the same with the switch off.
`benchmarks/run.py`'s painted browse row (the word typed to the last byte written, 5,815 of
11,666 cards), 9 alternating runs each of the code before and after, on a loaded machine: last
paint 94.6 ms before, 73.3 ms after (0.77x); the list painted 64.7 ms before, 49.8 ms after
(0.77x). What is left: the search field's own layout on every keystroke (Textual's `Input` sets
its `virtual_size`), which reflows the screen and, as every layout, repaints the scroll bars of
the table and the detail panel a frame later; then Textual's frame timer.

And browse's rows: `cell_text` gives `ui.text.one_line` of a cell without its translation when
the text is printable (every character `one_line` replaces is unprintable; tested over all of
Unicode): `build_rows` of the 11,666 rows 282.7 -> 182.3 ms median (0.64x), browse's opening and
the first search in a process (`benchmarks/bench_browse.py`, the cold row) both build them.

And the rows' cells, sort keys and search text made when first read (`ui/screens/browse_row.py`,
`RowCells`), not for all rows when browse opens: the table reads the cells of the rows on screen,
a sort order the keys of its column, and the first text search the haystacks (made on the store
thread while the opened list is shown, `BrowseScreen.load`). Building the 11,666 rows: ~70 ms
made at once (cells ~33 ms, haystacks ~15, sort keys ~15), ~7 ms made when read; opening browse
and the cold row: see `benchmarks/README.md`, the browse bullet.

What it falls back to: the plain path, when the switch is off (rows made at once).

How to switch it off: set `BRIEFING_QUIZ_NO_FAST_BROWSE=1` in the environment (read at import);
`ENABLED = False` at run time does the same.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

from textual.geometry import Size
from textual.widget import Widget

from briefing_quiz.ui.text import one_line

if TYPE_CHECKING:
    from textual.scroll_view import ScrollView

    from briefing_quiz.core.model import ItemKey
    from briefing_quiz.ui.screens.browse_row import BrowseRow

#: The environment variable that switches the fast path off ("1", or any value but "0").
SWITCH_OFF_VARIABLE = "BRIEFING_QUIZ_NO_FAST_BROWSE"


def enabled_by(environ: Mapping[str, str]) -> bool:
    """Whether the environment leaves the fast path on."""
    return environ.get(SWITCH_OFF_VARIABLE, "") in ("", "0")


#: The switch, read on every filter (so a test or a caller may flip it at run time).
ENABLED: bool = enabled_by(os.environ)
#: How long a search may hold the screen's frames at most (s): a burst of keystrokes is
#: filtered once, at its last one, within a few milliseconds.
HOLD_AT_MOST = 0.25
#: Turns of the event loop a search gives the widgets it changed to tell the screen (one
#: suffices: each widget's own task does it when next run).
TELL_SCREEN_TURNS = 2


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
    cells: Sequence[tuple[str, ...]]
    keys: list[ItemKey]
    suspended: int
    flagged: int
    kept_at: int


class RowCells(Sequence[tuple[str, ...]]):
    """The cells of `rows`, each row's made when the table first reads it (the rows on
    screen), not all of them when the list is shown."""

    __slots__ = ("_rows",)

    def __init__(self, rows: list[BrowseRow]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> tuple[str, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[str, ...]]: ...

    def __getitem__(self, index: int | slice) -> tuple[str, ...] | list[tuple[str, ...]]:
        if isinstance(index, slice):  # (the table reads by index)
            return [r.cells for r in self._rows[index]]
        return self._rows[index].cells


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
    keys: list[ItemKey]
    position: dict[ItemKey, int]  # of the first row with the key
    haystacks: list[str] | None = None  # made by the first text search

    def matching(self, needle: str) -> list[int]:
        """The positions whose haystack holds `needle`, ascending. (Tried: one `str.find` per
        hit over all haystacks joined; slower when half the rows match, as for the benchmark's
        word: 2.9 against 1.4 ms.)"""
        haystacks = self.haystacks
        if haystacks is None:
            haystacks = self.haystacks = [r.haystack for r in self.rows]
        return [i for i, h in enumerate(haystacks) if needle in h]


class BrowseIndex:
    """The rows sorted once per (column, reverse), filtered by one pass per query."""

    def __init__(self, rows: list[BrowseRow]) -> None:
        self.rows = rows  # not copied: the screen replaces its list when a row changes
        self._orders: dict[tuple[int, bool], _Sorted] = {}

    def _sorted(self, column: int, reverse: bool) -> _Sorted:
        found = self._orders.get((column, reverse))
        if found is None:
            rows = sorted(self.rows, key=lambda r: r.sort_key(column),  # type: ignore[arg-type,return-value]
                          reverse=reverse)
            keys = [r.row.key for r in rows]
            position: dict[ItemKey, int] = {}
            for i, key in enumerate(keys):
                position.setdefault(key, i)
            found = _Sorted(rows, [r.row.key.deck_id for r in rows], [r.tags for r in rows],
                            [r.row.flag is not None for r in rows],
                            [r.row.suspended for r in rows], keys, position)
            self._orders[(column, reverse)] = found
        return found

    def shown(self, query: Query, column: int, reverse: bool,
              keep: ItemKey | None = None) -> Shown:
        """What `query` shows sorted by `column`: exactly what the plain path gives."""
        s = self._sorted(column, reverse)
        where = -1 if keep is None else s.position.get(keep, -1)
        if not (query.deck is not None or query.tag is not None or query.flagged
                or query.suspended or query.needle):
            every = s.rows.copy()
            return Shown(every, RowCells(every), s.keys.copy(), sum(s.suspended),
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
        rows, keys = s.rows, s.keys
        kept_at = -1
        if where >= 0:  # the kept row's place among those shown, if it is one of them
            j = bisect_left(keep_at, where)
            kept_at = j if j < len(keep_at) and keep_at[j] == where else -1
        sus, fl = s.suspended, s.flagged
        kept = [rows[i] for i in keep_at]
        return Shown(kept, RowCells(kept), [keys[i] for i in keep_at], sum([sus[i] for i in keep_at]),
                     sum([fl[i] for i in keep_at]), kept_at)


def set_lines(view: ScrollView, lines: int) -> None:
    """Make `view` (browse's table or detail panel) `lines` high for scrolling.

    Plain: `virtual_size` is set, which lays out the screen. Fast, while the scroll bar is
    shown before and after: the height is set without a layout (`set_reactive`) and the scroll
    bar told at once, so both are painted with the new text in one frame. (A layout costs a
    reflow of the screen, and Textual tells every scroll bar its size during it, which
    repaints them in a frame of their own a timer tick later.) The screen painted is the same.
    """
    size = Size(view.size.width, lines)
    if (not ENABLED or not view.show_vertical_scrollbar
            or lines <= view.scrollable_content_region.height):
        view.virtual_size = size  # the scroll bar may come or go: that needs a layout
        return
    view.set_reactive(Widget.virtual_size, size)
    view.vertical_scrollbar.window_virtual_size = lines
    view.scroll_y = view.validate_scroll_y(view.scroll_y)


def cell_text(text: str, limit: int) -> str:
    """`ui.text.one_line(text, limit)`, for browse's cells: the same string, without the
    translation when the text has nothing to translate. Every character `one_line` replaces (C0
    and C1 controls, DEL, newlines, tabs, bidi controls, line separators, lone surrogates) is one
    for which `str.isprintable` is false, so a printable text is only cut to `limit`."""
    if not ENABLED:
        return one_line(text, limit)
    flat = text[: limit + 1]
    if not flat.isprintable():
        return one_line(text, limit)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
