"""The one real clock of the program. Everything below the application layer gets the time
injected (a `Clock`), so tests and benchmarks can fix it; only this module reads it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone, tzinfo

#: What the core and the UI are given instead of reading the time: returns aware UTC.
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real time, aware UTC."""
    return datetime.now(timezone.utc)


def local_now() -> datetime:
    """The real time in the system's local zone (for times a person types or reads)."""
    return datetime.now().astimezone()


def local_zone(now: datetime) -> tzinfo:
    """The system's local time zone at `now` (the study day starts at its local hour)."""
    return now.astimezone().tzinfo or timezone.utc
