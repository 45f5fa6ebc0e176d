"""Simulated students: does briefing mode raise recall at the briefing more than the strongest
simple policies, and does the app's readiness forecast come true? (issue 13)

A simulated student's memory follows FSRS-6 **in continuous time** (recall (1 + F t / S)^-decay with
t in fractional days) with parameters *of their own* (each weight perturbed, seeded), and each item
has its own ease (its stability after the first exposure is scaled by a seeded log-normal factor).
The student studies M minutes each evening (19:00) on each of the N days before a briefing at
14:00; every answer is a Bernoulli draw with the student's own recall and is graded Good when
recalled and Again when forgotten. The app, which does not know the student's parameters, updates
its own FSRS state (default parameters) through the adapter after each answer.

Four ways of choosing what to study, with the same minutes:
  briefing     `core.study.briefing_rule.choose_next` (gain in recall at the target per minute);
  due-first    learning cards due, then due reviews (most overdue first), then new cards in deck
               order with no daily limit, then learning cards due within 20 minutes (learn-ahead);
  weakest      the item with the lowest forecast recall at the target first (new items: 0, in deck
               order), none answered in the last 10 minutes;
  round-robin  through the deck in order, again and again.
Scenarios: the evening before (1 day x 45 min, 300 items), 3 days x 20 min, 7 x 10, 14 x 5 (200
items). Reported per scenario: the student's true recall at the briefing (mean over items, never
studied: 0) per policy, and, for briefing mode, the forecast error: the app's readiness minus the
true recall, in points, before and after `optimize --apply` (fsrs-rs: fit, refit on the whole log,
memory states recomputed) on the student's own log, when it holds enough reviews
(`core.study.fitting.MIN_ITEMS`).
Targets: briefing mode at or above the best baseline in every scenario; forecast mean absolute
error at most 3 points and never over-confident by more than 5. Exits 1 if briefing mode is below
the best baseline in a scenario (the forecast targets are reported, not enforced).

    python benchmarks/bench_briefing.py [--quick] [--seeds N] [--first-seed S] [--scenario NAME]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import fsrs

from briefing_quiz.core import fsrs_adapter
from briefing_quiz.core.model import CardType, ItemKey
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings
from briefing_quiz.core.study.briefing_rule import AnswerTimes, Candidate, choose_next
from briefing_quiz.core.study.fitting import MIN_ITEMS, fit_items
from briefing_quiz.core.study.forecast import MemoryScale, memory_scale
from briefing_quiz.core.study.statistics import calibration

UTC = timezone.utc
TARGET = datetime(2026, 12, 10, 14, 0, tzinfo=UTC)
SESSION_HOUR = 19
LEARN_AHEAD = timedelta(minutes=20)
MIN_GAP = timedelta(minutes=10)
#: Median answer seconds per card type for the simulated student; new cards take 1.5 times longer.
TYPE_SECONDS: dict[CardType, float] = {
    "truefalse": 7.0, "choice": 10.0, "typed": 14.0, "cloze": 13.0, "order": 22.0, "basic": 11.0,
}
TYPES: tuple[CardType, ...] = tuple(TYPE_SECONDS)
DEFAULT_SETTINGS = SchedulerSettings()
POLICIES = ("briefing", "due-first", "weakest", "round-robin")
BASELINES = POLICIES[1:]


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    days: int
    minutes: float
    items: int


SCENARIOS = (
    Scenario("evening before", 1, 45.0, 300),
    Scenario("3 days", 3, 20.0, 200),
    Scenario("7 days", 7, 10.0, 200),
    Scenario("14 days", 14, 5.0, 200),
)


@dataclass
class SeedResult:
    seed: int
    recall: dict[str, float]       # policy -> true recall at the briefing
    answers: dict[str, int]
    forecast_before: float         # readiness - true recall, briefing mode, default parameters
    #: The same after `optimize --apply` on the student's log (None: too few reviews): the
    #: parameters refitted on the whole log, memory states recomputed from it, as the app does.
    forecast_after: float | None
    fit_items: int                 # reviews in the log that optimize can learn from

    @property
    def best_baseline(self) -> float:
        return max(self.recall[p] for p in BASELINES)


def student_parameters(rng: random.Random) -> tuple[float, ...]:
    """FSRS weights perturbed by up to about +-35% (log-normal), kept inside fsrs' bounds."""
    bounds = fsrs_adapter.parameter_bounds()
    assert bounds is not None
    return tuple(min(max(w * math.exp(rng.gauss(0.0, 0.3)), lo), hi) for w, lo, hi in zip(
        fsrs_adapter.default_parameters(), *bounds, strict=True))


