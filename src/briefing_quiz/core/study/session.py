"""A study session: the queue of what is due, answering, undo, suspend and bury; and progress stats.

Used by the app and by the plain loop (`briefing_quiz.plain`) alike, so both follow the same rules.

The queue, built when the session starts (times from the injected `clock`, days from
`study_day_start` in `tz` with each deck's `day_starts_at_hour`):

1. learning and relearning items that are due now, earliest first — they are checked before every
   card, so items that come due during the session come back in it;
2. review items due before the next study-day start, most overdue relative to their interval first
   ((now - due) / (due - last review));
3. new items in deck order, at most `new_cards_per_day` per deck, minus those introduced since the
   study day began;
4. when nothing else is left, learning items due within `learn_ahead` (20 minutes, as Anki).

Suspended and buried items are left out. Siblings: two items (cloze deletions) of one card are never
shown on the same study day — an item is skipped when another item of its card was reviewed since
the day began or is already in today's queue. Items whose card was removed from the deck
(orphans) are kept in the store but never shown. A leech is an item with at least `leech_lapses`
lapses: it is still shown, with `QueueEntry.leech` set. Before an entry is shown its stored state is
read again, so an answer given meanwhile in another window is respected rather than repeated.

Public API::

    StudySession(decks, store, config, *, clock, tz=None, seed=0, learn_ahead=timedelta(minutes=20))
    session.current: QueueEntry | None         # on screen; None after answer/suspend/bury
    session.next() -> QueueEntry | None        # advance; None when the session is done
    session.check(response) -> CheckResult | None    # auto-check the current entry (None: basic)
    session.preview() -> dict[Rating, timedelta]     # interval per grade for the current entry
    session.answer(rating, *, duration_ms, given=None, correct=None) -> SavedAnswer  # committed
    session.undo() -> QueueEntry | None        # undo last answer/suspend/bury; current again
    session.suspend() -> None; session.bury() -> None   # act on the current entry
    session.choice_order(entry) -> list[str]; session.order_items(entry) -> list[str]  # seeded
    session.done: int; session.remaining: int; session.counts -> QueueCounts
    session.answered: list[SavedAnswer]; session.leeches: list[ItemKey]
    session.state(entry=None) -> ItemState | None    # stored state of an entry (default: current)

    collect_stats(decks, store, config, *, now, tz, deck_id=None) -> StatsReport
    shuffled_choices(seed, entry) / shuffled_items(seed, entry)   # what choice_order/order_items use

Briefing sessions (`core.briefing_session.BriefingSession`) subclass `StudySession`: they replace
the queue (`next`) and keep everything else, so their answers take the same path to the store.

`config` is anything with `for_deck(deck_id) -> SchedulerSettings` (normally `config.Config`).
"""

from __future__ import annotations

import gc
import heapq
import random
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from functools import partial
from itertools import compress, count, repeat
from operator import itemgetter
from typing import Literal, NamedTuple, Protocol

import fsrs
from fsrs import Rating

from briefing_quiz.core.grading import CheckResult, check_answer
from briefing_quiz.core.model import Card as DeckCard
from briefing_quiz.core.model import ChoiceCard, ClozeCard, Deck, ItemKey, OrderCard
from briefing_quiz.core.progress.store import (
    DeckSnapshot,
    DueItem,
    ItemState,
    Store,
    lkey,
    to_us,
)
from briefing_quiz.core.scheduler import (
    Scheduler,
    SchedulerSettings,
    fsrs_card_id,
    study_day_start,
)
from briefing_quiz.core.study.readiness import Readiness, summarize_readiness

__all__ = [
    "DeckStats",
    "QueueCounts",
    "QueueEntry",
    "SavedAnswer",
    "SettingsSource",
    "StatsReport",
    "StudySession",
    "collect_stats",
    "next_day_start",
    "shuffled_choices",
    "shuffled_items",
]

UTC = timezone.utc
Kind = Literal["new", "learning", "review"]
_LEARNING = (int(fsrs.State.Learning), int(fsrs.State.Relearning))


class SettingsSource(Protocol):
    """What the session needs from the configuration (`config.Config` has it)."""

    def for_deck(self, deck_id: str) -> SchedulerSettings: ...


@dataclass(frozen=True)
class QueueEntry:
    """One item to show. `lapses`/`leech`/`due` describe its stored state when it was queued."""

    key: ItemKey
    card: DeckCard
    kind: Kind
    changed_since_seen: bool
    lapses: int = 0
    leech: bool = False
    due: datetime | None = None


@dataclass(frozen=True)
class SavedAnswer:
    """An answer that is committed to the progress file."""

    review_id: int
    key: ItemKey
    rating: Rating
    due: datetime
    kind: Kind = "new"
    correct: bool | None = None
    leech: bool = False


