"""Pilot test: the app on a progress file that fails quick_check (checked in a thread since
issue 16 part 3): the counts come first, then the damage is said and studying is off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fsrs import Rating

from briefing_quiz.core.progress import soundness
from briefing_quiz.core.progress.store import Store
from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.study import StudyScreen
from tests.core.progress.conftest import KEY, PROGRESS_T0, review, snapshot_bytes
from tests.core.progress.test_soundness import _damage
from tests.ui.conftest import press, ready, screen_text

MakeApp = Callable[..., QuizApp]


async def test_the_app_says_a_damaged_file_is_damaged_and_saves_nothing(
        make_app: MakeApp, paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(soundness, "ENABLED", True)
    with Store.open(paths.data_file) as store:
        review(store, KEY, Rating.Good, PROGRESS_T0)
        review(store, KEY, Rating.Good, PROGRESS_T0 + timedelta(days=1))
    _damage(paths.data_file)
    before = snapshot_bytes(paths.data_file)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert "is damaged" in screen_text(app) or any(
            "is damaged" in str(n.message) for n in app._notifications)
        await press(pilot, "enter")
        assert not isinstance(app.screen, StudyScreen)
    assert snapshot_bytes(paths.data_file) == before
