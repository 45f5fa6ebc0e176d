"""The one real clock (services/clock.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from briefing_quiz.services.clock import local_now, local_zone, utc_now


def test_utc_now_is_aware_utc_and_current() -> None:
    before = datetime.now(timezone.utc)
    now = utc_now()
    assert now.tzinfo is timezone.utc
    assert before <= now <= before + timedelta(seconds=5)


def test_local_now_and_zone_agree_with_the_system() -> None:
    now = local_now()
    assert now.utcoffset() == datetime.now().astimezone().utcoffset()
    assert local_zone(now).utcoffset(now) == now.utcoffset()
