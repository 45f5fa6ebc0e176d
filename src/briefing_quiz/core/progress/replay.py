"""Memory states that follow the FSRS parameters in use: replaying a deck's review log.

An item's stored state is the `card_after` of its latest review, computed with the parameters in
use *then*. When a deck's parameters change (`optimize --apply`, or `[scheduler] parameters`
edited by hand), its stabilities and difficulties are recomputed by replaying its reviews that
count (not undone), in order, through fsrs with the new parameters, as Anki recomputes memory
states when the parameters change. The log is never changed: only the derived `items` rows.

Due dates, phase and learning step are kept as stored (Anki keeps due dates too unless
"reschedule cards on change" is asked): the new memory state shows at once in every recall
forecast (readiness, statistics, the sheet) and sets the interval from each card's next review.

The parameters each deck's states were computed with are remembered as a fingerprint (table
`memory_parameters`, schema 5); a deck without a row was computed with fsrs' defaults (the only
parameters there were before); the parameters themselves are kept beside it, so that an undo
(`Store.undo_review`, through `follow_item`) restores the item's state with them too.
`Store.rebuild` restores the logged states and forgets every deck's parameters, so the next
opening recomputes again.

A forget (schema 6, `marks`) starts an item afresh: only the reviews after its last forget are
replayed.

`replay_memory` is pure (a scheduler given); `read_fingerprints` and `recompute_deck` run in the
caller's transaction, as `queries` and `derive` do.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache

import fsrs

from briefing_quiz.core.fsrs_adapter import copy_card, default_parameters
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.derive import (
    NOT_UNDONE,
    UNREADABLE_ROW,
    UPSERT,
    ItemState,
    state_row,
    utc_text,
)
from briefing_quiz.core.progress.queries import states
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings, fsrs_card_id

__all__ = ["default_fingerprint", "fingerprint", "follow_item", "forgotten_at", "read_fingerprints",
           "recompute_deck", "replay_memory"]


def fingerprint(parameters: Sequence[float] | None) -> str:
    """A short text naming a set of FSRS parameters (None: fsrs' defaults), equal for equal
    values whatever their spelling (0.2 and 0.20000 are one)."""
    values = default_parameters() if parameters is None else parameters
    text = ",".join(repr(round(float(w), 6)) for w in values)
    return hashlib.blake2b(text.encode("ascii"), digest_size=8).hexdigest()


@lru_cache(maxsize=1)
def default_fingerprint() -> str:
    """The fingerprint of fsrs' defaults: a deck without a stored fingerprint has this one."""
    return fingerprint(None)


def replay_memory(scheduler: Scheduler, key: ItemKey,
                  reviews: Iterable[tuple[int, datetime]]) -> fsrs.Card:
    """The card after `reviews` (rating, aware time; oldest first) applied to a new card with
    `scheduler`'s parameters, as the study session computed it review after review."""
    return scheduler.replay(fsrs_card_id(key), ((fsrs.Rating(r), at) for r, at in reviews))


def read_fingerprints(conn: sqlite3.Connection) -> dict[str, str]:
    """Deck id -> the fingerprint of the parameters its memory states were computed with (one
    query; an older file without the table: none)."""
    try:
        return dict(conn.execute("SELECT deck_id, fingerprint FROM memory_parameters"))
    except sqlite3.OperationalError:  # schema < 5, opened read-only
        return {}


_REVIEWS_SQL = f"""
SELECT r.id, r.card_id, r.item, r.rating, r.reviewed_at FROM reviews r
WHERE r.deck_id = ? AND {NOT_UNDONE}
ORDER BY r.card_id, r.item, r.id
"""


def forgotten_at(conn: sqlite3.Connection, deck_id: str) -> dict[ItemKey, int]:
    """Item -> the review id its last forget followed (`marks.after_review`): the reviews up to
    it no longer shape its memory. None on a file older than schema 6."""
    try:
        rows = conn.execute(
            "SELECT card_id, item, max(after_review) FROM marks m WHERE deck_id = ? AND "
            "action = 'forget' AND NOT EXISTS (SELECT 1 FROM marks u WHERE u.action = 'undo' "
            "AND u.undoes = m.id) GROUP BY card_id, item", (deck_id,)).fetchall()
    except sqlite3.OperationalError:  # schema < 6
        return {}
    return {ItemKey(deck_id, card_id, item): floor for card_id, item, floor in rows}


def recompute_deck(conn: sqlite3.Connection, deck_id: str, scheduler: Scheduler,
                   at: datetime, bad: dict[int, str] | None = None) -> int:
    """Replace the stability and difficulty of every stored item of `deck_id` by those its
    reviews give with `scheduler`'s parameters, keep everything else of its state, and record
    the parameters as the deck's; how many item rows changed. A review whose time cannot be
    read is left out (and listed in `bad`), as `derive` does."""
    current = states(conn, deck_id)
    floors = forgotten_at(conn, deck_id)
    by_item: dict[ItemKey, list[tuple[int, datetime]]] = {}
    for rid, card_id, item, rating, reviewed_at in conn.execute(_REVIEWS_SQL, (deck_id,)):
        if floors and rid <= floors.get(ItemKey(deck_id, card_id, item), 0):
            continue  # before the item was forgotten
        try:
            when = datetime.fromisoformat(reviewed_at)
            if when.tzinfo is None:
                raise ValueError(f"naive time {reviewed_at!r}")
            by_item.setdefault(ItemKey(deck_id, card_id, item), []).append((int(rating), when))
        except UNREADABLE_ROW as error:
            if bad is not None:
                bad[rid] = f"review: {error!r}"
    rows = []
    for key, reviews in by_item.items():
        state = current.get(key)
        if state is None or state.card is None:
            continue
        replayed = replay_memory(scheduler, key, reviews)
        old = state.card
        if (replayed.stability, replayed.difficulty) == (old.stability, old.difficulty):
            continue
        card = copy_card(old)
        card.stability, card.difficulty = replayed.stability, replayed.difficulty
        rows.append(state_row(_with_card(state, card)))
    conn.executemany(UPSERT, rows)
    used = scheduler.settings.parameters or default_parameters()
    conn.execute("INSERT OR REPLACE INTO memory_parameters (deck_id, fingerprint, parameters, at) "
                 "VALUES (?, ?, ?, ?)", (deck_id, fingerprint(used),
                                         json.dumps([float(w) for w in used]), utc_text(at, "at")))
    return len(rows)


def follow_item(conn: sqlite3.Connection, state: ItemState | None) -> ItemState | None:
    """`state`, derived from the log (after an undo), with the memory state its deck's recorded
    parameters give (`recompute_deck`): the log's `card_after` may come from other ones. No
    recorded parameters: `state` itself (fsrs' defaults throughout)."""
    if state is None or state.card is None:
        return state
    key = state.key
    try:
        row = conn.execute("SELECT parameters FROM memory_parameters WHERE deck_id = ?",
                           (key.deck_id,)).fetchone()
    except sqlite3.OperationalError:  # a file of schema < 5 (kept at its version): the defaults
        return state
    if row is None:
        return state
    try:
        scheduler = Scheduler(SchedulerSettings(parameters=tuple(json.loads(row[0])),
                                                enable_fuzzing=False))
        floor = forgotten_at(conn, key.deck_id).get(key, 0)
        reviews = [(int(r), datetime.fromisoformat(t)) for r, t in conn.execute(
            f"SELECT r.rating, r.reviewed_at FROM reviews r WHERE r.deck_id = ? AND "
            f"r.card_id = ? AND r.item = ? AND r.id > ? AND {NOT_UNDONE} ORDER BY r.id",
            (key.deck_id, key.card_id, key.item, floor))]
        replayed = replay_memory(scheduler, key, reviews)
    except UNREADABLE_ROW:  # a damaged row: the log's state, as `derive` gives it
        return state
    card = copy_card(state.card)
    card.stability, card.difficulty = replayed.stability, replayed.difficulty
    return _with_card(state, card)


def _with_card(state: ItemState, card: fsrs.Card) -> ItemState:
    return ItemState(key=state.key, card=card, reps=state.reps, lapses=state.lapses,
                     suspended=state.suspended, buried_until=state.buried_until,
                     first_review=state.first_review, last_review_id=state.last_review_id,
                     last_hash=state.last_hash)
