"""The verdict on one answer, shared by every card type's checker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fsrs import Rating

__all__ = ["CheckResult", "Outcome", "outcome", "result"]

Outcome = Literal["right", "partly", "wrong"]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict on one answer, with the texts to show."""

    correct: bool
    expected: str  # the right answer, as text to show
    given: str  # the user's answer, as text
    suggested: Rating  # Again when wrong, Good when right
    in_place: int | None = None  # order cards: items in the right place
    total: int | None = None  # order cards: number of items
    detail: str = ""  # e.g. "3 of 5 in place", "within 5% of 130,000"
    points: tuple[tuple[str, bool], ...] = ()  # open cards: (label, made) of each point


def result(correct: bool, expected: str, given: str, *, detail: str = "",
           in_place: int | None = None, total: int | None = None) -> CheckResult:
    rating = Rating.Good if correct else Rating.Again
    return CheckResult(correct, expected, given, rating, in_place, total, detail)


def outcome(result: CheckResult | None, rating: Rating) -> Outcome:
    """How one answer went, for a session's summary: by the grade given, which wins over the
    checker's verdict as it does for the schedule.

    Again is wrong and Good or Easy right, whatever the checker said (the user judged it); Hard
    is right when the answer was right or self-graded (known, with difficulty, as Anki counts a
    pass), and partly when the checker found it short (an open answer with some of its points,
    or a checked answer the user judged nearly right).
    """
    if rating == Rating.Again:
        return "wrong"
    if rating != Rating.Hard or result is None or result.correct:
        return "right"
    return "partly"
