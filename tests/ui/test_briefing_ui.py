"""Pilot tests of briefing mode in the app: the briefing-time dialog, the decks column and the
briefing session, checked against the progress file."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from textual.pilot import Pilot

from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.store import Store
from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.briefing import TargetScreen
from briefing_quiz.ui.screens.briefing_study import BriefingStudyScreen, BriefingSummaryScreen
from briefing_quiz.ui.screens.decks import DecksScreen
from tests.conftest import T0, FrozenClock
from tests.ui.conftest import mock_question, press, ready, screen_text, settle

MakeApp = Callable[..., QuizApp]
UTC = timezone.utc
TARGET = datetime(2022, 2, 17, 14, 0, tzinfo=UTC)  # 3 days 4 h 30 min after T0
# A key that gets each card type to its answered state (right or wrong does not matter here:
# the tests grade Good afterwards).
ANSWER_KEY = {"basic": "space", "typed": "enter", "choice": "1", "truefalse": "t",
              "cloze": "space", "order": "enter"}


def set_target(paths: Paths, at: datetime = TARGET) -> None:
    with Store.open(paths.data_file) as store:
        store.set_briefing_target("mini", at, now=T0)


def stored_target(paths: Paths) -> datetime | None:
    with Store.open(paths.data_file, readonly=True) as store:
        return store.briefing_target("mini")


async def type_text(pilot: Pilot[int], text: str) -> None:
    await pilot.press(*("space" if c == " " else c for c in text))
    await settle(pilot)


async def answer_good(pilot: Pilot[int]) -> ItemKey:
    """Answer the card on screen (any way) and grade it Good; its key."""
    screen = pilot.app.screen
    assert isinstance(screen, BriefingStudyScreen) and screen.entry is not None
    key = screen.entry.key
    await press(pilot, ANSWER_KEY[screen.entry.card.type])
    assert screen.phase == "answered"
    await press(pilot, "3")
    return key


async def deck_row(pilot: Pilot[int]) -> str:
    """The mini deck's row of the decks table (waiting for it: under load the table can be
    painted a frame before its rows)."""
    app = pilot.app
    assert isinstance(app, QuizApp)
    for _ in range(20):
        text = screen_text(app)
        rows = [line for line in text.splitlines() if " mini " in line]
        if rows:
            return rows[0]
        await pilot.pause(0.05)
    raise AssertionError(text)


def header(app: QuizApp) -> str:
    return screen_text(app).splitlines()[0].strip()


def readiness_line(app: QuizApp) -> tuple[float, str | None]:
    """The readiness shown under the header, and the change shown with it (its band, shown
    between them once readiness is above 0, is checked apart)."""
    line = screen_text(app).splitlines()[1]
    match = re.search(r"Readiness for Thu 2022-02-17 14:00 \(in [^)]*\): (\d+\.\d)%"
                      r"(?: ± \d+)?(  ([+-]\d+\.\d))?", line)
    assert match, line
    return float(match.group(1)), match.group(3)


async def test_target_dialog_sets_the_time_and_the_decks_show_the_countdown(
        make_app: MakeApp, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        row = await deck_row(pilot)
        assert row.split()[6] == "—"  # no briefing yet
        await press(pilot, "t")
        assert isinstance(app.screen, TargetScreen)
        text = screen_text(app)
        assert "No briefing time is set for this deck." in text
        assert "e.g. 2022-02-17 14:00" in text  # the placeholder: an example three days on
        await type_text(pilot, "2022-02-17 14:00")
        await press(pilot, "enter")
        assert isinstance(app.screen, DecksScreen)
        assert any("Briefing of mini set for Thu 2022-02-17 14:00" in n.message
                   for n in app._notifications)
        row = await deck_row(pilot)
        assert "3d 4h · 0%" in row  # countdown and readiness (nothing studied yet)
    assert stored_target(paths) == TARGET


async def test_target_dialog_shows_errors_inline_and_stores_nothing(
        make_app: MakeApp, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "t")
        await type_text(pilot, "next thursday")
        await press(pilot, "enter")
        assert isinstance(app.screen, TargetScreen)
        text = screen_text(app)
        assert "✗ cannot read the briefing time: 'next thursday' has no time of day" in text
        await press(pilot, "ctrl+u")  # typing again hides the error
        assert "✗" not in screen_text(app)
        await type_text(pilot, "2022-02-13 14:00")
        await press(pilot, "enter")
        assert "is in the past" in screen_text(app)
        await press(pilot, "ctrl+u")
        await type_text(pilot, "2022-02-30 14:00")
        await press(pilot, "enter")
        assert "is not a real date and time" in screen_text(app)
        await press(pilot, "escape")
        assert isinstance(app.screen, DecksScreen)
    assert stored_target(paths) is None


async def test_target_dialog_shows_the_current_time_and_clears_it(
        make_app: MakeApp, paths: Paths) -> None:
    set_target(paths)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "t")
        text = screen_text(app)
        assert "Briefing: Thu 2022-02-17 14:00  ·  in 3 days 4 hours" in text
        assert "Readiness then: 0.0%" in text and "weakest: figures 0%, people 0%" in text
        assert "2022-02-17 14:00" in text  # the input holds the current time, ready to edit
        await press(pilot, "ctrl+r")
        assert isinstance(app.screen, DecksScreen)
        row = await deck_row(pilot)
        assert row.split()[6] == "—"
        await press(pilot, "t", "ctrl+r")  # nothing left to clear: said in the dialog
        assert "no briefing time to clear" in screen_text(app)
    assert stored_target(paths) is None


async def test_briefing_session_saves_ordinary_reviews_and_readiness_rises(
        make_app: MakeApp, paths: Paths, clock: FrozenClock) -> None:
    set_target(paths)
    app = make_app()
    answered: list[ItemKey] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "g")
        assert isinstance(app.screen, BriefingStudyScreen)
        assert header(app).startswith("Mini deck")
        assert readiness_line(app) == (0.0, None)
        readiness = [0.0]
        for _ in range(3):
            answered.append(await answer_good(pilot))
            clock.advance(timedelta(seconds=20))
            assert "✓ saved Good" in header(app)
            value, change = readiness_line(app)
            assert value > readiness[-1] and change == f"+{value - readiness[-1]:.1f}"
            assert " ± " in screen_text(app).splitlines()[1]  # few reviews yet: a wide band
            readiness.append(value)
        await press(pilot, "escape")
        assert isinstance(app.screen, BriefingSummaryScreen)
        text = screen_text(app)
        assert "Briefing session for Thu 2022-02-17 14:00" in text
        assert f"Readiness:  0.0% → {readiness[-1]:.1f}%" in text
        assert "Stopped:    you ended the session (readiness goal 90%)." in text
        assert "Reviewed:   3 answers (3 cards)" in text
        await press(pilot, "enter")
        assert isinstance(app.screen, DecksScreen)
        row = await deck_row(pilot)
        assert f"· {int(readiness[-1])}%" in row
    with Store.open(paths.data_file, readonly=True) as store:
        reviews = list(store.reviews())
        assert [r.key for r in reviews] == answered
        assert all(not r.undone and r.rating == 3 for r in reviews)
        assert store.mock_tests() == []  # ordinary reviews, not a rehearsal
        for key in answered:
            state = store.get(key)
            assert state is not None and state.card is not None  # scheduled by FSRS as usual


async def test_briefing_session_stops_when_readiness_reaches_the_threshold(
        make_app: MakeApp, paths: Paths, clock: FrozenClock) -> None:
    set_target(paths, T0 + timedelta(hours=2))  # same day: a right answer counts fully
    app = make_app(threshold=0.25)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        app.start_briefing("mini")
        await settle(pilot)
        for _ in range(7):
            if not isinstance(app.screen, BriefingStudyScreen):
                break
            await answer_good(pilot)
            clock.advance(timedelta(seconds=20))
        assert isinstance(app.screen, BriefingSummaryScreen)
        text = screen_text(app)
        assert "has reached the 25% threshold for Mon 2022-02-14 11:30." in text


async def test_briefing_key_without_a_time_asks_for_one_then_starts(
        make_app: MakeApp, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "g")
        assert isinstance(app.screen, TargetScreen)
        assert "Set the time of the briefing first" in screen_text(app)
        await type_text(pilot, "2022-02-17 14:00")
        await press(pilot, "enter")
        assert isinstance(app.screen, BriefingStudyScreen)
        assert readiness_line(app) == (0.0, None)
    assert stored_target(paths) == TARGET


async def test_briefing_and_target_are_palette_commands(make_app: MakeApp) -> None:
    from briefing_quiz.ui.commands import ScreenCommands

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        titles = [hit.text async for hit in ScreenCommands(app.screen).discover()]
        assert "Briefing time" in titles and "Briefing study" in titles and "Stats" in titles


async def test_app_opens_straight_into_a_briefing_session(make_app: MakeApp,
                                                         paths: Paths) -> None:
    set_target(paths)
    app = make_app(briefing="mini")
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(20):
            await settle(pilot)
            if isinstance(app.screen, BriefingStudyScreen):
                break
        assert isinstance(app.screen, BriefingStudyScreen)
        assert app.screen_stack[1] is app.decks_screen  # esc leads back to the decks
    unknown = make_app(briefing="nope")
    async with unknown.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert isinstance(unknown.screen, DecksScreen)
        assert any("No deck 'nope'" in n.message for n in unknown._notifications)


def test_cli_study_briefing_or_test_without_plain_runs_the_app(paths: Paths,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing_quiz import cli

    calls: list[tuple[str | None, float | None, tuple[str, int] | None]] = []

    def fake_run_app(_paths: Paths, *, briefing: str | None = None,
                     threshold: float | None = None,
                     mock_test: tuple[str, int] | None = None) -> int:
        calls.append((briefing, threshold, mock_test))
        return 0

    monkeypatch.setattr("briefing_quiz.ui.app.run_app", fake_run_app)
    args = argparse.Namespace(briefing=True, test=None, threshold=0.8, plain=False,
                              deck_ids=["mini"], seed=None)
    assert cli._cmd_study(args, paths) == 0
    args = argparse.Namespace(briefing=False, test=4, threshold=None, plain=False,
                              deck_ids=["mini"], seed=None)
    assert cli._cmd_study(args, paths) == 0
    assert calls == [("mini", 0.8, None), (None, None, ("mini", 4))]


async def test_mock_test_scores_lists_misses_and_leaves_scheduling_alone(
        make_app: MakeApp, paths: Paths) -> None:
    from briefing_quiz.ui.screens.mock_test import MockResultScreen, MockTestScreen

    with Store.open(paths.data_file) as store:
        store.set_briefing_target("mini", TARGET, now=T0)  # opens (creates) the file
    app = make_app()
    asked: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "m")
        screen = app.screen
        assert isinstance(screen, MockTestScreen)
        for _ in range(10):
            if not isinstance(app.screen, MockTestScreen) or screen.entry is None:
                break
            assert screen.phase == "question"
            asked.append(screen.entry.card.type)
            assert f"question {len(asked)} of 6" in screen_text(app)
            # Wrong answers for everything but the true/false card (the statement is true); the
            # cloze gaps are shown with space, which counts as a miss.
            key = {"truefalse": "t", "choice": "2", "cloze": "space"}.get(
                screen.entry.card.type, "enter")
            await press(pilot, key)
            assert screen.phase == "answered" and "scheduling unchanged" in header(app)
            await press(pilot, "enter")
        assert isinstance(app.screen, MockResultScreen)
        text = screen_text(app)
        # Every auto-checked item of the deck (both gaps of the cloze card), no basic card.
        assert sorted(asked) == ["choice", "cloze", "cloze", "order", "truefalse", "typed"]
        assert "Mock test of mini: 1 of 6 right (16%)" in text
        assert "Missed — the right answers:" in text and "→ 130,000" in text
        assert "Your schedule is unchanged" in text
        await press(pilot, "enter")
        assert isinstance(app.screen, DecksScreen)
    with Store.open(paths.data_file, readonly=True) as store:
        assert list(store.reviews()) == [] and store.states() == {}
        (test,) = store.mock_tests()
        assert (test.planned, test.right, len(test.answers)) == (6, 1, 6)


async def test_mock_test_from_the_command_line_and_ended_early(make_app: MakeApp,
                                                              paths: Paths) -> None:
    from briefing_quiz.ui.screens.mock_test import MockResultScreen, MockTestScreen

    app = make_app(mock_test=("mini", 2))
    async with app.run_test(size=(100, 30)) as pilot:
        await mock_question(pilot)
        assert isinstance(app.screen, MockTestScreen)
        assert "question 1 of 2" in screen_text(app)
        await press(pilot, "escape")
        assert isinstance(app.screen, MockResultScreen)
        assert "Nothing was answered, so nothing was kept." in screen_text(app)
    with Store.open(paths.data_file, readonly=True) as store:
        assert store.mock_tests() == []
