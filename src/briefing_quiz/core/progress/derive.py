"""Log -> item state: the one place that turns review-log and event rows into `ItemState`.

Writes (`Store.record_review`, the events), undo and `Store.rebuild` all go through `apply_review` and
`apply_event`, so a rebuilt row equals the row the write made. Also here: the item row's columns,
the card's JSON text, the time and key encodings the rows use, which reviews count (`NOT_UNDONE`),
and `ReviewRecord`, a row of the log as the program reads it. Nothing here writes: `Store` stores
what `derive_all` and `derive_one` return.
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import fsrs

from briefing_quiz.core.fsrs_adapter import copy_card
from briefing_quiz.core.model import ItemKey

__all__ = [
    "ITEM_COLUMNS",
    "NOT_UNDONE",
    "UNDONE",
    "UNREADABLE_ROW",
    "UPSERT",
    "ItemState",
    "ReviewRecord",
    "apply_event",
    "apply_mark",
    "apply_review",
    "as_read_back",
    "card_from_json",
    "card_to_json",
    "derive_all",
    "derive_one",
    "from_us",
    "lkey",
    "split_lkey",
    "state_from_row",
    "state_row",
    "to_us",
    "utc_text",
]

UTC = timezone.utc
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
# Between card id and item number in `lkey`; card ids never contain control characters.
_SEP = "\x1f"


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


def split_lkey(key: str) -> tuple[str, int]:
    """(card id, item) of an `lkey`: its inverse."""
    card_id, _sep, item = key.partition(_SEP)
    return card_id, int(item) if item else 0


def utc_text(at: datetime, name: str) -> str:
    """`at` as the store writes times in text columns: ISO 8601 in UTC (naive: ValueError)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {at!r}")
    return at.astimezone(UTC).isoformat()


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


# --------------------------------------------------------------------------------------------------
# The card's JSON text


def card_from_json(text: str) -> fsrs.Card:
    """The card of a `card_after` or `items.card` text, its times in UTC."""
    card = fsrs.Card.from_dict(json.loads(text))
    card.due = card.due.astimezone(UTC)
    if card.last_review is not None:
        card.last_review = card.last_review.astimezone(UTC)
    return card


def card_to_json(card: fsrs.Card) -> str:
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


def as_read_back(card: fsrs.Card) -> fsrs.Card:
    """`card` exactly as `card_from_json(card_to_json(card))` gives it, without the round trip:
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


# --------------------------------------------------------------------------------------------------
# Applying reviews and events


def apply_review(
    prev: ItemState, review_id: int, rating: int, reviewed_at: datetime, content_hash: str,
    card_after: fsrs.Card,
) -> ItemState:
    """The state after review `review_id`: its card, one more rep, one more lapse for Again on a
    card in review, and the item's first review if it was new."""
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


def apply_event(prev: ItemState, action: str, until: datetime | None) -> ItemState:
    """The state after a suspend, unsuspend, bury (until `until`) or unbury event."""
    if action == "suspend":
        return _replace(prev, suspended=True)
    if action == "unsuspend":
        return _replace(prev, suspended=False)
    if action == "bury":
        return _replace(prev, buried_until=until)
    if action == "unbury":
        return _replace(prev, buried_until=None)
    raise ValueError(f"unknown event {action!r}")


def apply_mark(prev: ItemState, action: str, due: datetime | None) -> ItemState:
    """The state after a forget (back to new: no fsrs card and no first review, so it is
    introduced again as a new card; reps, lapses and the review log are kept) or a set due date
    (the card's due time replaced; a new item has none and is left as it is)."""
    if action == "forget":
        return _replace(prev, card=None, first_review=None)
    if action == "set_due":
        if prev.card is None or due is None:
            return prev
        card = copy_card(prev.card)
        card.due = due
        return _replace(prev, card=card)
    raise ValueError(f"unknown mark {action!r}")


def _replace(state: ItemState, **changes: Any) -> ItemState:
    values = {name: getattr(state, name) for name in ItemState.__slots__}
    values.update(changes)
    return ItemState(**values)


def state_row(state: ItemState, card_json: str | None = None) -> tuple[object, ...]:
    """The `items` row of `state` (`card_json`: its card's JSON, when already made)."""
    key, card = state.key, state.card
    return (
        key.deck_id, key.card_id, key.item, lkey(key.card_id, key.item),
        0 if card is None else int(card.state),
        None if card is None else card_json or card_to_json(card),
        None if card is None else to_us(card.due),
        None if card is None or card.last_review is None else to_us(card.last_review),
        None if card is None else card.stability,
        state.reps, state.lapses, int(state.suspended),
        None if state.buried_until is None else to_us(state.buried_until),
        None if state.first_review is None else to_us(state.first_review),
        state.last_review_id, state.last_hash,
    )


def state_from_row(row: tuple[Any, ...]) -> ItemState:
    (deck_id, card_id, item, card, reps, lapses, suspended, buried_us, first_us, last_id,
     last_hash) = row
    return ItemState(
        key=ItemKey(deck_id, card_id, item),
        card=None if card is None else card_from_json(card),
        reps=reps,
        lapses=lapses,
        suspended=bool(suspended),
        buried_until=None if buried_us is None else from_us(buried_us),
        first_review=None if first_us is None else from_us(first_us),
        last_review_id=last_id,
        last_hash=last_hash,
    )


