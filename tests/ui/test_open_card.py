"""Pilot tests of open cards: written in the answer area, checked point by point, graded, saved."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fsrs import Rating
from textual.pilot import Pilot

from briefing_quiz.core.progress.store import Store
from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.study import StudyScreen
from briefing_quiz.ui.screens.summary import SummaryScreen
from briefing_quiz.ui.widgets.card_view import CardView, OpenAnswer
from tests.ui.conftest import press, ready, screen_text

MakeApp = Callable[..., QuizApp]
OPEN_DECK = Path(__file__).resolve().parents[1] / "data" / "open-cards.toml"

RIGHT = ("By rejecting the offers Moscow has boxed itself in and now faces two choices "
         "war or an embarrassing climb down")
WRONG = "Moscow is not cornered and the crisis is about NATO enlargement"
PARTLY = "They threatened painful sanctions and more troops on the NATO eastern flank"


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    shutil.copy(OPEN_DECK, folder / "open-cards.toml")
    return folder


def study(app: QuizApp) -> StudyScreen:
    assert isinstance(app.screen, StudyScreen), type(app.screen).__name__
    return app.screen


def card_id(app: QuizApp) -> str:
    entry = study(app).entry
    assert entry is not None
    return entry.key.card_id


async def write(pilot: Pilot[int], text: str) -> None:
    """Type `text` key by key into the focused answer area."""
    assert isinstance(pilot.app.focused, OpenAnswer)
    await pilot.press(*("space" if c == " " else c for c in text))


def reviews(paths: Paths) -> list[tuple[str, Rating, str | None, bool | None]]:
    with Store.open(paths.data_file, readonly=True) as store:
        return [(str(r.key), r.rating, r.given, r.correct) for r in store.reviews()]


async def test_open_cards_answered_right_wrong_and_partly_are_saved(make_app: MakeApp,
                                                                   paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(pilot)
        await press(pilot, "enter")
        assert card_id(app) == "brief-thesis"
        assert "Answer in your own words" in screen_text(app)
        await write(pilot, RIGHT)
        await press(pilot, "ctrl+s")
        text = screen_text(app)
        assert "✓ made   painted into a corner" in text
        assert "✓ made   two choices: war or climb-down" in text
        assert "Model answer: By building up troops" in text and "Source:" in text
        assert "✓ Right — 3 of 3 points made, 2 needed" in text
        assert not study(app).query_one(OpenAnswer).display  # the checklist gets its room
        await press(pilot, "enter")  # the suggested grade: Good

        assert card_id(app) == "brief-ukraine"
        await write(pilot, WRONG)
        await press(pilot, "f2")
        text = screen_text(app)
        assert "✗ missed last bordering ally joined in 2004" in text
        assert "✗ missed Moscow fears losing Ukraine" in text
        assert "✗ missed not about NATO membership" in text
        assert "✗ Wrong — 0 of 3 points made" in text
        await press(pilot, "enter")  # suggested: Again

        assert card_id(app) == "brief-deterrence"
        await write(pilot, PARTLY)
        await press(pilot, "ctrl+s")
        text = screen_text(app)
        assert "✓ made   more painful sanctions" in text
        assert "✗ missed military aid to Kyiv" in text
        assert "✓ made   more NATO forces on the eastern flank" in text
        assert "2 of 3 points made" in text
        await press(pilot, "enter")  # suggested: Hard
        assert "✓ saved Hard" in screen_text(app)

        assert card_id(app) == "brief-drafts"
        await write(pilot, "They published the drafts at once")
        await press(pilot, "ctrl+s", "4")  # the user's grade wins over the suggested Hard
        assert "✓ saved Easy" in screen_text(app)

        for _ in range(3):  # esc leaves the answer area, then ends the session
            if isinstance(app.screen, SummaryScreen):
                break
            await press(pilot, "escape")
        assert isinstance(app.screen, SummaryScreen)
        text = screen_text(app)
        # by the grade given: the partly right answer graded Hard is partly (it was counted
        # Wrong), the one graded Easy right (the user's grade wins), Again wrong
        assert "Right:      ✓ 2    Partly: ◐ 1    Wrong: ✗ 1" in text
        assert "Grades:     Again 1 · Hard 1 · Good 1 · Easy 1" in text
        assert "Answered wrong or partly — the right answers:" in text
        assert "◐ What costs have the U.S., NATO and the EU named to deter an assault?" in text
        assert "missed: military aid to Kyiv" in text
        assert "✗ Why does Pifer say the crisis is about Ukraine more than about NATO?" in text
        assert "thesis" not in text and "publishing the Russian draft" not in text

    assert reviews(paths) == [
        ("open-cards/brief-thesis", Rating.Good, RIGHT, True),
        ("open-cards/brief-ukraine", Rating.Again, WRONG, False),
        ("open-cards/brief-deterrence", Rating.Hard, PARTLY, False),
        ("open-cards/brief-drafts", Rating.Easy, "They published the drafts at once", False),
    ]


async def test_keys_type_in_the_area_and_esc_gives_the_screen_its_keys(make_app: MakeApp,
                                                                      paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await press(pilot, "enter")
        area = study(app).query_one(OpenAnswer)
        assert app.focused is area
        bar = screen_text(app).splitlines()[-1]
        assert "Check" in bar and "esc" in bar
        assert "Undo" not in bar and "Bury" not in bar and "End" not in bar
        await press(pilot, "u", "minus", "e", "exclamation_mark", "question_mark", "q")
        assert area.text == "u-e!?q"
        assert card_id(app) == "brief-thesis" and isinstance(app.screen, StudyScreen)
        await press(pilot, "enter")  # a new line, not a check
        assert area.text == "u-e!?q\n" and study(app).phase == "question"

        await press(pilot, "escape")  # leaves the area: the session goes on
        assert isinstance(app.focused, CardView) and isinstance(app.screen, StudyScreen)
        bar = screen_text(app).splitlines()[-1]
        assert "Write the answer" in bar and "Bury" in bar and "End" in bar
        await press(pilot, "enter")  # back to the area, the text kept
        assert app.focused is area and area.text == "u-e!?q\n"
        # ctrl+enter checks where the terminal tells it from enter (the kitty keyboard protocol:
        # ESC [ 13 ; 5 u); tmux drops it, so the footer names ctrl+s and f2 (tested above)
        await press(pilot, "ctrl+enter")
        assert study(app).phase == "answered"
    assert reviews(paths) == []  # nothing graded yet


async def test_browse_shows_the_type_and_the_points(make_app: MakeApp) -> None:
    from briefing_quiz.ui.screens.browse import BrowseScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await press(pilot, "b")
        assert isinstance(app.screen, BrowseScreen)
        text = screen_text(app)
        assert text.count(" open ") >= 4  # the type column
        assert "Answer in your own words · open-cards/brief-thesis" in text
        assert "Points (2 of 3 make a pass):" in text
        assert "· painted into a corner  (painted into a corner; cornered; boxed in" in text
        assert "Model answer: By building up troops" in text


async def test_a_mock_test_of_open_cards_scores_points(make_app: MakeApp, paths: Paths) -> None:
    from briefing_quiz.ui.screens.mock_test import MockResultScreen, MockTestScreen
    from tests.ui.conftest import mock_question

    app = make_app()
    async with app.run_test(size=(100, 34)) as pilot:
        await ready(pilot)
        await press(pilot, "m")
        await mock_question(pilot)
        screen = app.screen
        assert isinstance(screen, MockTestScreen)
        for _ in range(4):
            assert isinstance(app.focused, OpenAnswer)
            assert screen.entry is not None
            await write(pilot, "sanctions" if screen.entry.card.id == "brief-deterrence" else "x")
            await press(pilot, "ctrl+s")
            assert "Points:" in screen_text(app)
            await press(pilot, "enter")
        assert isinstance(app.screen, MockResultScreen)
        text = screen_text(app)
        # 1 of 3 points on one card, none on the others: 1/3 of one answer in four = 8%
        assert "0 of 4 right (8%)" in text and "Open answers: 1 of 11 points made" in text
        # the answer with one point is partly right, with what it missed; the others wrong
        assert "◐ What costs have the U.S., NATO and the EU named to deter an assault?" in text
        assert "missed: military aid to Kyiv; more NATO forces on the eastern flank" in text
        assert text.count("✗ ") == 3 and text.count("missed: ") == 1
    with Store.open(paths.data_file, readonly=True) as store:
        assert len(store.mock_tests()) == 1
        assert list(store.reviews()) == []  # a rehearsal: nothing scheduled
