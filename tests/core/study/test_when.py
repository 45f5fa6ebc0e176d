"""Briefing times as people type them (issue 18 item 7): each form read against an injected
clock, and each error naming what could not be read."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from briefing_quiz.core.study.readiness import TargetError, TargetPassedError, parse_target
from briefing_quiz.core.study.when import WhenError, read_when

MONDAY = datetime(2026, 12, 7, 6, 10)  # a Monday morning, local wall time


@pytest.mark.parametrize(("text", "expected"), [
    ("tomorrow 9:00", datetime(2026, 12, 8, 9, 0)),
    ("thu 14:00", datetime(2026, 12, 10, 14, 0)),
    ("Thursday, 2 pm", datetime(2026, 12, 10, 14, 0)),
    ("in 3 days 10am", datetime(2026, 12, 10, 10, 0)),
    ("2026-12-07 12", datetime(2026, 12, 7, 12, 0)),
    ("fri noon", datetime(2026, 12, 11, 12, 0)),
    ("in 2 hours", datetime(2026, 12, 7, 8, 10)),
    ("in 1 week 9:30pm", datetime(2026, 12, 14, 21, 30)),
    ("mon 5:00", datetime(2026, 12, 14, 5, 0)),  # Monday 5:00 has passed: next week's
    ("mon 9:00", datetime(2026, 12, 7, 9, 0)),  # still to come today
    ("next mon 9:00", datetime(2026, 12, 14, 9, 0)),  # "next": never today
    ("at 14:30", datetime(2026, 12, 7, 14, 30)),
    ("5:00", datetime(2026, 12, 8, 5, 0)),  # a time alone: its next occurrence
    ("12am", datetime(2026, 12, 8, 0, 0)),
])
def test_forms_people_type(text: str, expected: datetime) -> None:
    assert read_when(text, MONDAY) == expected


@pytest.mark.parametrize(("text", "said"), [
    ("tomorrow", "'tomorrow' has no time of day"),
    ("tomorow 9:00", "cannot read 'tomorow'"),
    ("thu 25:00", "'25:00' in 'thu 25:00' is not a time of day"),
    ("13pm", "with am/pm the hour is 1 to 12"),
    ("in 3 fortnights", "'fortnights' in 'in 3 fortnights' is not a unit"),
    ("in 2 hours 9:00", "is a moment already"),
    ("2026-02-30 9:00", "is not a real date"),
    ("thu at teatime", "cannot read 'teatime' in 'thu at teatime' as a time of day"),
    ("", "no time given"),
])
def test_errors_say_what_is_wrong(text: str, said: str) -> None:
    with pytest.raises(WhenError, match=said):
        read_when(text, MONDAY)


def test_parse_target_reads_them_in_the_zone_given_and_refuses_the_past() -> None:
    zone = timezone(timedelta(hours=1))
    now = datetime(2026, 12, 7, 5, 10, tzinfo=timezone.utc)  # 06:10 in `zone`
    at = parse_target("thu 14:00", now=now, tz=zone)
    assert at == datetime(2026, 12, 10, 13, 0, tzinfo=timezone.utc)
    assert parse_target("2026-12-07 12", now=now, tz=zone).hour == 11
    with pytest.raises(TargetPassedError, match="in the past"):
        parse_target("today 5:00", now=now, tz=zone)
    with pytest.raises(TargetError, match="cannot read the briefing time: cannot read 'soon'"):
        parse_target("soon", now=now, tz=zone)
