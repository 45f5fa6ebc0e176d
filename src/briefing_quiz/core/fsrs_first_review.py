"""A new card's first review from a memo, when fsrs leaves it in a learning step.

What it buys: fsrs reviews a never-reviewed card (learning, step 0, no stability, difficulty or
last review) the same way whatever its id and whenever it is reviewed, as long as the result
stays in a learning step: stability and difficulty are the initial ones for the grade, the step
is the grade's, and the card is due one learning step after the review (`fsrs.Scheduler
.review_card`: no fuzz outside the review state, no elapsed time without a last review). So the
first such review of each grade is computed by fsrs and kept, and the later ones are that result
with the card's own id and times: a copy of the card with five fields set, as fsrs itself makes
it, instead of fsrs' copy, its maths, its review log and the fuzz lock. Answering new cards (the
Anki answer row of `benchmarks/run.py`): `Scheduler.review` 4.6 -> 1.9 us per call in a tight
loop, and CPU per answer 3-6% lower (`benchmarks/README.md`, "Pages per answer (schema 4)").

This relies on fsrs' behaviour, not on its internals (only its public `review_card` is called):
checked against the releases in `fsrs_adapter.CHECKED_VERSIONS`, and the differential test
(below) fails if a release makes such a review depend on anything else (the card's id, the time).

What it falls back to: fsrs' own review for every other card, and for a first review whose
result is not a learning step (Easy, or Good with a single learning step: the review state, its
interval from the stability, fuzzed). The memo belongs to one `Scheduler` (its settings), and
holds only what fsrs returned.

How to switch it off: `BRIEFING_QUIZ_NO_FIRST_REVIEW_MEMO=1` in the environment, or `ENABLED =
False`: every review is then fsrs' own. tests/core/test_fsrs_first_review.py checks that both
give identical cards for random settings (learning steps, parameters, retention, fuzz), grades,
times and ids.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import fsrs

from briefing_quiz.core.fsrs_adapter import copy_card

__all__ = ["ENABLED", "FirstReviews"]

#: Whether first reviews that stay in a learning step come from the memo.
ENABLED = os.environ.get("BRIEFING_QUIZ_NO_FIRST_REVIEW_MEMO", "") in ("", "0")

_LEARNING = fsrs.State.Learning
# What fsrs set on the card: (state, step, stability, difficulty, due - review time).
_Result = tuple[fsrs.State, int | None, float | None, float | None, timedelta]


class FirstReviews:
    """The memo of one scheduler: grade -> what fsrs made of a new card's first review."""

    __slots__ = ("_known",)

    def __init__(self) -> None:
        self._known: dict[fsrs.Rating, _Result] = {}

    @staticmethod
    def applies(card: fsrs.Card) -> bool:
        """Whether `card` is a never-reviewed card as fsrs makes it (the memo's only input)."""
        return (ENABLED and card.last_review is None and card.state is _LEARNING
                and card.step == 0 and card.stability is None and card.difficulty is None)

    def recall(self, card: fsrs.Card, rating: fsrs.Rating, at: datetime) -> fsrs.Card | None:
        """The card after its first review graded `rating` at `at` (aware UTC), or None when the
        memo has no learning-step result for that grade (ask fsrs, then `keep` its answer).
        `card` must pass `applies`."""
        known = self._known.get(rating)
        if known is None:
            return None
        state, step, stability, difficulty, interval = known
        out = copy_card(card)  # as fsrs: a copy of the card, then its fields set
        out.state, out.step = state, step
        out.stability, out.difficulty = stability, difficulty
        out.due, out.last_review = at + interval, at
        return out

    def keep(self, rating: fsrs.Rating, at: datetime, result: fsrs.Card) -> None:
        """Remember fsrs' `result` of a first review graded `rating` at `at`, if it is a learning
        step (a review-state result depends on the stability's interval and fuzz: never kept)."""
        if ENABLED and result.state is _LEARNING and result.last_review == at:
            self._known[rating] = (result.state, result.step, result.stability,
                                   result.difficulty, result.due - at)
