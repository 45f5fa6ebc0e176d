"""The end of a session: how it went, what was wrong (with the right answers), what comes next."""

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
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.scheduler import format_interval
from briefing_quiz.ui.text import assemble, lines, plain
from briefing_quiz.ui.widgets.cards import answer_text, prompt_content
from briefing_quiz.ui.widgets.header import format_elapsed
from briefing_quiz.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from briefing_quiz.services.backend import Backend
    from briefing_quiz.ui.screens.study import Answered


def was_wrong(answer: Answered) -> bool:
    """Wrong: the checker said so, or (self-graded cards) the user graded Again."""
    if answer.saved.correct is not None:
        return not answer.saved.correct
    return answer.saved.rating == Rating.Again


def summary_content(answers: Sequence[Answered], elapsed: timedelta | None, *,
                    complete: bool) -> Content:
    reviewed = len(answers)
    wrong = [a for a in answers if was_wrong(a)]
    right = reviewed - len(wrong)
    title = "Session complete — nothing more is due now." if complete else "Session ended."
    out: list[Content] = [Content.styled(title, "bold")]
    cards = len({a.entry.key for a in answers})
    out.append(assemble(("Reviewed:   ", "bold"),
                        f"{reviewed} answer{'s' if reviewed != 1 else ''} "
                        f"({cards} card{'s' if cards != 1 else ''})"))
    out.append(assemble(("Right:      ", "bold"), (f"✓ {right}", "$text-success"), "    ",
                        ("Wrong: ", "bold"), (f"✗ {len(wrong)}", "$text-error")))
    if elapsed is not None:
        out.append(assemble(("Time spent: ", "bold"), format_elapsed(elapsed)))
    if wrong:
        out.append(Content(""))
        out.append(Content.styled("Answered wrong — the right answers:", "bold"))
        times: dict[ItemKey, int] = {}
        for answer in wrong:  # each card once, in the order first missed
            times[answer.entry.key] = times.get(answer.entry.key, 0) + 1
        card_of = {a.entry.key: a.entry.card for a in wrong}
        for key, count in times.items():
            card = card_of[key]
            again = f"  (missed {count} times)" if count > 1 else ""
            out.append(assemble(("✗ ", "bold $text-error"), prompt_content(card, key.item),
                                (again, "italic")))
            out.append(assemble(("  → ", "bold"), (answer_text(card, key.item), "bold")))
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
