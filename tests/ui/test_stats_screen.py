"""The statistics screen shows, for a scripted review history, the numbers core.study.statistics computes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import fsrs
from fsrs import Rating

from briefing_quiz.config import Config
from briefing_quiz.core.deckfile import load_deck
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler, fsrs_card_id
from briefing_quiz.core.study.briefing_session import briefing_status
from briefing_quiz.core.study.formatting import percent_text
from briefing_quiz.core.study.statistics import due_forecast, readiness_band
from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.decks import DecksScreen
from briefing_quiz.ui.screens.stats import StatsScreen
from tests.conftest import T0
from tests.ui.conftest import press, ready, screen_text

MakeApp = Callable[..., QuizApp]
UTC = timezone.utc
TARGET = datetime(2022, 2, 17, 14, 0, tzinfo=UTC)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2022, 2, day, hour, 0, tzinfo=UTC)


def first_review(store: Store, card_id: str, when: datetime, due: datetime) -> None:
    """A first answer that puts the item straight into the review phase, due at `due`."""
    key = ItemKey("mini", card_id)
    card = fsrs.Card(card_id=fsrs_card_id(key), state=fsrs.State.Review, stability=5.0,
                     difficulty=5.0, due=due, last_review=when)
    store.record_review(key, Rating.Good, reviewed_at=when, duration_ms=8000,
                        content_hash="h", schedule=lambda _prev: card)


def review(store: Store, card_id: str, rating: Rating, when: datetime) -> None:
    key = ItemKey("mini", card_id)
    sched = Scheduler()

    def schedule(prev: fsrs.Card | None) -> fsrs.Card:
        assert prev is not None
        return sched.review(prev, rating, when)

    store.record_review(key, rating, reviewed_at=when, duration_ms=8000, content_hash="h",
                        schedule=schedule)


def script_history(paths: Paths) -> None:
    """Six reviews on four days (Feb 7, 12, 13, 14); two of them of learned cards in the week of
    Feb 7, one recalled and one forgotten; a briefing on Feb 17."""
    with Store.open(paths.data_file) as store:
        first_review(store, "basic-capital", at(7), due=at(12))
        first_review(store, "typed-troops", at(7), due=at(14, 8))
        first_review(store, "choice-advisor", at(7), due=at(13))
        review(store, "basic-capital", Rating.Good, at(12))
        review(store, "choice-advisor", Rating.Again, at(13))
        first_review(store, "truefalse-poland", at(14, 9), due=at(16))
        store.set_briefing_target("mini", TARGET, now=T0)


async def test_stats_screen_shows_the_scripted_history(make_app: MakeApp, paths: Paths,
                                                       deck_dir: object) -> None:
    script_history(paths)
    with Store.open(paths.data_file, readonly=True) as store:
        deck = load_deck(paths.deck_dirs[0] / "mini.toml")
        forecast = due_forecast(store, deck, 30, now=T0, tz=UTC, hour=4)
        status = briefing_status(deck, store, Config(), now=T0)
    assert status is not None and status.readiness is not None
    today, week = forecast[0].count, sum(d.count for d in forecast[:7])
    assert today == 2  # typed-troops due this morning; choice-advisor relearning since Feb 13

    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await press(pilot, "s")
        assert isinstance(app.screen, StatsScreen)
        text = screen_text(app)
        assert "Statistics · mini — Mini deck: one card of each type" in text
        assert "Briefing: Thu 2022-02-17 14:00  ·  in 3 days 4 hours" in text
        # Two reviews had a forecast (the two second reviews): the band is that wide (issue 13).
        band = round(readiness_band(status.readiness.overall, 2) * 100)
        assert f"Readiness then: {percent_text(status.readiness.overall)} ± {band} (expected " \
               "recall of 7 items)" in text
        assert "Forecasts vs your answers: 2 reviews · forecast " in text
        assert "right 50% · calibration error " in text
        assert "FSRS parameters: fsrs' defaults" in text
        assert f"Due, next 30 days: {today} today · {week} in 7 days · 4 in all" in text
        assert "Reviews, last 8 weeks: 6 on 4 days · most 3 on Feb 7 · 1 today" in text
        assert "True retention, last 8 weeks: 50% recalled of 2 reviews of learned cards" in text
        lines = text.splitlines()
        table = next(i for i, line in enumerate(lines) if "Week of" in line)
        # The screen now scrolls (more charts below): its scrollbar's thumb can end a row.
        bar = set("▁▂▃▄▅▆▇█▔▏▎▍▌▋▊▉▐▕")
        weeks, reviews, recalled = ([t for t in lines[table + i].split() if not set(t) <= bar]
                                     for i in range(3))
        assert reviews[0] == "Reviews" and recalled[0] == "Recalled"
        # The last two weeks: Feb 7 (2 reviews of learned cards, one recalled) and this week.
        assert weeks[-4:] == ["Feb", "7", "Feb", "14"]
        assert reviews[-2:] == ["2", "—"] and recalled[-2:] == ["50%", "—"]
        await press(pilot, "escape")
        assert isinstance(app.screen, DecksScreen)


async def test_stats_screen_changes_deck_and_sets_the_briefing(make_app: MakeApp, paths: Paths,
                                                               deck_dir: object) -> None:
    from pathlib import Path

    assert isinstance(deck_dir, Path)
    (deck_dir / "second.toml").write_text(
        'format = 1\n[deck]\nid = "second"\ntitle = "Second deck"\n\n[[cards]]\nid = "a"\n'
        'type = "truefalse"\nstatement = "s"\nanswer = false\n', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await press(pilot, "s")
        text = screen_text(app)
        assert "Statistics · mini" in text and "deck 1 of 2" in text
        assert "Briefing: no time set · press t to set one" in text
        assert "Reviews, last 8 weeks: none yet" in text
        await press(pilot, "right")
        assert "Statistics · second" in screen_text(app)
        await press(pilot, "right")
        assert "Statistics · mini" in screen_text(app)
        await press(pilot, "t", *"2022-02-17", "space", *"14:00", "enter")
        assert isinstance(app.screen, StatsScreen)
        assert "Briefing: Thu 2022-02-17 14:00" in screen_text(app)
    with Store.open(paths.data_file, readonly=True) as store:
        assert store.briefing_target("mini") == TARGET


async def test_stats_screen_shows_the_source_coverage(make_app: MakeApp, paths: Paths,
                                                      deck_dir: object) -> None:
    from pathlib import Path

    assert isinstance(deck_dir, Path)
    (deck_dir / "memo.txt").write_text("Some 130,000 troops were massed near the border.\n"
                                       "Talks in Geneva failed on February 11.\n",
                                       encoding="utf-8")
    (deck_dir / "sourced.toml").write_text(
        'format = 1\n[deck]\nid = "sourced"\ntitle = "Sourced"\n[deck.source]\n'
        'file = "memo.txt"\n\n[[cards]]\nid = "a"\ntype = "truefalse"\n'
        'statement = "Some 130,000 troops"\nanswer = true\n'
        'source = "Some 130,000 troops were massed"\n', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await press(pilot, "s")
        assert "Statistics · mini" in screen_text(app)
        assert "source coverage" not in screen_text(app)  # the mini deck names no source file
        await press(pilot, "right")
        text = screen_text(app)
        assert "Statistics · sourced" in text
        assert "source coverage 50%: 1 of 2 fact-bearing sentences quoted by a card" in text


async def test_the_daily_charts_grow_with_the_terminal(make_app: MakeApp, paths: Paths,
                                                      deck_dir: object) -> None:
    """Issue 18 item 8: whole columns per day, as many as the width allows (2 per forecast day
    and 1 per past day at 80 columns)."""
    from textual.widgets import Sparkline

    from briefing_quiz.ui.screens.stats import columns_per_day

    assert columns_per_day(30, 76, 2) == 2 and columns_per_day(30, 156, 2) == 5
    assert columns_per_day(56, 76, 1) == 1 and columns_per_day(0, 76, 1) == 1
    script_history(paths)
    widths = {}
    for size in ((80, 24), (160, 50)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await ready(pilot)
            await press(pilot, "s")
            forecast = app.screen.query_one("#forecast-chart", Sparkline)
            reviews = app.screen.query_one("#reviews-chart", Sparkline)
            widths[size[0]] = (forecast.size.width, reviews.size.width)
            assert widths[size[0]][1] <= size[0] and widths[size[0]][0] <= size[0]
    assert widths[80] == (60, 56)
    assert widths[160][0] > 120 and widths[160][0] % 30 == 0
    assert widths[160][1] >= 112 and widths[160][1] % 56 == 0
