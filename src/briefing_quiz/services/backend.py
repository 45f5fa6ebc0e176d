"""The app's one door to the core: decks, settings, the progress store and study sessions.

SQLite connections belong to the thread that opened them (`Store` is one-per-thread), and opening or
reading a big store must never hold up a frame. So every call that touches the store runs on one
dedicated worker thread, in order: screens `await backend.call(fn, ...)`. Methods named `*_sync`
run on that thread and must only be called through `call`.

This module also holds what the core does not offer the UI directly (browse rows, next due
times); it composes core calls and never runs SQL or reads TOML itself. The core modules are
imported on the store thread when first needed, so that the first frame does not wait for them.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import partial
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from briefing_quiz.core.errors import BriefingQuizError, ConfigError, DeckError
from briefing_quiz.paths import Paths
from briefing_quiz.services.gc_policy import paused_collector, resume_after_start_up, settle_heap

if TYPE_CHECKING:
    # The model too is imported on the store thread: its ~20 ms of class building would
    # otherwise come before the first frame.
    from briefing_quiz.config import Config
    from briefing_quiz.core.deckfile.cache import DeckSummary
    from briefing_quiz.core.model import Card, Deck, ItemKey
    from briefing_quiz.core.progress.store import ItemState, ReviewRecord, Store
    from briefing_quiz.core.scheduler import Scheduler
    from briefing_quiz.core.study.custom import CustomFilter
    from briefing_quiz.core.study.session import StudySession
    from briefing_quiz.core.study.statistics import DeckStats
    from briefing_quiz.services.counts_summary import SummaryCounts

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CardRow:
    """One review item as the browse screen lists it."""

    key: ItemKey
    deck: Deck
    card: Card
    due: datetime | None
    stability: float | None
    recall: float | None
    lapses: int
    reps: int
    suspended: bool
    buried: bool
    phase: str  # "new", "learning", "review"
    flag: str | None = None  # the flag's note ("" for none), None: not flagged


@dataclass(slots=True)
class Loaded:
    """The result of loading decks (and, the first time, opening the store)."""

    decks: list[Deck]
    failures: list[DeckError]
    first_run: bool
    store_error: BriefingQuizError | None = None
    warnings: list[str] = field(default_factory=list)
    #: Lint warnings by deck id, counted after a reload the user asked for (`lint_counts_sync`).
    lint_warnings: dict[str, int] = field(default_factory=dict)
    #: The decks are the ones `list_sync` gave, with the same ids, titles and totals, in the
    #: same order, and none failed: the screen that listed them has nothing to redraw.
    as_listed: bool = False


@dataclass(slots=True)
class Listed:
    """The decks as the parse cache's summaries give them, before they are loaded."""

    decks: list[DeckSummary]
    first_run: bool
    #: Deck id -> its counts kept from the last count, where every key still matches
    #: (`services.counts_summary`): shown until the full count replaces them.
    counts: dict[str, SummaryCounts] = field(default_factory=dict)


class _Counted:
    """The last count, until `save_counts_summary_sync` keeps it (`services.counts_summary`).
    A plain class: this module is imported before the first frame, and a dataclass costs
    ~0.5 ms to build (timed)."""

    __slots__ = ("day_ends", "mark", "now", "orphaned", "stats")

    def __init__(self, mark: str | None, now: datetime, stats: list[DeckStats],
                 day_ends: dict[str, int], orphaned: frozenset[ItemKey]) -> None:
        self.mark = mark  # the progress file's log mark, read before counting
        self.now = now
        self.stats = stats
        self.day_ends = day_ends  # deck id -> the end of its study day, µs
        self.orphaned = orphaned  # stored items no loaded deck has: not counted


