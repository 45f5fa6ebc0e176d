"""The briefing rule: items ranked by expected gain in recall at the target per minute, the user's
answer times, and the bounded search for the best few.

Every time is given (no clock)."""

from __future__ import annotations

import copy
import itertools
import random
from datetime import datetime, timedelta, timezone

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing_quiz.core.model import (
    ItemKey,
)
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings
from briefing_quiz.core.study.briefing_rule import (
    AnswerTimes,
    Candidate,
    choose_next,
    expected_gain,
)
from briefing_quiz.core.study.readiness import TargetPassedError
from tests.core.study.conftest import history

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GOOD, AGAIN = fsrs.Rating.Good, fsrs.Rating.Again


def rule_by_hand(
    scheduler: Scheduler, state: fsrs.Card | None, now: datetime, target: datetime
) -> float:
    """The gain rule, spelled out with the adapter: E[R_target | study now] - R_target(skip)."""
    card = state or scheduler.new_card(99)
    p = scheduler.retrievability(card, now)
    good = scheduler.retrievability(scheduler.review(card, GOOD, now), target)
    again = scheduler.retrievability(scheduler.review(card, AGAIN, now), target)
    skip = scheduler.retrievability(card, target)
    return p * good + (1 - p) * again - skip


def handcrafted(scheduler: Scheduler) -> tuple[list[Candidate], datetime, datetime]:
    now, target = T0, T0 + timedelta(days=2, hours=5)
    strong = history(scheduler, 1, [(GOOD, now - timedelta(days=d)) for d in (40, 37, 30, 15, 1)])
    weak = history(scheduler, 2, [
        (AGAIN, now - timedelta(days=20)),
        (GOOD, now - timedelta(days=20) + timedelta(minutes=1)),
        (GOOD, now - timedelta(days=20) + timedelta(minutes=11)),
    ])
    candidates = [
        Candidate(ItemKey("d", "strong"), "typed", strong),
        Candidate(ItemKey("d", "new"), "typed", None),
        Candidate(ItemKey("d", "weak"), "typed", weak),
    ]
    return candidates, now, target


def test_gain_ordering_follows_the_rule(scheduler: Scheduler) -> None:
    candidates, now, target = handcrafted(scheduler)
    ranked = choose_next(candidates, target, now, scheduler=scheduler)

    times = AnswerTimes()
    expected = {}
    for c in candidates:
        seconds = times.seconds("typed", new=c.state is None)
        expected[c.key.card_id] = rule_by_hand(scheduler, c.state, now, target) * 60 / seconds
    for choice in ranked:
        assert choice.per_minute == pytest.approx(expected[choice.candidate.key.card_id], abs=1e-12)
    assert [c.candidate.key.card_id for c in ranked] == sorted(expected, key=lambda k: -expected[k])
    # A new item (0 -> learned) beats a weak overdue one, which beats one reviewed yesterday.
    assert [c.candidate.key.card_id for c in ranked] == ["new", "weak", "strong"]
    weak = ranked[1]
    assert 0 < weak.recall_now < 1 and 0 < weak.at_target < 1
    assert ranked[2].gain < 0.01 < weak.gain


def test_the_users_own_answer_times_change_the_order(scheduler: Scheduler) -> None:
    candidates, now, target = handcrafted(scheduler)
    slow_new = [
        Candidate(c.key, "order" if c.state is None else "typed", c.state) for c in candidates
    ]
    times = AnswerTimes.from_samples([("order", 90.0), ("order", 110.0), ("typed", 8.0)])
    ranked = choose_next(slow_new, target, now, scheduler=scheduler, times=times)
    assert [c.candidate.key.card_id for c in ranked] == ["weak", "new", "strong"]
    assert ranked[1].seconds == 100.0


def test_ties_keep_deck_order_and_cards_are_not_mutated(scheduler: Scheduler) -> None:
    candidates, now, target = handcrafted(scheduler)
    before = [copy.copy(c.state) for c in candidates]
    twins = [Candidate(ItemKey("d", f"n{i}"), "typed", None) for i in range(5)]
    ranked = choose_next([*twins, *candidates], target, now, scheduler=scheduler)
    assert [c.candidate.key.card_id for c in ranked[:6]] == ["n0", "n1", "n2", "n3", "n4", "new"]
    assert [c.state for c in candidates] == before


def test_just_answered_items_wait_and_a_past_target_is_refused(scheduler: Scheduler) -> None:
    fresh = history(scheduler, 5, [(AGAIN, T0)])
    candidates = [Candidate(ItemKey("d", "fresh"), "typed", fresh)]
    target = T0 + timedelta(days=1)
    assert choose_next(candidates, target, T0 + timedelta(minutes=5), scheduler=scheduler) == []
    later = choose_next(candidates, target, T0 + timedelta(minutes=10), scheduler=scheduler)
    assert [c.candidate.key.card_id for c in later] == ["fresh"]
    with pytest.raises(TargetPassedError):
        choose_next(candidates, T0, T0, scheduler=scheduler)
    with pytest.raises(ValueError):
        choose_next(candidates, target, T0.replace(tzinfo=None), scheduler=scheduler)


