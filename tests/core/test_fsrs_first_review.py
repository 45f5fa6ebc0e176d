"""The first-review memo (`core.fsrs_first_review`) gives exactly the cards fsrs gives."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone

import fsrs
import pytest

from briefing_quiz.core import fsrs_first_review
from briefing_quiz.core.fsrs_adapter import default_parameters, parameter_bounds
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings

UTC = timezone.utc
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)

STEPS: list[tuple[timedelta, ...]] = [
    (), (timedelta(minutes=1),), (timedelta(minutes=1), timedelta(minutes=10)),
    (timedelta(seconds=30), timedelta(minutes=7), timedelta(hours=2)),
]


def _settings(rng: random.Random) -> SchedulerSettings:
    parameters = None
    bounds = parameter_bounds()
    if bounds is not None and rng.random() < 0.5:  # one's own: the defaults moved a little
        parameters = tuple(min(hi, max(lo, p * rng.uniform(0.9, 1.1)))
                           for p, lo, hi in zip(default_parameters(), *bounds, strict=True))
    return SchedulerSettings(
        desired_retention=rng.choice((0.8, 0.9, 0.95)), learning_steps=rng.choice(STEPS),
        relearning_steps=rng.choice(STEPS[1:]), enable_fuzzing=rng.random() < 0.7,
        parameters=parameters)


def _fields(card: fsrs.Card) -> dict[str, object]:
    """Every attribute with its type: a float where fsrs gives a float, UTC where it gives UTC."""
    return {name: (value, type(value), getattr(value, "tzinfo", None))
            for name, value in vars(card).items()}


@pytest.mark.parametrize("seed", range(8))
def test_the_memo_gives_the_cards_fsrs_gives(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    for _ in range(6):
        settings = _settings(rng)
        with_memo, plain = Scheduler(settings), Scheduler(settings)
        at = T0 + timedelta(seconds=rng.randrange(10**7), microseconds=rng.randrange(10**6))
        for _ in range(60):
            at += timedelta(seconds=rng.randrange(1, 5000), microseconds=rng.randrange(10**6))
            card = with_memo.new_card(rng.randrange(1, 2**63), at if rng.random() < 0.5 else None)
            rating = rng.choice(list(fsrs.Rating))
            monkeypatch.setattr(fsrs_first_review, "ENABLED", True)
            fast = with_memo.review(card, rating, at, rng.choice((None, 4000)))
            monkeypatch.setattr(fsrs_first_review, "ENABLED", False)
            slow = plain.review(card, rating, at)
            assert _fields(fast) == _fields(slow)
            assert fast is not card and card.last_review is None  # the input is left as it was
            # A second review starts from the first's result: never from the memo, always equal.
            later = at + timedelta(minutes=rng.randrange(1, 3000))
            monkeypatch.setattr(fsrs_first_review, "ENABLED", True)
            fast2 = with_memo.review(fast, rating, later)
            monkeypatch.setattr(fsrs_first_review, "ENABLED", False)
            assert _fields(fast2) == _fields(plain.review(slow, rating, later))


def test_the_memo_serves_learning_steps_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept: grades whose first review stays in a learning step. Never kept: a result in the
    review state (its interval comes from the stability and the fuzz) or a card reviewed before."""
    monkeypatch.setattr(fsrs_first_review, "ENABLED", True)
    sched = Scheduler(SchedulerSettings())  # two learning steps: Easy graduates at once
    for rating in fsrs.Rating:
        sched.review(sched.new_card(7), rating, T0)
    known = sched._first._known
    assert set(known) == {fsrs.Rating.Again, fsrs.Rating.Hard, fsrs.Rating.Good}
    assert known[fsrs.Rating.Good][4] == timedelta(minutes=10)
    single = Scheduler(SchedulerSettings(learning_steps=(timedelta(minutes=1),)))
    single.review(single.new_card(7), fsrs.Rating.Good, T0)  # one step: Good graduates
    assert fsrs.Rating.Good not in single._first._known
    reviewed = sched.review(sched.new_card(7), fsrs.Rating.Again, T0)
    assert not fsrs_first_review.FirstReviews.applies(reviewed)


@pytest.mark.parametrize(("value", "expected"), [("1", "False 0"), ("0", "True 1"), ("", "True 1")])
def test_the_environment_switches_the_memo_off(value: str, expected: str) -> None:
    """Off: nothing is kept, every review is fsrs' own."""
    code = textwrap.dedent("""
        import fsrs
        from datetime import datetime, timezone
        from briefing_quiz.core import fsrs_first_review
        from briefing_quiz.core.scheduler import Scheduler
        sched = Scheduler()
        sched.review(sched.new_card(5), fsrs.Rating.Good, datetime(2025, 1, 1, tzinfo=timezone.utc))
        print(fsrs_first_review.ENABLED, len(sched._first._known))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True,
                         env={**os.environ, "BRIEFING_QUIZ_NO_FIRST_REVIEW_MEMO": value})
    assert out.stdout.strip() == expected, value