class Backend:
    """Core objects of one app run, used only from the store thread."""

    def __init__(self, paths: Paths, *, clock: Callable[[], datetime], seed: int,
                 tz: tzinfo | None = None) -> None:
        self.paths = paths
        self.clock = clock
        self.seed = seed
        self.tz = tz
        self._config: Config | None = None
        self.config_error: ConfigError | None = None
        self.store: Store | None = None
        #: Why the store could not be opened, once that was tried (`open_store_sync`).
        self.store_error: BriefingQuizError | None = None
        self.decks: list[Deck] = []
        self.failures: list[DeckError] = []
        self._listed: Listed | None = None  # what list_sync gave since the last load_sync
        # The counts summary's keys (`services.counts_summary`): the digest of each loaded
        # deck's bytes, of the settings file as read, and the last count's, until it is saved.
        self._deck_digests: dict[str, str] = {}
        self._settings_digest: str | None = None
        self._counted: _Counted | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefing-quiz-store")
        self._pending = 0

    # -- threading --------------------------------------------------------------------------------
    async def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `fn` on the store thread, after every call made before it."""
        self._pending += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, partial(fn, *args, **kwargs))
        finally:
            self._pending -= 1

    def call_within(self, seconds: float, fn: Callable[P, T], *args: P.args,
                    **kwargs: P.kwargs) -> T:
        """Run `fn` on the store thread, after every call made before it, and wait for it on
        this thread for at most `seconds` (then `TimeoutError`; `fn` still runs). For a small
        read a screen shows in the frame it is drawing (browse's search: ui/fast_browse.py):
        awaited, the frame timer would paint a frame without it and the next could come only
        17-33 ms later."""
        return self._executor.submit(partial(fn, *args, **kwargs)).result(timeout=seconds)

    @property
    def idle(self) -> bool:
        """No call is waiting for the store thread."""
        return self._pending == 0

    async def drain(self) -> None:
        """Wait until every call made so far has finished (tests, shutdown)."""
        await self.call(lambda: None)

    def shutdown(self) -> None:
        """Close the store on its own thread and stop the thread."""
        self._executor.submit(self._close_sync)
        self._executor.shutdown(wait=True)

    def _close_sync(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    # -- loading ----------------------------------------------------------------------------------
    def load_config_sync(self) -> Config:
        """Read the settings; an invalid file is reported and the defaults are used."""
        from briefing_quiz.config import Config, load_config
        from briefing_quiz.services.counts_summary import settings_digest

        self._settings_digest = settings_digest(self.paths.config_file)  # before: see there
        try:
            self._config = load_config(self.paths.config_file)
            self.config_error = None
        except ConfigError as error:
            self._config, self.config_error = Config(), error
        self._follow_parameters_sync()
        return self._config

    @property
    def config(self) -> Config:
        return self._config if self._config is not None else self.load_config_sync()

    @property
    def config_if_read(self) -> Config | None:
        """The settings once read (None before): for the UI thread, which must not read files."""
        return self._config

    def save_theme_sync(self, theme: str) -> None:
        from briefing_quiz.config import save_theme

        save_theme(self.paths.config_file, theme)

    def hold(self, until: threading.Event, timeout: float = 1.0) -> None:
        """Keep the store thread waiting (without the GIL) until `until` is set; every call made
        after this one waits too. The decks screen holds it while it paints the decks it just
        listed, so that what comes next (opening the store, counting) does not slow that frame.
        `timeout`: never longer, whatever happens to the screen."""
        self._executor.submit(until.wait, timeout)

    def list_sync(self) -> Listed | None:
        """The decks to list before they are loaded, from the summaries in the parse cache;
        None unless every deck file is unchanged since its entry was written (then the decks
        are listed once `load_sync` has loaded them). Imports neither the model nor the loader
        (10-40 ms of CPU on this path), reads no deck but to check its digest."""
        from briefing_quiz.core.deckfile.cache import DeckCache
        from briefing_quiz.core.deckfile.read import find_deck_files

        cache = DeckCache.at(self.paths.cache_dir)
        summaries = None if cache is None else cache.summaries(find_deck_files(self.paths.deck_dirs))
        self._listed = None if not summaries else Listed(
            sorted(summaries, key=lambda s: s.id), first_run=not self.paths.data_file.exists())
        if self._listed is not None and not self._listed.first_run:
            from briefing_quiz.services import counts_summary

            now = self.clock()
            self._listed.counts = counts_summary.read(
                self.paths.cache_dir, self.paths.data_file, self.paths.config_file,
                [(s.id, s.digest) for s in summaries or ()], now=now,
                zone=counts_summary.zone_key(self.tz, now))
        return self._listed

    def load_sync(self) -> Loaded:
        """(Re)load every deck from disk. The store is opened apart (`open_store_sync`): listing
        the decks does not need it. Ends the command line's start-up pause of the garbage
        collector, whether the load succeeds or not (`gc_policy.resume_after_start_up`)."""
        try:
            return self._load()
        finally:
            resume_after_start_up()

    def _load(self) -> Loaded:
        from briefing_quiz.core.deckfile import find_deck_files, load_decks
        from briefing_quiz.core.deckfile.cache import DeckCache
        from briefing_quiz.services import counts_summary
        from briefing_quiz.services.deck_digests import DigestsKept

        first_run = not self.paths.data_file.exists()

        # Unchanged decks come from the parse cache; an edited one is parsed again.
        # The counts summary's key: each deck's bytes as loaded (one more hash of them).
        cache = (None if self.paths.cache_dir is None else DigestsKept(self.paths.cache_dir)
                 if counts_summary.ENABLED else DeckCache(self.paths.cache_dir))
        with paused_collector():
            load = load_decks(find_deck_files(self.paths.deck_dirs), cache)
        self.decks = sorted(load.decks, key=lambda d: d.id)
        digests = cache.digests if isinstance(cache, DigestsKept) else {}
        self._deck_digests = {d.id: digests[real] for d in self.decks if d.path is not None
                              and (real := os.path.realpath(d.path)) in digests}
        self.failures = list(load.failures)
        listed, self._listed = self._listed, None
        as_listed = (listed is not None and not self.failures and listed.first_run == first_run
                     and [(s.id, s.title, s.items) for s in listed.decks]
                     == [(d.id, d.title, sum(len(c.items) for c in d.cards)) for d in self.decks])
        settle_heap()
        return Loaded(self.decks, self.failures, first_run, self.store_error, as_listed=as_listed)

    def lint_counts_sync(self) -> dict[str, int]:
        """The number of lint warnings of each loaded deck (`check --lint`), by deck id."""
        from briefing_quiz.services.checking import lint_counts

        return lint_counts(self.decks)

    def open_store_sync(self) -> BriefingQuizError | None:
        """Open the progress file unless it is open (again after a failure); why it cannot be."""
        if self.store is None:
            from briefing_quiz.core.progress.store import Store

            try:
                self.store = Store.open(self.paths.data_file)
                self.store_error = None
            except BriefingQuizError as error:
                self.store_error = error
            if self._config is not None:
                self._follow_parameters_sync()
        return self.store_error

    def start_check_sync(self) -> Callable[[], None] | None:
        """Start the open store's `quick_check` in its thread (`core.progress.soundness`), once
        the first counts are painted; what waits for it off the store thread, which stays free
        for the screens' calls meanwhile (None: no store)."""
        if self.store is None:
            return None
        self.store.soundness.begin()
        return self.store.soundness.wait

    def verify_store_sync(self) -> BriefingQuizError | None:
        """Start the open store's `quick_check` in its thread, if nothing did yet, and wait for
        it (`core.progress.soundness`: called once the first counts are painted, so that it
        does not slow them); a file that failed it is closed, and the error is kept as the
        opening's (studying is then off, as for a file that cannot be opened)."""
        from briefing_quiz.core.errors import StoreError

        if self.store is not None:
            try:
                self.store.require_sound()
            except StoreError as error:
                self.store.close()
                self.store, self.store_error = None, error
        return self.store_error

    def _follow_parameters_sync(self) -> None:
        """Once both the store is open and the settings read (whichever comes second), memory
        states are recomputed for decks whose FSRS parameters changed in the config since
        (`services.memory_states`): one query when none did. Not with an invalid config, whose
        stand-in defaults are not the user's parameters."""
        from briefing_quiz.services.memory_states import follow_parameters

        if self.store is None or self._config is None or self.config_error is not None:
            return
        try:
            follow_parameters(self.store, self._config, [d.id for d in self.decks],
                              now=self.clock())
        except BriefingQuizError as error:  # tried again at the next opening
            self.store_error = error

    def require_store(self) -> Store:
        """The open progress file; a readable error when it could not be opened."""
        if self.store is None:
            raise BriefingQuizError(f"the progress file {self.paths.data_file} could not be opened")
        return self.store

    def _scheduler(self, deck_id: str) -> Scheduler:
        from briefing_quiz.core.scheduler import Scheduler

        return Scheduler(self.config.for_deck(deck_id))

    # -- queries ----------------------------------------------------------------------------------
    def deck_stats_sync(self) -> list[DeckStats]:
        """Counts per loaded deck, as `briefing-quiz stats` computes them."""
        from briefing_quiz.core.study.queue import next_day_start
        from briefing_quiz.core.study.statistics import collect_stats
        from briefing_quiz.services.clock import local_zone
        from briefing_quiz.services.counts_summary import to_us
        from briefing_quiz.services.progress import banded

        now = self.clock()
        tz = self.tz if self.tz is not None else local_zone(now)
        # Read before counting: a write meanwhile makes the summary's mark old, not its counts.
        mark = None if self.store is None else self.store.count_keys.log_mark()
        report = collect_stats(self.decks, self.store, self.config, now=now, tz=tz)
        stats = banded(report, self.store, self.config)
        day_ends = {d.id: to_us(next_day_start(now, tz, self.config.for_deck(d.id).day_starts_at_hour))
                    for d in self.decks}
        self._counted = _Counted(mark, now, stats, day_ends, frozenset(report.orphaned))
        return stats

    def save_counts_summary_sync(self) -> None:
        """Keep the last count for the next launch (`services.counts_summary`), once shown."""
        from briefing_quiz.core.model import ItemKey
        from briefing_quiz.services import counts_summary

        counted, self._counted = self._counted, None
        if counted is None or not counts_summary.ENABLED:
            return
        changes = list(counted.day_ends.values())
        learning_due: dict[str, list[int]] = {}
        if self.store is not None and counted.mark is not None:
            now_us = counts_summary.to_us(counted.now)
            for deck_id, end_us in counted.day_ends.items():
                due, burial = self.store.count_keys.clock_changes(deck_id, now_us, end_us)
                learning_due[deck_id] = [at for card_id, item, at in due
                                         if ItemKey(deck_id, card_id, item) not in counted.orphaned]
                if burial is not None:
                    changes.append(burial)
        counts_summary.save(
            self.paths.cache_dir, self.paths.data_file, mark=counted.mark,
            settings=self._settings_digest if self.config_error is None else None,
            zone=counts_summary.zone_key(self.tz, counted.now), counted_at=counted.now,
            changes_us=changes, decks=self._deck_digests, stats=counted.stats,
            learning_due=learning_due)

    def card_rows_sync(self) -> list[CardRow]:
        """Every review item of every loaded deck, with its stored state."""
        from briefing_quiz.core.model import ItemKey
        from briefing_quiz.core.progress import browse_rows

        store = self.require_store()
        now = self.clock()
        if browse_rows.ENABLED:  # the columns browse shows, no card JSON decoded
            return self._card_rows_lean(store, now)
        states = store.states()
        flags = store.marks.flags()
        rows: list[CardRow] = []
        for deck in self.decks:
            scheduler = self._scheduler(deck.id)
            for card in deck.cards:
                for item in card.items:
                    key = ItemKey(deck.id, card.id, item)
                    flag = flags.get(key)
                    rows.append(self._row(key, deck, card, states.get(key), scheduler, now,
                                          None if flag is None else flag.note))
        return rows

    def _card_rows_lean(self, store: Store, now: datetime) -> list[CardRow]:
        """`card_rows_sync`'s rows from `Store.browse_states` (see `core/progress/browse_rows`)."""
        from briefing_quiz.core.model import ItemKey
        from briefing_quiz.core.progress.browse_rows import read_browse_states

        states = read_browse_states(
            store, now, {deck.id: self._scheduler(deck.id).recall_curve for deck in self.decks})
        flags = store.marks.flags()
        rows: list[CardRow] = []
        append = rows.append
        for deck in self.decks:
            deck_id, by_item = deck.id, states[deck.id]
            for card in deck.cards:
                card_id = card.id
                for item in card.items:
                    key = ItemKey(deck_id, card_id, item)
                    flag = flags.get(key) if flags else None
                    note = None if flag is None else flag.note
                    state = by_item.get((card_id, item))
                    if state is None:
                        append(CardRow(key, deck, card, None, None, None, 0, 0, False, False,
                                       "new", note))
                    else:
                        append(CardRow(key, deck, card, *state, note))
        return rows

    def card_row_sync(self, key: ItemKey) -> CardRow | None:
        store = self.require_store()
        deck = next((d for d in self.decks if d.id == key.deck_id), None)
        card = deck.card(key.card_id) if deck is not None else None
        if deck is None or card is None:
            return None
        flag = store.marks.flags(key.deck_id).get(key)
        return self._row(key, deck, card, store.get(key), self._scheduler(deck.id), self.clock(),
                         None if flag is None else flag.note)

    @staticmethod
    def _row(key: ItemKey, deck: Deck, card: Card, state: ItemState | None, scheduler: Scheduler,
             now: datetime, flag: str | None = None) -> CardRow:
        if state is None:
            return CardRow(key, deck, card, None, None, None, 0, 0, False, False, "new", flag)
        fsrs_card = state.card
        return CardRow(
            key, deck, card,
            due=state.due,
            stability=fsrs_card.stability if fsrs_card is not None else None,
            recall=scheduler.retrievability(fsrs_card, now) if fsrs_card is not None else None,
            lapses=state.lapses, reps=state.reps, suspended=state.suspended,
            buried=state.is_buried(now), phase=state.phase, flag=flag,
        )

    def history_sync(self, key: ItemKey) -> list[ReviewRecord]:
        return self.require_store().history(key)

    def set_suspended_sync(self, key: ItemKey, suspended: bool) -> None:
        store = self.require_store()
        if suspended:
            store.suspend(key, at=self.clock())
        else:
            store.unsuspend(key, at=self.clock())

    # -- Anki's everyday card actions (issue 18 item 4): flag, forget, set due date ----------------
    def flag_sync(self, key: ItemKey, note: str | None) -> None:
        """Flag `key` with `note` ("" for none); None takes the flag off."""
        self.require_store().marks.flag(key, note, at=self.clock())

    def flag_of_sync(self, key: ItemKey) -> str | None:
        """The note of `key`'s flag ("" for none); None when it is not flagged."""
        flag = self.require_store().marks.flags(key.deck_id).get(key)
        return None if flag is None else flag.note

    def forget_sync(self, key: ItemKey) -> None:
        """Back to new; the review history is kept."""
        self.require_store().marks.forget(key, at=self.clock())

    def read_due(self, key: ItemKey, text: str) -> datetime:
        """The due time `text` names for `key` (its deck's study-day start), never before now:
        DueDateError otherwise. Reads no file once the settings are read: also for the UI's echo."""
        from briefing_quiz.core.study.due_date import parse_due

        config = self.config_if_read
        hour = config.for_deck(key.deck_id).day_starts_at_hour if config is not None else 4
        return parse_due(text, now=self.clock(), tz=self.tz, day_starts_at_hour=hour)

    def set_due_sync(self, key: ItemKey, text: str) -> datetime:
        """Make `key` due when `text` says (`read_due`); the due time set."""
        due = self.read_due(key, text)
        self.require_store().marks.set_due(key, due, at=self.clock())
        return due

    def next_due_sync(self, deck_ids: Sequence[str], limit: int = 500) -> list[datetime]:
        """The next `limit` due times after now of the items of `deck_ids` (not suspended)."""
        store = self.require_store()
        now = self.clock()
        wanted = set(deck_ids)
        dues = [s.due for s in store.states().values()
                if s.key.deck_id in wanted and not s.suspended
                and s.due is not None and s.due > now]
        return sorted(dues)[:limit]

    def new_session_sync(self, deck_ids: Sequence[str] | None, due_only: bool = False,
                         custom: tuple[CustomFilter, bool] | None = None) -> StudySession:
        from briefing_quiz.core.study.session import StudySession

        decks = self.decks if deck_ids is None else [d for d in self.decks if d.id in deck_ids]
        store, config = self.require_store(), self.config
        with paused_collector():  # the queue's build: see gc_policy
            if custom is not None:  # custom study: (which cards, cram)
                from briefing_quiz.core.study.custom import CramSession, CustomSession

                kind = CramSession if custom[1] else CustomSession
                session: StudySession = kind(decks, store, config, wanted=custom[0],
                                             clock=self.clock, tz=self.tz, seed=self.seed)
            else:
                session = StudySession(decks, store, config, clock=self.clock, tz=self.tz,
                                       seed=self.seed, due_only=due_only)
        settle_heap()
        return session


