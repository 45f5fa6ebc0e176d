"""The progress file's schema: its SQL, version and migrations, and the checks made on opening.

Schema (version `SCHEMA_VERSION`, kept in `PRAGMA user_version`; `PRAGMA application_id` is
`APPLICATION_ID`, so a foreign SQLite file is recognised and left alone):

``reviews`` — the review log, append-only (triggers refuse UPDATE and DELETE), the source of truth::

    id INTEGER PRIMARY KEY                -- unique and never reused: rows are never deleted
    deck_id, card_id TEXT; item INTEGER   -- the ItemKey (item: cloze number, or 0)
    rating INTEGER                        -- fsrs.Rating, 1 (Again) .. 4 (Easy)
    given TEXT NULL; correct INTEGER NULL -- the answer given, and whether it was right
    reviewed_at TEXT                      -- ISO 8601, UTC, as read from the clock
    duration_ms INTEGER
    content_hash TEXT                     -- card.content_hash(item) at that moment
    card_after TEXT                       -- JSON of fsrs.Card.to_dict() after the review

``events`` — also append-only: ``action`` is ``undo`` (of ``review_id``), ``suspend``,
``unsuspend``, ``bury`` (until ``until``) or ``unbury``, with ``at`` (ISO UTC) and the ItemKey.

``items`` — the state of every item ever reviewed, suspended or buried (an item without a row is
new). Derived: `Store.rebuild` recomputes it from ``reviews`` and ``events`` alone, to the same
rows. Times are integer microseconds since the Unix epoch, so the queue uses indexed range scans::

    deck_id, card_id, item              -- primary key
    lkey TEXT                           -- card_id, or card_id + "\\x1f" + item for cloze items
    phase INTEGER                       -- 0 new, else fsrs.State (1 learning, 2 review, 3 relearn)
    card TEXT NULL                      -- fsrs.Card.to_dict() JSON (NULL while new)
    due_us, last_review_us, stability   -- copies of card fields, for queries
    reps, lapses INTEGER                -- reviews counted, lapses (Again on a card in review)
    suspended INTEGER; buried_until_us INTEGER NULL
    first_review_us INTEGER NULL        -- when the item stopped being new (daily new-card limit)
    last_review_id INTEGER NULL         -- the last review that counts (not undone)
    last_hash TEXT NULL                 -- its content hash ("changed since you last saw it")

An undone review stays in the log; an ``undo`` event marks it and every derivation skips it. The
item state after a review is the ``card_after`` of the last review not undone, so a rebuild
reproduces it exactly, whatever scheduler settings are in force today.

Added in schema version 2 (a version-1 file is migrated when opened for writing; read-only, it
simply has no briefing targets and no mock tests):

``briefings`` — the briefing target of a deck (briefing mode): ``deck_id`` (primary key), ``at``
(the briefing time) and ``set_at`` (when it was set), both ISO 8601 UTC. A setting, not a log:
setting again replaces the row, clearing deletes it.

``memory_parameters`` — (schema 5) per deck, the FSRS ``parameters`` (JSON list) its items'
memory states were computed with, their ``fingerprint``, and ``at`` (ISO UTC); a deck without a
row: fsrs' defaults.
Derived, like ``items``: see `replay`.

``mock_tests`` and ``mock_answers`` — mock tests (rehearsals), append-only, kept apart from the
review log: they never change any item's state or schedule::

    mock_tests:   id, deck_id, started_at, finished_at (ISO UTC), seed, planned (questions drawn)
    mock_answers: test_id, position (0-based), card_id, item, given, expected, correct, duration_ms

Added in schema version 3 (migrated the same way; no table changes): the index ``reviews_at`` on
``reviews (reviewed_at)``, so counting today's reviews reads today's rows only, and
``items_blocked`` with phase and suspended first, so deck statistics group without sorting.

Schema version 4 (migrated the same way; no table changes) makes an answer write fewer pages
(issue 16). ``items_today`` is gone: each answer moved its entry (the last review time) from one
place to another, two pages of the WAL on a store with history. In its place ``items_first``
(deck, first review) counts the items introduced today; it changes only when an item is first
reviewed, and an answer that keeps the first review leaves it alone (`lean_write`). The items
seen today come from ``reviews_at``, which now also holds each review's item: it grows at its
end, so the entry an answer adds still costs about one page.

Schema version 5 adds ``memory_parameters`` (above): which FSRS parameters each deck's derived
memory states follow (issue 13).

Schema version 6 adds ``marks``, Anki's everyday card actions (issue 18), append-only like the
other logs (triggers refuse UPDATE and DELETE)::

    id INTEGER PRIMARY KEY
    deck_id, card_id TEXT; item INTEGER   -- the ItemKey
    action TEXT                           -- flag, unflag, forget, set_due, or undo (of `undoes`)
    at TEXT                               -- ISO 8601 UTC, when it was done
    after_review INTEGER                  -- the log's last review id then (0: none): a forget
                                          -- or set_due falls between that review and the next
    note TEXT NULL                        -- flag: its note ('' for none); else NULL
    due TEXT NULL                         -- set_due: the new due time, ISO UTC; else NULL
    undoes INTEGER NULL                   -- undo: the forget or set_due it takes back

A flag changes no schedule: the flags in force are read from the log (`queries.flags`). A forget
(back to new, the history kept) and a set due date change the item's state: `derive` applies them
among the reviews in `after_review` order, so `Store.rebuild` gives the same rows.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from briefing_quiz.core.errors import StoreError

__all__ = [
    "APPLICATION_ID",
    "CANONICAL_AT",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "check_existing",
    "check_version",
    "connect",
    "foreign_file_error",
    "has_table",
    "is_busy",
    "migrate",
    "read_identity",
    "store_error",
]

#: "BQz1" — marks a briefing-quiz progress file (SQLite header offset 68).
APPLICATION_ID = 0x42517A31
SCHEMA_VERSION = 6

_SQLITE_MAGIC = b"SQLite format 3\x00"


_SCHEMA_V1 = """
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,  -- no AUTOINCREMENT needed: rows are never deleted, so ids never recur
    deck_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    item INTEGER NOT NULL CHECK (item >= 0),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    given TEXT,
    correct INTEGER CHECK (correct IN (0, 1)),
    reviewed_at TEXT NOT NULL,
    duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
    content_hash TEXT NOT NULL,
    card_after TEXT NOT NULL
);
CREATE INDEX reviews_item ON reviews (deck_id, card_id, item);
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
    BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
    BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    deck_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    item INTEGER NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('undo', 'suspend', 'unsuspend', 'bury', 'unbury')),
    at TEXT NOT NULL,
    review_id INTEGER REFERENCES reviews (id),
    until TEXT,
    CHECK ((action = 'undo') = (review_id IS NOT NULL)),
    CHECK ((action = 'bury') = (until IS NOT NULL))
);
CREATE INDEX events_item ON events (deck_id, card_id, item);
CREATE UNIQUE INDEX events_undo ON events (review_id) WHERE action = 'undo';
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

