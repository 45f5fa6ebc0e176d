"""Pilot test: a card past its `valid_until` says "stale since ..." in the study screen's meta line
when it is shown (issue 15, part 5); a card without one, or not yet past it, does not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.study import StudyScreen
from tests.ui.conftest import MINI_DECK, press, ready, screen_text

MakeApp = Callable[..., QuizApp]


def dated(until: str) -> str:
    """The mini deck with its first card (basic-capital, studied first) valid until `until`."""
    marker = 'source = "the capital, Kyiv"\n'
    assert marker in MINI_DECK
    return MINI_DECK.replace(marker, f"{marker}valid_until = {until}\n", 1)


async def first_card_text(make_app: MakeApp) -> str:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.entry is not None
        assert screen.entry.key.card_id == "basic-capital"
        return screen_text(app)


async def test_a_card_past_its_valid_until_is_shown_stale(make_app: MakeApp,
                                                          deck_dir: Path) -> None:
    (deck_dir / "mini.toml").write_text(dated("2001-03-31"), encoding="utf-8")
    text = await first_card_text(make_app)
    assert "What is the capital of Ukraine?" in text
    assert "stale since 2001-04-01" in text


async def test_a_card_still_valid_is_not(make_app: MakeApp, deck_dir: Path) -> None:
    (deck_dir / "mini.toml").write_text(dated("2999-12-31"), encoding="utf-8")
    text = await first_card_text(make_app)
    assert "What is the capital of Ukraine?" in text and "stale" not in text
