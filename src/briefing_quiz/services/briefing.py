"""Store-thread calls for briefing mode, the statistics screen and editing a deck in place.

Each function takes the app's `Backend` and runs on its store thread: screens call
`await backend.call(fn, backend, ...)`. They compose core calls (`core.study.briefing_session`,
`core.study.statistics`, `core.deckfile`) and never run SQL or parse TOML themselves. Kept apart
from `services.backend` so that the briefing screens can grow without touching the study
screens' door. Sessions are built and decks re-read inside `paused_collector()` (`gc_policy`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from briefing_quiz.core.errors import BriefingQuizError, DeckError, Problem
from briefing_quiz.core.model import Deck
from briefing_quiz.services.gc_policy import paused_collector

if TYPE_CHECKING:
    from briefing_quiz.core.study.briefing_session import BriefingSession, BriefingStatus
    from briefing_quiz.core.study.mock_test import MockTest
    from briefing_quiz.core.study.statistics import Calibration, DayCount, RetentionWeek
    from briefing_quiz.services.backend import Backend

#: What the statistics screen shows: 30 days ahead, 8 weeks back.
FORECAST_DAYS = 30
HISTORY_DAYS = 56
RETENTION_WEEKS = 8


def _deck(backend: Backend, deck_id: str) -> Deck:
    deck = next((d for d in backend.decks if d.id == deck_id), None)
    if deck is None:
        raise BriefingQuizError(f"no deck with id {deck_id!r} is loaded")
    return deck


# -- the briefing target --------------------------------------------------------------------------

def briefing_status_sync(backend: Backend, deck_id: str) -> BriefingStatus | None:
    """The deck's target with its countdown and readiness; None when it has none."""
    from briefing_quiz.core.study.briefing_session import briefing_status

    return briefing_status(_deck(backend, deck_id), backend.require_store(), backend.config,
                           now=backend.clock())


def set_briefing_sync(backend: Backend, deck_id: str, text: str) -> datetime:
    """Store the typed local time as the deck's target; TargetError / TargetPassedError when it
    cannot be read or has passed (nothing stored then)."""
    from briefing_quiz.core.study.briefing_session import set_briefing

    _deck(backend, deck_id)
    return set_briefing(backend.require_store(), deck_id, text, now=backend.clock(), tz=backend.tz)


def clear_briefing_sync(backend: Backend, deck_id: str) -> bool:
    """Remove the deck's target; False when it had none."""
    return backend.require_store().clear_briefing_target(deck_id)


def new_briefing_session_sync(backend: Backend, deck_id: str,
                              threshold: float | None = None) -> BriefingSession:
    """A briefing session on one deck (NoTargetError / TargetPassedError without a target to come)."""
    from briefing_quiz.core.study.briefing_session import BriefingSession
    from briefing_quiz.core.study.readiness import DEFAULT_THRESHOLD

    deck, store, config = _deck(backend, deck_id), backend.require_store(), backend.config
    with paused_collector():  # the queue's build: see gc_policy
        return BriefingSession(deck, store, config, clock=backend.clock, tz=backend.tz,
                               seed=backend.seed,
                               threshold=DEFAULT_THRESHOLD if threshold is None else threshold)


def new_mock_test_sync(backend: Backend, deck_id: str, n: int) -> MockTest:
    """A mock test of `n` auto-checked questions of one deck (nothing is written until it ends)."""
    from briefing_quiz.core.study.mock_test import MockTest

    return MockTest(_deck(backend, deck_id), backend.require_store(), n, clock=backend.clock,
                    seed=backend.seed)


# -- statistics -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DeckCharts:
    """One deck's statistics over time, as of `now`."""

    deck: Deck
    now: datetime
    forecast: list[DayCount]        # FORECAST_DAYS study days from today (today holds the overdue)
    reviews: list[DayCount]         # HISTORY_DAYS study days up to today
    retention: list[RetentionWeek]  # RETENTION_WEEKS weeks up to this one
    status: BriefingStatus | None   # its readiness with its band (issue 13)
    calibration: Calibration | None = None  # forecasts against one's own answers
    parameters: tuple[float, ...] | None = None  # the config's own FSRS parameters, if any
    parameters_fitted: datetime | None = None
    coverage: str | None = None     # how much of its source file the deck quotes (None: no file)


def deck_charts_sync(backend: Backend, deck_id: str) -> DeckCharts:
    import dataclasses

    from briefing_quiz.core.scheduler import Scheduler
    from briefing_quiz.core.study.briefing_session import briefing_status
    from briefing_quiz.core.study.statistics import (
        calibration,
        due_forecast,
        readiness_band,
        reviews_per_day,
        true_retention,
    )
    from briefing_quiz.services.evidence import coverage_figure

    deck, store, now, tz = _deck(backend, deck_id), backend.require_store(), backend.clock(), backend.tz
    settings = backend.config.for_deck(deck.id)
    hour = settings.day_starts_at_hour
    fared = calibration(store.recall_log(deck.id), Scheduler(settings))
    status = briefing_status(deck, store, backend.config, now=now)
    if status is not None and status.readiness is not None:
        band = readiness_band(status.readiness.overall, fared.reviews)
        status = dataclasses.replace(status,
                                     readiness=dataclasses.replace(status.readiness, band=band))
    return DeckCharts(
        deck=deck, now=now,
        forecast=due_forecast(store, deck, FORECAST_DAYS, now=now, tz=tz, hour=hour),
        reviews=reviews_per_day(store, deck, HISTORY_DAYS, now=now, tz=tz, hour=hour),
        retention=true_retention(store, deck, RETENTION_WEEKS, now=now, tz=tz, hour=hour),
        status=status, calibration=fared, parameters=settings.parameters,
        parameters_fitted=settings.parameters_fitted,
        coverage=coverage_figure(deck),
    )


# -- editing a deck in place ----------------------------------------------------------------------

def reread_deck_sync(backend: Backend, old: Deck) -> Deck:
    """Read `old`'s file again and put the result in its place among the loaded decks.

    Raises DeckError, leaving the loaded version in use, when the file now has errors, when its
    deck id changed (progress is kept by id: the new id would start from nothing) or clashes
    with another loaded deck.
    """
    from briefing_quiz.core.deckfile import load_deck

    if old.path is None:
        raise BriefingQuizError(f"deck {old.id!r} has no file to read again")
    path = Path(old.path)
    with paused_collector():
        new = load_deck(path)
    if new.id != old.id:
        raise DeckError([Problem(path, f"the deck id changed from {old.id!r} to {new.id!r}; "
                                       "keeping the loaded version (press r on the decks screen "
                                       "to load it as a new deck)")])
    index = next((i for i, d in enumerate(backend.decks) if d.id == old.id), None)
    if index is None:
        raise BriefingQuizError(f"deck {old.id!r} is no longer loaded")
    # In place: the decks screen's `Loaded` shares this list.
    backend.decks[index] = new
    return new
