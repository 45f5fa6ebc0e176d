"""The SQL of the lazy study queue (`core.study.fast_queue`): a deck's due items as keys to count,
and the queue's learning and review lines read a page at a time.

`due_keys` reads the range of `items_due` that `queries.snapshot` reads, but hands back the keys
as a few strings (split in C) rather than a tuple per row, and sorts nothing. `learning_page` and
`review_page` read the snapshot's two lists in the snapshot's very order (the same `ORDER BY`),
`size` rows after the last row of the page before (keyset pagination on the order's columns).
Nothing here writes. `read_due_keys` and `read_page` run one read transaction of the store each
(`Store._read`: its errors become `StoreError`); the rest run in the caller's.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from briefing_quiz.core.progress import today
from briefing_quiz.core.progress.derive import to_us
from briefing_quiz.core.progress.queries import DueItem

if TYPE_CHECKING:
    from briefing_quiz.core.progress.store import Store

__all__ = ["DueKeys", "PageKey", "due_keys", "has_schema_4_today", "learning_page", "read_due_keys",
           "read_page", "review_page"]

_RS = "\x1e"  # between the strings of a group_concat (ids never contain control characters)
_MIN = -9223372036854775808  # below any stored value: NULL's place in an ascending order
_DUE = (
    "FROM items INDEXED BY items_due WHERE deck_id = :deck AND due_us < :before "
    "AND suspended = 0 AND (buried_until_us IS NULL OR buried_until_us <= :now)"
)
# The snapshot's orders (`queries.snapshot`), every column named: learning by due time, ties in
# the order of `items_due`; reviews by rank, then the same columns.
_RANK = "(due_us - :now) * 1.0 / max(due_us - last_review_us, 1)"
_TIES = "buried_until_us, last_review_us, lapses, last_review_id, card_id, item"
_LEARNING_ORDER = f"due_us, phase, suspended, {_TIES}"
_REVIEW_ORDER = f"{_RANK}, due_us, {_TIES}"
# The same columns as a row value with NULLs mapped to their place (row values compare NULL as
# unknown), for the rows after a page's last.
_TIES_KEY = (f"coalesce(buried_until_us, {_MIN}), coalesce(last_review_us, {_MIN}), lapses, "
             f"coalesce(last_review_id, {_MIN}), card_id, item")
_LEARNING_KEY = f"(due_us, phase, suspended, {_TIES_KEY})"
_REVIEW_KEY = f"(coalesce({_RANK}, -1e308), due_us, {_TIES_KEY})"

_KEYS = (  # (what, which rows): items 0 by card id, the others by lkey
    ("card_id", "item = 0 AND phase IN (1, 3)"),
    ("card_id", "item = 0 AND phase = 2"),
    ("card_id || char(31) || item", "item != 0 AND phase IN (1, 3)"),
    ("card_id || char(31) || item", "item != 0 AND phase = 2"),
)
# An aggregate's FILTER clause (SQLite 3.30+) skips the rows it does not want: about 0.7 ms less
# than a CASE per row on the workload's 3,700 due items. Older builds get the CASE.
_AGGREGATE = ("group_concat({what}, char(30)) FILTER (WHERE {rows})"
              if sqlite3.sqlite_version_info >= (3, 30, 0)
              else "group_concat(CASE WHEN {rows} THEN {what} END, char(30))")
_KEYS_SQL = (f"SELECT {', '.join(_AGGREGATE.format(what=w, rows=r) for w, r in _KEYS)} "
             f"{_DUE} AND phase IN (1, 2, 3)")
# What is due now only (`due_only`): the learning items 0 due by now, and a fifth string, the
# other learning items due by now (those due later today still claim their card).
_NOW_KEYS = ((_KEYS[0][0], f"{_KEYS[0][1]} AND due_us <= :now"), *_KEYS[1:],
             (_KEYS[2][0], f"{_KEYS[2][1]} AND due_us <= :now"))
_NOW_KEYS_SQL = (f"SELECT {', '.join(_AGGREGATE.format(what=w, rows=r) for w, r in _NOW_KEYS)} "
                 f"{_DUE} AND phase IN (1, 2, 3)")
_LEARNING_SQL = (
    "SELECT card_id, item, due_us, last_review_id, phase, suspended, buried_until_us, "
    f"last_review_us, lapses {_DUE} AND phase IN (1, 3){{after}} ORDER BY {_LEARNING_ORDER} "
    "LIMIT :size"
)
_REVIEW_SQL = (
    f"SELECT card_id, item, due_us, last_review_id, {_RANK}, buried_until_us, last_review_us, "
    f"lapses {_DUE} AND phase = 2{{after}} ORDER BY {_REVIEW_ORDER} LIMIT :size"
)
_AFTER = " AND {column} >= :k0 AND {key} > ({params})"

class PageKey(NamedTuple):
    """The order's columns of a page's last row: the next page starts after it."""

    values: tuple[object, ...]


class DueKeys(NamedTuple):
    """A deck's due items (learning and review, neither suspended nor buried) as keys."""

    learning_ids: list[str]  # card ids of due (re)learning items 0 (`due_only`: due by now)
    review_ids: list[str]  # card ids of due review items 0
    cloze_learning: list[str]  # lkeys (card id, \x1f, item) of due (re)learning items of others
    cloze_reviews: list[str]  # lkeys of due review items of other numbers
    new_today: int  # items introduced since the day began
    seen_today: dict[str, frozenset[int]]  # card id -> its items reviewed since the day began
    cloze_learning_now: list[str]  # `due_only`: the lkeys of `cloze_learning` due by now