@dataclass(frozen=True)
class QueueCounts:
    """What is left in the session (the current entry included), by kind."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


class _Slot(NamedTuple):
    """A queued item, cheap to create in bulk; turned into a QueueEntry when it is shown."""

    deck_id: str
    card_id: str
    item: int
    kind: str
    due_us: int  # 0 for new items
    last_review_id: int | None
    cloze: bool  # a cloze card: its items are siblings


@dataclass
class _Action:
    """Something `undo` can take back."""

    what: Literal["answer", "suspend", "bury"]
    slot: _Slot
    review_id: int | None = None
    requeued: _Slot | None = None


_REVIEW = int(fsrs.State.Review)
_slot: Callable[[tuple[str, str, int, str, int, int | None, bool]], _Slot] = partial(
    tuple.__new__, _Slot)  # a _Slot from a tuple, without the cost of NamedTuple.__new__
_NO_ITEMS: frozenset[int] = frozenset()
# New items are first looked for among this many cards of a deck, by primary key.
_NEW_PROBE = 256


def next_day_start(now: datetime, tz: tzinfo, hour: int = 4) -> datetime:
    """The start of the study day after the one containing `now` (aware UTC)."""
    start = study_day_start(now, tz, hour)
    # A local day lasts 23 to 25 hours, so 25 hours after its start always falls in the next day.
    return study_day_start(start + timedelta(hours=25), tz, hour)


class StudySession:
    """A study session over `decks` (in the order given), reading and writing `store`."""

    def __init__(
        self,
        decks: Sequence[Deck],
        store: Store,
        config: SettingsSource,
        *,
        clock: Callable[[], datetime],
        tz: tzinfo | None = None,
        seed: int = 0,
        learn_ahead: timedelta = timedelta(minutes=20),
    ) -> None:
        self.decks = list(decks)
        self.store = store
        self.config = config
        self.clock = clock
        start = clock()
        # No tz given: the system's local zone at the clock's time (never reads the real clock).
        self.tz: tzinfo = tz if tz is not None else (start.astimezone().tzinfo or UTC)
        self.seed = seed
        self._learn_ahead_us = learn_ahead // timedelta(microseconds=1)
        self._decks = {d.id: d for d in self.decks}
        self._settings = {d.id: config.for_deck(d.id) for d in self.decks}
        self._schedulers: dict[str, Scheduler] = {}
        self.current: QueueEntry | None = None
        self._current_slot: _Slot | None = None
        self._current_state: ItemState | None = None
        self._hashes: dict[ItemKey, str] = {}  # content hashes of entries shown, by key
        # The card each hash was computed from: cards are immutable, and holding the card keeps
        # the identity check sound; a re-read deck (`replace_deck`) has new card objects.
        self._hash_of: dict[ItemKey, tuple[DeckCard, str]] = {}
        self._day_ends: dict[str, tuple[int, int]] = {}  # deck -> (day start, next day start)
        # States known to be current while no other connection commits (see `_state_of`).
        self._version = store.data_version()
        self._states: dict[ItemKey, ItemState | None] = {}
        self._untouched = True  # no other connection has committed since the queue was built
        self.answered: list[SavedAnswer] = []
        self.leeches: list[ItemKey] = []
        self._undo: list[_Action] = []
        self._learning: list[tuple[int, int, _Slot]] = []  # heap of (due_us, seq, slot)
        self._main: deque[_Slot] = deque()
        self._seq = 0
        self._counts = {"new": 0, "learning": 0, "review": 0}
        # Nothing built here forms a cycle; the collector would only rescan every loaded card.
        paused = gc.isenabled()
        gc.disable()
        try:
            self._build(start)
        finally:
            if paused:
                gc.enable()

    # -- queue ------------------------------------------------------------------------------------

    def _build(self, now: datetime) -> None:
        snaps: list[tuple[Deck, DeckSnapshot]] = []
        seen: dict[str, dict[str, frozenset[int]]] = {}
        for deck in self.decks:
            settings = self._settings[deck.id]
            hour = settings.day_starts_at_hour
            snap = self.store.snapshot(deck.id, now=now,
                                       due_before=next_day_start(now, self.tz, hour),
                                       day_start=study_day_start(now, self.tz, hour),
                                       new_limit=settings.new_cards_per_day,
                                       ranked=len(self.decks) > 1, with_blocked=False)
            snaps.append((deck, snap))
            seen[deck.id] = snap.seen_today
        # Learning first, then reviews, then new: an earlier kind wins a card's place for the day.
        claimed: dict[tuple[str, str], int] = {}  # (deck, card) -> the one item queued today
        if len(snaps) == 1:
            # One deck (the usual case): the same slots, made column-wise (see `_queued`).
            deck, snap = snaps[0]
            slots = _queued(deck, snap.learning, "learning", claimed, seen)
            # In (due, seq) order, so the list is already a valid heap: no heappush each.
            self._learning.extend(zip(map(_DUE_US, slots), count(self._seq + 1), slots))
            self._seq += len(slots)
            self._main.extend(_queued(deck, snap.reviews, "review", claimed, seen))
        else:
            learning = [_kept(deck, snap.learning) for deck, snap in snaps]
            reviews = [_kept(deck, snap.reviews) for deck, snap in snaps]
            for slot in _slots(snaps, learning, "learning"):
                if not slot.cloze or _claim(slot, claimed, seen):
                    self._seq += 1
                    self._learning.append((slot.due_us, self._seq, slot))
            self._main.extend([slot for slot in _slots(snaps, reviews, "review")
                               if not slot.cloze or _claim(slot, claimed, seen)])
        self._counts["learning"] += len(self._learning)
        self._counts["review"] = len(self._main)
        for deck, snap in snaps:
            limit = self._settings[deck.id].new_cards_per_day - snap.new_today
            if limit > 0:
                new = _new_slots(deck, limit, self._blocked(deck, now), snap.seen_today, claimed)
                self._main.extend(new)
                self._counts["new"] += len(new)

    def _blocked(self, deck: Deck, now: datetime) -> Iterator[tuple[DeckCard, frozenset[str]]]:
        """Each card of `deck` in order, with the lkeys of its items that cannot be new now.

        A day's new items are usually found among the first cards not studied yet, so the first
        cards are looked up by primary key; only if they are mostly studied (a deck learnt in
        order) is the whole deck's blocked set read, in one scan."""
        head = deck.cards[:_NEW_PROBE]
        blocked = self.store.blocked_among(deck.id, [card.id for card in head], now=now)
        for card in head:
            yield card, blocked
        if len(deck.cards) > _NEW_PROBE:
            blocked = self.store.blocked_among(deck.id, None, now=now)
            for card in deck.cards[_NEW_PROBE:]:
                yield card, blocked

    def _push_learning(self, slot: _Slot) -> None:
        self._seq += 1
        heapq.heappush(self._learning, (slot.due_us, self._seq, slot))
        self._counts["learning"] += 1

    def _pop(self, now_us: int) -> _Slot | None:
        if self._learning and self._learning[0][0] <= now_us:
            slot = heapq.heappop(self._learning)[2]
        elif self._main:
            slot = self._main.popleft()
        elif self._learning and self._learning[0][0] <= now_us + self._learn_ahead_us:
            slot = heapq.heappop(self._learning)[2]
        else:
            return None
        self._counts[slot.kind] -= 1
        return slot

    def _unpop(self, slot: _Slot) -> None:
        """Put a slot back at the front of the queue (learning slots go back to the heap)."""
        if slot.kind == "learning":
            self._push_learning(slot)
        else:
            self._main.appendleft(slot)
            self._counts[slot.kind] += 1

    # -- public: moving through the session --------------------------------------------------------

    @property
    def done(self) -> int:
        """Answers given in this session (undone ones not counted)."""
        return len(self.answered)

    @property
    def remaining(self) -> int:
        """Items still to answer in this session, the current one included."""
        return self.counts.total

    @property
    def counts(self) -> QueueCounts:
        c = dict(self._counts)
        if self._current_slot is not None:
            c[self._current_slot.kind] += 1
        return QueueCounts(new=c["new"], learning=c["learning"], review=c["review"])

    def next(self) -> QueueEntry | None:
        """Advance to the next item and return it (None when the session is done).

        An entry shown but not answered goes to the end of the queue (skipped for now).
        """
        if self._current_slot is not None:
            skipped = self._current_slot
            self._clear_current()
            if skipped.kind == "learning":
                self._push_learning(skipped)
            else:
                self._main.append(skipped)
                self._counts[skipped.kind] += 1
        now = self.clock()
        now_us = to_us(now)
        while True:
            slot = self._pop(now_us)
            if slot is None:
                return None
            entry = self._show(slot, now, now_us)
            if entry is not None:
                return entry

    def _show(self, slot: _Slot, now: datetime, now_us: int) -> QueueEntry | None:
        """Make `slot` current after re-reading its state. None (perhaps requeued) when it is no
        longer due: answered, suspended or buried meanwhile, e.g. in another window."""
        key = ItemKey(slot.deck_id, slot.card_id, slot.item)
        state = self._state_of(key, slot)
        if state is not None and (state.suspended or state.is_buried(now)):
            return None
        changed = state is not None and state.last_review_id != slot.last_review_id
        if changed and state is not None and state.card is not None:
            due_us = to_us(state.card.due)
            if due_us >= self._day_end_us(slot.deck_id, now_us, now):
                return None
            kind = "review" if state.card.state == fsrs.State.Review else "learning"
            slot = slot._replace(kind=kind, due_us=due_us, last_review_id=state.last_review_id)
            if kind == "learning" and due_us > now_us:
                # Answered elsewhere and not due yet: it waits in the learning queue like any other
                # (learn-ahead applies only once nothing else is left).
                self._push_learning(slot)
                return None
        entry = self._entry(slot, state)
        self.current, self._current_slot, self._current_state = entry, slot, state
        if entry.leech and entry.key not in self.leeches:
            self.leeches.append(entry.key)
        return entry

    def _entry(self, slot: _Slot, state: ItemState | None) -> QueueEntry:
        card = self._decks[slot.deck_id].card(slot.card_id)
        assert card is not None
        key = ItemKey(slot.deck_id, slot.card_id, slot.item)
        lapses = state.lapses if state is not None else 0
        threshold = self._settings[slot.deck_id].leech_lapses
        known = self._hash_of.get(key)
        if known is not None and known[0] is card:  # shown before (relearning): same card object
            content_hash = known[1]
        else:
            content_hash = card.content_hash(slot.item)
            self._hash_of[key] = (card, content_hash)
        self._hashes[key] = content_hash
        changed = (state is not None and state.last_hash is not None
                   and state.last_hash != content_hash)
        kind: Kind = "new" if state is None or state.card is None else (
            "review" if state.card.state == fsrs.State.Review else "learning")
        return QueueEntry(key=key, card=card, kind=kind, changed_since_seen=changed, lapses=lapses,
                          leech=threshold > 0 and lapses >= threshold,
                          due=None if state is None else state.due)

    def _state_of(self, key: ItemKey, slot: _Slot) -> ItemState | None:
        """The stored state of `key`, read only when it may have changed.

        While no other connection commits (`data_version` unchanged), the states this session
        wrote itself are current, and so is "no state" for an item queued as new; anything else
        is read from the store.
        """
        version = self.store.data_version()
        if version != self._version:
            self._version, self._untouched = version, False
            self._states.clear()
        if key in self._states:
            return self._states[key]
        if self._untouched and slot.kind == "new" and slot.last_review_id is None:
            return None
        state = self._states[key] = self.store.get(key)
        return state

    def _remember(self, key: ItemKey, state: ItemState | None) -> None:
        """Record a state this session has just committed. No need to ask `data_version` here:
        if another connection has committed since the states were read, `_state_of` sees the
        version change before it trusts any remembered state, and forgets them all."""
        self._states[key] = state

    def _day_end_us(self, deck_id: str, now_us: int, now: datetime) -> int:
        """Start of the next study day of `deck_id` after `now`, cached until it passes."""
        end = self._day_ends.get(deck_id)
        if end is None or not end[0] <= now_us < end[1]:
            hour = self._settings[deck_id].day_starts_at_hour
            end = (to_us(study_day_start(now, self.tz, hour)),
                   to_us(next_day_start(now, self.tz, hour)))
            self._day_ends[deck_id] = end
        return end[1]

    def _clear_current(self) -> None:
        self.current, self._current_slot, self._current_state = None, None, None

    def _require_current(self) -> tuple[QueueEntry, _Slot]:
        if self.current is None or self._current_slot is None:
            raise RuntimeError("no current card: call next() first")
        return self.current, self._current_slot

    def state(self, entry: QueueEntry | None = None) -> ItemState | None:
        """The stored state of `entry` (default: the current one); None while it is new."""
        if entry is None:
            entry, _slot = self._require_current()
            return self._current_state
        return self.store.get(entry.key)

    # -- public: acting on the current entry -------------------------------------------------------

    def scheduler(self, deck_id: str) -> Scheduler:
        """The scheduler of a deck, with the deck's settings."""
        sched = self._schedulers.get(deck_id)
        if sched is None:
            sched = self._schedulers[deck_id] = Scheduler(self._settings[deck_id])
        return sched

    def check(self, response: object) -> CheckResult | None:
        """Check `response` against the current entry (see `grading.check_answer`)."""
        entry, _slot = self._require_current()
        return check_answer(entry.card, entry.key.item, response)

    def preview(self) -> dict[Rating, timedelta]:
        """For each grade, the interval until the current entry would be due again."""
        entry, _slot = self._require_current()
        sched = self.scheduler(entry.key.deck_id)
        state = self._current_state
        card = state.card if state is not None and state.card is not None else None
        return sched.preview(card if card is not None else sched.new_card(fsrs_card_id(entry.key)),
                             self.clock())

    def answer(self, rating: Rating, *, duration_ms: int, given: str | None = None,
               correct: bool | None = None) -> SavedAnswer:
        """Grade the current entry. The review is committed to the store before this returns; on a
        StoreError nothing is saved and the entry stays current."""
        entry, slot = self._require_current()
        rating = Rating(rating)
        now = self.clock()
        sched = self.scheduler(entry.key.deck_id)
        key = entry.key

        def schedule(previous: fsrs.Card | None) -> fsrs.Card:
            base = previous if previous is not None else sched.new_card(fsrs_card_id(key))
            return sched.review(base, rating, now, duration_ms)

        recorded = self.store.record_review(
            key, rating, reviewed_at=now, duration_ms=duration_ms,
            content_hash=self._hashes.get(key) or entry.card.content_hash(key.item),
            schedule=schedule, given=given, correct=correct,
            known=(self._version, self._current_state))
        state = recorded.state
        self._remember(key, state)
        assert state.card is not None
        settings = self._settings[key.deck_id]
        requeued: _Slot | None = None
        if state.card.state != fsrs.State.Review:
            due_us = to_us(state.card.due)
            if due_us < self._day_end_us(key.deck_id, to_us(now), now):
                requeued = _Slot(key.deck_id, key.card_id, key.item, "learning", due_us,
                                 recorded.review_id, slot.cloze)
                self._push_learning(requeued)
        leech = settings.leech_lapses > 0 and state.lapses >= settings.leech_lapses
        if leech and key not in self.leeches:
            self.leeches.append(key)
        saved = SavedAnswer(review_id=recorded.review_id, key=key, rating=rating,
                            due=state.card.due, kind=entry.kind, correct=correct, leech=leech)
        self.answered.append(saved)
        self._undo.append(_Action("answer", slot, recorded.review_id, requeued))
        self._clear_current()
        return saved

    def suspend(self) -> None:
        """Suspend the current entry (it leaves study until unsuspended) and clear `current`."""
        entry, slot = self._require_current()
        self._remember(entry.key, self.store.suspend(entry.key, at=self.clock()))
        self._undo.append(_Action("suspend", slot))
        self._clear_current()

    def bury(self) -> None:
        """Hide the current entry until the next study-day start, and clear `current`."""
        entry, slot = self._require_current()
        now = self.clock()
        hour = self._settings[entry.key.deck_id].day_starts_at_hour
        self._remember(entry.key, self.store.bury(entry.key, next_day_start(now, self.tz, hour),
                                                  at=now))
        self._undo.append(_Action("bury", slot))
        self._clear_current()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> QueueEntry | None:
        """Take back the last answer (or suspend, or bury) of this session; its entry becomes
        current again, with its stored state exactly as before. None: nothing to undo."""
        if not self._undo:
            return None
        action = self._undo[-1]
        key = ItemKey(action.slot.deck_id, action.slot.card_id, action.slot.item)
        now = self.clock()
        if action.what == "answer":
            assert action.review_id is not None
            # Raises, changing nothing, when it cannot be undone (answered again elsewhere).
            self._remember(key, self.store.undo_review(action.review_id, at=now))
            if action.requeued is not None:
                self._drop_learning(action.requeued)
            self.answered = [a for a in self.answered if a.review_id != action.review_id]
        elif action.what == "suspend":
            self._remember(key, self.store.unsuspend(key, at=now))
        else:
            self._remember(key, self.store.unbury(key, at=now))
        self._undo.pop()
        if self._current_slot is not None:
            self._unpop(self._current_slot)
        state = self.store.get(key)
        entry = self._entry(action.slot, state)
        self.current, self._current_slot, self._current_state = entry, action.slot, state
        return entry

    def _drop_learning(self, slot: _Slot) -> None:
        for i, (_due, _seq, queued) in enumerate(self._learning):
            if queued is slot:
                self._learning.pop(i)
                heapq.heapify(self._learning)
                self._counts["learning"] -= 1
                return

    # -- public: a deck read again ---------------------------------------------------------------

    def replace_deck(self, deck: Deck) -> QueueEntry | None:
        """Use `deck`, a re-read version of one of this session's decks (same id), from now on:
        e.g. after the user edited its file. Progress is keyed by ids, so nothing stored changes.

        Queued items whose card (or cloze gap) is gone leave the queue, and so do undo steps on
        them. Returns the current entry rebuilt from the new card; None (and nothing current)
        when its card or gap is gone, or when nothing was current: call `next()`.
        """
        if deck.id not in self._decks:
            raise ValueError(f"deck {deck.id!r} is not in this session")
        self._decks[deck.id] = deck
        self.decks = [deck if d.id == deck.id else d for d in self.decks]

        def kept(slot: _Slot) -> bool:
            if slot.deck_id != deck.id:
                return True
            card = deck.card(slot.card_id)
            return card is not None and slot.item in card.items and (
                type(card) is ClozeCard) == slot.cloze

        self._main = deque(slot for slot in self._main if kept(slot))
        self._learning = [entry for entry in self._learning if kept(entry[2])]
        heapq.heapify(self._learning)
        self._counts = {"new": 0, "learning": len(self._learning), "review": 0}
        for slot in self._main:
            self._counts[slot.kind] += 1
        self._undo = [action for action in self._undo if kept(action.slot)]
        current = self._current_slot
        if current is None or current.deck_id != deck.id:
            return self.current
        if not kept(current):
            self._clear_current()
            return None
        self.current = self._entry(current, self._current_state)
        return self.current

    # -- public: seeded presentation order --------------------------------------------------------

    def choice_order(self, entry: QueueEntry) -> list[str]:
        """The choices of a choice card in this session's shuffled order ([] for other types)."""
        return shuffled_choices(self.seed, entry)

    def order_items(self, entry: QueueEntry) -> list[str]:
        """The items of an order card shuffled for this session, never already in the right order
        ([] for other types)."""
        return shuffled_items(self.seed, entry)