ITEM_COLUMNS = (
    "deck_id, card_id, item, card, reps, lapses, suspended, buried_until_us, first_review_us, "
    "last_review_id, last_hash"
)

#: Whether review `r` (an alias of `reviews` in the query) was undone: SQL, and its negation,
#: the reviews that count.
UNDONE = "EXISTS (SELECT 1 FROM events e WHERE e.action = 'undo' AND e.review_id = r.id)"
NOT_UNDONE = f"NOT {UNDONE}"

UPSERT = (
    "INSERT OR REPLACE INTO items (deck_id, card_id, item, lkey, phase, card, due_us, "
    "last_review_us, stability, reps, lapses, suspended, buried_until_us, first_review_us, "
    "last_review_id, last_hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


# --------------------------------------------------------------------------------------------------
# Deriving from the logs


# Columns: kind, id, deck, card, item, rating, time or action, hash, card JSON, until or due,
# then the order: events first (they touch other fields than reviews, see `_derive_rows`), then
# reviews and marks interleaved, a mark right after the review it followed (`after_review`).
_LOG_SQL = f"""
SELECT 'r', r.id, r.deck_id, r.card_id, r.item, r.rating, r.reviewed_at, r.content_hash,
       r.card_after, NULL, 1, r.id, 0
FROM reviews r
WHERE {{where_r}}
  AND {NOT_UNDONE}
UNION ALL
SELECT 'e', e.id, e.deck_id, e.card_id, e.item, NULL, e.action, NULL, NULL, e.until, 0, e.id, 0
FROM events e
WHERE {{where_e}} AND e.action != 'undo'
{{marks}}
ORDER BY 3, 4, 5, 11, 12, 13, 2
"""

# Forget and set due date (schema 6): they change the fsrs card, so they fall among the reviews.
_MARKS_SQL = """
UNION ALL
SELECT 'm', m.id, m.deck_id, m.card_id, m.item, NULL, m.action, NULL, NULL, m.due, 1,
       m.after_review, 1
FROM marks m
WHERE {where_m} AND m.action IN ('forget', 'set_due')
  AND NOT EXISTS (SELECT 1 FROM marks u WHERE u.action = 'undo' AND u.undoes = m.id)
"""


def _log_sql(conn: sqlite3.Connection, where_r: str, where_e: str, where_m: str) -> str:
    """The log query; without the marks on a file older than schema 6 (none to read)."""
    has_marks = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                             "name = 'marks'").fetchone() is not None
    marks = _MARKS_SQL.format(where_m=where_m) if has_marks else ""
    return _LOG_SQL.format(where_r=where_r, where_e=where_e, marks=marks)


#: What reading a log row that was written by hand (or damaged) can raise: such a row is skipped
#: and reported by id (`bad`), never a crash of stats, log or rebuild.
UNREADABLE_ROW = (ValueError, KeyError, TypeError, AttributeError, OverflowError)


def _derive_rows(rows: list[tuple[Any, ...]],
                 bad: dict[int, str] | None = None) -> list[ItemState]:
    """Fold log rows (sorted by item, then kind, then id) into item states; a row that cannot be
    read is left out and listed in `bad` (review id -> why).

    Reviews and events touch disjoint fields (fsrs state vs suspended/buried), so applying each kind
    in its own id order gives the same result as interleaving them in time. Marks (forget, set
    due date) change the fsrs card: they come among the reviews, after the one they followed.
    """
    states: list[ItemState] = []
    current: ItemState | None = None
    for kind, rid, deck_id, card_id, item, rating, at, chash, card, until, *_order in rows:
        key = ItemKey(deck_id, card_id, item)
        if current is None or current.key != key:
            if current is not None:
                states.append(current)
            current = ItemState(key=key)
        try:
            if kind == "r":
                reviewed_at = datetime.fromisoformat(at).astimezone(UTC)
                current = apply_review(current, rid, rating, reviewed_at, chash,
                                       card_from_json(card))
            elif kind == "m":
                current = apply_mark(current, at, None if until is None
                                     else datetime.fromisoformat(until).astimezone(UTC))
            else:
                current = apply_event(current, at, None if until is None
                                      else datetime.fromisoformat(until).astimezone(UTC))
        except UNREADABLE_ROW as error:
            if bad is not None:
                what = {"r": "review", "m": "mark"}.get(kind, "event")
                bad[rid] = f"{what}: {error!r}"
    if current is not None:
        states.append(current)
    return states


def derive_all(conn: sqlite3.Connection,
               bad: dict[int, str] | None = None) -> list[ItemState]:
    """Every item's state, from the review and event logs alone (unreadable rows: `bad`)."""
    sql = _log_sql(conn, "1", "1", "1")
    return _derive_rows(conn.execute(sql).fetchall(), bad)


def derive_one(conn: sqlite3.Connection, key: ItemKey) -> ItemState | None:
    """One item's state, from the review and event logs alone; None when nothing about it
    remains (its row is then to be deleted)."""
    sql = _log_sql(conn, "r.deck_id = ? AND r.card_id = ? AND r.item = ?",
                   "e.deck_id = ? AND e.card_id = ? AND e.item = ?",
                   "m.deck_id = ? AND m.card_id = ? AND m.item = ?")
    params = (key.deck_id, key.card_id, key.item) * (3 if "FROM marks" in sql else 2)
    states = _derive_rows(conn.execute(sql, params).fetchall())
    return states[0] if states else None
