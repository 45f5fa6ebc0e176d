"""Briefing mode over the progress store: targets, readiness of a stored deck and the briefing
session. The maths is in `core.study.readiness`; this module feeds it what the store holds.

What is here
------------
Every call touches the store, so the app runs them on its store thread: its screens call
`services.briefing` (services/briefing.py) through the backend, and that module calls these.

* `set_briefing(store, deck_id, text, now=now, tz=tz)` parses the typed text
  (`core.study.readiness.parse_target`), stores it as the deck's target and returns it (aware
  UTC), or raises `TargetError` / `TargetPassedError` (`BriefingQuizError`s; nothing is stored).
* `briefing_status(deck, store, config, now=now)`: None when the deck has no target, else a
  `BriefingStatus`: `.at`, `.countdown(now)` ("in 2 days 3 hours"), `.passed`, `.readiness` (a
  `core.study.readiness.Readiness`, None once the target has passed).
* `deck_readiness(deck, store, config, at)`: readiness at `at` from the stored states.
* `answer_times(store, deck)`: the user's median answer times per card type, from the deck's log.
* `BriefingSession(deck, store, config, clock=clock, tz=tz, seed=seed)` raises `NoTargetError`
  (no target) or `TargetPassedError`. It *is* a `StudySession` (same `next`, `check`, `preview`,
  `answer`, `undo`, `suspend`, `bury`, `choice_order`, `order_items`, `done`, `remaining`,
  `answered`), so the study screen drives it unchanged; answers are ordinary reviews. Extra:
  `session.readiness` now, `session.readiness_change` (the last step's effect, in probability),
  `session.trail` (readiness at the start and after each step), `session.target`,
  `session.threshold`, `session.choice` (the current item's `Choice`: `.gain`, `.seconds`,
  `.at_target`). When `next()` returns None, `session.stop_reason` says why ("ready", "nothing",
  "wait", "passed") and `session.stop_text()` says it in words. `remaining` counts the items still
  below the threshold at the target, so `done + remaining` may grow when an answer leaves its
  item below.

The briefing session
--------------------
Each `next()` ranks the deck's items with `core.study.briefing_rule.choose_next(..., limit=1)`:
expected gain in recall at the target per minute of study, using the user's own median answer
times from the deck's review log (`answer_times`) and updated with each answer of the session.
Recall there is readiness' own forecast: averaged over the stability scale the deck's reviews
showed when the session began (`core.study.forecast`), so the rule raises the figure it shows.
New items are candidates like any other (no daily new-card limit: the briefing is the deadline).
Suspended and buried items are left out, and so are the other gaps of a cloze card answered
within `min_gap` (its answer showed them); ordinary study's one-gap-a-day rule does not apply. It
stops when readiness reaches the threshold, when no item gains from being studied now, when every
item worth studying was answered within `min_gap` or waits for its day (`"wait"`, with
`resume_at`), or when the target time comes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Literal

from fsrs import Rating

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.model import Card, ClozeCard, Deck, ItemKey
from briefing_quiz.core.progress.store import ItemState, Store, to_us
from briefing_quiz.core.scheduler import Scheduler
from briefing_quiz.core.study.briefing_rule import AnswerTimes, Candidate, Choice, choose_next
from briefing_quiz.core.study.forecast import MemoryScale
from briefing_quiz.core.study.formatting import format_countdown, format_local, percent_text
from briefing_quiz.core.study.open_share import weigh_open
from briefing_quiz.core.study.queue import (
    QueueCounts,
    QueueEntry,
    SettingsSource,
    _Slot,
)
from briefing_quiz.core.study.readiness import (
    DEFAULT_THRESHOLD,
    Readiness,
    TargetPassedError,
    parse_target,
    summarize_readiness,
)
from briefing_quiz.core.study.session import SavedAnswer, StudySession
from briefing_quiz.core.study.statistics import calibration, readiness_band

__all__ = [
    "BriefingSession",
    "BriefingStatus",
    "NoTargetError",
    "StopReason",
    "answer_times",
    "briefing_status",
    "deck_readiness",
    "set_briefing",
]

UTC = timezone.utc
StopReason = Literal["ready", "nothing", "wait", "passed"]
#: How many of the deck's latest reviews give the user's answer times.
ANSWER_TIME_SAMPLES = 500


class NoTargetError(BriefingQuizError):
    """A briefing session was asked for a deck without a briefing time."""


def _how_to_set(deck_id: str) -> str:
    return f'briefing-quiz brief {deck_id} --at "YYYY-MM-DD HH:MM"'


# ------------------------------------------------------------------------------ targets, status


def set_briefing(store: Store, deck_id: str, text: str, *, now: datetime,
                 tz: tzinfo | None = None) -> datetime:
    """Parse `text` (see `core.study.readiness.parse_target`), store it as `deck_id`'s target,
    return it."""
    at = parse_target(text, now=now, tz=tz)
    store.set_briefing_target(deck_id, at, now=now)
    return at


def _item_values(deck: Deck, states: dict[ItemKey, ItemState], at: datetime,
                 scheduler: Scheduler, scale: MemoryScale) -> dict[ItemKey, float]:
    """Expected recall at `at` of every studied item of `deck` (never studied: left out): the
    point forecast averaged over `scale` (`core.study.forecast`)."""
    values: dict[ItemKey, float] = {}
    for key, state in states.items():
        if state.card is not None and deck.card(key.card_id) is not None:
            values[key] = scale.expected(scheduler.retrievability(state.card, at))
    return values


def deck_readiness(deck: Deck, store: Store, config: SettingsSource, at: datetime) -> Readiness:
    """Readiness of `deck` at `at` from the stored states (suspended items count like others),
    each item's forecast averaged over the stability scale the deck's reviews show, with its band
    (`statistics.readiness_band`) from the same reviews."""
    scheduler = Scheduler(config.for_deck(deck.id))
    fared = calibration(store.recall_log(deck.id), scheduler)
    values = _item_values(deck, store.states(deck.id), at, scheduler, fared.scale(scheduler))
    ready = summarize_readiness(deck.cards, weigh_open(deck.cards, store, values), at)
    return replace(ready, band=readiness_band(ready.overall, fared.reviews))


@dataclass(frozen=True)
class BriefingStatus:
    """A deck's briefing target as of `now`, with the readiness then (None once it has passed)."""

    deck_id: str
    at: datetime
    now: datetime
    readiness: Readiness | None

    @property
    def passed(self) -> bool:
        return self.at <= self.now

    def countdown(self, now: datetime | None = None, *, short: bool = False) -> str:
        """"in 2 days 3 hours" ("in 2d 3h" with `short`), or "3 hours ago" once passed."""
        delta = self.at - (self.now if now is None else now)
        text = format_countdown(delta, short=short)
        return f"in {text}" if delta > timedelta(0) else f"{text} ago"


