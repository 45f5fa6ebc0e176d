"""The study screen: one card at a time, answered, checked by the core, graded and saved.

Phases: "loading" (asking the session for the next card) -> "question" (the answer area has the
keys) -> "answered" (verdict, explanation, source; the grade bar has the keys) -> "saving" (the
store thread commits the answer; keys wait) -> the next card, or the summary when nothing is left.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Literal

from fsrs import Rating
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.grading import CheckResult
from briefing_quiz.core.model import stale_since
from briefing_quiz.core.scheduler import format_interval
from briefing_quiz.core.study.queue import QueueEntry
from briefing_quiz.core.study.session import SavedAnswer, StudySession
from briefing_quiz.services import gc_policy
from briefing_quiz.ui.fast_paint import PaintWhenReady
from briefing_quiz.ui.screens.study_actions import StudyCardActions
from briefing_quiz.ui.text import assemble
from briefing_quiz.ui.widgets.card_view import AnswerInput, CardView, OpenAnswer
from briefing_quiz.ui.widgets.cards import (
    TYPE_LABELS,
    Controller,
    OpenController,
    controller_actions,
    make_controller,
)
from briefing_quiz.ui.widgets.feedback import feedback_content, verdict_line
from briefing_quiz.ui.widgets.grades import GradeBar
from briefing_quiz.ui.widgets.header import StudyHeader
from briefing_quiz.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from briefing_quiz.core.study.custom import CustomFilter
    from briefing_quiz.services.backend import Backend

Phase = Literal["loading", "question", "answered", "saving", "done"]

#: Seconds from a card's frame to the garbage collection made while it is read (services/gc_policy.py).
READ_DELAY = 0.02


@dataclass(frozen=True)
class Answered:
    """What the summary needs about one saved answer."""

    saved: SavedAnswer
    entry: QueueEntry
    result: CheckResult | None


def answer_then_next(session: StudySession, rating: Rating, *, duration_ms: int,
                     given: str | None, correct: bool | None,
                     ) -> tuple[SavedAnswer, QueueEntry | BriefingQuizError | None]:
    """Save the answer, then move on (one trip to the store thread). Runs on the store thread.

    A failure to save raises (nothing was saved); a failure to read the next card after a
    successful save is returned, so the caller still knows the answer is safe.
    """
    saved = session.answer(rating, duration_ms=duration_ms, given=given, correct=correct)
    try:
        return saved, session.next()
    except BriefingQuizError as error:
        return saved, error


#: The actions on the current card (not while typing an answer; idle while a card loads).
_CARD_ACTIONS = frozenset({"undo", "suspend", "bury", "locate", "card_info", "flag", "forget",
                           "set_due"})


class StudyScreen(StudyCardActions, PaintWhenReady[None]):
    """Study the due cards of some decks (all decks when `deck_ids` is None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("u,ctrl+z", "undo", "Undo", key_display="u/^z", id="study.undo"),
        Binding("exclamation_mark", "suspend", "Suspend", id="study.suspend"),
        Binding("minus", "bury", "Bury", id="study.bury"),
        Binding("e", "locate", "Edit", id="study.edit"),
        Binding("i", "card_info", "Info", id="study.info"),
        Binding("asterisk", "flag", "Flag", key_display="*", show=False, id="study.flag"),
        Binding("N", "forget", "Forget", show=False, id="study.forget"),
        Binding("D", "set_due", "Set due", show=False, id="study.set_due"),
        Binding("tab", "focus_answer", "Type answer"),
        Binding("escape", "end", "End", id="study.end"),
        Binding("pageup", "scroll_card(-1)", "Scroll up", show=False),
        Binding("pagedown", "scroll_card(1)", "Scroll down", show=False),
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    def __init__(self, backend: Backend, deck_ids: Sequence[str] | None, *,
                 due_only: bool = False, custom: tuple[CustomFilter, bool] | None = None) -> None:
        super().__init__(id="study")
        self.deck_ids = None if deck_ids is None else list(deck_ids)
        self.due_only = due_only  # what is due now only, no new cards (the decks screen's `a`)
        self.custom = custom  # custom study: (which cards, cram), core/study/custom.py
        self.backend = backend
        self.session: StudySession | None = None
        self.entry: QueueEntry | None = None
        self.result: CheckResult | None = None
        self.phase: Phase = "loading"
        self.answers: list[Answered] = []
        self.started: datetime | None = None
        self.shown_at: datetime | None = None
        self.controller: Controller | None = None
        self._leave_warned = False  # esc once on an answered, ungraded card (action_end)

    # -- layout -----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StudyHeader(id="study-header")
        with VerticalScroll(id="card-scroll"):
            yield CardView(id="card")
        yield OpenAnswer(id="open-answer")
        # One line for every card: a typed or cloze card's answer field while it is asked, else
        # the verdict (blank until answered), drawn by one widget: answering is a repaint.
        yield AnswerInput(id="answer-input")
        yield GradeBar(id="grades")
        yield KeyBar()

    def on_mount(self) -> None:
        gc_policy.hold_full_collections()
        self.query_one(GradeBar).shown = False
        self.query_one(AnswerInput).show_verdict(Content(""))  # blank until a card is shown
        self.query_one(OpenAnswer).display = False
        self.query_one(AnswerInput).leaves = True  # escape: the card's keys (edit, info, ...)
        self.started = self.backend.clock()
        self.set_interval(1.0, self._tick)
        self.start()

    def on_unmount(self) -> None:
        gc_policy.release_full_collections()

    def _tick(self) -> None:
        if self.started is not None:
            self.query_one(StudyHeader).set_elapsed(self.backend.clock() - self.started)

    @work(exclusive=True, group="study-start")
    async def start(self) -> None:
        backend = self.backend
        try:
            self.session = await backend.call(backend.new_session_sync, self.deck_ids,
                                              self.due_only, self.custom)
            entry = await backend.call(self.session.next)
        except BriefingQuizError as error:
            self.notify(f"Cannot start studying: {error}", severity="error", timeout=10)
            self.dismiss(None)
            return
        if entry is None:
            self.notify(f"No card matches {self.custom[0].describe()}." if self.custom else
                        "Nothing is due now. To learn new cards, pick a deck and press enter."
                        if self.due_only else "Nothing to study right now: no card is due and "
                        "no new card is left for today.", timeout=6)
            self.dismiss(None)
            return
        await self.show_entry(entry)

    # -- showing a card ---------------------------------------------------------------------------
    def _deck_title(self, deck_id: str) -> str:
        session = self.session
        deck = next((d for d in session.decks if d.id == deck_id), None) if session else None
        return deck.title if deck is not None else deck_id

    def _update_header(self, status: Content | None = None) -> None:
        session = self.session
        if session is None or self.started is None:
            return
        deck = self._deck_title(self.entry.key.deck_id) if self.entry else ""
        if self.custom is not None:  # custom study says so, and what it took
            deck = f"{'Cram' if self.custom[1] else 'Custom'} ({self.custom[0].describe()}) · {deck}"
        counts = session.counts  # what is left, by kind, as Anki shows it
        self.query_one(StudyHeader).set_progress(
            deck=deck, done=session.done, remaining=counts.total,
            elapsed=self.backend.clock() - self.started, status=status,
            counts=(counts.new, counts.learning, counts.review))

    def _meta(self, entry: QueueEntry) -> Content:
        kind = {"new": "new card", "learning": "learning", "review": "review"}[entry.kind]
        parts: list[str | Content | tuple[str, str]] = [
            (TYPE_LABELS[entry.card.type], "bold"), f"  ·  {kind}"]
        if entry.changed_since_seen:
            parts.append(("  ·  ⚠ changed since you last saw it", "bold $text-warning"))
        if entry.leech:
            parts.append((f"  ·  leech: forgotten {entry.lapses} times", "bold $text-warning"))
        since = stale_since(entry.card, self.backend.clock().date())
        if since is not None:  # the fact had a last day: say it may no longer hold
            parts.append((f"  ·  stale since {since.isoformat()}", "bold $text-warning"))
        return assemble(*parts)

    async def show_entry(self, entry: QueueEntry | None, status: Content | None = None) -> None:
        """Show `entry` as a fresh question (None: the session is over); `status` goes in the
        header (what happened to the card before)."""
        if entry is None:
            self.finish(complete=True)
            return
        session = self.session
        assert session is not None
        self.entry, self.result = entry, None
        controller = make_controller(entry.card, entry.key.item,
                                     choice_order=session.choice_order(entry),
                                     order_items=session.order_items(entry))
        self.controller = controller
        # One batch, one frame: every change below is painted together, at the next refresh.
        with self.app.batch_update():
            card = self.query_one(CardView)
            card.show(controller, self._meta(entry))
            self.query_one(GradeBar).shown = False
            field = self.query_one(AnswerInput)
            area = self.query_one(OpenAnswer)
            area.display = isinstance(controller, OpenController)
            if controller.TYPED:
                field.show_field(space_reveals="reveal" in controller_actions(controller))
                self._focus(field)
            elif area.display:
                area.disabled = False
                area.load_text("")
                self._focus(area)
            else:
                self._focus(card)
            if not controller.TYPED:
                field.show_verdict(Content(""))  # blank until answered
            self.query_one("#card-scroll", VerticalScroll).scroll_home(animate=False)
            self.phase = "question"
            self._leave_warned = False
            self.shown_at = self.backend.clock()
            self._update_header(status)
        # After the card's frame (a repaint, or a layout when its shape changed).
        self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        # The card's frame is out: the user reads. A moment later, once the terminal's writer
        # thread (it needs the interpreter) has written it: collect garbage, and read the page
        # of the queue the next card needs now, not after the grade key.
        self.set_timer(READ_DELAY, self._while_reading)

    def _while_reading(self) -> None:
        gc_policy.collect_while_reading()
        if self.session is not None and self.phase == "question":
            self._prefetch(self.session)

    @work(exclusive=True, group="study-prefetch", description="read the queue ahead")
    async def _prefetch(self, session: StudySession) -> None:
        with contextlib.suppress(BriefingQuizError):  # met again by the next card's own read
            await self.backend.call(session.prefetch)

    # -- answering --------------------------------------------------------------------------------
    @on(CardView.Submitted)
    def _submitted(self, event: CardView.Submitted) -> None:
        event.stop()
        if self.phase == "question" and self.session is not None:
            self._answered(self.session.check(event.response))
        else:
            self.query_one(CardView).redraw()  # the card drew nothing for an answer it sent

    @on(Input.Submitted, "#answer-input")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        if self.phase == "question" and self.session is not None:
            self._answered(self.session.check(event.value))

    @on(OpenAnswer.Submitted)
    def _written(self, event: OpenAnswer.Submitted) -> None:
        event.stop()
        if self.phase == "question" and self.session is not None:
            self._answered(self.session.check(event.text))

    @on(OpenAnswer.Left)
    def _left_area(self, event: OpenAnswer.Left) -> None:
        event.stop()
        self._focus(self.query_one(CardView))

    @on(CardView.WriteAnswer)
    def _to_area(self, event: CardView.WriteAnswer) -> None:
        event.stop()
        area = self.query_one(OpenAnswer)
        if self.phase == "question" and area.display:
            self._focus(area)

    @on(CardView.Revealed)
    @on(AnswerInput.Reveal)
    def _revealed(self, event: CardView.Revealed | AnswerInput.Reveal) -> None:
        event.stop()
        if self.phase == "question":
            self._answered(None)
        else:
            self.query_one(CardView).redraw()

    def _answered(self, result: CheckResult | None) -> None:
        session, entry = self.session, self.entry
        assert session is not None and entry is not None
        self.result = result
        self.phase = "answered"
        deck = next((d for d in session.decks if d.id == entry.key.deck_id), None)
        feedback = feedback_content(entry.card, result, deck.source if deck else None,
                                    changed=entry.changed_since_seen)
        preview = session.preview()
        self.hold_frames_until_ready()  # the whole answer in one frame, from idle (fast_paint)
        with self.app.batch_update():  # one frame for the whole answer
            self.query_one(CardView).show_result(result, feedback)
            grades = self.query_one(GradeBar)
            grades.show_preview(preview, result.suggested if result else Rating.Good)
            grades.shown = True
            # Focus first, while the field may still take it; then the verdict is drawn into
            # the field's line (the card shows what was typed): nothing is shown or hidden.
            self._focus(grades)
            self.query_one(AnswerInput).show_verdict(
                verdict_line(entry.card, entry.key.item, result))
            area = self.query_one(OpenAnswer)
            if area.display:  # the checklist and the model answer get its room
                area.disabled = True
                area.display = False
            self._update_header(Content(""))  # "✓ saved" belonged to the card before

    def _focus(self, widget: Widget) -> None:
        # Now rather than after the next message (`Widget.focus` defers): the focus change and
        # its styles are painted in the same frame as the card, not in a frame of their own.
        self.set_focus(widget, scroll_visible=False)

    @on(GradeBar.Graded)
    async def _graded(self, event: GradeBar.Graded) -> None:
        event.stop()
        if self.phase != "answered" or self.session is None or self.entry is None:
            return
        session, entry, result = self.session, self.entry, self.result
        now = self.backend.clock()
        duration = 0 if self.shown_at is None else int((now - self.shown_at).total_seconds() * 1000)
        self.phase = "saving"
        # Said only when saving is slow: painting it every time would delay the next card a frame.
        slow = self.set_timer(0.15, lambda: self._update_header(
            Content.styled("saving…", "italic")))
        try:
            saved, following = await self.backend.call(
                answer_then_next, session, event.rating, duration_ms=max(0, duration),
                given=result.given if result else None,
                correct=result.correct if result else None)
        except BriefingQuizError as error:
            self.phase = "answered"
            self._update_header(Content.styled("✗ not saved", "bold $text-error"))
            self.notify(f"Your answer was NOT saved: {error}", severity="error", timeout=15)
            return
        finally:
            slow.stop()
        self.answers.append(Answered(saved, entry, result))
        status = Content.assemble(("✓ saved", "bold $text-success"),
                                  f" {event.rating.name} · again in "
                                  f"{format_interval(saved.due - now)}")
        if not getattr(session, "records", True):  # a cram session: nothing was written
            status = Content.assemble((f"✓ {event.rating.name}", "bold $text-success"),
                                      " · cram: not scheduled")
        if saved.leech:
            status = status + Content.styled("  · leech", "bold $text-warning")
        if isinstance(following, BriefingQuizError):
            self.notify(f"Cannot read the next card: {following}", severity="error", timeout=15)
            self.finish(complete=False)
            return
        await self.show_entry(following, status)

    async def _advance(self, status: Content | None = None) -> None:
        """Fetch and show the next card."""
        assert self.session is not None
        self.phase = "loading"
        try:
            entry = await self.backend.call(self.session.next)
        except BriefingQuizError as error:
            self.notify(f"Cannot read the next card: {error}", severity="error", timeout=15)
            self.finish(complete=False)
            return
        await self.show_entry(entry, status)

    def on_click(self, event: events.Click) -> None:
        # A click on plain text would leave nothing focused, and the keys would go nowhere.
        self.call_after_refresh(self._restore_focus)

    def _restore_focus(self) -> None:
        if self.phase == "question" and self.controller is not None:
            if isinstance(self.controller, OpenController):
                self.query_one(OpenAnswer).focus(scroll_visible=False)
            elif self.controller.TYPED:
                self.query_one(AnswerInput).focus(scroll_visible=False)
            else:
                self.query_one(CardView).focus(scroll_visible=False)
        elif self.phase == "answered":
            self.query_one(GradeBar).focus(scroll_visible=False)

    # -- other actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = isinstance(self.focused, AnswerInput)
        if action == "focus_answer":  # back to the answer line of a typed or cloze card
            return (self.phase == "question" and not typing and self.controller is not None
                    and self.controller.TYPED)
        if typing and action in {"end", *_CARD_ACTIONS}:
            return False  # their keys type into the answer (escape first: AnswerInput.Leave)
        if isinstance(self.focused, OpenAnswer) and action in {"end", "scroll_card",
                                                                 *_CARD_ACTIONS}:
            return False  # keys type there: the footer shows only the area's own keys
        if action in _CARD_ACTIONS:
            if self.phase not in ("question", "answered"):
                return None  # shown, but does nothing while a card is loading or saving
            if action == "undo" and (self.session is None or not self.session.can_undo):
                return None
        return True

    async def action_undo(self) -> None:
        session = self.session
        if session is None or self.phase not in ("question", "answered"):
            return
        if not session.can_undo:
            self.notify("Nothing to undo in this session.", timeout=3)
            return
        self.phase = "loading"
        try:
            entry = await self.backend.call(session.undo)
        except BriefingQuizError as error:
            self.phase = "answered" if self.result is not None else "question"
            self.notify(f"Could not undo: {error}", severity="error", timeout=10)
            return
        if entry is not None:
            self.answers = [a for a in self.answers
                            if a.saved.review_id in {s.review_id for s in session.answered}]
        await self.show_entry(entry, Content.styled("↶ undone", "bold"))

    async def action_suspend(self) -> None:
        await self._set_aside("suspend")

    async def action_bury(self) -> None:
        await self._set_aside("bury")

    async def _set_aside(self, what: Literal["suspend", "bury"]) -> None:
        session = self.session
        if session is None or self.phase not in ("question", "answered"):
            return
        self.phase = "saving"
        try:
            await self.backend.call(session.suspend if what == "suspend" else session.bury)
        except BriefingQuizError as error:
            self.phase = "answered" if self.result is not None else "question"
            self.notify(f"Could not {what} the card: {error}", severity="error", timeout=10)
            return
        if what == "suspend":
            message = "Suspended: it will not be asked again until you unsuspend it in Browse (b)."
        else:
            message = "Buried until tomorrow."
        self.notify(message + " Press u to undo.", timeout=4)
        await self._advance(Content.styled("✓ suspended" if what == "suspend" else "✓ buried",
                                           "bold"))

    def action_locate(self) -> None:
        """Edit the card in its deck file (ui/editor.py); the session goes on with the new text."""
        if self.entry is not None and self.phase in ("question", "answered"):
            self.edit_card(None)

    @work(exclusive=True, group="study-edit")
    async def edit_card(self, line: int | None) -> None:
        """Edit the current card's file at `line` (None: the card's own line)."""
        from briefing_quiz.ui.editor import edit_in_place

        entry, session = self.entry, self.session
        if entry is None or session is None or self.phase not in ("question", "answered"):
            return
        deck = await edit_in_place(self.app, self.backend, entry.card, line=line, again=self.edit_card)
        if deck is None or self.session is not session or not self.is_current:
            return
        try:
            current = await self.backend.call(session.replace_deck, deck)
        except (BriefingQuizError, ValueError) as error:
            self.notify(f"Could not use the edited deck: {error}", severity="error", timeout=10)
            return
        if current is None:
            self.notify("That card is no longer in the deck: on to the next one.", timeout=5)
            await self._advance(Content.styled("✎ edited", "bold"))
            return
        await self.show_entry(current, Content.styled("✎ edited", "bold"))

    # -- before answering: the answer line gives the keys back (issue 18 item 2) -----------------
    @on(AnswerInput.Leave)
    def _left_answer(self, event: AnswerInput.Leave) -> None:
        event.stop()
        self._focus(self.query_one(CardView))
        self.refresh_bindings()

    def action_focus_answer(self) -> None:
        field = self.query_one(AnswerInput)
        if self.phase == "question" and field.allow_focus():
            self._focus(field)
            self.refresh_bindings()

    def action_card_info(self) -> None:
        """Card info (as Anki's `i`): the current card's memory, history and forgetting curve."""
        from briefing_quiz.ui.screens.card_info import CardInfoScreen

        if self.entry is not None and self.phase in ("question", "answered"):
            self.app.push_screen(CardInfoScreen(self.backend, self.entry.key))

    def action_scroll_card(self, direction: int) -> None:
        scroll = self.query_one("#card-scroll", VerticalScroll)
        if direction < 0:
            scroll.scroll_page_up()
        else:
            scroll.scroll_page_down()

    def action_end(self) -> None:
        if self.phase == "saving":
            return
        if self.phase == "answered" and not self._leave_warned:
            # An answer is saved only when graded: say so, rather than drop it silently.
            self._leave_warned = True
            self.notify("This answer is not saved until you grade it (1–4). Press esc again "
                        "to leave without saving it; the card stays due.", timeout=8)
            return
        self.finish(complete=False)

    def finish(self, *, complete: bool) -> None:
        """Replace this screen with the summary."""
        from briefing_quiz.ui.screens.summary import SummaryScreen

        self.phase = "done"
        elapsed = (self.backend.clock() - self.started) if self.started else None
        self.app.switch_screen(SummaryScreen(self.backend, list(self.answers), self.deck_ids,
                                             elapsed=elapsed, complete=complete))
