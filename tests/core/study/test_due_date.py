"""Set due date as people type it (`core.study.due_date`): each form read against a fixed clock
and zone, echoed back, and the errors that say what is wrong."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from briefing_quiz.core.study.due_date import DueDateError, describe_due, parse_due

UTC = timezone.utc
# Monday 2026-12-07 12:00 UTC; the zone is UTC+1 (13:00 local).
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
TZ = timezone(timedelta(hours=1))


@pytest.mark.parametrize(("text", "local"), [
    ("3", datetime(2026, 12, 10, 4, 0)),
    ("in 3 days", datetime(2026, 12, 10, 4, 0)),
    ("3d", datetime(2026, 12, 10, 4, 0)),
    ("2w", datetime(2026, 12, 21, 4, 0)),
    ("tomorrow", datetime(2026, 12, 8, 4, 0)),
    ("Thu", datetime(2026, 12, 10, 4, 0)),
    ("mon", datetime(2026, 12, 14, 4, 0)),  # today is Monday: the next one
    ("2026-12-20", datetime(2026, 12, 20, 4, 0)),
    ("tomorrow 9:00", datetime(2026, 12, 8, 9, 0)),
])
def test_each_form_is_that_day_from_the_study_day_start(text: str, local: datetime) -> None:
    assert parse_due(text, now=NOW, tz=TZ) == local.replace(tzinfo=TZ).astimezone(UTC)


@pytest.mark.parametrize("text", ["0", "now", "today", " Today "])
def test_now_and_today_are_due_at_once(text: str) -> None:
    assert parse_due(text, now=NOW, tz=TZ) == NOW


def test_the_day_start_hour_is_the_deck_setting() -> None:
    assert parse_due("1", now=NOW, tz=TZ, day_starts_at_hour=6) == datetime(
        2026, 12, 8, 6, 0, tzinfo=TZ).astimezone(UTC)


@pytest.mark.parametrize(("text", "message"), [
    ("", "no due date given"),
    ("tomorow", "cannot read the due date"),
    ("2026-12-01", "in the past"),
    ("2026-02-30", "not a real date"),
])
def test_bad_due_dates_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(DueDateError, match=message):
        parse_due(text, now=NOW, tz=TZ)


def test_the_due_time_is_echoed_back_as_local_time() -> None:
    due = parse_due("in 3 days", now=NOW, tz=TZ)
    assert describe_due(due, now=NOW, tz=TZ) == "Thu 2026-12-10 04:00 (in 3d)"
    assert describe_due(NOW, now=NOW, tz=TZ) == "now"
