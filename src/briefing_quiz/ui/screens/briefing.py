"""The briefing-time dialog: a deck's target (local date and time), its countdown and readiness.

Opened from the decks screen (t) and before a briefing session when the deck has no time to come.
The typed text is read by the core (`core.study.readiness.parse_target`); its error messages are shown
under the input as they are. Dismissed with "set", "cleared" or None (cancelled).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.services.briefing import (
    briefing_status_sync,
    clear_briefing_sync,
    set_briefing_sync,
)
from briefing_quiz.ui.text import assemble, lines, plain
from briefing_quiz.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from textual.app import App

    from briefing_quiz.core.study.briefing_session import BriefingStatus
    from briefing_quiz.core.study.readiness import Readiness
    from briefing_quiz.services.backend import Backend

INPUT_FORMAT = "%Y-%m-%d %H:%M"


def local_input(at: datetime, tz: tzinfo | None) -> str:
    """`at` as the dialog's input text: local "YYYY-MM-DD HH:MM" (tz None: the machine's zone)."""
    return (at.astimezone(tz) if tz is not None else at.astimezone()).strftime(INPUT_FORMAT)


def example_input(now: datetime, tz: tzinfo | None) -> str:
    """A time to show as an example: three days from now at 14:00, local."""
    local = (now.astimezone(tz) if tz is not None else now.astimezone()) + timedelta(days=3)
    return local.replace(hour=14, minute=0).strftime(INPUT_FORMAT)


def echo_content(text: str, now: datetime, tz: tzinfo | None) -> Content:
    """'→ Thu 2026-12-10 14:00 (in 3 days 7 hours)': the exact local time `text` is read as,
    before it is saved; a dim hint while it cannot be read (enter says why)."""
    from briefing_quiz.core.study.formatting import format_countdown, format_local
    from briefing_quiz.core.study.readiness import parse_target

    if not text.strip():
        return Content("")
    try:
        at = parse_target(text, now=now, tz=tz)
    except BriefingQuizError:
        return Content.styled("… not a time yet (enter says why)", "dim italic")
    return assemble(("→ ", "bold"), (format_local(at, tz), "bold $text-success"),
                    f"  (in {format_countdown(at - now)})")


def weakest_text(ready: Readiness) -> str:
    """'weakest: figures 20%, people 41%' (tags rounded down), or '' without tags."""
    if not ready.weakest:
        return ""
    return "weakest: " + ", ".join(f"{tag} {int(value * 100 + 1e-9)}%" for tag, value in ready.weakest)


def status_content(status: BriefingStatus | None, tz: tzinfo | None) -> Content:
    """The current target, its countdown and the readiness then, in a few lines."""
    from briefing_quiz.core.study.formatting import format_local, percent_text

    if status is None:
        return Content.styled("No briefing time is set for this deck.", "italic")
    out = [assemble(("Briefing: ", "bold"), format_local(status.at, tz), "  ·  ",
                    (status.countdown(), "bold"))]
    if status.passed:
        out.append(plain("It has passed: give the time of the next briefing, or clear it."))
    elif status.readiness is not None:
        ready = status.readiness
        weakest = weakest_text(ready)
        out.append(assemble(("Readiness then: ", "bold"), (percent_text(ready.overall), "bold"),
                            f"  ·  {weakest}" if weakest else ""))
    return lines(out)


TargetChange = Literal["set", "cleared"]


class TargetScreen(ModalScreen[TargetChange | None]):
    """Set, change or clear one deck's briefing time; dismissed with what was done (None:
    nothing)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save", "Save"),
        Binding("ctrl+r", "clear", "Clear time", key_display="^r"),
        Binding("escape", "cancel", "Cancel"),
    ]

    @dataclass
    class Changed(Message):
        """The deck's briefing time was set or cleared: the decks' counts change with it."""

        deck_id: str
        change: TargetChange

    def __init__(self, backend: Backend, deck_id: str, title: str, *, reason: str = "") -> None:
        super().__init__(id="target-dialog")
        self.backend = backend
        self.deck_id = deck_id
        self.deck_title = title
        self.reason = reason
        self.status: BriefingStatus | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="target-body"):
            yield Static(assemble(("Briefing time", "bold"), "  ·  ", self.deck_id),
                         id="target-title")
            yield Static(plain(self.deck_title), id="target-deck")
            if self.reason:
                yield Static(plain(self.reason, "bold"), id="target-reason")
            yield Static(Content.styled("Reading…", "italic"), id="target-status")
            yield Static(plain("Local date and time of the briefing (YYYY-MM-DD HH:MM, or "
                               "tomorrow 9:00, thu 14:00, in 3 days 10am):"),
                         id="target-label")
            yield Input(id="target-input", compact=True)
            yield Static(id="target-echo")  # the time understood, as it is typed
            yield Static(id="target-error")
            with Horizontal(id="target-buttons"):
                yield Button("Save", id="target-save", variant="primary", compact=True)
                yield Button("Clear time", id="target-clear", compact=True)
                yield Button("Cancel", id="target-cancel", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        field = self.query_one("#target-input", Input)
        field.placeholder = "e.g. " + example_input(self.backend.clock(), self.backend.tz)
        self.query_one("#target-error").display = False
        field.focus()
        self.load_status()

    @work(exclusive=True, group="target-status")
    async def load_status(self) -> None:
        backend = self.backend
        shown = self.query_one("#target-status", Static)
        try:
            self.status = await backend.call(briefing_status_sync, backend, self.deck_id)
        except BriefingQuizError as error:
            shown.update(assemble(("✗ ", "bold $text-error"), str(error)))
            return
        shown.update(status_content(self.status, backend.tz))
        field = self.query_one("#target-input", Input)
        if self.status is not None and not self.status.passed and not field.value:
            field.value = local_input(self.status.at, backend.tz)
            field.cursor_position = len(field.value)

    def show_error(self, message: str) -> None:
        error = self.query_one("#target-error", Static)
        error.update(assemble(("✗ ", "bold $text-error"), message))
        error.display = True

    # -- actions ----------------------------------------------------------------------------------
    @on(Input.Submitted, "#target-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.save()

    @on(Input.Changed, "#target-input")
    def _changed(self, event: Input.Changed) -> None:
        self.query_one("#target-error").display = False
        self.query_one("#target-echo", Static).update(echo_content(
            event.value, self.backend.clock(), self.backend.tz))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "target-save":
            self.save()
        elif event.button.id == "target-clear":
            self.clear()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        self.save()

    def action_clear(self) -> None:
        self.clear()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="target-save")
    async def save(self) -> None:
        from briefing_quiz.core.study.formatting import format_local

        if self.busy:
            return
        text = self.query_one("#target-input", Input).value
        if not text.strip():
            self.show_error("Type a date and time, e.g. "
                            + example_input(self.backend.clock(), self.backend.tz)
                            + " (or clear the time with ctrl+r).")
            return
        backend = self.backend
        self.busy = True
        try:
            at = await backend.call(set_briefing_sync, backend, self.deck_id, text)
        except BriefingQuizError as error:
            self.show_error(str(error))
            return
        finally:
            self.busy = False
        when = format_local(at, backend.tz)
        self.notify(f"Briefing of {self.deck_id} set for {when}.", timeout=4)
        self._done("set")

    @work(exclusive=True, group="target-save")
    async def clear(self) -> None:
        if self.busy:
            return
        backend = self.backend
        self.busy = True
        try:
            had = await backend.call(clear_briefing_sync, backend, self.deck_id)
        except BriefingQuizError as error:
            self.show_error(str(error))
            return
        finally:
            self.busy = False
        if not had:
            self.show_error("This deck has no briefing time to clear.")
            return
        self.notify(f"Briefing time of {self.deck_id} cleared.", timeout=4)
        self._done("cleared")

    def _done(self, change: TargetChange) -> None:
        # To the app, which recounts the decks: this dialog is closing and would drop a
        # message posted to itself.
        self.app.post_message(self.Changed(self.deck_id, change))
        self.dismiss(change)


async def start_briefing(app: App[Any], backend: Backend, deck_id: str,
                         threshold: float | None = None) -> None:
    """Open a briefing session on `deck_id`; without a briefing time to come, ask for one first
    (and start once it is set). Run by the app as a worker."""
    from briefing_quiz.ui.screens.briefing_study import BriefingStudyScreen

    try:
        status = await backend.call(briefing_status_sync, backend, deck_id)
    except BriefingQuizError as error:
        app.notify(f"Cannot start the briefing session: {error}", severity="error", timeout=10)
        return
    if status is None or status.passed:
        reason = ("Set the time of the briefing first: the session studies for it."
                  if status is None else
                  "That briefing has passed: set the time of the next one first.")
        title = next((d.title for d in backend.decks if d.id == deck_id), deck_id)

        def then(change: TargetChange | None) -> None:
            if change == "set":
                app.push_screen(BriefingStudyScreen(backend, deck_id, threshold=threshold))

        app.push_screen(TargetScreen(backend, deck_id, title, reason=reason), then)
        return
    app.push_screen(BriefingStudyScreen(backend, deck_id, threshold=threshold))
