"""The progress file: one SQLite database holding the review log and the state derived from it.

This is the only module that runs SQL. Every write is one `BEGIN IMMEDIATE` transaction, committed
(and, with `synchronous=FULL` in WAL mode, on disk) before the method returns.

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

``mock_tests`` and ``mock_answers`` — mock tests (rehearsals), append-only, kept apart from the
review log: they never change any item's state or schedule::

    mock_tests:   id, deck_id, started_at, finished_at (ISO UTC), seed, planned (questions drawn)
    mock_answers: test_id, position (0-based), card_id, item, given, expected, correct, duration_ms

Added in schema version 3 (migrated the same way; no table changes): the index ``reviews_at`` on
``reviews (reviewed_at)``, so counting today's reviews reads today's rows only, and
``items_blocked`` with phase and suspended first, so deck statistics group without sorting.

Public API (see each docstring)::

    Store.open(path, *, create=True, readonly=False, lock_timeout=30.0) -> Store  # context manager
    store.path: Path; store.readonly: bool; store.close()
    store.get(key) -> ItemState | None;  store.data_version() -> int
    store.states(deck_id=None) -> dict[ItemKey, ItemState]
    store.history(key) -> list[ReviewRecord]          # oldest first, undone ones flagged
    store.reviews(deck_id=None) -> Iterator[ReviewRecord]  # the whole log, oldest first
    store.deck_ids() -> list[str]                     # decks with any stored progress
    store.record_review(key, rating, *, reviewed_at, duration_ms, content_hash, schedule,
                        given=None, correct=None, known=None) -> RecordedReview
    store.undo_review(review_id, *, at) -> ItemState | None
    store.suspend(key, *, at) / unsuspend(key, *, at) / bury(key, until, *, at) / unbury(key, *, at)
    store.rebuild() -> int;  store.integrity_check() -> str
    store.snapshot(deck_id, *, now, due_before, day_start) -> DeckSnapshot  # for the study queue
    store.stat_rows(deck_id=None) -> list[StatRow]; store.review_counts(since) -> dict[str, int]
    store.stat_summary(deck_id, *, now, day_end, leech_lapses, curve, only=None) -> StatSummary
    store.recall_at(deck_id, at, curve) -> dict[tuple[str, int], float]; store.stored_decks()
    store.review_rows(deck_id=None) -> list[ReviewRow]  # the log without undone reviews, lean
    store.briefing_targets() -> dict[str, datetime]; store.briefing_target(deck_id) -> datetime | None
    store.set_briefing_target(deck_id, at, *, now);  store.clear_briefing_target(deck_id) -> bool
    store.record_mock_test(deck_id, *, started_at, finished_at, seed, planned, answers) -> int
    store.mock_tests(deck_id=None) -> list[MockTestRecord]

Errors are `StoreError` (from `core.errors`) naming the file: missing (`NoProgressError`), a
directory, corrupt, foreign, newer version, locked longer than `lock_timeout`, read-only, disk full.
"""

from __future__ import annotations

import contextlib
import json
import math
import sqlite3
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, TypeVar

import fsrs

from briefing_quiz.core.errors import StoreError
from briefing_quiz.core.fsrs_adapter import copy_card, recall_sql
from briefing_quiz.core.model import ItemKey

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

#: "BQz1" — marks a briefing-quiz progress file (SQLite header offset 68).
APPLICATION_ID = 0x42517A31
SCHEMA_VERSION = 3

UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_SQLITE_MAGIC = b"SQLite format 3\x00"
# Between card id and item number in `lkey`; card ids never contain control characters.
_SEP = "\x1f"
_LEARNING_PHASES = (int(fsrs.State.Learning), int(fsrs.State.Relearning))

T = TypeVar("T")


class NoProgressError(StoreError):
    """There is no progress file yet (raised only when opening with `create=False`)."""


def to_us(at: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at.isoformat()} (every time in the store is aware)")
    return (at - _EPOCH) // _US


def from_us(us: int) -> datetime:
    """The aware UTC datetime `us` microseconds after the Unix epoch."""
    return _EPOCH + timedelta(microseconds=us)


def lkey(card_id: str, item: int) -> str:
    """The key of an item within its deck (`items.lkey`, `DeckSnapshot.blocked`)."""
    return card_id if item == 0 else f"{card_id}{_SEP}{item}"


# --------------------------------------------------------------------------------------------------
# Values


@dataclass(frozen=True, slots=True)
class ItemState:
    """The stored state of one review item. `card` is None while the item is new (never reviewed).

    `card` is an fsrs.Card (a mutable class): treat it as read-only, copy before changing.
    """

    key: ItemKey
    card: fsrs.Card | None = None
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    buried_until: datetime | None = None
    first_review: datetime | None = None
    last_review_id: int | None = None
    last_hash: str | None = None

    @property
    def is_new(self) -> bool:
        return self.card is None

    @property
    def due(self) -> datetime | None:
        return None if self.card is None else self.card.due

    @property
    def last_review(self) -> datetime | None:
        return None if self.card is None else self.card.last_review

    @property
    def phase(self) -> str:
        """"new", "learning" (learning or relearning) or "review"."""
        if self.card is None:
            return "new"
        return "review" if self.card.state == fsrs.State.Review else "learning"

    def is_buried(self, at: datetime) -> bool:
        return self.buried_until is not None and self.buried_until > at


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One row of the review log. `card_after` is the fsrs state the review produced."""

    id: int
    key: ItemKey
    rating: fsrs.Rating
    given: str | None
    correct: bool | None
    reviewed_at: datetime
    duration_ms: int
    content_hash: str
    card_after: fsrs.Card
    undone: bool = False

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the line format of `briefing-quiz log`)."""
        return {
            "id": self.id,
            "deck": self.key.deck_id,
            "card": self.key.card_id,
            "item": self.key.item,
            "rating": int(self.rating),
            "rating_name": self.rating.name.lower(),
            "given": self.given,
            "correct": self.correct,
            "reviewed_at": self.reviewed_at.isoformat(),
            "duration_ms": self.duration_ms,
            "content_hash": self.content_hash,
            "state_after": dict(self.card_after.to_dict()),
            "undone": self.undone,
        }


