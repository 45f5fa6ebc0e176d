"""The custom study dialog (decks screen, `c`): which cards of the deck (a tag, a text), and
whether to cram them (nothing scheduled or saved) or study them as usual.

Dismissed with (CustomFilter, cram) or None; the decks screen asks the app for the session
(`core.study.custom`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Select, Static

from briefing_quiz.core.study.custom import CustomFilter
from briefing_quiz.ui.text import assemble, one_line
from briefing_quiz.ui.widgets.keybar import KeyBar


class CustomStudyScreen(ModalScreen[tuple[CustomFilter, bool] | None]):
    """Pick the cards of a custom session of one deck."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Start", key_display="^s"),
        Binding("escape", "cancel", "Cancel"),
    ]

    DEFAULT_CSS = """
    CustomStudyScreen { align: center middle; }
    #custom-body {
        width: 90%; max-width: 80; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    #custom-body > Static { margin-bottom: 1; }
    #custom-body > Input, #custom-body > Select { margin-bottom: 1; }
    """

    def __init__(self, deck_id: str, tags: Sequence[str]) -> None:
        super().__init__(id="custom-dialog")
        self.deck_id = deck_id
        self.tags = list(tags)

    def compose(self) -> ComposeResult:
        with Vertical(id="custom-body"):
            yield Static(assemble(("Custom study", "bold"), "  ·  ", one_line(self.deck_id, 60)))
            yield Static(Content(
                "The cards with this tag and/or text, due or not, new ones included. Studied "
                "as usual, or crammed: self-graded, nothing scheduled or saved, Again brings a "
                "card back until you know it."))
            yield Select[str]([(one_line(t, 40), t) for t in self.tags], prompt="Any tag",
                              id="custom-tag", compact=True)
            yield Input(placeholder="text in the card (optional); enter starts",
                        id="custom-search", compact=True)
            yield Checkbox("Cram (leave scheduling alone)", id="custom-cram", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#custom-search", Input).focus()

    def choice(self) -> tuple[CustomFilter, bool]:
        select = self.query_one("#custom-tag", Select)
        tag = None if select.is_blank() else str(select.value)
        search = self.query_one("#custom-search", Input).value.strip() or None
        cram = self.query_one("#custom-cram", Checkbox).value
        return CustomFilter(tag=tag, search=search), cram

    @on(Input.Submitted, "#custom-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start()

    def action_start(self) -> None:
        chosen, cram = self.choice()
        if chosen.tag is None and chosen.search is None:
            # Enter in the empty text field would otherwise start a session over the whole
            # deck, which is what plain study is for (seen in tmux).
            self.notify("Choose a tag (shift+tab) or type a text first", severity="warning")
            return
        self.dismiss((chosen, cram))

    def action_cancel(self) -> None:
        self.dismiss(None)
