"""The four grades, each with the interval the core previews for it; the suggested one is marked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from fsrs import Rating
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from briefing_quiz.core.scheduler import format_interval

GRADES: tuple[tuple[Rating, str], ...] = (
    (Rating.Again, "Again"),
    (Rating.Hard, "Hard"),
    (Rating.Good, "Good"),
    (Rating.Easy, "Easy"),
)


class GradeButton(Static):
    """One grade: key, name and next interval; clicking grades."""

    @dataclass
    class Clicked(Message):
        rating: Rating

    def __init__(self, rating: Rating, name: str) -> None:
        super().__init__(classes="grade", id=f"grade-{int(rating)}")
        self.rating = rating
        self.grade_name = name

    def show_interval(self, interval: timedelta | None, *, suggested: bool) -> None:
        self.set_class(suggested, "-suggested")
        mark = "▶ " if suggested else ""
        when = format_interval(interval) if interval is not None else "?"
        tail = " ↵" if suggested else ""
        self.update(Content.assemble(
            (f"{mark}{int(self.rating)} {self.grade_name}", "bold"), f"  {when}{tail}"
        ))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self.rating))


class GradeBar(HorizontalGroup, can_focus=True):
    """Takes the grade: 1-4, or enter for the suggested one."""

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

    def compose(self) -> ComposeResult:
        for rating, name in GRADES:
            yield GradeButton(rating, name)

    def show_preview(self, preview: Mapping[Rating, timedelta], suggested: Rating) -> None:
        """Label each grade with its next interval and mark `suggested`."""
        self.suggested = suggested
        for button in self.query(GradeButton):
            button.show_interval(preview.get(button.rating), suggested=button.rating == suggested)

    def action_grade(self, value: int) -> None:
        self.post_message(self.Graded(Rating(value) if value else self.suggested))

    @on(GradeButton.Clicked)
    def _clicked(self, event: GradeButton.Clicked) -> None:
        event.stop()
        self.post_message(self.Graded(event.rating))
