"""Fewer pages per answer: an answered item's row is rewritten by an UPDATE of the columns a
review changes, not by `INSERT OR REPLACE` of the whole row.

What it buys: `INSERT OR REPLACE` deletes the row and inserts it again, so every index of
`items` has its entry deleted and re-inserted, each on a page of the WAL. SQLite's UPDATE leaves
alone every index none of whose columns is in its SET list: here `items_first` (deck, first
review), which only an item's first review changes. On the 100,000-review workload about one
page fewer per answer (`benchmarks/README.md`, "Pages per answer").

What it falls back to: the plain `UPSERT` (`derive.UPSERT`) for an item without a stored row,
for an answer that sets the first review, and whenever the UPDATE finds no row. Both write the
same values, so the store reads back the same state and `Store.rebuild` derives the same rows.

Also here, for the same answers, less CPU: `read_back` gives the card a review produced as the
store will read it back without copying it, when it already is in that form (fsrs' fresh result
is: UTC times, float stability and difficulty, a `State`), instead of `derive.as_read_back`'s
converted copy: ~2 us of the ~140 us of CPU an answer takes without its fsync
(`benchmarks/README.md`, "Pages per answer").

How to switch it off: `BRIEFING_QUIZ_NO_LEAN_WRITE=1` in the environment, or `ENABLED = False`:
every write is then the plain `UPSERT`, and every card is copied by `as_read_back`.
tests/core/progress/test_lean_write.py checks that both leave identical `items` tables and
return equal states after random answers, undos, suspensions and burials, and that `read_back`
gives what `as_read_back` gives.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import timezone

import fsrs

from briefing_quiz.core.progress.derive import UPSERT, ItemState, as_read_back, state_row

__all__ = ["ENABLED", "read_back", "write_reviewed"]

#: Whether an answer that keeps the item's first review is written by the narrow UPDATE.
ENABLED = os.environ.get("BRIEFING_QUIZ_NO_LEAN_WRITE", "") in ("", "0")

# Every column a review may change except the first review (and lkey, suspended and buried,
# which no review changes): `items_first` stays out of the SET list.
_REVIEW_UPDATE = (
    "UPDATE items SET phase = ?, card = ?, due_us = ?, last_review_us = ?, stability = ?, "
    "reps = ?, lapses = ?, last_review_id = ?, last_hash = ? "
    "WHERE deck_id = ? AND card_id = ? AND item = ?"
)


_UTC = timezone.utc
_STATE = fsrs.State


def read_back(card: fsrs.Card) -> fsrs.Card:
    """`as_read_back(card)`: `card` itself when it already is what reading its JSON back gives
    (the caller hands over a card nothing else holds, such as fsrs' result), else the copy."""
    last, stability, difficulty = card.last_review, card.stability, card.difficulty
    if (ENABLED and card.due.tzinfo is _UTC and (last is None or last.tzinfo is _UTC)
            and type(stability) is float and stability and type(difficulty) is float
            and difficulty and type(card.state) is _STATE):
        return card
    return as_read_back(card)


def write_reviewed(conn: sqlite3.Connection, prev: ItemState, state: ItemState,
                   card_json: str) -> None:
    """Store `state`, the item's state after a review of the stored state `prev`."""
    row = state_row(state, card_json)
    if (ENABLED and prev.card is not None and prev.first_review == state.first_review
            and prev.suspended == state.suspended and prev.buried_until == state.buried_until):
        (deck_id, card_id, item, _lkey, phase, card, due_us, last_us, stability, reps, lapses,
         _suspended, _buried, _first_us, last_id, last_hash) = row
        cursor = conn.execute(_REVIEW_UPDATE, (phase, card, due_us, last_us, stability, reps,
                                               lapses, last_id, last_hash, deck_id, card_id,
                                               item))
        if cursor.rowcount == 1:
            return
    conn.execute(UPSERT, row)
