"""Read-only SQL over the progress file: item states, the review log, the queue's snapshot,
statistics, briefing targets and mock tests.

Each function takes the connection and runs in the caller's transaction: `Store` gives each read
its own (a consistent snapshot in WAL mode) and turns SQLite errors into `StoreError`, and its
writes call `get_state` inside theirs. Nothing here writes.
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

import fsrs

from briefing_quiz.core.fsrs_adapter import recall_sql
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress import today
from briefing_quiz.core.progress.derive import (
    ITEM_COLUMNS,
    NOT_UNDONE,
    UNDONE,
    UNREADABLE_ROW,
    ItemState,
    ReviewRecord,
    card_from_json,
    state_from_row,
    to_us,
    utc_text,
)
from briefing_quiz.core.progress.log_reads import ReviewRow
from briefing_quiz.core.progress.schema import CANONICAL_AT, has_table

__all__ = [
    "DeckSnapshot",
    "DueItem",
    "MockAnswerRecord",
    "MockTestRecord",
    "ReviewRow",
    "StatRow",
    "StatSummary",
]

UTC = timezone.utc
_LEARNING_PHASES = (int(fsrs.State.Learning), int(fsrs.State.Relearning))


# --------------------------------------------------------------------------------------------------
# Values


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
    """One stored item, reduced to what `core.study.statistics` needs."""

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
# SQL text


# A review's rank: how overdue relative to its interval (negated: the most overdue first), as
# Python computes (due_us - now_us) / max(due_us - last_us, 1): both ints made doubles, divided.
_REVIEW_RANK_SQL = "(due_us - :now) * 1.0 / max(due_us - last_review_us, 1)"
_DUE_SQL = (
    "SELECT card_id, item, due_us, last_review_id, {rank} FROM items INDEXED BY items_due "
    "WHERE deck_id = :deck AND due_us < :before AND suspended = 0 "
    "AND (buried_until_us IS NULL OR buried_until_us <= :now)"
)
# Not introducible as new: reviewed before, suspended, or buried (the one parameter: now).
BLOCKED_SQL = "(phase > 0 OR suspended = 1 OR buried_until_us > ?)"
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
# Item states and the log


def data_version(conn: sqlite3.Connection) -> int:
    """SQLite's `PRAGMA data_version` (changes when another connection commits)."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def get_state(conn: sqlite3.Connection, key: ItemKey) -> ItemState | None:
    """The stored state of `key`; None for an item never reviewed, suspended or buried."""
    row = conn.execute(
        f"SELECT {ITEM_COLUMNS} FROM items WHERE deck_id = ? AND card_id = ? AND item = ?",
        (key.deck_id, key.card_id, key.item)).fetchone()
    return None if row is None else state_from_row(row)


def states(conn: sqlite3.Connection, deck_id: str | None = None) -> dict[ItemKey, ItemState]:
    """Every stored item state (of one deck, or all), in key order."""
    sql = f"SELECT {ITEM_COLUMNS} FROM items"
    params: tuple[str, ...] = ()
    if deck_id is not None:
        sql += " WHERE deck_id = ?"
        params = (deck_id,)
    sql += " ORDER BY deck_id, card_id, item"
    rows = conn.execute(sql, params).fetchall()
    return {s.key: s for s in map(state_from_row, rows)}


def review_records(conn: sqlite3.Connection, where: str, params: tuple[object, ...],
                   bad: dict[int, str] | None = None) -> Iterator[ReviewRecord]:
    """The reviews matching `where` (SQL over `reviews r`), oldest first, undone ones flagged.
    The rows are read now; the records are made as the iterator is consumed."""
    sql = (
        "SELECT r.id, r.deck_id, r.card_id, r.item, r.rating, r.given, r.correct, "
        "r.reviewed_at, r.duration_ms, r.content_hash, r.card_after, "
        f"{UNDONE} FROM reviews r WHERE {where} ORDER BY r.id"
    )
    return _review_records(conn.execute(sql, params).fetchall(), bad)


def _review_records(rows: list[Any], bad: dict[int, str] | None) -> Iterator[ReviewRecord]:
    for (rid, deck_id, card_id, item, rating, given, correct, at, duration, chash, card,
         undone) in rows:
        try:
            record = ReviewRecord(
                id=rid, key=ItemKey(deck_id, card_id, item), rating=fsrs.Rating(rating),
                given=given, correct=None if correct is None else bool(correct),
                reviewed_at=datetime.fromisoformat(at), duration_ms=duration, content_hash=chash,
                card_after=card_from_json(card), undone=bool(undone),
            )
        except UNREADABLE_ROW as error:  # written by hand or damaged: skipped, reported by id
            if bad is not None:
                bad[rid] = f"review: {error!r}"
            continue
        yield record


