"""Briefing mode: how much will be recalled at a target time.

*Readiness* is the mean, over review items, of the FSRS probability of recall (retrievability) at
the target time; an item never studied counts as 0. Each item counts as much as its card's `weight`
(1 unless the deck says otherwise; 3 for a must-know figure): the mean is weighted. It is aggregated
per deck and per tag (a card's tags apply to each of its items). An open card's item counts its
recall × the share of its points made at its last review (`core.study.open_share.weigh_open`,
applied by the callers that have the store).

What to study now to raise it is the briefing rule, `core.study.briefing_rule`. The FSRS maths
itself lives in `core.scheduler` / `fsrs`; this module only combines their answers.

Also here: parsing the briefing time a user types (`parse_target`), and `aware_utc` (a time in
UTC, naive ones refused), which the briefing rule and the cheat sheet use too. Writing times and
percentages is `core.study.formatting`; the store-backed parts (the briefing session, readiness
of a stored deck) are `core.study.briefing_session`, the mock test `core.study.mock_test`.

Nothing here reads the clock: every function takes `now` / `at`. All datetimes are aware.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo

import fsrs

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.model import Card, ItemKey
from briefing_quiz.core.scheduler import Scheduler
from briefing_quiz.core.study.forecast import MemoryScale
from briefing_quiz.core.study.formatting import format_local

__all__ = [
    "DEFAULT_THRESHOLD",
    "Readiness",
    "TargetError",
    "TargetPassedError",
    "aware_utc",
    "parse_target",
    "readiness",
    "summarize_readiness",
    "target_reached",
]

#: Readiness at which a briefing session stops by itself.
DEFAULT_THRESHOLD = 0.90

_UTC = timezone.utc


class TargetPassedError(BriefingQuizError):
    """The briefing time is not in the future, so there is nothing left to prepare for."""


class TargetError(BriefingQuizError):
    """A briefing time the user typed cannot be read."""


def aware_utc(moment: datetime, name: str) -> datetime:
    """`moment` in UTC; naive (no zone): ValueError naming it `name`."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {moment!r}")
    return moment.astimezone(_UTC)


# --------------------------------------------------------------------------------------- readiness


@dataclass(frozen=True)
class Readiness:
    """Expected recall at `at`: overall, per deck and per tag, each a mean over review items."""

    at: datetime
    overall: float
    by_tag: dict[str, float]
    items: int
    weakest: list[tuple[str, float]]
    by_deck: dict[str, float] = field(default_factory=dict)
    #: Half a 95% band around `overall` (`statistics.readiness_band`), when it was computed.
    band: float | None = None

    @property
    def text(self) -> str:
        """'62%', or '62% ± 9' with a band of at least a point (readiness rounded down as in
        `percent`, the band to the nearest point)."""
        if self.band is None or self.band < 0.01:
            return f"{self.percent}%"
        return f"{self.percent}% ± {math.floor(self.band * 100 + 0.5)}"

    @property
    def percent(self) -> int:
        """Overall readiness as a whole percentage (rounded down, so 89.9% never shows as 90%)."""
        return math.floor(self.overall * 100 + 1e-9)

    def to_json(self) -> dict[str, object]:
        """The `readiness` object of `stats --json`."""
        return {
            "at": self.at.isoformat(),
            "overall": round(self.overall, 4),
            "by_tag": {tag: round(value, 4) for tag, value in sorted(self.by_tag.items())},
            "band": None if self.band is None else round(self.band, 4),
        }


def readiness(
    cards: Iterable[Card],
    states: Mapping[ItemKey, fsrs.Card],
    at: datetime,
    *,
    scheduler: Scheduler,
    weakest: int = 3,
    scale: MemoryScale | None = None,
) -> Readiness:
    """Readiness of every review item of `cards` at `at`.

    `states` holds the fsrs state of each item studied so far; a missing item was never studied and
    counts as 0. `weakest` is how many of the lowest tags to name (ties broken by tag name).
    `scale`: average each item's forecast over it (`core.study.forecast`; None: point forecasts).
    """
    at = aware_utc(at, "at")
    cards = list(cards)
    expected = (lambda value: value) if scale is None else scale.expected
    values = {
        key: expected(scheduler.retrievability(state, at))
        for card in cards
        for item in card.items
        if (state := states.get(key := ItemKey(card.deck_id, card.id, item))) is not None
    }
    return summarize_readiness(cards, values, at, weakest=weakest)