@dataclass(frozen=True, slots=True)
class RecordedReview:
    """What `Store.record_review` committed: the log row's id and the item's new state."""

    review_id: int
    state: ItemState


#: A reviewed item due before a snapshot's `due_before`, neither suspended nor buried:
#: (card_id, item, due_us, last_review_id, rank). `rank` (None unless asked for, and for learning
#: items) is what reviews are ordered by: (due - now) / (due - last review), smallest first.
#: A plain tuple, straight from SQLite: the queue may hold tens of thousands of them.
DueItem = tuple[str, int, int, int, float | None]


@dataclass(frozen=True, slots=True)
class DeckSnapshot:
    """What the study queue needs from the store for one deck, read in one transaction.

    `blocked`: lkeys (see `lkey`) of items that cannot be introduced as new now — reviewed before,
    suspended or buried (None: not read; see `Store.blocked_among`). `seen_today`: card id -> items
    of that card reviewed since `day_start`.
    """

    deck_id: str
    learning: list[DueItem]  # (re)learning items, earliest due first
    reviews: list[DueItem]  # review items, most overdue relative to their interval first
    blocked: frozenset[str] | None  # None when not asked for (no new items wanted)
    new_today: int
    seen_today: dict[str, frozenset[int]]


class StatRow(NamedTuple):
    """One stored item, reduced to what `stats` needs."""

    deck_id: str
    card_id: str
    item: int
    phase: int  # 0 new, else fsrs.State value
    due_us: int | None
    last_review_us: int | None
    stability: float | None
    lapses: int
    suspended: bool
    buried_until_us: int | None


class StatSummary(NamedTuple):
    """A deck's stored items aggregated for statistics (`Store.stat_summary`)."""

    items: dict[tuple[int, bool], int]  # (phase, suspended) -> how many
    due_now: int  # neither suspended nor buried, and due (learning: by now; review: today)
    buried: int  # buried at `now`
    leeches: int  # with at least the given number of lapses
    recall_sum: float  # retrievability at `now`, summed over the items with a memory state
    recalled: int  # items with a memory state (phase, stability and last review all set)
    lkeys: list[str]  # the items' `lkey`s


class ReviewRow(NamedTuple):
    """One review of the log that counts (not undone), reduced to what statistics need."""

    id: int
    key: ItemKey
    rating: int  # fsrs.Rating value, 1 (Again) .. 4 (Easy)
    reviewed_at: datetime  # aware UTC
    duration_ms: int
    phase_after: int  # fsrs.State value of the item after this review


@dataclass(frozen=True, slots=True)
class MockAnswerRecord:
    """One answer of a mock test: what was asked, what was given, and whether it was right."""

    key: ItemKey
    given: str | None
    expected: str
    correct: bool
    duration_ms: int


@dataclass(frozen=True, slots=True)
class MockTestRecord:
    """A stored mock test. `planned` questions were drawn; `answers` holds those answered."""

    id: int
    deck_id: str
    started_at: datetime
    finished_at: datetime
    seed: int
    planned: int
    answers: tuple[MockAnswerRecord, ...]

    @property
    def right(self) -> int:
        return sum(1 for a in self.answers if a.correct)


