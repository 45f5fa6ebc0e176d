"""Messages up: screens ask the app for app-level actions with messages (defined in the screen
that sends them), and the app handles them (opens the screen, reloads, recounts the decks)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from textual.message import Message
from textual.screen import Screen

from briefing_quiz.core.study.statistics import DeckStats
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.briefing import TargetScreen
from briefing_quiz.ui.screens.browse import BrowseScreen
from briefing_quiz.ui.screens.decks import DecksScreen
from briefing_quiz.ui.screens.mock_test import MockTestScreen
from briefing_quiz.ui.screens.stats import StatsScreen
from briefing_quiz.ui.screens.study import StudyScreen
from briefing_quiz.ui.screens.summary import SummaryScreen
from tests.conftest import FrozenClock
from tests.ui.conftest import mock_question, press, ready, screen_text, settle

MakeApp = Callable[..., QuizApp]


class Posted:
    """A `message_hook` keeping the messages of the given types, each once (a message that
    bubbles from a screen to the app is dispatched twice)."""

    def __init__(self, *types: type[Message]) -> None:
        self.types = types
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, self.types) and all(m is not message for m in self.messages):
            self.messages.append(message)


def counting(app: QuizApp) -> list[int]:
    """Wrap the backend's deck count: the list grows by one at each count."""
    counts: list[int] = []
    count = app.backend.deck_stats_sync

    def counted() -> list[DeckStats]:
        counts.append(1)
        return count()

    app.backend.deck_stats_sync = counted  # type: ignore[method-assign]
    return counts


@pytest.mark.parametrize(("key", "kind", "fields", "opened"), [
    ("enter", DecksScreen.StudyRequested, {"deck_ids": ["mini"]}, StudyScreen),
    # Nothing is due on a first run: the session says so and the decks screen is back.
    ("a", DecksScreen.StudyRequested, {"deck_ids": None, "due_only": True}, DecksScreen),
    ("b", DecksScreen.BrowseRequested, {}, BrowseScreen),
    ("s", DecksScreen.StatsRequested, {"deck_id": "mini"}, StatsScreen),
    ("t", DecksScreen.TargetRequested, {"deck_id": "mini"}, TargetScreen),
    # No briefing time is set: the app asks for one first.
    ("g", DecksScreen.BriefingRequested, {"deck_id": "mini"}, TargetScreen),
    ("m", DecksScreen.MockTestRequested, {"deck_id": "mini"}, MockTestScreen),
])
async def test_a_decks_key_posts_a_request_that_the_app_handles(
        make_app: MakeApp, key: str, kind: type[Message], fields: dict[str, object],
        opened: type[Screen[object]]) -> None:
    posted = Posted(DecksScreen.StudyRequested, DecksScreen.BrowseRequested,
                    DecksScreen.StatsRequested, DecksScreen.DeckRequest,
                    DecksScreen.ReloadRequested)
    app = make_app()
    async with app.run_test(size=(100, 30), message_hook=posted) as pilot:
        await ready(pilot)
        assert posted.messages == []
        await press(pilot, key)
        assert [type(m) for m in posted.messages] == [kind]
        assert {name: getattr(posted.messages[0], name) for name in fields} == fields
        assert isinstance(app.screen, opened)
        if isinstance(app.screen, StatsScreen):
            assert app.screen.deck_id == "mini"
        if isinstance(app.screen, TargetScreen):
            assert bool(app.screen.reason) == (key == "g")


async def test_reload_is_asked_of_the_app(make_app: MakeApp) -> None:
    posted = Posted(DecksScreen.ReloadRequested)
    app = make_app()
    async with app.run_test(size=(100, 30), message_hook=posted) as pilot:
        await ready(pilot)
        counts = counting(app)
        await press(pilot, "r")
        assert len(posted.messages) == 1
        assert any("Reloaded 1 deck." in n.message for n in app._notifications)
        assert counts == [1]  # recounted after the load


async def test_leaving_browse_has_the_app_recount_the_decks(make_app: MakeApp) -> None:
    posted = Posted(BrowseScreen.Closed)
    app = make_app()
    async with app.run_test(size=(100, 30), message_hook=posted) as pilot:
        await ready(pilot)
        await press(pilot, "b")
        counts = counting(app)
        await press(pilot, "escape")
        assert isinstance(app.screen, DecksScreen)
        assert len(posted.messages) == 1 and counts == [1]


async def test_leaving_the_summary_has_the_app_recount_the_decks(make_app: MakeApp) -> None:
    posted = Posted(SummaryScreen.Closed)
    app = make_app()
    async with app.run_test(size=(100, 30), message_hook=posted) as pilot:
        await ready(pilot)
        assert "7 new" in screen_text(app)
        await press(pilot, "enter", "escape")  # study mini, end at once
        assert isinstance(app.screen, SummaryScreen)
        counts = counting(app)
        await press(pilot, "escape")
        assert isinstance(app.screen, DecksScreen)
        assert len(posted.messages) == 1 and counts == [1]


async def test_a_new_briefing_time_has_the_app_recount_the_decks(make_app: MakeApp) -> None:
    posted = Posted(TargetScreen.Changed)
    app = make_app()
    async with app.run_test(size=(100, 30), message_hook=posted) as pilot:
        await ready(pilot)
        await press(pilot, "t")
        counts = counting(app)
        for char in "2022-02-17 14:00":
            await pilot.press(char)
        await press(pilot, "enter")
        assert isinstance(app.screen, DecksScreen)
        assert posted.messages == [TargetScreen.Changed("mini", "set")]
        assert counts == [1]
        await press(pilot, "t", "ctrl+r")  # cleared: counted again
        assert posted.messages[1:] == [TargetScreen.Changed("mini", "cleared")]
        assert counts == [1, 1]


async def test_a_briefing_time_set_from_the_statistics_is_counted_too(
        make_app: MakeApp, clock: FrozenClock) -> None:
    posted = Posted(TargetScreen.Changed)
    app = make_app()
    async with app.run_test(size=(100, 30), message_hook=posted) as pilot:
        await ready(pilot)
        await press(pilot, "s", "t")
        assert isinstance(app.screen, TargetScreen)
        counts = counting(app)
        for char in (clock() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M"):
            await pilot.press(char)
        await press(pilot, "enter")
        assert isinstance(app.screen, StatsScreen)
        assert [m.change for m in posted.messages] == ["set"]  # type: ignore[attr-defined]
        assert counts == [1]


async def test_the_command_line_mock_test_opens_once_the_decks_are_loaded(
        make_app: MakeApp) -> None:
    app = make_app(mock_test=("mini", 2))
    async with app.run_test(size=(100, 30)) as pilot:
        await mock_question(pilot)
        assert isinstance(app.screen, MockTestScreen) and app.screen.n == 2
        await settle(pilot)
