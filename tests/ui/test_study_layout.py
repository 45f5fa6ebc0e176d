"""The study screen's paint work per answer: a card that fits the view needs no layout pass."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.study import StudyScreen
from briefing_quiz.ui.widgets.card_view import AnswerInput, CardView
from briefing_quiz.ui.widgets.grades import GradeBar
from tests.ui.conftest import count_layouts, press, ready, screen_text

MakeApp = Callable[..., QuizApp]


async def test_grading_into_a_card_of_the_same_shape_is_a_repaint_only(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    layouts = count_layouts(monkeypatch)
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


async def test_the_answer_line_and_the_verdict_are_one_line_and_answering_lays_out_nothing(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    layouts = count_layouts(monkeypatch)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter")  # a basic card: no answer field, the (blank) verdict line
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        card = screen.query_one("#card-scroll").region
        field = screen.query_one(AnswerInput)
        line = field.region
        assert field.verdict is not None and not field.verdict and line.height == 1
        assert field not in screen.focus_chain
        await press(pilot, "space")  # revealed: the verdict in the line
        assert field.verdict is not None and "Grade yourself" in field.verdict.plain
        assert "Grade yourself" in screen_text(app)
        layouts.clear()
        await press(pilot, "3")  # graded: the typed card, its answer field in that line
        assert screen.entry is not None and screen.entry.key.card_id == "typed-troops"
        assert field.verdict is None and screen.focused is field and field.value == ""
        assert "type the answer, enter checks" in screen_text(app)
        await press(pilot, "1", "3")
        assert "13" in screen_text(app).splitlines()[line.y]
        await press(pilot, "enter")  # checked: the verdict drawn into the field's line
        assert layouts == []  # the card, the answer and its verdict: repaints only
        assert field.verdict is not None and "✗ Wrong" in field.verdict.plain
        assert "✗ Wrong" in screen_text(app).splitlines()[line.y]
        assert "You wrote: 13" in screen_text(app)
        assert field.region == line and screen.query_one("#card-scroll").region == card
        assert field not in screen.focus_chain and screen.focused is screen.query_one(GradeBar)
        await press(pilot, "tab")  # no way back into the field of an answered card
        assert screen.focused is not field
        await press(pilot, "enter")  # graded: the choice card comes with no layout at all
        assert screen.entry.key.card_id == "choice-advisor"
        assert layouts == []
        assert screen.query_one("#card-scroll").region == card and field.region == line
        assert field.verdict is not None and not field.verdict
        assert screen.focused is screen.query_one(CardView)
