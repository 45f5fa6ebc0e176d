"""Briefing times as people type them: "tomorrow 9:00", "thu 14:00", "in 3 days 10am",
"2026-12-07 12", "fri noon", "in 2 hours".

`read_when(text, now)` turns the text into a naive local wall time, counted from `now` (the local
wall time at which it is typed: the clock is injected, nothing here reads one). It understands:

* a day: `today`, `tomorrow`, a weekday (`mon` ... `sunday`, optionally after `next` or `on`:
  the next such day whose time is still to come, today included), `in N days` / `in N weeks`,
  or a date `YYYY-MM-DD`;
* a time of day: `14:00`, `14`, `9am`, `9:30 pm`, `noon` (optionally after `at`);
* or `in N hours` / `in N minutes` alone (a moment, no time of day needed).

Anything else raises `WhenError` naming the word that could not be read: a hand-written grammar
rather than parsedatetime or dateparser, because both read what they can and silently drop the
rest ("tomorow 9:00" became 9:00 today), and a briefing time read wrong is worse than one refused.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

__all__ = ["WhenError", "read_when"]

_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}
_UNITS = {"minute": "minutes", "minutes": "minutes", "min": "minutes", "mins": "minutes",
          "hour": "hours", "hours": "hours", "h": "hours",
          "day": "days", "days": "days", "d": "days", "week": "weeks", "weeks": "weeks"}
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?(?:\s*(am|pm))?")
_IN = re.compile(r"in\s+(\d{1,4})\s*([a-z]+)")
_FILLER = frozenset({"at", "on", "next", "this"})


class WhenError(ValueError):
    """The text cannot be read as a time; the message says which part and what is expected."""


def _time_of_day(words: list[str], text: str) -> time | None:
    """The time of day in `words` (what is left once the day is taken), None when there is none."""
    rest = " ".join(w for w in words if w not in _FILLER)
    if not rest:
        return None
    if rest == "noon":
        return time(12)
    match = _CLOCK.fullmatch(rest)
    if match is None:
        raise WhenError(f"cannot read {rest!r} in {text!r} as a time of day: write it as "
                        "14:00, 14, 2pm or noon")
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3] is not None:
        if not 1 <= hour <= 12:
            raise WhenError(f"{rest!r} in {text!r}: with am/pm the hour is 1 to 12")
        hour = hour % 12 + (12 if match[3] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise WhenError(f"{rest!r} in {text!r} is not a time of day (00:00 to 23:59)")
    return time(hour, minute)


def read_when(text: str, now: datetime) -> datetime:
    """`text` as a naive local wall time, relative to `now` (naive local too). WhenError when it
    cannot be read; whether the result is still to come is the caller's business."""
    cleaned = re.sub(r"[,\s]+", " ", text.strip().lower())
    cleaned = re.sub(r"(\d)\s+(am|pm)\b", r"\1\2", cleaned)
    if not cleaned:
        raise WhenError("no time given: type e.g. \"tomorrow 9:00\" or \"2026-12-03 14:00\"")
    day: date | None = None
    weekday: int | None = None
    words = cleaned.split(" ")
    moment = _IN.match(cleaned)
    if moment is not None:
        unit = _UNITS.get(moment[2])
        if unit is None:
            raise WhenError(f"{moment[2]!r} in {text!r} is not a unit: use minutes, hours, "
                            "days or weeks")
        step = timedelta(**{unit: int(moment[1])})
        rest = cleaned[moment.end():].split()
        if unit in ("minutes", "hours"):
            if rest:
                raise WhenError(f"{' '.join(rest)!r} in {text!r}: \"in N hours\" is a moment "
                                "already, give no time of day after it")
            return now.replace(second=0, microsecond=0) + step
        day, words = (now + step).date(), rest
    elif words[0] == "today":
        day, words = now.date(), words[1:]
    elif words[0] in ("tomorrow", "tmrw"):
        day, words = now.date() + timedelta(days=1), words[1:]
    elif (dated := _DATE.fullmatch(words[0])) is not None:
        try:
            day = date(int(dated[1]), int(dated[2]), int(dated[3]))
        except ValueError as error:
            raise WhenError(f"{words[0]!r} in {text!r} is not a real date ({error})") from error
        words = words[1:]
    else:
        first = next((i for i, w in enumerate(words) if w not in _FILLER), None)
        if first is not None and words[first] in _WEEKDAYS:
            weekday, words = _WEEKDAYS[words[first]], words[:first] + words[first + 1:]
            # ("next" stays in `words` for the rule below; _time_of_day skips it.)
        elif first is not None and not words[first][:1].isdigit() and words[first] != "noon":
            raise WhenError(f"cannot read {words[first]!r} in {text!r}: start with today, "
                            "tomorrow, a weekday, \"in N days\" or a date YYYY-MM-DD")
    at = _time_of_day(words, text)
    if at is None:
        raise WhenError(f"{text.strip()!r} has no time of day: add one, e.g. "
                        f"\"{text.strip()} 14:00\"")
    if weekday is not None:
        ahead = (weekday - now.weekday()) % 7
        if ahead == 0 and ("next" in words or datetime.combine(now.date(), at) <= now):
            ahead = 7  # "next mon" on a Monday is not today
        day = now.date() + timedelta(days=ahead)
    elif day is None:  # a time alone: its next occurrence
        day = now.date() if datetime.combine(now.date(), at) > now else \
            now.date() + timedelta(days=1)
    return datetime.combine(day, at)
