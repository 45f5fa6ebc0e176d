"""The end of a session: how it went (right, partly, wrong; and by grade), what was missed (with
the right answers), what comes next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from fsrs import Rating
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.grading import Outcome, outcome
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.scheduler import format_interval
from briefing_quiz.ui.text import assemble, lines, one_line, plain
from briefing_quiz.ui.widgets.cards import answer_text, prompt_content
from briefing_quiz.ui.widgets.header import format_elapsed
from briefing_quiz.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from briefing_quiz.services.backend import Backend
    from briefing_quiz.ui.screens.study import Answered


def how_it_went(answer: Answered) -> Outcome:
    """Right, partly or wrong, by the grade given (core.grading.outcome): Again wrong, Good and
    Easy right, Hard partly when the checker found the answer short."""
    return outcome(answer.result, answer.saved.rating)


MARKS: dict[Outcome, tuple[str, str]] = {
    "right": ("✓", "$text-success"), "partly": ("◐", "$text-warning"), "wrong": ("✗", "$text-error"),
}


def summary_content(answers: Sequence[Answered], elapsed: timedelta | None, *,
                    complete: bool) -> Content:
    reviewed = len(answers)
    outcomes = [how_it_went(a) for a in answers]
    count = {kind: outcomes.count(kind) for kind in MARKS}
    title = "Session complete — nothing more is due now." if complete else "Session ended."
    out: list[Content] = [Content.styled(title, "bold")]
    cards = len({a.entry.key for a in answers})
    out.append(assemble(("Reviewed:   ", "bold"),
                        f"{reviewed} answer{'s' if reviewed != 1 else ''} "
                        f"({cards} card{'s' if cards != 1 else ''})"))
    out.append(assemble(("Right:      ", "bold"), (f"✓ {count['right']}", "$text-success"), "    ",
                        ("Partly: ", "bold"), (f"◐ {count['partly']}", "$text-warning"), "    ",
                        ("Wrong: ", "bold"), (f"✗ {count['wrong']}", "$text-error")))
    grades = [(r, sum(1 for a in answers if a.saved.rating == r)) for r in Rating]
    out.append(assemble(("Grades:     ", "bold"),
                        " · ".join(f"{r.name} {n}" for r, n in grades)))
    if elapsed is not None:
        out.append(assemble(("Time spent: ", "bold"), format_elapsed(elapsed)))
    # each card missed once, in the order first missed; its worst outcome marks it
    missed = [(a, kind) for a, kind in zip(answers, outcomes, strict=True) if kind != "right"]
    if missed:
        out.append(Content(""))
        heading = ("Answered wrong or partly — the right answers:"
                   if any(kind == "partly" for _, kind in missed)
                   else "Answered wrong — the right answers:")
        out.append(Content.styled(heading, "bold"))
        times: dict[ItemKey, int] = {}
        worst: dict[ItemKey, Answered] = {}
        for answer, kind in missed:
            key = answer.entry.key
            times[key] = times.get(key, 0) + 1
            if key not in worst or kind == "wrong":
                worst[key] = answer
        for key, count_missed in times.items():
            answer = worst[key]
            card = answer.entry.card
            mark, style = MARKS[how_it_went(answer)]
            again = f"  (missed {count_missed} times)" if count_missed > 1 else ""
            out.append(assemble((f"{mark} ", f"bold {style}"), prompt_content(card, key.item),
                                (again, "italic")))
            out.append(assemble(("  → ", "bold"), (answer_text(card, key.item), "bold")))
            left_out = [label for label, made in (answer.result.points if answer.result else ())
                        if not made]
            if left_out:
                out.append(assemble(("    missed: ", "bold"), one_line("; ".join(left_out), 300)))
    return lines(out)


def next_due_content(next_due: Sequence[datetime], now: datetime, groups_shown: int = 4) -> Content:
    """'Next due: in 1m (1 card), in 10m (2 cards), ...': the first due times, grouped as shown."""
    if not next_due:
        return Content("Nothing else is scheduled yet for these decks.")
    groups: dict[str, int] = {}
    for when in next_due:
        label = format_interval(when - now)
        if label not in groups and len(groups) == groups_shown:
            break
        groups[label] = groups.get(label, 0) + 1
    parts = [f"in {label} ({n} card{'s' if n != 1 else ''})" for label, n in groups.items()]
    return assemble(("Next due:   ", "bold"), ", ".join(parts))


class SummaryScreen(Screen[None]):
    """Shown when a session ends; enter or esc goes back to the decks."""

    @dataclass
    class Closed(Message):
        """Back to the decks, whose counts the session changed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape,q", "close", "Back to decks"),
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    def __init__(self, backend: Backend, answers: Sequence[Answered],
                 deck_ids: Sequence[str] | None, *, elapsed: timedelta | None,
                 complete: bool) -> None:
        super().__init__(id="summary")
        self.backend = backend
        self.answers = list(answers)
        self.deck_ids = None if deck_ids is None else list(deck_ids)
        self.elapsed = elapsed
        self.complete = complete

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary-body"):
            yield Static(summary_content(self.answers, self.elapsed, complete=self.complete),
                         id="summary-text")
            yield Static(plain("Next due:   …"), id="next-due")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#summary-body").focus()
        self.load_next_due()

    @work(exclusive=True, group="summary-next-due")
    async def load_next_due(self) -> None:
        backend = self.backend
        ids = self.deck_ids if self.deck_ids is not None else [d.id for d in backend.decks]
        target = self.query_one("#next-due", Static)
        try:
            next_due = await backend.call(backend.next_due_sync, ids)
        except BriefingQuizError as error:
            target.update(assemble(("Next due:   ", "bold"), f"unknown ({error})"))
            return
        target.update(next_due_content(next_due, self.backend.clock()))

    def action_close(self) -> None:
        self.dismiss(None)
        # To the app: this screen is closing and would drop a message posted to itself.
        self.app.post_message(self.Closed())
