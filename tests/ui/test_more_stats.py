"""The statistics screen's second half (issue 18 item 8): answers by grade, intervals,
stability, hour of day and a calendar, counted from the progress file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from briefing_quiz.services.more_stats import bucket_of, more_stats_sync
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.stats import StatsScreen
from tests.conftest import FrozenClock
from tests.ui.conftest import press, ready, screen_text

MakeApp = Callable[..., QuizApp]


def test_buckets() -> None:
    assert [bucket_of(d) for d in (0.5, 1, 2.9, 6, 13, 29, 89, 364, 400)] == [0, 1, 1, 2, 3, 4,
                                                                              5, 6, 7]


async def test_answers_hours_intervals_and_calendar(make_app: MakeApp,
                                                    clock: FrozenClock) -> None:
    app = make_app()
    async with app.run_test(size=(120, 80)) as pilot:
        await ready(pilot)
        # basic: Again then Good; typed: right, Easy (T0 is 09:30 UTC, the app's zone).
        await press(pilot, "enter", "space", "1", *"130000", "enter", "4")
        clock.advance(timedelta(minutes=2))
        await press(pilot, "escape", "escape", "enter")
        await press(pilot, "space", "3", "escape", "escape")
        stats = await app.backend.call(more_stats_sync, app.backend, "mini")
        assert stats.answers == {1: 1, 2: 0, 3: 1, 4: 1}
        assert stats.by_hour[9] == 3 and sum(stats.by_hour) == 3
        assert sum(stats.intervals) == 1  # typed-troops is in review; basic is learning
        assert sum(stats.stability) == 2
        assert stats.calendar == {stats.today: 3}
        await press(pilot, "s")
        assert isinstance(app.screen, StatsScreen)
        text = screen_text(app)
        assert "Answers by grade" in text and "Again █" in text and " 1 (33%)" in text
        assert "most at 09h (3 of 3 reviews)" in text
        assert "reviews on 1 days, at most 3 a day" in text
