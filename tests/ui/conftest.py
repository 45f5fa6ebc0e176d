"""Fixtures for the UI tests: a small deck with one card of each type, a fixed clock, tmp paths.

Everything an app run reads or writes lives in tmp_path (no user config, no bundled decks), the
clock is frozen (elapsed time and intervals are stable), and shuffles use a fixed seed, so screens
and snapshots are the same on every run.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import timezone
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.worker import WorkerCancelled

from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from tests.conftest import FrozenClock

MINI_DECK = '''\
format = 1

[deck]
id = "mini"
title = "Mini deck: one card of each type"

[deck.source]
author = "Steven Pifer"
title = "Russia, NATO and Ukraine"
publisher = "CISAC"

[[cards]]
id = "basic-capital"
type = "basic"
question = "What is the capital of Ukraine?"
answer = "Kyiv"
explain = "Kyiv has been the capital since 1991."
source = "the capital, Kyiv"

[[cards]]
id = "typed-troops"
type = "typed"
tags = ["figures"]
question = "How many Russian troops were arrayed near Ukraine?"
answer = "130,000"
source = "now numbers some 130,000 troops"

[[cards]]
id = "choice-advisor"
type = "choice"
tags = ["people"]
question = "Who was the U.S. National Security Advisor?"
choices = ["Jake Sullivan", "Antony Blinken", "Lloyd Austin", "Wendy Sherman"]
answer = "Jake Sullivan"

[[cards]]
id = "truefalse-poland"
type = "truefalse"
statement = "The Pentagon ordered 3000 U.S. soldiers to Poland."
answer = true

[[cards]]
id = "cloze-formations"
type = "cloze"
text = """Russian formations stood near the border, in occupied {{c1::Crimea::peninsula}} \\
and in {{c2::Belarus}}."""

[[cards]]
id = "order-figures"
type = "order"
question = "Smallest to largest"
items = ["1000", "1700", "3000", "130000"]
'''


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "mini.toml").write_text(MINI_DECK, encoding="utf-8")
    return folder


@pytest.fixture
def paths(tmp_path: Path, deck_dir: Path) -> Paths:
    return Paths(data_file=tmp_path / "progress.sqlite3", config_file=tmp_path / "config.toml",
                 deck_dirs=(deck_dir,), user_decks_dir=tmp_path / "user-decks")


@pytest.fixture
def make_app(paths: Paths, clock: FrozenClock) -> Callable[..., QuizApp]:
    def make(**overrides: object) -> QuizApp:
        options: dict[str, object] = {"clock": clock, "seed": 7, "tz": timezone.utc}
        options.update(overrides)
        return QuizApp(paths, **options)  # type: ignore[arg-type]
    return make


async def settle(pilot: Pilot[int]) -> None:
    """Wait until the app is idle: store-thread calls done, workers finished, screen repainted."""
    app = pilot.app
    assert isinstance(app, QuizApp)
    for _ in range(50):
        await app.backend.drain()
        # An exclusive worker replaced by a newer one (two filters set at once) is cancelled
        # by design; the loop then waits for the newer one.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers) and app.backend.idle:
            return
    raise AssertionError("the app did not settle")


async def press(pilot: Pilot[int], *keys: str) -> None:
    """Press keys one at a time, letting each one's store work finish before the next."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def ready(pilot: Pilot[int]) -> None:
    """Wait for the decks to be loaded."""
    from briefing_quiz.ui.screens.decks import DecksScreen

    app = pilot.app
    for _ in range(100):
        await settle(pilot)
        screen = app.screen
        if isinstance(screen, DecksScreen) and screen.loaded is not None:
            return
    raise AssertionError("the decks never loaded")


def hold(app: QuizApp, method: str) -> threading.Event:
    """Hold the backend's `method` (a `*_sync` call, run on the store thread) until the returned
    event is set, so a test can look at the screen while that step is still to come."""
    gate = threading.Event()
    call = getattr(app.backend, method)

    def held(*args: object, **kwargs: object) -> object:
        gate.wait(10)
        return call(*args, **kwargs)

    setattr(app.backend, method, held)
    return gate


async def mock_question(pilot: Pilot[int]) -> None:
    """Wait until a mock test shows its first question."""
    from briefing_quiz.ui.screens.mock_test import MockTestScreen

    for _ in range(20):
        await settle(pilot)
        screen = pilot.app.screen
        if isinstance(screen, MockTestScreen) and screen.phase == "question":
            return


def screen_text(app: QuizApp) -> str:
    """The visible screen as plain text (what a user reads)."""
    return "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())


def count_layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the screens laid out from now on (each `Screen._refresh_layout` call), for
    tests that an action is a repaint, not a layout."""
    layouts: list[str] = []
    refresh_layout = Screen._refresh_layout

    def counted(self: Screen[object], *args: object, **kwargs: object) -> None:
        layouts.append(type(self).__name__)
        refresh_layout(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return layouts
