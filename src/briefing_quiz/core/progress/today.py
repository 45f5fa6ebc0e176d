"""Today's items for the study queue: how many were introduced since the day began, and which
items of which cards were seen since (`queries.snapshot` uses both: the new-card limit and the
siblings held back). Schema 4 reads them from `items_first` and `reviews_at`; a schema-3 file
opened read-only still has `items_today` (see `schema.py`).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from briefing_quiz.core.progress.derive import split_lkey, to_us, utc_text
from briefing_quiz.core.progress.schema import CANONICAL_AT

__all__ = ["items_today", "items_today_v3"]

_RS = "\x1e"  # between the strings of a group_concat (ids never contain control characters)
_ITEM_0: frozenset[int] = frozenset((0,))
_NO_ITEMS: frozenset[int] = frozenset()

# Today's items (schema 4). Introduced today: `items_first` (an item's first review is never
# after its last). Seen today, i.e. last review that counts at or after the day's start: an
# item's last review time is the latest time of its reviews that count (the scheduler never
# moves it past the review's own time), so these are the items of today's reviews that count,
# read from `reviews_at` (which holds each review's item). The store's own rows (ISO UTC text)
# order as text as in time; rows in another form (normally none, `reviews_odd_at`) are compared
# as datetimes.
# (An aggregate's FILTER clause, SQLite 3.30+, skips the rows it does not want: cheaper than a
# CASE per row. Older builds get the CASE.)
_SEEN = ("group_concat({what}, char(30)) FILTER (WHERE {rows})"
         if sqlite3.sqlite_version_info >= (3, 30, 0)
         else "group_concat(CASE WHEN {rows} THEN {what} END, char(30))")
_SEEN_SQL = (
    f"SELECT {_SEEN.format(what='card_id', rows='item = 0')}, "
    f"{_SEEN.format(what='card_id || char(31) || item', rows='item != 0')} "
    "FROM reviews INDEXED BY reviews_at WHERE reviewed_at >= :since AND deck_id = :deck{undone}"
)
_UNDONE_SINCE_SQL = (
    "SELECT r.id FROM events e JOIN reviews r ON r.id = e.review_id "
    "WHERE e.action = 'undo' AND r.reviewed_at >= :since"
)


def items_today(conn: sqlite3.Connection, deck_id: str,
           day_start: datetime) -> tuple[int, dict[str, frozenset[int]]]:
    """(items introduced since `day_start`, card id -> its items reviewed since then)."""
    params = {"deck": deck_id, "since": utc_text(day_start, "day_start")}
    new_today = conn.execute(
        "SELECT count(*) FROM items INDEXED BY items_first WHERE deck_id = ? "
        "AND first_review_us >= ?", (deck_id, to_us(day_start))).fetchone()[0]
    # Undone reviews of today are few (usually none): they are left out only when there are any.
    undone = ""
    if conn.execute(_UNDONE_SINCE_SQL, params).fetchone() is not None:
        undone = " AND id NOT IN (SELECT review_id FROM events WHERE action = 'undo')"
    # Most items seen today are item 0 of their card; every answer is a row here, so the ids
    # come as one string (and the other items as another), split in C, from one scan.
    plain, others = conn.execute(_SEEN_SQL.format(undone=undone), params).fetchone()
    seen = dict.fromkeys(plain.split(_RS), _ITEM_0) if plain else {}
    # One string per review: the same item's repeats are dropped (in C) before it is split.
    pairs = set(map(split_lkey, set(others.split(_RS)))) if others else set()
    pairs.update((card_id, item) for card_id, item, at in conn.execute(
        "SELECT card_id, item, reviewed_at FROM reviews INDEXED BY reviews_odd_at "
        f"WHERE NOT ({CANONICAL_AT}) AND deck_id = :deck{undone}", params)
        if datetime.fromisoformat(at) >= day_start)
    for card_id, item in pairs:
        seen[card_id] = seen.get(card_id, _NO_ITEMS) | {item}
    return new_today, seen


def items_today_v3(conn: sqlite3.Connection, deck_id: str,
              start_us: int) -> tuple[int, dict[str, frozenset[int]]]:
    """`items_today` on a file of schema 3 or older opened read-only (it has `items_today`)."""
    new_today = conn.execute(
        "SELECT count(*) FROM items INDEXED BY items_today WHERE deck_id = ? "
        "AND last_review_us >= ? AND first_review_us >= ?",
        (deck_id, start_us, start_us)).fetchone()[0]
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
    return new_today, seen
