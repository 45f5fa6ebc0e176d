"""SQLite's `quick_check` off the launch path: run in a thread once the first counts are out,
waited for by the first write.

The guarantee is unchanged: answers are never added to a damaged file, and a file that fails
`quick_check` is refused for writing with a message naming it and how to recover
(`schema.check_sound`'s). What moves is when the check runs and when it is waited for. It reads
the whole file, ~1 ms per MB, 112 ms wall on the 100,000-review benchmark file, the largest
single step between the decks listed and their counts shown. `Store.open` for writing no longer
runs it: the store's verdict is pending until `store.soundness.begin()` starts it on a
read-only connection of its own in a thread (SQLite releases the GIL while it runs). The app
starts it once the first counts are painted (`services.startup`): started at the opening, as
before issue 16 part 3's last step, it ran beside the counts and slowed them (the GIL and the
disk: the due-counts row was 1.75x Anki with it, 0.93x without). Every write goes through
`Store._write`, which first calls `Store.require_sound()`: that starts the check if nobody did,
waits for the verdict (kept once known) and raises the check's `StoreError` when the file failed
it. A command that must say so before it asks anything (`study --plain`, a mock test) calls
`require_sound()` itself, and the app calls it after the first counts
(`Backend.verify_store_sync`). What it buys: launch to the decks screen's counts shown on the
10,000-card, 100,000-review workload (`benchmarks/bench_ui.py`, a pty, medians of 5 launches,
two rounds each, alternating): 0.41 and 0.44 s with the check on the opening (2.29x and 2.44x
the minimal app's first frame) against 0.33 and 0.35 s with it in a thread started at the
opening (1.94x and 1.92x); the due counts once it starts after them: see `benchmarks/README.md`,
Part 3.

The check runs synchronously on opening, as before, when the file is not yet in WAL mode
(switching it is a write, and nothing is written before the verdict), and `require()` runs it on
the store's own connection when the thread could not give a verdict (its connection could not be
opened). `Store.open(check=False)` (`rebuild`, which runs the full `integrity_check` itself)
checks nothing, as before.

How to switch it off: `BRIEFING_QUIZ_NO_BACKGROUND_CHECK=1` in the environment, or
`ENABLED = False`: `Store.open` then runs the check before it returns, as it did.
tests/core/progress/test_soundness.py checks that both ways refuse the same damaged files (each
write method of `Store`) and accept the same sound ones.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from briefing_quiz.core.errors import StoreError
from briefing_quiz.core.progress import schema

__all__ = ["ENABLED", "Verdict", "start"]

ENABLED = os.environ.get("BRIEFING_QUIZ_NO_BACKGROUND_CHECK", "") in ("", "0")


class Verdict:
    """The `quick_check` of one open store's file: known already, or coming from a thread."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn, self._path = conn, path  # the store's connection: for the fallback only
        self._done = threading.Event()
        self._known = False  # True once a verdict is kept (with `_error`, or sound)
        self._error: str | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._check_conn: sqlite3.Connection | None = None
        self._stopping = False

    @classmethod
    def sound(cls, conn: sqlite3.Connection, path: Path) -> Verdict:
        """A verdict known to be sound (checked already, or not to be checked)."""
        verdict = cls(conn, path)
        verdict._known = True
        verdict._done.set()
        return verdict

    def begin(self) -> None:
        """Start the check in its thread, unless it was started or its verdict is known. In the
        store's thread."""
        if self._thread is not None or self._done.is_set():
            return
        self._thread = threading.Thread(target=self._run, name="quick_check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        """The thread: `quick_check` on a read-only connection of its own."""
        try:
            with self._lock:
                if self._stopping:
                    return
                self._check_conn = schema.connect(self._path, readonly=True)
            try:
                schema.check_sound(self._check_conn, self._path)
                self._known = True
            except StoreError as error:
                with self._lock:
                    if not self._stopping:  # an interrupted check is no verdict
                        self._error, self._known = str(error), True
            finally:
                with self._lock:
                    self._check_conn.close()
                    self._check_conn = None
        except sqlite3.Error:
            pass  # no verdict: `require` runs the check itself
        finally:
            self._done.set()

    def wait(self) -> None:
        """Wait until the check started by `begin` is over (any thread: it touches no
        connection); `require` then gives the verdict without waiting."""
        if self._thread is not None:
            self._done.wait()

    def require(self) -> None:
        """Wait for the verdict; raise the check's `StoreError` when the file failed it. In the
        store's thread (the fallback uses the store's connection). Starts the check if nobody
        did."""
        self.begin()
        self._done.wait()
        if not self._known:
            try:
                schema.check_sound(self._conn, self._path)
            except StoreError as error:
                self._error = str(error)
            self._known = True
        if self._error is not None:
            raise StoreError(self._error)

    def stop(self) -> None:
        """Stop a check still running (the store is closing) and wait for its thread."""
        thread = self._thread
        if thread is None:
            return
        with self._lock:
            self._stopping = True
        while thread.is_alive():
            with self._lock:
                if self._check_conn is not None:
                    self._check_conn.interrupt()
            thread.join(0.01)


def start(conn: sqlite3.Connection, path: Path, *, check: bool) -> Verdict:
    """The verdict on `path`, just opened for writing on `conn`: checked now (switched off, or
    the file is not in WAL mode yet) or pending, its thread started by `Verdict.begin` (by the
    first `require` at the latest); `check=False`: not checked."""
    if not check:
        return Verdict.sound(conn, path)
    if not ENABLED or str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        schema.check_sound(conn, path)
        return Verdict.sound(conn, path)
    return Verdict(conn, path)
