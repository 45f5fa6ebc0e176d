"""The scheduler: same states as fsrs, deterministic fuzz, UTC, day start and labels."""

from __future__ import annotations

import random
from copy import copy
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import fsrs
import fsrs.scheduler
import pytest

from briefing_quiz.core import fsrs_adapter
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.scheduler import (
    NEW_CARD_DUE,
    Scheduler,
    SchedulerSettings,
    format_interval,
    fsrs_card_id,
    study_day_start,
)

UTC = timezone.utc
T0 = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
R = fsrs.Rating
NEW_YORK = ZoneInfo("America/New_York")

# Scripted reviews: (rating, time since the previous review). `None` means "when it falls due".
Step = tuple[fsrs.Rating, timedelta | None]
Script = list[Step]


def _script(*steps: Step) -> Script:
    return list(steps)


SCRIPTS: dict[str, Script] = {
    "all good on time": _script(*[(R.Good, None)] * 8),
    "easy from the start": _script(*[(R.Easy, None)] * 5),
    "lapse and relearn": _script(*[(R.Good, None)] * 4, (R.Again, None), (R.Good, None),
                                 (R.Good, None)),
    "hard and again mixed": _script((R.Hard, None), (R.Again, None), (R.Good, None),
                                    (R.Hard, None), (R.Good, None), (R.Again, None),
                                    (R.Easy, None)),
    "reviewed late": _script((R.Good, None), (R.Good, None), (R.Good, timedelta(days=40)),
                             (R.Good, timedelta(days=200))),
    "reviewed early, same day": _script(*[(R.Good, timedelta(minutes=1))] * 4,
                                        (R.Again, timedelta(hours=3))),
    "long gap then again": _script((R.Good, None), (R.Easy, None),
                                   (R.Again, timedelta(days=900)), (R.Good, None)),
}
SETTINGS: dict[str, SchedulerSettings] = {
    "defaults": SchedulerSettings(enable_fuzzing=False),
    "one step, high retention": SchedulerSettings(
        desired_retention=0.97, learning_steps=(timedelta(minutes=5),),
        relearning_steps=(), maximum_interval_days=60, enable_fuzzing=False),
    "no learning steps": SchedulerSettings(learning_steps=(), desired_retention=0.8,
                                           enable_fuzzing=False),
}


def _direct(settings: SchedulerSettings, fuzz: bool | None = None) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        maximum_interval=settings.maximum_interval_days,
        enable_fuzzing=settings.enable_fuzzing if fuzz is None else fuzz,
    )


def _times(card: fsrs.Card, step: timedelta | None, previous: datetime) -> datetime:
    return card.due if step is None else previous + step


@pytest.mark.parametrize("settings_name", SETTINGS)
@pytest.mark.parametrize("script_name", SCRIPTS)
def test_states_equal_fsrs_without_fuzz(settings_name: str, script_name: str) -> None:
    settings = SETTINGS[settings_name]
    ours, theirs = Scheduler(settings), _direct(settings)
    card_a = ours.new_card(42, T0)
    card_b = fsrs.Card(card_id=42, due=T0)
    now = T0
    for rating, step in SCRIPTS[script_name]:
        now = max(now, _times(card_a, step, now))
        card_a = ours.review(card_a, rating, now)
        card_b, _ = theirs.review_card(card_b, rating, now)
        assert card_a == card_b
        assert card_a.due.tzinfo is UTC and card_a.last_review == now


def _run(scheduler: Scheduler, card_id: int, script: Script) -> list[fsrs.Card]:
    card, now, states = scheduler.new_card(card_id), T0, []
    for rating, step in script:
        now = max(now, _times(card, step, now)) if card.last_review else T0
        card = scheduler.review(card, rating, now)
        states.append(card)
    return states


@pytest.mark.parametrize("script_name", SCRIPTS)
def test_fuzz_is_deterministic_and_replayable(script_name: str) -> None:
    script = SCRIPTS[script_name]
    first = _run(Scheduler(), 7, script)
    random.seed(12345)  # the global RNG must not influence (nor be consumed by) our fuzz
    second = _run(Scheduler(), 7, script)
    assert first == second
    # Replaying the log (rating, time) from scratch, even via JSON, gives the very same final state.
    log = [(rating, card.last_review) for (rating, _), card in zip(script, first, strict=True)]
    replayed = Scheduler().replay(7, [(r, t) for r, t in log if t is not None])
    assert replayed == first[-1]
    assert fsrs.Card.from_json(replayed.to_json()) == first[-1]


