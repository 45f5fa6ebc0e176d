"""The briefing rule: which item to study now to raise readiness at the target the most.

It ranks candidate items by expected gain in recall at the target per minute of study:

    gain = weight * (P(recall now) * R_target(after Good) + (1 - P(recall now)) * R_target(after
           Again) - R_target(if not studied))

(`weight`: the card's, as readiness weighs it; recall in continuous time, `fsrs_adapter.recall`,
and, given a `scale`, averaged over it as readiness is: `core.study.forecast`)

where the states after Good and Again come from the scheduler adapter's `review` (which returns a
new card; the caller's card is never changed), and the cost is the user's own median answer time
(`AnswerTimes`). An item short of a whole day since its last review may rank last instead: see
`Choice`. The FSRS maths itself lives in `core.scheduler` / `fsrs`; this module only combines their
answers. docs/briefing.md explains the choices and the simulated-learner benchmark behind them.
Readiness itself is `core.study.readiness`.

Nothing here reads the clock: every function takes `now` / `target`. All datetimes are aware.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

import fsrs

from briefing_quiz.core import fsrs_adapter
from briefing_quiz.core.model import CardType, ItemKey
from briefing_quiz.core.scheduler import Scheduler
from briefing_quiz.core.study.forecast import MemoryScale
from briefing_quiz.core.study.readiness import TargetPassedError, aware_utc

__all__ = [
    "DEFAULT_NEW_SECONDS",
    "DEFAULT_SEEN_SECONDS",
    "AnswerTimes",
    "Candidate",
    "Choice",
    "choose_next",
    "expected_gain",
]

#: Answer times assumed before the user has any history (seconds).
DEFAULT_NEW_SECONDS = 20.0
DEFAULT_SEEN_SECONDS = 15.0

_UTC = timezone.utc
_DAY = timedelta(days=1)


# ---------------------------------------------------------------------------------- answer times


@dataclass(frozen=True, slots=True)
class AnswerTimes:
    """How long the user takes to answer, in seconds: medians per card type and overall.

    A type without history uses the overall median; with no history at all, the defaults apply
    (a new card takes longer: the user reads the answer for the first time).
    """

    by_type: Mapping[str, float] = field(default_factory=dict)
    overall: float | None = None
    default_new: float = DEFAULT_NEW_SECONDS
    default_seen: float = DEFAULT_SEEN_SECONDS

    @classmethod
    def from_samples(cls, samples: Iterable[tuple[str, float]]) -> AnswerTimes:
        """Medians from `(card type, seconds)` pairs, e.g. the review log's durations.

        Non-positive or non-finite durations (unknown or broken clocks) are ignored.
        """
        per_type: dict[str, list[float]] = {}
        every: list[float] = []
        for card_type, seconds in samples:
            if not math.isfinite(seconds) or seconds <= 0:
                continue
            per_type.setdefault(card_type, []).append(seconds)
            every.append(seconds)
        return cls(
            by_type={t: statistics.median(v) for t, v in per_type.items()},
            overall=statistics.median(every) if every else None,
        )

    def seconds(self, card_type: str, *, new: bool) -> float:
        known = self.by_type.get(card_type, self.overall)
        if known is not None and known > 0:
            return known
        return self.default_new if new else self.default_seen


# ------------------------------------------------------------------------------- the gain rule


@dataclass(frozen=True, slots=True)
class Candidate:
    """An item that could be studied now; `state` is None when it was never studied."""

    key: ItemKey
    card_type: CardType
    state: fsrs.Card | None = None
    weight: float = 1.0  # the card's weight: its gain counts as much in readiness


@dataclass(frozen=True, slots=True)
class Choice:
    """A candidate with its expected gain in recall at the target and its expected cost.

    `gain_if_waiting` is set for an item last reviewed less than a day ago when a day will have
    passed before the target: fsrs counts elapsed time in whole days, so a review now is a
    same-day review (small stability increase) while the same review a little later counts as a
    day's spacing. When waiting gains more, `priority` is negative: study it later.
    """

    candidate: Candidate
    gain: float       # expected rise of the item's recall probability at the target, x weight
    seconds: float    # expected study time, follow-up learning steps included
    recall_now: float  # P(recall now) used for the expectation
    at_target: float  # recall at the target if not studied
    gain_if_waiting: float | None = None  # the gain if studied one day after its last review

    @property
    def per_minute(self) -> float:
        return self.gain * 60.0 / self.seconds if self.seconds > 0 else 0.0

    @property
    def priority(self) -> float:
        """What the ranking sorts by: gain per minute, or the loss per minute of not waiting."""
        if self.gain_if_waiting is not None and self.gain_if_waiting > self.gain:
            loss = self.gain - self.gain_if_waiting
            return loss * 60.0 / self.seconds if self.seconds > 0 else loss
        return self.per_minute


@dataclass(frozen=True, slots=True)
class _Outcome:
    value: float        # expected recall at the target
    follow_ups: float   # expected number of extra answers (learning steps shown again)
    recall_now: float


@dataclass(frozen=True, slots=True)
class _Branches:
    """What answering a card at one moment leads to, by grade: expected recall at the target and
    extra answers after Good and after Again. It depends on the memory state and on the whole
    days elapsed (fsrs' review counts whole days), not on the exact hour: the memo's unit."""

    good: float
    good_follow: float
    again: float
    again_follow: float

    def mix(self, p: float) -> _Outcome:
        """The outcome when the card is recalled with probability `p` (continuous time)."""
        return _Outcome(value=p * self.good + (1.0 - p) * self.again,
                        follow_ups=p * self.good_follow + (1.0 - p) * self.again_follow,
                        recall_now=p)


def _is_learning(card: fsrs.Card) -> bool:
    return card.state in (fsrs.State.Learning, fsrs.State.Relearning)


class _Evaluator:
    """The gain rule for one (now, target), with a memo shared by every candidate.

    Recall is in continuous time (`Scheduler.retrievability`, see `fsrs_adapter.recall`); the
    states after a review are fsrs' own. Speed (a 10,000-item deck must rank well under a second):
    fuzz only moves due dates, which the rule reads only for learning steps (never fuzzed), so
    reviews go through an unfuzzed twin of the scheduler, skipping its per-review seeding and lock;
    and what a review leads to (`_Branches`) is memoized by memory state and whole days elapsed,
    each card's own recall now (to the microsecond) weighing the two grades.
    """

    def __init__(
        self,
        scheduler: Scheduler,
        now: datetime,
        target: datetime,
        times: AnswerTimes,
        follow_up: timedelta | None,
        scale: MemoryScale | None = None,
    ) -> None:
        self.now = now
        self.target = target
        self.times = times
        self.follow_up = follow_up
        settings = scheduler.settings
        self.reviewer = scheduler
        if settings.enable_fuzzing:
            self.reviewer = Scheduler(replace(settings, enable_fuzzing=False))
        # Cards reach here with aware UTC datetimes (fsrs insists), so the adapter's closure
        # skips `Scheduler.retrievability`'s checks: a ranking calls it four times an item.
        # With a scale, readiness' own forecast: averaged over it (core.study.forecast).
        self.retrievability: Callable[[fsrs.Card, datetime], float] = (
            fsrs_adapter.card_recall(scheduler.recall_curve) if scale is None
            else scale.card_recall(scheduler.recall_curve))
        self.memo: dict[Hashable, _Branches] = {}

    def recall(self, state: fsrs.Card | None, at: datetime) -> float:
        if state is None or state.last_review is None or state.stability is None:
            return 0.0
        return self.retrievability(state, at)

    def study(self, card: fsrs.Card, now: datetime, depth: int) -> _Outcome:
        """Expected recall at the target if `card` is answered at `now`: Good with P(recall now),
        else Again. With `follow_up` set, a card left in a learning step due within `follow_up` (and
        before the target) is assumed to be shown again then, at most `depth` more times."""
        return self.branches(card, now, depth).mix(self.recall(card, now))

    def branches(self, card: fsrs.Card, now: datetime, depth: int) -> _Branches:
        """Each grade's expected recall at the target and follow-up answers (see `study`)."""
        values: list[float] = []
        for rating in (fsrs.Rating.Good, fsrs.Rating.Again):
            after = self.reviewer.review(card, rating, now)
            if (
                self.follow_up is not None
                and depth > 0
                and _is_learning(after)
                and after.due - now <= self.follow_up
                and after.due < self.target
            ):
                nxt = self.study(after, after.due, depth - 1)
                values += (nxt.value, 1.0 + nxt.follow_ups)
            else:
                values += (self.recall(after, self.target), 0.0)
        return _Branches(*values)

    def memo_key(self, state: fsrs.Card | None, at: datetime | None = None) -> Hashable:
        """Everything a review's branches depend on, for this (now, target), `at` (default now)
        being when the review is made.

        fsrs' review reads elapsed time in whole days only, and after it the card's last review is
        `at`: two cards with the same memory state and the same day count lead to the same states;
        card id and due date do not matter. Their recall now, in continuous time, differs and is
        applied per card (`_Branches.mix`). New cards share a key.
        """
        if state is None or state.last_review is None:
            return None if state is None else ("unreviewed", state.state, state.step)
        at = self.now if at is None else at
        return (
            state.state,
            state.step,
            state.stability,
            state.difficulty,
            (at - state.last_review).days,
            at,
        )

    def first_cost(self, candidate: Candidate) -> float:
        state = candidate.state
        new = state is None or state.last_review is None
        return self.times.seconds(candidate.card_type, new=new)

    def _branches_at(self, state: fsrs.Card | None, at: datetime) -> _Branches:
        key = self.memo_key(state, at)
        found = self.memo.get(key)
        if found is None:
            card = state if state is not None else self.reviewer.new_card(1)
            # Depth 3 covers the default learning steps (2) and a lapse's relearning step.
            found = self.memo[key] = self.branches(card, at, depth=3)
        return found

    def choice(self, candidate: Candidate) -> Choice:
        state = candidate.state
        outcome = self._branches_at(state, self.now).mix(self.recall(state, self.now))
        skip = self.recall(state, self.target)
        seconds = self.first_cost(candidate) + outcome.follow_ups * self.times.seconds(
            candidate.card_type, new=False
        )
        waiting = None
        if state is not None and state.last_review is not None:
            day_later = state.last_review + _DAY
            if self.now < day_later < self.target:
                later = self._branches_at(state, day_later).mix(self.recall(state, day_later))
                waiting = (later.value - skip) * candidate.weight
        return Choice(
            candidate=candidate,
            gain=(outcome.value - skip) * candidate.weight,
            seconds=seconds,
            recall_now=outcome.recall_now,
            at_target=skip,
            gain_if_waiting=waiting,
        )


def _check_times(target: datetime, now: datetime) -> tuple[datetime, datetime]:
    target = aware_utc(target, "target")
    now = aware_utc(now, "now")
    if target <= now:
        raise TargetPassedError(f"the briefing time {target.isoformat()} has passed")
    return target, now


def expected_gain(
    candidate: Candidate,
    target: datetime,
    now: datetime,
    *,
    scheduler: Scheduler,
    times: AnswerTimes | None = None,
    follow_up: timedelta | None = None,
    scale: MemoryScale | None = None,
) -> Choice:
    """The briefing rule for one candidate (see the module docstring; `scale` as in
    `choose_next`)."""
    target, now = _check_times(target, now)
    return _Evaluator(scheduler, now, target, times or AnswerTimes(), follow_up,
                      scale).choice(candidate)


def choose_next(
    candidates: Sequence[Candidate],
    target: datetime,
    now: datetime,
    *,
    scheduler: Scheduler,
    times: AnswerTimes | None = None,
    limit: int | None = None,
    min_gap: timedelta = timedelta(minutes=10),
    follow_up: timedelta | None = None,
    scale: MemoryScale | None = None,
) -> list[Choice]:
    """Candidates ranked by expected gain in recall at `target` per minute, best first.

    Ties keep the order of `candidates` (deck order). Items answered less than `min_gap` ago are
    left out, so the answer just shown is not asked again at once. With `limit`, only the best
    `limit` are returned: the head of the full ranking, found faster (a candidate is evaluated only
    if its bound, the most it could gain per minute, can beat the ones kept).
    `follow_up`: also count learning steps due within it as shown again (see `_Evaluator.study`).
    `scale`: recall as readiness forecasts it, each point forecast averaged over the stability
    scale (`core.study.forecast`), so the rule raises the readiness shown; None: point forecasts.
    Raises TargetPassedError when `target` is not after `now`.
    """
    target, now = _check_times(target, now)
    evaluator = _Evaluator(scheduler, now, target, times or AnswerTimes(), follow_up, scale)
    # Thousands of unfuzzed reviews (the evaluator's reviewer never fuzzes): fsrs copies each card
    # the fast way, the adapter's trick (off with BRIEFING_QUIZ_NO_FAST_COPY=1).
    with fsrs_adapter.FastCopies():
        return _rank(evaluator, candidates, limit, min_gap)


def _rank(evaluator: _Evaluator, candidates: Sequence[Candidate], limit: int | None,
          min_gap: timedelta) -> list[Choice]:
    """`choose_next`'s ranking with `evaluator` (see there)."""
    now, target = evaluator.now, evaluator.target
    eligible = [
        (index, candidate)
        for index, candidate in enumerate(candidates)
        if candidate.state is None
        or candidate.state.last_review is None
        or now - candidate.state.last_review >= min_gap
    ]
    if limit is None:
        ranked = [(evaluator.choice(c), i) for i, c in eligible]
        ranked.sort(key=lambda entry: (-entry[0].priority, entry[1]))
        return [choice for choice, _ in ranked]
    if limit < 1:
        return []
    # Branch and bound: priority <= gain per minute, gain <= 1 - R_target(not studied), and the
    # cost is at least one answer.
    bounded = sorted(
        (
            (
                -(1.0 - evaluator.recall(c.state, target)) * c.weight * 60.0
                / evaluator.first_cost(c),
                i,
                c,
            )
            for i, c in eligible
        ),
        key=lambda entry: (entry[0], entry[1]),
    )
    best: list[tuple[float, int, Choice]] = []  # (-per_minute, index, choice), sorted
    for neg_bound, index, candidate in bounded:
        if len(best) >= limit and best[-1][0] < neg_bound:
            break  # nothing left can beat (or tie) the ones kept
        choice = evaluator.choice(candidate)
        best.append((-choice.priority, index, choice))
        best.sort(key=lambda entry: (entry[0], entry[1]))
        del best[limit:]
    return [choice for _, _, choice in best]
