"""Pilot tests: acting on a card before answering it, typed cards included (issue 18 item 2,
issue 17 bug 3), leaving before grading, and card info (issue 18 item 3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from fsrs import Rating
from textual.pilot import Pilot
from textual_plotext import PlotextPlot

from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.store import Store
from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.browse import BrowseScreen
from briefing_quiz.ui.screens.card_info import CardInfoScreen
from briefing_quiz.ui.screens.study import StudyScreen
from briefing_quiz.ui.screens.summary import SummaryScreen
from briefing_quiz.ui.widgets.card_view import AnswerInput
from briefing_quiz.ui.widgets.keybar import KeyBar
from tests.ui.conftest import press, ready, screen_text

MakeApp = Callable[..., QuizApp]


def bar(app: QuizApp) -> list[str]:
    """The keys the key bar shows, as drawn ("enter Check"), palette left out."""
    keys, _palette = app.screen.query_one(KeyBar).keys()
    return [key.piece.plain.strip() for key in keys]


def reviews(paths: Paths) -> list[tuple[str, Rating, bool]]:
    with Store.open(paths.data_file, readonly=True) as store:
        return [(str(r.key), r.rating, r.undone) for r in store.reviews()]


async def to_typed_card(pilot: Pilot[int]) -> StudyScreen:
    await ready(pilot)
    await press(pilot, "enter", "space", "3")  # basic: Good
    screen = pilot.app.screen
    assert isinstance(screen, StudyScreen) and screen.entry is not None
    assert screen.entry.key.card_id == "typed-troops"
    return screen


async def test_typing_keeps_every_key_and_the_bar_shows_only_those_that_work(
        make_app: MakeApp, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await to_typed_card(pilot)
        assert bar(app) == ["⏎ Check", "esc Card keys"]
        await press(pilot, "1", "3", "u", "minus", "exclamation_mark", "e", "i")
        field = screen.query_one(AnswerInput)
        assert field.value == "13u-!ei"
        await press(pilot, "ctrl+z")  # was: the previous card's grade undone, this text lost
        assert screen.entry is not None and screen.entry.key.card_id == "typed-troops"
        assert field.value == "13u-!ei"
    assert reviews(paths) == [("mini/basic-capital", Rating.Good, False)]


async def test_card_keys_before_answering_a_typed_card_record_nothing(
        make_app: MakeApp, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await to_typed_card(pilot)
        await press(pilot, "1", "3", "escape")
        shown = bar(app)
        for key in ("u/^z Undo", "! Suspend", "- Bury", "e Edit", "i Info", "tab Type answer",
                    "esc End"):
            assert key in shown
        await press(pilot, "i")
        assert isinstance(app.screen, CardInfoScreen)
        assert "new: never reviewed" in screen_text(app)
        await press(pilot, "escape")
        assert app.screen is screen
        await press(pilot, "tab", "0")  # back in the line, the text kept
        assert screen.query_one(AnswerInput).value == "130"
        await press(pilot, "escape", "minus")
        assert screen.entry is not None and screen.entry.key.card_id == "choice-advisor"
    assert reviews(paths) == [("mini/basic-capital", Rating.Good, False)]  # no "don't know"
    with Store.open(paths.data_file, readonly=True) as store:
        state = store.get(ItemKey("mini", "typed-troops", 0))
        assert state is not None and state.reps == 0 and state.buried_until is not None


async def test_leaving_an_answered_card_before_grading_says_it_is_not_saved(
        make_app: MakeApp, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space", "escape")
        assert isinstance(app.screen, StudyScreen)
        assert any("not saved until you grade it" in n.message for n in app._notifications)
        await press(pilot, "escape")
        assert isinstance(app.screen, SummaryScreen)
    assert reviews(paths) == []


async def test_card_info_shows_memory_history_and_the_forgetting_curve(
        make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await app.backend.call(lambda: app.backend.require_store().set_briefing_target(
            "mini", datetime(2022, 2, 20, 9, tzinfo=timezone.utc), now=app.backend.clock()))
        await press(pilot, "enter", "space", "4", "escape", "escape", "enter", "b")
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        row = next(i for i, r in enumerate(screen.shown) if r.row.key.card_id == "basic-capital")
        await press(pilot, *["down"] * row, "i")
        assert isinstance(app.screen, CardInfoScreen)
        text = screen_text(app)
        for fact in ("State        review", "Stability", "Difficulty", "Recall now   100%",
                     "Briefing     2022-02-20 09:00", "recall then", "lapses 0",
                     "Review history", "2022-02-14 09:30  Easy"):
            assert fact in text, fact
        assert app.screen.query_one(PlotextPlot).display
        assert "Forgetting curve" in text
        await press(pilot, "i")
        assert app.screen is screen


async def test_preview_from_browse_shows_the_question_then_the_answer(
        make_app: MakeApp, paths: Paths) -> None:
    from briefing_quiz.ui.screens.preview import PreviewScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "b")
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        row = next(i for i, r in enumerate(screen.shown) if r.row.key.card_id == "basic-capital")
        await press(pilot, *["down"] * row, "p")
        assert isinstance(app.screen, PreviewScreen)
        text = screen_text(app)
        assert "What is the capital of Ukraine?" in text and "Kyiv" not in text
        await press(pilot, "space")
        text = screen_text(app)
        assert "Answer:    Kyiv" in text and "Kyiv has been the capital since 1991." in text
        await press(pilot, "escape")
        assert app.screen is screen
    assert not paths.data_file.exists() or reviews(paths) == []


async def test_browse_has_a_question_column_when_wide_enough(make_app: MakeApp) -> None:
    for width, shown in ((120, True), (100, False)):
        app = make_app()
        async with app.run_test(size=(width, 30)) as pilot:
            await ready(pilot)
            await press(pilot, "b")
            table = [line for line in screen_text(app).splitlines()
                     if line.startswith(("Deck ", "mini "))]
            assert ("Question" in table[0]) is shown
            assert any("What is the capital of Ukraine?" in line for line in table) is shown


async def test_preview_marks_the_right_choice_as_right_not_missed(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "b")
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        row = next(i for i, r in enumerate(screen.shown) if r.row.key.card_id == "choice-advisor")
        await press(pilot, *["down"] * row, "p", "space")
        line = next(t for t in screen_text(app).splitlines() if "Jake Sullivan" in t)
        assert "✓ right" in line and "missed" not in line
