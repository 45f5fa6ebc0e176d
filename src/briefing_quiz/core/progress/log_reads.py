"""Reading the review log for statistics, calibration and the optimiser: lean rows, at full speed
when every row reads, and row by row otherwise, a row that cannot be read (written by hand,
damaged) named by id in `bad` and left out rather than failing the whole report."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, NamedTuple, TypeVar

from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.derive import NOT_UNDONE, UNREADABLE_ROW

__all__ = ["ReviewRow", "rating_log", "recall_log", "review_rows"]

T = TypeVar("T")
UTC = timezone.utc


class ReviewRow(NamedTuple):
    """One review of the log that counts (not undone), reduced to what statistics need."""

    id: int
    key: ItemKey
    rating: int  # fsrs.Rating value, 1 (Again) .. 4 (Easy)
    reviewed_at: datetime  # aware UTC
    duration_ms: int
    phase_after: int  # fsrs.State value of the item after this review


def _each_readable(rows: list[Any], make: Callable[[Any], T], bad: dict[int, str] | None) -> list[T]:
    """`make` of each row (its first column is the review's id), at full speed when every row
    reads; otherwise row by row, a row that cannot be read named in `bad` and left out."""
    try:
        return [make(row) for row in rows]
    except UNREADABLE_ROW:
        pass
    out: list[T] = []
    for row in rows:
        try:
            out.append(make(row))
        except UNREADABLE_ROW as error:
            if bad is not None:
                bad[row[0]] = f"review: {error!r}"
    return out


def rating_log(conn: sqlite3.Connection, deck_id: str | None = None,
               bad: dict[int, str] | None = None
               ) -> list[tuple[tuple[str, str, int], int, datetime]]:
    """((deck, card, item), rating, aware time) of the reviews that count, oldest first: what
    the FSRS optimiser reads (`core.study.fitting`), without parsing the stored states."""
    where, params = ("1", ()) if deck_id is None else ("r.deck_id = ?", (deck_id,))
    rows = conn.execute("SELECT r.id, r.deck_id, r.card_id, r.item, r.rating, r.reviewed_at FROM "
                        f"reviews r WHERE {where} AND {NOT_UNDONE} ORDER BY r.id", params).fetchall()
    parse = datetime.fromisoformat
    return _each_readable(rows, lambda r: ((r[1], r[2], r[3]), r[4], parse(r[5])), bad)


def recall_log(conn: sqlite3.Connection, deck_id: str, bad: dict[int, str] | None = None
               ) -> list[tuple[tuple[str, str, int], int, datetime, float | None, str | None]]:
    """(key, rating, time, stability after, last review after (ISO text)) of the reviews of
    `deck_id` that count, oldest first: what calibration reads, the state's two fields taken by
    SQLite's json_extract rather than a parsed state per review."""
    parse = datetime.fromisoformat
    rows = conn.execute(
        "SELECT r.id, r.deck_id, r.card_id, r.item, r.rating, r.reviewed_at, "
        "json_extract(r.card_after, '$.stability'), "
        "json_extract(r.card_after, '$.last_review') FROM reviews r "
        f"WHERE r.deck_id = ? AND {NOT_UNDONE} ORDER BY r.id", (deck_id,)).fetchall()
    return _each_readable(rows, lambda r: ((r[1], r[2], r[3]), r[4], parse(r[5]), r[6], r[7]),
                          bad)


def review_rows(conn: sqlite3.Connection, deck_id: str | None = None,
                bad: dict[int, str] | None = None) -> list[ReviewRow]:
    """The reviews that count (undone ones left out), oldest first, as lean `ReviewRow`s."""
    sql = ("SELECT r.id, r.deck_id, r.card_id, r.item, r.rating, r.reviewed_at, r.duration_ms, "
           f"r.card_after FROM reviews r WHERE {{where}} AND {NOT_UNDONE} ORDER BY r.id")
    params: tuple[str, ...] = ()
    where = "1"
    if deck_id is not None:
        where, params = "r.deck_id = ?", (deck_id,)
    rows = conn.execute(sql.format(where=where), params).fetchall()
    return _each_readable(rows, lambda r: ReviewRow(
        r[0], ItemKey(r[1], r[2], r[3]), r[4], datetime.fromisoformat(r[5]).astimezone(UTC), r[6],
        int(json.loads(r[7])["state"])), bad)
