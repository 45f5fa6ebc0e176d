"""`core.progress.soundness`: SQLite's quick_check run in a thread, waited for by every write.

Every public write method of `Store` (and of its `marks`) refuses a damaged file; the background
check and the synchronous one (`ENABLED = False`) refuse the same files with the same message and
accept the same sound ones; the check runs off the opening thread, starts when asked (or at the
first write) rather than at the opening, and stops with the store."""

from __future__ import annotations

import inspect
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fsrs import Rating

from briefing_quiz.core.errors import StoreError
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress import schema, soundness
from briefing_quiz.core.progress.marks import MarkLog
from briefing_quiz.core.progress.store import MockAnswerRecord, Store
from briefing_quiz.core.scheduler import Scheduler
from tests.core.progress.conftest import KEY, PROGRESS_T0, review, snapshot_bytes

LATER = PROGRESS_T0 + timedelta(days=3)
OTHER = ItemKey("deck", "other", 0)

#: Each public write of `Store` and `Store.marks`, called on a store whose KEY has two reviews.
WRITES: dict[str, Callable[[Store], object]] = {
    "record_review": lambda s: review(s, KEY, Rating.Good, LATER),  # the lean-write path
    "undo_review": lambda s: s.undo_review(2, at=LATER),
    "suspend": lambda s: s.suspend(KEY, at=LATER),
    "unsuspend": lambda s: s.unsuspend(KEY, at=LATER),
    "bury": lambda s: s.bury(KEY, LATER + timedelta(days=1), at=LATER),
    "unbury": lambda s: s.unbury(KEY, at=LATER),
    "rebuild": lambda s: s.rebuild(),
    "recompute_memory": lambda s: s.recompute_memory("deck", Scheduler(), at=LATER),
    "set_briefing_target": lambda s: s.set_briefing_target("deck", LATER, now=PROGRESS_T0),
    "clear_briefing_target": lambda s: s.clear_briefing_target("deck"),
    "record_mock_test": lambda s: s.record_mock_test(
        "deck", started_at=LATER, finished_at=LATER, seed=1, planned=1,
        answers=[MockAnswerRecord(KEY, "a", "a", True, 100)]),
    "marks.flag": lambda s: s.marks.flag(KEY, "note", at=LATER),
    "marks.forget": lambda s: s.marks.forget(KEY, at=LATER),
    "marks.set_due": lambda s: s.marks.set_due(KEY, LATER, at=LATER),
    "marks.undo": lambda s: s.marks.undo(1, at=LATER),
}


def _calls_write(cls: type, name: str, writers: tuple[str, ...]) -> bool:
    return any(f"self.{w}(" in inspect.getsource(getattr(cls, name)) for w in writers)


def test_the_table_lists_every_public_write_method() -> None:
    """A write method added later must be added to WRITES (and so be tested below)."""
    found = {n for n, _ in inspect.getmembers(Store, inspect.isfunction)
             if not n.startswith("_") and _calls_write(Store, n, ("_write", "_event"))}
    found |= {f"marks.{n}" for n, _ in inspect.getmembers(MarkLog, inspect.isfunction)
              if not n.startswith("_") and _calls_write(MarkLog, n, ("_write", "_mark"))}
    assert found == set(WRITES)


def _sound_file(path: Path) -> Path:
    with Store.open(path) as store:
        review(store, KEY, Rating.Good, PROGRESS_T0)
        review(store, KEY, Rating.Good, PROGRESS_T0 + timedelta(days=1))
        review(store, OTHER, Rating.Again, PROGRESS_T0)
        store.marks.forget(OTHER, at=PROGRESS_T0 + timedelta(hours=1))
    return path


def _damage(path: Path, index: str = "reviews_item") -> Path:
    """Overwrite the page type byte of `index`'s root page: quick_check reports it, and the
    file still opens (as tests/test_cli_damaged_progress.py does)."""
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as file:
        file.seek((root - 1) * page)
        file.write(b"\x00")
    return path


