"""The review log as the FSRS optimiser reads it, and how it is split for an honest evaluation.

`briefing-quiz optimize` (`services/optimize.py`) fits FSRS-6 parameters with fsrs-rs (the
optimiser Anki uses). fsrs-rs learns from *items*: one per review to predict, holding the item's
history up to and including that review, each step a (rating, days since the previous review).
Days are study days (the user's local date, starting at the deck's `day_starts_at` hour, as the
queue counts them), 0 for the first review and for a review the same study day as the previous
one (learning steps), as Anki builds them. Only reviews at least a day after the previous one are
items to predict (a same-day review says nothing about the forgetting curve), but every review,
learning steps included, is in the histories.

The split is by time: the items whose predicted review came first train, the later ones test, so
the figures printed are those of parameters judged on reviews they were not fitted on, later in
time, as they will be used.

Pure: no fsrs-rs import here (the service wraps the tuples), no clock.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

__all__ = ["MIN_ITEMS", "TEST_SHARE", "FitItem", "fit_items", "time_split"]

#: Fewer reviews to predict than this (train and test together) and the fit is refused: with
#: fewer, fitted parameters mostly fit noise (Anki asks for a few hundred reviews too).
MIN_ITEMS = 200
#: The share of the latest items kept for the evaluation.
TEST_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class FitItem:
    """One review to predict (`at`, aware UTC) with the history leading to it: (rating 1..4,
    study days since the previous review) for each review of the item, this one last."""

    at: datetime
    reviews: tuple[tuple[int, int], ...]


def fit_items(rows: Iterable[tuple[Hashable, int, datetime]], tz: tzinfo | None,
              hour: int = 4) -> list[FitItem]:
    """The items to predict, oldest first, from reviews (item key, rating, aware time) given
    oldest first (the log's order). `tz` None: the machine's zone."""
    shift = timedelta(hours=hour)
    history: dict[Hashable, list[tuple[int, int]]] = {}
    last_day: dict[Hashable, int] = {}
    items: list[FitItem] = []
    for key, rating, at in rows:
        day = (at.astimezone(tz) - shift).toordinal()
        steps = history.get(key)
        if steps is None:
            steps = history[key] = []
            delta = 0
        else:
            delta = max(0, day - last_day[key])
        last_day[key] = day
        steps.append((rating, delta))
        if delta > 0:
            items.append(FitItem(at, tuple(steps)))
    items.sort(key=lambda item: item.at)  # stable: the log's order within one moment
    return items


def time_split(items: Sequence[FitItem],
               test_share: float = TEST_SHARE) -> tuple[list[FitItem], list[FitItem]]:
    """(train, test): the earlier items and the latest `test_share` of them (`items` oldest
    first, as `fit_items` gives them)."""
    cut = len(items) - max(1, round(len(items) * test_share))
    return list(items[:cut]), list(items[cut:])
