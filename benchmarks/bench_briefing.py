"""Simulated learner: does briefing mode raise recall at the briefing more than due-first?

A simulated student's memory follows FSRS with parameters *different* from the scheduler's defaults
(each weight perturbed, seeded), and each item has its own ease (its stability after the first
exposure is scaled by a seeded factor). The student studies M minutes a day on each of the N days
before a briefing at 14:00; every answer is a Bernoulli draw with the student's own retrievability
and is graded Good when recalled and Again when forgotten. The scheduler, which does not know the
student's parameters, updates its own FSRS state through the adapter after each answer.

Two ways of choosing what to study, with the same minutes:
  (a) briefing mode: `core.study.briefing_rule.choose_next` (gain in recall at the target per minute);
  (b) due-first: learning cards due, then due reviews (most overdue first), then new cards in deck
      order up to 20 a day, then learning cards due within 20 minutes (Anki's learn-ahead).
The score is the student's true recall at the briefing, averaged over every item (never studied:
0). Exits 1 if briefing mode does not beat due-first for every seed.

    python benchmarks/bench_briefing.py [--quick] [--seeds N] [--days N] [--minutes M] [--items N]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from briefing_quiz.core.model import CardType, ItemKey
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings
from briefing_quiz.core.study.briefing_rule import AnswerTimes, Candidate, choose_next

UTC = timezone.utc
NEW_PER_DAY = 20
LEARN_AHEAD = timedelta(minutes=20)
#: Median answer seconds per card type for the simulated student; new cards take 1.5 times longer.
TYPE_SECONDS: dict[CardType, float] = {
    "truefalse": 7.0, "choice": 10.0, "typed": 14.0, "cloze": 13.0, "order": 22.0, "basic": 11.0,
}
TYPES: tuple[CardType, ...] = tuple(TYPE_SECONDS)
DEFAULT_SETTINGS = SchedulerSettings()


@dataclass(frozen=True, slots=True)
class SeedResult:
    seed: int
    briefing: float   # true recall at the target, briefing mode
    due_first: float  # true recall at the target, due-first scheduling
    answers_briefing: int
    answers_due_first: int
    minutes_briefing: float
    minutes_due_first: float

    @property
    def difference(self) -> float:
        return self.briefing - self.due_first


def student_parameters(rng: random.Random) -> tuple[float, ...]:
    """FSRS weights perturbed by up to about ±35% (log-normal), kept inside fsrs' bounds."""
    out = []
    for w, lo, hi in zip(
        DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
    ):
        out.append(min(max(w * math.exp(rng.gauss(0.0, 0.3)), lo), hi))
    return tuple(out)


class Student:
    """The true memory: one fsrs card per item under the student's own parameters."""

    def __init__(self, rng: random.Random, n_items: int) -> None:
        self.rng = rng
        self.fsrs = fsrs.Scheduler(parameters=student_parameters(rng), enable_fuzzing=False)
        self.ease = [math.exp(rng.gauss(0.0, 0.5)) for _ in range(n_items)]
        self.cards: list[fsrs.Card | None] = [None] * n_items

    def recall(self, i: int, now: datetime) -> float:
        card = self.cards[i]
        return 0.0 if card is None else float(self.fsrs.get_card_retrievability(card, now))

    def answer(self, i: int, now: datetime) -> bool:
        recalled = self.rng.random() < self.recall(i, now)
        card = self.cards[i]
        first = card is None
        if card is None:
            card = fsrs.Card(card_id=i + 1, due=now)
        rating = fsrs.Rating.Good if recalled else fsrs.Rating.Again
        card, _ = self.fsrs.review_card(card, rating, now)
        if first and card.stability is not None:
            card.stability *= self.ease[i]  # some facts are simply easier for this student
        self.cards[i] = card
        return recalled


Policy = Callable[[datetime, "Run"], int | None]


