"""Browse's rows: a card row with its table cells, sort keys and search text (`BrowseRow`).

With `ui/fast_browse.py` on, each of the three is made from the row when first read: the table
reads the cells of the rows on screen only, a sort the keys of its column only, and opening
browse needs no search text. Off, all are made with the row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from briefing_quiz.services.backend import CardRow
from briefing_quiz.ui import fast_browse
from briefing_quiz.ui.screens.browse_detail import due_label
from briefing_quiz.ui.widgets.cards import answer_text

NEVER = -1.0  # sort value for "no value" (new cards have no stability or recall)
UNSCHEDULED = float("inf")  # new cards sort after every scheduled one by due date


def row_cells(row: CardRow, now: datetime) -> tuple[str, ...]:
    """The table's cells of `row` (its due time as seen at `now`)."""
    card = row.card
    ident = row.key.card_id + (f"#{row.key.item}" if row.key.item else "")
    state = "susp" if row.suspended else ("bury" if row.buried else "")
    cell = fast_browse.cell_text
    return (
        cell(row.key.deck_id, 60), cell(ident, 80), card.type,
        cell(" ".join(card.tags), 80), due_label(row, now),
        "" if row.stability is None else f"{row.stability:.1f}",
        "" if row.recall is None else f"{row.recall:.0%}",
        str(row.lapses) if row.lapses else "", state, "" if row.flag is None else "⚑",
        cell(card.prompt, 200),
    )


#: The sort key of each column, in `COLUMNS`' order.
SORT_KEYS: tuple[Callable[[CardRow], object], ...] = (
    lambda r: r.key.deck_id,
    lambda r: (r.key.card_id, r.key.item),
    lambda r: r.card.type,
    lambda r: " ".join(r.card.tags),
    lambda r: r.due.timestamp() if r.due is not None else UNSCHEDULED,
    lambda r: r.stability if r.stability is not None else NEVER,
    lambda r: r.recall if r.recall is not None else NEVER,
    lambda r: r.lapses,
    lambda r: (r.suspended, r.buried),
    lambda r: r.flag is not None,
    lambda r: r.card.prompt.casefold(),
)


def row_haystack(row: CardRow) -> str:
    """What the search field's text is looked for in: deck, id, tags, question and answer."""
    card = row.card
    ident = row.key.card_id + (f"#{row.key.item}" if row.key.item else "")
    return "\n".join((row.key.deck_id, ident, " ".join(card.tags), card.prompt,
                      answer_text(card, row.key.item))).casefold()


class BrowseRow:
    """A card row with its display cells, sort keys and search text: given, or (None) each
    made from the row when first read, as `ui/fast_browse.py` has them (the table reads the
    cells of the rows on screen only, and opening browse needs no haystack)."""

    __slots__ = ("_cells", "_haystack", "_now", "_sort_keys", "row", "tags")

    def __init__(self, row: CardRow, cells: tuple[str, ...] | None,
                 sort_keys: tuple[object, ...] | None, haystack: str | None,
                 tags: frozenset[str], now: datetime | None = None) -> None:
        if now is None and (cells is None or sort_keys is None or haystack is None):
            raise ValueError("a row made when read needs the time it is seen at")
        self.row = row
        self.tags = tags
        self._now = now
        self._cells = cells
        self._sort_keys = sort_keys
        self._haystack = haystack

    @property
    def cells(self) -> tuple[str, ...]:
        cells = self._cells
        if cells is None:
            cells = self._cells = row_cells(self.row, self._now)  # type: ignore[arg-type]
        return cells

    @property
    def sort_keys(self) -> tuple[object, ...]:
        keys = self._sort_keys
        if keys is None:
            keys = self._sort_keys = tuple(key(self.row) for key in SORT_KEYS)
        return keys

    def sort_key(self, column: int) -> object:
        """`sort_keys[column]`, without making the others."""
        keys = self._sort_keys
        return SORT_KEYS[column](self.row) if keys is None else keys[column]

    @property
    def haystack(self) -> str:
        haystack = self._haystack
        if haystack is None:
            haystack = self._haystack = row_haystack(self.row)
        return haystack


def make_row(row: CardRow, now: datetime) -> BrowseRow:
    """`row` as browse lists it at `now`: its cells, sort keys and haystack made when first
    read (`ui/fast_browse.py`), or now with the fast path off."""
    tags = frozenset(row.card.tags)
    if fast_browse.ENABLED:
        return BrowseRow(row, None, None, None, tags, now)
    return BrowseRow(row, row_cells(row, now), tuple(key(row) for key in SORT_KEYS),
                     row_haystack(row), tags, now)


def build_rows(rows: list[CardRow], now: datetime) -> list[BrowseRow]:
    return [make_row(r, now) for r in rows]
