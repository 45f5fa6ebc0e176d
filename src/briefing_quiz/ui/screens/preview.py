"""Preview a card from browse (`p`, as Anki's preview): the question as it is asked when
studying, then the answer with its explanation and source. Nothing is recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen

from briefing_quiz.ui.text import assemble, lines
from briefing_quiz.ui.widgets.card_view import CardView
from briefing_quiz.ui.widgets.cards import (
    TYPE_LABELS,
    ChoiceController,
    answer_text,
    make_controller,
)
from briefing_quiz.ui.widgets.feedback import feedback_content
from briefing_quiz.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from briefing_quiz.core.model import Card, SourceInfo


class PreviewScreen(Screen[None]):
    """One card, question first; space or enter shows the answer; esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space,enter", "show_answer", "Show answer", priority=True),
        Binding("escape,p,q", "close", "Back"),
    ]

    DEFAULT_CSS = """
    PreviewScreen #preview-scroll { padding: 0 1; }
    """

    def __init__(self, card: Card, item: int, source: SourceInfo | None) -> None:
        super().__init__(id="preview")
        self.card, self.item, self.source = card, item, source
        self.revealed = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="preview-scroll"):
            yield CardView(id="preview-card")
        yield KeyBar()

    def on_mount(self) -> None:
        # Choices and items in the deck's order: a preview is for checking the card as written.
        controller = make_controller(self.card, self.item,
                                     choice_order=getattr(self.card, "choices", ()),
                                     order_items=getattr(self.card, "items_in_order", ()))
        if isinstance(controller, ChoiceController):
            controller.previewing = True
        view = self.query_one(CardView)
        view.show(controller, assemble((TYPE_LABELS[self.card.type], "bold"),
                                       "  ·  preview: nothing is recorded"))
        view.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not self.revealed if action == "show_answer" else True

    def action_show_answer(self) -> None:
        self.revealed = True
        answer = assemble(("Answer:    ", "bold"), answer_text(self.card, self.item))
        feedback = feedback_content(self.card, None, self.source)
        self.query_one(CardView).show_result(None, lines([answer, feedback]) if feedback.plain
                                             else answer)
        self.refresh_bindings()

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["PreviewScreen"]
