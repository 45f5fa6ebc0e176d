"""The read-only SQL: the queue's snapshot, the lean review rows, and `review_counts` (today's
reviews per deck, exact at the boundary, undone ones left out).

`review_counts` pre-filters rows in SQL by the date part of their ISO time (two days of margin)
before comparing exact times in Python; its cases pin that the pre-filter never changes the answer.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
from fsrs import Rating

from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress import queries
from briefing_quiz.core.progress.store import SCHEMA_VERSION, Store
from briefing_quiz.core.scheduler import Scheduler
from tests.conftest import StoreFactory
from tests.core.progress.conftest import KEY, T0, review

SINCE = datetime(2026, 3, 2, 4, 0, tzinfo=timezone.utc)

UTC = timezone.utc


def _answer(store: Store, key: ItemKey, at: datetime) -> int:
    return review(store, key, Rating.Good, at, duration_ms=1000, content_hash="h").review_id


def _review_id(store: Store, key: ItemKey, rating: Rating, at: datetime,
               duration_ms: int = 1500) -> int:
    return review(store, key, rating, at, duration_ms=duration_ms, content_hash="h").review_id


# -- the queue snapshot ----------------------------------------------------------------------------


def test_snapshot(store: Store) -> None:
    day_start = T0 - timedelta(hours=5)
    review(store, ItemKey("deck", "learn", 0), Rating.Good, T0)           # due in 10 min
    review(store, ItemKey("deck", "old", 0), Rating.Easy, T0 - timedelta(days=30))  # due long ago
    review(store, ItemKey("deck", "cz", 2), Rating.Good, T0)
    store.suspend(ItemKey("deck", "sus", 0), at=T0)
    store.bury(ItemKey("deck", "bur", 0), T0 + timedelta(hours=1), at=T0)
    review(store, ItemKey("other", "x", 0), Rating.Good, T0)
    snap = store.snapshot("deck", now=T0, due_before=T0 + timedelta(hours=12), day_start=day_start)
    # Same due time: in the order of `items_due` (then its last review id).
    assert [(d[0], d[1]) for d in snap.learning] == [("learn", 0), ("cz", 2)]
    assert [(d[0], d[1]) for d in snap.reviews] == [("old", 0)]
    assert snap.blocked == {"learn", "old", "cz\x1f2", "sus", "bur"}
    assert snap.new_today == 2  # learn and cz#2 were first reviewed today; old was not
    assert snap.seen_today == {"learn": {0}, "cz": {2}}
    later = store.snapshot("deck", now=T0 + timedelta(hours=2), due_before=T0 + timedelta(hours=12),
                           day_start=day_start)
    assert "bur" not in later.blocked  # the burial is over


# -- the log ---------------------------------------------------------------------------------------


def test_review_rows_leave_out_undone_reviews(open_store: StoreFactory) -> None:
    s = open_store()
    first = _review_id(s, KEY, Rating.Again, T0, 4000)
    second = _review_id(s, KEY, Rating.Good, T0 + timedelta(minutes=5), 3000)
    other = _review_id(s, ItemKey("other", "c"), Rating.Easy, T0 + timedelta(minutes=6))
    s.undo_review(second, at=T0 + timedelta(minutes=7))
    rows = s.review_rows()
    assert [r.id for r in rows] == [first, other]
    assert (rows[0].key, rows[0].rating, rows[0].reviewed_at, rows[0].duration_ms) == (
        KEY, 1, T0, 4000)
    assert rows[0].phase_after == int(fsrs.State.Learning)
    assert rows[1].phase_after == int(fsrs.State.Review)
    assert [r.id for r in s.review_rows("other")] == [other]


# -- reviews counted per deck ----------------------------------------------------------------------


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


def test_undone_reviews_are_not_counted(open_store: StoreFactory) -> None:
    store = open_store()
    kept = ItemKey("a", "kept")
    _answer(store, kept, SINCE + timedelta(hours=1))
    undone = _answer(store, ItemKey("a", "undone"), SINCE + timedelta(hours=2))
    store.undo_review(undone, at=SINCE + timedelta(hours=2, seconds=5))
    assert store.review_counts(SINCE) == {"a": 1}


# -- read-only -------------------------------------------------------------------------------------


def test_every_query_reads_only_and_gives_what_the_store_gives(open_store: StoreFactory,
                                                               tmp_path: Path) -> None:
    """The functions of `queries` run on a connection SQLite refuses writes on (`query_only`), in
    one transaction of the caller, and answer as the store's methods do."""
    s = open_store()
    for i in range(12):
        review(s, ItemKey("deck", f"c{i % 5}", i % 2), Rating(1 + i % 4), T0 + timedelta(hours=i))
    s.suspend(ItemKey("deck", "c1", 0), at=T0)
    s.set_briefing_target("deck", T0 + timedelta(days=9), now=T0)
    s.record_mock_test("deck", started_at=T0, finished_at=T0, seed=1, planned=1, answers=[])
    now, curve = T0 + timedelta(days=2), Scheduler().recall_curve
    calls = {
        "states": ((), {}), "deck_ids": ((), {}), "stored_decks": ((), {}),
        "review_rows": (("deck",), {}), "integrity_check": ((), {}),
        "snapshot": (("deck",), {"now": now, "due_before": now, "day_start": T0}),
        "blocked_among": (("deck", ["c1", "c2"]), {"now": now}), "stat_rows": ((), {}),
        "stat_summary": (("deck",), {"now": now, "day_end": now, "leech_lapses": 1,
                                     "curve": curve}),
        "recall_at": (("deck", now, curve), {}), "review_counts": ((T0,), {}),
        "briefing_targets": ((), {}), "mock_tests": ((), {}),
    }
    conn = sqlite3.connect(s.path, isolation_level=None)
    try:
        conn.execute("PRAGMA query_only = ON")
        conn.execute("BEGIN")
        for name, (args, kwargs) in calls.items():
            extra = {"schema": SCHEMA_VERSION} if name == "review_counts" else {}
            got = getattr(queries, name)(conn, *args, **kwargs, **extra)
            assert got == getattr(s, name)(*args, **kwargs), name
        assert list(queries.review_records(conn, "1", ())) == list(s.reviews())
        assert queries.get_state(conn, KEY) == s.get(KEY)
        conn.execute("COMMIT")
    finally:
        conn.close()
