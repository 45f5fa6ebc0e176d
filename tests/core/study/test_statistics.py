"""Statistics over time (core.stats): due forecast, reviews per day, true retention per week."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs
import pytest
from fsrs import Rating

from briefing_quiz.core.model import Deck, ItemKey, TypedCard
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler, fsrs_card_id
from briefing_quiz.core.study.statistics import (
    DayCount,
    RetentionWeek,
    due_forecast,
    reviews_per_day,
    study_date,
    true_retention,
)

UTC = timezone.utc
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)  # a Monday
DECK = Deck(id="d", title="D", path=None, cards=tuple(
    TypedCard(id=c, deck_id="d", question=f"{c}?", answer=c) for c in "abcdefgxyz"))


def local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "p.sqlite3")
    yield s
    s.close()


def set_due(store: Store, card_id: str, due: datetime, deck: str = "d") -> None:
    """An item in the review phase, due at `due` (its state written as a review would)."""
    k = ItemKey(deck, card_id)
    card = fsrs.Card(card_id=fsrs_card_id(k), state=fsrs.State.Review, stability=5.0,
                     difficulty=5.0, due=due.astimezone(UTC),
                     last_review=(due - timedelta(days=5)).astimezone(UTC))
    store.record_review(k, Rating.Good, reviewed_at=due - timedelta(days=5), duration_ms=1,
                        content_hash="h", schedule=lambda _prev: card)


def review(store: Store, card_id: str, rating: Rating, at: datetime, deck: str = "d") -> int:
    k = ItemKey(deck, card_id)
    sched = Scheduler()

    def schedule(prev: fsrs.Card | None) -> fsrs.Card:
        return sched.review(prev or sched.new_card(fsrs_card_id(k)), rating, at)

    return store.record_review(k, rating, reviewed_at=at, duration_ms=5000, content_hash="h",
                               schedule=schedule).review_id


def test_study_date_starts_at_the_hour() -> None:
    assert study_date(local(3, 3, 3, 59), PARIS) == date(2026, 3, 2)
    assert study_date(local(3, 3, 4, 0), PARIS) == date(2026, 3, 3)
    assert study_date(local(3, 3, 0, 30), PARIS, hour=0) == date(2026, 3, 3)


def test_due_forecast(store: Store) -> None:
    set_due(store, "a", local(3, 3, 2, 30))   # before 4 am: still today's study day
    set_due(store, "b", local(3, 3, 5, 0))    # tomorrow
    set_due(store, "c", local(2, 20, 9, 0))   # overdue: today
    set_due(store, "d", local(3, 5, 12, 0))   # in three days, but suspended
    store.suspend(ItemKey("d", "d"), at=NOW)
    set_due(store, "g", local(3, 5, 18, 0))   # in three days
    set_due(store, "e", local(5, 1, 12, 0))   # beyond the forecast
    set_due(store, "gone", local(3, 2, 12, 0))  # a card no longer in the deck
    set_due(store, "a", local(3, 2, 12, 0), deck="other")
    forecast = due_forecast(store, DECK, 30, now=NOW, tz=PARIS)
    assert len(forecast) == 30
    assert forecast[0] == DayCount(date(2026, 3, 2), 2)
    assert forecast[:4] == [DayCount(date(2026, 3, 2), 2), DayCount(date(2026, 3, 3), 1),
                            DayCount(date(2026, 3, 4), 0), DayCount(date(2026, 3, 5), 1)]
    assert sum(d.count for d in forecast) == 4
    assert forecast[-1].day == date(2026, 3, 31)


def test_reviews_per_day(store: Store) -> None:
    review(store, "a", Rating.Good, local(3, 1, 3, 0))     # study day Feb 28
    review(store, "b", Rating.Good, local(3, 1, 5, 0))     # Mar 1
    review(store, "c", Rating.Good, local(3, 2, 9, 0))     # today
    review(store, "d", Rating.Again, local(3, 2, 9, 30))   # today
    undone = review(store, "e", Rating.Good, local(3, 2, 9, 40))
    store.undo_review(undone, at=local(3, 2, 9, 41))
    review(store, "a", Rating.Good, local(3, 2, 9, 0), deck="other")
    review(store, "f", Rating.Good, local(2, 1, 9, 0))     # long ago
    days = reviews_per_day(store, DECK, 3, now=NOW, tz=PARIS)
    assert days == [DayCount(date(2026, 2, 28), 1), DayCount(date(2026, 3, 1), 1),
                    DayCount(date(2026, 3, 2), 2)]


def test_true_retention_counts_reviews_of_items_in_review(store: Store) -> None:
    # x: learned Feb 16 (two learning answers, not counted), forgotten in review Feb 24 (counted,
    # failed), relearned (not counted), recalled Mar 2 (counted, passed).
    review(store, "x", Rating.Good, local(2, 16, 10, 0))
    review(store, "x", Rating.Good, local(2, 16, 10, 15))
    assert store.get(ItemKey("d", "x")).phase == "review"  # type: ignore[union-attr]
    review(store, "x", Rating.Again, local(2, 24, 10, 0))
    review(store, "x", Rating.Good, local(2, 24, 10, 20))
    review(store, "x", Rating.Good, local(3, 2, 9, 0))
    # y: learned before the window, recalled Feb 17 (Hard still passes).
    review(store, "y", Rating.Good, local(2, 5, 10, 0))
    review(store, "y", Rating.Good, local(2, 5, 10, 15))
    review(store, "y", Rating.Hard, local(2, 17, 10, 0))
    # z: a review that was undone counts for nothing.
    review(store, "z", Rating.Good, local(2, 5, 10, 0))
    review(store, "z", Rating.Good, local(2, 5, 10, 15))
    store.undo_review(review(store, "z", Rating.Again, local(3, 2, 9, 30)), at=NOW)
    weeks = true_retention(store, DECK, 3, now=NOW, tz=PARIS)
    assert weeks == [RetentionWeek(date(2026, 2, 16), 1, 1), RetentionWeek(date(2026, 2, 23), 1, 0),
                     RetentionWeek(date(2026, 3, 2), 1, 1)]
    assert [w.rate for w in weeks] == [1.0, 0.0, 1.0]
    assert RetentionWeek(date(2026, 3, 2), 0, 0).rate is None
