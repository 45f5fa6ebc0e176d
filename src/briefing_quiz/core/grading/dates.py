"""Dates and years: the same day in another common form passes, another day or year fails.

* "February 11" = "Feb 11th" = "11 February" = "the 11th of February" = "February 11, 2022" =
  "11 Feb 2022" = "2022-02-11" = "Friday, February 11, 2022" (a weekday in front must be that
  date's weekday when the year is known).
* A year the user adds must be the card's context year: the year in the expected answer, else the
  one year the question names next to a month or after "in" ("in February 2022"), else the
  deck's `[deck.source] date`. When none of them gives a year, any year is accepted with the
  right day and month.
* Numeric dates only where they cannot be read two ways: "2/15" and "15/2" are February 15, but
  "2/11" (February 11 or 2 November) is no date.
* When a year is asked, a date inside that year passes ("March 2014" for 2014).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from briefing_quiz.core.grading.normalise import MONTH_NUMBER, WEEKDAYS

__all__ = ["Date", "context_year", "in_year", "parse_date", "same_date", "year_of"]

_YEAR = re.compile(r"[12]\d{3}")
_NUMBER = re.compile(r"\d{1,2}")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}|\d{2}))?")
_FILLER = frozenset({"the", "of", "on"})


@dataclass(frozen=True, slots=True)
class Date:
    """A calendar date as written: the year and the day may be missing."""

    year: int | None
    month: int
    day: int | None
    weekday: int | None = None  # the weekday written in front, if any


def _valid(year: int | None, month: int, day: int | None) -> bool:
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    try:
        dt.date(year if year is not None else 2000, month, day)  # 2000: February 29 exists
    except ValueError:
        return False
    return True


def _numeric(token: str) -> tuple[int | None, int, int] | None:
    """(year, month, day) of "2022-02-11", "15/2", "2/15/2022"; None when it reads two ways."""
    iso = _ISO.fullmatch(token)
    if iso:
        return int(iso[1]), int(iso[2]), int(iso[3])
    numeric = _NUMERIC.fullmatch(token)
    if not numeric:
        return None
    a, b = int(numeric[1]), int(numeric[2])
    year: int | None = None
    if numeric[3] is not None:
        year = int(numeric[3]) + (2000 if len(numeric[3]) == 2 else 0)
    if a == b:
        return year, a, b
    if a > 12 >= b:
        return year, b, a  # day/month
    if b > 12 >= a:
        return year, a, b  # month/day
    return None  # "2/11": February 11 or 2 November


def _parse(words: Sequence[str]) -> tuple[int | None, int, int | None] | None:
    n = len(words)
    if n == 1:
        return _numeric(words[0])
    if n == 3 and all(w.isdigit() for w in words):
        if _YEAR.fullmatch(words[0]):
            return int(words[0]), int(words[1]), int(words[2])  # "2022-02-11", "2022 02 11"
        if _NUMBER.fullmatch(words[0]) and _NUMBER.fullmatch(words[1]):
            return _numeric("/".join(words))  # "15-02-2022": read as "15/02/2022"
    if n in (2, 3) and _NUMBER.fullmatch(words[0]) and words[1] in MONTH_NUMBER:
        if n == 3 and not _YEAR.fullmatch(words[2]):
            return None
        return (int(words[2]) if n == 3 else None), MONTH_NUMBER[words[1]], int(words[0])
    if n == 2 and words[0] in MONTH_NUMBER and _YEAR.fullmatch(words[1]):
        return int(words[1]), MONTH_NUMBER[words[0]], None  # "March 2014"
    return None


def parse_date(words: Sequence[str]) -> Date | None:
    """The date that normalised `words` spell, or None (a bare number or year is no date)."""
    weekday: int | None = None
    if words and words[0] in WEEKDAYS:
        weekday = WEEKDAYS[words[0]]
        words = words[1:]
    parsed = _parse([w for w in words if w not in _FILLER])
    if parsed is None or not _valid(*parsed):
        return None
    return Date(*parsed, weekday=weekday)


def year_of(words: Sequence[str]) -> int | None:
    """The year of a bare year answer ("2014"), or None."""
    if len(words) == 1 and _YEAR.fullmatch(words[0]):
        return int(words[0])
    return None


def context_year(words: Sequence[str]) -> int | None:
    """The one year that `words` (a question) name next to a month or after "in" ("in February
    2022", "On what date in 2022"), or None (no such year, or two)."""
    years = {int(word) for i, word in enumerate(words)
             if _YEAR.fullmatch(word) and i > 0
             and (words[i - 1] in MONTH_NUMBER or words[i - 1] == "in")}
    return years.pop() if len(years) == 1 else None


def same_date(expected: Date, given: Date, year: int | None) -> bool:
    """`given` is the expected date; `year` is the card's context year, if any."""
    if (expected.month, expected.day) != (given.month, given.day):
        return False
    wanted = expected.year if expected.year is not None else year
    if given.year is not None and wanted is not None and given.year != wanted:
        return False
    known = given.year if given.year is not None else wanted
    if given.weekday is not None and known is not None and given.day is not None:
        try:
            return dt.date(known, given.month, given.day).weekday() == given.weekday
        except ValueError:  # February 29 of a year without one
            return False
    return True


def in_year(year: int, given: Date) -> bool:
    """A date inside the asked `year` ("March 2014", "2014-03-18" for 2014)."""
    return given.year == year
