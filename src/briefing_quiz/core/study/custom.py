"""Custom study (Anki's "study by tag or search"): a session of the cards matching a tag and/or a
text, due or not, new ones included.

* `CustomSession` schedules as usual: every answer is a review, saved like any other (an early
  review of a card not due yet is what FSRS expects from a filtered session).
* `CramSession` leaves scheduling alone, like a mock test but self-graded and untimed: answers are
  kept in the session only (nothing is written), and a card graded Again comes back at the end of
  the queue until it is known. Suspend and bury still act on the store: they are explicit.

Both take the queue's place through `StudySession._build`; everything else (checking, undo of
suspend/bury, the screens and the plain loop) is the study session's. Order: items already
reviewed, most overdue first (by due date), then new items in deck order; suspended items are
left out, and so are buried ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, tzinfo

from fsrs import Rating

from briefing_quiz.core.model import Card, ClozeCard, Deck, ItemKey
from briefing_quiz.core.progress.store import Store, to_us
from briefing_quiz.core.study.queue import QueueEntry, SettingsSource, _Slot
from briefing_quiz.core.study.session import SavedAnswer, StudySession, _Action

__all__ = ["CramSession", "CustomFilter", "CustomSession", "card_matches"]


@dataclass(frozen=True)
class CustomFilter:
    """Which cards a custom session takes: with `tag` (exactly, case ignored) and containing
    `search` (in any text of the card, its id or tags, case ignored). Both None: every card."""

    tag: str | None = None
    search: str | None = None

    def describe(self) -> str:
        """'tag people, "troops"' for headers and messages."""
        parts = ([f"tag {self.tag}"] if self.tag else []) + (
            [f'"{self.search}"'] if self.search else [])
        return ", ".join(parts) or "every card"


def _texts(card: Card) -> list[str]:
    out: list[str] = [card.id, *card.tags]
    for f in fields(card):
        value = getattr(card, f.name)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, tuple):
            out.extend(v for v in value if isinstance(v, str))
    if isinstance(card, ClozeCard):
        out.extend(d.answer for d in card.deletions)
    return out


def card_matches(card: Card, wanted: CustomFilter) -> bool:
    """Whether `card` is in a custom session of `wanted`."""
    if wanted.tag and wanted.tag.casefold() not in {t.casefold() for t in card.tags}:
        return False
    if wanted.search:
        needle = wanted.search.casefold().strip()
        return any(needle in text.casefold() for text in _texts(card))
    return True


class CustomSession(StudySession):
    """A study session of the cards of `decks` matching `wanted`, scheduled as usual."""

    def __init__(self, decks: Sequence[Deck], store: Store, config: SettingsSource, *,
                 wanted: CustomFilter, clock: Callable[[], datetime], tz: tzinfo | None = None,
                 seed: int = 0, learn_ahead: timedelta = timedelta(minutes=20)) -> None:
        self.wanted = wanted
        super().__init__(decks, store, config, clock=clock, tz=tz, seed=seed,
                         learn_ahead=learn_ahead)

    #: Whether answers are saved as reviews (False: a cram session).
    records = True

    def _build(self, now: datetime) -> None:
        reviewed: list[tuple[int, _Slot]] = []
        new: list[_Slot] = []
        for deck in self.decks:
            states = self.store.states(deck.id)
            for card in deck.cards:
                if not card_matches(card, self.wanted):
                    continue
                cloze = isinstance(card, ClozeCard)
                for item in card.items:
                    state = states.get(ItemKey(deck.id, card.id, item))
                    if state is None or state.card is None:
                        new.append(_Slot(deck.id, card.id, item, "new", 0, None, cloze))
                    elif not state.suspended and not state.is_buried(now):
                        due_us = to_us(state.card.due)
                        # "review" even for a learning item: it is asked now, not when due.
                        reviewed.append((due_us, _Slot(deck.id, card.id, item, "review", due_us,
                                                       state.last_review_id, cloze)))
        reviewed.sort(key=lambda pair: pair[0])
        queue = self._queue
        queue.main.extend(slot for _due, slot in reviewed)
        queue.main.extend(new)
        queue.counts["review"] += len(reviewed)
        queue.counts["new"] += len(new)


class CramSession(CustomSession):
    """A custom session that writes no review: see the module docstring."""

    records = False

    def preview(self) -> dict[Rating, timedelta]:
        """Cram: Again brings the card back at the end of this session, the others end it."""
        return {rating: timedelta(0) for rating in Rating}

    def answer(self, rating: Rating, *, duration_ms: int, given: str | None = None,
               correct: bool | None = None) -> SavedAnswer:
        entry, slot = self._require_current()
        rating = Rating(rating)
        review_id = -1 - len(self._undo)  # never a stored review's id (those are positive)
        requeued: _Slot | None = None
        if rating == Rating.Again:
            requeued = slot
            self._queue.main.append(slot)
            self._queue.counts[slot.kind] += 1
        saved = SavedAnswer(review_id=review_id, key=entry.key, rating=rating, due=self.clock(),
                            kind=entry.kind, correct=correct)
        self.answered.append(saved)
        self._undo.append(_Action("answer", slot, review_id, requeued))
        self._clear_current()
        return saved

    def undo(self) -> QueueEntry | None:
        if not self._undo or self._undo[-1].what != "answer":
            return super().undo()  # suspend and bury were written: undone in the store
        action = self._undo.pop()
        if action.requeued is not None:
            self._queue.main.reverse()  # the last copy of that slot, which is the one appended
            self._queue.main.remove(action.requeued)
            self._queue.main.reverse()
            self._queue.counts[action.requeued.kind] -= 1
        self.answered = [a for a in self.answered if a.review_id != action.review_id]
        if self._current_slot is not None:
            self._queue.unpop(self._current_slot)
        state = self.store.get(ItemKey(action.slot.deck_id, action.slot.card_id,
                                       action.slot.item))
        entry = self._entry(action.slot, state)
        self.current, self._current_slot, self._current_state = entry, action.slot, state
        return entry
