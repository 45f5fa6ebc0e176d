"""Anki's everyday card actions on the study screen (issue 18 item 4): flag the current card
with a note (it stays), forget it or set its due date (it leaves the session). A mixin of
`StudyScreen`, kept apart so that the screen stays readable; the dialogs are in
`card_actions.py`, the store work goes through the backend and the session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.content import Content

from briefing_quiz.core.errors import BriefingQuizError

if TYPE_CHECKING:
    from textual.app import App

    from briefing_quiz.core.grading import CheckResult
    from briefing_quiz.core.study.queue import QueueEntry
    from briefing_quiz.core.study.session import StudySession
    from briefing_quiz.services.backend import Backend


class StudyCardActions:
    """Flag, forget and set due date for `StudyScreen` (which has every attribute named here)."""

    if TYPE_CHECKING:
        app: App[object]
        backend: Backend
        entry: QueueEntry | None
        session: StudySession | None
        result: CheckResult | None
        phase: str

        async def _advance(self, status: Content | None = None) -> None: ...

        def notify(self, message: str, *, title: str = "", severity: str = "information",
                   timeout: float | None = None, markup: bool = True) -> None: ...

    # Each dialog answers through a callback (not a worker waiting on it): the screen stays idle
    # while the dialog is open.
    async def action_flag(self) -> None:
        """Flag the current card with a note; it stays on screen."""
        from briefing_quiz.ui.screens.card_actions import FlagChoice, FlagScreen

        entry, backend = self.entry, self.backend
        if entry is None or self.phase not in ("question", "answered"):
            return
        key = entry.key
        try:
            note = await backend.call(backend.flag_of_sync, key)
        except BriefingQuizError as error:
            self.notify(f"Could not read the card's flag: {error}", severity="error", timeout=10)
            return

        async def chosen(choice: FlagChoice | None) -> None:
            if choice is None:
                return
            try:
                await backend.call(backend.flag_sync, key,
                                   choice[1] if choice[0] == "flag" else None)
            except BriefingQuizError as error:
                self.notify(f"Could not flag the card: {error}", severity="error", timeout=10)
                return
            self.notify("Flagged: browse (b) lists it, with its note." if choice[0] == "flag"
                        else "Flag removed.", timeout=4)

        self.app.push_screen(FlagScreen(key, note), chosen)

    def action_forget(self) -> None:
        """Forget the current card (back to new, history kept), then on to the next."""
        from briefing_quiz.ui.screens.card_actions import ForgetScreen

        entry, session = self.entry, self.session
        if entry is None or session is None or self.phase not in ("question", "answered"):
            return
        state = session.state()
        if state is None or state.is_new:
            self.notify("This card is new already.", timeout=3)
            return

        async def confirmed(yes: bool | None) -> None:
            if yes and self.session is session and self.entry is entry:
                await self._set_aside_by(session.forget, "✓ forgotten",
                                         "Forgotten: it is new again; its history is kept.")

        self.app.push_screen(ForgetScreen(entry.key), confirmed)

    def action_set_due(self) -> None:
        """Set the current card's due date, then on to the next."""
        from briefing_quiz.core.study.due_date import describe_due
        from briefing_quiz.ui.screens.card_actions import DueDateScreen

        entry, session, backend = self.entry, self.session, self.backend
        if entry is None or session is None or self.phase not in ("question", "answered"):
            return
        state = session.state()
        if state is None or state.due is None:
            self.notify("This card is new: it has no due date to set (answer it first).",
                        timeout=4)
            return

        async def given(text: str | None) -> None:
            if text is None or self.session is not session or self.entry is not entry:
                return
            try:
                due = backend.read_due(entry.key, text)
            except BriefingQuizError as error:
                self.notify(str(error), severity="error", timeout=8)
                return
            when = describe_due(due, now=backend.clock(), tz=backend.tz)
            await self._set_aside_by(lambda: session.set_due(due), "✓ rescheduled",
                                     f"Due {when}.")

        shown = describe_due(state.due, now=backend.clock(), tz=backend.tz)
        self.app.push_screen(DueDateScreen(backend, entry.key, shown), given)

    async def _set_aside_by(self, fn: Callable[[], None], status: str, message: str) -> None:
        """Run a session action that takes the card out of this session, then the next card."""
        if self.phase not in ("question", "answered"):
            return
        dropped = self.phase == "answered"
        self.phase = "saving"
        try:
            await self.backend.call(fn)
        except BriefingQuizError as error:
            self.phase = "answered" if self.result is not None else "question"
            self.notify(f"Could not change the card: {error}", severity="error", timeout=10)
            return
        if dropped:
            message += " Its ungraded answer was not saved."
        self.notify(message + " Press u to undo.", timeout=5)
        await self._advance(Content.styled(status, "bold"))
