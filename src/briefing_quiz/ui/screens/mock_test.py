"""The mock test in the app: N auto-checked questions of one deck, a score and the misses at the end.

Driven by `core.study.briefing_session.MockTest`: each answer is checked and kept for the score,
nothing is scheduled, and the test is stored apart from the review log when it ends (`finish`).
The cards are drawn with the study screen's widgets; after each answer the verdict and the right
answer are shown and enter (or space) goes on.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.ui.text import assemble, lines, one_line, plain
from briefing_quiz.ui.widgets.card_view import AnswerInput, CardView, OpenAnswer
from briefing_quiz.ui.widgets.cards import (
    TYPE_LABELS,
    OpenController,
    controller_actions,
    make_controller,
)
from briefing_quiz.ui.widgets.feedback import feedback_content, verdict_line
from briefing_quiz.ui.widgets.header import StudyHeader
from briefing_quiz.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from briefing_quiz.core.grading import CheckResult
    from briefing_quiz.core.study.mock_test import MockResult, MockTest
    from briefing_quiz.core.study.queue import QueueEntry
    from briefing_quiz.services.backend import Backend

#: Questions in a mock test started from the decks screen.
DEFAULT_QUESTIONS = 10


class MockTestScreen(Screen[None]):
    """A rehearsal of `n` questions of one deck; scheduling is left alone."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "next", "Next question"),
        Binding("escape", "end", "End test"),
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    def __init__(self, backend: Backend, deck_id: str, n: int = DEFAULT_QUESTIONS) -> None:
        super().__init__(id="mock-test")
        self.backend = backend
        self.deck_id = deck_id
        self.n = n
        self.test: MockTest | None = None
        self.entry: QueueEntry | None = None
        self.phase: Literal["loading", "question", "answered", "done"] = "loading"
        self.shown_at: datetime | None = None

    def compose(self) -> ComposeResult:
        yield StudyHeader(id="study-header")
        with VerticalScroll(id="card-scroll"):
            yield CardView(id="card")
        yield AnswerInput(id="answer-input")
        yield OpenAnswer(id="open-answer")
        yield Static(id="verdict")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(AnswerInput).display = False
        self.query_one(OpenAnswer).display = False
        self.query_one("#verdict").visible = False
        self.start()

    @work(exclusive=True, group="mock-start")
    async def start(self) -> None:
        from briefing_quiz.services.briefing import new_mock_test_sync

        backend = self.backend
        try:
            self.test = await backend.call(new_mock_test_sync, backend, self.deck_id, self.n)
        except BriefingQuizError as error:
            self.notify(f"Cannot start the mock test: {error}", severity="error", timeout=10)
            self.dismiss(None)
            return
        self.show_next()

    def _header(self) -> None:
        test = self.test
        if test is None:
            return
        self.query_one(StudyHeader).set_progress(
            deck=f"Mock test · {self.deck_id}", done=test.done, remaining=test.remaining,
            elapsed=self.backend.clock() - test.started_at,
            status=Content.styled("scheduling unchanged", "italic"))

    def show_next(self) -> None:
        test = self.test
        assert test is not None
        entry = test.next()
        if entry is None:
            self.finish()
            return
        self.entry = entry
        controller = make_controller(entry.card, entry.key.item,
                                     choice_order=test.choice_order(entry),
                                     order_items=test.order_items(entry))
        number = test.done + 1
        meta = assemble((TYPE_LABELS[entry.card.type], "bold"),
                        f"  ·  question {number} of {test.planned}")
        card = self.query_one(CardView)
        card.show(controller, meta)
        self.query_one("#verdict").visible = False
        field = self.query_one(AnswerInput)
        field.display = controller.TYPED
        if controller.TYPED:
            # As when studying (the card's hint says so); here showing the answer is a miss.
            field.space_reveals = "reveal" in controller_actions(controller)
            field.disabled = False
            field.value = ""
            field.focus(scroll_visible=False)
        else:
            card.focus(scroll_visible=False)
        area = self.query_one(OpenAnswer)
        area.display = isinstance(controller, OpenController)
        if area.display:
            area.disabled = False
            area.load_text("")
            area.focus(scroll_visible=False)
        self.query_one("#card-scroll", VerticalScroll).scroll_home(animate=False)
        self.phase = "question"
        self.shown_at = self.backend.clock()
        self._header()

    # -- answering --------------------------------------------------------------------------------
    @on(CardView.Submitted)
    def _submitted(self, event: CardView.Submitted) -> None:
        event.stop()
        self.answer(event.response)
        if self.phase != "answered":
            self.query_one(CardView).redraw()  # the card drew nothing for an answer it sent

    @on(Input.Submitted, "#answer-input")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        self.answer(event.value)

    @on(OpenAnswer.Submitted)
    def _written(self, event: OpenAnswer.Submitted) -> None:
        event.stop()
        self.answer(event.text)

    @on(OpenAnswer.Left)
    def _left_area(self, event: OpenAnswer.Left) -> None:
        event.stop()
        self.query_one(CardView).focus(scroll_visible=False)

    @on(CardView.WriteAnswer)
    def _to_area(self, event: CardView.WriteAnswer) -> None:
        event.stop()
        if self.phase == "question" and self.query_one(OpenAnswer).display:
            self.query_one(OpenAnswer).focus(scroll_visible=False)

    @on(CardView.Revealed)
    @on(AnswerInput.Reveal)
    def _revealed(self, event: CardView.Revealed | AnswerInput.Reveal) -> None:
        event.stop()
        self.answer("")
        if self.phase != "answered":
            self.query_one(CardView).redraw()

    def answer(self, response: object) -> None:
        test, entry = self.test, self.entry
        if self.phase != "question" or test is None or entry is None:
            return
        shown = self.shown_at or self.backend.clock()
        duration = int((self.backend.clock() - shown).total_seconds() * 1000)
        # Pure checking: nothing is written until the test ends.
        result: CheckResult = test.answer(response, duration_ms=max(0, duration))
        self.phase = "answered"
        deck = next((d for d in self.backend.decks if d.id == self.deck_id), None)
        self.query_one(CardView).show_result(
            result, feedback_content(entry.card, result, deck.source if deck else None))
        verdict = self.query_one("#verdict", Static)
        verdict.update(verdict_line(entry.card, entry.key.item, result), layout=False)
        verdict.visible = True
        field = self.query_one(AnswerInput)
        if field.display:
            field.disabled = True
        area = self.query_one(OpenAnswer)
        area.disabled, area.display = True, False
        self.query_one("#card-scroll").focus(scroll_visible=False)
        self._header()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "end" and isinstance(self.focused, OpenAnswer):
            return False  # esc leaves the answer area first
        if action == "next":
            return self.phase == "answered"
        return True

    def action_next(self) -> None:
        if self.phase == "answered":
            self.show_next()

    def action_end(self) -> None:
        if self.phase != "done":
            self.finish()

    @work(exclusive=True, group="mock-finish")
    async def finish(self) -> None:
        """Store the test (when anything was answered) and show the score."""
        test = self.test
        self.phase = "done"
        if test is None:
            self.dismiss(None)
            return
        try:
            result = await self.backend.call(test.finish)
        except BriefingQuizError as error:
            self.notify(f"The mock test could not be saved: {error}", severity="error",
                        timeout=15)
            self.dismiss(None)
            return
        self.app.switch_screen(MockResultScreen(result))