def test_fuzz_depends_on_card_and_time_and_stays_in_fsrs_range() -> None:
    plain_scheduler = Scheduler(SchedulerSettings(enable_fuzzing=False))
    mature = _run(plain_scheduler, 1, [(R.Good, None)] * 4)[-1]
    when = mature.due
    plain_days = (plain_scheduler.review(mature, R.Good, when).due - when).days
    assert plain_days > 20

    def fuzzed_days(card_id: int, at: datetime) -> int:
        card = copy(mature)
        card.card_id = card_id
        return (Scheduler().review(card, R.Good, at).due - at).days

    by_card = {fuzzed_days(card_id, when) for card_id in range(1, 41)}
    by_time = {fuzzed_days(1, when + timedelta(seconds=s)) for s in range(40)}
    for days in (by_card, by_time):
        assert len(days) > 3, "fuzz should spread intervals"
        assert all(abs(d - plain_days) <= 1 + 0.15 * plain_days for d in days)
    # Sub-second differences do not change the fuzz (stores may keep only milliseconds).
    assert fuzzed_days(5, when) == fuzzed_days(5, when + timedelta(microseconds=999_999))


def test_review_leaves_global_random_and_fsrs_module_untouched() -> None:
    before = fsrs.scheduler.random  # type: ignore[attr-defined]
    random.seed(99)
    expected = [random.random() for _ in range(3)]
    random.seed(99)
    _run(Scheduler(), 3, [(R.Good, None)] * 6)
    assert [random.random() for _ in range(3)] == expected
    assert fsrs.scheduler.random is before  # type: ignore[attr-defined]
    assert fsrs.scheduler.copy is copy  # type: ignore[attr-defined]  # bound back after each review


