"""The Textual app: screens, command palette and theme. Kept thin; screens live in `ui/screens/`.

The app gets `Paths` (and, for tests, a clock and a shuffle seed). The first frame shows the decks
screen at once; settings, decks and the progress file are read on the store thread (see
`services.backend`), in the order `services.startup` runs, and the screen fills in when they
arrive. Screens never import this module: they are given the backend and post messages (defined
in the screen that sends them) for what the app does: open screens, recount the decks, reload.

Start-up order: before the first frame only the settings' theme line is read (see
`peek_theme`), since the store thread's work (core imports, loading decks, opening the store)
holds the GIL and would delay that frame; then the decks are listed, from the parse cache's
summaries when every deck file is unchanged since it was cached (an action on a row then waits
for the load), else once loaded; then they are loaded, the progress file is opened, the
settings read, the decks counted (`services.startup`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Awaitable, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.notifications import SeverityLevel

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.paths import Paths
from briefing_quiz.services.backend import Backend, Loaded
from briefing_quiz.services.clock import Clock, utc_now
from briefing_quiz.services.startup import StartUp
from briefing_quiz.ui.commands import AppCommands
from briefing_quiz.ui.screens.decks import DecksScreen
from briefing_quiz.ui.text import clean

if TYPE_CHECKING:
    from briefing_quiz.config import Config
    from briefing_quiz.core.study.custom import CustomFilter
    from briefing_quiz.ui.screens.briefing import TargetScreen
    from briefing_quiz.ui.screens.browse import BrowseScreen
    from briefing_quiz.ui.screens.summary import SummaryScreen

# A top-level `theme = "name"` line (see peek_theme).
_THEME_LINE = re.compile(
    r"""\s*(?:theme|"theme"|'theme')\s*=\s*(?:"(?P<basic>[^"\\\n]*)"|'(?P<literal>[^'\n]*)')"""
    r"""\s*(?:#.*)?""")


def peek_theme(config_file: Path) -> str | None:
    """The theme named in the settings file, read from its text alone, so that the first frame
    is drawn in it: the settings module and a TOML parser would cost tens of ms before that
    frame. The full read after it has the last word (an invalid file means the default)."""
    from briefing_quiz.core.files import read_regular

    try:  # a FIFO or a device as --config is refused here too, not waited on
        text = read_regular(config_file, 1024 * 1024).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for line in text.splitlines():
        if line.lstrip().startswith("["):
            return None  # top-level keys come before any table
        match = _THEME_LINE.fullmatch(line)
        if match is not None:
            return (match.group("basic") or match.group("literal") or "").strip() or None
    return None


async def _while_shown(decks: DecksScreen, steps: Awaitable[None]) -> None:
    """Run start-up or recount steps that show their results on the decks screen. At exit the
    screen's widgets are removed before its workers are cancelled, so a step that finishes on
    the store thread in between finds no table to show itself in: nothing is lost then, and the
    rest is dropped. A missing widget while the table is still there is a real error."""
    try:
        await steps
    except NoMatches:
        if decks.query("#decks-table"):
            raise


