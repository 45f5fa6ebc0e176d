"""Anki's everyday card actions in the progress file (schema 6, table `marks`): flags with a
note, forget (back to new, the history kept) and set due date, and the undo of a forget or a
set due date (an `undo` mark; the item's state is then derived again without it).

The log is append-only like the others. A flag changes no schedule, so the flags in force are
read from the log itself (`flags`: the last flag or unflag of each item), never stored in
`items`, and a rebuild cannot lose them. Forget and set due date change the item's state:
`derive.apply_mark` applies them, placed among the reviews by `after_review`. Reads here run in
the caller's transaction, as `queries` does; a file older than schema 6 has no marks.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from briefing_quiz.core.errors import StoreError
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.derive import UPSERT, ItemState, apply_mark, state_row, utc_text
from briefing_quiz.core.progress.queries import get_state

__all__ = ["ACTIONS", "Flag", "MarkLog", "Marked", "flags", "last_review_id", "undo", "write"]


#: The actions a mark records.
ACTIONS = ("flag", "unflag", "forget", "set_due", "undo")
UTC = timezone.utc


@dataclass(frozen=True, slots=True)
class Flag:
    """A flag in force on an item: its note ("" for none) and when it was set."""

    key: ItemKey
    note: str
    at: datetime

    def to_json(self) -> dict[str, object]:
        return {"deck": self.key.deck_id, "card": self.key.card_id, "item": self.key.item,
                "note": self.note, "flagged_at": self.at.isoformat()}


@dataclass(frozen=True, slots=True)
class Marked:
    """What a forget or set due date committed: the mark's id (to undo it) and the new state."""

    mark_id: int
    state: ItemState


class MarkLog:
    """`Store.marks`: the actions, each one committed transaction of the store (`write`)."""

    def __init__(self, read: Callable[[Callable[[sqlite3.Connection], Any]], Any],
                 write: Callable[..., Any]) -> None:
        self._read, self._write = read, write

    def flag(self, key: ItemKey, note: str | None, *, at: datetime) -> None:
        """Flag `key` with a note ("" for none; flagging again replaces it); None unflags."""
        self._mark(key, "unflag" if note is None else "flag", at, note=note)

    def flags(self, deck_id: str | None = None) -> dict[ItemKey, Flag]:
        """The flags in force (of one deck, or all), oldest first."""
        out: dict[ItemKey, Flag] = self._read(lambda conn: flags(conn, deck_id))
        return out

    def forget(self, key: ItemKey, *, at: datetime) -> Marked:
        """Back to new (Anki's Forget); the review history, reps and lapses are kept."""
        return self._mark(key, "forget", at)

    def set_due(self, key: ItemKey, due: datetime, *, at: datetime) -> Marked:
        """Due at `due` (Anki's Set Due Date), the memory state kept; a new item: StoreError."""
        return self._mark(key, "set_due", at, due=due)

    def undo(self, mark_id: int, *, at: datetime) -> ItemState | None:
        """Take back forget or set due date `mark_id`: the item's state as if it had not been
        done (None: nothing about the item remains). Undone already, or not such a mark:
        StoreError."""
        at_text = utc_text(at, "at")
        state: ItemState | None = self._write(lambda conn: undo(conn, mark_id, at_text),
                                              "could not save the undo to")
        return state

    def _mark(self, key: ItemKey, action: str, at: datetime, *, note: str | None = None,
              due: datetime | None = None) -> Marked:
        at_text, due_text = utc_text(at, "at"), None if due is None else utc_text(due, "due")
        mark_id, state = self._write(
            lambda conn: write(conn, key, action, at_text, note, due_text),
            f"could not save the {action.replace('_', ' ')} to")
        return Marked(mark_id, state or ItemState(key=key))


def last_review_id(conn: sqlite3.Connection) -> int:
    """The log's last review id (0: none): where a mark written now falls among the reviews."""
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM reviews").fetchone()[0])


def write(conn: sqlite3.Connection, key: ItemKey, action: str, at: str, note: str | None,
          due: str | None) -> tuple[int, ItemState | None]:
    """Log one mark (times in ISO UTC text) in the caller's write transaction: its id, and for a
    forget or set due date the item's new state, stored (set due date on a new item:
    StoreError, nothing written)."""
    prev = get_state(conn, key) or ItemState(key=key)
    if action == "set_due" and prev.card is None:
        raise StoreError(f"{key} is new: it has no due date to set (study it first)")
    cursor = conn.execute(
        "INSERT INTO marks (deck_id, card_id, item, action, at, after_review, note, due) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (key.deck_id, key.card_id, key.item, action, at, last_review_id(conn), note, due))
    mark_id = cursor.lastrowid
    assert mark_id is not None
    if action not in ("forget", "set_due"):
        return mark_id, None
    state = apply_mark(prev, action, None if due is None else datetime.fromisoformat(due))
    conn.execute(UPSERT, state_row(state))
    return mark_id, state


def undo(conn: sqlite3.Connection, mark_id: int, at: str) -> ItemState | None:
    """Log the undo of forget or set due date `mark_id` and store the item's state derived
    again without it (with the memory its deck's parameters give, as `Store.undo_review`)."""
    from briefing_quiz.core.progress.derive import derive_one
    from briefing_quiz.core.progress.replay import follow_item

    row = conn.execute("SELECT deck_id, card_id, item, action FROM marks WHERE id = ?",
                       (mark_id,)).fetchone()
    if row is None or row[3] not in ("forget", "set_due"):
        raise StoreError(f"there is no forget or set due date {mark_id} to undo")
    if conn.execute("SELECT 1 FROM marks WHERE action = 'undo' AND undoes = ?",
                    (mark_id,)).fetchone() is not None:
        raise StoreError(f"the {row[3].replace('_', ' ')} of {ItemKey(*row[:3])} was undone "
                         "already (perhaps in another window)")
    key = ItemKey(*row[:3])
    conn.execute("INSERT INTO marks (deck_id, card_id, item, action, at, after_review, undoes) "
                 "VALUES (?, ?, ?, 'undo', ?, ?, ?)", (*row[:3], at, last_review_id(conn), mark_id))
    state = follow_item(conn, derive_one(conn, key))
    conn.execute("DELETE FROM items WHERE deck_id = ? AND card_id = ? AND item = ?", row[:3])
    if state is not None:
        conn.execute(UPSERT, state_row(state))
    return state


def flags(conn: sqlite3.Connection, deck_id: str | None = None) -> dict[ItemKey, Flag]:
    """The flags in force (of one deck, or all), in the order they were set. A row whose time
    cannot be read counts as set at the epoch rather than being lost."""
    sql = "SELECT deck_id, card_id, item, action, note, at FROM marks WHERE action IN " \
          "('flag', 'unflag')"
    params: tuple[str, ...] = ()
    if deck_id is not None:
        sql += " AND deck_id = ?"
        params = (deck_id,)
    try:
        rows = conn.execute(sql + " ORDER BY id", params).fetchall()
    except sqlite3.OperationalError:  # schema < 6, opened read-only: no marks
        return {}
    out: dict[ItemKey, Flag] = {}
    for deck, card_id, item, action, note, at in rows:
        key = ItemKey(deck, card_id, item)
        if action == "unflag":
            out.pop(key, None)
            continue
        out.pop(key, None)  # flagged again: it moves to the end
        out[key] = Flag(key, str(note or ""), _time(at))
    return out


def _time(text: object) -> datetime:
    try:
        at = datetime.fromisoformat(str(text))
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=UTC)
    return at.astimezone(UTC) if at.tzinfo is not None else at.replace(tzinfo=UTC)
