"""A scrollable panel of text whose height is set by its container, never by its text.

Browse's detail panel was a `Static` in a `VerticalScroll`: every new text changed the Static's
height, so each highlighted card laid out the whole screen, and the layout repainted every scroll
bar in a frame of its own a timer tick later (Textual tells scroll bars their sizes during a
layout). This panel renders its text itself (Textual's line API, like `VirtualTable`), so a new
text is a repaint of the panel; its scroll height is set with `fast_browse.set_lines`.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from briefing_quiz.ui import fast_browse


class DetailPanel(ScrollView, can_focus=True):
    """Text (a `Content`, never markup) wrapped to the panel's width, scrolled as a whole."""

    DEFAULT_CSS = """
    DetailPanel { height: 1fr; overflow-x: hidden; }
    """
    # As the VerticalScroll it replaces: focused (tab, or a click), the keys scroll it.
    BINDINGS: ClassVar[list[BindingType]] = list(ScrollableContainer.BINDINGS)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.content = Content("")
        self._strips: list[Strip] = []
        self._strips_width = -1  # the width `_strips` were wrapped to (-1: none yet)

    def update(self, content: Content) -> None:
        """Show `content` from its first line."""
        self.content = content
        self._strips_width = -1
        self.scroll_to(y=0, animate=False, immediate=True)
        if self.size.width:
            self._fit()
        self.refresh()

    def _fit(self) -> None:
        """Wrap the text to the width it will have (without the scroll bar if it fits the
        panel's height, else with it) and make the panel that many lines high."""
        region = self.scrollable_content_region
        bar = self.styles.scrollbar_size_vertical
        full = region.width + (bar if self.show_vertical_scrollbar else 0)
        lines = len(self._wrapped(full))
        if lines > region.height:
            lines = len(self._wrapped(max(1, full - bar)))
        fast_browse.set_lines(self, lines)

    def _text_width(self) -> int:
        return self.scrollable_content_region.width

    def _wrapped(self, width: int) -> list[Strip]:
        if width != self._strips_width:
            self._strips = Visual.to_strips(self, self.content, width, None, self.visual_style)
            self._strips_width = width
        return self._strips

    def on_resize(self) -> None:
        self._fit()

    def render_line(self, y: int) -> Strip:
        width = self._text_width()
        strips = self._wrapped(width)
        index = round(self.scroll_y) + y
        style = self.rich_style
        if index >= len(strips):
            return Strip.blank(width, style)
        return strips[index].adjust_cell_length(width, style)
