"""The app's start-up (issues 4 and 6): the first frame comes before any deck or store work."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import timezone
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.message import Message
from textual.pilot import Pilot

from briefing_quiz.paths import Paths
from briefing_quiz.services.backend import Loaded
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.decks import DecksScreen
from briefing_quiz.ui.screens.study import StudyScreen
from tests.conftest import FrozenClock
from tests.ui.conftest import MINI_DECK, hold, mock_question, press, ready, screen_text, settle

MakeApp = Callable[..., QuizApp]


def test_the_app_module_leaves_the_core_to_the_store_thread() -> None:
    """What the command line imports to open the app: no deck model, store, loader, settings or
    scheduler (they cost tens of ms of CPU and are imported on the store thread when needed).
    `core.visible` is the table of stand-ins for control characters the UI's text cleaning and the
    command line's output filter share (it was part of ui/text.py before)."""
    code = (
        "import sys, briefing_quiz.cli\n"
        "from briefing_quiz.ui.app import run_app\n"
        "heavy = {'fsrs', 'tomli', 'sqlite3', 'briefing_quiz.config'}\n"
        "print(','.join(sorted(n for n in sys.modules\n"
        "                      if n in heavy or n.startswith('briefing_quiz.core.'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "briefing_quiz.core.errors,briefing_quiz.core.visible"


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


async def test_a_listed_deck_opens_before_the_store_and_the_counts_are_ready(
        make_app: MakeApp) -> None:
    """Listed means openable: enter while the progress file is still being opened (and the
    counts are still to come) studies the deck once it is open."""
    from briefing_quiz.ui.screens.decks import DecksScreen
    from briefing_quiz.ui.screens.study import StudyScreen

    app = make_app()
    gate = hold(app, "open_store_sync")
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
    gate = hold(app, "load_config_sync")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == first
        gate.set()
        await ready(pilot)
        assert app.theme == last
    assert paths.config_file.read_text(encoding="utf-8") == text  # nothing saved


# -- the first listing from the parse cache's summaries ----------------------------------------------

@pytest.fixture
def cached(paths: Paths, tmp_path: Path) -> Paths:
    """The test paths with a parse cache, in which the decks were loaded once already."""
    from briefing_quiz.core.deckfile import find_deck_files, load_decks
    from briefing_quiz.core.deckfile.cache import DeckCache

    cached = dataclasses.replace(paths, cache_dir=tmp_path / "cache")
    assert load_decks(find_deck_files(cached.deck_dirs), DeckCache(tmp_path / "cache")).decks
    return cached


def held_load(app: QuizApp) -> threading.Event:
    """Hold the store thread's full load of the decks until the returned event is set."""
    return hold(app, "load_sync")


async def listed(pilot: Pilot[int]) -> DecksScreen:
    """Wait until the decks screen lists the decks from the summaries."""
    app = pilot.app
    assert isinstance(app, QuizApp)
    for _ in range(200):
        await pilot.pause(0.01)
        decks = app.decks_screen
        if decks is not None and decks.listed is not None:
            return decks
    raise AssertionError("no listing from the summaries")


# The mini deck's row before its counts: 7 review items (its cloze card has two).
MINI_LISTED = re.compile(r"^  mini +… +… +… +7 +… +… +Mini deck: one card of each type$", re.M)


async def test_a_deck_listed_from_its_summary_opens_once_it_is_loaded(
        cached: Paths, clock: FrozenClock) -> None:
    app = QuizApp(cached, clock=clock, seed=7, tz=timezone.utc)
    gate = held_load(app)
    async with app.run_test(size=(100, 30)) as pilot:
        decks = await listed(pilot)
        await pilot.pause()
        assert decks.loaded is None and not app.backend.decks  # not loaded yet
        text = screen_text(app)
        assert MINI_LISTED.search(text) and "Counting…" in text
        assert "Welcome to briefing-quiz!" in text  # no progress file yet
        assert app.focused is not None and app.focused.id == "decks-table"
        await pilot.press("enter")
        await pilot.pause(0.05)
        assert isinstance(app.screen, DecksScreen)  # waiting for the load
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        assert "What is the capital of Ukraine?" in screen_text(app)
        assert decks.loaded is not None and decks.stats  # counted behind the study screen


async def test_an_edited_deck_is_listed_once_loaded(cached: Paths, deck_dir: Path,
                                                    clock: FrozenClock) -> None:
    """An edit that keeps the size (and the mtime) makes the summary stale: the content
    digest tells, and the decks are listed from the load as without a cache."""
    mini = deck_dir / "mini.toml"
    info = mini.stat()
    mini.write_text(MINI_DECK.replace("each type", "each kind"), encoding="utf-8")
    os.utime(mini, ns=(info.st_atime_ns, info.st_mtime_ns))
    app = QuizApp(cached, clock=clock, seed=7, tz=timezone.utc)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        decks = app.decks_screen
        assert decks is not None and decks.listed is None
        await settle(pilot)
        assert re.search(r"^  mini +7 +0 +0 +7 .*Mini deck: one card of each kind$",
                         screen_text(app), re.M)
    # The load wrote the edited deck's entry: the next start lists it from its summary.
    app = QuizApp(cached, clock=clock, seed=7, tz=timezone.utc)
    held_load(app).set()
    async with app.run_test(size=(100, 30)) as pilot:
        decks = await listed(pilot)
        assert [s.title for s in decks.listed.decks] == [  # type: ignore[union-attr]
            "Mini deck: one card of each kind"]


async def test_a_listed_deck_that_fails_to_load_ends_among_the_failures(
        cached: Paths, deck_dir: Path, tmp_path: Path, clock: FrozenClock) -> None:
    """The file changed between the listing and the load: it is then a failure, its row goes,
    and an action asked for on it meanwhile is dropped."""
    from briefing_quiz.core.deckfile import load_deck
    from briefing_quiz.core.deckfile.cache import DeckCache

    other = deck_dir / "other.toml"
    other.write_text(MINI_DECK.replace('id = "mini"', 'id = "other"'), encoding="utf-8")
    load_deck(other, DeckCache(tmp_path / "cache"))
    app = QuizApp(cached, clock=clock, seed=7, tz=timezone.utc)
    gate = held_load(app)
    counted = hold(app, "deck_stats_sync")
    studied: list[Sequence[str] | None] = []
    start_study = app.start_study

    def logged_study(deck_ids: Sequence[str] | None, **options: Any) -> None:
        studied.append(deck_ids)
        start_study(deck_ids, **options)

    app.start_study = logged_study  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        decks = await listed(pilot)
        assert [s.id for s in decks.listed.decks] == ["mini", "other"]  # type: ignore[union-attr]
        (deck_dir / "mini.toml").write_text("format = 1\n[deck\n", encoding="utf-8")
        await pilot.press("enter")  # on mini, the first row
        gate.set()
        for _ in range(200):  # loaded, not counted yet
            await pilot.pause(0.01)
            if decks.loaded is not None:
                break
        await pilot.pause(0.05)
        assert isinstance(app.screen, DecksScreen) and studied == []
        assert decks.loaded is not None and [d.id for d in decks.loaded.decks] == ["other"]
        text = screen_text(app)
        assert "1 deck file could not be loaded" in text and "mini.toml:2" in text
        assert not re.search(r"^  mini ", text, re.M) and re.search(r"^  other +… ", text, re.M)
        counted.set()
        await press(pilot, "enter")  # the remaining deck opens
        assert isinstance(app.screen, StudyScreen) and studied == [["other"]]


async def test_the_command_line_deck_opens_after_a_listing_from_summaries(
        cached: Paths, clock: FrozenClock) -> None:
    """`study DECK --test N` (app.decks_loaded) waits for the loaded decks, as before."""
    from briefing_quiz.ui.screens.mock_test import MockTestScreen

    app = QuizApp(cached, clock=clock, seed=7, tz=timezone.utc, mock_test=("mini", 2))
    async with app.run_test(size=(100, 30)) as pilot:
        await mock_question(pilot)
        assert isinstance(app.screen, MockTestScreen)
        assert "question 1 of 2" in screen_text(app)
        decks = app.decks_screen
        assert decks is not None and decks.listed is not None


async def test_a_step_that_ends_after_the_decks_screen_is_taken_down_is_dropped(
        make_app: MakeApp) -> None:
    """At exit the decks screen's widgets go before its workers are cancelled: a count that
    finishes in between has nowhere to show itself, and that is not an error."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await settle(pilot)
        decks = app.decks_screen
        assert decks is not None
        await decks.query_one("#decks-table").remove()
        app.recount()
        await settle(pilot)
    assert app.return_code in (None, 0)
