"""`Store`, an open progress file: opening, transactions and writes; its reads delegate to
`queries` (the package's modules are mapped in its `__init__`).

Every write is one `BEGIN IMMEDIATE` transaction, committed (and, with `synchronous=FULL` in WAL
mode, on disk) before the method returns; every read runs in one read transaction. Every public
name of the package is importable from here (`__all__`).

Public API (see each docstring)::

    Store.open(path, *, create=True, readonly=False, lock_timeout=30.0) -> Store  # context manager
    store.path; store.readonly; store.close(); store.require_sound(); store.soundness.begin()
    store.get(key) -> ItemState | None;  store.data_version() -> int;  store.states(deck_id=None)
    store.history(key) / store.reviews(deck_id=None) -> ReviewRecords, oldest first, undone flagged
    store.record_review(key, rating, *, reviewed_at, duration_ms, content_hash, schedule,
                        given=None, correct=None, known=None) -> RecordedReview
    store.undo_review(review_id, *, at) -> ItemState | None
    store.suspend(key, *, at) / unsuspend(key, *, at) / bury(key, until, *, at) / unbury(key, *, at)
    store.rebuild() -> int;  store.integrity_check() -> str;  store.marks;  store.count_keys
    store.memory_fingerprints() -> dict[str, str]; store.recompute_memory(deck_id, sched, fp, *, at)
    store.snapshot(deck_id, *, now, due_before, day_start) -> DeckSnapshot  # for the study queue
    store.stat_rows(deck_id=None) -> list[StatRow]; store.review_counts(since) -> dict[str, int]
    store.stat_summary(deck_id, *, now, day_end, leech_lapses, curve, only=None) -> StatSummary
    store.recall_at(deck_id, at, curve) -> dict[tuple[str, int], float]; store.stored_decks()
    store.review_rows(deck_id=None) -> list[ReviewRow]  # the log without undone reviews, lean
    store.briefing_targets() -> dict[str, datetime]; store.briefing_target(deck_id) -> datetime | None
    store.set_briefing_target(deck_id, at, *, now);  store.clear_briefing_target(deck_id) -> bool
    store.record_mock_test(deck_id, *, started_at, finished_at, seed, planned, answers) -> int
    store.mock_tests(deck_id=None) -> list[MockTestRecord];  store.deck_ids() -> list[str]

Errors are `StoreError` (from `core.errors`) naming the file: missing (`NoProgressError`), a
directory, corrupt, foreign, newer version, locked longer than `lock_timeout`, read-only, disk full.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import fsrs

from briefing_quiz.core.errors import StoreError
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress import lean_write, log_mark, log_reads, queries, replay, schema, soundness
from briefing_quiz.core.progress import marks as mark_log
from briefing_quiz.core.progress.derive import (
    UNREADABLE_ROW,
    UPSERT,
    UTC,
    ItemState,
    ReviewRecord,
    apply_event,
    apply_review,
    card_to_json,
    derive_all,
    derive_one,
    from_us,
    lkey,
    state_row,
    to_us,
    utc_text,
)
from briefing_quiz.core.progress.queries import (
    DeckSnapshot,
    DueItem,
    MockAnswerRecord,
    MockTestRecord,
    ReviewRow,
    StatRow,
    StatSummary,
)
from briefing_quiz.core.progress.schema import APPLICATION_ID, SCHEMA_VERSION
from briefing_quiz.core.scheduler import Scheduler

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "DeckSnapshot",
    "DueItem",
    "ItemState",
    "MockAnswerRecord",
    "MockTestRecord",
    "NoProgressError",
    "RecordedReview",
    "ReviewRecord",
    "ReviewRow",
    "StatRow",
    "StatSummary",
    "Store",
    "from_us",
    "lkey",
    "to_us",
]

T = TypeVar("T")


class NoProgressError(StoreError):
    """There is no progress file yet (raised only when opening with `create=False`)."""


@dataclass(frozen=True, slots=True)
class RecordedReview:
    """What `Store.record_review` committed: the log row's id and the item's new state."""

    review_id: int
    state: ItemState


class Store:
    """An open progress file. One Store per thread; SQLite itself handles several processes.

    Reads are thin: each runs a function of `queries` in a read transaction. (Functions taking
    the connection rather than a mixin: they show that they only read, writes can call them inside
    their own transaction, and `Store` keeps one place for transactions and errors.)
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, *, readonly: bool,
                 lock_timeout: float) -> None:
        """Use `Store.open`."""
        self._conn, self.path, self.readonly = conn, path, readonly
        self._lock_timeout = lock_timeout
        # The file's schema version (older: opened read-only). Store reads `schema`'s
        # SCHEMA_VERSION when it runs, never this module's copy: tests lower it to make older files.
        self._schema = schema.SCHEMA_VERSION
        #: Log rows that could not be read (id -> why), skipped by the reads that met them.
        self.unreadable: dict[int, str] = {}
        self.marks = mark_log.MarkLog(self._read, self._write)  # flags, forget, set due (v6)
        self.count_keys = log_mark.CountKeys(self._read)  # the counts summary's keys
        self.soundness = soundness.Verdict.sound(conn, path)  # quick_check: `open` may set it

    # -- opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True, readonly: bool = False,
             lock_timeout: float = 30.0, check: bool = True) -> Store:
        """Open the progress file at `path`; with `create`, not `readonly`, create or migrate it.

        An existing file is first checked through its raw header and a read-only connection; a
        file that is not SQLite, is another program's database, or is damaged raises `StoreError`
        and is not modified. A missing file with `create=False` or `readonly=True` raises
        `NoProgressError`.
        """
        path = Path(path).expanduser()
        schema.refuse_non_regular(path)
        if not path.exists():
            if readonly or not create:
                raise NoProgressError(f"no progress yet: {path} does not exist")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
                reason = f"{blocker} is a file" if blocker else error.strerror or error
                raise StoreError(f"cannot create the folder for {path}: {reason}") from error
        else:
            schema.refuse_bad_companions(path, writing=not readonly)
            schema.check_existing(path)
        try:
            conn = schema.connect(path, readonly=readonly)
        except sqlite3.Error as error:
            raise schema.store_error(path, error, "cannot open") from error
        store = cls(conn, path, readonly=readonly, lock_timeout=lock_timeout)
        try:
            if readonly:
                store._check_schema_readonly()
            else:
                store._migrate()
                # Nothing is written (not even the switch to WAL) before the file is found sound.
                schema.check_tables(conn, path, schema.SCHEMA_VERSION)
                store.soundness = soundness.start(conn, path, check=check)  # or pending
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
        except BaseException:
            store.close()  # and stops a check started
            raise
        return store

    def close(self) -> None:
        self.soundness.stop()
        self._conn.close()

    def require_sound(self) -> None:
        """Wait for the `quick_check` verdict, starting it if need be (`soundness`); StoreError."""
        self.soundness.require()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _check_schema_readonly(self) -> None:
        try:
            app_id, version, tables = schema.read_identity(self._conn)
        except sqlite3.Error as error:
            raise schema.store_error(self.path, error, "cannot read") from error
        if app_id != APPLICATION_ID:
            raise schema.foreign_file_error(self.path) if tables else NoProgressError(
                f"no progress yet: {self.path} is empty")
        schema.check_version(self.path, version, schema.SCHEMA_VERSION)
        schema.check_tables(self._conn, self.path, version)
        self._schema = version

    def _migrate(self) -> None:
        try:
            app_id, version, _tables = schema.read_identity(self._conn)
        except sqlite3.Error as error:
            raise schema.store_error(self.path, error, "cannot read") from error
        target = schema.SCHEMA_VERSION  # read now, not as migrate's default
        if app_id == APPLICATION_ID and version == target:
            return  # the usual case: no write lock needed
        self._write(lambda conn: schema.migrate(conn, self.path, target), "cannot set up")

    # -- transactions ----------------------------------------------------------------------------

    def _write(self, fn: Callable[[sqlite3.Connection], T], what: str = "cannot save to") -> T:
        """Run `fn` in one BEGIN IMMEDIATE transaction and commit it.

        While another writer holds the lock, retry (on top of busy_timeout) up to `lock_timeout`
        seconds. On any failure the transaction is rolled back: nothing of it is kept."""
        if self.readonly:
            raise StoreError(f"{what} {self.path}: it was opened read-only")
        self.require_sound()  # every write: never to a file that failed quick_check
        conn = self._conn
        deadline = time.monotonic() + self._lock_timeout  # lock waits, not domain time
        delay = 0.005
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if schema.is_busy(error) and time.monotonic() < deadline:
                    time.sleep(delay)
                    delay = min(delay * 2, 0.2)
                    continue
                raise schema.store_error(self.path, error, what) from error
            try:
                result = fn(conn)
                conn.execute("COMMIT")
            except BaseException as error:
                if conn.in_transaction:
                    # SQLite may have rolled back already (after SQLITE_FULL, say).
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                if isinstance(error, sqlite3.Error):
                    raise schema.store_error(self.path, error, what) from error
                raise
            return result

    def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` in one read transaction (a consistent snapshot in WAL mode)."""
        conn = self._conn
        try:
            conn.execute("BEGIN")
            try:
                return fn(conn)
            finally:
                conn.execute("COMMIT")
        except sqlite3.Error as error:
            raise schema.store_error(self.path, error, "cannot read") from error
        except UNREADABLE_ROW as error:  # a derived row written by hand or damaged
            raise StoreError(f"{self.path}: a stored item state cannot be read ({error!r}); "
                             "'briefing-quiz rebuild' recomputes them from the review log "
                             "(or restore a backup)") from error

    # -- reading (the SQL is in `queries`) --------------------------------------------------------

    def data_version(self) -> int:
        """SQLite's `PRAGMA data_version`: it changes when another connection commits (never for
        this store's own writes), so a reader can tell whether what it read may be stale."""
        try:
            return queries.data_version(self._conn)
        except sqlite3.Error as error:
            raise schema.store_error(self.path, error, "cannot read") from error

    def get(self, key: ItemKey) -> ItemState | None:
        """The stored state of `key`; None for an item never reviewed, suspended or buried."""
        try:  # one statement: its own read transaction
            return queries.get_state(self._conn, key)
        except sqlite3.Error as error:
            raise schema.store_error(self.path, error, "cannot read") from error

    def states(self, deck_id: str | None = None) -> dict[ItemKey, ItemState]:
        """Every stored item state (of one deck, or all), in key order."""
        return self._read(lambda conn: queries.states(conn, deck_id))

    def history(self, key: ItemKey) -> list[ReviewRecord]:
        """The reviews of one item, oldest first; undone ones are included with `undone=True`."""
        where = "r.deck_id = ? AND r.card_id = ? AND r.item = ?"
        return list(self._reviews(where, (key.deck_id, key.card_id, key.item)))

    def reviews(self, deck_id: str | None = None) -> Iterator[ReviewRecord]:
        """The review log (of one deck, or all), oldest first, undone reviews flagged."""
        if deck_id is None:
            return self._reviews("1", ())
        return self._reviews("r.deck_id = ?", (deck_id,))

    def _reviews(self, where: str, params: tuple[object, ...]) -> Iterator[ReviewRecord]:
        # A generator: the log is read when iteration starts, its records made one by one.
        yield from self._read(lambda conn: queries.review_records(conn, where, params,
                                                                  self.unreadable))

    def deck_ids(self) -> list[str]:
        """Ids of the decks that have stored progress (reviews, or suspended/buried items)."""
        return self._read(queries.deck_ids)

    def stored_decks(self) -> list[str]:
        """Ids of the decks with stored item states (reviewed, suspended or buried items)."""
        return self._read(queries.stored_decks)

    def rating_log(self, deck_id: str | None = None
                   ) -> list[tuple[tuple[str, str, int], int, datetime]]:
        """((deck, card, item), rating, time) of the reviews that count, oldest first."""
        return self._read(lambda conn: log_reads.rating_log(conn, deck_id, self.unreadable))

    def recall_log(self, deck_id: str
                   ) -> list[tuple[tuple[str, str, int], int, datetime, float | None, str | None]]:
        """Each review of `deck_id` that counts with its state's stability and last review."""
        return self._read(lambda conn: log_reads.recall_log(conn, deck_id, self.unreadable))

    def review_rows(self, deck_id: str | None = None) -> list[ReviewRow]:
        """The reviews that count (undone ones left out), oldest first, as lean `ReviewRow`s."""
        return self._read(lambda conn: log_reads.review_rows(conn, deck_id, self.unreadable))

    def integrity_check(self) -> str:
        """SQLite's `PRAGMA integrity_check`: "ok" when the file is sound."""
        return self._read(queries.integrity_check)

    def snapshot(self, deck_id: str, *, now: datetime, due_before: datetime,
                 day_start: datetime, new_limit: int | None = None,
                 ranked: bool = False, with_blocked: bool = True) -> DeckSnapshot:
        """What the queue needs for `deck_id`, in one read transaction: see `queries.snapshot`."""
        return self._read(lambda conn: queries.snapshot(
            conn, deck_id, now=now, due_before=due_before, day_start=day_start,
            new_limit=new_limit, ranked=ranked, with_blocked=with_blocked))

    def blocked_among(self, deck_id: str, card_ids: Sequence[str] | None, *,
                      now: datetime) -> frozenset[str]:
        """The lkeys of the items that cannot be introduced as new at `now` (as
        `DeckSnapshot.blocked`): of these cards (primary-key lookups), or of the whole deck (None:
        one scan of its stored items)."""
        return self._read(lambda conn: queries.blocked_among(conn, deck_id, card_ids, now=now))

    def stat_rows(self, deck_id: str | None = None) -> list[StatRow]:
        """Every stored item as a `StatRow` (of one deck, or all)."""
        return self._read(lambda conn: queries.stat_rows(conn, deck_id))

    def stat_summary(self, deck_id: str, *, now: datetime, day_end: datetime, leech_lapses: int,
                     curve: tuple[float, float],
                     only: Collection[str] | None = None) -> StatSummary:
        """The stored items of `deck_id` aggregated in SQL: see `queries.stat_summary`."""
        return self._read(lambda conn: queries.stat_summary(
            conn, deck_id, now=now, day_end=day_end, leech_lapses=leech_lapses, curve=curve,
            only=only))

    def recall_at(self, deck_id: str, at: datetime,
                  curve: tuple[float, float]) -> dict[tuple[str, int], float]:
        """(card_id, item) -> retrievability at `at` of every stored item of `deck_id` with a
        memory state (see `queries.stat_summary` for `curve`)."""
        return self._read(lambda conn: queries.recall_at(conn, deck_id, at, curve))

    def review_counts(self, since: datetime) -> dict[str, int]:
        """Per deck, the reviews made at or after `since` that were not undone."""
        return self._read(lambda conn: queries.review_counts(conn, since, schema=self._schema))

    def briefing_targets(self) -> dict[str, datetime]:
        """Deck id -> briefing time (aware UTC), for every deck with a target."""
        return self._read(queries.briefing_targets)

    def briefing_target(self, deck_id: str) -> datetime | None:
        """The briefing time of `deck_id` (aware UTC), or None when it has none."""
        return self.briefing_targets().get(deck_id)

    def mock_tests(self, deck_id: str | None = None) -> list[MockTestRecord]:
        """The stored mock tests (of one deck, or all), oldest first, with their answers."""
        return self._read(lambda conn: queries.mock_tests(conn, deck_id))

    # -- writing ---------------------------------------------------------------------------------

    def record_review(
        self, key: ItemKey, rating: fsrs.Rating, *, reviewed_at: datetime, duration_ms: int,
        content_hash: str, schedule: Callable[[fsrs.Card | None], fsrs.Card],
        given: str | None = None, correct: bool | None = None,
        known: tuple[int, ItemState | None] | None = None,
    ) -> RecordedReview:
        """Append one review to the log and update the item's state, in one committed transaction.

        `schedule(previous)` gets the item's fsrs card as stored at that moment (None when new) and
        returns the card after this review. It runs under the write lock, so a review made meanwhile
        by another process is taken into account rather than overwritten.

        `known` = (data_version, state): the caller's copy of the item's state, current as of that
        `data_version()`. When no other connection has committed since, it is used instead of
        reading the state again (a saving on every answer); otherwise the state is read.
        """
        at = reviewed_at.astimezone(UTC)
        duration = max(0, int(duration_ms))

        def run(conn: sqlite3.Connection) -> RecordedReview:
            # Under the write lock: data_version now counts every commit made before ours.
            if known is not None and queries.data_version(conn) == known[0]:
                prev = known[1] or ItemState(key=key)
            else:
                prev = queries.get_state(conn, key) or ItemState(key=key)
            card_after = schedule(prev.card)
            card_json = card_to_json(card_after)
            cursor = conn.execute(
                "INSERT INTO reviews (deck_id, card_id, item, rating, given, correct, reviewed_at, "
                "duration_ms, content_hash, card_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key.deck_id, key.card_id, key.item, int(rating), given,
                 None if correct is None else int(correct), at.isoformat(), duration, content_hash,
                 card_json))
            review_id = cursor.lastrowid
            assert review_id is not None
            # Stored as it will be read back (through JSON), so the returned state equals a re-read.
            state = apply_review(prev, review_id, int(rating), at, content_hash,
                                  lean_write.read_back(card_after))  # fsrs' card, not copied
            lean_write.write_reviewed(conn, prev, state, card_json)  # fewer pages: see there
            return RecordedReview(review_id, state)

        return self._write(run, "could not save the answer to")

    def undo_review(self, review_id: int, *, at: datetime) -> ItemState | None:
        """Mark review `review_id` undone (an `undo` event; the log row stays) and restore the
        item's state from the log as it was before that review. Only the item's latest review
        that counts can be undone: an older one, or one already undone, raises StoreError."""
        when = at.astimezone(UTC).isoformat()

        def run(conn: sqlite3.Connection) -> ItemState | None:
            row = conn.execute("SELECT deck_id, card_id, item FROM reviews WHERE id = ?",
                               (review_id,)).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: there is no review {review_id} to undo")
            key = ItemKey(*row)
            current = queries.get_state(conn, key)
            if current is None or current.last_review_id != review_id:
                raise StoreError(
                    f"cannot undo the answer to {key}: it was undone already, or the card was "
                    "answered again since (perhaps in another window)")
            conn.execute("INSERT INTO events (deck_id, card_id, item, action, at, review_id) "
                         "VALUES (?, ?, ?, 'undo', ?, ?)", (*row, when, review_id))
            state = replay.follow_item(conn, derive_one(conn, key))  # the parameters in use
            conn.execute("DELETE FROM items WHERE deck_id = ? AND card_id = ? AND item = ?",
                         (key.deck_id, key.card_id, key.item))
            if state is not None:  # None: nothing about the item remains
                conn.execute(UPSERT, state_row(state))
            return state

        return self._write(run, "could not save the undo to")

    def suspend(self, key: ItemKey, *, at: datetime) -> ItemState:
        """Exclude `key` from study until `unsuspend`."""
        return self._event(key, "suspend", at)

    def unsuspend(self, key: ItemKey, *, at: datetime) -> ItemState:
        return self._event(key, "unsuspend", at)

    def bury(self, key: ItemKey, until: datetime, *, at: datetime) -> ItemState:
        """Hide `key` from study until `until` (the next study-day start: "until tomorrow")."""
        return self._event(key, "bury", at, until)

    def unbury(self, key: ItemKey, *, at: datetime) -> ItemState:
        return self._event(key, "unbury", at)

    def _event(self, key: ItemKey, action: str, at: datetime,
               until: datetime | None = None) -> ItemState:
        until_utc = None if until is None else until.astimezone(UTC)

        def run(conn: sqlite3.Connection) -> ItemState:
            conn.execute(
                "INSERT INTO events (deck_id, card_id, item, action, at, until) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (key.deck_id, key.card_id, key.item, action, at.astimezone(UTC).isoformat(),
                 None if until_utc is None else until_utc.isoformat()))
            state = apply_event(queries.get_state(conn, key) or ItemState(key=key), action, until_utc)
            conn.execute(UPSERT, state_row(state))
            return state

        return self._write(run, f"could not save the {action} to")

    def rebuild(self) -> int:
        """Recompute every item's state from the review and event logs; return how many."""
        def run(conn: sqlite3.Connection) -> int:
            states = derive_all(conn, self.unreadable)
            conn.execute("DELETE FROM items")
            conn.executemany(UPSERT, [state_row(s) for s in states])
            conn.execute("DELETE FROM memory_parameters")  # logged states: recomputed on opening
            return len(states)

        return self._write(run, "could not rebuild")

    # -- memory states following the parameters in use (see `replay`) -----------------------------

    def memory_fingerprints(self) -> dict[str, str]:
        """Deck id -> fingerprint of the parameters its memory states were computed with."""
        return self._read(replay.read_fingerprints)

    def recompute_memory(self, deck_id: str, sched: Scheduler, *, at: datetime) -> int:
        """Replay `deck_id`'s log with `sched`'s parameters, due dates kept: items changed."""
        return self._write(lambda conn: replay.recompute_deck(
            conn, deck_id, sched, at, self.unreadable), "could not recompute states in")

    # -- briefing targets and mock tests ---------------------------------------------------------

    def set_briefing_target(self, deck_id: str, at: datetime, *, now: datetime) -> None:
        """Set (or replace) the briefing time of `deck_id`. Any time is stored: refusing a time in
        the past is the caller's business (see `core.study.readiness.parse_target`)."""
        at_text = utc_text(at, "at")
        now_text = utc_text(now, "now")
        self._write(lambda conn: conn.execute(
            "INSERT OR REPLACE INTO briefings (deck_id, at, set_at) VALUES (?, ?, ?)",
            (deck_id, at_text, now_text)), "could not save the briefing time to")

    def clear_briefing_target(self, deck_id: str) -> bool:
        """Remove the briefing time of `deck_id`; False when it had none."""
        def run(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute("DELETE FROM briefings WHERE deck_id = ?", (deck_id,))
            return cursor.rowcount > 0

        return self._write(run, "could not clear the briefing time in")

    def record_mock_test(self, deck_id: str, *, started_at: datetime, finished_at: datetime,
                         seed: int, planned: int, answers: list[MockAnswerRecord]) -> int:
        """Store a finished (or abandoned) mock test; return its id. Touches nothing else: no
        review, no event, no item state."""
        started, finished = utc_text(started_at, "started_at"), utc_text(finished_at,
                                                                          "finished_at")

        def run(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "INSERT INTO mock_tests (deck_id, started_at, finished_at, seed, planned) "
                "VALUES (?, ?, ?, ?, ?)", (deck_id, started, finished, seed, planned))
            test_id = cursor.lastrowid
            assert test_id is not None
            conn.executemany(
                "INSERT INTO mock_answers (test_id, position, card_id, item, given, expected, "
                "correct, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(test_id, position, a.key.card_id, a.key.item, a.given, a.expected,
                  int(a.correct), max(0, int(a.duration_ms)))
                 for position, a in enumerate(answers)])
            return test_id

        return self._write(run, "could not save the mock test to")
