"""A study session: answering, undo, suspend and bury over the queue of what is due.

Used by the app and by the plain loop (`briefing_quiz.plain`) alike, so both follow the same rules.
The queue and its order are `core.study.queue`; progress statistics are `core.study.statistics`.

A leech is an item with at least `leech_lapses` lapses: it is still shown, with `QueueEntry.leech`
set. Before an entry is shown its stored state is read again, so an answer given meanwhile in
another window is respected rather than repeated.

Public API::

    StudySession(decks, store, config, *, clock, tz=None, seed=0, learn_ahead=timedelta(minutes=20))
    session.current: QueueEntry | None         # on screen; None after answer/suspend/bury
    session.next() -> QueueEntry | None        # advance; None when the session is done
    session.check(response) -> CheckResult | None    # auto-check the current entry (None: basic)
    session.preview() -> dict[Rating, timedelta]     # interval per grade for the current entry
    session.answer(rating, *, duration_ms, given=None, correct=None) -> SavedAnswer  # committed
    session.undo() -> QueueEntry | None        # undo last answer/suspend/bury; current again
    session.suspend() -> None; session.bury() -> None   # act on the current entry
    session.choice_order(entry) -> list[str]; session.order_items(entry) -> list[str]  # seeded,
        # anew at each showing of the item
    session.done: int; session.remaining: int; session.counts -> QueueCounts
    session.answered: list[SavedAnswer]; session.leeches: list[ItemKey]
    session.state(entry=None) -> ItemState | None    # stored state of an entry (default: current)

Building the queue of a large collection makes many objects and no reference cycles, so the
application layer pauses the garbage collector around `StudySession(...)`
(`services.gc_policy.paused_collector()`); the core leaves the collector alone.

Briefing sessions (`core.study.briefing_session.BriefingSession`) subclass `StudySession`: they
replace the queue (`_build`, `next`) and what it counts (`counts`) and keep everything else, so
their answers take the same path to the store.

`config` is anything with `for_deck(deck_id) -> SchedulerSettings` (normally `config.Config`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Literal, cast

import fsrs
from fsrs import Rating

from briefing_quiz.core import card_hash
from briefing_quiz.core.grading import CheckResult, check_answer, deck_year
from briefing_quiz.core.model import Card as DeckCard
from briefing_quiz.core.model import ClozeCard, Deck, ItemKey
from briefing_quiz.core.progress.store import ItemState, Store, to_us
from briefing_quiz.core.scheduler import Scheduler, fsrs_card_id, study_day_start
from briefing_quiz.core.study import fast_queue
from briefing_quiz.core.study.queue import (
    Kind,
    QueueCounts,
    QueueEntry,
    SettingsSource,
    StudyQueue,
    _Slot,
    next_day_start,
    shuffled_choices,
    shuffled_items,
)

__all__ = ["SavedAnswer", "StudySession"]

UTC = timezone.utc


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


@dataclass
class _Action:
    """Something `undo` can take back."""

    what: Literal["answer", "suspend", "bury", "mark"]
    slot: _Slot
    review_id: int | None = None
    requeued: _Slot | None = None
    mark_id: int | None = None  # a forget or set due date (`Store.marks`)


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
        due_only: bool = False,
    ) -> None:
        self.decks = list(decks)
        self.due_only = due_only  # what is due now only: no new items (`StudyQueue.build`)
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
        # Per item: the entry object last shown and how many showings came before it (`showing`).
        self._showings: dict[ItemKey, tuple[QueueEntry, int]] = {}
        self._queue = StudyQueue()
        self._build(start)
        # A stable "card i of n": n the distinct items queued at the start (a learning step
        # coming back is not a new card), i the current item's place among those shown.
        self._shown: dict[ItemKey, int] = {}
        self._planned = self.counts.total

    def _build(self, now: datetime) -> None:
        """Fill the queue (a subclass with another queue replaces this): counted from the
        store's keys and read in pages as cards are shown (`fast_queue`), else built whole."""
        lazy = fast_queue.build(self.decks, self._settings, self.store, now, self.tz,
                                due_only=self.due_only)
        if lazy is not None:
            self._queue = lazy
            return
        self._queue.build(self.decks, self._settings, self.store, now, self.tz,
                          due_only=self.due_only)

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
        c = dict(self._queue.counts)
        if self._current_slot is not None:
            c[self._current_slot.kind] += 1
        return QueueCounts(new=c["new"], learning=c["learning"], review=c["review"])

    @property
    def position(self) -> tuple[int, int]:
        """(i, n): the current item is the i-th distinct item of the session's n. n stays the
        same through the session (learning steps coming back do not add to it) unless items
        join it that were not queued at the start."""
        shown = len(self._shown)
        i = self._shown.get(self.current.key, shown) if self.current is not None else shown
        return max(i, 1), max(self._planned, shown)

    def next(self) -> QueueEntry | None:
        """Advance to the next item and return it (None when the session is done).

        An entry shown but not answered goes to the end of the queue (skipped for now).
        """
        if self._current_slot is not None:
            skipped = self._current_slot
            self._clear_current()
            self._queue.skip(skipped)
        now = self.clock()
        now_us = to_us(now)
        while True:
            slot = self._queue.pop(now_us, self._learn_ahead_us)
            if slot is None:
                return None
            entry = self._show(slot, now, now_us)
            if entry is not None:
                return entry

    def prefetch(self) -> None:
        """Read ahead, while the current card is shown, what the next `next()` would read from
        the store (a page of the queue); what it returns does not change."""
        self._queue.prefetch()

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
            kind = cast(Kind, state.phase)
            slot = slot._replace(kind=kind, due_us=due_us, last_review_id=state.last_review_id)
            if kind == "learning" and due_us > now_us:
                # Answered elsewhere and not due yet: it waits in the learning queue like any other
                # (learn-ahead applies only once nothing else is left).
                self._queue.push_learning(slot)
                return None
        entry = self._entry(slot, state)
        self.current, self._current_slot, self._current_state = entry, slot, state
        self._shown.setdefault(entry.key, len(self._shown) + 1)
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
            content_hash = card_hash.content_hash(card, slot.item)
            self._hash_of[key] = (card, content_hash)
        self._hashes[key] = content_hash
        changed = (state is not None and state.last_hash is not None
                   and state.last_hash != content_hash)
        kind = cast(Kind, "new" if state is None else state.phase)
        return QueueEntry(key=key, card=card, kind=kind, changed_since_seen=changed,
                          lapses=lapses, leech=threshold > 0 and lapses >= threshold,
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
        return check_answer(entry.card, entry.key.item, response,
                            context_year=deck_year(self._decks.get(entry.key.deck_id)))

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
            content_hash=self._hashes.get(key) or card_hash.content_hash(entry.card, key.item),
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
                self._queue.push_learning(requeued)
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

    def flag(self, note: str | None) -> None:
        """Flag the current entry with a note ("" for none; None takes the flag off); it stays
        current."""
        entry, _slot = self._require_current()
        self.store.marks.flag(entry.key, note, at=self.clock())

    def forget(self) -> None:
        """Put the current entry back to new (Anki's Forget; its history kept) and clear
        `current`; `undo` takes it back."""
        entry, slot = self._require_current()
        marked = self.store.marks.forget(entry.key, at=self.clock())
        self._remember(entry.key, marked.state)
        self._undo.append(_Action("mark", slot, mark_id=marked.mark_id))
        self._clear_current()

    def set_due(self, due: datetime) -> None:
        """Make the current entry due at `due` (Anki's Set Due Date) and clear `current`; a new
        entry has no schedule to move (StoreError, nothing changed); `undo` takes it back."""
        entry, slot = self._require_current()
        marked = self.store.marks.set_due(entry.key, due, at=self.clock())
        self._remember(entry.key, marked.state)
        self._undo.append(_Action("mark", slot, mark_id=marked.mark_id))
        self._clear_current()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> QueueEntry | None:
        """Take back the last answer (or suspend, bury, forget, set due date) of this session;
        its entry becomes current again, with its stored state as before. None: nothing to
        undo."""
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
                self._queue.drop_learning(action.requeued)
            self.answered = [a for a in self.answered if a.review_id != action.review_id]
        elif action.what == "suspend":
            self._remember(key, self.store.unsuspend(key, at=now))
        elif action.what == "mark":
            assert action.mark_id is not None
            self._remember(key, self.store.marks.undo(action.mark_id, at=now))
        else:
            self._remember(key, self.store.unbury(key, at=now))
        self._undo.pop()
        if self._current_slot is not None:
            self._queue.unpop(self._current_slot)
        state = self.store.get(key)
        entry = self._entry(action.slot, state)
        self.current, self._current_slot, self._current_state = entry, action.slot, state
        return entry

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

        self._queue.keep(kept)
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
        """The choices of a choice card in this session's shuffled order, a new one each time
        the item is shown ([] for other types). Answers are checked by the options' text, never
        by their position."""
        return shuffled_choices(self.seed, entry, self.showing(entry))

    def order_items(self, entry: QueueEntry) -> list[str]:
        """The items of an order card shuffled for this session and showing, never already in
        the right order ([] for other types)."""
        return shuffled_items(self.seed, entry, self.showing(entry))

    def showing(self, entry: QueueEntry) -> int:
        """How many times `entry`'s item was shown in this session before this showing. Every
        showing (`next`, `undo`, a re-read deck) makes a new entry object, so asking again about
        the same object is the same showing: the order stays put while the card is on screen."""
        known = self._showings.get(entry.key)
        if known is not None and known[0] is entry:
            return known[1]
        count = 0 if known is None else known[1] + 1
        self._showings[entry.key] = (entry, count)
        return count