def shuffled_choices(seed: int, entry: QueueEntry) -> list[str]:
    """The choices of a choice card shuffled by `seed` ([] for other types); the same for the
    same seed and item (also used by mock tests)."""
    if not isinstance(entry.card, ChoiceCard):
        return []
    choices = list(entry.card.choices)
    random.Random(f"{seed}:{entry.key}:choices").shuffle(choices)
    return choices


def shuffled_items(seed: int, entry: QueueEntry) -> list[str]:
    """The items of an order card shuffled by `seed`, never already in the right order ([] for
    other types)."""
    if not isinstance(entry.card, OrderCard):
        return []
    right = list(entry.card.items_in_order)
    items = list(right)
    random.Random(f"{seed}:{entry.key}:order").shuffle(items)
    if items == right and len(set(right)) > 1:
        items = items[1:] + items[:1]  # a rotation of distinct items is never the identity
    return items


def _kept(deck: Deck, rows: list[DueItem]) -> list[DueItem]:
    """`rows` without orphans (items whose card, or cloze gap, is no longer in `deck`).

    The hot loop of a session start (a backlog can be thousands of rows): one dict lookup and a
    type check per row, nothing built but the list."""
    card_of = deck._by_id.get  # Deck.card without the method call per row (same dict)
    out: list[DueItem] = []
    keep = out.append
    for row in rows:
        card = card_of(row[0])
        if card is None:
            continue  # orphaned: the card was removed from the deck
        item = row[1]
        if item:
            if type(card) is not ClozeCard:
                continue  # orphaned: a non-cloze card has only item 0
            # `item in card.items` without building the sorted tuple for every row.
            for deletion in card.deletions:
                if deletion.number == item:
                    keep(row)
                    break
        elif type(card) is not ClozeCard:  # a cloze card's items are numbered from 1
            keep(row)
    return out