def summarize_readiness(
    cards: Iterable[Card],
    values: Mapping[ItemKey, float],
    at: datetime,
    *,
    weakest: int = 3,
) -> Readiness:
    """Readiness from each item's recall probability at `at` (`values`; a missing item counts 0).

    What `readiness` does after computing the values: a session that knows which item changed
    updates one value and summarizes again, without asking fsrs about every item.
    """
    at = aware_utc(at, "at")
    total = 0.0
    count = 0
    weights = 0.0
    tag_sum: dict[str, float] = {}
    tag_n: dict[str, float] = {}
    deck_sum: dict[str, float] = {}
    deck_n: dict[str, float] = {}
    for card in cards:
        weight = card.weight  # a must-know card counts `weight` times (means are weighted)
        for item in card.items:
            value = values.get(ItemKey(card.deck_id, card.id, item), 0.0) * weight
            total += value
            count += 1
            weights += weight
            deck_sum[card.deck_id] = deck_sum.get(card.deck_id, 0.0) + value
            deck_n[card.deck_id] = deck_n.get(card.deck_id, 0.0) + weight
            for tag in dict.fromkeys(card.tags):  # a tag listed twice still counts once
                tag_sum[tag] = tag_sum.get(tag, 0.0) + value
                tag_n[tag] = tag_n.get(tag, 0.0) + weight
    by_tag = {tag: tag_sum[tag] / tag_n[tag] for tag in tag_sum}
    lowest = sorted(by_tag.items(), key=lambda kv: (kv[1], kv[0]))[: max(weakest, 0)]
    return Readiness(
        at=at,
        overall=total / weights if weights else 0.0,
        by_tag=by_tag,
        items=count,
        weakest=lowest,
        by_deck={deck: deck_sum[deck] / deck_n[deck] for deck in deck_sum},
    )


def target_reached(ready: Readiness | float, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """True when a briefing session may stop by itself: readiness has reached `threshold`."""
    value = ready.overall if isinstance(ready, Readiness) else ready
    return value >= threshold


# ------------------------------------------------------------------------- the briefing time

_TARGET = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?)?"
)
_EXAMPLE = '"2026-12-03 14:00"'


def parse_target(text: str, *, now: datetime, tz: tzinfo | None = None) -> datetime:
    """The briefing time typed by the user, as aware UTC; it must be after `now`.

    Accepted: "2026-12-03 14:00", "2026-12-03T14:00", either with seconds ("14:00:00"), and the
    forms people type that `core.study.when` reads ("tomorrow 9:00", "thu 14:00", "in 3 days
    10am", "2026-12-07 12"); a local time in `tz` (None: the machine's local time zone, with
    the summer-time rule of that date).
    An explicit offset ("+01:00", "Z") is honoured. Raises TargetError for anything else (a date
    without a time too: "midnight" is rarely what was meant) and TargetPassedError for a time not
    after `now`.
    """
    raw = text.strip()
    match = _TARGET.fullmatch(raw)
    if match is None:
        return _parse_words(text, now=now, tz=tz)
    year, month, day, hour, minute, second, offset = match.groups()
    if hour is None:
        raise TargetError(f"the briefing time {text!r} has no time of day: give one, "
                          f"e.g. \"{raw} 14:00\"")
    try:
        naive = datetime(int(year), int(month), int(day), int(hour), int(minute),
                         int(second or 0))
    except ValueError as error:
        raise TargetError(f"the briefing time {text!r} is not a real date and time ({error})") \
            from error
    try:
        if offset is not None:
            given = datetime.fromisoformat(
                naive.isoformat() + ("+00:00" if offset == "Z" else _colon(offset)))
        elif tz is not None:
            given = naive.replace(tzinfo=tz)
        else:
            given = naive.astimezone()  # the machine's zone, with that date's summer-time rule
        at = given.astimezone(_UTC)
    except (ValueError, OverflowError) as error:  # year 1 or 9999 moved past the calendar's end
        raise TargetError(f"the briefing time {text!r} is out of range ({error})") from None
    now = aware_utc(now, "now")
    if at <= now:
        raise TargetPassedError(
            f"the briefing time {format_local(at, tz)} is in the past (it is now "
            f"{format_local(now, tz)}): give a time to come")
    return at


def _parse_words(text: str, *, now: datetime, tz: tzinfo | None) -> datetime:
    """The forms people type ("tomorrow 9:00", "thu 14:00", "in 3 days 10am": `core.study.when`)
    as aware UTC, read against the local wall time of `now`; the same errors as `parse_target`."""
    from briefing_quiz.core.study.when import WhenError, read_when

    now = aware_utc(now, "now")
    local_now = now.astimezone(tz) if tz is not None else now.astimezone()
    try:
        naive = read_when(text, local_now.replace(tzinfo=None))
    except WhenError as error:
        raise TargetError(f"cannot read the briefing time: {error} (or give a local date and "
                          f"time such as {_EXAMPLE})") from error
    try:
        given = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
        at = given.astimezone(_UTC)
    except (ValueError, OverflowError) as error:
        raise TargetError(f"the briefing time {text!r} is out of range ({error})") from None
    if at <= now:
        raise TargetPassedError(
            f"the briefing time {format_local(at, tz)} is in the past (it is now "
            f"{format_local(now, tz)}): give a time to come")
    return at


def _colon(offset: str) -> str:
    return offset if ":" in offset else f"{offset[:3]}:{offset[3:]}"
