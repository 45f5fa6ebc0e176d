"""Issue 17, bugs 2 and 5: `study DECK` opens that deck's session in the app; ctrl+c's hint is
plain text."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing_quiz import cli
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.study import StudyScreen
from tests.ui.conftest import press, ready, settle

MakeApp = Callable[..., QuizApp]


async def test_ctrl_c_says_how_to_quit_without_markup(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "ctrl+c")
        messages = [n.message for n in app._notifications]
        assert any(re.fullmatch(r"Press \S+ to quit the app", m) for m in messages), messages
        assert not any("[b]" in m for m in messages)


async def test_study_deck_opens_its_session(make_app: MakeApp) -> None:
    app = make_app(study=["mini"])
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(100):
            await settle(pilot)
            if isinstance(app.screen, StudyScreen):
                break
        assert isinstance(app.screen, StudyScreen)


def test_study_names_the_deck_to_the_app_and_refuses_an_unknown_one(
        deck_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], collector: None) -> None:
    seen: list[object] = []

    def fake_run_app(paths: object, **kwargs: object) -> int:
        seen.append(kwargs)
        return 0

    monkeypatch.setattr("briefing_quiz.ui.app.run_app", fake_run_app)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    base = ["--data", str(tmp_path / "p.sqlite3"), "--config", str(tmp_path / "n.toml"),
            "--decks", str(deck_dir)]
    assert cli.main([*base, "study", "mini"]) == 0
    assert seen == [{"study": ["mini"]}]
    assert cli.main([*base, "study", "nosuch"]) == 1
    assert "no deck with id 'nosuch'" in capsys.readouterr().err
    assert len(seen) == 1
