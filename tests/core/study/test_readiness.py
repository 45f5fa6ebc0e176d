"""Readiness: the mean recall at a target time, per deck and tag.

Every time is given (no clock). Values are checked against the FSRS formula written out by hand
(`hand_r` in tests/core/study/conftest.py).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import fsrs
import pytest

from briefing_quiz.core.model import (
    Card,
)
from briefing_quiz.core.scheduler import Scheduler
from briefing_quiz.core.study.briefing_rule import (
    Candidate,
    choose_next,
)
from briefing_quiz.core.study.readiness import Readiness, readiness, target_reached
from tests.core.study.conftest import W, cloze_gaps, hand_r, history, key_of, typed

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GOOD, AGAIN = fsrs.Rating.Good, fsrs.Rating.Again


# ------------------------------------------------------------------------------------ readiness


def test_readiness_of_a_scripted_history_equals_the_fsrs_formula(scheduler: Scheduler) -> None:
    a, b, c = typed("a", "army"), typed("b", "army", "gas"), typed("c", "gas")
    gaps = cloze_gaps("g", (1, 2), "gas")
    states = {
        key_of(a): history(scheduler, 1, [(GOOD, T0)]),            # first answer Good: S = w2
        key_of(b): history(scheduler, 2, [(AGAIN, T0)]),           # first answer Again: S = w0
        key_of(gaps, 1): history(scheduler, 3, [(GOOD, T0)]),      # gap 2 and card c: never studied
    }
    assert states[key_of(a)].stability == pytest.approx(W[2])
    assert states[key_of(b)].stability == pytest.approx(W[0])
    at = T0 + timedelta(days=5, hours=6)  # recall in continuous time: 5.25 days

    result = readiness([a, b, c, gaps], states, at, scheduler=scheduler)

    r_good, r_again = hand_r(5.25, W[2]), hand_r(5.25, W[0])
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
    states = {key_of(card): history(scheduler, 1, [(GOOD, T0)])}
    at = datetime(2026, 3, 9, 14, 0, tzinfo=timezone(timedelta(hours=1)))
    result = readiness([card], states, at, scheduler=scheduler)
    data = result.to_json()
    assert set(data) == {"at", "overall", "by_tag", "band"} and data["band"] is None
    assert data["at"] == "2026-03-09T13:00:00+00:00"
    assert data["overall"] == round(result.overall, 4)
    assert data["by_tag"] == {"army": round(result.overall, 4)}
    assert result.percent == int(result.overall * 100)
    assert Readiness(at, 0.8999999, {}, 1, []).percent == 89
    assert Readiness(at, 0.62, {}, 1, []).text == "62%"
    assert Readiness(at, 0.62, {}, 1, [], band=0.087).text == "62% ± 9"


def test_readiness_rises_after_right_answers(scheduler: Scheduler) -> None:
    cards = [typed(f"c{i}", "t") for i in range(6)]
    states = {key_of(c): history(scheduler, i + 1, [(GOOD, T0 - timedelta(days=9))])
              for i, c in enumerate(cards[:4])}
    target = T0 + timedelta(days=3)
    now = T0
    before = readiness(cards, states, target, scheduler=scheduler).overall
    for _ in range(6):
        candidates = [Candidate(key_of(c), "typed", states.get(key_of(c))) for c in cards]
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


def test_a_card_weight_weighs_its_items_in_every_mean(scheduler: Scheduler) -> None:
    must = dataclasses.replace(typed("a", "army"), weight=3.0)
    other = typed("b", "army")
    states = {key_of(must): history(scheduler, 1, [(GOOD, T0)])}
    at = T0 + timedelta(days=2)
    r = scheduler.retrievability(states[key_of(must)], at)
    result = readiness([must, other], states, at, scheduler=scheduler)
    assert result.items == 2
    assert result.overall == pytest.approx(3 * r / 4)  # not r / 2
    assert result.by_tag["army"] == pytest.approx(3 * r / 4)
    assert result.by_deck["d"] == pytest.approx(3 * r / 4)
    # The other way round: the studied card light, the unstudied one heavy.
    light = readiness([typed("a", "army"), dataclasses.replace(other, weight=3.0)], states, at,
                      scheduler=scheduler)
    assert light.overall == pytest.approx(r / 4)


@pytest.mark.parametrize(("text", "zone"), [
    ("0001-01-01 00:00", None),  # the machine's zone: astimezone() of year 1 raised ValueError
    ("0001-01-01 00:00 +05:00", None),  # year 0 in UTC
    ("9999-12-31 23:30 -05:00", None),  # year 10000 in UTC: OverflowError
    ("9999-12-31 23:30", timezone(timedelta(hours=-5))),
])
def test_a_briefing_time_past_the_calendar_is_a_clear_error(text: str,
                                                            zone: timezone | None) -> None:
    """`brief DECK --at "0001-01-01 00:00"` was an internal error (ValueError: year 0)."""
    from briefing_quiz.core.study.readiness import TargetError, parse_target

    with pytest.raises(TargetError, match="is out of range"):
        parse_target(text, now=datetime(2026, 12, 7, tzinfo=timezone.utc), tz=zone)
