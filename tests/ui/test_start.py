"""The app's start-up (issues 4 and 6): the first frame comes before any deck or store work."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
from collections.abc import Callable

import pytest
from textual import events
from textual.message import Message

from briefing_quiz.config import Config
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.backend import Loaded

from .conftest import FrozenClock, ready, screen_text, settle

MakeApp = Callable[..., QuizApp]


def test_the_app_module_leaves_the_core_to_the_store_thread() -> None:
    """What the command line imports to open the app: no deck model, store, loader, settings or
    scheduler (they cost tens of ms of CPU and are imported on the store thread when needed)."""
    code = (
        "import sys, briefing_quiz.cli\n"
        "from briefing_quiz.ui.app import run_app\n"
        "heavy = {'fsrs', 'tomli', 'sqlite3', 'briefing_quiz.config'}\n"
        "print(','.join(sorted(n for n in sys.modules\n"
        "                      if n in heavy or n.startswith('briefing_quiz.core.'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "briefing_quiz.core.errors"


async def test_decks_are_loaded_after_the_first_frame(make_app: MakeApp) -> None:
    """The store thread starts only once Textual has painted (its Ready event): its work holds
    the GIL and would delay the first frame."""
    order: list[str] = []
    lock = threading.Lock()
    app = make_app()
    load = app.backend.load_sync

    def logged_load() -> Loaded:
        with lock:
            order.append("load")
        return load()

    app.backend.load_sync = logged_load  # type: ignore[method-assign]

    def hook(message: Message) -> None:
        if isinstance(message, events.Ready):
            with lock:
                order.append("ready")

    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        await ready(pilot)
    assert order[:2] == ["ready", "load"]


def test_the_collector_is_paused_from_the_command_line_to_the_first_load(paths: Paths) -> None:
    """Start-up allocates much and frees little: no collections until the decks are loaded."""
    from briefing_quiz.cli import _app
    from briefing_quiz.ui.backend import Backend

    backend = Backend(paths, clock=FrozenClock(), seed=1)
    try:
        _app()
        assert not gc.isenabled()
        loaded = backend.load_sync()
        assert gc.isenabled()
        assert [d.id for d in loaded.decks] == ["mini"]
    finally:
        gc.enable()
        backend._close_sync()
        backend.shutdown()


async def test_a_listed_deck_opens_before_the_store_and_the_counts_are_ready(
        make_app: MakeApp) -> None:
    """Listed means openable: enter while the progress file is still being opened (and the
    counts are still to come) studies the deck once it is open."""
    from briefing_quiz.ui.screens.decks import DecksScreen
    from briefing_quiz.ui.screens.study import StudyScreen

    app = make_app()
    gate = threading.Event()
    open_store = app.backend.open_store_sync

    def slow_open() -> BriefingQuizError | None:
        gate.wait(10)
        return open_store()

    app.backend.open_store_sync = slow_open  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            await pilot.pause(0.01)
            decks = app.decks_screen
            if decks is not None and decks.loaded is not None:
                break
        assert isinstance(app.screen, DecksScreen) and app.backend.store is None
        assert "Counting…" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.screen, StudyScreen)
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        assert "What is the capital of Ukraine?" in screen_text(app)


@pytest.mark.parametrize(("text", "first", "last"), [
    ('theme = "nord"  # chosen in the palette\n[scheduler]\n', "nord", "nord"),
    ("theme = 'gruvbox'\n", "gruvbox", "gruvbox"),
    # An invalid file: the settings are ignored (and said so), the default theme comes back.
    ('theme = "nord"\nbogus = 1\n', "nord", "textual-dark"),
    ('[scheduler]\ntheme = "nord"\n', "textual-dark", "textual-dark"),
])
async def test_the_first_frame_has_the_theme_of_the_settings(make_app: MakeApp, paths: Paths,
                                                             text: str, first: str,
                                                             last: str) -> None:
    """Read from the file's text before the first frame; the settings, read after it, decide."""
    paths.config_file.write_text(text, encoding="utf-8")
    app = make_app()
    gate = threading.Event()
    load_config = app.backend.load_config_sync

    def slow_config() -> Config:
        gate.wait(10)
        return load_config()

    app.backend.load_config_sync = slow_config  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == first
        gate.set()
        await ready(pilot)
        assert app.theme == last
    assert paths.config_file.read_text(encoding="utf-8") == text  # nothing saved
