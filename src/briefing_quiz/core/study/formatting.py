"""How briefing times and readiness are written for people: local times, countdowns and
percentages, the same in the app, the plain loop and the command line.

Nothing here reads the clock: every function is given the moment or the value it writes.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, tzinfo

__all__ = ["change_text", "format_countdown", "format_local", "percent_text"]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def format_local(moment: datetime, tz: tzinfo | None = None) -> str:
    """`moment` as local wall time, e.g. "Thu 2026-12-03 14:00" (tz None: the machine's zone)."""
    local = moment.astimezone(tz) if tz is not None else moment.astimezone()
    return f"{_WEEKDAYS[local.weekday()]} {local:%Y-%m-%d %H:%M}"


def format_countdown(delta: timedelta, *, short: bool = False) -> str:
    """How long `delta` is, for a countdown: "2 days 3 hours", "5 hours 12 minutes", "8 minutes",
    "less than a minute"; `short`: "2d 3h", "5h 12m", "8m", "<1m". Negative counts as its size
    (the caller says "ago"). Units are truncated, never rounded up: "in 1 day" is never less."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        parts = [(days, "day", "d"), (hours, "hour", "h")]
    elif hours:
        parts = [(hours, "hour", "h"), (minutes, "minute", "m")]
    elif minutes:
        parts = [(minutes, "minute", "m")]
    else:
        return "<1m" if short else "less than a minute"
    shown = [p for i, p in enumerate(parts) if i == 0 or p[0]]
    if short:
        return " ".join(f"{n}{abbr}" for n, _word, abbr in shown)
    return " ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word, _abbr in shown)


def _tenths(value: float) -> int:
    return math.floor(value * 1000 + 1e-9)


def percent_text(value: float) -> str:
    """A probability as a percentage with one decimal, rounded down (89.96% is not 90.0%)."""
    return f"{_tenths(value) / 10:.1f}%"


def change_text(before: float, after: float) -> str:
    """The change between two `percent_text` values, in points: "+0.4", "-1.2", "+0.0" (so that
    the changes shown add up to the readiness shown)."""
    delta = _tenths(after) - _tenths(before)
    return f"{'-' if delta < 0 else '+'}{abs(delta) // 10}.{abs(delta) % 10}"