def test_a_review_short_of_a_day_waits_for_the_day(scheduler: Scheduler) -> None:
    # Answered 23 h ago: fsrs counts 0 days, so a review now barely raises the stability; one hour
    # later the same review counts as a day's spacing and gains more. Rank it after everything.
    candidates, now, target = handcrafted(scheduler)
    recent = history(
        scheduler, 9, [(GOOD, now - timedelta(days=3)), (GOOD, now - timedelta(hours=23))]
    )
    almost = Candidate(ItemKey("d", "almost"), "typed", recent)
    ranked = choose_next([almost, *candidates], target, now, scheduler=scheduler)
    last = ranked[-1]
    assert last.candidate.key.card_id == "almost"
    assert last.gain_if_waiting is not None and last.gain_if_waiting > last.gain > 0
    assert last.priority < 0 <= ranked[-2].priority
    # No day left before the briefing: nothing to wait for, the plain rule applies.
    soon = now + timedelta(minutes=30)
    choice = expected_gain(almost, soon, now, scheduler=scheduler)
    assert choice.gain_if_waiting is None and choice.priority == choice.per_minute
    # An hour later the day has passed, and it ranks by its gain again.
    later = expected_gain(almost, target, now + timedelta(hours=1), scheduler=scheduler)
    assert later.gain_if_waiting is None
    assert later.gain == pytest.approx(last.gain_if_waiting)


def test_follow_up_counts_learning_steps_shown_again(scheduler: Scheduler) -> None:
    new = Candidate(ItemKey("d", "new"), "typed", None)
    target = T0 + timedelta(days=3)
    plain = expected_gain(new, target, T0, scheduler=scheduler)
    counted = expected_gain(new, target, T0, scheduler=scheduler, follow_up=timedelta(hours=1))
    assert plain.seconds == AnswerTimes().default_new
    # A new card answered Again comes back after 1 and 10 minutes: two more answers, each raising
    # the stability a little; recall a few minutes on is a little below 1 (continuous time), so
    # a further Again now and then adds a small fraction of an answer.
    two_more = AnswerTimes().default_new + 2 * AnswerTimes().default_seen
    assert two_more < counted.seconds < two_more + 0.1 * AnswerTimes().default_seen
    assert counted.gain > plain.gain


@settings(deadline=None, max_examples=25)
@given(seed=st.integers(0, 10_000), limit=st.integers(1, 4))
def test_limit_gives_the_head_of_the_full_ranking(seed: int, limit: int) -> None:
    scheduler = Scheduler(SchedulerSettings(enable_fuzzing=False))
    rng = random.Random(seed)
    now = T0
    target = now + timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 23))
    candidates = []
    for i in range(30):
        state = None
        if rng.random() < 0.7:
            at = now - timedelta(days=rng.randint(1, 40))
            state = scheduler.new_card(i + 1)
            while at < now - timedelta(minutes=30):
                state = scheduler.review(state, GOOD if rng.random() < 0.8 else AGAIN, at)
                at += timedelta(hours=rng.randint(1, 200))
        candidates.append(Candidate(ItemKey("d", f"c{i}"), rng.choice(["typed", "choice"]), state))
    full = choose_next(candidates, target, now, scheduler=scheduler)
    head = choose_next(candidates, target, now, scheduler=scheduler, limit=limit)
    assert [c.candidate.key for c in head] == [c.candidate.key for c in full[:limit]]
    assert all(a.priority >= b.priority for a, b in itertools.pairwise(full))


def test_limit_looks_past_a_high_bound(scheduler: Scheduler) -> None:
    # Learned an hour ago: much left to gain in principle (bound), little in fact (same-day review).
    # The slow new card has a lower bound but a higher real gain, so the search must not stop early.
    learned = history(scheduler, 1, [(AGAIN, T0 - timedelta(hours=1))])
    candidates = [
        Candidate(ItemKey("d", "learned"), "typed", learned),
        Candidate(ItemKey("d", "new"), "order", None),
    ]
    times = AnswerTimes.from_samples([("order", 40.0), ("typed", 15.0)])
    target = T0 + timedelta(days=9)
    full = choose_next(candidates, target, T0, scheduler=scheduler, times=times)
    bound = {c.candidate.key.card_id: (1 - c.at_target) * 60 / c.seconds for c in full}
    assert bound["learned"] > bound["new"]
    assert [c.candidate.key.card_id for c in full] == ["new", "learned"]
    head = choose_next(candidates, target, T0, scheduler=scheduler, times=times, limit=1)
    assert [c.candidate.key.card_id for c in head] == ["new"]


def test_fuzz_does_not_change_the_ranking() -> None:
    fuzzed, plain = Scheduler(), Scheduler(SchedulerSettings(enable_fuzzing=False))
    candidates, now, target = handcrafted(plain)
    a = choose_next(candidates, target, now, scheduler=fuzzed)
    b = choose_next(candidates, target, now, scheduler=plain)
    assert [(c.candidate.key, c.gain) for c in a] == [(c.candidate.key, c.gain) for c in b]


def test_answer_times_medians_and_defaults() -> None:
    times = AnswerTimes.from_samples(
        [("typed", 10.0), ("typed", 30.0), ("typed", 12.0), ("choice", 4.0), ("choice", -1.0),
         ("cloze", float("nan"))]
    )
    assert times.seconds("typed", new=False) == 12.0
    assert times.seconds("choice", new=True) == 4.0
    assert times.seconds("order", new=False) == 11.0  # overall median of 4, 10, 12, 30
    assert AnswerTimes().seconds("typed", new=True) == 20.0
    assert AnswerTimes().seconds("typed", new=False) == 15.0


def test_a_must_know_card_gains_its_weight_and_ranks_first(scheduler: Scheduler) -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    target = now + timedelta(days=2)
    plain = Candidate(ItemKey("d", "plain"), "typed", None)
    must = Candidate(ItemKey("d", "must"), "typed", None, weight=3.0)
    one = expected_gain(plain, target, now, scheduler=scheduler)
    three = expected_gain(must, target, now, scheduler=scheduler)
    assert three.gain == pytest.approx(3 * one.gain) and one.gain > 0
    for limit in (None, 1):
        ranked = choose_next([plain, must], target, now, scheduler=scheduler, limit=limit)
        assert ranked[0].candidate is must
