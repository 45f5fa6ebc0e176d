"""Readiness of open cards: an open card's item counts its recall × the share of its points made
at its last review (made over asked, from the answer stored in the review log, checked again).

Why: FSRS already hears the suggested grade (Good, Hard, Again), but readiness is what a briefer
can say at the briefing; an argument recalled with two of its four points is half an argument.
A share of 1 (every point made) leaves the recall as it is; never reviewed: no value (0).
Checking the stored answer again (rather than storing the share) keeps the review log as it is
and follows the deck: a term added to a point counts for the answers already given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from briefing_quiz.core.model import Card, ItemKey, OpenCard
from briefing_quiz.core.open_answer import check_open
from briefing_quiz.core.progress.store import Store

__all__ = ["open_share", "weigh_open"]


def open_share(card: OpenCard, given: str | None) -> float:
    """The share of `card`'s points that the answer `given` makes (0 for no answer)."""
    result = check_open(card, given or "")
    return (result.in_place or 0) / len(card.points)


def weigh_open(cards: Iterable[Card], store: Store | None,
               values: Mapping[ItemKey, float]) -> dict[ItemKey, float]:
    """`values` (recall of each item) with every open card's item multiplied by its share of
    points made at its last review that was not undone (read from `store`)."""
    out = dict(values)
    if store is None:
        return out
    opened = {(c.deck_id, c.id): c for c in cards if isinstance(c, OpenCard)}
    for key, value in values.items():
        card = opened.get((key.deck_id, key.card_id))
        if card is None or not value:
            continue
        last = next((r for r in reversed(store.history(key)) if not r.undone), None)
        if last is not None:
            out[key] = value * open_share(card, last.given)
    return out
