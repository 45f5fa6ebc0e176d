"""The study screen's paint work per answer: a card that fits the view needs no layout pass."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.screen import Screen
from textual.widgets import Static

from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.study import StudyScreen
from briefing_quiz.ui.widgets.card_view import AnswerInput, CardView
from briefing_quiz.ui.widgets.grades import GradeBar
from tests.ui.conftest import press, ready, screen_text

MakeApp = Callable[..., QuizApp]


async def test_grading_into_a_card_of_the_same_shape_is_a_repaint_only(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    layouts: list[str] = []
    refresh_layout = Screen._refresh_layout

    def counted(self: Screen[object], *args: object, **kwargs: object) -> None:
        layouts.append(type(self).__name__)
        refresh_layout(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space", "3", "1", "3", "enter", "enter")  # basic, typed
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.entry is not None
        assert screen.entry.key.card_id == "choice-advisor"
        grades = screen.query_one(GradeBar)
        assert not grades.allow_focus() and grades not in screen.focus_chain
        await press(pilot, "1")  # a choice: answered, grades shown
        assert grades.allow_focus() and screen.focused is grades
        layouts.clear()
        await press(pilot, "3")  # graded: the true/false card comes, no answer line either way
        assert screen.entry.key.card_id == "truefalse-poland"
        assert "1 Again" not in screen_text(app)  # the grades are blank again
        assert layouts == []
        assert not grades.allow_focus()


async def test_the_answer_line_takes_the_verdicts_place_and_the_card_keeps_its_size(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    layouts: list[str] = []
    refresh_layout = Screen._refresh_layout

    def counted(self: Screen[object], *args: object, **kwargs: object) -> None:
        layouts.append(type(self).__name__)
        refresh_layout(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter")  # a basic card: no answer line, the (blank) verdict line
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        card = screen.query_one("#card-scroll").region
        field, verdict = screen.query_one(AnswerInput), screen.query_one("#verdict", Static)
        line = verdict.region
        assert not field.display and verdict.display and line.height == 1
        await press(pilot, "space", "3")  # graded: the typed card, its answer line in that place
        assert screen.entry is not None and screen.entry.key.card_id == "typed-troops"
        assert field.display and not verdict.display and screen.focused is field
        assert field.region == line and screen.query_one("#card-scroll").region == card
        await press(pilot, "1", "3", "enter")  # checked: the verdict back in the line's place
        assert not field.display and verdict.display and verdict.region == line
        assert "✗ Wrong" in screen_text(app) and "You wrote: 13" in screen_text(app)
        layouts.clear()
        await press(pilot, "enter")  # graded: the choice card comes with no layout at all
        assert screen.entry.key.card_id == "choice-advisor"
        assert layouts == []
        assert screen.query_one("#card-scroll").region == card and verdict.region == line
        assert not field.display and screen.focused is screen.query_one(CardView)