@pytest.mark.parametrize("script_name", SCRIPTS)
def test_fast_card_copy_gives_the_states_of_fsrs_own_copy(
        script_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _run(Scheduler(), 9, SCRIPTS[script_name])
    monkeypatch.setattr(fsrs_adapter, "FAST_CARD_COPY", False)  # fsrs' copy.copy
    assert _run(Scheduler(), 9, SCRIPTS[script_name]) == fast
    assert all(type(card) is fsrs.Card for card in fast)


def test_review_does_not_mutate_its_input() -> None:
    s = Scheduler()
    card = s.review(s.new_card(1), R.Good, T0)
    snapshot = copy(card)
    s.review(card, R.Again, T0 + timedelta(days=3))
    s.preview(card, T0 + timedelta(days=3))
    assert card == snapshot


@pytest.mark.parametrize("fuzz", [False, True])
@pytest.mark.parametrize("script_name", ["all good on time", "lapse and relearn", "reviewed late"])
def test_preview_matches_review(fuzz: bool, script_name: str) -> None:
    s = Scheduler(SchedulerSettings(enable_fuzzing=fuzz))
    card, now = s.new_card(11), T0
    for rating, step in SCRIPTS[script_name]:
        now = max(now, _times(card, step, now)) if card.last_review else T0
        preview = s.preview(card, now)
        assert set(preview) == set(R)
        for grade in R:
            assert preview[grade] == s.review(card, grade, now).due - now
        card = s.review(card, rating, now)
    # Again is never later than Easy.
    assert preview[R.Again] <= preview[R.Good] <= preview[R.Easy]


def test_preview_of_new_card_uses_learning_steps() -> None:
    preview = Scheduler().preview(Scheduler().new_card(5), T0)
    assert preview[R.Again] == timedelta(minutes=1)
    assert preview[R.Good] == timedelta(minutes=10)
    assert preview[R.Easy] >= timedelta(days=1)


@pytest.mark.parametrize("call", ["review", "preview", "retrievability", "new_card", "day"])
def test_naive_datetimes_are_rejected(call: str) -> None:
    s, naive = Scheduler(), datetime(2024, 1, 1, 9, 0)
    card = s.new_card(1)
    with pytest.raises(ValueError, match="timezone-aware"):
        if call == "review":
            s.review(card, R.Good, naive)
        elif call == "preview":
            s.preview(card, naive)
        elif call == "retrievability":
            s.retrievability(s.review(card, R.Good, T0), naive)
        elif call == "new_card":
            s.new_card(1, naive)
        else:
            study_day_start(naive, UTC)


def test_naive_datetime_inside_a_card_is_rejected() -> None:
    card = fsrs.Card(card_id=1, due=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match=r"card\.due"):
        Scheduler().review(card, R.Good, T0)


def test_aware_non_utc_times_are_converted() -> None:
    s = Scheduler()
    local = T0.astimezone(ZoneInfo("Asia/Tokyo"))
    a = s.review(s.new_card(3), R.Easy, local)
    b = s.review(s.new_card(3), R.Easy, T0)
    assert a == b
    assert a.due.tzinfo is UTC and a.last_review is not None and a.last_review.tzinfo is UTC
    # A stored card with a non-UTC offset is accepted too.
    shifted = copy(a)
    shifted.due = a.due.astimezone(NEW_YORK)
    shifted.last_review = T0.astimezone(NEW_YORK)
    later = T0 + timedelta(days=9)
    assert s.review(shifted, R.Good, later) == s.review(a, R.Good, later)


@pytest.mark.parametrize("back", [timedelta(seconds=1), timedelta(hours=5), timedelta(days=30)])
def test_clock_going_backwards_counts_as_zero_elapsed(back: timedelta) -> None:
    s = Scheduler()
    card = s.review(s.new_card(8), R.Good, T0)
    card = s.review(card, R.Good, T0 + timedelta(days=1))
    last = card.last_review
    assert last is not None
    earlier = s.review(card, R.Good, last - back)
    assert earlier == s.review(card, R.Good, last)
    assert earlier.last_review == last and earlier.due > last
    assert earlier.stability is not None and earlier.stability > 0
    # ... and replaying the log including the backwards step reproduces it.
    log = [(R.Good, T0), (R.Good, T0 + timedelta(days=1)), (R.Good, last - back)]
    assert s.replay(8, log) == earlier
    # preview at a backwards time does not crash and measures from `now`.
    assert s.preview(card, last - back)[R.Good] == earlier.due - (last - back)


def test_retrievability() -> None:
    s = Scheduler(SchedulerSettings(enable_fuzzing=False))
    new = s.new_card(2)
    assert s.retrievability(new, T0) == 0.0
    card = s.review(s.review(new, R.Good, T0), R.Good, T0 + timedelta(minutes=10))
    at_review = s.retrievability(card, T0 + timedelta(minutes=10))
    later = s.retrievability(card, T0 + timedelta(days=5))
    much_later = s.retrievability(card, T0 + timedelta(days=500))
    assert at_review == pytest.approx(1.0)
    assert 1.0 > later > much_later > 0.0
    # At a whole number of days after the last review, fsrs' own (whole-day) value.
    assert card.last_review is not None
    five = card.last_review + timedelta(days=5)
    assert s.retrievability(card, five) == pytest.approx(
        _direct(s.settings).get_card_retrievability(card, five), abs=1e-15)
    assert isinstance(s.retrievability(new, T0), float)


def test_recall_falls_with_the_hours_not_the_days() -> None:
    """Continuous time, unlike fsrs' whole-day get_card_retrievability (issue 13)."""
    s = Scheduler(SchedulerSettings(enable_fuzzing=False))
    card = s.review(s.review(s.new_card(3), R.Good, T0), R.Good, T0 + timedelta(days=2))
    assert card.last_review is not None
    at = card.last_review

    def hours(n: float) -> float:
        return s.retrievability(card, at + timedelta(hours=n))

    assert hours(5) < hours(1) < 1.0
    assert hours(29) < hours(25) < hours(23)
    # fsrs reads both as "one whole day": the difference is ours, on purpose.
    fsrs_direct = _direct(s.settings)
    assert (fsrs_direct.get_card_retrievability(card, at + timedelta(hours=25))
            == fsrs_direct.get_card_retrievability(card, at + timedelta(hours=29)))


def test_settings_reach_fsrs() -> None:
    settings = SchedulerSettings(learning_steps=(timedelta(minutes=3),), maximum_interval_days=5,
                                 enable_fuzzing=False)
    s = Scheduler(settings)
    assert s.preview(s.new_card(1), T0)[R.Again] == timedelta(minutes=3)
    card = s.new_card(1)
    now = T0
    for _ in range(6):
        card = s.review(card, R.Easy, now)
        now = card.due
    assert card.last_review is not None and card.due - card.last_review == timedelta(days=5)


@pytest.mark.parametrize("bad", [
    {"desired_retention": 1.0}, {"desired_retention": 0.0}, {"learning_steps": (timedelta(0),)},
    {"relearning_steps": (timedelta(minutes=-1),)}, {"maximum_interval_days": 0},
    {"new_cards_per_day": -1}, {"leech_lapses": -2}, {"day_starts_at_hour": 24},
])
def test_settings_validation(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SchedulerSettings(**bad)  # type: ignore[arg-type]


def test_new_card_due() -> None:
    s = Scheduler()
    assert s.new_card(9).due == NEW_CARD_DUE
    assert s.new_card(9, T0.astimezone(NEW_YORK)).due == T0
    assert s.new_card(9).state == fsrs.State.Learning and s.new_card(9).card_id == 9


def test_fsrs_card_id_is_stable_positive_and_distinct() -> None:
    key = ItemKey("feb2022", "invasion-date")
    # Pinned: progress files store this id, so it must never change between releases.
    assert fsrs_card_id(key) == 522922550602948864
    keys = [ItemKey("d", f"c{i}", item) for i in range(200) for item in (0, 1, 2)]
    ids = [fsrs_card_id(k) for k in keys]
    assert len(set(ids)) == len(ids)
    assert all(0 < i < 2**63 for i in ids)
    assert fsrs_card_id(ItemKey("d", "c", 0)) != fsrs_card_id(ItemKey("d", "c", 1))


def _ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0, fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK, fold=fold)


@pytest.mark.parametrize(("now", "hour", "expected"), [
    # an ordinary day: before 4 am it is still yesterday
    (_ny(2024, 6, 5, 3, 59), 4, _ny(2024, 6, 4, 4)),
    (_ny(2024, 6, 5, 4, 0), 4, _ny(2024, 6, 5, 4)),
    (_ny(2024, 6, 5, 23, 59), 4, _ny(2024, 6, 5, 4)),
    (_ny(2024, 6, 5, 0, 0), 0, _ny(2024, 6, 5, 0)),
    # spring forward (2024-03-10, 02:00 EST -> 03:00 EDT)
    (_ny(2024, 3, 10, 3, 30), 4, _ny(2024, 3, 9, 4)),
    (_ny(2024, 3, 10, 5, 0), 4, _ny(2024, 3, 10, 4)),
    (_ny(2024, 3, 10, 12, 0), 2, datetime(2024, 3, 10, 7, 0, tzinfo=UTC)),  # 02:00 does not exist
    # fall back (2024-11-03, 01:00-02:00 happens twice)
    # (in UTC: PEP 495 makes times in the repeated hour unequal to any other zone's)
    (_ny(2024, 11, 3, 1, 30), 1, datetime(2024, 11, 3, 5, 0, tzinfo=UTC)),  # 01:00 EDT
    (_ny(2024, 11, 3, 1, 30, fold=1), 1, datetime(2024, 11, 3, 5, 0, tzinfo=UTC)),
    (_ny(2024, 11, 3, 0, 59), 1, _ny(2024, 11, 2, 1)),
    (_ny(2024, 11, 3, 4, 0), 4, _ny(2024, 11, 3, 4)),
])
def test_study_day_start(now: datetime, hour: int, expected: datetime) -> None:
    start = study_day_start(now, NEW_YORK, hour)
    assert start == expected
    assert start.tzinfo is UTC


def test_study_day_start_converts_other_zones_and_days_vary_in_length() -> None:
    now_utc = datetime(2024, 3, 10, 7, 30, tzinfo=UTC)  # 03:30 EDT in New York, 16:30 in Tokyo
    assert study_day_start(now_utc, NEW_YORK) == _ny(2024, 3, 9, 4)
    assert study_day_start(now_utc, ZoneInfo("Asia/Tokyo")) == datetime(2024, 3, 9, 19, tzinfo=UTC)
    assert study_day_start(now_utc, UTC, hour=0) == datetime(2024, 3, 10, tzinfo=UTC)
    start = study_day_start(_ny(2024, 3, 10, 12), NEW_YORK)
    next_start = study_day_start(_ny(2024, 3, 11, 12), NEW_YORK)
    assert next_start - start == timedelta(hours=24)
    short = study_day_start(_ny(2024, 3, 10, 12), NEW_YORK, hour=0)
    assert study_day_start(_ny(2024, 3, 11, 12), NEW_YORK, hour=0) - short == timedelta(hours=23)
    with pytest.raises(ValueError, match="hour"):
        study_day_start(now_utc, UTC, hour=24)


@pytest.mark.parametrize(("delta", "label"), [
    (timedelta(0), "<1m"), (timedelta(seconds=-30), "<1m"), (timedelta(seconds=59), "<1m"),
    (timedelta(seconds=60), "1m"), (timedelta(minutes=10), "10m"), (timedelta(seconds=330), "6m"),
    (timedelta(minutes=59, seconds=40), "1h"), (timedelta(hours=1), "1h"),
    (timedelta(hours=3, minutes=20), "3h"), (timedelta(hours=23, minutes=40), "1d"),
    (timedelta(days=1), "1d"), (timedelta(days=3), "3d"), (timedelta(days=30), "30d"),
    (timedelta(days=31), "1mo"), (timedelta(days=36), "1.2mo"), (timedelta(days=45), "1.5mo"),
    (timedelta(days=300), "9.9mo"), (timedelta(days=364), "1y"), (timedelta(days=365), "1y"),
    (timedelta(days=767), "2.1y"), (timedelta(days=36500), "100y"),
])
def test_format_interval(delta: timedelta, label: str) -> None:
    assert format_interval(delta) == label
