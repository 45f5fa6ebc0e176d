"""The progress store: schema, durability, undo, rebuild, and refusing files that are not ours."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest
from fsrs import Rating

from briefing_quiz.core.errors import StoreError
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    ItemState,
    NoProgressError,
    RecordedReview,
    Store,
    _card_to_json,
)
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings, fsrs_card_id

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = ItemKey("deck", "card", 0)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "progress.sqlite3")
    yield s
    s.close()


def review(store: Store, key: ItemKey, rating: Rating, at: datetime,
           sched: Scheduler | None = None, **extra: object) -> RecordedReview:
    sched = sched or Scheduler()

    def schedule(prev: fsrs.Card | None) -> fsrs.Card:
        return sched.review(prev or sched.new_card(fsrs_card_id(key)), rating, at)

    return store.record_review(key, rating, reviewed_at=at, duration_ms=1500,
                               content_hash=str(extra.pop("content_hash", "h1")), schedule=schedule,
                               **extra)  # type: ignore[arg-type]


def snapshot_bytes(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


# -- creation and identity ------------------------------------------------------------------------


def test_creates_file_and_parents_with_identity_and_durable_settings(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "progress.sqlite3"
    with Store.open(path) as s:
        conn = s._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    raw.close()
    # The header written before switching to WAL carries the application id (read without SQLite).
    assert int.from_bytes(path.read_bytes()[68:72], "big") == APPLICATION_ID


def test_reopening_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as s:
        saved = review(s, KEY, Rating.Good, T0)
    with Store.open(path) as s:
        assert s.get(KEY) == saved.state
        assert [r.id for r in s.reviews()] == [saved.review_id]


def test_empty_file_and_empty_database_are_set_up(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    with Store.open(empty) as s:
        review(s, KEY, Rating.Good, T0)
    blank = tmp_path / "blank.sqlite3"
    sqlite3.connect(blank).execute("PRAGMA user_version = 0").connection.close()
    with Store.open(blank) as s:
        assert s.get(KEY) is None


def test_missing_file_is_not_created_when_create_is_false(tmp_path: Path) -> None:
    path = tmp_path / "none" / "p.sqlite3"
    for kwargs in ({"create": False}, {"readonly": True}):
        with pytest.raises(NoProgressError, match="no progress yet"):
            Store.open(path, **kwargs)  # type: ignore[arg-type]
    assert not path.exists() and not path.parent.exists()


# -- files that are not ours: clear error, never modified -----------------------------------------


def test_garbage_file_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    path.write_bytes(b"this is my shopping list\n" * 50)
    before = snapshot_bytes(path)
    with pytest.raises(StoreError, match=str(path)) as info:
        Store.open(path)
    assert "not an SQLite database" in str(info.value)
    assert snapshot_bytes(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.sqlite3"]


def test_foreign_sqlite_database_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Ada')")
    conn.commit()
    conn.close()
    before = snapshot_bytes(path)
    for kwargs in ({}, {"readonly": True}):
        with pytest.raises(StoreError, match="another program's SQLite database"):
            Store.open(path, **kwargs)  # type: ignore[arg-type]
    assert snapshot_bytes(path) == before
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("contacts",)]
    conn.close()


def test_foreign_application_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = snapshot_bytes(path)
    with pytest.raises(StoreError, match="another program"):
        Store.open(path)
    assert snapshot_bytes(path) == before


def test_damaged_progress_file_is_a_store_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as s:
        s._conn.execute("PRAGMA synchronous = OFF")  # setup speed only
        for i in range(200):
            review(s, ItemKey("deck", f"c{i}", 0), Rating.Good, T0)
    data = bytearray(path.read_bytes())
    page = 4096
    data[page:] = b"\xff" * (len(data) - page)  # keep the header, destroy every other page
    path.write_bytes(bytes(data))
    before = snapshot_bytes(path)
    with pytest.raises(StoreError, match=str(path)) as info:
        s = Store.open(path)
        try:
            s.states()
        finally:
            s.close()
    assert "damaged" in str(info.value)
    assert snapshot_bytes(path) == before


def test_directory_at_the_data_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(tmp_path)


def test_newer_schema_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = snapshot_bytes(path)
    with pytest.raises(StoreError, match="newer version"):
        Store.open(path)
    assert snapshot_bytes(path) == before


# -- writes that fail are not reported as saved ---------------------------------------------------


def test_readonly_store_refuses_writes_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as s:
        review(s, KEY, Rating.Good, T0)
    before = snapshot_bytes(path)
    # Read-only as SQLite sees it (mode=ro URI): tests run as root, and chmod does not stop root.
    with Store.open(path, readonly=True) as ro:
        with pytest.raises(StoreError, match="read-only"):
            review(ro, KEY, Rating.Again, T0 + timedelta(hours=1))
        assert len(list(ro.reviews())) == 1
    assert snapshot_bytes(path)[0] == before[0]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files anyway")
def test_read_only_file_refuses_writes(tmp_path: Path) -> None:  # pragma: no cover - non-root CI
    path = tmp_path / "p.sqlite3"
    Store.open(path).close()
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(StoreError, match="read-only"), Store.open(path) as s:
            review(s, KEY, Rating.Good, T0)
    finally:
        tmp_path.chmod(0o755)


def test_sqlite_readonly_error_from_the_engine_is_mapped(tmp_path: Path) -> None:
    """The read-only path through SQLite itself: a database opened writable whose engine refuses."""
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as s:
        s._conn.execute("PRAGMA query_only = ON")  # SQLite now answers SQLITE_READONLY to writes
        with pytest.raises(StoreError, match="read-only"):
            review(s, KEY, Rating.Good, T0)
        s._conn.execute("PRAGMA query_only = OFF")
        assert s.get(KEY) is None and list(s.reviews()) == []


def test_full_disk_is_a_clear_error_and_nothing_is_saved(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.sqlite3") as s:
        first = review(s, KEY, Rating.Good, T0)
        pages = s._conn.execute("PRAGMA page_count").fetchone()[0]
        # SQLite's own "disk full" (SQLITE_FULL) once the file would grow:
        s._conn.execute(f"PRAGMA max_page_count = {pages}")
        big = "x" * 20000
        with pytest.raises(StoreError, match="disk is full"):
            review(s, ItemKey("deck", "other", 0), Rating.Good, T0, given=big)
        assert s.get(ItemKey("deck", "other", 0)) is None
        assert [r.id for r in s.reviews()] == [first.review_id]
        assert s.integrity_check() == "ok"


def test_schedule_failure_rolls_back(store: Store) -> None:
    def boom(prev: fsrs.Card | None) -> fsrs.Card:
        raise RuntimeError("scheduler bug")

    with pytest.raises(RuntimeError):
        store.record_review(KEY, Rating.Good, reviewed_at=T0, duration_ms=1, content_hash="h",
                            schedule=boom)
    assert list(store.reviews()) == [] and store.get(KEY) is None


# -- the log --------------------------------------------------------------------------------------


def test_review_row_has_every_field(store: Store) -> None:
    saved = review(store, KEY, Rating.Again, T0, given="1200", correct=False, content_hash="abc")
    (row,) = list(store.reviews())
    data = row.to_json()
    assert data["id"] == saved.review_id
    assert (data["deck"], data["card"], data["item"]) == ("deck", "card", 0)
    assert (data["rating"], data["given"], data["correct"]) == (1, "1200", False)
    assert data["reviewed_at"] == "2026-03-02T09:00:00+00:00"
    assert data["duration_ms"] == 1500 and data["content_hash"] == "abc"
    assert data["state_after"] == saved.state.card.to_dict()  # type: ignore[union-attr]
    assert data["undone"] is False


def test_log_is_append_only(store: Store) -> None:
    review(store, KEY, Rating.Good, T0)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._conn.execute("UPDATE reviews SET rating = 4")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._conn.execute("DELETE FROM reviews")
    store.suspend(KEY, at=T0)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._conn.execute("DELETE FROM events")


def test_review_ids_are_unique_and_increasing(store: Store) -> None:
    ids = [review(store, ItemKey("deck", f"c{i}", 0), Rating.Good, T0).review_id for i in range(5)]
    assert ids == sorted(set(ids))


# -- state, undo, rebuild -------------------------------------------------------------------------

SCRIPTS = [
    # (rating, minutes after T0)
    [(Rating.Good, 0), (Rating.Good, 10), (Rating.Good, 60 * 24 * 3)],
    [(Rating.Again, 0), (Rating.Again, 1), (Rating.Hard, 3), (Rating.Easy, 20)],
    [(Rating.Easy, 0), (Rating.Again, 60 * 24 * 10), (Rating.Good, 60 * 24 * 10 + 15),
     (Rating.Again, 60 * 24 * 40), (Rating.Good, 60 * 24 * 41)],
    [(Rating.Hard, 0), (Rating.Hard, 5), (Rating.Hard, 11), (Rating.Good, 60 * 24 * 2)],
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_stored_state_is_fsrs_state_and_rebuild_is_identical(
        store: Store, script: list[tuple[Rating, int]]) -> None:
    settings = SchedulerSettings(enable_fuzzing=False)
    sched = Scheduler(settings)
    plain = fsrs.Scheduler(enable_fuzzing=False)  # the library itself, no adapter
    expected = fsrs.Card(card_id=fsrs_card_id(KEY), due=T0)
    lapses = 0
    for rating, minutes in script:
        at = T0 + timedelta(minutes=minutes)
        if expected.state == fsrs.State.Review and rating == Rating.Again:
            lapses += 1
        expected, _ = plain.review_card(expected, rating, at)
        saved = review(store, KEY, rating, at, sched)
        assert saved.state.card is not None
        assert saved.state.card.to_dict() == {**expected.to_dict(), "card_id": fsrs_card_id(KEY)}
    state = store.get(KEY)
    assert state is not None
    assert state.reps == len(script) and state.lapses == lapses
    assert state.first_review == T0
    before = store.states()
    assert store.rebuild() == 1
    assert store.states() == before


def test_rebuild_restores_a_wiped_state_table(store: Store) -> None:
    for i, (rating, minutes) in enumerate(SCRIPTS[2]):
        at = T0 + timedelta(minutes=minutes)
        review(store, ItemKey("deck", "a", 0), rating, at)
        review(store, ItemKey("deck", "b", i % 3), Rating.Good, at)
    store.suspend(ItemKey("deck", "a", 0), at=T0)
    store.bury(ItemKey("deck", "new-one", 0), T0 + timedelta(days=1), at=T0)
    undone = review(store, ItemKey("deck", "a", 0), Rating.Again, T0 + timedelta(days=60))
    store.undo_review(undone.review_id, at=T0 + timedelta(days=60))
    before = store.states()
    store._conn.execute("DELETE FROM items")
    assert store.states() == {}
    assert store.rebuild() == len(before)
    assert store.states() == before


def test_undo_restores_previous_state_exactly_and_keeps_the_row(store: Store) -> None:
    first = review(store, KEY, Rating.Good, T0)
    second = review(store, KEY, Rating.Again, T0 + timedelta(minutes=10))
    restored = store.undo_review(second.review_id, at=T0 + timedelta(minutes=11))
    assert restored == first.state == store.get(KEY)
    rows = list(store.reviews())
    assert [(r.id, r.undone) for r in rows] == [(first.review_id, False), (second.review_id, True)]
    # Undoing the first answer too brings the item back to new.
    assert store.undo_review(first.review_id, at=T0) is None
    assert store.get(KEY) is None
    assert len(list(store.reviews())) == 2


def test_undo_refuses_twice_and_out_of_order(store: Store) -> None:
    first = review(store, KEY, Rating.Good, T0)
    second = review(store, KEY, Rating.Good, T0 + timedelta(minutes=10))
    with pytest.raises(StoreError, match="cannot undo"):
        store.undo_review(first.review_id, at=T0)
    store.undo_review(second.review_id, at=T0)
    with pytest.raises(StoreError, match="cannot undo"):
        store.undo_review(second.review_id, at=T0)
    with pytest.raises(StoreError, match="no review 99"):
        store.undo_review(99, at=T0)


def test_undo_keeps_suspension(store: Store) -> None:
    saved = review(store, KEY, Rating.Good, T0)
    store.suspend(KEY, at=T0)
    state = store.undo_review(saved.review_id, at=T0)
    assert state == ItemState(key=KEY, suspended=True)


def test_suspend_bury_and_back(store: Store) -> None:
    until = T0 + timedelta(hours=19)
    assert store.suspend(KEY, at=T0).suspended
    assert not store.unsuspend(KEY, at=T0).suspended
    state = store.bury(KEY, until, at=T0)
    assert state.buried_until == until and state.is_buried(T0) and not state.is_buried(until)
    assert store.unbury(KEY, at=T0).buried_until is None
    before = store.states()
    store.rebuild()
    assert store.states() == before


def test_review_is_scheduled_from_the_latest_committed_state(tmp_path: Path) -> None:
    """Two stores (two windows) answering one item: the second builds on the first's answer."""
    path = tmp_path / "p.sqlite3"
    a, b = Store.open(path), Store.open(path)
    try:
        review(a, KEY, Rating.Good, T0)
        seen: list[fsrs.Card | None] = []
        sched = Scheduler()

        def schedule(prev: fsrs.Card | None) -> fsrs.Card:
            seen.append(prev)
            return sched.review(prev or sched.new_card(1), Rating.Good, T0 + timedelta(minutes=10))

        result = b.record_review(KEY, Rating.Good, reviewed_at=T0 + timedelta(minutes=10),
                                 duration_ms=5, content_hash="h", schedule=schedule)
        assert seen[0] is not None and seen[0].step == 1
        assert result.state.reps == 2
    finally:
        a.close()
        b.close()


