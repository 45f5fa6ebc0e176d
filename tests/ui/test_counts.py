"""Pilot tests: the counts a user sees while studying mean what they say (issue 18, item 1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.decks import DecksScreen
from briefing_quiz.ui.screens.study import StudyScreen
from briefing_quiz.ui.widgets.header import StudyHeader
from tests.conftest import FrozenClock
from tests.ui.conftest import press, ready, screen_text, settle

MakeApp = Callable[..., QuizApp]


def header(app: QuizApp) -> str:
    return str(app.screen.query_one(StudyHeader).progress_content())


async def test_header_counts_new_learning_review_and_they_fall(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, StudyScreen)
        assert "0 done · 6 new 0 learning 0 review" in header(app)  # cloze: 1 gap a day
        await press(pilot, "space", "1")  # basic: Again, it comes back as a learning card
        assert "1 done · 5 new 1 learning 0 review" in header(app)
        await press(pilot, "1", "3", "0", "0", "0", "0", "enter", "4")  # typed: right, Easy
        assert "2 done · 4 new 1 learning 0 review" in header(app)
        assert " left" not in header(app)


async def test_study_all_opens_exactly_what_the_decks_screen_says_is_due(
        make_app: MakeApp, clock: FrozenClock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "a")  # nothing is due on a first run: said, no session of new cards
        assert isinstance(app.screen, DecksScreen)
        said = [n.message for n in app._notifications]
        assert "Nothing is due now. To learn new cards, pick a deck and press enter." in said
        await press(pilot, "enter", "space", "4")  # basic: Easy
        await press(pilot, "1", "3", "0", "0", "0", "0", "enter", "4")  # typed: right, Easy
        await press(pilot, "escape", "escape")
        assert isinstance(app.screen, DecksScreen)
        clock.advance(timedelta(days=60))
        await press(pilot, "r")
        await settle(pilot)
        assert "2 due now and 5 new" in screen_text(app)
        await press(pilot, "a")
        assert isinstance(app.screen, StudyScreen)
        assert "0 done · 0 new 0 learning 2 review" in header(app)


async def test_every_decks_key_fits_at_120_columns_and_m_at_80(make_app: MakeApp) -> None:
    """Issue 18 item 8: the key bar; the palette keeps the long names and hides table moves."""
    from briefing_quiz.ui.commands import ScreenCommands
    from briefing_quiz.ui.widgets.keybar import KeyBar, fit

    for width, wanted in ((120, ["⏎ Study", "a All due", "b Browse", "s Stats", "m Mock test",
                                 "t Briefing time", "g Briefing", "c Custom", "r Reload",
                                 "? Help", "q Quit"]),
                          (80, ["⏎ Study", "a All due", "b Browse", "s Stats", "m Mock test",
                                "? Help", "q Quit"])):
        app = make_app()
        async with app.run_test(size=(width, 24)) as pilot:
            await ready(pilot)
            bar = app.screen.query_one(KeyBar)
            keys, palette = bar.keys()
            drawn = [k.piece.plain.strip() for k in fit(keys, palette, bar.content_region.width)
                     if k is not None]
            assert [d for d in drawn if d != "^p palette"] == wanted
            titles = [hit.text async for hit in ScreenCommands(app.screen).discover()]
            assert "Study deck" in titles and "Custom study" in titles
            assert not any("ursor" in str(t) for t in titles)  # DataTable's cursor moves