class Run:
    """One student, one scheduler, one policy, from the first study day to the briefing."""

    def __init__(self, seed: int, n_items: int, scheduler: Scheduler) -> None:
        rng = random.Random(seed)
        self.types: list[CardType] = [rng.choice(TYPES) for _ in range(n_items)]
        self.student = Student(random.Random(rng.random()), n_items)
        self.duration_rng = random.Random(rng.random())
        self.scheduler = scheduler
        self.states: list[fsrs.Card | None] = [None] * n_items
        self.keys = [ItemKey("sim", f"c{i}") for i in range(n_items)]
        self.samples: list[tuple[str, float]] = []
        self.new_today = 0
        self.answers = 0
        self.minutes = 0.0

    def duration(self, i: int) -> float:
        base = TYPE_SECONDS[self.types[i]] * (1.5 if self.states[i] is None else 1.0)
        return base * math.exp(self.duration_rng.gauss(0.0, 0.35))

    def study(self, i: int, now: datetime) -> float:
        seconds = self.duration(i)
        recalled = self.student.answer(i, now)
        state = self.states[i]
        if state is None:
            state = self.scheduler.new_card(i + 1)
            self.new_today += 1
        rating = fsrs.Rating.Good if recalled else fsrs.Rating.Again
        self.states[i] = self.scheduler.review(state, rating, now, int(seconds * 1000))
        self.samples.append((self.types[i], seconds))
        self.answers += 1
        return seconds

    def session(self, start: datetime, minutes: float, policy: Policy) -> None:
        self.new_today = 0
        spent = 0.0
        while spent < minutes * 60:
            now = start + timedelta(seconds=spent)
            i = policy(now, self)
            if i is None:
                break
            spent += self.study(i, now)
        self.minutes += spent / 60

    def score(self, at: datetime) -> float:
        n = len(self.states)
        return sum(self.student.recall(i, at) for i in range(n)) / n


def due_first(now: datetime, run: Run) -> int | None:
    learning: list[tuple[datetime, int]] = []
    reviews: list[tuple[datetime, int]] = []
    first_new: int | None = None
    for i, state in enumerate(run.states):
        if state is None:
            if first_new is None:
                first_new = i
        elif state.state in (fsrs.State.Learning, fsrs.State.Relearning):
            learning.append((state.due, i))
        elif state.due <= now:
            reviews.append((state.due, i))
    due_learning = [entry for entry in learning if entry[0] <= now]
    if due_learning:
        return min(due_learning)[1]
    if reviews:
        return min(reviews)[1]
    if first_new is not None and run.new_today < NEW_PER_DAY:
        return first_new
    ahead = [entry for entry in learning if entry[0] <= now + LEARN_AHEAD]
    return min(ahead)[1] if ahead else None


def briefing_policy(target: datetime) -> Policy:
    def choose(now: datetime, run: Run) -> int | None:
        candidates = [
            Candidate(key, card_type, state)
            for key, card_type, state in zip(run.keys, run.types, run.states, strict=True)
        ]
        ranked = choose_next(
            candidates, target, now, scheduler=run.scheduler,
            times=AnswerTimes.from_samples(run.samples), limit=1,
        )
        if not ranked:
            return None
        return int(ranked[0].candidate.key.card_id[1:])

    return choose


def compare_seed(
    seed: int,
    *,
    days: int = 7,
    minutes: float = 10.0,
    items: int = 200,
    settings: SchedulerSettings = DEFAULT_SETTINGS,
) -> SeedResult:
    target = datetime(2026, 12, 10, 14, 0, tzinfo=UTC)
    runs: list[Run] = []
    policies: tuple[Policy, Policy] = (briefing_policy(target), due_first)
    for policy in policies:
        run = Run(seed, items, Scheduler(settings))
        for day in range(days, 0, -1):  # 09:00 on each of the days before the 14:00 briefing
            run.session(target.replace(hour=9) - timedelta(days=day), minutes, policy)
        runs.append(run)
    a, b = runs
    return SeedResult(
        seed, a.score(target), b.score(target), a.answers, b.answers, a.minutes, b.minutes
    )


def compare(
    seeds: Sequence[int],
    *,
    days: int = 7,
    minutes: float = 10.0,
    items: int = 200,
    settings: SchedulerSettings = DEFAULT_SETTINGS,
) -> list[SeedResult]:
    """Recall at the briefing reached by briefing mode and by due-first scheduling, per seed."""
    return [
        compare_seed(s, days=days, minutes=minutes, items=items, settings=settings)
        for s in seeds
    ]


