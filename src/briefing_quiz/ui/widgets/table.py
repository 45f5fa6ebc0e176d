"""A read-only table that renders only the rows on screen (Textual's line API).

Textual's DataTable builds every row up front (about 0.3 s for 10,000 rows on each refill), which
makes filtering as you type sluggish. This table holds plain strings and draws just the visible
lines, so replacing 10,000 rows costs a list assignment. The header is line 0 and never scrolls.
Cells are plain text (never markup); callers clean them with `ui.text.one_line`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from briefing_quiz.ui import fast_browse

K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class Column:
    """`width` cells wide, or sharing the room left over when `flex` (with `width` as minimum)."""

    label: str
    width: int
    flex: bool = False
    right: bool = False
    #: Shown only when the table is at least this wide (0: always), e.g. a long text column.
    hide_below: int = 0


class VirtualTable(ScrollView, Generic[K], can_focus=True):
    """Rows of strings with a cursor; posts `Highlighted` when it moves and `Selected` on enter."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--empty",
    }
    DEFAULT_CSS = """
    VirtualTable { height: 1fr; overflow-x: hidden; }
    VirtualTable > .virtual-table--header { text-style: bold; background: $panel; }
    VirtualTable > .virtual-table--cursor { background: $surface-lighten-2; text-style: bold; }
    VirtualTable:focus > .virtual-table--cursor { background: $accent; color: $text; }
    VirtualTable > .virtual-table--empty { color: $text-muted; text-style: italic; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    cursor: reactive[int] = reactive(0, init=False)

    @dataclass
    class Highlighted(Message):
        table: VirtualTable[object]
        index: int

    @dataclass
    class Selected(Message):
        table: VirtualTable[object]
        index: int

    @dataclass
    class HeaderClicked(Message):
        table: VirtualTable[object]
        column: int

    def __init__(self, columns: Sequence[Column], *, empty_text: str = "Nothing to show.",
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.header_labels = [c.label for c in columns]
        self.empty_text = empty_text
        self._rows: Sequence[tuple[str, ...]] = []
        self._keys: list[K] = []
        self._widths: list[int] = [c.width for c in columns]
        self._hidden: set[int] = set()  # columns too wide for the table now (Column.hide_below)
        self._layout_width = -1

    # -- data -------------------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._rows)

    def set_rows(self, rows: Sequence[tuple[str, ...]], keys: list[K], *,
                 keep: K | None = None, at: int | None = None) -> None:
        """Replace the rows; the cursor stays on `keep` when still there, else goes to the top.
        A caller that knows where its kept row is gives `at` instead (-1: not there)."""
        self._rows, self._keys = rows, keys
        index = max(at, 0) if at is not None else 0
        if at is None and keep is not None:
            try:
                index = keys.index(keep)
            except ValueError:
                index = 0
        fast_browse.set_lines(self, len(rows) + 1)
        self.set_reactive(VirtualTable.cursor, index)
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, index))  # type: ignore[arg-type]

    def key_at(self, index: int) -> K | None:
        return self._keys[index] if 0 <= index < len(self._keys) else None

    @property
    def current_key(self) -> K | None:
        return self.key_at(self.cursor)

    def row(self, index: int) -> tuple[str, ...]:
        return self._rows[index]

    def set_header_labels(self, labels: Sequence[str]) -> None:
        self.header_labels = list(labels)
        self.refresh_line(0)

    # -- geometry ---------------------------------------------------------------------------------
    def _layout(self, width: int) -> None:
        if width == self._layout_width:
            return
        self._layout_width = width
        self._hidden = {i for i, c in enumerate(self.columns) if width < c.hide_below}
        shown = [c for i, c in enumerate(self.columns) if i not in self._hidden]
        gaps = len(shown) - 1
        fixed = sum(c.width for c in shown) + gaps
        flexible = [i for i, c in enumerate(self.columns) if c.flex and i not in self._hidden]
        spare = max(0, width - fixed)
        widths = [0 if i in self._hidden else c.width for i, c in enumerate(self.columns)]
        for n, i in enumerate(flexible):
            widths[i] += spare // len(flexible) + (1 if n < spare % len(flexible) else 0)
        self._widths = widths

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._rows) + 1)
        self._scroll_to_cursor()

    @property
    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + self._body_height:
            self.scroll_to(y=self.cursor - self._body_height + 1, animate=False, immediate=True)

    # -- rendering --------------------------------------------------------------------------------
    def _cells(self, values: Sequence[str], style: Style) -> Strip:
        segments: list[Segment] = []
        last = max((i for i in range(len(self.columns)) if i not in self._hidden), default=-1)
        for i, (column, width) in enumerate(zip(self.columns, self._widths, strict=True)):
            if i in self._hidden:
                continue
            text = values[i] if i < len(values) else ""
            if cell_len(text) > width:
                text = set_cell_size(text, max(0, width - 1)) + "…" if width else ""
            elif column.right:
                text = " " * (width - cell_len(text)) + text
            segments.append(Segment(set_cell_size(text, width), style))
            if i < last:
                segments.append(Segment(" ", style))
        return Strip(segments)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        self._layout(width)
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("virtual-table--header")
            return self._cells(self.header_labels, style).adjust_cell_length(width, style)
        index = round(self.scroll_y) + y - 1
        if not self._rows and y == 1:
            style = base + self.get_component_rich_style("virtual-table--empty")
            return Strip([Segment(set_cell_size(" " + self.empty_text, width), style)])
        if index >= len(self._rows):
            return Strip.blank(width, base)
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("virtual-table--cursor")
        return self._cells(self._rows[index], style).adjust_cell_length(width, style)

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, new))  # type: ignore[arg-type]

    # -- actions ----------------------------------------------------------------------------------
    def _set_cursor(self, index: int) -> None:
        if self._rows:
            self.cursor = max(0, min(len(self._rows) - 1, index))

    def action_move(self, delta: int) -> None:
        self._set_cursor(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._set_cursor(self.cursor + direction * self._body_height)

    def action_jump(self, index: int) -> None:
        self._set_cursor(index if index >= 0 else len(self._rows) - 1)

    def action_select(self) -> None:
        if self._rows:
            self.post_message(self.Selected(self, self.cursor))  # type: ignore[arg-type]

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = offset.x
            for i, width in enumerate(self._widths):
                if i in self._hidden:
                    continue
                if x < width + 1:
                    self.post_message(self.HeaderClicked(self, i))  # type: ignore[arg-type]
                    return
                x -= width + 1
            return
        index = round(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self._rows):
            self.cursor = index
            if event.chain == 2:
                self.action_select()
