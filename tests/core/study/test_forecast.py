"""Readiness as expected recall over the stability scale the person's own reviews show
(`core.study.forecast`, issue 13)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Rating

from briefing_quiz.core import fsrs_adapter
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.scheduler import Scheduler
from briefing_quiz.core.study.briefing_rule import Candidate, choose_next
from briefing_quiz.core.study.forecast import (
    MIN_EVIDENCE_DAYS,
    NODES,
    MemoryScale,
    evidence_bin,
    memory_scale,
)
from briefing_quiz.core.study.readiness import readiness
from briefing_quiz.core.study.statistics import calibration
from tests.core.study.conftest import make_deck, typed

UTC = timezone.utc
SCHED = Scheduler()
FACTOR, DECAY = SCHED.recall_curve
T0 = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)


def evidence(n: int, k: float, seed: int = 0) -> list[tuple[int, int, int]]:
    """`n` reviews of a person whose memory lasts `k` times what the parameters say: each at
    a point forecast drawn between 60% and 97%, answered right with the true recall."""
    rng = random.Random(seed)
    bins: dict[int, list[int]] = {}
    for _ in range(n):
        point = rng.uniform(0.6, 0.97)
        x = point ** (1 / DECAY) - 1
        right = rng.random() < (1 + x / k) ** DECAY
        counts = bins.setdefault(evidence_bin(x), [0, 0])
        counts[0] += 1
        counts[1] += right
    return [(b, n, r) for b, (n, r) in bins.items()]


def test_with_no_reviews_a_high_forecast_is_lowered_and_the_extremes_stay() -> None:
    prior = memory_scale((), DECAY)
    assert len(prior.scales) == NODES and prior.reviews == 0
    assert prior.scales[NODES // 2] == pytest.approx(1.0, abs=1e-9)  # the prior's median
    for point in (0.8, 0.9, 0.97):
        assert prior.expected(point) < point - 0.001  # Jensen: recall is concave in log k here
    assert prior.expected(0.0) == 0.0 and prior.expected(1.0) == 1.0
    for low in (0.1, 0.3):  # a low forecast: the average is a little above it (convex there)
        assert low < prior.expected(low) < low + 0.001


def test_the_forecast_converges_to_the_point_as_reviews_agree_with_the_parameters() -> None:
    scales = [memory_scale(evidence(n, 1.0), DECAY) for n in (0, 50, 500, 5000)]
    widths = [s.scales[-1] / s.scales[0] for s in scales]
    assert widths[0] > widths[1] > widths[2] > widths[3]  # the posterior narrows
    assert [s.reviews for s in scales] == [0, 50, 500, 5000]
    last = scales[-1]
    assert widths[3] < 1.3 < 2.5 < widths[0]
    for point in (0.6, 0.85, 0.95):
        assert last.expected(point) == pytest.approx(point, abs=0.004)
    assert abs(last.expected(0.9) - 0.9) < abs(scales[0].expected(0.9) - 0.9)


@pytest.mark.parametrize("k", [0.5, 2.0])
def test_reviews_showing_a_weaker_or_stronger_memory_move_the_forecast_there(k: float) -> None:
    scale = memory_scale(evidence(3000, k, seed=1), DECAY)
    point = 0.85
    x = point ** (1 / DECAY) - 1
    truth = (1 + x / k) ** DECAY
    assert scale.expected(point) == pytest.approx(truth, abs=0.01)
    assert (scale.expected(point) < point) == (k < 1)


def test_calibration_collects_evidence_from_reviews_a_while_apart_only() -> None:
    key = ItemKey("d", "a")
    card = SCHED.review(SCHED.new_card(1), Rating.Good, T0)
    rows = [(key, int(Rating.Good), T0, card.stability, card.last_review.isoformat())]
    # A learning step 10 minutes later: no evidence; then a review two days later: evidence.
    step = SCHED.review(card, Rating.Good, T0 + timedelta(minutes=10))
    rows.append((key, int(Rating.Good), T0 + timedelta(minutes=10), step.stability,
                 step.last_review.isoformat()))
    later = T0 + timedelta(days=2)
    after = SCHED.review(step, Rating.Again, later)
    rows.append((key, int(Rating.Again), later, after.stability, after.last_review.isoformat()))
    fared = calibration(rows, SCHED)
    assert fared.reviews == 2
    x = FACTOR * fsrs_adapter.elapsed_days(step.last_review, later) / step.stability
    assert fared.evidence == ((evidence_bin(x), 1, 0),)
    assert MIN_EVIDENCE_DAYS > 10 / 1440
    # One wrong answer where a right one was forecast: the scale leans below 1.
    assert fared.scale(SCHED).expected(0.9) < memory_scale((), DECAY).expected(0.9)


def test_readiness_and_the_briefing_rule_use_the_scale() -> None:
    deck = make_deck([typed("a"), typed("b")])
    card = SCHED.review(SCHED.new_card(1), Rating.Good, T0)
    states = {ItemKey("d", "a"): card}
    target = T0 + timedelta(hours=19)
    point = readiness(deck.cards, states, target, scheduler=SCHED)
    weaker = MemoryScale((0.5,), DECAY)
    scaled = readiness(deck.cards, states, target, scheduler=SCHED, scale=weaker)
    value = SCHED.retrievability(card, target)
    assert point.overall == pytest.approx(value / 2)
    assert scaled.overall == pytest.approx(weaker.expected(value) / 2)
    assert scaled.overall < point.overall
    # The rule's gain is in the scale's recall: skipping the studied card costs more there.
    candidates = [Candidate(ItemKey("d", "a"), "typed", card)]
    now = T0 + timedelta(hours=2)
    (plain,) = choose_next(candidates, target, now, scheduler=SCHED)
    (scaled_choice,) = choose_next(candidates, target, now, scheduler=SCHED, scale=weaker)
    assert plain.at_target == pytest.approx(value)
    assert scaled_choice.at_target == pytest.approx(weaker.expected(value))
    assert scaled_choice.gain != pytest.approx(plain.gain)


@pytest.mark.parametrize("scale", [memory_scale((), DECAY), MemoryScale((0.5,), DECAY),
                                   memory_scale(evidence(400, 0.7, seed=2), DECAY),
                                   MemoryScale((0.3, 1.0, 3.0), -0.5)])
def test_the_table_gives_the_computed_expectation(scale: MemoryScale) -> None:
    rng = random.Random(3)
    points = [rng.random() for _ in range(5000)] + [1e-9, 1e-4, 0.5, 0.999999, 1 - 1e-12]
    for point in points:
        assert scale.expected(point) == pytest.approx(scale.exact(point), abs=1e-6)
    assert scale.expected(0.0) == 0.0 and scale.expected(1.0) == 1.0


def test_the_rankings_closure_is_the_adapters_recall_then_the_expectation() -> None:
    scale = memory_scale(evidence(300, 0.8, seed=4), DECAY)
    fused = scale.card_recall(SCHED.recall_curve)
    point = fsrs_adapter.card_recall(SCHED.recall_curve)
    rng = random.Random(5)
    card = SCHED.review(SCHED.new_card(1), Rating.Good, T0)
    for _ in range(500):
        card = SCHED.review(card, rng.choice([Rating.Again, Rating.Good]),
                            card.last_review + timedelta(hours=rng.uniform(0.1, 200)))
        at = card.last_review + timedelta(hours=rng.uniform(0, 500))
        assert fused(card, at) == scale.expected(point(card, at))
    assert fused(card, card.last_review) == 1.0