# By the type of what a card id looks up: False for no card or a cloze card (no item 0).
_NO_ITEM_0: dict[type, bool] = {type(None): False, ClozeCard: False}
_DUE_US = itemgetter(4)  # _Slot.due_us


def _queued(deck: Deck, rows: list[DueItem], kind: str, claimed: dict[tuple[str, str], int],
            seen: dict[str, dict[str, frozenset[int]]]) -> list[_Slot]:
    """The slots of one deck's due `rows` that join the queue, in the rows' order: what `_kept`,
    `_slots` and `_claim` give, column by column. A session start can have thousands of rows, and
    most are item 0 of a plain card: those are looked up, checked and turned into slots by
    builtins (map, zip, compress) without Python code per row; only cloze items (orphaned gaps,
    the sibling rule) are decided one by one."""
    if not rows:
        return []
    card_ids, items, dues, last_ids, _ranks = zip(*rows, strict=True)
    cards = list(map(deck._by_id.get, card_ids))  # Deck.card without a method call per row
    # Item 0 of a card in the deck that is not cloze: True; for now, the same for other items.
    keep = list(map(_NO_ITEM_0.get, map(type, cards), repeat(True)))
    deck_id = deck.id
    today = seen[deck_id]
    for i in [i for i, item in enumerate(items) if item]:
        keep[i] = False
        card, item = cards[i], items[i]
        if type(card) is not ClozeCard:
            continue  # orphaned: gone, or a non-cloze card (only item 0)
        # `item in card.items` without building the sorted tuple for every row.
        for deletion in card.deletions:
            if deletion.number == item:
                break
        else:
            continue  # orphaned: that gap is no longer in the card
        key = (deck_id, card_ids[i])  # the sibling rule, as `_claim`
        if claimed.get(key, item) != item:
            continue
        done = today.get(card_ids[i], _NO_ITEMS)
        if done and (len(done) > 1 or item not in done):
            continue
        claimed[key] = item
        keep[i] = True
    slots = map(_slot, zip(repeat(deck_id), card_ids, items, repeat(kind), dues, last_ids,
                           map(bool, items)))
    return list(compress(slots, keep))