class QuizApp(App[int]):
    """briefing-quiz."""

    TITLE = "briefing-quiz"
    CSS_PATH = "app.tcss"
    COMMANDS: ClassVar = {AppCommands}  # the screen's, the tools', then Textual's commands
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", show=False),
    ]

    def __init__(self, paths: Paths, *, clock: Clock = utc_now,
                 seed: int | None = None, tz: tzinfo | None = None,
                 briefing: str | None = None, threshold: float | None = None,
                 mock_test: tuple[str, int] | None = None, study: Sequence[str] = (),
                 custom: tuple[list[str] | None, CustomFilter, bool] | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.initial_study = tuple(study)  # `study DECK...`: study these decks once loaded
        self.initial_custom = custom  # `study --tag/--search [--cram]`: (decks, filter, cram)
        # `study DECK --briefing` / `--test N`: a briefing session or a mock test on DECK once
        # the decks are loaded.
        self.initial_briefing = briefing
        self.briefing_threshold = threshold
        self.initial_test = mock_test
        # Shuffles are seeded per run: stable within a session, different between runs (so the
        # position of the right choice is never something to learn). Tests pass a fixed seed.
        self.seed = random.SystemRandom().randrange(2**31) if seed is None else seed
        self.backend = Backend(paths, clock=clock, seed=self.seed, tz=tz)
        self.startup = StartUp(self.backend, decks_loaded=self.decks_loaded,
                               settings_read=self.apply_settings)
        self._theme_loaded = False
        self._default_theme = self.theme
        self._peeked_theme: str | None = None

    # -- start and stop ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        self._peeked_theme = peek_theme(self.paths.config_file)
        if self._peeked_theme in self.available_themes:
            self.theme = self._peeked_theme
        self.push_screen(DecksScreen(self.backend))

    def on_ready(self) -> None:
        """The first frame is painted (Textual's Ready): start loading."""
        decks = self.decks_screen
        if decks is not None:
            # Queued behind the screen's own messages (its first paint, when Textual deferred
            # it), not behind its next refresh: that waited for the 60 fps update timer.
            decks.call_later(self.load_decks, quiet=True)

    # The decks screen owns the workers that show it steps: they end with it (at exit, say)
    # instead of showing a step on a screen that is gone.
    def load_decks(self, *, quiet: bool = False) -> None:
        """Load the decks from disk (again) and count them (`services.startup`)."""
        decks = self.decks_screen
        if decks is not None:
            decks.run_worker(_while_shown(decks, self.startup.load(decks, quiet=quiet)),
                             group="load-decks", exclusive=True)

    def recount(self) -> None:
        """Count the decks again (their progress changed: studied, suspended, a new target)."""
        decks = self.decks_screen
        if decks is not None:
            decks.run_worker(_while_shown(decks, self.startup.count(decks)), group="refresh-stats")

    def apply_settings(self, config: Config) -> None:
        """The settings are read (once, before the first count): their theme, or the default
        with a note when the theme or the file is not valid."""
        if config.theme and config.theme in self.available_themes:
            self.theme = config.theme
        else:
            if config.theme:
                self.notify(f"Unknown theme {config.theme!r} in the settings; using the "
                            "default.", severity="warning")
            if self._peeked_theme is not None and self.theme == self._peeked_theme:
                self.theme = self._default_theme  # the file turned out invalid: defaults
        self._theme_loaded = True
        if config.keys:  # the user's own keys ([keys], briefing_quiz/keymap.py)
            self.set_keymap(dict(config.keys))

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        # The settings check each screen's own keys; a clash left is with a widget's keys.
        # A binding with several keys (u,ctrl+z) given one is reported clashing with itself.
        others = [b for b in clashed_bindings if b.id is None or b.id not in self._keymap]
        if not others:
            return
        names = ", ".join(sorted(b.description or b.action for b in others))
        self.notify(f"Your [keys] take a key that {names} also uses; yours wins here.",
                    severity="warning", timeout=6)

    async def on_unmount(self) -> None:
        self.backend.shutdown()

    @property
    def decks_screen(self) -> DecksScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, DecksScreen):
                return screen
        return None

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification is plain text: messages quote paths, errors and card text."""
        super().notify(clean(message), title=clean(title), severity=severity, timeout=timeout,
                       markup=False)

    def action_help_quit(self) -> None:
        """ctrl+c: say how to quit. Textual's own says it with markup ('[b]...[/b]'), which this
        app's plain-text notifications would print as typed."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(f"Press {key} to quit the app", title="Do you want to quit?")
                return

    # -- theme ------------------------------------------------------------------------------------
    def watch_theme(self, theme: str) -> None:
        if self._theme_loaded:
            self.remember_theme(theme)

    @work(exclusive=True, group="save-theme")
    async def remember_theme(self, theme: str) -> None:
        try:
            await self.backend.call(self.backend.save_theme_sync, theme)
        except (BriefingQuizError, OSError, ValueError) as error:
            self.notify(f"The theme could not be saved: {error}", severity="error")

    # -- what the screens ask for (messages up) ----------------------------------------------------
    @on(DecksScreen.StudyRequested)
    def _study_requested(self, message: DecksScreen.StudyRequested) -> None:
        self.start_study(message.deck_ids, due_only=message.due_only, custom=message.custom)

    @on(DecksScreen.BrowseRequested)
    def _browse_requested(self) -> None:
        self.open_browse()

    @on(DecksScreen.StatsRequested)
    def _stats_requested(self, message: DecksScreen.StatsRequested) -> None:
        self.open_stats(message.deck_id)

    @on(DecksScreen.TargetRequested)
    def _target_requested(self, message: DecksScreen.TargetRequested) -> None:
        self.open_target(message.deck_id)

    @on(DecksScreen.BriefingRequested)
    def _briefing_requested(self, message: DecksScreen.BriefingRequested) -> None:
        self.start_briefing(message.deck_id)

    @on(DecksScreen.MockTestRequested)
    def _mock_test_requested(self, message: DecksScreen.MockTestRequested) -> None:
        self.open_mock_test(message.deck_id)

    @on(DecksScreen.ReloadRequested)
    def _reload_requested(self) -> None:
        self.load_decks(quiet=False)

    # Handled by name, not with @on: that would import these screens, and the core with them,
    # before the first frame (see test_start.py).
    def on_summary_screen_closed(self, message: SummaryScreen.Closed) -> None:
        self.recount()

    def on_browse_screen_closed(self, message: BrowseScreen.Closed) -> None:
        self.recount()

    def on_target_screen_changed(self, message: TargetScreen.Changed) -> None:
        self.recount()

    # -- navigation -------------------------------------------------------------------------------
    def action_help(self) -> None:
        from briefing_quiz.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            config = self.backend.config_if_read
            self.push_screen(HelpScreen(config.keys if config is not None else None))

    def start_study(self, deck_ids: Sequence[str] | None, *, due_only: bool = False,
                    custom: tuple[CustomFilter, bool] | None = None) -> None:
        from briefing_quiz.ui.screens.study import StudyScreen

        self.push_screen(StudyScreen(self.backend, deck_ids, due_only=due_only, custom=custom))

    def open_browse(self) -> None:
        from briefing_quiz.ui.screens.browse import BrowseScreen

        self.push_screen(BrowseScreen(self.backend))

    def decks_loaded(self, loaded: Loaded) -> None:
        """After each load: the first starts what the command line asked for."""
        custom, self.initial_custom = self.initial_custom, None
        if custom is not None:
            self.start_study(custom[0], custom=(custom[1], custom[2]))
            return
        study, self.initial_study = self.initial_study, ()
        if study and set(study) <= {d.id for d in loaded.decks}:
            self.start_study(list(study))
        briefing, self.initial_briefing = self.initial_briefing, None
        test, self.initial_test = self.initial_test, None
        deck_id = briefing if briefing is not None else (test[0] if test is not None else None)
        if deck_id is None:
            return
        if deck_id not in {d.id for d in loaded.decks}:
            known = ", ".join(d.id for d in loaded.decks) or "none"
            self.notify(f"No deck {deck_id!r} (decks: {known}).", severity="error", timeout=10)
            return
        if test is not None:
            self.open_mock_test(deck_id, test[1])
        else:
            self.start_briefing(deck_id)

    def start_briefing(self, deck_id: str) -> None:
        from briefing_quiz.ui.screens.briefing import start_briefing

        self.run_worker(start_briefing(self, self.backend, deck_id, self.briefing_threshold),
                        group="briefing-start", exclusive=True)

    def open_target(self, deck_id: str) -> None:
        from briefing_quiz.ui.screens.briefing import TargetScreen

        title = next((d.title for d in self.backend.decks if d.id == deck_id), deck_id)
        self.push_screen(TargetScreen(self.backend, deck_id, title))

    def open_mock_test(self, deck_id: str, n: int | None = None) -> None:
        from briefing_quiz.ui.screens.mock_test import DEFAULT_QUESTIONS, MockTestScreen

        self.push_screen(MockTestScreen(self.backend, deck_id,
                                        DEFAULT_QUESTIONS if n is None else n))

    def open_stats(self, deck_id: str | None) -> None:
        from briefing_quiz.ui.screens.stats import StatsScreen

        self.push_screen(StatsScreen(self.backend, deck_id))


def run_app(paths: Paths, *, briefing: str | None = None, threshold: float | None = None,
            mock_test: tuple[str, int] | None = None, study: Sequence[str] = (),
            custom: tuple[list[str] | None, CustomFilter, bool] | None = None) -> int:
    """Run the app until the user quits; the exit code for the CLI. `briefing`: open a briefing
    session on that deck at once (`threshold`: its readiness goal); `mock_test`: (deck, N), a
    mock test of N questions; `study`: study these decks at once (ids the CLI checked);
    `custom`: a custom study or cram session of the matching cards."""
    app = QuizApp(paths, briefing=briefing, threshold=threshold, mock_test=mock_test, study=study,
                  custom=custom)
    result = app.run()
    return 0 if result is None else int(result)
