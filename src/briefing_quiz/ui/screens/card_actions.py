"""Anki's everyday card actions from browse and study (issue 18 item 4): the dialogs that ask
for a flag's note, confirm a forget, and read a due date (echoed back as it is typed).

Each dialog only asks: it is dismissed with what the user chose, and the screen that opened it
does the store work through the backend (services), as suspend does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.ui.text import assemble, plain
from briefing_quiz.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from briefing_quiz.core.model import ItemKey
    from briefing_quiz.services.backend import Backend

#: What the flag dialog was dismissed with: ("flag", note) or ("unflag", ""); None: cancelled.
FlagChoice = tuple[Literal["flag", "unflag"], str]

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 90%; max-width: 80; height: auto;
    border: round $accent; background: $surface; padding: 0 1;
}}
{name} .dialog-title {{ margin-bottom: 1; }}
{name} .dialog-echo {{ margin-top: 1; }}
"""


class FlagScreen(ModalScreen["FlagChoice | None"]):
    """Flag a card with a note (Anki's flags, with the reason written down); enter saves, ctrl+r
    takes a flag off, esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save", "Flag"),
        Binding("ctrl+r", "unflag", "Remove flag", key_display="^r"),
        Binding("escape", "cancel", "Cancel"),
    ]
    DEFAULT_CSS = _CSS.format(name="FlagScreen")

    def __init__(self, key: ItemKey, note: str | None) -> None:
        super().__init__(id="flag-dialog")
        self.key, self.note = key, note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(assemble(("⚑ Flag", "bold"), "  ·  ", str(self.key)),
                         classes="dialog-title")
            yield Static(plain("A note on what is wrong or to check (optional), e.g. "
                               "\"answer wrong\":" + ("" if self.note is None else
                                                      "  (ctrl+r removes the flag)")))
            yield Input(self.note or "", id="flag-note", compact=True, max_length=500,
                        placeholder="note (enter saves)")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#flag-note", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "unflag":
            return self.note is not None
        return True

    @on(Input.Submitted, "#flag-note")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        self.dismiss(("flag", self.query_one("#flag-note", Input).value.strip()))

    def action_unflag(self) -> None:
        if self.note is not None:
            self.dismiss(("unflag", ""))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ForgetScreen(ModalScreen[bool]):
    """Confirm a forget: the card goes back to new, its history kept. y or enter: forget."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Forget", key_display="y"),
        Binding("n,escape", "answer(False)", "Cancel", key_display="esc"),
    ]
    DEFAULT_CSS = _CSS.format(name="ForgetScreen")

    def __init__(self, key: ItemKey) -> None:
        super().__init__(id="forget-dialog")
        self.key = key

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(assemble(("Forget", "bold"), "  ·  ", str(self.key)),
                         classes="dialog-title")
            yield Static(plain("The card goes back to new: it is introduced again as a new "
                               "card and scheduled from scratch. Its review history is kept. "
                               "Forget it? (y / esc)"))
        yield KeyBar()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class DueDateScreen(ModalScreen["str | None"]):
    """Read a due date ("3", "in 3 days", "tomorrow", "thu", "2026-12-20", "0" for now), show
    the exact local time understood as it is typed, and dismiss with the text once it reads."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save", "Set due date"),
        Binding("escape", "cancel", "Cancel"),
    ]
    DEFAULT_CSS = _CSS.format(name="DueDateScreen")

    def __init__(self, backend: Backend, key: ItemKey, current: str = "") -> None:
        super().__init__(id="due-dialog")
        self.backend, self.key, self.current = backend, key, current

    def compose(self) -> ComposeResult:
        from briefing_quiz.core.study.due_date import EXAMPLES

        with Vertical():
            yield Static(assemble(("Set due date", "bold"), "  ·  ", str(self.key)),
                         classes="dialog-title")
            if self.current:
                yield Static(plain(f"Currently due: {self.current}"))
            yield Static(plain(f"When is it to be asked again? ({EXAMPLES})"))
            yield Input(id="due-input", compact=True, placeholder="e.g. in 3 days")
            yield Static(id="due-echo", classes="dialog-echo")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#due-input", Input).focus()

    def _read(self, text: str) -> tuple[str | None, Content]:
        """(the due time understood, or None) and what to show for it."""
        from briefing_quiz.core.study.due_date import describe_due

        try:
            due = self.backend.read_due(self.key, text)
        except BriefingQuizError as error:
            return None, assemble(("✗ ", "bold $text-error"), str(error))
        when = describe_due(due, now=self.backend.clock(), tz=self.backend.tz)
        return when, assemble(("→ due ", "bold"), (when, "bold $text-success"))

    @on(Input.Changed, "#due-input")
    def _changed(self, event: Input.Changed) -> None:
        echo = self.query_one("#due-echo", Static)
        echo.update(self._read(event.value)[1] if event.value.strip() else Content(""))

    @on(Input.Submitted, "#due-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        text = self.query_one("#due-input", Input).value
        when, shown = self._read(text)
        if when is None:
            self.query_one("#due-echo", Static).update(shown)
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