# --------------------------------------------------------------------------------------------------
# Schema and migrations

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
_CANONICAL_AT = " OR ".join(
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

#: MIGRATIONS[v] takes a database at user_version v to v + 1 (v = 0: an empty database).
MIGRATIONS: dict[int, str] = {
    0: _SCHEMA_V1, 1: _SCHEMA_V2, 2: _SCHEMA_V3.replace("{canonical}", _CANONICAL_AT)}

_ITEM_COLUMNS = (
    "deck_id, card_id, item, card, reps, lapses, suspended, buried_until_us, first_review_us, "
    "last_review_id, last_hash"
)


# --------------------------------------------------------------------------------------------------
# Derivation: the one place that turns log rows into item state (used by writes, undo and rebuild)


def _card_from_json(text: str) -> fsrs.Card:
    card = fsrs.Card.from_dict(json.loads(text))
    card.due = card.due.astimezone(UTC)
    if card.last_review is not None:
        card.last_review = card.last_review.astimezone(UTC)
    return card


def _card_to_json(card: fsrs.Card) -> str:
    """`card.to_dict()` as compact JSON. A card as fsrs makes it (int id and step, finite float
    stability and difficulty, aware due and last review) is written by one format string, to the
    same text the encoder gives (json writes ints and finite floats as their repr), at a third of
    the cost; it runs on every answer. Anything else goes through the encoder."""
    state, step, stability, difficulty = card.state, card.step, card.stability, card.difficulty
    last = card.last_review
    if (type(card.card_id) is int and type(state) is fsrs.State
            and (step is None or type(step) is int)
            and type(stability) is float and type(difficulty) is float
            and _FINITE(stability) and _FINITE(difficulty)
            and type(card.due) is datetime and (last is None or type(last) is datetime)):
        step_text = "null" if step is None else repr(step)
        last_text = "null" if last is None else f'"{last.isoformat()}"'
        return (f'{{"card_id":{card.card_id!r},"state":{state.value!r},"step":{step_text},'
                f'"stability":{stability!r},"difficulty":{difficulty!r},'
                f'"due":"{card.due.isoformat()}","last_review":{last_text}}}')
    return _CARD_JSON.encode(card.to_dict())


_FINITE = math.isfinite


# Exactly `json.dumps(x, separators=(",", ":"))`, without building an encoder on every answer.
_CARD_JSON = json.JSONEncoder(separators=(",", ":"))


def _as_read_back(card: fsrs.Card) -> fsrs.Card:
    """`card` exactly as `_card_from_json(_card_to_json(card))` gives it, without the round trip:
    JSON keeps floats and the UTC times exactly; `Card.from_dict` turns a zero stability or
    difficulty into None."""
    out = copy_card(card)
    out.due = card.due.astimezone(UTC)
    if card.last_review is not None:
        out.last_review = card.last_review.astimezone(UTC)
    out.stability = float(card.stability) if card.stability else None
    out.difficulty = float(card.difficulty) if card.difficulty else None
    out.state = fsrs.State(int(card.state))
    return out


def _apply_review(
    prev: ItemState, review_id: int, rating: int, reviewed_at: datetime, content_hash: str,
    card_after: fsrs.Card,
) -> ItemState:
    lapse = (prev.card is not None and prev.card.state == fsrs.State.Review
             and rating == fsrs.Rating.Again)
    return ItemState(
        key=prev.key,
        card=card_after,
        reps=prev.reps + 1,
        lapses=prev.lapses + (1 if lapse else 0),
        suspended=prev.suspended,
        buried_until=prev.buried_until,
        first_review=prev.first_review or reviewed_at,
        last_review_id=review_id,
        last_hash=content_hash,
    )


def _apply_event(prev: ItemState, action: str, until: datetime | None) -> ItemState:
    if action == "suspend":
        return _replace(prev, suspended=True)
    if action == "unsuspend":
        return _replace(prev, suspended=False)
    if action == "bury":
        return _replace(prev, buried_until=until)
    if action == "unbury":
        return _replace(prev, buried_until=None)
    raise ValueError(f"unknown event {action!r}")


def _replace(state: ItemState, **changes: Any) -> ItemState:
    values = {name: getattr(state, name) for name in ItemState.__slots__}
    values.update(changes)
    return ItemState(**values)


def _state_row(state: ItemState, card_json: str | None = None) -> tuple[object, ...]:
    """The `items` row of `state` (`card_json`: its card's JSON, when already made)."""
    key, card = state.key, state.card
    return (
        key.deck_id, key.card_id, key.item, lkey(key.card_id, key.item),
        0 if card is None else int(card.state),
        None if card is None else card_json or _card_to_json(card),
        None if card is None else to_us(card.due),
        None if card is None or card.last_review is None else to_us(card.last_review),
        None if card is None else card.stability,
        state.reps, state.lapses, int(state.suspended),
        None if state.buried_until is None else to_us(state.buried_until),
        None if state.first_review is None else to_us(state.first_review),
        state.last_review_id, state.last_hash,
    )


def _state_from_row(row: tuple[Any, ...]) -> ItemState:
    (deck_id, card_id, item, card, reps, lapses, suspended, buried_us, first_us, last_id,
     last_hash) = row
    return ItemState(
        key=ItemKey(deck_id, card_id, item),
        card=None if card is None else _card_from_json(card),
        reps=reps,
        lapses=lapses,
        suspended=bool(suspended),
        buried_until=None if buried_us is None else from_us(buried_us),
        first_review=None if first_us is None else from_us(first_us),
        last_review_id=last_id,
        last_hash=last_hash,
    )


_UPSERT = (
    "INSERT OR REPLACE INTO items (deck_id, card_id, item, lkey, phase, card, due_us, "
    "last_review_us, stability, reps, lapses, suspended, buried_until_us, first_review_us, "
    "last_review_id, last_hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


_NOT_UNDONE = ("NOT EXISTS (SELECT 1 FROM events e WHERE e.action = 'undo' "
               "AND e.review_id = r.id)")
# A review's rank: how overdue relative to its interval (negated: the most overdue first), as
# Python computes (due_us - now_us) / max(due_us - last_us, 1): both ints made doubles, divided.
_REVIEW_RANK_SQL = "(due_us - :now) * 1.0 / max(due_us - last_review_us, 1)"
_DUE_SQL = (
    "SELECT card_id, item, due_us, last_review_id, {rank} FROM items INDEXED BY items_due "
    "WHERE deck_id = :deck AND due_us < :before AND suspended = 0 "
    "AND (buried_until_us IS NULL OR buried_until_us <= :now)"
)
# Not introducible as new: reviewed before, suspended, or buried (the one parameter: now).
_BLOCKED_SQL = "(phase > 0 OR suspended = 1 OR buried_until_us > ?)"
_ITEM_0: frozenset[int] = frozenset((0,))
_NO_ITEMS: frozenset[int] = frozenset()
_RS = "\x1e"  # between the lkeys of a group_concat (lkeys never contain control characters)
_HAS_MEMORY_SQL = "phase != 0 AND stability IS NOT NULL AND last_review_us IS NOT NULL"
_LEARNING_SQL = f"phase IN ({', '.join(map(str, _LEARNING_PHASES))})"
# Deck statistics (`Store.stat_summary`) in two passes that need no sort: per phase and
# suspended flag in the order of `items_blocked` (which holds every column read), and what is
# due now through the range of `items_due`. `{where}` narrows each to some lkeys.
_STAT_GROUPS_SQL = (
    "SELECT phase, suspended, count(*), count(CASE WHEN buried_until_us > :now THEN 1 END), "
    "count(CASE WHEN lapses >= :leech THEN 1 END), "
    f"total(CASE WHEN {_HAS_MEMORY_SQL} THEN "
    f"{recall_sql(':factor', ':now', ':decay')} END), "
    f"count(CASE WHEN {_HAS_MEMORY_SQL} THEN 1 END), "
    "group_concat(lkey, char(30)) FROM items WHERE deck_id = :deck{where} "
    "GROUP BY phase, suspended"
)
_STAT_DUE_SQL = (
    "SELECT count(*) FROM items WHERE deck_id = :deck AND due_us < :end AND phase != 0 "
    "AND suspended = 0 AND (buried_until_us IS NULL OR buried_until_us <= :now) "
    f"AND (NOT {_LEARNING_SQL} OR due_us <= :now){{where}}"
)


# --------------------------------------------------------------------------------------------------
# The store


class Store:
    """An open progress file. One Store per thread; SQLite itself handles several processes."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, readonly: bool,
                 lock_timeout: float) -> None:
        """Use `Store.open`."""
        self._conn = conn
        self.path = path
        self.readonly = readonly
        self._lock_timeout = lock_timeout
        self._schema = SCHEMA_VERSION  # the file's schema version (older: opened read-only)

    # -- opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True, readonly: bool = False,
             lock_timeout: float = 30.0) -> Store:
        """Open the progress file at `path`; with `create`, not `readonly`, create or migrate it.

        An existing file is first checked through its raw header and a read-only connection; a
        file that is not SQLite, is another program's database, or is damaged raises `StoreError`
        and is not modified. A missing file with `create=False` or `readonly=True` raises
        `NoProgressError`.
        """
        path = Path(path).expanduser()
        if path.is_dir():
            raise StoreError(
                f"{path} is a directory, not a progress file (give a file path with --data)")
        if not path.exists():
            if readonly or not create:
                raise NoProgressError(f"no progress yet: {path} does not exist")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"cannot create the folder for {path}: {error.strerror or error}") from error
        else:
            _check_existing(path)
        try:
            conn = _connect(path, readonly=readonly)
        except sqlite3.Error as error:
            raise _store_error(path, error, "cannot open") from error
        store = cls(conn, path, readonly=readonly, lock_timeout=lock_timeout)
        try:
            if readonly:
                store._check_schema_readonly()
            else:
                store._migrate()
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _check_schema_readonly(self) -> None:
        try:
            app_id, version, tables = _identity(self._conn)
        except sqlite3.Error as error:
            raise _store_error(self.path, error, "cannot read") from error
        if app_id != APPLICATION_ID:
            raise _foreign(self.path) if tables else NoProgressError(
                f"no progress yet: {self.path} is empty")
        _check_version(self.path, version)
        self._schema = version

    def _migrate(self) -> None:
        try:
            app_id, version, _tables = _identity(self._conn)
        except sqlite3.Error as error:
            raise _store_error(self.path, error, "cannot read") from error
        if app_id == APPLICATION_ID and version == SCHEMA_VERSION:
            return  # the usual case: no write lock needed

        def run(conn: sqlite3.Connection) -> None:
            # Re-checked under the write lock: another process may have set it up meanwhile.
            app_id, version, tables = _identity(conn)
            if app_id != APPLICATION_ID:
                if tables:
                    raise _foreign(self.path)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                version = 0
            _check_version(self.path, version)
            while version < SCHEMA_VERSION:
                for statement in _statements(MIGRATIONS[version]):
                    conn.execute(statement)
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")

        self._write(run, "cannot set up")

    # -- transactions ----------------------------------------------------------------------------

    def _write(self, fn: Callable[[sqlite3.Connection], T], what: str = "cannot save to") -> T:
        """Run `fn` in one BEGIN IMMEDIATE transaction and commit it.

        While another writer holds the lock, retry (on top of busy_timeout) up to `lock_timeout`
        seconds. On any failure the transaction is rolled back: nothing of it is kept."""
        if self.readonly:
            raise StoreError(f"{what} {self.path}: it was opened read-only")
        conn = self._conn
        deadline = time.monotonic() + self._lock_timeout  # lock waits, not domain time
        delay = 0.005
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if _is_busy(error) and time.monotonic() < deadline:
                    time.sleep(delay)
                    delay = min(delay * 2, 0.2)
                    continue
                raise _store_error(self.path, error, what) from error
            try:
                result = fn(conn)
                conn.execute("COMMIT")
            except BaseException as error:
                if conn.in_transaction:
                    # SQLite may have rolled back already (after SQLITE_FULL, say).
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                if isinstance(error, sqlite3.Error):
                    raise _store_error(self.path, error, what) from error
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
            raise _store_error(self.path, error, "cannot read") from error

    # -- reading ---------------------------------------------------------------------------------

    def data_version(self) -> int:
        """SQLite's `PRAGMA data_version`: it changes when another connection commits (never for
        this store's own writes), so a reader can tell whether what it read may be stale."""
        try:
            return _data_version(self._conn)
        except sqlite3.Error as error:
            raise _store_error(self.path, error, "cannot read") from error

    def get(self, key: ItemKey) -> ItemState | None:
        """The stored state of `key`; None for an item never reviewed, suspended or buried."""
        try:  # one statement: its own read transaction
            return _get(self._conn, key)
        except sqlite3.Error as error:
            raise _store_error(self.path, error, "cannot read") from error

    def states(self, deck_id: str | None = None) -> dict[ItemKey, ItemState]:
        """Every stored item state (of one deck, or all), in key order."""
        sql = f"SELECT {_ITEM_COLUMNS} FROM items"
        params: tuple[str, ...] = ()
        if deck_id is not None:
            sql += " WHERE deck_id = ?"
            params = (deck_id,)
        sql += " ORDER BY deck_id, card_id, item"
        rows = self._read(lambda conn: conn.execute(sql, params).fetchall())
        return {s.key: s for s in map(_state_from_row, rows)}

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
        sql = (
            "SELECT r.id, r.deck_id, r.card_id, r.item, r.rating, r.given, r.correct, "
            "r.reviewed_at, r.duration_ms, r.content_hash, r.card_after, "
            "EXISTS (SELECT 1 FROM events e WHERE e.action = 'undo' AND e.review_id = r.id) "
            f"FROM reviews r WHERE {where} ORDER BY r.id"
        )
        rows = self._read(lambda conn: conn.execute(sql, params).fetchall())
        for (rid, deck_id, card_id, item, rating, given, correct, at, duration, chash, card,
             undone) in rows:
            yield ReviewRecord(
                id=rid, key=ItemKey(deck_id, card_id, item), rating=fsrs.Rating(rating),
                given=given, correct=None if correct is None else bool(correct),
                reviewed_at=datetime.fromisoformat(at), duration_ms=duration, content_hash=chash,
                card_after=_card_from_json(card), undone=bool(undone),
            )

    def deck_ids(self) -> list[str]:
        """Ids of the decks that have stored progress (reviews, or suspended/buried items)."""
        rows = self._read(lambda conn: conn.execute(
            "SELECT deck_id FROM items UNION SELECT deck_id FROM reviews ORDER BY 1").fetchall())
        return [r[0] for r in rows]

    def snapshot(self, deck_id: str, *, now: datetime, due_before: datetime,
                 day_start: datetime, new_limit: int | None = None,
                 ranked: bool = False, with_blocked: bool = True) -> DeckSnapshot:
        """What the queue needs for `deck_id`, in one read transaction (see `DeckSnapshot`).

        `learning`, `reviews`: reviewed items due before `due_before`, neither suspended nor
        buried at `now`, in queue order. Reviews: by (now - due) / (due - last review), largest
        first (as a float: the same division as Python's), then by due time, then in the order of
        `items_due`; SQLite sorts them, so the queue needs no Python object per row to order.
        `ranked`: fill each review's rank (to merge several decks' reviews in that order).
        `blocked` is read (the costly part: a scan of the deck's stored items) only when new items
        are wanted (`new_limit` None, or more than the items introduced since `day_start`) and
        `with_blocked`; otherwise it is None (see `blocked_among`).
        """
        now_us, before_us, start_us = to_us(now), to_us(due_before), to_us(day_start)

        def run(conn: sqlite3.Connection) -> DeckSnapshot:
            params = {"deck": deck_id, "before": before_us, "now": now_us}
            learning: list[DueItem] = conn.execute(
                _DUE_SQL.format(rank="NULL") + f" AND {_LEARNING_SQL} ORDER BY due_us",
                params).fetchall()
            reviews: list[DueItem] = conn.execute(
                _DUE_SQL.format(rank=_REVIEW_RANK_SQL if ranked else "NULL")
                + f" AND phase = {int(fsrs.State.Review)} ORDER BY {_REVIEW_RANK_SQL}, due_us, "
                # Ties as `items_due` orders them (its columns, then the primary key).
                "buried_until_us, last_review_us, lapses, last_review_id, card_id, item",
                params).fetchall()
            new_today = conn.execute(
                "SELECT count(*) FROM items INDEXED BY items_today WHERE deck_id = ? "
                "AND last_review_us >= ? AND first_review_us >= ?",
                (deck_id, start_us, start_us)).fetchone()[0]
            blocked: frozenset[str] | None = None
            if with_blocked and (new_limit is None or new_limit > new_today):
                blocked = _blocked(conn, deck_id, now_us)
            # Most items seen today are item 0 of their card: their ids come as one string.
            plain = conn.execute(
                "SELECT group_concat(card_id, char(30)) FROM items INDEXED BY items_today "
                "WHERE deck_id = ? AND last_review_us >= ? AND item = 0",
                (deck_id, start_us)).fetchone()[0]
            seen = dict.fromkeys(plain.split(_RS), _ITEM_0) if plain else {}
            for card_id, item in conn.execute(
                    "SELECT card_id, item FROM items INDEXED BY items_today "
                    "WHERE deck_id = ? AND last_review_us >= ? AND item != 0",
                    (deck_id, start_us)):
                seen[card_id] = seen.get(card_id, _NO_ITEMS) | {item}
            return DeckSnapshot(deck_id=deck_id, learning=learning, reviews=reviews,
                                blocked=blocked, new_today=new_today, seen_today=seen)

        return self._read(run)

    def blocked_among(self, deck_id: str, card_ids: Sequence[str] | None, *,
                      now: datetime) -> frozenset[str]:
        """The lkeys of the items that cannot be introduced as new at `now` (as
        `DeckSnapshot.blocked`): of these cards (primary-key lookups), or of the whole deck (None:
        one scan of its stored items)."""
        now_us = to_us(now)

        def run(conn: sqlite3.Connection) -> frozenset[str]:
            if card_ids is None:
                return _blocked(conn, deck_id, now_us)
            found: list[str] = []
            for i in range(0, len(card_ids), 500):  # old SQLite builds allow 999 variables
                chunk = card_ids[i:i + 500]
                found.extend(row[0] for row in conn.execute(
                    f"SELECT lkey FROM items WHERE deck_id = ? AND card_id IN "
                    f"({', '.join('?' * len(chunk))}) AND {_BLOCKED_SQL}",
                    (deck_id, *chunk, now_us)))
            return frozenset(found)

        return self._read(run)

    def stat_rows(self, deck_id: str | None = None) -> list[StatRow]:
        """Every stored item as a `StatRow` (of one deck, or all)."""
        sql = ("SELECT deck_id, card_id, item, phase, due_us, last_review_us, stability, lapses, "
               "suspended, buried_until_us FROM items")
        params: tuple[str, ...] = ()
        if deck_id is not None:
            sql += " WHERE deck_id = ?"
            params = (deck_id,)
        rows = self._read(lambda conn: conn.execute(sql, params).fetchall())
        return [StatRow(d, c, i, p, du, lr, s, la, bool(su), bu)
                for d, c, i, p, du, lr, s, la, su, bu in rows]

    def stat_summary(self, deck_id: str, *, now: datetime, day_end: datetime, leech_lapses: int,
                     curve: tuple[float, float],
                     only: Collection[str] | None = None) -> StatSummary:
        """The stored items of `deck_id` (`only`: just those with these lkeys) aggregated in SQL:
        what deck statistics count, without a Python object per item.

        `curve` = (factor, decay) of fsrs' forgetting curve (`Scheduler.recall_curve`): an item's
        retrievability at `now` is (1 + factor * whole days since its last review / stability)
        ** decay, clamped to [0, 1], exactly as `Scheduler.retrievability` computes it.
        """
        params: dict[str, object] = {
            "deck": deck_id, "now": to_us(now), "end": to_us(day_end), "leech": leech_lapses,
            "factor": curve[0], "decay": curve[1]}
        chunks: list[list[str] | None] = [None]
        if only is not None:
            keys = sorted(only)
            # Bounded statements (old SQLite builds allow 999 variables); counts add up exactly.
            chunks = [keys[i:i + 500] for i in range(0, len(keys), 500)]

        def run(conn: sqlite3.Connection) -> StatSummary:
            _ensure_pow(conn)
            items: dict[tuple[int, bool], int] = {}
            lkeys: list[str] = []
            due = buried = leeches = recalled = 0
            recall = 0.0
            for chunk in chunks:
                where = ""
                if chunk is not None:
                    where = f" AND lkey IN ({', '.join(f':k{i}' for i in range(len(chunk)))})"
                    params.update({f"k{i}": key for i, key in enumerate(chunk)})
                for phase, suspended, n, hidden, leechy, total, with_memory, keys in (
                        conn.execute(_STAT_GROUPS_SQL.format(where=where), params)):
                    items[(phase, bool(suspended))] = items.get((phase, bool(suspended)), 0) + n
                    buried += hidden
                    leeches += leechy
                    recall += total
                    recalled += with_memory
                    lkeys.extend(keys.split(_RS))
                due += conn.execute(_STAT_DUE_SQL.format(where=where), params).fetchone()[0]
            return StatSummary(items, due, buried, leeches, recall, recalled, lkeys)

        return self._read(run)

    def recall_at(self, deck_id: str, at: datetime,
                  curve: tuple[float, float]) -> dict[tuple[str, int], float]:
        """(card_id, item) -> retrievability at `at` of every stored item of `deck_id` with a
        memory state (see `stat_groups` for `curve`)."""
        params = (curve[0], to_us(at), curve[1], deck_id)

        def run(conn: sqlite3.Connection) -> dict[tuple[str, int], float]:
            _ensure_pow(conn)
            return {(card_id, item): value for card_id, item, value in conn.execute(
                f"SELECT card_id, item, {recall_sql('?', '?', '?')} "
                f"FROM items WHERE deck_id = ? AND {_HAS_MEMORY_SQL}", params)}

        return self._read(run)

    def stored_decks(self) -> list[str]:
        """Ids of the decks with stored item states (reviewed, suspended or buried items)."""
        # From one deck id to the next through the primary key: a few lookups per deck, not a
        # scan of every item (DISTINCT reads them all: 1.4 ms -> 0.04 ms for 10k items).
        return [row[0] for row in self._read(lambda conn: conn.execute(
            "WITH RECURSIVE ids(id) AS (SELECT min(deck_id) FROM items UNION ALL "
            "SELECT (SELECT min(deck_id) FROM items WHERE deck_id > ids.id) FROM ids "
            "WHERE ids.id IS NOT NULL) SELECT id FROM ids WHERE id IS NOT NULL").fetchall())]

    def review_counts(self, since: datetime) -> dict[str, int]:
        """Per deck, the reviews made at or after `since` that were not undone."""
        since_text = _utc_text(since, "since")
        # Only rows whose date is at most two days before `since` can qualify, whatever the
        # offset a row was written with, since no offset reaches a day.
        floor = (since.astimezone(UTC) - timedelta(days=2)).date().isoformat()
        if self._schema < 3:  # an older file opened read-only: no index on review times
            rows = self._read(lambda conn: conn.execute(
                "SELECT deck_id, reviewed_at FROM reviews r WHERE substr(reviewed_at, 1, 10) >= ? "
                f"AND {_NOT_UNDONE}", (floor,)).fetchall())
            counts: dict[str, int] = {}
            for deck_id, at in rows:
                # Compared as datetimes, not as text: never rely on the ISO text ordering.
                if datetime.fromisoformat(at) >= since:
                    counts[deck_id] = counts.get(deck_id, 0) + 1
            return counts

        def run(conn: sqlite3.Connection) -> dict[str, int]:
            # The store's own rows (ISO UTC, as `record_review` writes them) order as text
            # exactly as in time: SQLite counts rows from `since` on in the `reviews_at` index
            # alone. Then the exceptions are corrected one by one: rows in another form (another
            # zone, say: `reviews_odd_at` lists them, normally none) and undone reviews.
            counts: dict[str, int] = dict(conn.execute(
                "SELECT deck_id, count(*) FROM reviews INDEXED BY reviews_at "
                "WHERE reviewed_at >= ? GROUP BY deck_id", (since_text,)).fetchall())
            exceptions = conn.execute(
                f"SELECT id, deck_id, reviewed_at, 0 FROM reviews WHERE NOT ({_CANONICAL_AT}) "
                "UNION SELECT r.id, r.deck_id, r.reviewed_at, 1 FROM events e JOIN reviews r "
                "ON r.id = e.review_id WHERE e.action = 'undo' AND r.reviewed_at >= ?",
                (floor,)).fetchall()
            seen: set[int] = set()
            for rid, deck_id, at, undone in sorted(exceptions, key=lambda row: -row[3]):
                if rid in seen:
                    continue  # an undone review in another form: listed twice
                seen.add(rid)
                counted = at >= since_text
                wanted = not undone and datetime.fromisoformat(at) >= since
                if counted != wanted:
                    counts[deck_id] = counts.get(deck_id, 0) + (1 if wanted else -1)
            return {deck: n for deck, n in counts.items() if n}

        return self._read(run)

    def review_rows(self, deck_id: str | None = None) -> list[ReviewRow]:
        """The reviews that count (undone ones left out), oldest first, as lean `ReviewRow`s."""
        sql = ("SELECT r.id, r.deck_id, r.card_id, r.item, r.rating, r.reviewed_at, r.duration_ms, "
               "r.card_after FROM reviews r WHERE {where} AND NOT EXISTS "
               "(SELECT 1 FROM events e WHERE e.action = 'undo' AND e.review_id = r.id) ORDER BY r.id")
        params: tuple[str, ...] = ()
        where = "1"
        if deck_id is not None:
            where, params = "r.deck_id = ?", (deck_id,)
        rows = self._read(lambda conn: conn.execute(sql.format(where=where), params).fetchall())
        return [ReviewRow(rid, ItemKey(d, c, i), rating, datetime.fromisoformat(at).astimezone(UTC),
                          duration, int(json.loads(card)["state"]))
                for rid, d, c, i, rating, at, duration, card in rows]

    def briefing_targets(self) -> dict[str, datetime]:
        """Deck id -> briefing time (aware UTC), for every deck with a target."""
        def run(conn: sqlite3.Connection) -> dict[str, datetime]:
            if not _has_table(conn, "briefings"):
                return {}  # a version-1 file opened read-only
            rows = conn.execute("SELECT deck_id, at FROM briefings ORDER BY deck_id").fetchall()
            return {deck: datetime.fromisoformat(at).astimezone(UTC) for deck, at in rows}

        return self._read(run)

    def briefing_target(self, deck_id: str) -> datetime | None:
        """The briefing time of `deck_id` (aware UTC), or None when it has none."""
        return self.briefing_targets().get(deck_id)

    def set_briefing_target(self, deck_id: str, at: datetime, *, now: datetime) -> None:
        """Set (or replace) the briefing time of `deck_id`. Any time is stored: refusing a time in
        the past is the caller's business (see `core.briefing.parse_target`)."""
        at_text = _utc_text(at, "at")
        now_text = _utc_text(now, "now")
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
        started, finished = _utc_text(started_at, "started_at"), _utc_text(finished_at,
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

    def mock_tests(self, deck_id: str | None = None) -> list[MockTestRecord]:
        """The stored mock tests (of one deck, or all), oldest first, with their answers."""
        def run(conn: sqlite3.Connection) -> list[MockTestRecord]:
            if not _has_table(conn, "mock_tests"):
                return []
            where, params = ("WHERE t.deck_id = ?", (deck_id,)) if deck_id is not None else ("", ())
            tests = conn.execute(
                "SELECT id, deck_id, started_at, finished_at, seed, planned FROM mock_tests t "
                f"{where} ORDER BY id", params).fetchall()
            answers: dict[int, list[MockAnswerRecord]] = {}
            for test_id, card_id, item, given, expected, correct, duration, test_deck in (
                    conn.execute(
                        "SELECT a.test_id, a.card_id, a.item, a.given, a.expected, a.correct, "
                        "a.duration_ms, t.deck_id FROM mock_answers a JOIN mock_tests t "
                        f"ON t.id = a.test_id {where} ORDER BY a.test_id, a.position", params)):
                answers.setdefault(test_id, []).append(MockAnswerRecord(
                    ItemKey(test_deck, card_id, item), given, expected, bool(correct), duration))
            return [MockTestRecord(tid, deck, datetime.fromisoformat(start).astimezone(UTC),
                                   datetime.fromisoformat(end).astimezone(UTC), seed, planned,
                                   tuple(answers.get(tid, ())))
                    for tid, deck, start, end, seed, planned in tests]

        return self._read(run)

    def integrity_check(self) -> str:
        """SQLite's `PRAGMA integrity_check`: "ok" when the file is sound."""
        rows = self._read(lambda conn: conn.execute("PRAGMA integrity_check").fetchall())
        return "\n".join(str(r[0]) for r in rows)

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
            if known is not None and _data_version(conn) == known[0]:
                prev = known[1] or ItemState(key=key)
            else:
                prev = _get(conn, key) or ItemState(key=key)
            card_after = schedule(prev.card)
            card_json = _card_to_json(card_after)
            cursor = conn.execute(
                "INSERT INTO reviews (deck_id, card_id, item, rating, given, correct, reviewed_at, "
                "duration_ms, content_hash, card_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key.deck_id, key.card_id, key.item, int(rating), given,
                 None if correct is None else int(correct), at.isoformat(), duration, content_hash,
                 card_json))
            review_id = cursor.lastrowid
            assert review_id is not None
            # Stored as it will be read back (through JSON), so the returned state equals a re-read.
            state = _apply_review(prev, review_id, int(rating), at, content_hash,
                                  _as_read_back(card_after))
            conn.execute(_UPSERT, _state_row(state, card_json))
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
            current = _get(conn, key)
            if current is None or current.last_review_id != review_id:
                raise StoreError(
                    f"cannot undo the answer to {key}: it was undone already, or the card was "
                    "answered again since (perhaps in another window)")
            conn.execute("INSERT INTO events (deck_id, card_id, item, action, at, review_id) "
                         "VALUES (?, ?, ?, 'undo', ?, ?)", (*row, when, review_id))
            return _rederive(conn, key)

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
            state = _apply_event(_get(conn, key) or ItemState(key=key), action, until_utc)
            conn.execute(_UPSERT, _state_row(state))
            return state

        return self._write(run, f"could not save the {action} to")

    def rebuild(self) -> int:
        """Recompute every item's state from the review and event logs; return how many."""
        def run(conn: sqlite3.Connection) -> int:
            states = _derive_all(conn)
            conn.execute("DELETE FROM items")
            conn.executemany(_UPSERT, [_state_row(s) for s in states])
            return len(states)

        return self._write(run, "could not rebuild")


# --------------------------------------------------------------------------------------------------
# Helpers


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        (name,)).fetchone() is not None


def _utc_text(at: datetime, name: str) -> str:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {at!r}")
    return at.astimezone(UTC).isoformat()


def _data_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def _blocked(conn: sqlite3.Connection, deck_id: str, now_us: int) -> frozenset[str]:
    # One string instead of one row per item: splitting it in C is several times faster than
    # fetching rows.
    blob = conn.execute(
        "SELECT group_concat(lkey, char(30)) FROM items INDEXED BY items_blocked "
        f"WHERE deck_id = ? AND {_BLOCKED_SQL}", (deck_id, now_us)).fetchone()[0]
    return frozenset(blob.split(_RS)) if blob else frozenset()


def _ensure_pow(conn: sqlite3.Connection) -> None:
    """Give `conn` a pow() when its SQLite was built without the math functions (C's pow, as the
    built-in: the same results)."""
    try:
        conn.execute("SELECT pow(2.0, 0.5)")
    except sqlite3.OperationalError:
        conn.create_function("pow", 2, math.pow, deterministic=True)


def _get(conn: sqlite3.Connection, key: ItemKey) -> ItemState | None:
    row = conn.execute(
        f"SELECT {_ITEM_COLUMNS} FROM items WHERE deck_id = ? AND card_id = ? AND item = ?",
        (key.deck_id, key.card_id, key.item)).fetchone()
    return None if row is None else _state_from_row(row)


_LOG_SQL = """
SELECT 'r', r.id, r.deck_id, r.card_id, r.item, r.rating, r.reviewed_at, r.content_hash,
       r.card_after, NULL
FROM reviews r
WHERE {where_r}
  AND NOT EXISTS (SELECT 1 FROM events u WHERE u.action = 'undo' AND u.review_id = r.id)
UNION ALL
SELECT 'e', e.id, e.deck_id, e.card_id, e.item, NULL, e.action, NULL, NULL, e.until
FROM events e
WHERE {where_e} AND e.action != 'undo'
ORDER BY 3, 4, 5, 1, 2
"""


def _derive_rows(rows: list[tuple[Any, ...]]) -> list[ItemState]:
    """Fold log rows (sorted by item, then kind, then id) into item states.

    Reviews and events touch disjoint fields (fsrs state vs suspended/buried), so applying each kind
    in its own id order gives the same result as interleaving them in time.
    """
    states: list[ItemState] = []
    current: ItemState | None = None
    for kind, rid, deck_id, card_id, item, rating, at, chash, card, until in rows:
        key = ItemKey(deck_id, card_id, item)
        if current is None or current.key != key:
            if current is not None:
                states.append(current)
            current = ItemState(key=key)
        if kind == "r":
            reviewed_at = datetime.fromisoformat(at).astimezone(UTC)
            current = _apply_review(current, rid, rating, reviewed_at, chash, _card_from_json(card))
        else:
            current = _apply_event(current, at, None if until is None
                                   else datetime.fromisoformat(until).astimezone(UTC))
    if current is not None:
        states.append(current)
    return states


def _derive_all(conn: sqlite3.Connection) -> list[ItemState]:
    sql = _LOG_SQL.format(where_r="1", where_e="1")
    return _derive_rows(conn.execute(sql).fetchall())


def _rederive(conn: sqlite3.Connection, key: ItemKey) -> ItemState | None:
    """Recompute one item's row from the logs (delete it when nothing about it remains)."""
    sql = _LOG_SQL.format(where_r="r.deck_id = ? AND r.card_id = ? AND r.item = ?",
                          where_e="e.deck_id = ? AND e.card_id = ? AND e.item = ?")
    params = (key.deck_id, key.card_id, key.item) * 2
    states = _derive_rows(conn.execute(sql, params).fetchall())
    conn.execute("DELETE FROM items WHERE deck_id = ? AND card_id = ? AND item = ?",
                 (key.deck_id, key.card_id, key.item))
    if not states:
        return None
    conn.execute(_UPSERT, _state_row(states[0]))
    return states[0]


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


def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    uri = path.absolute().as_uri() + ("?mode=ro" if readonly else "?mode=rwc")
    # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE), never implicit.
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=5.0,
                           check_same_thread=True)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def _identity(conn: sqlite3.Connection) -> tuple[int, int, int]:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return int(app_id), int(version), int(tables)


def _check_version(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer version of briefing-quiz (schema {version}; this "
            f"version reads up to {SCHEMA_VERSION}): upgrade briefing-quiz")


def _foreign(path: Path) -> StoreError:
    return StoreError(f"{path} is another program's SQLite database, not a briefing-quiz progress "
                      "file; it was left unchanged (choose another file with --data)")


def _check_existing(path: Path) -> None:
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
        probe = _connect(path, readonly=True)
        try:
            app_id, _version, tables = _identity(probe)
        finally:
            probe.close()
    except sqlite3.Error as error:
        raise _store_error(path, error, "cannot read") from error
    if app_id != APPLICATION_ID and tables:
        raise _foreign(path)


def _is_busy(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", "")
    return name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED") or (
        "locked" in str(error) and not name)


def _store_error(path: Path, error: sqlite3.Error, what: str) -> StoreError:
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
