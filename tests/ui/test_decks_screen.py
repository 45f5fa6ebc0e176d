"""The decks screen: counts that arrive behind a dialog, and the briefing countdown kept true."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.briefing import TargetScreen
from briefing_quiz.ui.screens.decks import DecksScreen
from tests.conftest import FrozenClock
from tests.ui.conftest import hold, press, ready, screen_text, settle
from tests.ui.test_stats_screen import script_history

MakeApp = Callable[..., QuizApp]


def decks_screen(app: QuizApp) -> DecksScreen:
    screen = app.decks_screen
    assert screen is not None
    return screen


def briefing_shown(app: QuizApp) -> str:
    """The Briefing cell of the mini deck as painted (the table's own line rendering)."""
    row = next(line for line in screen_text(app).splitlines() if line.startswith("  mini "))
    return row.split("  ")[-2].strip()


async def test_counts_that_arrive_behind_a_dialog_are_painted_whole(make_app: MakeApp,
                                                                  paths: Paths) -> None:
    script_history(paths)  # a briefing on Feb 17 14:00, 3 days 4 hours after the clock
    app = make_app()
    gate = hold(app, "deck_stats_sync")
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            await pilot.pause(0.01)
            if decks_screen(app).loaded is not None:
                break
        await pilot.press("t")
        assert isinstance(app.screen, TargetScreen)
        assert briefing_shown(app) == "…"
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, TargetScreen)
        assert briefing_shown(app) == "3d 4h · 49% ± 21"


async def test_columns_are_measured_when_the_rows_are_set(make_app: MakeApp,
                                                          paths: Paths) -> None:
    """Not later when the table is idle: a line painted in between (by a dialog repainting
    over the screen) was cached with the old widths and stayed cut."""
    script_history(paths)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await settle(pilot)
        decks = decks_screen(app)
        assert decks.loaded is not None
        stats = list(decks.stats.values())
        decks.stats = {}
        decks.show_loaded(decks.loaded)
        table = decks.query_one("#decks-table", DataTable)

        def width(column: str) -> int:
            return table.columns[ColumnKey(column)].get_render_width(table) - 2 * table.cell_padding

        assert width("briefing") == len("Briefing")
        decks.show_loaded(decks.loaded, stats)  # no await: the table had no idle time
        assert width("briefing") == len("3d 4h · 49% ± 21")
        assert width("title") == len("Mini deck: one card of each type")
        assert table.cursor_row == 0


async def test_the_briefing_countdown_follows_the_clock(make_app: MakeApp, paths: Paths,
                                                       clock: FrozenClock,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    script_history(paths)
    monkeypatch.setattr(DecksScreen, "COUNTDOWN_REFRESH", 0.05)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await settle(pilot)
        assert briefing_shown(app) == "3d 4h · 49% ± 21"
        await press(pilot, "t")  # also under a dialog
        clock.advance(timedelta(hours=2))
        await pilot.pause(0.2)
        assert briefing_shown(app) == "3d 2h · 49% ± 21"
        await press(pilot, "escape")
        clock.advance(timedelta(days=4))
        await pilot.pause(0.2)
        assert briefing_shown(app) == "passed"


async def test_focus_goes_to_the_table_or_to_the_page_without_decks(make_app: MakeApp,
                                                                     deck_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert app.focused is not None and app.focused.id == "decks-table"
        (deck_dir / "mini.toml").unlink()
        await press(pilot, "r")
        assert "No decks found." in screen_text(app)
        assert app.focused is not None and app.focused.id == "decks-body"