class Student:
    """The true memory: one fsrs card per item under the student's own parameters, recalled in
    continuous time."""

    def __init__(self, rng: random.Random, n_items: int,
                 parameters: Sequence[float] | None = None) -> None:
        self.rng = rng
        own = student_parameters(rng) if parameters is None else parameters
        self.fsrs = fsrs.Scheduler(parameters=own, enable_fuzzing=False)
        self.curve = fsrs_adapter.recall_curve(self.fsrs)
        self.ease = [math.exp(rng.gauss(0.0, 0.5)) for _ in range(n_items)]
        self.cards: list[fsrs.Card | None] = [None] * n_items

    def recall(self, i: int, now: datetime) -> float:
        card = self.cards[i]
        if card is None or card.stability is None or card.last_review is None:
            return 0.0
        return fsrs_adapter.recall(self.curve, card.stability,
                                   fsrs_adapter.elapsed_days(card.last_review, now))

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

    def __init__(self, seed: int, n_items: int, scheduler: Scheduler, *,
                 parameters: Sequence[float] | None = None, deck: str = "sim") -> None:
        rng = random.Random(seed)
        self.types: list[CardType] = [rng.choice(TYPES) for _ in range(n_items)]
        self.student = Student(random.Random(rng.random()), n_items, parameters)
        self.duration_rng = random.Random(rng.random())
        self.scheduler = scheduler
        self.states: list[fsrs.Card | None] = [None] * n_items
        self.keys = [ItemKey(deck, f"c{i}") for i in range(n_items)]
        self.new_today = 0
        self.samples: list[tuple[str, float]] = []
        self.log: list[tuple[ItemKey, int, datetime]] = []
        self.after: list[fsrs.Card] = []  # the app's state after each review of `log`
        self.answers = 0
        self.cursor = 0  # round-robin's next item
        self.scale: MemoryScale | None = None  # the briefing rule's (`session`)

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
        self.log.append((self.keys[i], int(rating), now))
        self.after.append(self.states[i])
        self.answers += 1
        return seconds

    def session(self, start: datetime, minutes: float, policy: Policy) -> None:
        self.new_today = 0
        if policy is briefing_policy:  # as the app's session: the scale as it begins
            rows, _ = self.logged(self.scheduler, False)
            self.scale = calibration(rows, self.scheduler).scale(self.scheduler)
        spent = 0.0
        while spent < minutes * 60:
            now = start + timedelta(seconds=spent)
            i = policy(now, self)
            if i is None:
                break
            spent += self.study(i, now)

    def truth(self, at: datetime) -> float:
        n = len(self.states)
        return sum(self.student.recall(i, at) for i in range(n)) / n

    def readiness(self, at: datetime, scheduler: Scheduler | None = None, *,
                  replay: bool = False, point: bool = False) -> float:
        """The app's forecast (readiness, every card weight 1) from the states the app stored,
        with the curve of `scheduler` (default: the app's own); with `replay`, from memory states
        recomputed by replaying the log under `scheduler`'s parameters, as the app does when its
        parameters change (`core.progress.replay`). As the app computes it: each item's forecast
        averaged over the stability scale the deck's own reviews show (`Calibration.scale`, from
        the log as `Store.recall_log` gives it); `point`: the point forecasts instead."""
        n = len(self.states)
        scheduler = scheduler or self.scheduler
        rows, states = self.logged(scheduler, replay)
        scale = calibration(rows, scheduler).scale(scheduler)
        total = 0.0
        for card in states.values():
            value = scheduler.retrievability(card, at)
            total += value if point else scale.expected(value)
        return total / n

    def logged(self, scheduler: Scheduler, replay: bool) -> tuple[
            list[tuple[ItemKey, int, datetime, float | None, str | None]], dict[int, fsrs.Card]]:
        """The log as `Store.recall_log` gives it (with the states the app stored, or with those
        of replaying it under `scheduler` when `replay`), and each item's last state."""
        rows: list[tuple[ItemKey, int, datetime, float | None, str | None]] = []
        states: dict[int, fsrs.Card] = {}
        for key, rating, when in self.log:
            i = int(key.card_id[1:])
            if replay:
                card = scheduler.review(states.get(i) or scheduler.new_card(i + 1),
                                        fsrs.Rating(rating), when)
            else:
                card = self.after[len(rows)]
            states[i] = card
            rows.append((key, rating, when, card.stability,
                         None if card.last_review is None else card.last_review.isoformat()))
        return rows, states


def daily_routine(now: datetime, run: Run) -> int | None:
    """Everyday use before the briefing deck: due-first with at most 20 new cards a day."""
    return due_first(now, run, new_limit=20)


def due_first(now: datetime, run: Run, new_limit: int | None = None) -> int | None:
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
    if first_new is not None and (new_limit is None or run.new_today < new_limit):
        return first_new
    ahead = [entry for entry in learning if entry[0] <= now + LEARN_AHEAD]
    return min(ahead)[1] if ahead else None