CREATE TABLE items (
    deck_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    item INTEGER NOT NULL,
    lkey TEXT NOT NULL,
    phase INTEGER NOT NULL DEFAULT 0,
    card TEXT,
    due_us INTEGER,
    last_review_us INTEGER,
    stability REAL,
    reps INTEGER NOT NULL DEFAULT 0,
    lapses INTEGER NOT NULL DEFAULT 0,
    suspended INTEGER NOT NULL DEFAULT 0,
    buried_until_us INTEGER,
    first_review_us INTEGER,
    last_review_id INTEGER,
    last_hash TEXT,
    PRIMARY KEY (deck_id, card_id, item)
) WITHOUT ROWID;
-- Covering indexes: building the queue reads only these, never the wide table rows.
CREATE INDEX items_due ON items (deck_id, due_us, phase, suspended, buried_until_us,
                                 last_review_us, lapses, last_review_id);
CREATE INDEX items_blocked ON items (deck_id, lkey, phase, suspended, buried_until_us);
-- Items reviewed since the day began (first_review <= last_review, so one index serves both the
-- new-today count and the siblings seen today).
CREATE INDEX items_today ON items (deck_id, last_review_us, first_review_us);
"""

_SCHEMA_V2 = """
CREATE TABLE briefings (
    deck_id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    set_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE mock_tests (
    id INTEGER PRIMARY KEY,
    deck_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    seed INTEGER NOT NULL,
    planned INTEGER NOT NULL CHECK (planned >= 0)
);
CREATE INDEX mock_tests_deck ON mock_tests (deck_id);
CREATE TRIGGER mock_tests_no_update BEFORE UPDATE ON mock_tests
    BEGIN SELECT RAISE(ABORT, 'mock tests are append-only'); END;
CREATE TRIGGER mock_tests_no_delete BEFORE DELETE ON mock_tests
    BEGIN SELECT RAISE(ABORT, 'mock tests are append-only'); END;

CREATE TABLE mock_answers (
    test_id INTEGER NOT NULL REFERENCES mock_tests (id),
    position INTEGER NOT NULL CHECK (position >= 0),
    card_id TEXT NOT NULL,
    item INTEGER NOT NULL CHECK (item >= 0),
    given TEXT,
    expected TEXT NOT NULL,
    correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
    duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
    PRIMARY KEY (test_id, position)
) WITHOUT ROWID;
CREATE TRIGGER mock_answers_no_update BEFORE UPDATE ON mock_answers
    BEGIN SELECT RAISE(ABORT, 'mock tests are append-only'); END;
CREATE TRIGGER mock_answers_no_delete BEFORE DELETE ON mock_answers
    BEGIN SELECT RAISE(ABORT, 'mock tests are append-only'); END;
"""

# `reviewed_at` as `record_review` writes it: ISO 8601 in UTC, with or without microseconds.
CANONICAL_AT = " OR ".join(
    "reviewed_at GLOB '{}'".format(pattern.replace("D", "[0-9]"))
    for pattern in ("DDDD-DD-DDTDD:DD:DD+00:00", "DDDD-DD-DDTDD:DD:DD.DDDDDD+00:00"))
_SCHEMA_V3 = """
-- Reviews by time: today's reviews (`review_counts`) are a range scan, not a scan of the log.
CREATE INDEX reviews_at ON reviews (reviewed_at);
-- The same columns as before, phase and suspended first: deck statistics group by them in index
-- order (no sort); the blocked lkeys of a snapshot read the whole deck's range either way.
-- Rows written in another form than the store's own (ISO UTC text): normally none at all.
CREATE INDEX reviews_odd_at ON reviews (reviewed_at) WHERE NOT ({canonical});
-- Phase and suspended first, and what statistics read besides: deck statistics group in index
-- order (no sort) without reading the wide table rows. A snapshot's blocked lkeys read the
-- deck's whole range of it, as before. (Every index is rewritten by each item upsert anyway.)
DROP INDEX items_blocked;
CREATE INDEX items_blocked ON items (deck_id, phase, suspended, buried_until_us, lkey, lapses,
                                     last_review_us, stability);
"""

_SCHEMA_V4 = """
DROP INDEX items_today;
CREATE INDEX items_first ON items (deck_id, first_review_us);
DROP INDEX reviews_at;
CREATE INDEX reviews_at ON reviews (reviewed_at, deck_id, card_id, item);
"""

# The FSRS parameters each deck's memory states were computed with (`replay`); no row: the defaults.
_SCHEMA_V5 = """
CREATE TABLE memory_parameters (
    deck_id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    parameters TEXT NOT NULL,
    at TEXT NOT NULL
) WITHOUT ROWID;
"""

# Anki's everyday card actions: flags with a note, forget, set due date (issue 18).
_SCHEMA_V6 = """
CREATE TABLE marks (
    id INTEGER PRIMARY KEY,
    deck_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    item INTEGER NOT NULL CHECK (item >= 0),
    action TEXT NOT NULL CHECK (action IN ('flag', 'unflag', 'forget', 'set_due', 'undo')),
    at TEXT NOT NULL,
    after_review INTEGER NOT NULL CHECK (after_review >= 0),
    note TEXT,
    due TEXT,
    undoes INTEGER REFERENCES marks (id),
    CHECK ((action = 'flag') = (note IS NOT NULL)),
    CHECK ((action = 'set_due') = (due IS NOT NULL)),
    CHECK ((action = 'undo') = (undoes IS NOT NULL))
);
CREATE INDEX marks_item ON marks (deck_id, card_id, item);
CREATE UNIQUE INDEX marks_undo ON marks (undoes) WHERE action = 'undo';
CREATE TRIGGER marks_no_update BEFORE UPDATE ON marks
    BEGIN SELECT RAISE(ABORT, 'the mark log is append-only'); END;
CREATE TRIGGER marks_no_delete BEFORE DELETE ON marks
    BEGIN SELECT RAISE(ABORT, 'the mark log is append-only'); END;
"""

#: MIGRATIONS[v] takes a database at user_version v to v + 1 (v = 0: an empty database).
MIGRATIONS: dict[int, str] = {
    0: _SCHEMA_V1, 1: _SCHEMA_V2, 2: _SCHEMA_V3.replace("{canonical}", CANONICAL_AT),
    3: _SCHEMA_V4, 4: _SCHEMA_V5, 5: _SCHEMA_V6}


def migrate(conn: sqlite3.Connection, path: Path, target: int = SCHEMA_VERSION) -> None:
    """Set up or upgrade the database of `conn` (at `path`) to schema `target`; the caller holds
    the write lock. Re-checks the file's identity under that lock: another process may have set
    it up meanwhile."""
    app_id, version, tables = read_identity(conn)
    if app_id != APPLICATION_ID:
        if tables:
            raise foreign_file_error(path)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        version = 0
    check_version(path, version, target)
    while version < target:
        for statement in _statements(MIGRATIONS[version]):
            conn.execute(statement)
        version += 1
        conn.execute(f"PRAGMA user_version = {version}")


def _statements(script: str) -> list[str]:
    """Split a schema script into statements (trigger bodies contain ';')."""
    out: list[str] = []
    buffer = ""
    for line in script.strip().splitlines():
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement in schema: {buffer!r}")
    return out


def connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    """A connection to `path` (read-only: SQLite's `mode=ro`), with a busy timeout."""
    uri = path.absolute().as_uri() + ("?mode=ro" if readonly else "?mode=rwc")
    # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE), never implicit.
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=5.0,
                           check_same_thread=True)
    conn.execute("PRAGMA busy_timeout = 5000")
    if readonly and not os.access(path.parent, os.W_OK):
        # A read-only folder or mount: a WAL file cannot be read without its -shm index, which
        # SQLite cannot create there. Nothing can write the file there either, so it is read
        # as immutable (a -wal left beside it by a crash is then not read).
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            conn.close()
            conn = sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None,
                                   check_same_thread=True)
    return conn


