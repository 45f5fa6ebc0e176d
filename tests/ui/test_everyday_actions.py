"""Pilot tests: Anki's everyday card actions in browse and study (issue 18 item 4): flag with a
note (listed in browse, filtered by `is:flagged`), forget (back to new, history kept) and set
due date (echoed back), each asserted on the progress file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import fsrs
from fsrs import Rating
from textual.widgets import Input

from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler, fsrs_card_id
from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.browse import BrowseScreen
from briefing_quiz.ui.screens.card_actions import DueDateScreen, FlagScreen, ForgetScreen
from briefing_quiz.ui.screens.study import StudyScreen
from tests.conftest import T0
from tests.ui.conftest import press, ready, screen_text

MakeApp = Callable[..., QuizApp]
BASIC = ItemKey("mini", "basic-capital", 0)
UTC = timezone.utc


def studied(paths: Paths, rating: Rating = Rating.Again, at: datetime = T0 - timedelta(days=1)
            ) -> None:
    """A review of the basic card before the app starts (Again a day ago: due now)."""
    sched = Scheduler()

    def schedule(prev: fsrs.Card | None) -> fsrs.Card:
        return sched.review(prev or sched.new_card(fsrs_card_id(BASIC)), rating, at)

    with Store.open(paths.data_file) as store:
        store.record_review(BASIC, rating, reviewed_at=at, duration_ms=1000, content_hash="h",
                            schedule=schedule)


def stored(paths: Paths) -> Store:
    return Store.open(paths.data_file, readonly=True)


async def to_basic_in_browse(pilot, app: QuizApp) -> BrowseScreen:  # type: ignore[no-untyped-def]
    await ready(pilot)
    await press(pilot, "b")
    screen = app.screen
    assert isinstance(screen, BrowseScreen)
    row = next(i for i, r in enumerate(screen.shown) if r.row.key == BASIC)
    await press(pilot, *["down"] * row)
    return screen


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await press(pilot, *[{" ": "space", ":": "colon", "-": "minus"}.get(c, c) for c in text])


async def test_flag_with_a_note_from_browse_is_listed_filtered_and_removed(
        make_app: MakeApp, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await to_basic_in_browse(pilot, app)
        await press(pilot, "asterisk")
        assert isinstance(app.screen, FlagScreen)
        await type_text(pilot, "answer wrong")
        await press(pilot, "enter")
        assert app.screen is screen
        with stored(paths) as store:
            flags = store.marks.flags()
            assert list(flags) == [BASIC] and flags[BASIC].note == "answer wrong"
        row = next(r for r in screen.shown if r.row.key == BASIC)
        assert row.row.flag == "answer wrong" and "⚑" in row.cells
        text = screen_text(app)
        assert "⚑ Flagged: answer wrong" in text and "1 flagged" in text
        # The search keeps the flagged cards only.
        await press(pilot, "slash")
        await type_text(pilot, "is:flagged")
        assert [r.row.key for r in screen.shown] == [BASIC]
        await press(pilot, "enter", "asterisk")
        assert isinstance(app.screen, FlagScreen)
        assert app.screen.query_one(Input).value == "answer wrong"
        await press(pilot, "ctrl+r")
        assert screen.shown == []  # no longer flagged: the filter leaves nothing
    with stored(paths) as store:
        assert store.marks.flags() == {}
        assert store.states() == {}  # a flag schedules nothing


async def test_forget_from_browse_puts_the_card_back_to_new_and_keeps_its_history(
        make_app: MakeApp, paths: Paths) -> None:
    studied(paths)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await to_basic_in_browse(pilot, app)
        await press(pilot, "N")
        assert isinstance(app.screen, ForgetScreen)
        await press(pilot, "escape")  # cancelled: nothing written
        with stored(paths) as store:
            assert not store.get(BASIC).is_new  # type: ignore[union-attr]
        await press(pilot, "N", "y")
        assert app.screen is screen
        assert next(r for r in screen.shown if r.row.key == BASIC).row.phase == "new"
        assert any("new again" in n.message for n in app._notifications)
    with stored(paths) as store:
        state = store.get(BASIC)
        assert state is not None and state.is_new and state.reps == 1
        assert len(store.history(BASIC)) == 1
        store_rows = store.states()
    with Store.open(paths.data_file) as store:
        store.rebuild()
        assert store.states() == store_rows


async def test_forget_and_set_due_on_a_new_card_in_browse_say_so_and_write_nothing(
        make_app: MakeApp, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await to_basic_in_browse(pilot, app)
        await press(pilot, "N", "D")
        assert app.screen is screen
        messages = [n.message for n in app._notifications]
        assert any("is new already" in m for m in messages)
        assert any("no due date to set" in m for m in messages)
    with stored(paths) as store:
        assert store.states() == {} and store.marks.flags() == {}


async def test_set_due_from_browse_echoes_the_date_and_saves_it(
        make_app: MakeApp, paths: Paths) -> None:
    studied(paths, Rating.Good, T0 - timedelta(days=1))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await to_basic_in_browse(pilot, app)
        await press(pilot, "D")
        assert isinstance(app.screen, DueDateScreen)
        await type_text(pilot, "tomorow")
        await press(pilot, "enter")  # not read: the dialog stays and says why
        assert isinstance(app.screen, DueDateScreen)
        assert "cannot read the due date" in screen_text(app)
        field = app.screen.query_one(Input)
        field.value = ""
        await type_text(pilot, "in 3 days")
        assert "→ due Thu 2022-02-17 04:00 (in 3d)" in screen_text(app)
        await press(pilot, "enter")
        assert app.screen is screen
        assert any("is due Thu 2022-02-17 04:00" in n.message for n in app._notifications)
    with stored(paths) as store:
        state = store.get(BASIC)
        assert state is not None and state.due == datetime(2022, 2, 17, 4, tzinfo=UTC)
        assert state.reps == 1 and state.card is not None


async def test_flag_forget_and_set_due_while_studying(make_app: MakeApp, paths: Paths) -> None:
    studied(paths)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "a")  # everything due: the basic card, in learning
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.entry is not None
        assert screen.entry.key == BASIC
        await press(pilot, "asterisk")
        assert isinstance(app.screen, FlagScreen)
        await type_text(pilot, "typo")
        await press(pilot, "enter")
        assert app.screen is screen and screen.entry is not None and screen.entry.key == BASIC
        await press(pilot, "D")
        assert isinstance(app.screen, DueDateScreen)
        await type_text(pilot, "2")
        await press(pilot, "enter")
        assert app.screen is not screen or screen.entry is None or screen.entry.key != BASIC
    with stored(paths) as store:
        assert store.marks.flags()[BASIC].note == "typo"
        state = store.get(BASIC)
        assert state is not None and state.due == datetime(2022, 2, 16, 4, tzinfo=UTC)


async def test_forget_while_studying_goes_on_to_the_next_card(
        make_app: MakeApp, paths: Paths) -> None:
    studied(paths)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter")  # the deck: the learning card first
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.entry is not None
        assert screen.entry.key == BASIC
        await press(pilot, "N")
        assert isinstance(app.screen, ForgetScreen)
        await press(pilot, "y")
        assert app.screen is screen and screen.entry is not None and screen.entry.key != BASIC
        assert any("new again" in n.message for n in app._notifications)
        with stored(paths) as store:
            state = store.get(BASIC)
            assert state is not None and state.is_new and len(store.history(BASIC)) == 1
        await press(pilot, "escape", "u")  # (the next card is typed) undone: the card is back
        assert screen.entry is not None and screen.entry.key == BASIC
    with stored(paths) as store:
        state = store.get(BASIC)
        assert state is not None and state.phase == "learning" and state.reps == 1


async def test_the_new_actions_are_rebindable_in_keys(make_app: MakeApp, paths: Paths) -> None:
    paths.config_file.write_text('[keys]\n"browse.flag" = "F"\n"browse.forget" = "ctrl+n"\n',
                                 encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await to_basic_in_browse(pilot, app)
        await press(pilot, "asterisk")
        assert not isinstance(app.screen, FlagScreen)
        await press(pilot, "F")
        assert isinstance(app.screen, FlagScreen)


async def test_card_info_shows_the_flag_and_a_forgotten_card(
        make_app: MakeApp, paths: Paths) -> None:
    from briefing_quiz.ui.screens.card_info import CardInfoScreen

    studied(paths)
    with Store.open(paths.data_file) as store:
        store.marks.flag(BASIC, "answer wrong", at=T0)
        store.marks.forget(BASIC, at=T0)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await to_basic_in_browse(pilot, app)
        await press(pilot, "i")
        assert isinstance(app.screen, CardInfoScreen)
        text = screen_text(app)
        assert "Flagged      answer wrong" in text
        assert "new: forgotten (back to new), reviewed before" in text
        assert "Review history" in text and "2022-02-13 09:30  Again" in text