def _slots(snaps: list[tuple[Deck, DeckSnapshot]], rows: list[list[DueItem]],
           kind: str) -> list[_Slot]:
    """Slots of every deck's kept rows of one kind, in queue order (by rank, then due time, then
    deck order and each deck's order). A kept row's item is non-zero exactly for cloze cards."""
    if len(rows) == 1:
        deck_id = snaps[0][0].id
        return [_slot((deck_id, card_id, item, kind, due_us, last_id, item != 0))
                for card_id, item, due_us, last_id, _rank in rows[0]]
    merged = heapq.merge(*[[(row, deck.id) for row in deck_rows]
                           for (deck, _snap), deck_rows in zip(snaps, rows, strict=True)],
                         key=_review_rank if kind == "review" else _due_rank)
    # heapq.merge is stable: ties keep deck order, and each deck's order.
    return [_slot((deck_id, card_id, item, kind, due_us, last_id, item != 0))
            for (card_id, item, due_us, last_id, _rank), deck_id in merged]


def _review_rank(pair: tuple[DueItem, str]) -> tuple[float, int]:
    rank = pair[0][4]
    assert rank is not None  # asked for (`ranked`) whenever several decks are merged
    return rank, pair[0][2]


def _due_rank(pair: tuple[DueItem, str]) -> int:
    return pair[0][2]