def read_identity(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """(application id, schema version, number of schema objects) of the database."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return int(app_id), int(version), int(tables)


def check_version(path: Path, version: int, newest: int = SCHEMA_VERSION) -> None:
    """Refuse a file of a schema newer than `newest`, the newest this program reads."""
    if version > newest:
        raise StoreError(
            f"{path} was written by a newer version of briefing-quiz (schema {version}; this "
            f"version reads up to {newest}): upgrade briefing-quiz")


def foreign_file_error(path: Path) -> StoreError:
    return StoreError(f"{path} is another program's SQLite database, not a briefing-quiz progress "
                      "file; it was left unchanged (choose another file with --data)")


#: The tables each schema version has (a file of version v has those of every version <= v).
TABLES = {1: ("reviews", "events", "items"), 2: ("briefings", "mock_tests", "mock_answers"),
          5: ("memory_parameters",), 6: ("marks",)}


def check_tables(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Refuse, before anything is written, a file of ours whose tables are gone (one query)."""
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [t for v, names in TABLES.items() if v <= version for t in names if t not in present]
    if missing:
        raise StoreError(f"{path} is damaged: its table{'s' if len(missing) > 1 else ''} "
                         f"{', '.join(missing)} {'are' if len(missing) > 1 else 'is'} missing; it "
                         "was left unchanged: restore a backup, or choose another file with --data")


def check_sound(conn: sqlite3.Connection, path: Path) -> None:
    """SQLite's `quick_check` (about 1 ms per MB: ~100 ms on a 100,000-review file), run when the
    file is opened for writing, before anything is written: answers are never added to a damaged
    file. `rebuild` opens without it (it runs the full integrity_check itself)."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.Error as error:  # damaged past what quick_check can list
        rows = [(str(error),)]
    if [tuple(r) for r in rows] != [("ok",)]:
        lines = [ln for r in rows for ln in str(r[0]).splitlines() if not ln.startswith("***")]
        raise StoreError(
            f"{path} is damaged (SQLite's quick_check: {(lines or ['?'])[0][:200]}); it was left "
            "unchanged and nothing will be saved to it. To recover, restore a backup of it; "
            "when only the item states are damaged, 'briefing-quiz rebuild' recomputes them from "
            "the review log")


def refuse_non_regular(path: Path) -> None:
    """A folder, FIFO, device (`/dev/null`) or socket is never opened as the progress file."""
    import stat

    try:
        mode = path.stat().st_mode
    except OSError:
        return  # missing (created later) or unreadable (opening it says why)
    if stat.S_ISDIR(mode):
        raise StoreError(
            f"{path} is a directory, not a progress file (give a file path with --data)")
    if not stat.S_ISREG(mode):
        from briefing_quiz.core.files import kind_of

        raise StoreError(f"{path} is {kind_of(mode)}, not a progress file; it was left "
                         "unchanged (give a file path with --data)")


#: The files SQLite keeps beside a database, and what each is called in a message.
_COMPANIONS = (("-wal", "write-ahead log"), ("-shm", "shared-memory index"),
               ("-journal", "rollback journal"))


def refuse_bad_companions(path: Path, *, writing: bool) -> None:
    """Refuse, before SQLite opens `path`, a write-ahead log, shared-memory index or journal
    beside it that SQLite could not use: not a file (a folder, a FIFO that would stall every
    save, a link to a device), or a file we may not read (or, to write, not write). SQLite's own
    errors then name the progress file ("cannot be opened", "locking protocol", or each answer
    NOT SAVED after the session had started); this names the file that is wrong and what to do.
    """
    import errno
    import os
    import stat

    from briefing_quiz.core.files import kind_of

    for suffix, what in _COMPANIONS:
        companion = Path(f"{path}{suffix}")
        try:
            companion.lstat()
        except OSError:
            continue  # none there: the usual case
        try:
            mode = companion.stat().st_mode
        except OSError as error:
            raise StoreError(f"{companion}: SQLite's {what} of {path} cannot be read "
                             f"({error.strerror or error}); nothing was changed. If no "
                             "briefing-quiz is running, remove this link and try again") from None
        if not stat.S_ISREG(mode):
            raise StoreError(f"{companion}: SQLite's {what} of {path} is {kind_of(mode)}, not a "
                             "file; nothing was read or changed. It holds no answers: if no "
                             "briefing-quiz is running, remove it and try again")
        flags = (os.O_RDWR if writing else os.O_RDONLY) | getattr(os, "O_NONBLOCK", 0)
        try:
            os.close(os.open(companion, flags))
        except OSError as error:
            if error.errno == errno.EROFS and not writing:
                continue
            doing = "read and written" if writing else "read"
            raise StoreError(f"{companion}: SQLite's {what} of {path} cannot be {doing} "
                             f"({error.strerror or error}); nothing was changed. It may hold "
                             "your latest answers: do not delete it; give yourself read and write "
                             "access to it (chmod u+rw, or as its owner) and try again") from None


def check_existing(path: Path) -> None:
    """Refuse, without writing anything, a file that is not (or not yet) our progress file."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror or error}") from error
    if not header:
        return  # an empty file is an empty database: safe to set up
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise StoreError(f"{path} is not a briefing-quiz progress file (not an SQLite database); "
                         "it was left unchanged")
    if int.from_bytes(header[68:72], "big") == APPLICATION_ID:
        return
    # Application id 0 may still be an empty database; anything with tables is somebody else's.
    try:
        probe = connect(path, readonly=True)
        try:
            app_id, _version, tables = read_identity(probe)
        finally:
            probe.close()
    except sqlite3.Error as error:
        raise store_error(path, error, "cannot read") from error
    if app_id != APPLICATION_ID and tables:
        raise foreign_file_error(path)


def is_busy(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", "")
    return name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED") or (
        "locked" in str(error) and not name)


def store_error(path: Path, error: sqlite3.Error, what: str) -> StoreError:
    """A one-line, user-facing explanation of a SQLite failure on `path`."""
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error)
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        reason = "the file or its folder is read-only"
    elif name == "SQLITE_FULL" or "disk is full" in text:
        reason = "the disk is full"
    elif name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        reason = "another program has kept it locked for too long; try again"
    elif (name in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or "malformed" in text
          or "not a database" in text):
        reason = "the file is damaged or not a briefing-quiz progress file; it was left unchanged"
    elif name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        reason = "the file cannot be opened (check the path and permissions)"
    elif name.startswith("SQLITE_IOERR") or "disk I/O" in text:
        reason = f"a disk error occurred ({text})"
    else:
        reason = text
    return StoreError(f"{what} {path}: {reason}")


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        (name,)).fetchone() is not None