@pytest.fixture
def background(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(soundness, "ENABLED", True)
    yield


@pytest.mark.usefixtures("background")
@pytest.mark.parametrize("name", sorted(WRITES))
def test_every_write_refuses_a_damaged_file(name: str, tmp_path: Path) -> None:
    path = _damage(_sound_file(tmp_path / "p.sqlite3"))
    before = snapshot_bytes(path)
    with Store.open(path) as store:  # opens: the check runs in a thread
        with pytest.raises(StoreError) as info:
            WRITES[name](store)
        message = str(info.value)
        assert f"{path} is damaged (SQLite's quick_check: " in message
        assert "restore a backup" in message and "rebuild" in message
        with pytest.raises(StoreError, match="is damaged"):  # the verdict is kept
            WRITES[name](store)
        assert store.reviews()  # reading still works
    assert snapshot_bytes(path) == before


@pytest.mark.usefixtures("background")
@pytest.mark.parametrize("name", sorted(WRITES))
def test_every_write_works_on_a_sound_file(name: str, tmp_path: Path) -> None:
    """The same calls succeed on the file undamaged: the refusals above are the check's."""
    path = _sound_file(tmp_path / "p.sqlite3")
    with Store.open(path) as store:
        WRITES[name](store)


def _outcome(path: Path, *, background: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    """"ok", or the refusal's message, opening `path` with the check in a thread or not."""
    monkeypatch.setattr(soundness, "ENABLED", background)
    try:
        with Store.open(path) as store:
            store.require_sound()
            store.set_briefing_target("deck", LATER, now=PROGRESS_T0)
    except StoreError as error:
        return str(error)
    return "ok"


def _files(folder: Path) -> dict[str, tuple[Path, bool]]:
    """name -> (a fresh copy of the file, damaged?)."""
    folder.mkdir()
    sound = _sound_file(folder / "sound.sqlite3")
    empty = folder / "empty.sqlite3"
    Store.open(empty).close()
    rollback = folder / "rollback.sqlite3"  # ours, never switched to WAL
    conn = sqlite3.connect(sound)
    conn.execute(f"VACUUM INTO '{rollback}'")
    conn.close()
    with sqlite3.connect(rollback) as c:
        c.execute("PRAGMA journal_mode = DELETE")
    files = {"sound": (sound, False), "empty": (empty, False), "rollback": (rollback, False)}
    for index in ("reviews_item", "items_due"):
        copy = folder / f"bad-{index}.sqlite3"
        copy.write_bytes(sound.read_bytes())
        files[f"bad-{index}"] = (_damage(copy, index), True)
    bad_rollback = folder / "bad-rollback.sqlite3"
    bad_rollback.write_bytes(rollback.read_bytes())
    files["bad-rollback"] = (_damage(bad_rollback), True)
    return files


def test_both_ways_refuse_the_same_files_and_accept_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results: dict[bool, dict[str, str]] = {}
    for background in (True, False):
        files = _files(tmp_path / str(background))
        results[background] = {}
        for name, (path, damaged) in files.items():
            before = snapshot_bytes(path)
            outcome = _outcome(path, background=background, monkeypatch=monkeypatch)
            results[background][name] = outcome.replace(str(path), "FILE")
            if damaged:
                assert "is damaged (SQLite's quick_check" in outcome, (name, outcome)
                assert snapshot_bytes(path) == before, name
            else:
                assert outcome == "ok", (name, outcome)
    assert results[True] == results[False]


@pytest.mark.usefixtures("background")
def test_the_check_runs_off_the_opening_thread(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = _sound_file(tmp_path / "p.sqlite3")
    threads: list[threading.Thread] = []
    check = schema.check_sound

    def spy(conn: sqlite3.Connection, where: Path) -> None:
        threads.append(threading.current_thread())
        check(conn, where)

    monkeypatch.setattr(schema, "check_sound", spy)
    with Store.open(path) as store:
        store.require_sound()
        assert threads and threads[0] is not threading.current_thread()
        assert threads[0].name == "quick_check"
    monkeypatch.setattr(soundness, "ENABLED", False)
    threads.clear()
    Store.open(path).close()
    assert threads == [threading.current_thread()]  # switched off: checked on opening


@pytest.mark.usefixtures("background")
def test_closing_stops_a_check_still_running(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = _sound_file(tmp_path / "p.sqlite3")
    started, release = threading.Event(), threading.Event()
    check = schema.check_sound

    def slow(conn: sqlite3.Connection, where: Path) -> None:
        started.set()
        release.wait(5)
        check(conn, where)

    monkeypatch.setattr(schema, "check_sound", slow)
    store = Store.open(path)
    store.soundness.begin()
    assert started.wait(5)
    timer = threading.Timer(0.1, release.set)
    timer.start()
    store.close()  # waits for the thread, interrupting its check
    timer.join()
    assert not [t for t in threading.enumerate() if t.name == "quick_check"]


@pytest.mark.usefixtures("background")
def test_no_verdict_from_the_thread_is_checked_on_the_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the thread cannot open its connection, the write runs the check itself."""
    path = _damage(_sound_file(tmp_path / "p.sqlite3"))
    connect = schema.connect

    def failing(where: Path, *, readonly: bool) -> sqlite3.Connection:
        if readonly and threading.current_thread().name == "quick_check":
            raise sqlite3.OperationalError("unable to open database file")
        return connect(where, readonly=readonly)

    monkeypatch.setattr(schema, "connect", failing)
    with Store.open(path) as store, pytest.raises(StoreError, match="is damaged"):
        store.suspend(KEY, at=LATER)


def _checks_running() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "quick_check"]


@pytest.mark.usefixtures("background")
def test_the_check_waits_to_be_started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening runs no check (it would slow the first counts); `store.soundness.begin()` starts it
    in its thread, once however often it is called; the verdict then comes without a new one."""
    path = _damage(_sound_file(tmp_path / "p.sqlite3"))
    calls: list[str] = []
    check = schema.check_sound

    def spy(conn: sqlite3.Connection, where: Path) -> None:
        calls.append(threading.current_thread().name)
        check(conn, where)

    monkeypatch.setattr(schema, "check_sound", spy)
    with Store.open(path) as store:
        assert store.stat_rows()  # reads go on meanwhile
        assert calls == [] and not _checks_running()
        store.soundness.begin()
        store.soundness.begin()
        with pytest.raises(StoreError, match="is damaged"):
            store.require_sound()
        store.soundness.begin()  # known: nothing runs again
        with pytest.raises(StoreError, match="is damaged"):
            store.suspend(KEY, at=LATER)
    assert calls == ["quick_check"]
    assert not _checks_running()


@pytest.mark.usefixtures("background")
def test_a_write_starts_the_check_nobody_started(tmp_path: Path) -> None:
    path = _damage(_sound_file(tmp_path / "p.sqlite3"))
    before = snapshot_bytes(path)
    with Store.open(path) as store, pytest.raises(StoreError, match="is damaged"):
        store.bury(KEY, LATER + timedelta(days=1), at=LATER)
    assert snapshot_bytes(path) == before


@pytest.mark.usefixtures("background")
def test_closing_a_store_whose_check_never_started(tmp_path: Path) -> None:
    Store.open(_sound_file(tmp_path / "p.sqlite3")).close()
    assert not _checks_running()
