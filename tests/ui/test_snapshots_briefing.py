"""Snapshots of briefing mode and statistics at 80×24 and 120×40: the briefing-time dialog (and
its inline error), a briefing session after an answer, its summary, and the statistics screen.

Deterministic as tests/ui/test_snapshots.py: frozen clock, seed 7, UTC, relative paths inside
tmp_path, no user config; the review history is scripted (tests/ui/test_stats_screen.py).
Regenerate with `pytest --snapshot-update tests/ui/test_snapshots_briefing.py` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timezone
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from tests.conftest import FrozenClock
from tests.ui.conftest import MINI_DECK, press, ready, settle
from tests.ui.test_stats_screen import script_history

SMALL, LARGE = (80, 24), (120, 40)
SIZES = pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
SnapCompare = Callable[..., bool]


@pytest.fixture
def history_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], QuizApp]:
    """The mini deck with a scripted history and a briefing on Thu 2022-02-17 14:00."""
    monkeypatch.chdir(tmp_path)
    Path("decks").mkdir()
    Path("decks/mini.toml").write_text(MINI_DECK, encoding="utf-8")
    paths = Paths(data_file=Path("progress.sqlite3"), config_file=Path("config.toml"),
                  deck_dirs=(Path("decks"),), user_decks_dir=Path("user-decks"))
    script_history(paths)
    return lambda: QuizApp(paths, clock=FrozenClock(), seed=7, tz=timezone.utc)


def after(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        # The counts come a moment after the deck list; under load they could land after the
        # dialog opened, when the table behind it no longer re-measures its columns.
        for _ in range(100):
            if getattr(pilot.app.screen, "stats", None):
                break
            await settle(pilot)
        await press(pilot, *keys)
        # A focused input's cursor blinks: without this the picture depends on the moment.
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()
    return run


@SIZES
def test_decks_with_a_briefing(snap_compare: SnapCompare, history_app: Callable[[], QuizApp],
                               size: tuple[int, int]) -> None:
    assert snap_compare(history_app(), terminal_size=size, run_before=after())


@SIZES
def test_target_dialog(snap_compare: SnapCompare, history_app: Callable[[], QuizApp],
                       size: tuple[int, int]) -> None:
    assert snap_compare(history_app(), terminal_size=size, run_before=after("t"))


def test_target_dialog_error(snap_compare: SnapCompare,
                             history_app: Callable[[], QuizApp]) -> None:
    keys = ("t", "ctrl+u", *"2022-02-13", "space", *"9:00", "enter")
    assert snap_compare(history_app(), terminal_size=SMALL, run_before=after(*keys))


@SIZES
def test_briefing_session_after_an_answer(snap_compare: SnapCompare,
                                          history_app: Callable[[], QuizApp],
                                          size: tuple[int, int]) -> None:
    # The first card the gain rule picks is the cloze card: revealed with space, graded Good.
    keys = ("g", "space", "3")
    assert snap_compare(history_app(), terminal_size=size, run_before=after(*keys))


def test_briefing_summary(snap_compare: SnapCompare, history_app: Callable[[], QuizApp]) -> None:
    keys = ("g", "space", "3", "escape")
    assert snap_compare(history_app(), terminal_size=SMALL, run_before=after(*keys))


@SIZES
def test_stats_screen(snap_compare: SnapCompare, history_app: Callable[[], QuizApp],
                      size: tuple[int, int]) -> None:
    assert snap_compare(history_app(), terminal_size=size, run_before=after("s"))


def test_mock_test_result(snap_compare: SnapCompare, history_app: Callable[[], QuizApp]) -> None:
    # The first question is the true/false card: answered right; then the typed one, wrong.
    keys = ("m", "t", "enter", *"120k", "enter", "enter", "escape")
    assert snap_compare(history_app(), terminal_size=SMALL, run_before=after(*keys))
