"""Set due date (Anki's "Set Due Date"): the day a card is to be asked again, as people type it.

`parse_due(text, now=..., tz=..., day_starts_at_hour=...)` reads "3" or "in 3 days" (three days
from today), "0", "today" or "now" (due at once), "tomorrow", a weekday ("thu": the next one),
"in 2 weeks" or a date "2026-12-20", each meaning that day from the start of the study day
(`day_starts_at_hour`, 4 by default: due when that day's study begins); a time of day may be
given too ("tomorrow 9:00"). The words are `core.study.when`'s, so the same errors say what is
wrong. `describe_due` writes the time understood back for the user before it is saved.

Pure: the clock and the zone are given.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.scheduler import format_interval
from briefing_quiz.core.study.formatting import format_local
from briefing_quiz.core.study.when import WhenError, read_when

__all__ = ["DueDateError", "describe_due", "parse_due"]

_UTC = timezone.utc
_DAYS = re.compile(r"(?:in\s+)?(\d{1,4})\s*(d|days?|w|weeks?)?")
_NOW = frozenset({"0", "now", "today"})
EXAMPLES = "3, in 3 days, tomorrow, thu, a date YYYY-MM-DD, or 0 for now"


class DueDateError(BriefingQuizError):
    """The due date typed cannot be read, or is in the past; the message says why."""


def _local(moment: datetime, tz: tzinfo | None) -> datetime:
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def parse_due(text: str, *, now: datetime, tz: tzinfo | None,
              day_starts_at_hour: int = 4) -> datetime:
    """The due time `text` names, as aware UTC (never before `now`); DueDateError otherwise."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise DueDateError(f"no due date given: type e.g. {EXAMPLES}")
    if cleaned in _NOW:
        return now.astimezone(_UTC)
    local_now = _local(now, tz).replace(tzinfo=None)
    days = _DAYS.fullmatch(cleaned)
    if days is not None:  # "3", "3d", "in 3 days", "2w": from today, at the day's start
        count = int(days[1]) * (7 if (days[2] or "d").startswith("w") else 1)
        cleaned = f"in {count} days" if count else "today"
    start = f"{day_starts_at_hour:02d}:00"
    try:
        try:
            naive = read_when(f"{cleaned} {start}", local_now)  # a day alone: its study start
        except WhenError:
            naive = read_when(cleaned, local_now)  # a day and a time of day
    except WhenError as error:
        raise DueDateError(f"cannot read the due date: {error} (type e.g. {EXAMPLES})") from error
    given = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
    due = given.astimezone(_UTC)
    if due < now and naive.date() == local_now.date():
        return now.astimezone(_UTC)  # today's study has begun: due now
    if due < now:
        raise DueDateError(f"the due date {format_local(due, tz)} is in the past (it is now "
                           f"{format_local(now, tz)})")
    return due


def describe_due(due: datetime, *, now: datetime, tz: tzinfo | None) -> str:
    """"Thu 2026-12-10 04:00 (in 3d)", or "now" when it is due at once."""
    if due <= now + timedelta(seconds=1):
        return "now"
    return f"{format_local(due, tz)} (in {format_interval(due - now)})"
