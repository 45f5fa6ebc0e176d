"""`Store.review_counts`: today's reviews per deck, exact at the boundary, undone ones left out.

It pre-filters rows in SQL by the date part of their ISO time (two days of margin) before comparing
exact times in Python; these cases pin that the pre-filter never changes the answer.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
from fsrs import Rating

from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler, fsrs_card_id

UTC = timezone.utc
SINCE = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


def _answer(store: Store, key: ItemKey, at: datetime) -> int:
    sched = Scheduler()

    def schedule(prev: fsrs.Card | None) -> fsrs.Card:
        return sched.review(prev or sched.new_card(fsrs_card_id(key)), Rating.Good, at)

    return store.record_review(key, Rating.Good, reviewed_at=at, duration_ms=1000,
                               content_hash="h", schedule=schedule).review_id


def test_counts_reviews_from_since_on_per_deck(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.sqlite3") as store:
        times = [SINCE - timedelta(days=3), SINCE - timedelta(days=1, hours=23),
                 SINCE - timedelta(microseconds=1), SINCE, SINCE + timedelta(hours=20),
                 SINCE + timedelta(days=1)]
        for n, at in enumerate(times):
            _answer(store, ItemKey("a", f"c{n}"), at)
        _answer(store, ItemKey("b", "x"), SINCE + timedelta(minutes=5))
    # Rows whose text carries another zone (the store writes UTC, but a file written elsewhere
    # could hold one) are compared as times, even where their local date is the day before.
    west = timezone(timedelta(hours=-9))
    with closing(sqlite3.connect(tmp_path / "p.sqlite3")) as conn, conn:
        for card_id, at in (("y", SINCE - timedelta(seconds=1)), ("z", SINCE + timedelta(hours=1))):
            conn.execute(
                "INSERT INTO reviews (deck_id, card_id, item, rating, reviewed_at, duration_ms, "
                "content_hash, card_after) VALUES ('b', ?, 0, 3, ?, 1000, 'h', '{}')",
                (card_id, at.astimezone(west).isoformat()))
    with Store.open(tmp_path / "p.sqlite3") as store:
        assert store.review_counts(SINCE) == {"a": 3, "b": 2}
        assert store.review_counts(SINCE + timedelta(days=1)) == {"a": 1}
        assert store.review_counts(SINCE - timedelta(days=5)) == {"a": 6, "b": 3}


def test_undone_reviews_are_not_counted(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.sqlite3") as store:
        kept = ItemKey("a", "kept")
        _answer(store, kept, SINCE + timedelta(hours=1))
        undone = _answer(store, ItemKey("a", "undone"), SINCE + timedelta(hours=2))
        store.undo_review(undone, at=SINCE + timedelta(hours=2, seconds=5))
        assert store.review_counts(SINCE) == {"a": 1}