def ranking_speed(n: int = 10_000, seed: int = 0) -> tuple[float, float, float]:
    """CPU seconds to rank `n` items fully and to find the best one, and a floor measured alongside.

    Four in five items have a seeded review state, the rest are new. The floor is the fsrs work the
    rule cannot avoid, done directly on a plain fsrs scheduler: two reviews and four
    retrievabilities per reviewed item.
    """
    rng = random.Random(seed)
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    target = now + timedelta(days=4, hours=5)
    candidates = []
    for i in range(n):
        state = None
        if rng.random() < 0.8:
            last = now - timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 1439))
            state = fsrs.Card(
                card_id=i + 1, state=fsrs.State.Review, stability=rng.uniform(0.2, 100.0),
                difficulty=rng.uniform(1.0, 10.0), due=last + timedelta(days=3), last_review=last,
            )
        candidates.append(Candidate(ItemKey("speed", f"c{i}"), rng.choice(TYPES), state))
    scheduler = Scheduler()
    started = time.process_time()
    choose_next(candidates, target, now, scheduler=scheduler)
    full = time.process_time() - started
    started = time.process_time()
    choose_next(candidates, target, now, scheduler=scheduler, limit=1)
    top = time.process_time() - started
    plain = fsrs.Scheduler(enable_fuzzing=False)
    started = time.process_time()
    for candidate in candidates:
        card = candidate.state
        if card is not None:
            plain.get_card_retrievability(card, now)
            plain.get_card_retrievability(card, target)
            for rating in (fsrs.Rating.Good, fsrs.Rating.Again):
                after, _ = plain.review_card(card, rating, now)
                plain.get_card_retrievability(after, target)
    floor = time.process_time() - started
    return full, top, floor


def format_table(results: Sequence[SeedResult]) -> str:
    lines = [
        f"{'seed':>4}  {'briefing':>8}  {'due-first':>9}  {'diff':>6}  {'answers a/b':>11}"
        f"  {'minutes a/b':>11}",
    ]
    for r in results:
        lines.append(
            f"{r.seed:>4}  {r.briefing:>8.3f}  {r.due_first:>9.3f}  {r.difference:>+6.3f}"
            f"  {r.answers_briefing:>5}/{r.answers_due_first:<5}"
            f"  {r.minutes_briefing:>5.1f}/{r.minutes_due_first:<5.1f}"
        )
    mean_a = statistics.fmean(r.briefing for r in results)
    mean_b = statistics.fmean(r.due_first for r in results)
    lines.append(f"{'mean':>4}  {mean_a:>8.3f}  {mean_b:>9.3f}  {mean_a - mean_b:>+6.3f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="3 seeds, 100 items (a smoke run)")
    parser.add_argument("--seeds", type=int, help="number of seeds (default 8, quick 3)")
    parser.add_argument("--days", type=int, default=7, help="study days before the briefing")
    parser.add_argument("--minutes", type=float, default=10.0, help="minutes of study a day")
    parser.add_argument("--items", type=int, help="deck size in review items (default 200)")
    args = parser.parse_args(argv)
    seeds = args.seeds or (3 if args.quick else 8)
    items = args.items or (100 if args.quick else 200)
    started = time.perf_counter()
    results = compare(range(1, seeds + 1), days=args.days, minutes=args.minutes, items=items)
    print(
        f"{items} items, {args.days} days x {args.minutes:g} min before a briefing; "
        f"recall at the briefing (student's true retrievability, mean over items)"
    )
    print(format_table(results))
    print(f"({time.perf_counter() - started:.1f} s)")
    n = 2_000 if args.quick else 10_000
    full, top, floor = ranking_speed(n)
    print(
        f"ranking {n} items (CPU): full {full:.3f} s ({full / floor:.1f}x the fsrs floor of "
        f"{floor:.3f} s), best only {top:.3f} s ({top / floor:.1f}x)"
    )
    worse = [r.seed for r in results if r.difference <= 0]
    if worse:
        print(f"briefing mode did not beat due-first for seeds {worse}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