def briefing_status(deck: Deck, store: Store | None, config: SettingsSource, *,
                    now: datetime) -> BriefingStatus | None:
    """The target of `deck` and its readiness; None when it has no target (or no store yet)."""
    target = None if store is None else store.briefing_target(deck.id)
    if target is None or store is None:
        return None
    ready = deck_readiness(deck, store, config, target) if target > now else None
    return BriefingStatus(deck.id, target, now, ready)


def answer_times(store: Store, deck: Deck, *, limit: int = ANSWER_TIME_SAMPLES) -> AnswerTimes:
    """The user's median answer times per card type, from the deck's latest `limit` reviews."""
    return AnswerTimes.from_samples(_duration_samples(store, deck, limit))


def _duration_samples(store: Store, deck: Deck, limit: int) -> list[tuple[str, float]]:
    samples: list[tuple[str, float]] = []
    for row in store.review_rows(deck.id)[-limit:] if limit > 0 else []:
        card = deck.card(row.key.card_id)
        if card is not None:
            samples.append((card.type, row.duration_ms / 1000.0))
    return samples


# --------------------------------------------------------------------------- briefing session


class BriefingSession(StudySession):
    """A study session for one deck's briefing: see the module docstring.

    `target` defaults to the stored one (NoTargetError when there is none); `threshold` is the
    readiness at which it stops by itself; `times` fixes the answer times (default: the user's,
    from the log, updated as the session goes). `tz` as for StudySession; also the zone of the
    times in `stop_text` (None: the machine's, so a target past a summer-time change shows right).
    """

    def __init__(
        self,
        deck: Deck,
        store: Store,
        config: SettingsSource,
        *,
        clock: Callable[[], datetime],
        tz: tzinfo | None = None,
        seed: int = 0,
        target: datetime | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        min_gap: timedelta = timedelta(minutes=10),
        times: AnswerTimes | None = None,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise BriefingQuizError(f"the readiness threshold must be above 0% and at most 100%, "
                                    f"not {threshold:.0%}")
        stored = target if target is not None else store.briefing_target(deck.id)
        if stored is None:
            raise NoTargetError(f"deck {deck.id!r} has no briefing time: set one with "
                                f"{_how_to_set(deck.id)}")
        # Set before StudySession.__init__, which calls `_build`.
        self.zone = tz  # for the times shown; None: the machine's zone, with each date's DST
        self.deck = deck
        self.target = stored.astimezone(UTC)
        self.threshold = threshold
        self.min_gap = min_gap
        self.stop_reason: StopReason | None = None
        self.resume_at: datetime | None = None
        self.choice: Choice | None = None
        self._fixed_times = times is not None
        self._samples = [] if times is not None else _duration_samples(
            store, deck, ANSWER_TIME_SAMPLES)
        self.times = times if times is not None else AnswerTimes.from_samples(self._samples)
        self._items: list[tuple[Card, ItemKey]] = [
            (card, ItemKey(deck.id, card.id, item)) for card in deck.cards for item in card.items]
        self._all: dict[ItemKey, ItemState] = {}
        self._values: dict[ItemKey, float] = {}
        self._below = QueueCounts(0, 0, 0)
        self.trail: list[float] = []
        # One's own reviews with a forecast, as the session begins: readiness' band (issue 13).
        # And the stability scale they show, which readiness averages over (forecast.py).
        own = Scheduler(config.for_deck(deck.id))
        fared = calibration(store.recall_log(deck.id), own)
        self.forecast_reviews = fared.reviews
        self.scale = fared.scale(own)
        super().__init__([deck], store, config, clock=clock, tz=tz, seed=seed)
        self.start_readiness = self.readiness

    # -- state ------------------------------------------------------------------------------------

    def _build(self, now: datetime) -> None:
        """Replaces the due-date queue: load every state of the deck and the readiness."""
        if self.target <= now:
            raise TargetPassedError(
                f"the briefing of {self.deck.id!r} ({format_local(self.target, self.zone)}) has "
                f"passed: set a new time with {_how_to_set(self.deck.id)}")
        self._reload(now)

    def _reload(self, now: datetime) -> None:
        self._version = self.store.data_version()
        self._states.clear()
        self._all = self.store.states(self.deck.id)
        self._values = _item_values(self.deck, self._all, self.target,
                                    self.scheduler(self.deck.id), self.scale)
        self._values = weigh_open(self.deck.cards, self.store, self._values)
        self._summarize(now)

    def _sync(self, now: datetime) -> None:
        """Re-read everything when another connection (another window) has committed."""
        if self.store.data_version() != self._version:
            self._reload(now)

    def _update(self, key: ItemKey, now: datetime) -> None:
        """After this session wrote `key`: read its state back and update the readiness."""
        if self.store.data_version() != self._version:
            self._reload(now)
            return
        state = self.store.get(key)
        if state is None:
            self._all.pop(key, None)
        else:
            self._all[key] = state
        if state is None or state.card is None:
            self._values.pop(key, None)
        else:
            self._values[key] = self.scale.expected(
                self.scheduler(key.deck_id).retrievability(state.card, self.target))
            self._values.update(weigh_open(self.deck.cards, self.store, {key: self._values[key]}))
        self._summarize(now)

    def _summarize(self, now: datetime) -> None:
        ready = summarize_readiness(self.deck.cards, self._values, self.target)
        self.readiness = replace(ready, band=readiness_band(ready.overall, self.forecast_reviews))
        self.trail.append(self.readiness.overall)
        counts = {"new": 0, "learning": 0, "review": 0}
        for _card, key in self._items:
            state = self._all.get(key)
            if state is not None and (state.suspended or state.is_buried(now)):
                continue
            if self._values.get(key, 0.0) < self.threshold:
                counts["new" if state is None else state.phase] += 1
        self._below = QueueCounts(counts["new"], counts["learning"], counts["review"])

    @property
    def readiness_change(self) -> float:
        """How much the last step (answer, undo, ...) changed readiness (0.0 before any)."""
        return self.trail[-1] - self.trail[-2] if len(self.trail) > 1 else 0.0

    @property
    def counts(self) -> QueueCounts:
        """Items still below the threshold at the target (not suspended or buried), by kind."""
        return self._below

    # -- the queue --------------------------------------------------------------------------------

    def next(self) -> QueueEntry | None:
        """The item that gains most per minute now; None when the session should stop (see
        `stop_reason`). An entry shown but not answered is simply ranked again."""
        self._clear_current()
        self.choice = None
        now = self.clock()
        self._sync(now)
        self.stop_reason, self.resume_at = None, None
        if now >= self.target:
            self.stop_reason = "passed"
            return None
        if self.readiness.overall >= self.threshold:
            self.stop_reason = "ready"
            return None
        # Cloze siblings: the answer to one gap shows the others, so a card one of whose items was
        # answered within `min_gap` waits as a whole.
        just: dict[str, datetime] = {}  # card id -> its latest review, if within min_gap
        for stored in self._all.values():
            last = stored.last_review
            if last is not None and now - last < self.min_gap:
                just[stored.key.card_id] = max(last, just.get(stored.key.card_id, last))
        recent = set(just)
        candidates = []
        for card, key in self._items:
            state = self._all.get(key)
            if state is not None and (state.suspended or state.is_buried(now)):
                continue
            if key.card_id in recent and (state is None or state.last_review is None
                                          or now - state.last_review >= self.min_gap):
                continue  # a sibling was just answered (the item itself: choose_next's min_gap)
            candidates.append(Candidate(key, card.type, None if state is None else state.card,
                                        card.weight))
        ranked = choose_next(candidates, self.target, now, scheduler=self.scheduler(self.deck.id),
                             times=self.times, limit=1, min_gap=self.min_gap,
                             scale=self.scale)
        if not ranked:
            if not just:
                self.stop_reason = "nothing"
                return None
            self.stop_reason, self.resume_at = "wait", min(just.values()) + self.min_gap
            return None
        best = ranked[0]
        if best.priority <= 0.0:
            memory = best.candidate.state
            if best.gain_if_waiting is not None and best.gain_if_waiting > 0.0 and (
                    memory is not None and memory.last_review is not None):
                self.stop_reason, self.resume_at = "wait", memory.last_review + timedelta(days=1)
            else:
                self.stop_reason = "nothing"
            return None
        return self._make_current(best)

    def _make_current(self, best: Choice) -> QueueEntry:
        key = best.candidate.key
        state = self._all.get(key)
        card = self.deck.card(key.card_id)
        assert card is not None
        fsrs_card = None if state is None else state.card
        kind = "new" if state is None else state.phase
        slot = _Slot(key.deck_id, key.card_id, key.item, kind,
                     0 if fsrs_card is None else to_us(fsrs_card.due),
                     None if state is None else state.last_review_id, isinstance(card, ClozeCard))
        entry = self._entry(slot, state)
        self.current, self._current_slot, self._current_state = entry, slot, state
        self.choice = best
        if entry.leech and entry.key not in self.leeches:
            self.leeches.append(entry.key)
        return entry

    # -- acting: the StudySession paths, then the readiness ---------------------------------------

    def answer(self, rating: Rating, *, duration_ms: int, given: str | None = None,
               correct: bool | None = None) -> SavedAnswer:
        """An ordinary review (`StudySession.answer`), then the readiness after it."""
        entry = self.current
        saved = super().answer(rating, duration_ms=duration_ms, given=given, correct=correct)
        if entry is not None and not self._fixed_times:
            self._samples.append((entry.card.type, duration_ms / 1000.0))
            self.times = AnswerTimes.from_samples(self._samples[-ANSWER_TIME_SAMPLES:])
        self._update(saved.key, self.clock())
        return saved

    def undo(self) -> QueueEntry | None:
        entry = super().undo()
        if entry is not None:
            self._update(entry.key, self.clock())
            self._current_state = self._all.get(entry.key)
        return entry

    def suspend(self) -> None:
        entry, _slot = self._require_current()
        super().suspend()
        self._update(entry.key, self.clock())

    def bury(self) -> None:
        entry, _slot = self._require_current()
        super().bury()
        self._update(entry.key, self.clock())

    def replace_deck(self, deck: Deck) -> QueueEntry | None:
        """`StudySession.replace_deck`, then the readiness over the new version's items."""
        if deck.id != self.deck.id:
            raise ValueError(f"deck {deck.id!r} is not this session's deck {self.deck.id!r}")
        self.deck = deck
        self._items = [(card, ItemKey(deck.id, card.id, item))
                       for card in deck.cards for item in card.items]
        entry = super().replace_deck(deck)
        self._reload(self.clock())
        if entry is None:
            self.choice = None
        return entry

    def stop_text(self) -> str:
        """Why the session stopped, in words (after `next()` returned None)."""
        percent = percent_text(self.readiness.overall)
        if self.stop_reason == "ready":
            return (f"readiness {percent} has reached the {self.threshold:.0%} threshold "
                    f"for {format_local(self.target, self.zone)}")
        if self.stop_reason == "passed":
            return "the briefing time has come"
        if self.stop_reason == "wait":
            when = "" if self.resume_at is None else (
                f"; come back after {format_local(self.resume_at, self.zone)}")
            return f"what is left to study gains more a little later{when}"
        if self.stop_reason == "nothing":
            return f"studying now would not raise readiness ({percent}) any further"
        return "the session is still going"
