"""How times and readiness are written: percentages, changes in points, countdowns."""

from __future__ import annotations

from datetime import timedelta

import pytest

from briefing_quiz.core.study.formatting import change_text, format_countdown, percent_text


def test_readiness_text() -> None:
    assert percent_text(0.63249) == "63.2%" and percent_text(0.89999) == "89.9%"
    assert change_text(0.6285, 0.6324) == "+0.4" and change_text(0.5, 0.4871) == "-1.3"
    assert change_text(0.5, 0.5001) == "+0.0"


@pytest.mark.parametrize(("delta", "long", "short"), [
    (timedelta(days=2, hours=3, minutes=59), "2 days 3 hours", "2d 3h"),
    (timedelta(days=1, minutes=5), "1 day", "1d"),
    (timedelta(hours=5, minutes=1), "5 hours 1 minute", "5h 1m"),
    (timedelta(hours=1), "1 hour", "1h"),
    (timedelta(minutes=8, seconds=59), "8 minutes", "8m"),
    (timedelta(seconds=59), "less than a minute", "<1m"),
    (-timedelta(hours=3), "3 hours", "3h"),
])
def test_format_countdown(delta: timedelta, long: str, short: str) -> None:
    assert format_countdown(delta) == long and format_countdown(delta, short=True) == short