def test_clock_going_backwards_does_not_move_history_back(store: Store) -> None:
    first = review(store, KEY, Rating.Good, T0)
    back = review(store, KEY, Rating.Good, T0 - timedelta(hours=3))
    assert back.state.card is not None and first.state.card is not None
    assert back.state.card.last_review == T0  # the scheduler counts it as made at the last review
    assert back.state.card.due >= first.state.card.due
    before = store.states()
    store.rebuild()
    assert store.states() == before


# -- the queue snapshot ---------------------------------------------------------------------------


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


# -- two writers ----------------------------------------------------------------------------------


def test_writer_waits_for_a_held_lock_then_saves(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as s:
        holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
        release.start()
        started = time.monotonic()
        review(s, KEY, Rating.Good, T0)
        assert time.monotonic() - started >= 0.25
        release.join()
        holder.close()
        assert s.get(KEY) is not None


def test_lock_held_too_long_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    Store.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store.open(path, lock_timeout=0.2) as s:
            s._conn.execute("PRAGMA busy_timeout = 50")
            with pytest.raises(StoreError, match="locked"):
                review(s, KEY, Rating.Good, T0)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_returned_state_equals_what_a_reread_gives(store: Store) -> None:
    """record_review builds the returned card without a JSON round trip; it must not differ."""
    rng = random.Random(3)
    at = T0
    for i in range(60):
        at += timedelta(seconds=rng.randint(1, 10**6), microseconds=rng.randint(0, 999_999))
        saved = review(store, ItemKey("deck", f"c{i % 5}", 0), Rating(rng.randint(1, 4)), at)
        assert saved.state == store.get(saved.state.key)


def test_card_json_is_the_encoders_text() -> None:
    """The format-string path of `_card_to_json` writes exactly what json.dumps writes, for cards
    as fsrs makes them; anything unusual (an int stability, NaN, no stability) is encoded."""
    rng = random.Random(5)
    for _ in range(3000):
        due = T0 + timedelta(microseconds=rng.randrange(10**14))
        last = rng.choice([None, due - timedelta(seconds=rng.randrange(10**7)),
                           due - timedelta(microseconds=rng.randrange(10**12))])
        card = fsrs.Card(card_id=rng.randrange(1, 2**63), state=rng.choice(list(fsrs.State)),
                         step=rng.choice([None, 0, 1, 3]),
                         stability=rng.choice([None, rng.random() * 100, 1e-300, 1e20, 3.0, 7,
                                               float("nan")]),
                         difficulty=rng.choice([None, rng.random() * 10, 5.0, float("inf")]),
                         due=due.astimezone(timezone(timedelta(hours=rng.choice([0, 2])))),
                         last_review=last)
        expected = json.dumps(card.to_dict(), separators=(",", ":"))
        assert _card_to_json(card) == expected