def weakest_first(now: datetime, run: Run) -> int | None:
    best: tuple[float, int] | None = None
    for i, state in enumerate(run.states):
        if state is None:
            return i  # forecast 0: the first new item in deck order
        if state.last_review is not None and now - state.last_review < MIN_GAP:
            continue
        value = run.scheduler.retrievability(state, TARGET)
        if best is None or value < best[0]:
            best = (value, i)
    return None if best is None else best[1]


def round_robin(now: datetime, run: Run) -> int | None:
    i = run.cursor
    run.cursor = (run.cursor + 1) % len(run.states)
    return i


def briefing_policy(now: datetime, run: Run) -> int | None:
    candidates = [Candidate(key, card_type, state)
                  for key, card_type, state in zip(run.keys, run.types, run.states, strict=True)]
    ranked = choose_next(candidates, TARGET, now, scheduler=run.scheduler,
                         times=AnswerTimes.from_samples(run.samples), limit=1, scale=run.scale)
    if not ranked:
        return None
    return int(ranked[0].candidate.key.card_id[1:])


POLICY_FUNCTIONS: dict[str, Policy] = {
    "briefing": briefing_policy, "due-first": due_first, "weakest": weakest_first,
    "round-robin": round_robin,
}


#: Everyday use of the app before the briefing deck, whose log `optimize` learns from: this many
#: days of DAILY_MINUTES on a deck of PAST_ITEMS (due-first, 20 new a day). 0: none.
PAST_DAYS, DAILY_MINUTES, PAST_ITEMS = 60, 10.0, 400


def past_log(seed: int, parameters: Sequence[float],
             first_session: datetime) -> list[tuple[ItemKey, int, datetime]]:
    """The same student's reviews of another deck over the PAST_DAYS before `first_session`."""
    run = Run(seed + 100_000, PAST_ITEMS, Scheduler(DEFAULT_SETTINGS), parameters=parameters,
              deck="past")
    for day in range(PAST_DAYS, 0, -1):
        run.session(first_session - timedelta(days=day), DAILY_MINUTES, daily_routine)
    return run.log


def run_seed(seed: int, scenario: Scenario, *, optimize: bool = True) -> SeedResult:
    """Every policy for one student in one scenario; the forecast errors of briefing mode."""
    recall: dict[str, float] = {}
    answers: dict[str, int] = {}
    kept: Run | None = None
    for name in POLICIES:
        run = Run(seed, scenario.items, Scheduler(DEFAULT_SETTINGS))
        for day in range(scenario.days, 0, -1):  # 19:00 on each of the days before the briefing
            run.session(TARGET.replace(hour=SESSION_HOUR) - timedelta(days=day), scenario.minutes,
                        POLICY_FUNCTIONS[name])
        recall[name] = run.truth(TARGET)
        answers[name] = run.answers
        if name == "briefing":
            kept = run
    assert kept is not None
    true = recall["briefing"]
    before = (kept.readiness(TARGET) - true) * 100
    first = TARGET.replace(hour=SESSION_HOUR) - timedelta(days=scenario.days)
    log = [*past_log(seed, kept.student.fsrs.parameters, first), *kept.log] if PAST_DAYS else \
        kept.log
    items = fit_items(sorted(log, key=lambda row: row[2]), UTC)
    after = None
    if optimize and len(items) >= MIN_ITEMS:
        from briefing_quiz.services.optimize import fit, refit

        # As `optimize --apply`: written only when better on the time split, then refitted on
        # the whole log, and the deck's memory states recomputed with them.
        result = fit(items)
        after = before
        if result.fitted.log_loss < result.default.log_loss:
            own = Scheduler(SchedulerSettings(parameters=refit(items), enable_fuzzing=False))
            after = (kept.readiness(TARGET, own, replay=True) - true) * 100
    return SeedResult(seed, recall, answers, before, after, len(items))


def compare(seeds: Sequence[int], scenario: Scenario) -> list[SeedResult]:
    """Every policy and the forecast errors, per seed, in one scenario."""
    return [run_seed(s, scenario) for s in seeds]


@dataclass
class Summary:
    scenario: Scenario
    results: list[SeedResult]
    mean: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.mean = {p: statistics.fmean(r.recall[p] for r in self.results) for p in POLICIES}

    @property
    def best_baseline(self) -> tuple[str, float]:
        name = max(BASELINES, key=lambda p: self.mean[p])
        return name, self.mean[name]

    @property
    def met(self) -> bool:
        return self.mean["briefing"] >= self.best_baseline[1]

    def errors(self, after: bool) -> list[float]:
        return [e for r in self.results
                if (e := r.forecast_after if after else r.forecast_before) is not None]