def _claim(slot: _Slot, claimed: dict[tuple[str, str], int],
           seen: dict[str, dict[str, frozenset[int]]]) -> bool:
    """Sibling rule for a cloze item: False when another item of its card was seen today or is
    already queued."""
    key = (slot.deck_id, slot.card_id)
    if claimed.get(key, slot.item) != slot.item:
        return False
    today = seen[slot.deck_id].get(slot.card_id, _NO_ITEMS)
    if today and (len(today) > 1 or slot.item not in today):
        return False
    claimed[key] = slot.item
    return True


def _new_slots(deck: Deck, limit: int, cards: Iterator[tuple[DeckCard, frozenset[str]]],
               seen_today: dict[str, frozenset[int]],
               claimed: dict[tuple[str, str], int]) -> list[_Slot]:
    """The first `limit` new items of `deck` in deck order, one per card (cloze siblings wait).
    `cards`: the deck's cards in order, each with (at least) the blocked lkeys of its items."""
    out: list[_Slot] = []
    deck_id = deck.id
    for card, blocked in cards:
        if type(card) is not ClozeCard:
            if card.id not in blocked:
                out.append(_Slot(deck_id, card.id, 0, "new", 0, None, False))
                if len(out) >= limit:
                    break
            continue
        if card.id in seen_today or (deck_id, card.id) in claimed:
            continue
        for item in card.items:
            if lkey(card.id, item) not in blocked:
                out.append(_Slot(deck_id, card.id, item, "new", 0, None, True))
                claimed[(deck_id, card.id)] = item
                break
        if len(out) >= limit:
            break
    return out


