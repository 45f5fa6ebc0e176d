"""The statistics screen's second half (issue 18 item 8): the answer-button split, reviews by
hour of day, the interval and stability distributions and a calendar of reviews.

`more_stats_sync(backend, deck_id)` runs on the store thread (as `services.briefing`), reading
the review log and the item states through `Store`'s methods; the counting is plain Python on
what they return. Undone reviews are left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing_quiz.services.backend import Backend

__all__ = ["BUCKETS", "CALENDAR_WEEKS", "MoreStats", "bucket_of", "more_stats_sync"]

#: Upper bounds (days) of the interval and stability buckets, and their labels.
BUCKETS: tuple[tuple[float, str], ...] = (
    (1, "< 1d"), (3, "1–3d"), (7, "3–7d"), (14, "1–2w"), (30, "2w–1mo"), (90, "1–3mo"),
    (365, "3mo–1y"), (float("inf"), "> 1y"))
#: Weeks of the calendar of reviews.
CALENDAR_WEEKS = 26


@dataclass(frozen=True)
class MoreStats:
    answers: dict[int, int]        # rating 1..4 -> reviews
    by_hour: list[int]             # 24 local hours -> reviews
    intervals: list[int]           # per BUCKETS: review items by interval (due - last review)
    stability: list[int]           # per BUCKETS: items with a memory state, by stability
    calendar: dict[date, int]      # local day -> reviews, the last CALENDAR_WEEKS weeks
    today: date


def bucket_of(days: float) -> int:
    """The index in BUCKETS of a number of days."""
    return next(i for i, (upper, _label) in enumerate(BUCKETS) if days < upper)


def more_stats_sync(backend: Backend, deck_id: str) -> MoreStats:
    store, now = backend.require_store(), backend.clock()
    tz: tzinfo | None = backend.tz
    local_now = now.astimezone(tz) if tz is not None else now.astimezone()
    first_day = local_now.date() - timedelta(weeks=CALENDAR_WEEKS)
    answers: Counter[int] = Counter()
    hours = [0] * 24
    calendar: Counter[date] = Counter()
    for record in store.reviews(deck_id):
        if record.undone:
            continue
        answers[int(record.rating)] += 1
        at: datetime = record.reviewed_at.astimezone(tz) if tz is not None \
            else record.reviewed_at.astimezone()
        hours[at.hour] += 1
        if at.date() > first_day:
            calendar[at.date()] += 1
    intervals = [0] * len(BUCKETS)
    stability = [0] * len(BUCKETS)
    for state in store.states(deck_id).values():
        card = state.card
        if card is None:
            continue
        if card.stability:
            stability[bucket_of(float(card.stability))] += 1
        if state.phase == "review" and card.last_review is not None:
            intervals[bucket_of((card.due - card.last_review) / timedelta(days=1))] += 1
    return MoreStats(answers={r: answers[r] for r in (1, 2, 3, 4)}, by_hour=hours,
                     intervals=intervals, stability=stability, calendar=dict(calendar),
                     today=local_now.date())
