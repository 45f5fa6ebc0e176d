"""What the progress store's tests share: their moment, one item key, a store and one way to
record a review through the real scheduler."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import fsrs
import pytest
from fsrs import Rating

from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.store import RecordedReview, Store
from briefing_quiz.core.scheduler import Scheduler, fsrs_card_id
from tests.conftest import StoreFactory

UTC = timezone.utc
#: The moment these tests start at (their assertions spell out times after it); not
#: tests/conftest.py's `T0`, another moment.
PROGRESS_T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = ItemKey("deck", "card", 0)


@pytest.fixture
def store(open_store: StoreFactory) -> Store:
    return open_store()


def review(store: Store, key: ItemKey, rating: Rating, at: datetime,
           sched: Scheduler | None = None, *, duration_ms: int = 1500, content_hash: str = "h1",
           given: str | None = None, correct: bool | None = None) -> RecordedReview:
    """Record `rating` of `key` at `at`, scheduled by `sched` (default settings when None)."""
    scheduler = sched or Scheduler()

    def schedule(prev: fsrs.Card | None) -> fsrs.Card:
        return scheduler.review(prev or scheduler.new_card(fsrs_card_id(key)), rating, at)

    return store.record_review(key, rating, reviewed_at=at, duration_ms=duration_ms,
                               content_hash=content_hash, schedule=schedule, given=given,
                               correct=correct)


def snapshot_bytes(path: Path) -> tuple[bytes, int]:
    """The file's bytes and modification time: what "left unchanged" compares."""
    return path.read_bytes(), path.stat().st_mtime_ns
