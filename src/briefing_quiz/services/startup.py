"""The start-up sequence (and every reload of the decks): list, load, open the store, read the
settings, count. The order is the app's contract with the first frame (see `ui/app.py`):

1. list the decks from the parse cache's summaries, when every deck file is unchanged since it
   was cached (first load only; no deck is loaded, nor the loader imported, for that);
2. load the decks (the rows listed in step 1 can be acted on once this is done);
3. open the progress file;
4. tell the caller the decks are loaded (`decks_loaded`: `study DECK --briefing` starts here);
5. read the settings, once per run (the counts need them, the list of decks does not);
6. count each deck's progress, and once that is painted keep the counts for the next launch's
   listing (`services.counts_summary`: step 1 shows them when nothing they depend on changed);
7. once the counts are painted, start the progress file's `quick_check` in its thread and wait
   for it off the store thread (`core.progress.soundness`): a damaged file is then shown as one
   that cannot be opened. Started at step 3, it slowed step 6 (the disk, and the GIL between its
   pages); a write waits for it anyway, a read (a study session's build) need not.

Every step runs on the store thread (`Backend.call`); its work holds the GIL, so after each
listing is shown the store thread waits until that frame is painted (`Backend.hold`). What is
shown, and how, is the view's business: this module only says when.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from briefing_quiz.core.errors import BriefingQuizError

if TYPE_CHECKING:
    from briefing_quiz.config import Config
    from briefing_quiz.core.study.statistics import DeckStats
    from briefing_quiz.services.backend import Backend, Listed, Loaded


class DecksView(Protocol):
    """What shows the decks as they arrive (the UI's decks screen)."""

    #: The last load shown (None before the first): a reload when set.
    loaded: Loaded | None

    def show_reloading(self) -> None:
        """A reload has started."""

    def show_listed(self, listed: Listed) -> None:
        """The decks listed from the cache's summaries, before they are loaded."""

    def show_loaded(self, loaded: Loaded, stats: Sequence[DeckStats] | None = None) -> None:
        """The loaded decks (`stats`: their counts, once counted)."""

    def decks_usable(self) -> None:
        """The decks are loaded and the store's opening is the store thread's next work: an
        action asked for on the listing may run now (its calls come after the opening)."""

    def show_status(self, loaded: Loaded) -> None:
        """The progress file's state changed (`loaded.store_error`)."""

    def show_reloaded(self, loaded: Loaded) -> None:
        """A reload the user asked for is done (not called at start-up); `loaded.lint_warnings`
        holds each deck's number of lint warnings."""

    def show_count_error(self, error: BriefingQuizError) -> None:
        """The decks could not be counted."""

    def after_paint(self, callback: Callable[[], object]) -> None:
        """Call `callback` once what was just shown is painted."""


class StartUp:
    """The start-up sequence of one app run, and the reloads and recounts after it."""

    def __init__(self, backend: Backend, *, decks_loaded: Callable[[Loaded], object],
                 settings_read: Callable[[Config], object]) -> None:
        self.backend = backend
        self._decks_loaded = decks_loaded
        self._settings_read = settings_read
        self.settings: Config | None = None  # read once, before the first count

    async def load(self, view: DecksView, *, quiet: bool = True) -> None:
        """Load the decks (again) and count them, showing each step on `view`. `quiet`: no
        "reloaded" note (start-up)."""
        backend = self.backend
        listed = None
        if view.loaded is not None:
            view.show_reloading()
        else:
            listed = await backend.call(backend.list_sync)
            if listed is not None:
                view.show_listed(listed)
                self._hold_until_painted(view)
        loaded = await backend.call(backend.load_sync)
        view.show_loaded(loaded)
        if listed is None or not loaded.as_listed:
            # The store thread's next work (opening the store, reading the settings, counting)
            # holds the GIL: it waits until the listed decks are painted.
            self._hold_until_painted(view)
        # Nothing is awaited between this and the store's opening being submitted below, so
        # every store call an action makes from now on, by any screen, comes after it.
        view.decks_usable()
        store_error = await backend.call(backend.open_store_sync)
        if store_error is not loaded.store_error:
            loaded.store_error = store_error
            view.show_status(loaded)
        self._decks_loaded(loaded)
        if not quiet:
            # The lint runs on a reload only (the user is editing decks), never on start-up's path.
            loaded.lint_warnings = await backend.call(backend.lint_counts_sync)
            view.show_reloaded(loaded)
        if self.settings is None:
            self.settings = await backend.call(backend.load_config_sync)
            self._settings_read(self.settings)
        await self.count(view)  # ends once the counts' frame is painted
        wait = await backend.call(backend.start_check_sync)
        if wait is not None:  # off the store thread: a study asked for meanwhile need not wait
            await asyncio.to_thread(wait)
        store_error = await backend.call(backend.verify_store_sync)
        if store_error is not loaded.store_error:
            loaded.store_error = store_error
            view.show_status(loaded)

    async def count(self, view: DecksView) -> None:
        """Recount the loaded decks (after loading, studying or suspending; not re-read)."""
        loaded = view.loaded
        if loaded is None:
            return
        try:
            stats = await self.backend.call(self.backend.deck_stats_sync)
        except BriefingQuizError as error:
            view.show_count_error(error)
            return
        view.show_loaded(loaded, stats)
        # What comes next (the summary kept, the file's quick_check) waits for their frame.
        self._hold_until_painted(view)
        await self.backend.call(self.backend.save_counts_summary_sync)

    def _hold_until_painted(self, view: DecksView) -> None:
        painted = threading.Event()
        self.backend.hold(painted)
        view.after_paint(painted.set)
