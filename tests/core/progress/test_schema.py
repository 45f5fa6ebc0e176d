"""The progress file's schema: creating, identifying and migrating it, and refusing files that are
not ours (never modified)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from fsrs import Rating

from briefing_quiz.core.errors import StoreError
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress import schema
from briefing_quiz.core.progress.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    NoProgressError,
    Store,
)
from tests.core.progress.conftest import KEY, PROGRESS_T0, review, snapshot_bytes

# -- creation and identity -------------------------------------------------------------------------


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


def test_empty_file_and_empty_database_are_set_up(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    with Store.open(empty) as s:
        review(s, KEY, Rating.Good, PROGRESS_T0)
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


def test_log_is_append_only(store: Store) -> None:
    review(store, KEY, Rating.Good, PROGRESS_T0)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._conn.execute("UPDATE reviews SET rating = 4")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._conn.execute("DELETE FROM reviews")
    store.suspend(KEY, at=PROGRESS_T0)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._conn.execute("DELETE FROM events")


# -- files that are not ours: clear error, never modified ------------------------------------------


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
            review(s, ItemKey("deck", f"c{i}", 0), Rating.Good, PROGRESS_T0)
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


# -- migrations ------------------------------------------------------------------------------------


def test_a_version_1_file_is_migrated_and_keeps_its_log(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "v1.sqlite3"
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 1)
    with Store.open(path) as s:
        review(s, KEY, Rating.Good, PROGRESS_T0)
        before = s.states()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'briefings'").fetchone()[
        0] == 0
    raw.close()
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    # Read-only, a version-1 file is read as it is: no targets, no mock tests, nothing written.
    with Store.open(path, readonly=True) as s:
        assert s.briefing_targets() == {} and s.mock_tests() == [] and s.states() == before
    with Store.open(path) as s:
        assert s.states() == before and len(s.review_rows()) == 1
        s.set_briefing_target("deck", PROGRESS_T0 + timedelta(days=2), now=PROGRESS_T0)
        assert s.briefing_target("deck") == PROGRESS_T0 + timedelta(days=2)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 2
    raw.close()


def test_migrating_step_by_step_gives_the_schema_of_a_new_file(tmp_path: Path) -> None:
    """Every version has its migration, and a file taken through each version in turn ends with
    the very schema a new file gets."""
    assert sorted(schema.MIGRATIONS) == list(range(SCHEMA_VERSION))

    def objects(conn: sqlite3.Connection) -> list[tuple[str, str]]:
        return conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()

    with closing(sqlite3.connect(tmp_path / "new.sqlite3")) as new:
        schema.migrate(new, tmp_path / "new.sqlite3")
        assert schema.read_identity(new)[:2] == (APPLICATION_ID, SCHEMA_VERSION)
    with closing(sqlite3.connect(tmp_path / "steps.sqlite3")) as steps:
        for version in range(1, SCHEMA_VERSION + 1):
            schema.migrate(steps, tmp_path / "steps.sqlite3", version)
            assert schema.read_identity(steps)[1] == version
        with closing(sqlite3.connect(tmp_path / "new.sqlite3")) as new:
            assert objects(steps) == objects(new)
        with pytest.raises(StoreError, match="newer version"):
            schema.migrate(steps, tmp_path / "steps.sqlite3", SCHEMA_VERSION - 1)