def deck_ids(conn: sqlite3.Connection) -> list[str]:
    """Ids of the decks that have stored progress (reviews, or suspended/buried items)."""
    rows = conn.execute(
        "SELECT deck_id FROM items UNION SELECT deck_id FROM reviews ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def stored_decks(conn: sqlite3.Connection) -> list[str]:
    """Ids of the decks with stored item states (reviewed, suspended or buried items)."""
    # From one deck id to the next through the primary key: a few lookups per deck, not a
    # scan of every item (DISTINCT reads them all).
    return [row[0] for row in conn.execute(
        "WITH RECURSIVE ids(id) AS (SELECT min(deck_id) FROM items UNION ALL "
        "SELECT (SELECT min(deck_id) FROM items WHERE deck_id > ids.id) FROM ids "
        "WHERE ids.id IS NOT NULL) SELECT id FROM ids WHERE id IS NOT NULL").fetchall()]


def integrity_check(conn: sqlite3.Connection) -> str:
    """SQLite's `PRAGMA integrity_check`: "ok" when the file is sound."""
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "\n".join(str(r[0]) for r in rows)


# --------------------------------------------------------------------------------------------------
# The study queue


def snapshot(conn: sqlite3.Connection, deck_id: str, *, now: datetime, due_before: datetime,
             day_start: datetime, new_limit: int | None = None, ranked: bool = False,
             with_blocked: bool = True) -> DeckSnapshot:
    """What the queue needs for `deck_id` (see `DeckSnapshot`).

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
    # By the indexes the file has, not its version number: a file read since before another
    # process migrated it has schema 4's indexes now.
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'items_today'"
                    ).fetchone() is None:
        new_today, seen = today.items_today(conn, deck_id, day_start)
    else:  # schema 3 or older, opened read-only
        new_today, seen = today.items_today_v3(conn, deck_id, start_us)
    blocked: frozenset[str] | None = None
    if with_blocked and (new_limit is None or new_limit > new_today):
        blocked = blocked_lkeys(conn, deck_id, now_us)
    return DeckSnapshot(deck_id=deck_id, learning=learning, reviews=reviews,
                        blocked=blocked, new_today=new_today, seen_today=seen)


def blocked_lkeys(conn: sqlite3.Connection, deck_id: str, now_us: int) -> frozenset[str]:
    """The lkeys of the deck's items that cannot be introduced as new at `now_us`."""
    # One string instead of one row per item: splitting it in C is several times faster than
    # fetching rows.
    blob = conn.execute(
        "SELECT group_concat(lkey, char(30)) FROM items INDEXED BY items_blocked "
        f"WHERE deck_id = ? AND {BLOCKED_SQL}", (deck_id, now_us)).fetchone()[0]
    return frozenset(blob.split(_RS)) if blob else frozenset()


def blocked_among(conn: sqlite3.Connection, deck_id: str, card_ids: Sequence[str] | None, *,
                  now: datetime) -> frozenset[str]:
    """`blocked_lkeys` of these cards (primary-key lookups), or of the whole deck (None)."""
    now_us = to_us(now)
    if card_ids is None:
        return blocked_lkeys(conn, deck_id, now_us)
    found: list[str] = []
    for i in range(0, len(card_ids), 500):  # old SQLite builds allow 999 variables
        chunk = card_ids[i:i + 500]
        found.extend(row[0] for row in conn.execute(
            f"SELECT lkey FROM items WHERE deck_id = ? AND card_id IN "
            f"({', '.join('?' * len(chunk))}) AND {BLOCKED_SQL}",
            (deck_id, *chunk, now_us)))
    return frozenset(found)


# --------------------------------------------------------------------------------------------------
# Statistics


def stat_rows(conn: sqlite3.Connection, deck_id: str | None = None) -> list[StatRow]:
    """Every stored item as a `StatRow` (of one deck, or all)."""
    sql = ("SELECT deck_id, card_id, item, phase, due_us, last_review_us, stability, lapses, "
           "suspended, buried_until_us FROM items")
    params: tuple[str, ...] = ()
    if deck_id is not None:
        sql += " WHERE deck_id = ?"
        params = (deck_id,)
    rows = conn.execute(sql, params).fetchall()
    return [StatRow(d, c, i, p, du, lr, s, la, bool(su), bu)
            for d, c, i, p, du, lr, s, la, su, bu in rows]


def stat_summary(conn: sqlite3.Connection, deck_id: str, *, now: datetime, day_end: datetime,
                 leech_lapses: int, curve: tuple[float, float],
                 only: Collection[str] | None = None) -> StatSummary:
    """The stored items of `deck_id` (`only`: just those with these lkeys) aggregated in SQL:
    what deck statistics count, without a Python object per item.

    `curve` = (factor, decay) of fsrs' forgetting curve (`Scheduler.recall_curve`): an item's
    retrievability at `now` is (1 + factor * fractional days since its last review / stability)
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
    ensure_pow(conn)
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


def recall_at(conn: sqlite3.Connection, deck_id: str, at: datetime,
              curve: tuple[float, float]) -> dict[tuple[str, int], float]:
    """(card_id, item) -> retrievability at `at` of every stored item of `deck_id` with a
    memory state (see `stat_summary` for `curve`)."""
    params = (curve[0], to_us(at), curve[1], deck_id)
    ensure_pow(conn)
    return {(card_id, item): value for card_id, item, value in conn.execute(
        f"SELECT card_id, item, {recall_sql('?', '?', '?')} "
        f"FROM items WHERE deck_id = ? AND {_HAS_MEMORY_SQL}", params)}


def ensure_pow(conn: sqlite3.Connection) -> None:
    """Give `conn` a pow() when its SQLite was built without the math functions (C's pow, as the
    built-in: the same results)."""
    try:
        conn.execute("SELECT pow(2.0, 0.5)")
    except sqlite3.OperationalError:
        conn.create_function("pow", 2, math.pow, deterministic=True)


def review_counts(conn: sqlite3.Connection, since: datetime, *, schema: int) -> dict[str, int]:
    """Per deck, the reviews made at or after `since` that were not undone (`schema`: the file's
    schema version; before 3 there is no index on review times)."""
    since_text = utc_text(since, "since")
    # Only rows whose date is at most two days before `since` can qualify, whatever the
    # offset a row was written with, since no offset reaches a day.
    floor = (since.astimezone(UTC) - timedelta(days=2)).date().isoformat()
    if schema < 3:  # an older file opened read-only: no index on review times
        rows = conn.execute(
            "SELECT deck_id, reviewed_at FROM reviews r WHERE substr(reviewed_at, 1, 10) >= ? "
            f"AND {NOT_UNDONE}", (floor,)).fetchall()
        counts: dict[str, int] = {}
        for deck_id, at in rows:
            # Compared as datetimes, not as text: never rely on the ISO text ordering.
            with contextlib.suppress(*UNREADABLE_ROW):
                if datetime.fromisoformat(at) >= since:
                    counts[deck_id] = counts.get(deck_id, 0) + 1
        return counts
    # The store's own rows (ISO UTC, as `record_review` writes them) order as text exactly as in
    # time: SQLite counts rows from `since` on in the `reviews_at` index alone. Then the
    # exceptions are corrected one by one: rows in another form (another zone, say:
    # `reviews_odd_at` lists them, normally none) and undone reviews.
    counts = dict(conn.execute(
        "SELECT deck_id, count(*) FROM reviews INDEXED BY reviews_at "
        "WHERE reviewed_at >= ? GROUP BY deck_id", (since_text,)).fetchall())
    exceptions = conn.execute(
        f"SELECT id, deck_id, reviewed_at, 0 FROM reviews WHERE NOT ({CANONICAL_AT}) "
        "UNION SELECT r.id, r.deck_id, r.reviewed_at, 1 FROM events e JOIN reviews r "
        "ON r.id = e.review_id WHERE e.action = 'undo' AND r.reviewed_at >= ?",
        (floor,)).fetchall()
    seen: set[int] = set()
    for rid, deck_id, at, undone in sorted(exceptions, key=lambda row: -row[3]):
        if rid in seen:
            continue  # an undone review in another form: listed twice
        seen.add(rid)
        counted = at >= since_text
        try:
            wanted = not undone and datetime.fromisoformat(at) >= since
        except UNREADABLE_ROW:
            wanted = False  # an unreadable time: not counted (stats and log report the row)
        if counted != wanted:
            counts[deck_id] = counts.get(deck_id, 0) + (1 if wanted else -1)
    return {deck: n for deck, n in counts.items() if n}


# --------------------------------------------------------------------------------------------------
# Briefing targets and mock tests (schema 2: a version-1 file opened read-only has neither)


def briefing_targets(conn: sqlite3.Connection) -> dict[str, datetime]:
    """Deck id -> briefing time (aware UTC), for every deck with a target."""
    if not has_table(conn, "briefings"):
        return {}  # a version-1 file opened read-only
    rows = conn.execute("SELECT deck_id, at FROM briefings ORDER BY deck_id").fetchall()
    return {deck: datetime.fromisoformat(at).astimezone(UTC) for deck, at in rows}


def mock_tests(conn: sqlite3.Connection, deck_id: str | None = None) -> list[MockTestRecord]:
    """The stored mock tests (of one deck, or all), oldest first, with their answers."""
    if not has_table(conn, "mock_tests"):
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
