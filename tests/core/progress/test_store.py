"""The store's writes: durable, one transaction each, refused clearly when they cannot be made, safe
with two writers; undo, briefing targets and mock tests."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest
from fsrs import Rating

from briefing_quiz.core.errors import StoreError
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.store import MockAnswerRecord, Store
from briefing_quiz.core.scheduler import Scheduler
from tests.conftest import StoreFactory
from tests.core.progress.conftest import KEY, PROGRESS_T0, review, snapshot_bytes


def test_reopening_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as s:
        saved = review(s, KEY, Rating.Good, PROGRESS_T0)
    with Store.open(path) as s:
        assert s.get(KEY) == saved.state
        assert [r.id for r in s.reviews()] == [saved.review_id]

UTC = timezone.utc


# -- writes that fail are not reported as saved ----------------------------------------------------


def test_readonly_store_refuses_writes_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as s:
        review(s, KEY, Rating.Good, PROGRESS_T0)
    before = snapshot_bytes(path)
    # Read-only as SQLite sees it (mode=ro URI): tests run as root, and chmod does not stop root.
    with Store.open(path, readonly=True) as ro:
        with pytest.raises(StoreError, match="read-only"):
            review(ro, KEY, Rating.Again, PROGRESS_T0 + timedelta(hours=1))
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
            review(s, KEY, Rating.Good, PROGRESS_T0)
    finally:
        tmp_path.chmod(0o755)


def test_sqlite_readonly_error_from_the_engine_is_mapped(tmp_path: Path) -> None:
    """The read-only path through SQLite itself: a database opened writable whose engine refuses."""
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as s:
        s._conn.execute("PRAGMA query_only = ON")  # SQLite now answers SQLITE_READONLY to writes
        with pytest.raises(StoreError, match="read-only"):
            review(s, KEY, Rating.Good, PROGRESS_T0)
        s._conn.execute("PRAGMA query_only = OFF")
        assert s.get(KEY) is None and list(s.reviews()) == []


def test_full_disk_is_a_clear_error_and_nothing_is_saved(open_store: StoreFactory) -> None:
    s = open_store()
    first = review(s, KEY, Rating.Good, PROGRESS_T0)
    pages = s._conn.execute("PRAGMA page_count").fetchone()[0]
    # SQLite's own "disk full" (SQLITE_FULL) once the file would grow:
    s._conn.execute(f"PRAGMA max_page_count = {pages}")
    big = "x" * 20000
    with pytest.raises(StoreError, match="disk is full"):
        review(s, ItemKey("deck", "other", 0), Rating.Good, PROGRESS_T0, given=big)
    assert s.get(ItemKey("deck", "other", 0)) is None
    assert [r.id for r in s.reviews()] == [first.review_id]
    assert s.integrity_check() == "ok"


def test_schedule_failure_rolls_back(store: Store) -> None:
    def boom(prev: fsrs.Card | None) -> fsrs.Card:
        raise RuntimeError("scheduler bug")

    with pytest.raises(RuntimeError):
        store.record_review(KEY, Rating.Good, reviewed_at=PROGRESS_T0, duration_ms=1,
                            content_hash="h", schedule=boom)
    assert list(store.reviews()) == [] and store.get(KEY) is None


# -- the log ---------------------------------------------------------------------------------------


def test_review_row_has_every_field(store: Store) -> None:
    saved = review(store, KEY, Rating.Again, PROGRESS_T0, given="1200", correct=False,
                   content_hash="abc")
    (row,) = list(store.reviews())
    data = row.to_json()
    assert data["id"] == saved.review_id
    assert (data["deck"], data["card"], data["item"]) == ("deck", "card", 0)
    assert (data["rating"], data["given"], data["correct"]) == (1, "1200", False)
    assert data["reviewed_at"] == "2026-03-02T09:00:00+00:00"
    assert data["duration_ms"] == 1500 and data["content_hash"] == "abc"
    assert data["state_after"] == saved.state.card.to_dict()  # type: ignore[union-attr]
    assert data["undone"] is False


def test_review_ids_are_unique_and_increasing(store: Store) -> None:
    ids = [review(store, ItemKey("deck", f"c{i}", 0), Rating.Good, PROGRESS_T0).review_id
           for i in range(5)]
    assert ids == sorted(set(ids))


def test_undo_refuses_twice_and_out_of_order(store: Store) -> None:
    first = review(store, KEY, Rating.Good, PROGRESS_T0)
    second = review(store, KEY, Rating.Good, PROGRESS_T0 + timedelta(minutes=10))
    with pytest.raises(StoreError, match="cannot undo"):
        store.undo_review(first.review_id, at=PROGRESS_T0)
    store.undo_review(second.review_id, at=PROGRESS_T0)
    with pytest.raises(StoreError, match="cannot undo"):
        store.undo_review(second.review_id, at=PROGRESS_T0)
    with pytest.raises(StoreError, match="no review 99"):
        store.undo_review(99, at=PROGRESS_T0)


def test_review_is_scheduled_from_the_latest_committed_state(tmp_path: Path) -> None:
    """Two stores (two windows) answering one item: the second builds on the first's answer."""
    path = tmp_path / "p.sqlite3"
    a, b = Store.open(path), Store.open(path)
    try:
        review(a, KEY, Rating.Good, PROGRESS_T0)
        seen: list[fsrs.Card | None] = []
        sched = Scheduler()

        def schedule(prev: fsrs.Card | None) -> fsrs.Card:
            seen.append(prev)
            return sched.review(prev or sched.new_card(1), Rating.Good,
                                PROGRESS_T0 + timedelta(minutes=10))

        result = b.record_review(KEY, Rating.Good, reviewed_at=PROGRESS_T0 + timedelta(minutes=10),
                                 duration_ms=5, content_hash="h", schedule=schedule)
        assert seen[0] is not None and seen[0].step == 1
        assert result.state.reps == 2
    finally:
        a.close()
        b.close()


