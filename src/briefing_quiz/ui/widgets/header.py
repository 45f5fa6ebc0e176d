"""The study header: deck, progress through the session and time spent."""

from __future__ import annotations

from datetime import timedelta

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.widgets import Static

from briefing_quiz.ui.text import assemble, one_line


def format_elapsed(elapsed: timedelta) -> str:
    """'4:05' (minutes:seconds), or '1:02:03' past an hour; negative (clock went back) as 0:00."""
    seconds = max(0, int(elapsed.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


class StudyHeader(Static):
    """One line: the deck on the left (cut to fit), `status · N done · M left · time` right.

    Its size never changes, so updates repaint it without a layout pass of the whole screen.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.deck = ""
        self.done = 0
        self.remaining = 0
        self.elapsed = timedelta(0)
        self.status: Content = Content("")
        # (new, learning, review) left, as Anki shows them; None: `remaining` as "N left".
        self.counts: tuple[int, int, int] | None = None
        self._drawn_width = -1

    def set_progress(self, *, deck: str, done: int, remaining: int, elapsed: timedelta,
                     status: Content | None = None,
                     counts: tuple[int, int, int] | None = None) -> None:
        self.deck, self.done, self.remaining, self.elapsed = deck, done, remaining, elapsed
        self.counts = counts
        if status is not None:
            self.status = status
        self._redraw()

    def set_elapsed(self, elapsed: timedelta) -> None:
        if format_elapsed(elapsed) != format_elapsed(self.elapsed):
            self.elapsed = elapsed
            self._redraw()

    def on_resize(self, event: events.Resize) -> None:
        if self.content_region.width != self._drawn_width:  # the line fits its width
            self._redraw()

    def progress_content(self, short: bool = False) -> Content:
        """`status · N done · counts · time`; `short`: the counts and time in fewer cells
        ("19 new 1 lrn 0 rev · 0:15"), for a narrow terminal."""
        parts: list[str | Content | tuple[str, str]] = []
        if self.status:
            parts.extend([self.status, "  ·  "])
        elapsed = format_elapsed(self.elapsed)
        if self.counts is None:
            parts.append(f"{self.done} done · {self.remaining} left  ·  time {elapsed}")
        else:
            new, learning, review = self.counts
            names = ("new", "lrn", "rev") if short else ("new", "learning", "review")
            parts.extend([f"{self.done} done · ", (f"{new} {names[0]}", "bold $text-primary"), " ",
                          (f"{learning} {names[1]}", "bold $text-error"), " ",
                          (f"{review} {names[2]}", "bold $text-success"),
                          f" · {elapsed}" if short else f"  ·  time {elapsed}"])
        return assemble(*parts)

    def line_content(self, width: int) -> Content:
        right = self.progress_content()
        if width - right.cell_length < 12:  # room for at least a little of the deck's title
            right = self.progress_content(short=True)
        room = width - right.cell_length - 2
        deck = one_line(self.deck, 200)
        if room < 1:
            return right
        if cell_len(deck) > room:
            deck = deck[: max(0, room - 1)] + "…"
        gap = width - cell_len(deck) - right.cell_length
        return Content.assemble((deck, "bold"), " " * max(1, gap), right)

    def _redraw(self) -> None:
        self._drawn_width = self.content_region.width
        self.update(self.line_content(self.content_region.width or 80), layout=False)