# ------------------------------------------------------------------------------------------------
# Stats


@dataclass(frozen=True)
class DeckStats:
    """Progress of one deck at `now`. Categories count items (a cloze card has one per deletion):
    new + learning + review + suspended == items."""

    deck_id: str
    title: str
    cards: int
    items: int
    new: int
    learning: int
    review: int
    due_now: int
    suspended: int
    buried: int
    leeches: int
    reviews_today: int
    mean_retrievability: float | None  # over reviewed items; None when none was reviewed
    briefing_at: datetime | None = None  # the deck's briefing target (aware UTC), if any
    readiness: Readiness | None = None   # at `briefing_at`, while it is to come

    def to_json(self) -> dict[str, object]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["briefing_at"] = None if self.briefing_at is None else self.briefing_at.isoformat()
        data["readiness"] = None if self.readiness is None else self.readiness.to_json()
        return data


@dataclass(frozen=True)
class StatsReport:
    decks: list[DeckStats]
    orphaned: list[ItemKey] = field(default_factory=list)  # stored items no loaded deck has


def collect_stats(decks: Sequence[Deck], store: Store | None, config: SettingsSource, *,
                  now: datetime, tz: tzinfo, deck_id: str | None = None) -> StatsReport:
    """Per-deck progress (`store` None: no progress file yet, everything is new). A deck with a
    briefing target still to come gets its readiness then (see `core.briefing`).

    Paid at every launch before the decks screen shows counts, so the store aggregates in SQL
    (`Store.stat_groups`) and Python touches only the item keys, to tell orphans apart.
    """
    targets = {} if store is None else store.briefing_targets()
    chosen = [d for d in decks if deck_id is None or d.id == deck_id]
    report: list[DeckStats] = []
    orphaned: list[ItemKey] = []
    counted: set[str] = set()  # a deck id listed twice: its stored items count for the first
    today: dict[datetime, dict[str, int]] = {}  # reviews since a day start, per deck
    for deck in chosen:
        settings = config.for_deck(deck.id)
        curve = Scheduler(settings).recall_curve
        day_start = study_day_start(now, tz, settings.day_starts_at_hour)
        day_end = next_day_start(now, tz, settings.day_starts_at_hour)
        cloze, cloze_ids, items = _deck_lkeys(deck)
        counts = {"new": items, "learning": 0, "review": 0, "suspended": 0}
        due_now = buried = leeches = recalled = 0
        recall_sum = 0.0
        target = targets.get(deck.id)
        upcoming = target is not None and target > now
        if store is not None and deck.id not in counted:
            counted.add(deck.id)
            summary = store.stat_summary(deck.id, now=now, day_end=day_end,
                                         leech_lapses=settings.leech_lapses, curve=curve)
            lost = _orphans(deck, cloze, cloze_ids, summary.lkeys)
            if lost:
                orphaned.extend(sorted(ItemKey(deck.id, *_split_lkey(key)) for key in lost))
                # Take the orphans' share back out: exact for counts, to rounding for recall.
                less = store.stat_summary(deck.id, now=now, day_end=day_end,
                                          leech_lapses=settings.leech_lapses, curve=curve,
                                          only=lost)
                for group, n in less.items.items():
                    summary.items[group] -= n
                summary = summary._replace(
                    due_now=summary.due_now - less.due_now, buried=summary.buried - less.buried,
                    leeches=summary.leeches - less.leeches,
                    recall_sum=summary.recall_sum - less.recall_sum,
                    recalled=summary.recalled - less.recalled)
            for (phase, suspended), n in summary.items.items():
                counts["new"] -= n  # stored: counted below by its phase
                counts["suspended" if suspended else "new" if not phase else
                       "learning" if phase in _LEARNING else "review"] += n
            due_now, buried, leeches = summary.due_now, summary.buried, summary.leeches
            recall_sum, recalled = summary.recall_sum, summary.recalled
        if settings.leech_lapses <= 0:
            leeches = 0
        readiness: Readiness | None = None
        if upcoming and target is not None:
            values = {} if store is None else store.recall_at(deck.id, target, curve)
            at_target = {ItemKey(deck.id, card_id, item): value
                         for (card_id, item), value in values.items()}
            readiness = summarize_readiness(deck.cards, at_target, target)
        report.append(DeckStats(
            deck_id=deck.id, title=deck.title, cards=len(deck.cards), items=items,
            new=counts["new"], learning=counts["learning"], review=counts["review"],
            due_now=due_now, suspended=counts["suspended"], buried=buried, leeches=leeches,
            reviews_today=_reviews_since(store, day_start, today).get(deck.id, 0),
            mean_retrievability=recall_sum / recalled if recalled else None,
            briefing_at=target, readiness=readiness))
    if store is not None and (deck_id is None or not chosen):
        # Decks with progress but no deck file loaded: every item of theirs is orphaned.
        for other in store.stored_decks():
            if other in counted or (deck_id is not None and other != deck_id):
                continue
            orphaned.extend(sorted(ItemKey(other, row.card_id, row.item)
                                   for row in store.stat_rows(other)))
    return StatsReport(decks=report, orphaned=orphaned)