# -- two writers -----------------------------------------------------------------------------------


def test_writer_waits_for_a_held_lock_then_saves(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with Store.open(path) as s:
        holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
        release.start()
        started = time.monotonic()
        review(s, KEY, Rating.Good, PROGRESS_T0)
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
                review(s, KEY, Rating.Good, PROGRESS_T0)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# -- briefing targets and mock tests ---------------------------------------------------------------


def test_briefing_targets_set_replace_clear(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    paris = timezone(timedelta(hours=1))
    with Store.open(path) as s:
        assert s.briefing_targets() == {} and s.briefing_target("deck") is None
        s.set_briefing_target("deck", datetime(2026, 12, 3, 14, 0, tzinfo=paris), now=PROGRESS_T0)
        s.set_briefing_target("other", PROGRESS_T0 + timedelta(days=1), now=PROGRESS_T0)
        s.set_briefing_target("deck", datetime(2026, 12, 4, 14, 0, tzinfo=paris), now=PROGRESS_T0)
    with Store.open(path, readonly=True) as s:
        targets = s.briefing_targets()
        assert targets == {"deck": datetime(2026, 12, 4, 13, 0, tzinfo=UTC),
                           "other": PROGRESS_T0 + timedelta(days=1)}
        assert all(t.tzinfo == UTC for t in targets.values())
    with Store.open(path) as s:
        assert s.clear_briefing_target("deck") is True
        assert s.clear_briefing_target("deck") is False
        assert list(s.briefing_targets()) == ["other"]
        with pytest.raises(ValueError, match="aware"):
            s.set_briefing_target("deck", datetime(2026, 12, 3, 14, 0), now=PROGRESS_T0)


def test_mock_tests_are_stored_apart_and_append_only(open_store: StoreFactory) -> None:
    s = open_store()
    review(s, KEY, Rating.Good, PROGRESS_T0)
    states, log = s.states(), [r.to_json() for r in s.reviews()]
    answers = [MockAnswerRecord(KEY, "x", "y", False, 2000),
               MockAnswerRecord(ItemKey("deck", "cz", 2), None, "Kyiv", True, -5)]
    test_id = s.record_mock_test("deck", started_at=PROGRESS_T0,
                                 finished_at=PROGRESS_T0 + timedelta(minutes=3), seed=7,
                                 planned=3, answers=answers)
    assert s.states() == states and [r.to_json() for r in s.reviews()] == log
    (stored,) = s.mock_tests()
    assert (stored.id, stored.deck_id, stored.seed, stored.planned, stored.right) == (
        test_id, "deck", 7, 3, 1)
    assert stored.started_at == PROGRESS_T0
    assert stored.finished_at == PROGRESS_T0 + timedelta(minutes=3)
    assert stored.answers == (answers[0], MockAnswerRecord(ItemKey("deck", "cz", 2), None,
                                                           "Kyiv", True, 0))
    assert s.mock_tests("other") == []
    with pytest.raises(StoreError, match="append-only"):
        s._write(lambda conn: conn.execute("DELETE FROM mock_tests"))
