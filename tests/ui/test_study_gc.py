"""The study screen holds full garbage collections until it ends (services/gc_policy.py)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

import pytest

from briefing_quiz.services import gc_policy
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.study import StudyScreen
from briefing_quiz.ui.screens.summary import SummaryScreen
from tests.ui.conftest import press, ready


@pytest.fixture(autouse=True)
def thresholds() -> Iterator[None]:
    saved = gc.get_threshold()
    yield
    gc_policy.release_full_collections()
    gc.set_threshold(*saved)


async def test_the_study_screen_holds_full_collections_until_it_ends(
        make_app: Callable[..., QuizApp]) -> None:
    gc.set_threshold(700, 10, 100)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, StudyScreen)
        assert gc.get_threshold()[2] >= 100_000
        await press(pilot, "escape")
        assert isinstance(app.screen, SummaryScreen)
        assert gc.get_threshold() == (700, 10, 100)
