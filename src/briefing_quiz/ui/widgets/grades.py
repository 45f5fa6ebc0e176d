"""The four grades, each with the interval the core previews for it; the suggested one is marked.

One line drawn as one text (clickable cells carry our `grade(n)` action in style meta): updating
it repaints a line, with no layout pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from fsrs import Rating
from rich.cells import cell_len
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from briefing_quiz.core.scheduler import format_interval
from briefing_quiz.ui.widgets.cards import clickable

GRADES: tuple[tuple[Rating, str], ...] = (
    (Rating.Again, "Again"),
    (Rating.Hard, "Hard"),
    (Rating.Good, "Good"),
    (Rating.Easy, "Easy"),
)


class GradeBar(Static, can_focus=True):
    """Takes the grade: 1-4, enter for the suggested one, or a click."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "grade(1)", "Again", show=False),
        Binding("2", "grade(2)", "Hard", show=False),
        Binding("3", "grade(3)", "Good", show=False),
        Binding("4", "grade(4)", "Easy", show=False),
        Binding("enter", "grade(0)", "Grade ▶"),
    ]

    @dataclass
    class Graded(Message):
        """The user chose a grade."""

        rating: Rating

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.suggested: Rating = Rating.Good
        self.preview: Mapping[Rating, timedelta] = {}
        self._drawn_width = -1
        self._shown = True

    @property
    def shown(self) -> bool:
        """Drawn and focusable; else a blank line on the screen's background, as if hidden.

        Not `visible`: that asks for a layout of the whole screen, twice per card.
        """
        return self._shown

    @shown.setter
    def shown(self, shown: bool) -> None:
        if shown != self._shown:
            self._shown = shown
            self.styles.background = None if shown else "transparent"
            self.redraw()

    def allow_focus(self) -> bool:
        return self._shown and super().allow_focus()

    def show_preview(self, preview: Mapping[Rating, timedelta], suggested: Rating) -> None:
        """Label each grade with its next interval and mark `suggested`."""
        self.preview, self.suggested = dict(preview), suggested
        self.redraw()

    def cells(self, width: int) -> Content:
        cell = max(14, width // len(GRADES))
        parts: list[Content] = []
        for rating, name in GRADES:
            chosen = rating == self.suggested
            interval = self.preview.get(rating)
            when = format_interval(interval) if interval is not None else "?"
            text = f"{'▶ ' if chosen else '  '}{int(rating)} {name}"
            tail = f"  {when}{' ↵' if chosen else ''}"
            pad = " " * max(1, cell - cell_len(text) - cell_len(tail))
            style = "bold reverse" if chosen else ""
            part = Content.assemble((text, "bold " + style if style else "bold"),
                                    (tail + pad, style))
            parts.append(clickable(part, f"grade({int(rating)})"))
        return Content("").join(parts)

    def _width(self) -> int:
        # From the last layout, kept while hidden (its region on screen is empty then): the bar
        # is drawn while hidden, just before it is shown.
        return self.outer_size.width - self.styles.gutter.width

    def redraw(self) -> None:
        self._drawn_width = self._width()
        if not self._shown:
            self.update(Content(""), layout=False)
            return
        self.update(self.cells(self._drawn_width if self._drawn_width > 0 else 80), layout=False)

    def on_resize(self, event: events.Resize) -> None:
        # Shown again for a card (a Resize too) at the same width: the line is already right,
        # and drawing it again would cost a frame of its own.
        if self._width() != self._drawn_width:
            self.redraw()

    def action_grade(self, value: int) -> None:
        self.post_message(self.Graded(Rating(value) if value else self.suggested))
