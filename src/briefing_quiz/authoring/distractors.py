"""Distractors of a draft's choice and false true/false cards: facts of the same kind found
elsewhere in the text (figures of the same unit nearest in value, dates of the same shape
nearest in time, else the first names of the kind), from a pool indexed once per text.

Looking through the whole pool for each sentence made drafting quadratic (114 s for 160,000
words, benchmarks/README.md "Drafting (issue 15)"); the index gives the same distractors, which
tests/authoring/test_drafting.py checks against the plain rule.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterable

from briefing_quiz.core.facts import Fact

__all__ = ["CHOICES", "MONTHS", "Pool", "date_key", "date_shape", "distractors", "figure_value",
           "nearest", "number_unit", "when_value"]

MONTHS = {name: number for number, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), 1)}
#: Options of a choice card: the answer and three distractors.
CHOICES = 4


class Pool:
    """Every distinct fact of the text by kind, in order of first appearance (distractors),
    indexed once: numbers by unit and value, dates by shape. (Looking through the whole pool for
    each sentence made drafting quadratic: 114 s for 160,000 words.)"""

    def __init__(self, facts: Iterable[Fact]) -> None:
        self.by_kind: dict[str, list[str]] = {}
        seen: set[tuple[str, str]] = set()
        for fact in facts:
            if (fact.kind, fact.text) not in seen:
                seen.add((fact.kind, fact.text))
                self.by_kind.setdefault(fact.kind, []).append(fact.text)
        # Numbers of one unit, sorted by value (those without a value in digits left out, as
        # they can never be a nearest one); dates of one shape, in order of appearance.
        self.numbers: dict[tuple[bool, str], tuple[list[float], list[str]]] = {}
        grouped: dict[tuple[bool, str], list[tuple[float, str]]] = {}
        self.units: dict[tuple[bool, str], list[str]] = {}
        for text in self.by_kind.get("number", []):
            self.units.setdefault(number_unit(text), []).append(text)
            value = figure_value(text)
            if value is not None:
                grouped.setdefault(number_unit(text), []).append((value, text))
        for unit, pairs in grouped.items():
            pairs.sort()
            self.numbers[unit] = ([v for v, _ in pairs], [t for _, t in pairs])
        self.dates: dict[tuple[bool, bool, bool], list[str]] = {}
        dated: dict[tuple[bool, bool, bool], list[tuple[float, str]]] = {}
        for text in self.by_kind.get("date", []):
            self.dates.setdefault(date_shape(text), []).append(text)
            when = when_value(text)
            if when is not None:
                dated.setdefault(date_shape(text), []).append((when, text))
        # Dates of one shape that can be placed in time, sorted by it.
        self.timeline: dict[tuple[bool, bool, bool], tuple[list[float], list[str]]] = {}
        for shape, pairs in dated.items():
            pairs.sort()
            self.timeline[shape] = ([v for v, _ in pairs], [t for _, t in pairs])


def distractors(fact: Fact, pool: Pool) -> list[str]:
    """Up to three facts of the same kind from elsewhere in the text: for numbers the nearest in
    value, for dates the nearest in time (ties: in order of their characters), else the first
    in the text; never one that contains the answer or is in it."""
    answer = fact.text.casefold()

    def other(text: str) -> bool:
        folded = text.casefold()
        return folded not in answer and answer not in folded

    value = figure_value(fact.text)
    if fact.kind == "number" and value is not None:  # "40" against digits, "%" against "%"
        values, texts = pool.numbers.get(number_unit(fact.text), ([], []))
        return nearest(value, values, texts, other)
    if fact.kind == "number":  # "three" against words of its unit
        candidates = iter(pool.units.get(number_unit(fact.text), []))
    elif fact.kind == "date" and (when := when_value(fact.text)) is not None:
        # "1906" against the years nearest it, not the text's first year every time.
        values, texts = pool.timeline.get(date_shape(fact.text), ([], []))
        return nearest(when, values, texts, other)
    elif fact.kind == "date":  # "5 March" against other days, not against a year
        candidates = iter(pool.dates.get(date_shape(fact.text), []))
    else:
        candidates = iter(pool.by_kind.get(fact.kind, []))
    out: list[str] = []
    for candidate in candidates:
        if other(candidate):
            out.append(candidate)
            if len(out) == CHOICES - 1:
                break
    return out


def when_value(date: str) -> float | None:
    """A date as a number to compare by nearness (year, month and day), or None (a weekday, a
    decade: nothing to place)."""
    key = date_key(date)
    if key is None:
        return None
    _, (year, month, day) = key
    return year * 372 + month * 31 + day


def nearest(value: float, values: list[float], texts: list[str],
             keep: Callable[[str], bool]) -> list[str]:
    """The `CHOICES - 1` texts kept by `keep` whose values (sorted) are nearest `value`, as
    sorting all of them by (distance, text) would give: walk out from `value` both ways, and take
    every one as near as the last needed before choosing among equals by text."""
    right = bisect.bisect_left(values, value)
    left = right - 1
    found: list[tuple[float, str]] = []
    limit = math.inf
    while left >= 0 or right < len(values):
        if right >= len(values) or (left >= 0 and value - values[left] <= values[right] - value):
            distance, text = value - values[left], texts[left]
            left -= 1
        else:
            distance, text = values[right] - value, texts[right]
            right += 1
        if distance > limit:
            break
        if keep(text):
            found.append((distance, text))
            if len(found) == CHOICES - 1:
                limit = distance
    return [text for _, text in sorted(found)[:CHOICES - 1]]


def number_unit(number: str) -> tuple[bool, str]:
    """Whether a number is written in digits, and the word or sign that follows them."""
    rest = re.sub(r"[$€£\d.,\s]", " ", number).split()
    return any(ch.isdigit() for ch in number), " ".join(rest).lower().replace("%", "percent")


def date_shape(date: str) -> tuple[bool, bool, bool]:
    """Whether a date names a day, a month and a year."""
    return (bool(re.search(r"(?<!\d)\d{1,2}(?!\d)", date)),
            any(w.lower() in MONTHS for w in re.findall(r"[A-Za-z]+", date)),
            bool(re.search(r"\d{4}", date)))


def figure_value(text: str) -> float | None:
    """The first figure written in digits in `text` ("$5.25 billion" -> 5.25), or None."""
    match = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    return float(match.group().replace(",", "")) if match else None


def date_key(text: str) -> tuple[bool, tuple[int, int, int]] | None:
    """(has a year, (year, month, day)) of a date fact. A date without a year is kept only with
    a month and a day ("February 7"): such dates are ordered among themselves, as of one year
    (guessing their year from the text goes wrong across a new year); a month alone is left out."""
    words = re.findall(r"[A-Za-z]+|\d+", text)
    year = next((int(w) for w in words if w.isdigit() and len(w) == 4), None)
    month = next((MONTHS[w.lower()] for w in words if w.lower() in MONTHS), 0)
    day = next((int(w) for w in words if w.isdigit() and len(w) <= 2), 0)
    if year is not None:
        return True, (year, month, day)
    if month and day:
        return False, (0, month, day)
    return None
