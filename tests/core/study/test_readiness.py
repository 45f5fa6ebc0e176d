"""Briefing mode maths: readiness, the gain rule, the mock test pick and the cheat-sheet order.

Every time is given (no clock). The FSRS formula appears only here, to check our values by hand.
"""

from __future__ import annotations

import copy
import itertools
import random
from datetime import datetime, timedelta, timezone

import fsrs
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing_quiz.core.model import (
    Card,
    ItemKey,
    TypedCard,
)
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings
from briefing_quiz.core.study.readiness import (
    AnswerTimes,
    Candidate,
    Readiness,
    TargetPassedError,
    choose_next,
    expected_gain,
    readiness,
    target_reached,
)
from briefing_quiz.core.study.sheet import card_strengths, weakest_first
from tests.core.study.conftest import cloze_gaps

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GOOD, AGAIN = fsrs.Rating.Good, fsrs.Rating.Again
W = DEFAULT_PARAMETERS
DECAY = -W[20]
FACTOR = 0.9 ** (1 / DECAY) - 1


def hand_r(elapsed_days: int, stability: float) -> float:
    """FSRS-6 retrievability, written out: R(t, S) = (1 + FACTOR * t / S) ** DECAY."""
    return float((1 + FACTOR * elapsed_days / stability) ** DECAY)


def typed(card_id: str, *tags: str, deck: str = "d") -> TypedCard:
    return TypedCard(id=card_id, deck_id=deck, tags=tags, question=f"{card_id}?", answer="x")


def key(card: Card, item: int = 0) -> ItemKey:
    return ItemKey(card.deck_id, card.id, item)


@pytest.fixture
def scheduler() -> Scheduler:
    return Scheduler()


def history(
    scheduler: Scheduler, card_id: int, reviews: list[tuple[fsrs.Rating, datetime]]
) -> fsrs.Card:
    card = scheduler.new_card(card_id)
    for rating, at in reviews:
        card = scheduler.review(card, rating, at)
    return card


# ------------------------------------------------------------------------------------ readiness


def test_readiness_of_a_scripted_history_equals_the_fsrs_formula(scheduler: Scheduler) -> None:
    a, b, c = typed("a", "army"), typed("b", "army", "gas"), typed("c", "gas")
    gaps = cloze_gaps("g", (1, 2), "gas")
    states = {
        key(a): history(scheduler, 1, [(GOOD, T0)]),            # first answer Good: S = w2
        key(b): history(scheduler, 2, [(AGAIN, T0)]),           # first answer Again: S = w0
        key(gaps, 1): history(scheduler, 3, [(GOOD, T0)]),      # gap 2 and card c: never studied
    }
    assert states[key(a)].stability == pytest.approx(W[2])
    assert states[key(b)].stability == pytest.approx(W[0])
    at = T0 + timedelta(days=5, hours=6)  # fsrs counts whole days: 5

    result = readiness([a, b, c, gaps], states, at, scheduler=scheduler)

    r_good, r_again = hand_r(5, W[2]), hand_r(5, W[0])
    assert result.items == 5
    assert result.overall == pytest.approx((r_good + r_again + r_good + 0 + 0) / 5, abs=1e-12)
    assert result.by_tag["army"] == pytest.approx((r_good + r_again) / 2, abs=1e-12)
    # "gas": card b, card c, and each of the cloze card's two items
    assert result.by_tag["gas"] == pytest.approx((r_again + 0 + r_good + 0) / 4, abs=1e-12)
    assert result.by_deck == {"d": pytest.approx(result.overall)}
    assert result.weakest == [("gas", result.by_tag["gas"]), ("army", result.by_tag["army"])]


def test_never_studied_items_count_zero(scheduler: Scheduler) -> None:
    cards: list[Card] = [typed("a", "x"), cloze_gaps("g", (1, 2, 3), "y")]
    result = readiness(cards, {}, T0, scheduler=scheduler)
    assert (result.overall, result.items) == (0.0, 4)
    assert result.by_tag == {"x": 0.0, "y": 0.0}
    assert not target_reached(result)
    assert readiness([], {}, T0, scheduler=scheduler).overall == 0.0


def test_readiness_json_and_percent(scheduler: Scheduler) -> None:
    card = typed("a", "army")
    states = {key(card): history(scheduler, 1, [(GOOD, T0)])}
    at = datetime(2026, 3, 9, 14, 0, tzinfo=timezone(timedelta(hours=1)))
    result = readiness([card], states, at, scheduler=scheduler)
    data = result.to_json()
    assert set(data) == {"at", "overall", "by_tag"}
    assert data["at"] == "2026-03-09T13:00:00+00:00"
    assert data["overall"] == round(result.overall, 4)
    assert data["by_tag"] == {"army": round(result.overall, 4)}
    assert result.percent == int(result.overall * 100)
    assert Readiness(at, 0.8999999, {}, 1, []).percent == 89


def test_readiness_rises_after_right_answers(scheduler: Scheduler) -> None:
    cards = [typed(f"c{i}", "t") for i in range(6)]
    states = {key(c): history(scheduler, i + 1, [(GOOD, T0 - timedelta(days=9))])
              for i, c in enumerate(cards[:4])}
    target = T0 + timedelta(days=3)
    now = T0
    before = readiness(cards, states, target, scheduler=scheduler).overall
    for _ in range(6):
        candidates = [Candidate(key(c), "typed", states.get(key(c))) for c in cards]
        best = choose_next(candidates, target, now, scheduler=scheduler, limit=1)[0]
        item = best.candidate.key
        state = states.get(item) or scheduler.new_card(len(states) + 1)
        states[item] = scheduler.review(state, GOOD, now)
        after = readiness(cards, states, target, scheduler=scheduler).overall
        assert after > before
        before = after
        now += timedelta(seconds=20)
    assert target_reached(before, threshold=before)
    assert not target_reached(before, threshold=before + 0.01)


# -------------------------------------------------------------------------------- the gain rule


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
    # A new card answered Again comes back after 1 and 10 minutes (recalled the same day): two more
    # answers, each raising the stability a little.
    assert counted.seconds == AnswerTimes().default_new + 2 * AnswerTimes().default_seen
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


# -- the cheat sheet's order (core.study.sheet) ----------------------------------------------------


def test_weakest_first_is_stable() -> None:
    items = [("a", 0.5), ("b", 0.1), ("c", 0.5), ("d", 0.0), ("e", 0.1)]
    assert weakest_first(items) == [("d", 0.0), ("b", 0.1), ("e", 0.1), ("a", 0.5), ("c", 0.5)]


def test_card_strengths_take_the_weakest_item(scheduler: Scheduler) -> None:
    gaps, plain = cloze_gaps("g", (1, 2)), typed("a")
    states = {
        key(gaps, 1): history(scheduler, 1, [(GOOD, T0)]),
        key(gaps, 2): history(scheduler, 2, [(AGAIN, T0)]),
        key(plain): history(scheduler, 3, [(GOOD, T0)]),
    }
    at = T0 + timedelta(days=4)
    strengths = card_strengths([gaps, plain, typed("never")], states, at, scheduler=scheduler)
    assert [(c.id, round(v, 12)) for c, v in strengths] == [
        ("g", round(hand_r(4, W[0]), 12)),
        ("a", round(hand_r(4, W[2]), 12)),
        ("never", 0.0),
    ]
    assert [c.id for c, _ in weakest_first(strengths)] == ["never", "g", "a"]
