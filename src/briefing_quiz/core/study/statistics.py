"""Statistics over time for one deck, for the statistics screen: due forecast, reviews per day and
true retention per week. Counts per deck at one moment are `core.session.collect_stats`;
readiness is `core.briefing_session.briefing_status`.

Days are *study days* in the user's zone `tz` (None: the machine's), starting at the deck's
`day_starts_at_hour` (as the queue counts them: at 01:30 with hour 4 it is still "yesterday").
Nothing here reads the clock.

    due_forecast(store, deck, days, *, now, tz, hour=4) -> list[DayCount]
    reviews_per_day(store, deck, days, *, now, tz, hour=4) -> list[DayCount]
    true_retention(store, deck, weeks, *, now, tz, hour=4) -> list[RetentionWeek]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

import fsrs

from briefing_quiz.core.model import Deck, ItemKey
from briefing_quiz.core.progress.store import Store, from_us

__all__ = ["DayCount", "RetentionWeek", "due_forecast", "reviews_per_day", "study_date",
           "true_retention"]

_REVIEW = int(fsrs.State.Review)


@dataclass(frozen=True, slots=True)
class DayCount:
    """A count for one study day."""

    day: date
    count: int


@dataclass(frozen=True, slots=True)
class RetentionWeek:
    """Reviews of items already in the review phase during one week (Monday first), and how many
    were not forgotten (any grade but Again): Anki's "true retention"."""

    start: date
    reviews: int
    passed: int

    @property
    def rate(self) -> float | None:
        """passed / reviews; None for a week without such reviews."""
        return self.passed / self.reviews if self.reviews else None


def study_date(moment: datetime, tz: tzinfo | None, hour: int = 4) -> date:
    """The study day `moment` belongs to: its local date, counted from `hour` o'clock."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"moment must be aware, got {moment!r}")
    return (moment.astimezone(tz) - timedelta(hours=hour)).date()


def due_forecast(store: Store, deck: Deck, days: int, *, now: datetime, tz: tzinfo | None,
                 hour: int = 4) -> list[DayCount]:
    """Reviews due on each of the `days` study days from today: day 0 also holds everything
    overdue. Items of `deck` only (progress of removed cards is left out); suspended items are
    left out; new items are not due."""
    today = study_date(now, tz, hour)
    counts = [0] * max(days, 0)
    known = {(card.id, item) for card in deck.cards for item in card.items}
    for row in store.stat_rows(deck.id):
        if row.phase == 0 or row.suspended or row.due_us is None:
            continue
        if (row.card_id, row.item) not in known:
            continue
        offset = max(0, (study_date(from_us(row.due_us), tz, hour) - today).days)
        if offset < len(counts):
            counts[offset] += 1
    return [DayCount(today + timedelta(days=i), n) for i, n in enumerate(counts)]


def reviews_per_day(store: Store, deck: Deck, days: int, *, now: datetime, tz: tzinfo | None,
                    hour: int = 4) -> list[DayCount]:
    """Reviews made (undone ones not counted) on each of the last `days` study days, oldest first,
    today last."""
    today = study_date(now, tz, hour)
    first = today - timedelta(days=max(days, 0) - 1)
    counts = [0] * max(days, 0)
    for row in store.review_rows(deck.id):
        index = (study_date(row.reviewed_at, tz, hour) - first).days
        if 0 <= index < len(counts):
            counts[index] += 1
    return [DayCount(first + timedelta(days=i), n) for i, n in enumerate(counts)]


def true_retention(store: Store, deck: Deck, weeks: int, *, now: datetime, tz: tzinfo | None,
                   hour: int = 4) -> list[RetentionWeek]:
    """True retention per week for the last `weeks` weeks (Monday first), oldest first, the
    current week last. A review counts when its item was in the review phase just before it (so
    learning steps and first answers are left out); it passed unless graded Again."""
    today = study_date(now, tz, hour)
    this_week = today - timedelta(days=today.weekday())
    first = this_week - timedelta(weeks=max(weeks, 0) - 1)
    reviews = [0] * max(weeks, 0)
    passed = [0] * max(weeks, 0)
    phase: dict[ItemKey, int] = {}  # item -> its phase after its latest review so far
    for row in store.review_rows(deck.id):
        before = phase.get(row.key, 0)
        phase[row.key] = row.phase_after
        if before != _REVIEW:
            continue
        index = (study_date(row.reviewed_at, tz, hour) - first).days // 7
        if 0 <= index < len(reviews):
            reviews[index] += 1
            passed[index] += row.rating != int(fsrs.Rating.Again)
    return [RetentionWeek(first + timedelta(weeks=i), reviews[i], passed[i])
            for i in range(len(reviews))]
