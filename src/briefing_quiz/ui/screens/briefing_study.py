"""A briefing session in the app: the study screen driven by
`core.study.briefing_session.BriefingSession`.

The cards, answers and grades are the study screen's (a briefing session *is* a study session:
its answers are ordinary reviews). What differs: the session is asked for on one deck, the header
leads with the readiness at the briefing and how the last answer moved it, and the summary says
how readiness changed and why the session stopped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from textual import work
from textual.content import Content
from textual.widgets import Static

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.services.briefing import new_briefing_session_sync
from briefing_quiz.ui.screens.study import StudyScreen
from briefing_quiz.ui.screens.summary import SummaryScreen
from briefing_quiz.ui.text import assemble, lines

if TYPE_CHECKING:
    from briefing_quiz.core.study.briefing_session import BriefingSession
    from briefing_quiz.services.backend import Backend
    from briefing_quiz.ui.screens.study import Answered


def readiness_content(session: BriefingSession, now: datetime) -> Content:
    """'Readiness for Thu 2026-12-03 14:00 (in 2d 3h): 63.2% ± 9  +0.4  · goal 90%': readiness
    at the briefing now with its band, and how the last step (answer, undo, ...) changed it."""
    from briefing_quiz.core.study.formatting import (
        change_text,
        format_countdown,
        format_local,
        percent_text,
    )

    trail = session.trail
    countdown = format_countdown(session.target - now, short=True)
    band = session.readiness.band
    parts: list[str | Content | tuple[str, str]] = [
        f"Readiness for {format_local(session.target, session.zone)} (in {countdown}): ",
        (percent_text(trail[-1]), "bold"),
        "" if band is None or band < 0.01 else f" ± {math.floor(band * 100 + 0.5)}"]
    if len(trail) > 1:
        change = change_text(trail[-2], trail[-1])
        parts.append((f"  {change}", "bold $text-success" if change.startswith("+") and
                      change != "+0.0" else "bold"))
    parts.append(f"  · goal {session.threshold:.0%}")
    return assemble(*parts)


class BriefingStudyScreen(StudyScreen):
    """Study one deck for its briefing."""

    def __init__(self, backend: Backend, deck_id: str, *,
                 threshold: float | None = None) -> None:
        super().__init__(backend, [deck_id])
        self.deck_id = deck_id
        self.threshold = threshold
        self.start_readiness: float | None = None

    @property
    def briefing(self) -> BriefingSession | None:
        from briefing_quiz.core.study.briefing_session import BriefingSession

        return self.session if isinstance(self.session, BriefingSession) else None

    @work(exclusive=True, group="study-start")
    async def start(self) -> None:
        backend = self.backend
        try:
            session = await backend.call(new_briefing_session_sync, backend, self.deck_id,
                                         self.threshold)
            self.session = session
            self.start_readiness = session.readiness.overall
            entry = await backend.call(session.next)
        except BriefingQuizError as error:
            self.notify(f"Cannot start the briefing session: {error}", severity="error",
                        timeout=10)
            self.dismiss(None)
            return
        if entry is None:
            self.notify(f"Nothing to study for the briefing now: {session.stop_text()}.",
                        timeout=8)
            self.dismiss(None)
            return
        await self.show_entry(entry)

    def on_mount(self) -> None:
        # StudyScreen.on_mount runs as well (Textual calls each class's handler).
        self.mount(Static(id="readiness-line"), after="#study-header")

    def _update_header(self, status: Content | None = None) -> None:
        super()._update_header(status)
        session = self.briefing
        if session is not None:
            # A line of its own: the header is full at 80 columns, and readiness must not be cut.
            for line in self.query("#readiness-line").results(Static):
                line.update(readiness_content(session, self.backend.clock()), layout=False)

    def finish(self, *, complete: bool) -> None:
        self.phase = "done"
        elapsed = (self.backend.clock() - self.started) if self.started else None
        session = self.briefing
        note = briefing_note(session, self.start_readiness, complete=complete)
        self.app.switch_screen(BriefingSummaryScreen(self.backend, list(self.answers),
                                                     self.deck_ids, elapsed=elapsed,
                                                     note=note))


def briefing_note(session: BriefingSession | None, start: float | None, *,
                  complete: bool) -> Content:
    """The summary's briefing lines: readiness before and after, and why the session stopped."""
    from briefing_quiz.core.study.formatting import change_text, format_local, percent_text

    if session is None:
        return Content("")
    now = session.readiness.overall
    before = start if start is not None else now
    out = [
        assemble(("Briefing session for ", "bold"), (format_local(session.target, session.zone),
                                                      "bold")),
        assemble(("Readiness:  ", "bold"), f"{percent_text(before)} → ",
                 (percent_text(now), "bold"), f"  ({change_text(before, now)} points)"),
    ]
    if complete and session.stop_reason is not None:
        out.append(assemble(("Stopped:    ", "bold"), session.stop_text() + "."))
    else:
        out.append(assemble(("Stopped:    ", "bold"),
                            f"you ended the session (readiness goal {session.threshold:.0%})."))
    return lines(out)


class BriefingSummaryScreen(SummaryScreen):
    """The summary, with the briefing lines first."""

    def __init__(self, backend: Backend, answers: Sequence[Answered],
                 deck_ids: Sequence[str] | None, *, elapsed: timedelta | None,
                 note: Content) -> None:
        # complete=False: "nothing more is due" is not why a briefing session stops; the note says.
        super().__init__(backend, answers, deck_ids, elapsed=elapsed, complete=False)
        self.note = note

    def on_mount(self) -> None:
        # SummaryScreen.on_mount runs as well (Textual calls each class's handler).
        self.query_one("#summary-body").mount(Static(self.note, id="briefing-note"), before=0)