def result_content(result: MockResult) -> Content:
    """The score, then each miss: the question, the answer given and the right one."""
    title = (f"Mock test of {result.deck_id}: {result.right} of {result.answered} right "
             f"({result.percent}%)")
    out: list[Content] = [Content.styled(title, "bold")]
    if result.points_asked:
        out.append(plain(f"Open answers: {result.points_made} of {result.points_asked} points "
                         "made (each counts its share of points in the percentage)."))
    if result.answered < result.planned:
        out.append(plain(f"{result.answered} of the {result.planned} questions answered."))
    out.append(plain("Your schedule is unchanged: the test is kept apart from your reviews."
                     if result.answered else "Nothing was answered, so nothing was kept."))
    if result.misses:
        out.extend([Content(""), Content.styled("Missed — the right answers:", "bold")])
        for miss in result.misses:
            partly = any(made for _, made in miss.points)  # an open answer with some points
            mark = ("◐ ", "bold $text-warning") if partly else ("✗ ", "bold $text-error")
            out.append(assemble(mark, one_line(miss.question, 300)))
            out.append(assemble(("  you: ", "bold"),
                                one_line(miss.given, 200) if miss.given else
                                Content.styled("(nothing)", "italic")))
            out.append(assemble(("  → ", "bold"), (one_line(miss.expected, 300), "bold")))
            left_out = [label for label, made in miss.points if not made]
            if partly and left_out:
                out.append(assemble(("    missed: ", "bold"), one_line("; ".join(left_out), 300)))
    elif result.answered:
        out.extend([Content(""), Content.styled("✓ No misses.", "bold $text-success")])
    return lines(out)


class MockResultScreen(Screen[None]):
    """The score of a mock test; enter or esc goes back to the decks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape,q", "close", "Back to decks"),
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    def __init__(self, result: MockResult) -> None:
        super().__init__(id="mock-result")
        self.result = result

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary-body"):
            yield Static(result_content(self.result), id="mock-result-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#summary-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
