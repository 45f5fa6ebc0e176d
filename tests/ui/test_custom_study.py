"""Pilot test: custom study from the decks screen (c), crammed: nothing saved (issue 18 item 5)."""

from __future__ import annotations

from collections.abc import Callable

from briefing_quiz.core.progress.store import Store
from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.custom_study import CustomStudyScreen
from briefing_quiz.ui.screens.study import StudyScreen
from briefing_quiz.ui.widgets.header import StudyHeader
from tests.ui.conftest import press, ready, screen_text

MakeApp = Callable[..., QuizApp]


async def test_custom_study_from_the_decks_screen(make_app: MakeApp, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "c")
        dialog = app.screen
        assert isinstance(dialog, CustomStudyScreen)
        assert "Custom study" in screen_text(app)
        dialog.query_one("#custom-cram").value = True  # type: ignore[attr-defined]
        await press(pilot, *"kyiv", "enter")
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.entry is not None
        assert screen.entry.key.card_id == "basic-capital"
        assert "1 new 0 learning 0 review" in str(
            screen.query_one(StudyHeader).progress_content())
        await press(pilot, "space", "1")  # Again: it comes back, nothing is saved
        assert "cram: not scheduled" in screen_text(app)
        assert screen.entry.key.card_id == "basic-capital"
        await press(pilot, "space", "3")
    with Store.open(paths.data_file, readonly=True) as store:
        assert list(store.reviews()) == []


async def test_enter_with_no_tag_and_no_text_does_not_start(make_app: MakeApp) -> None:
    """An empty dialog is no custom study: enter says what to choose and the dialog stays."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "c", "enter")
        assert isinstance(app.screen, CustomStudyScreen)
        assert "Choose a tag" in " ".join(str(n.message) for n in app._notifications)
