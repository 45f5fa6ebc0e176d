"""The study header: deck, progress through the session and time spent."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.content import Content
from textual.widgets import Static

from briefing_quiz.ui.text import assemble, plain


def format_elapsed(elapsed: timedelta) -> str:
    """'4:05' (minutes:seconds), or '1:02:03' past an hour; negative (clock went back) as 0:00."""
    seconds = max(0, int(elapsed.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


class StudyHeader(HorizontalGroup):
    """`deck` on the left (cut when long); `status · N done · M left · m:ss` on the right."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.deck = ""
        self.done = 0
        self.remaining = 0
        self.elapsed = timedelta(0)
        self.status: Content = Content("")

    def compose(self) -> ComposeResult:
        yield Static(id="study-deck")
        yield Static(id="study-progress")

    def set_progress(self, *, deck: str, done: int, remaining: int, elapsed: timedelta,
                     status: Content | None = None) -> None:
        if deck != self.deck:
            self.deck = deck
            self.query_one("#study-deck", Static).update(plain(deck))
        self.done, self.remaining, self.elapsed = done, remaining, elapsed
        if status is not None:
            self.status = status
        self._refresh_progress()

    def set_elapsed(self, elapsed: timedelta) -> None:
        if format_elapsed(elapsed) != format_elapsed(self.elapsed):
            self.elapsed = elapsed
            self._refresh_progress()

    def progress_content(self) -> Content:
        parts: list[str | Content | tuple[str, str]] = []
        if self.status:
            parts.extend([self.status, "  ·  "])
        elapsed = format_elapsed(self.elapsed)
        parts.append(f"{self.done} done · {self.remaining} left  ·  time {elapsed}")
        return assemble(*parts)

    def _refresh_progress(self) -> None:
        self.query_one("#study-progress", Static).update(self.progress_content())
