"""Scheduling: a thin adapter over the `fsrs` package (FSRS v6), plus day and interval helpers.

The FSRS maths all lives in `fsrs`; this module only adds what the app needs around it, through
fsrs' public API (what it needs of fsrs' internals, `core.fsrs_adapter` provides):

* every datetime is aware UTC (aware inputs are converted, naive ones refused: `ValueError`);
* fuzz is deterministic per (card id, review time), so replaying the review log reproduces
  every card state exactly (see `Scheduler.review`);
* a review timed before the card's last review (the clock went backwards) counts as made at
  the last review, i.e. with zero elapsed time, so a card's history never runs backwards;
* stable integer card ids derived from `ItemKey` (fsrs' own ids read the clock and sleep 1 ms).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

import fsrs

from briefing_quiz.core import fsrs_adapter
from briefing_quiz.core.fsrs_first_review import FirstReviews
from briefing_quiz.core.model import ItemKey

UTC = timezone.utc
#: Due date of a card nobody has reviewed yet when no creation time is given: "due since forever".
NEW_CARD_DUE = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SchedulerSettings:
    """Scheduling settings of a deck (config `[scheduler]`, overridden by `[decks.ID]`)."""

    desired_retention: float = 0.90
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval_days: int = 36500
    enable_fuzzing: bool = True
    new_cards_per_day: int = 20
    leech_lapses: int = 8
    day_starts_at_hour: int = 4
    #: FSRS-6 parameters of one's own (21 numbers); None: fsrs' defaults.
    parameters: tuple[float, ...] | None = None
    #: When `briefing-quiz optimize --apply` fitted them (aware), if it did.
    parameters_fitted: datetime | None = None

    def __post_init__(self) -> None:
        # The config loader gives friendlier, located messages; this guards direct construction.
        if not 0.0 < self.desired_retention < 1.0:
            raise ValueError(f"desired_retention must be in (0, 1), not {self.desired_retention}")
        for step in (*self.learning_steps, *self.relearning_steps):
            if step <= timedelta(0):
                raise ValueError(f"learning and relearning steps must be positive, not {step}")
        if self.maximum_interval_days < 1:
            raise ValueError(f"maximum_interval_days must be >= 1: {self.maximum_interval_days}")
        if self.new_cards_per_day < 0 or self.leech_lapses < 0:
            raise ValueError("new_cards_per_day and leech_lapses must not be negative")
        if not 0 <= self.day_starts_at_hour <= 23:
            raise ValueError(f"day_starts_at_hour must be 0..23, not {self.day_starts_at_hour}")
        if self.parameters is not None and len(self.parameters) != 21:
            raise ValueError(f"parameters must be 21 numbers (FSRS-6), not {len(self.parameters)}")


class Scheduler:
    """FSRS scheduling of review items, deterministic given (card, rating, review time)."""

    def __init__(self, settings: SchedulerSettings = SchedulerSettings()) -> None:
        self.settings = settings
        extra = {} if settings.parameters is None else {"parameters": settings.parameters}
        self._fsrs = fsrs.Scheduler(
            **extra,
            desired_retention=settings.desired_retention,
            learning_steps=settings.learning_steps,
            relearning_steps=settings.relearning_steps,
            maximum_interval=settings.maximum_interval_days,
            enable_fuzzing=settings.enable_fuzzing,
        )
        self._curve = fsrs_adapter.recall_curve(self._fsrs)
        self._first = FirstReviews()  # a new card's first review: see `fsrs_first_review`

    def new_card(self, card_id: int, now: datetime | None = None) -> fsrs.Card:
        """A never-reviewed card, due at `now` (or at `NEW_CARD_DUE` when no time is given)."""
        due = NEW_CARD_DUE if now is None else _utc(now, "now")
        return fsrs.Card(card_id=card_id, due=due)

    def review(
        self, card: fsrs.Card, rating: fsrs.Rating, now: datetime, duration_ms: int | None = None
    ) -> fsrs.Card:
        """The card's new state after being graded `rating` at `now`; `card` itself is not changed.

        Fuzz is seeded from the card id and the review time (whole seconds, so a store keeping
        only milliseconds still replays exactly; see `fsrs_adapter.SeededFuzz`): the same inputs
        always give the same interval. Raises `FsrsHookMissing` when the installed fsrs cannot be
        seeded and fuzzing is on.
        """
        at = _utc(now, "now")
        card = _utc_card(card)
        if card.last_review is not None and at < card.last_review:
            # The clock went backwards (or the log was edited): treat it as zero elapsed time.
            at = card.last_review
        first = card.last_review is None and FirstReviews.applies(card)  # (cheap test first)
        if first:
            known = self._first.recall(card, rating, at)
            if known is not None:
                return known
        if not self._fsrs.enable_fuzzing:
            new_card, _log = self._fsrs.review_card(card, rating, at, duration_ms)
        else:
            with fsrs_adapter.SeededFuzz(lambda: f"{card.card_id}@{_epoch_seconds(at)}"):
                new_card, _log = self._fsrs.review_card(card, rating, at, duration_ms)
        if first:
            self._first.keep(rating, at, new_card)
        return new_card

    def replay(self, card_id: int, reviews: Iterable[tuple[fsrs.Rating, datetime]]) -> fsrs.Card:
        """The state after applying `reviews` (rating, time) in the order given to a new card."""
        card = self.new_card(card_id)
        for rating, at in reviews:
            card = self.review(card, rating, at)
        return card

    def preview(self, card: fsrs.Card, now: datetime) -> dict[fsrs.Rating, timedelta]:
        """For each grade, the time from `now` until the card would be due (nothing changes)."""
        at = _utc(now, "now")
        return {rating: self.review(card, rating, at).due - at for rating in fsrs.Rating}

    @property
    def recall_curve(self) -> tuple[float, float]:
        """(factor, decay) of fsrs' forgetting curve with these parameters: after `t` days
        (fractional, never negative) at stability `s`, recall is (1 + factor * t / s) ** decay
        (see `fsrs_adapter.recall`), so that bulk statistics can compute recall without an
        fsrs.Card per item."""
        return self._curve

    def retrievability(self, card: fsrs.Card, at: datetime) -> float:
        """Predicted probability of recall at `at`, in [0, 1]; 0.0 for a never-reviewed card.

        In continuous time (fractional days since the last review), deliberately unlike fsrs'
        whole-day `get_card_retrievability`: see `fsrs_adapter.recall`."""
        when = _utc(at, "at")
        last = card.last_review
        if last is None or card.stability is None:
            return 0.0
        if last.tzinfo is None or last.utcoffset() is None:
            last = _utc(last, "card.last_review")  # raises: naive
        return fsrs_adapter.recall(self._curve, card.stability,
                                   fsrs_adapter.elapsed_days(last, when))


def fsrs_card_id(key: ItemKey) -> int:
    """A stable positive 63-bit integer for `key` (blake2b of `str(key)`): the fsrs card id."""
    digest = hashlib.blake2b(str(key).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") & ((1 << 63) - 1) or 1


def study_day_start(now: datetime, tz: tzinfo, hour: int = 4) -> datetime:
    """Start (aware UTC) of the study day containing `now`; as in Anki it begins at `hour` local.

    So at 01:30 local time with hour=4 it is still "yesterday". On a DST change the local wall
    time is resolved by `tz` (with ZoneInfo, a start inside a skipped hour falls after the jump).
    """
    if not 0 <= hour <= 23:
        raise ValueError(f"hour must be 0..23, not {hour}")
    now_utc = _utc(now, "now")
    local_day = now_utc.astimezone(tz).date()
    start = _local_start(local_day, tz, hour)
    if start > now_utc:  # compare in UTC: same-tzinfo comparisons ignore the DST fold
        start = _local_start(local_day - timedelta(days=1), tz, hour)
    return start


def _local_start(day: date, tz: tzinfo, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


_MINUTE = 60.0
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_MONTH = 365 / 12 * _DAY  # as Anki: a month is a twelfth of a year
_YEAR = 365 * _DAY


def format_interval(delta: timedelta) -> str:
    """A short Anki-like label: "<1m", "10m", "3h", "4d", "1.5mo", "2.1y" (negative as zero)."""
    seconds = max(0.0, delta.total_seconds())
    if seconds < _MINUTE:
        return "<1m"
    minutes = round(seconds / _MINUTE)
    if minutes < 60:
        return f"{minutes}m"
    hours = round(seconds / _HOUR)
    if hours < 24:
        return f"{hours}h"
    days = round(seconds / _DAY)
    if days * _DAY < _MONTH:
        return f"{days}d"
    months = round(seconds / _MONTH, 1)
    if months < 12:
        return f"{_one_decimal(months)}mo"
    return f"{_one_decimal(round(seconds / _YEAR, 1))}y"


def _one_decimal(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _epoch_seconds(at: datetime) -> int:
    return math.floor((at - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(seconds=1))


def _utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value.isoformat()}")
    return value.astimezone(UTC)


def _utc_card(card: fsrs.Card) -> fsrs.Card:
    """`card` with its datetimes in UTC (fsrs insists on `tzinfo == timezone.utc`): the card itself
    when they already are (callers only read it; fsrs copies before it changes anything), else a
    converted copy. Skipping the copy matters where thousands of cards are read (deck stats)."""
    last = card.last_review
    if card.due.tzinfo is UTC and (last is None or last.tzinfo is UTC):
        return card
    card = fsrs_adapter.copy_card(card)
    card.due = _utc(card.due, "card.due")
    if card.last_review is not None:
        card.last_review = _utc(card.last_review, "card.last_review")
    return card


__all__ = [
    "NEW_CARD_DUE",
    "Scheduler",
    "SchedulerSettings",
    "format_interval",
    "fsrs_card_id",
    "study_day_start",
]
