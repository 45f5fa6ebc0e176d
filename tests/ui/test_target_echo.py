"""Pilot test: the briefing-time dialog echoes the exact local time it reads, as it is typed,
before anything is saved (issue 18 item 7)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from briefing_quiz.core.progress.store import Store
from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.briefing import TargetScreen
from briefing_quiz.ui.screens.decks import DecksScreen
from tests.ui.conftest import press, ready, screen_text

MakeApp = Callable[..., QuizApp]


async def test_typed_time_is_echoed_then_saved(make_app: MakeApp, paths: Paths) -> None:
    app = make_app()  # T0: Monday 2022-02-14 09:30, UTC
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "t", "ctrl+u")
        await press(pilot, *"thu", "space", *"14:00")
        assert isinstance(app.screen, TargetScreen)
        assert "→ Thu 2022-02-17 14:00  (in 3 days 4 hours)" in screen_text(app)
        with Store.open(paths.data_file, readonly=True) as store:
            assert store.briefing_targets() == {}  # echoed, not saved
        await press(pilot, "ctrl+u", *"tomorrow", "space", *"9am")
        assert "→ Tue 2022-02-15 09:00" in screen_text(app)
        await press(pilot, "ctrl+u", *"thu", "space", *"teatime")
        assert "not a time yet" in screen_text(app)
        await press(pilot, "enter")
        assert "cannot read 'teatime'" in screen_text(app)
        await press(pilot, "ctrl+u", *"in", "space", "3", "space", *"days", "space", *"10am",
                    "enter")
        assert isinstance(app.screen, DecksScreen)
    with Store.open(paths.data_file, readonly=True) as store:
        assert store.briefing_targets() == {"mini": datetime(2022, 2, 17, 10, tzinfo=timezone.utc)}
