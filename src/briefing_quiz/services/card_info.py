"""Card info (Anki's `i`): one item's memory state, history and forgetting curve.

`card_info_sync(backend, key)` runs on the store thread (`await backend.call(card_info_sync,
backend, key)`), like `services.briefing`: screens never read the store themselves. Recall comes
from the deck's scheduler (`Scheduler.retrievability`, and the curve's constants from
`Scheduler.recall_curve`, i.e. `core.fsrs_adapter.recall_curve`), so the numbers here are the
ones the statistics and the briefing rule use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from briefing_quiz.core.errors import BriefingQuizError

if TYPE_CHECKING:
    from briefing_quiz.core.model import Card, Deck, ItemKey
    from briefing_quiz.core.progress.store import ItemState, ReviewRecord
    from briefing_quiz.services.backend import Backend

__all__ = ["CURVE_POINTS", "CardInfo", "card_info_sync", "curve_points"]

#: Points of the forgetting curve drawn (enough for a smooth line 200 cells wide).
CURVE_POINTS = 120


@dataclass(frozen=True)
class CardInfo:
    """What card info shows about one review item, at `now`."""

    key: ItemKey
    deck: Deck
    card: Card
    state: ItemState | None  # None: never reviewed (new)
    now: datetime
    recall_now: float | None
    briefing_at: datetime | None
    recall_at_briefing: float | None
    history: list[ReviewRecord]
    #: (days since the last review, recall) from the last review to past the due date (or the
    #: briefing, whichever is later); empty while the item is new.
    curve: list[tuple[float, float]]
    #: The note of the item's flag ("" for none); None: not flagged.
    flag: str | None = None

    @property
    def stability(self) -> float | None:
        return None if self.state is None or self.state.card is None else self.state.card.stability

    @property
    def difficulty(self) -> float | None:
        return None if self.state is None or self.state.card is None else self.state.card.difficulty


def curve_points(stability: float, factor: float, decay: float, days: float,
                 points: int = CURVE_POINTS) -> list[tuple[float, float]]:
    """(t, recall) for t from 0 to `days`, recall = (1 + factor * t / stability) ** decay: the
    curve `recall_curve` describes, sampled in continuous time."""
    step = days / max(1, points - 1)
    return [(i * step, (1 + factor * (i * step) / stability) ** decay) for i in range(points)]


def card_info_sync(backend: Backend, key: ItemKey) -> CardInfo:
    """The card info of `key` now; BriefingQuizError when its deck or card is not loaded."""
    from briefing_quiz.core.scheduler import Scheduler

    deck = next((d for d in backend.decks if d.id == key.deck_id), None)
    card = deck.card(key.card_id) if deck is not None else None
    if deck is None or card is None:
        raise BriefingQuizError(f"{key} is not in the loaded decks")
    store = backend.require_store()
    now = backend.clock()
    state = store.get(key)
    history = store.history(key)
    briefing_at = store.briefing_target(key.deck_id)
    flag = store.marks.flags(key.deck_id).get(key)
    scheduler = Scheduler(backend.config.for_deck(key.deck_id))
    fsrs_card = state.card if state is not None else None
    recall_now = recall_then = None
    curve: list[tuple[float, float]] = []
    if fsrs_card is not None and fsrs_card.stability and fsrs_card.last_review is not None:
        recall_now = scheduler.retrievability(fsrs_card, now)
        if briefing_at is not None and briefing_at > now:
            recall_then = scheduler.retrievability(fsrs_card, briefing_at)
        end = max(fsrs_card.due, now, briefing_at or now)
        days = max((end - fsrs_card.last_review) / timedelta(days=1) * 1.25, 1.0)
        factor, decay = scheduler.recall_curve
        curve = curve_points(float(fsrs_card.stability), factor, decay, days)
    return CardInfo(key=key, deck=deck, card=card, state=state, now=now, recall_now=recall_now,
                    briefing_at=briefing_at, recall_at_briefing=recall_then, history=history,
                    curve=curve, flag=None if flag is None else flag.note)
