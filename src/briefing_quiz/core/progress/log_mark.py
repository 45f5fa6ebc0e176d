"""What counts read from the progress file are keyed by, for `services.counts_summary`: the
file's log mark, and how the due count changes by the clock alone.

Every write of `Store` that changes an item appends a row to an append-only log (`reviews` for
answers, `events` for undo, suspend and bury, `marks` for flag, forget and set due; ids never
recur, since rows are never deleted) or changes `memory_parameters` (`recompute_memory`, and
`rebuild`, which empties it). So the largest id of each log, that table's rows and the file's
identity and schema version say whether anything was written since: four lookups at the ends of
b-trees. (`PRAGMA data_version` cannot serve: it only tells one connection about the others.)

Imports only `sqlite3`, the launch's light reader (`services.counts_summary.read`) runs it
before the rest of the core is imported.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

__all__ = ["LEARNING_PHASES", "CountKeys", "clock_changes", "log_mark", "read_log_mark"]

T = TypeVar("T")


class _Read(Protocol):
    """`Store._read`: run a function in one read transaction."""

    def __call__(self, fn: Callable[[sqlite3.Connection], T], /) -> T: ...

#: `derive`'s learning and relearning phases (a test checks that they are its own).
LEARNING_PHASES = (1, 3)

_MARK_SQL = (
    "SELECT (SELECT max(id) FROM reviews), (SELECT max(id) FROM events), "
    "(SELECT max(id) FROM marks), "
    "(SELECT group_concat(deck_id || '=' || fingerprint, ' ') FROM "
    "(SELECT deck_id, fingerprint FROM memory_parameters ORDER BY deck_id))"
)

_LEARNING = ", ".join(map(str, LEARNING_PHASES))
# The due count (`queries._STAT_DUE_SQL`) changes by the clock within a day in two ways: a
# learning item not suspended nor buried falls due (a review item due later today is counted
# already), and a burial ends.
_LEARNING_DUE_SQL = (
    "SELECT card_id, item, due_us FROM items WHERE deck_id = :deck AND due_us > :now "
    f"AND due_us < :end AND phase IN ({_LEARNING}) AND suspended = 0 "
    "AND (buried_until_us IS NULL OR buried_until_us <= :now) ORDER BY due_us"
)
_BURIAL_END_SQL = (
    "SELECT min(buried_until_us) FROM items WHERE deck_id = :deck AND buried_until_us > :now"
)


def log_mark(conn: sqlite3.Connection) -> str:
    """The file's log mark: equal marks mean nothing that counts was written in between."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    reviews, events, marks, parameters = conn.execute(_MARK_SQL).fetchone()
    return f"{app_id} {version} {reviews} {events} {marks} {parameters}"


def clock_changes(conn: sqlite3.Connection, deck_id: str, now_us: int, end_us: int
                  ) -> tuple[list[tuple[str, int, int]], int | None]:
    """How `deck_id`'s due count changes by the clock alone between `now_us` and the day's end
    `end_us` (µs since the epoch): the learning items that fall due meanwhile, as (card id,
    item, due), soonest first, and the first burial to end after `now_us` (None: none)."""
    params = {"deck": deck_id, "now": now_us, "end": end_us}
    due = [(str(c), int(i), int(t)) for c, i, t in conn.execute(_LEARNING_DUE_SQL, params)]
    burial = conn.execute(_BURIAL_END_SQL, params).fetchone()[0]
    return due, None if burial is None else int(burial)


class CountKeys:
    """`Store.count_keys`: the two reads above, each in one read transaction of the store."""

    def __init__(self, read: _Read) -> None:
        self._read = read

    def log_mark(self) -> str:
        """The file's log mark: it changes with every write that changes counts."""
        return self._read(log_mark)

    def clock_changes(self, deck_id: str, now_us: int, end_us: int
                      ) -> tuple[list[tuple[str, int, int]], int | None]:
        """How `deck_id`'s due count changes by the clock alone until `end_us`."""
        return self._read(lambda conn: clock_changes(conn, deck_id, now_us, end_us))


def read_log_mark(path: Path) -> str | None:
    """The log mark of the progress file at `path`, read on a read-only connection of its own;
    None when it cannot be read (missing, not a regular file, busy, foreign, older schema)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        conn = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True, timeout=0.05,
                               isolation_level=None, check_same_thread=True)
    except (OSError, sqlite3.Error):
        return None
    try:
        conn.execute("BEGIN")
        return log_mark(conn)
    except sqlite3.Error:
        return None
    finally:
        conn.close()