def has_schema_4_today(conn: sqlite3.Connection) -> bool:
    """Whether the file reads today's items as schema 4 does (`today.items_today`)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' "
                        "AND name = 'items_today'").fetchone() is None


def due_keys(conn: sqlite3.Connection, deck_id: str, *, now_us: int, before_us: int,
             day_start: datetime, due_only: bool = False) -> DueKeys:
    """The due keys of `deck_id` at `now_us` (due before `before_us`), and today's items since
    `day_start` (a datetime: see `today.items_today`)."""
    params = {"deck": deck_id, "before": before_us, "now": now_us}
    strings = conn.execute(_NOW_KEYS_SQL if due_only else _KEYS_SQL, params).fetchone()
    new_today, seen = today.items_today(conn, deck_id, day_start)
    learning, reviews, cloze_learning, cloze_reviews, *now = (
        string.split(_RS) if string else [] for string in strings)
    return DueKeys(learning, reviews, cloze_learning, cloze_reviews, new_today, seen,
                   now[0] if now else [])


def learning_page(conn: sqlite3.Connection, deck_id: str, *, now_us: int, before_us: int,
                  after: PageKey | None, size: int
                  ) -> tuple[list[DueItem], PageKey | None]:
    """Up to `size` due (re)learning rows after `after`, as `queries.DueItem`s, and the key of
    the last (None: no row)."""
    return _page(conn, _LEARNING_SQL, "due_us", _LEARNING_KEY, 9, deck_id, now_us, before_us,
                 after, size)


def review_page(conn: sqlite3.Connection, deck_id: str, *, now_us: int, before_us: int,
                after: PageKey | None, size: int
                ) -> tuple[list[DueItem], PageKey | None]:
    """Up to `size` due review rows after `after` in the snapshot's review order, each with its
    rank (what several decks' reviews are merged by)."""
    return _page(conn, _REVIEW_SQL, f"coalesce({_RANK}, -1e308)", _REVIEW_KEY, 8, deck_id,
                 now_us, before_us, after, size)


def _page(conn: sqlite3.Connection, sql: str, column: str, key: str, width: int, deck_id: str,
          now_us: int, before_us: int, after: PageKey | None, size: int
          ) -> tuple[list[DueItem], PageKey | None]:
    params: dict[str, object] = {"deck": deck_id, "before": before_us, "now": now_us,
                                 "size": size}
    clause = ""
    if after is not None:
        clause = _AFTER.format(column=column, key=key,
                               params=", ".join(f":k{i}" for i in range(width)))
        params.update({f"k{i}": value for i, value in enumerate(after.values)})
    rows = conn.execute(sql.format(after=clause), params).fetchall()
    if not rows:
        return [], None
    if width == 9:  # learning rows: no rank
        return [(r[0], r[1], r[2], r[3], None) for r in rows], _key_of(rows[-1], width)
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows], _key_of(rows[-1], width)


def _key_of(row: tuple[object, ...], width: int) -> PageKey:
    if width == 9:  # learning: due, phase, suspended, ties
        card_id, item, due_us, last_id, phase, suspended, buried, last_us, lapses = row
        return PageKey((due_us, phase, suspended, _or_min(buried), _or_min(last_us), lapses,
                        _or_min(last_id), card_id, item))
    card_id, item, due_us, last_id, rank, buried, last_us, lapses = row
    return PageKey((-1e308 if rank is None else rank, due_us, _or_min(buried), _or_min(last_us),
                    lapses, _or_min(last_id), card_id, item))


def _or_min(value: object) -> object:
    return _MIN if value is None else value


def read_due_keys(store: Store, deck_id: str, *, now: datetime, due_before: datetime,
                  day_start: datetime, due_only: bool = False) -> DueKeys | None:
    """`due_keys` in one read transaction of `store`; None for a file of schema 3 or older."""
    def read(conn: sqlite3.Connection) -> DueKeys | None:
        if not has_schema_4_today(conn):
            return None
        return due_keys(conn, deck_id, now_us=to_us(now), before_us=to_us(due_before),
                        day_start=day_start, due_only=due_only)
    return store._read(read)  # the store's read transaction


def read_page(store: Store, line: str, deck_id: str, *, now: datetime, due_before: datetime,
              after: PageKey | None, size: int
              ) -> tuple[list[DueItem], PageKey | None]:
    """`learning_page` or `review_page` (`line`: "learning" or "review") in one read
    transaction of `store`."""
    page = learning_page if line == "learning" else review_page
    return store._read(lambda conn: page(
        conn, deck_id, now_us=to_us(now), before_us=to_us(due_before), after=after, size=size))