def forecast_figures(errors: Sequence[float]) -> tuple[float, float] | None:
    """(mean absolute error, worst over-confidence), in points; None without errors."""
    if not errors:
        return None
    return statistics.fmean(abs(e) for e in errors), max(errors)


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
    # Recall averaged over a stability scale, as a briefing session ranks (the prior's: a deck
    # without reviews a while apart; `core.study.forecast`).
    scale = memory_scale((), scheduler.recall_curve[1])
    scale.expected(0.5)  # its table, made once per session, is not the ranking's
    started = time.process_time()
    choose_next(candidates, target, now, scheduler=scheduler, scale=scale)
    full = time.process_time() - started
    started = time.process_time()
    choose_next(candidates, target, now, scheduler=scheduler, limit=1, scale=scale)
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


def format_table(summaries: Sequence[Summary]) -> str:
    lines = [f"{'scenario':<24}" + "".join(f"{p:>12}" for p in POLICIES)
             + f"{'vs best':>9}  {'forecast before':>17}  {'after optimize':>17}"]
    for s in summaries:
        sc = s.scenario
        name = f"{sc.name} ({sc.days}x{sc.minutes:g}m,{sc.items})"
        best = s.best_baseline[1]
        cells = "".join(f"{s.mean[p]:>12.3f}" for p in POLICIES)
        parts = []
        for after in (False, True):
            figures = forecast_figures(s.errors(after))
            n = len(s.errors(after))
            parts.append("n/a (few reviews)" if figures is None else
                         f"{figures[0]:>4.1f} / {figures[1]:>+5.1f}" + (f" ({n})" if after else ""))
        lines.append(f"{name:<24}{cells}{(s.mean['briefing'] - best) * 100:>+8.1f}p"
                     f"  {parts[0]:>17}  {parts[1]:>17}")
    lines.append("recall: the student's true recall at the briefing, mean over items and seeds; "
                 "vs best: briefing minus the best baseline, points; forecast: mean absolute "
                 "error / worst (readiness - true recall), points (+: over-confident); after "
                 "optimize: seeds whose log held enough reviews, counted in brackets.")
    return "\n".join(lines)


def targets_text(summaries: Sequence[Summary]) -> list[str]:
    """One line per target: met or by how much not."""
    out = []
    below = [s.scenario.name for s in summaries if not s.met]
    out.append("briefing mode >= best baseline in every scenario: "
               + ("met" if not below else f"NOT met in {', '.join(below)}"))
    for after in (False, True):
        label = "after optimize" if after else "default parameters"
        errors = [e for s in summaries for e in s.errors(after)]
        figures = forecast_figures(errors)
        if figures is None:
            out.append(f"forecast ({label}): no seed had enough reviews")
            continue
        mae, worst = figures
        out.append(f"forecast ({label}): MAE {mae:.1f} points (target <= 3: "
                   f"{'met' if mae <= 3 else f'NOT met by {mae - 3:.1f}'}), worst over-confidence "
                   f"{worst:+.1f} (target <= +5: "
                   f"{'met' if worst <= 5 else f'NOT met by {worst - 5:.1f}'})")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="3 seeds (a smoke run)")
    parser.add_argument("--seeds", type=int, help="number of seeds (default 8, quick 3)")
    parser.add_argument("--first-seed", type=int, default=1,
                        help="the first seed (default 1; e.g. 101 for students not used while "
                             "developing)")
    parser.add_argument("--scenario", choices=[s.name for s in SCENARIOS], action="append",
                        help="only this scenario (repeatable)")
    args = parser.parse_args(argv)
    seeds = args.seeds or (3 if args.quick else 8)
    chosen = [s for s in SCENARIOS if not args.scenario or s.name in args.scenario]
    started = time.perf_counter()
    summaries = [Summary(s, compare(range(args.first_seed, args.first_seed + seeds), s))
                 for s in chosen]
    print(f"{seeds} simulated students a scenario (seeds {args.first_seed}.."
          f"{args.first_seed + seeds - 1}); a briefing at 14:00, study at "
          f"{SESSION_HOUR}:00 on each day before")
    print(format_table(summaries))
    for line in targets_text(summaries):
        print(line)
    print(f"({time.perf_counter() - started:.1f} s)")
    n = 2_000 if args.quick else 10_000
    full, top, floor = ranking_speed(n)
    print(
        f"ranking {n} items (CPU): full {full:.3f} s ({full / floor:.1f}x the fsrs floor of "
        f"{floor:.3f} s), best only {top:.3f} s ({top / floor:.1f}x)"
    )
    return 0 if all(s.met for s in summaries) else 1


if __name__ == "__main__":
    raise SystemExit(main())
