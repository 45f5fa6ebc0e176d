"""The palette's `optimize` commands (issue 13): offered on any screen, run off the UI thread,
their result (or the reason for none) shown as a notification."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from briefing_quiz.ui.app import QuizApp
from tests.ui.conftest import ready, settle

MakeApp = Callable[..., QuizApp]


async def test_optimize_is_offered_and_says_why_it_cannot_fit(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing_quiz.ui.commands import ToolCommands

    app = make_app()
    said: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        monkeypatch.setattr(app, "notify", lambda message, **_kw: said.append(message))
        hits = [hit async for hit in ToolCommands(app.screen).discover()]
        assert [hit.text for hit in hits] == ["Fit FSRS parameters to your reviews",
                                              "Fit and apply FSRS parameters"]
        await hits[0].command()
        await settle(pilot)
    # The mini deck's progress file holds no review: nothing to fit, and it says why.
    assert said[0].startswith("Fitting FSRS parameters")
    assert any("no progress yet" in text or "too few reviews" in text for text in said[1:])