def _deck_lkeys(deck: Deck) -> tuple[set[str], set[str], int]:
    """The lkeys of the deck's cloze items, the ids of its cloze cards, and how many items the
    deck has (any other card's one item has its card id as lkey)."""
    cloze_cards = [card for card in deck.cards if type(card) is ClozeCard]
    cloze = {f"{card.id}\x1f{d.number}" for card in cloze_cards
             for d in card.deletions}
    return cloze, {card.id for card in cloze_cards}, len(deck.cards) - len(cloze_cards) + len(cloze)


def _orphans(deck: Deck, cloze: set[str], cloze_ids: set[str], stored: list[str]) -> set[str]:
    """The stored lkeys that are no item of `deck` (`cloze`, `cloze_ids`: from `_deck_lkeys`),
    by set operations: no Python loop per item."""
    rest = set(stored)
    rest -= cloze
    # Left: an lkey that is no card id (an unknown card, or a cloze gap no card has), or the
    # id of a card that is now a cloze card (whose items are numbered from 1).
    return (rest - deck._by_id.keys()) | (rest & cloze_ids)


def _split_lkey(key: str) -> tuple[str, int]:
    card_id, _sep, item = key.partition("\x1f")
    return card_id, int(item) if item else 0


def _reviews_since(store: Store | None, start: datetime,
                   cache: dict[datetime, dict[str, int]]) -> dict[str, int]:
    if store is None:
        return {}
    if start not in cache:
        cache[start] = store.review_counts(start)
    return cache[start]
