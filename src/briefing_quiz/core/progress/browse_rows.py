"""Browse's stored states read lean: the columns browse shows, not every item's FSRS card JSON.

The plain path (`Store.states`, then `Backend.card_rows_sync`'s `_row`) reads every item row,
decodes its card JSON into an `fsrs.Card` (json, `Card.from_dict`, two ISO times parsed and
converted to UTC) and asks the deck's `Scheduler.retrievability` for its recall. Browse shows
only the due time, stability, recall, lapses, reps, suspended, buried and the phase, and `items`
keeps each of them in a column of its own (`derive.state_row` writes them with the JSON).

What it buys: `browse_states` reads those columns (`due_us`, `last_review_us`, `stability`,
`phase`, ...; no JSON), makes the due time a datetime from its microseconds (`derive.from_us`,
the same instant and zone as the JSON's, read back in UTC) and computes recall from stability
and the time since the last review as `Scheduler.retrievability` does (`fsrs_adapter.recall`
of the deck's `recall_curve`, the elapsed days from whole microseconds as
`fsrs_adapter.elapsed_days` takes them: the same floats). On the benchmark's 11,666 items
(`benchmarks/bench_browse.py`, the cold row) `Backend.card_rows_sync` 169.3 -> 70.1 ms median
(0.41x, 6 fresh processes each way, alternating; `benchmarks/README.md`, the browse bullet).

What it falls back to: the plain path, when switched off. A row whose JSON is damaged is read
by its columns here (the plain path refuses the whole file).

How to switch it off: `BRIEFING_QUIZ_NO_LEAN_BROWSE=1` in the environment (read at import), or
`ENABLED = False` at run time. `tests/services/test_browse_rows.py` checks that
`Backend.card_rows_sync` gives equal rows both ways on random stores (new, learning, review,
relearning, suspended, buried, flagged, forgotten, set-due items, cloze siblings, orphans), and
`tests/ui/test_fast_browse.py` that browse shows the same screen.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

import fsrs

from briefing_quiz.core.progress.derive import from_us, to_us

if TYPE_CHECKING:
    from briefing_quiz.core.progress.store import Store

__all__ = ["ENABLED", "SWITCH_OFF_VARIABLE", "LeanState", "browse_states", "read_browse_states"]

#: The environment variable that switches the lean read off ("1", or any value but "0").
SWITCH_OFF_VARIABLE = "BRIEFING_QUIZ_NO_LEAN_BROWSE"
#: Whether browse reads its states lean (read on every call: a test may flip it).
ENABLED: bool = os.environ.get(SWITCH_OFF_VARIABLE, "") in ("", "0")

#: (due, stability, recall, lapses, reps, suspended, buried, phase) of one stored item, in the
#: order and meaning of `services.backend.CardRow`'s fields of the same names.
LeanState = tuple[datetime | None, float | None, float | None, int, int, bool, bool, str]

_REVIEW = int(fsrs.State.Review)
_SQL = ("SELECT deck_id, card_id, item, card IS NULL, phase, due_us, last_review_us, stability, "
        "lapses, reps, suspended, buried_until_us FROM items")


def browse_states(conn: sqlite3.Connection, now: datetime,
                  curves: Mapping[str, tuple[float, float]]
                  ) -> dict[str, dict[tuple[str, int], LeanState]]:
    """Every stored item of the decks in `curves` (deck id -> its scheduler's `recall_curve`),
    by deck and then (card id, item), as browse shows it at `now`."""
    now_us = to_us(now)
    out: dict[str, dict[tuple[str, int], LeanState]] = {deck_id: {} for deck_id in curves}
    for (deck_id, card_id, item, new, phase, due_us, last_us, stability, lapses, reps,
         suspended, buried_us) in conn.execute(_SQL):
        by_item = out.get(deck_id)
        if by_item is None:  # an orphan's deck: browse does not list it
            continue
        buried = buried_us is not None and buried_us > now_us
        if new:
            by_item[(card_id, item)] = (None, None, None, lapses, reps, bool(suspended), buried,
                                        "new")
            continue
        if last_us is None or stability is None:
            recall = 0.0  # as `Scheduler.retrievability` of a card never reviewed
        else:
            factor, decay = curves[deck_id]
            # `fsrs_adapter.elapsed_days` and `recall`, inlined: the same operations in order.
            days = max(0.0, (now_us - last_us) / 1_000_000 / 86400.0)
            value: float = (1 + factor * max(0.0, days) / stability) ** decay
            recall = min(1.0, max(0.0, value))
        by_item[(card_id, item)] = (
            from_us(due_us), stability, recall, lapses, reps, bool(suspended), buried,
            "review" if phase == _REVIEW else "learning")
    return out


def read_browse_states(store: Store, now: datetime, curves: Mapping[str, tuple[float, float]]
                       ) -> dict[str, dict[tuple[str, int], LeanState]]:
    """`browse_states` in one read transaction of `store`."""
    return store._read(lambda conn: browse_states(conn, now, curves))  # the store's read
