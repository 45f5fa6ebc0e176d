"""The card being studied, drawn by one widget (`CardView`), and the answer line (`AnswerInput`).

`CardView` shows the card: kind, prompt, the controller's lines (`ui.widgets.cards`), then the
feedback once answered, all as one text. The screen checks answers with the core and sets
results back down; `CardView` posts `Submitted` / `Revealed` up.

One widget rather than a widget per part (and per option) because Textual's layout pass grows
with the number of widgets, and it was most of the time between a grade and the next card.
Typed and cloze answers use the study screen's answer line (`AnswerInput`): one line under the
card that is the field while such a card is asked, else the verdict (blank until answered).
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget
from textual.widgets import Static, TextArea

from briefing_quiz.core.grading import CheckResult
from briefing_quiz.ui.steady_input import SteadyInput
from briefing_quiz.ui.text import lines
from briefing_quiz.ui.widgets.cards import (
    CHOICE_KEYS,
    ChoiceController,
    Controller,
    Reveal,
    Submit,
    Write,
    controller_actions,
    prompt_content,
)


class CardView(Static, can_focus=True):
    """The card: kind line, prompt, the controller's lines and, once answered, the feedback."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "reveal", "Show answer"),
        Binding("t", "truth(1)", "True"),
        Binding("f", "truth(0)", "False"),
        *(Binding(k, f"pick({i})", "Pick", show=False) for i, k in enumerate(CHOICE_KEYS)),
        Binding("enter", "confirm", "Confirm", show=False),
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("alt+up,K", "move(-1)", "Move up", key_display="alt+↑/K"),
        Binding("alt+down,J", "move(1)", "Move down", key_display="alt+↓/J"),
        Binding("enter", "submit", "Submit order"),
        Binding("enter", "write", "Write the answer"),
    ]

    class Submitted(Message):
        """An answer for the core to check (`response` as `session.check` takes it)."""

        def __init__(self, response: object) -> None:
            super().__init__()
            self.response = response

    class Revealed(Message):
        """The answer is to be shown without one given (self-graded)."""

    class WriteAnswer(Message):
        """Back to the answer area (open cards)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.controller: Controller | None = None
        self.meta = Content("")
        self.feedback: Content | None = None
        self._drawn_width = 0

    def show(self, controller: Controller, meta: Content) -> None:
        """A fresh question."""
        self.controller, self.meta, self.feedback = controller, meta, None
        self.redraw()
        self.refresh_bindings()

    def show_result(self, result: CheckResult | None, feedback: Content) -> None:
        if self.controller is not None:
            self.controller.show_result(result)
        self.feedback = feedback
        self.redraw()
        self.refresh_bindings()

    def redraw(self) -> None:
        controller = self.controller
        if controller is None:
            self.update(Content(""))
            return
        width = self.content_region.width or 1000
        self._drawn_width = self.size.width
        parts = [self.meta, Content(""), prompt_content(controller.card, controller.item)]
        body = controller.body(width)
        if body:
            parts.extend([Content(""), *body])
        if self.feedback is not None:
            parts.extend([Content(""), self.feedback])
        self.update(lines(parts), layout=False)
        if not self._keeps_height():
            self.refresh(layout=True)

    def _keeps_height(self) -> bool:
        """Whether the new text leaves the card's laid-out height as it is: it was, and stays,
        the view's height (min-height 100%). Then a repaint does, without a layout pass of the
        whole screen."""
        parent = self.parent
        if not isinstance(parent, Widget):
            return False
        view = parent.scrollable_content_region.height
        width = self.content_region.width
        if view <= 0 or width <= 0 or self.outer_size.height != view:
            return False
        needed = self.get_content_height(self.size, self.app.size, width)
        return needed + self.styles.gutter.height <= view

    def on_resize(self, event: events.Resize) -> None:
        # Options are wrapped to the width by hand (hanging indent), so a new width redraws;
        # a new height (the content's own) must not, or every card would be laid out twice.
        if self.controller is not None and self.size.width != self._drawn_width:
            self.redraw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        controller = self.controller
        if action in {"reveal", "truth", "pick", "confirm", "cursor", "point", "move", "submit",
                      "write"}:
            if controller is None or controller.answered:
                return False
            if action not in controller_actions(controller):
                return False
            if action == "confirm":
                return isinstance(controller, ChoiceController) and controller.multiple
            return True
        return True

    def _act(self, action: str, argument: int = 0) -> None:
        controller = self.controller
        if controller is None or controller.answered:
            return
        outcome = controller.act(action, argument)
        if outcome is None:
            self.redraw()
        # An answer is drawn by the screen's `show_result`, with its feedback, in one frame;
        # drawing the pick here first would paint a frame of its own before it.
        if isinstance(outcome, Submit):
            self.post_message(self.Submitted(outcome.response))
        elif isinstance(outcome, Reveal):
            self.post_message(self.Revealed())
        elif isinstance(outcome, Write):
            self.post_message(self.WriteAnswer())

    def action_reveal(self) -> None:
        self._act("reveal")

    def action_truth(self, value: int) -> None:
        self._act("truth", value)

    def action_pick(self, index: int) -> None:
        self._act("pick", index)

    def action_confirm(self) -> None:
        self._act("confirm")

    def action_cursor(self, delta: int) -> None:
        self._act("cursor", delta)

    def action_point(self, index: int) -> None:
        self._act("point", index)

    def action_move(self, delta: int) -> None:
        self._act("move", delta)

    def action_submit(self) -> None:
        self._act("submit")

    def action_write(self) -> None:
        self._act("write")


class AnswerInput(SteadyInput):
    """The line under the card: the answer field of typed and cloze cards while one is asked
    (for cloze, space on an empty field reveals), else the verdict line, blank until answered.

    One widget that draws either, so that answering changes what one line shows (a repaint)
    and nothing is shown or hidden (which asks Textual for a layout and a whole-screen repaint);
    typing is a repaint too (`ui/steady_input.py`).
    """

    class Reveal(Message):
        """Space on an empty line of a cloze card."""

    class Leave(Message):
        """Escape: the card's keys (edit, suspend, info, ...) are wanted; the text stays."""

    # While the line has the focus, every printable key is typed into it: the bar shows only
    # the keys that work here (the screen hides its letter keys, see StudyScreen.check_action).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Check"),
        Binding("escape", "leave", "Card keys"),
    ]

    #: Whether escape leaves the line (the study screen's card keys); else it is the screen's.
    leaves = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.leaves if action == "leave" else True

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    def __init__(self, *, id: str | None = None) -> None:
        # Compact: one line without a border, the height of the verdict whose place it takes.
        super().__init__(placeholder="type the answer, enter checks", id=id,
                         select_on_focus=False, compact=True)
        self.space_reveals = False
        #: What the line shows instead of the field (None: the field; empty: a blank line).
        self.verdict: Content | None = None

    def show_field(self, *, space_reveals: bool) -> None:
        """An empty answer field (the caller gives it the focus)."""
        self.space_reveals = space_reveals
        self.value = ""
        self._show(None)

    def show_verdict(self, verdict: Content) -> None:
        """The verdict instead of the field (an empty one: a blank line); it takes no focus."""
        self._show(verdict)

    def _show(self, verdict: Content | None) -> None:
        self.verdict = verdict
        # Colours only (CSS): a restyle and a repaint of this line, no layout.
        self.set_class(verdict is not None, "-verdict")
        self.set_class(verdict is not None and not verdict, "-blank")
        self.refresh()

    def allow_focus(self) -> bool:
        return self.verdict is None

    def render_line(self, y: int) -> Strip:
        verdict = self.verdict
        if verdict is None:
            return super().render_line(y)
        width = self.scrollable_content_region.width
        strips = Visual.to_strips(self, verdict, width, 1, self.visual_style, pad=True)
        return strips[0] if strips and y == 0 else Strip.blank(width, self.rich_style)

    async def on_key(self, event: events.Key) -> None:
        # Public handler: Textual calls it before the base Input's own key handler (the MRO is
        # walked from this class down), and prevent_default keeps that one from running.
        if self.space_reveals and event.key == "space" and not self.value:
            # Keep Input's own handler from typing it.
            event.prevent_default()
            event.stop()
            self.post_message(self.Reveal())


class OpenAnswer(TextArea):
    """The multi-line answer area of open cards. Every printable key types (u, -, e, ! are
    letters here); ctrl+s or f2 (and ctrl+enter, where the terminal tells it from enter) checks,
    esc leaves the area so that the screen's keys work again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s,f2,ctrl+enter", "check", "Check", key_display="^s/f2"),
        Binding("escape", "leave", "Leave the answer", key_display="esc"),
    ]

    class Submitted(Message):
        """The written answer, to be checked."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Left(Message):
        """Esc: the keys go back to the card."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus",
                         placeholder="Your answer, in your own words")

    def action_check(self) -> None:
        self.post_message(self.Submitted(self.text))

    def action_leave(self) -> None:
        self.post_message(self.Left())
