"""Card text is data: markup, escape sequences and huge strings in any field show literally."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.browse import BrowseScreen
from briefing_quiz.ui.screens.study import StudyScreen
from briefing_quiz.ui.screens.summary import SummaryScreen
from briefing_quiz.ui.widgets.cards import ChoiceController
from tests.ui.conftest import press, ready, screen_text, settle

MARKUP = "[bold red]RED[/] [@click=app.quit]QUIT[/] [link=https://example.com]L[/link] $accent"
ESCAPES = "\x1b[31mESC\x1b[0m \x1b]0;pwned\x07 \x9b2J \u202eRTL\r\n"
HOSTILE = MARKUP + " " + ESCAPES
LONG = ("wrap me " * 700)[:5000]


def toml(value: object) -> str:
    """A TOML value (JSON strings and arrays are valid TOML)."""
    return json.dumps(value, ensure_ascii=False)


def hostile_deck() -> str:
    h, long_ = HOSTILE, LONG
    items = ["[b]first[/b]", "\x1b[2Jsecond", h, long_]
    common = f"tags = {toml([h, 'x' * 300])}\nexplain = {toml(h + long_)}\nsource = {toml(h)}\n"
    return f"""format = 1
[deck]
id = "hostile"
title = {toml(h)}
description = {toml(h + long_)}

[deck.source]
author = {toml(h)}
title = {toml(h)}
publisher = {toml(long_)}

[[cards]]
id = "b"
type = "basic"
question = {toml(h + long_)}
answer = {toml(h + long_)}
{common}
[[cards]]
id = "t"
type = "typed"
question = {toml(h)}
answer = {toml(h)}
accept = {toml([h])}
{common}
[[cards]]
id = "c"
type = "choice"
question = {toml(h)}
choices = {toml([h, long_, "[/]", "plain"])}
answer = {toml(h)}
{common}
[[cards]]
id = "tf"
type = "truefalse"
statement = {toml(h + long_)}
answer = true
{common}
[[cards]]
id = "z"
type = "cloze"
text = {toml(h + " {{c1::" + MARKUP + "::[hint]}} " + long_)}
{common}
[[cards]]
id = "o"
type = "order"
question = {toml(h)}
items = {toml(items)}
{common}
"""


def assert_literal(app: QuizApp) -> None:
    text = screen_text(app)
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text and "\r" not in text
    assert app.is_running and app.return_code is None


async def test_hostile_deck_renders_literally_everywhere(
        make_app: Callable[..., QuizApp], paths: Paths, deck_dir: Path) -> None:
    (deck_dir / "mini.toml").unlink()
    (deck_dir / "hostile.toml").write_text(hostile_deck(), encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert "hostile" in screen_text(app)
        assert "[bold red]RED[/]" in screen_text(app)  # the deck title, in the table
        assert_literal(app)
        await press(pilot, "enter")
        assert isinstance(app.screen, StudyScreen)
        seen: set[str] = set()
        for _ in range(12):
            screen = app.screen
            if not isinstance(screen, StudyScreen) or screen.entry is None:
                break
            text = screen_text(app)
            assert_literal(app)
            if screen.entry.card.type != "truefalse" and screen.entry.card.type != "basic":
                assert "[bold red]RED[/] [@click=app.quit]QUIT[/]" in text, text
                assert "␛[31mESC␛[0m" in text
            seen.add(screen.entry.card.type)
            await pilot.click("#card")  # a click on "[@click=app.quit]" text does nothing
            assert app.is_running
            await answer_wrong(pilot, screen.entry.card.type)
            assert_literal(app)
            assert "✗ Wrong" in screen_text(app) or "Grade yourself" in screen_text(app)
            if screen.entry.card.type == "basic":
                scroll = screen.query_one("#card-scroll")
                await press(pilot, "pagedown")  # long text scrolls
                assert scroll.scroll_y > 0
            await press(pilot, "1")
        assert seen == {"basic", "typed", "choice", "truefalse", "cloze", "order"}
        await press(pilot, "escape")
        assert isinstance(app.screen, SummaryScreen)
        assert_literal(app)
        assert "[bold red]RED[/]" in screen_text(app)
        await press(pilot, "enter", "b")
        assert isinstance(app.screen, BrowseScreen)
        assert_literal(app)
        assert "[bold red]RED[/]" in screen_text(app)
        await press(pilot, "end")
        assert_literal(app)


async def answer_wrong(pilot: Pilot[int], kind: str) -> None:
    if kind in ("basic",):
        await press(pilot, "space")
    elif kind in ("typed", "cloze"):
        await pilot.press(*"[b]x[/b]")
        await press(pilot, "enter")
        card = pilot.app.screen.query_one("#card", Static)
        assert "You wrote: [b]x[/b]" in str(card.content)
    elif kind == "choice":
        app = pilot.app
        assert isinstance(app.screen, StudyScreen)
        controller = app.screen.controller
        assert isinstance(controller, ChoiceController)
        await press(pilot, str(controller.order.index("plain") + 1))
    elif kind == "truefalse":
        await press(pilot, "f")
    else:
        await press(pilot, "enter")


def hostile_open_deck() -> str:
    h = HOSTILE
    return f"""format = 1
[deck]
id = "hostile"
title = {toml(h)}

[[cards]]
id = "p"
type = "open"
question = {toml("Q " + h)}
points = [{{ label = {toml("L " + h)}, terms = ["term", {toml("t " + h)}] }},
          {{ label = {toml("M " + h)}, terms = [{toml("u " + h)}] }}]
answer = {toml("A " + h)}
explain = {toml("E " + h)}
source = {toml("S " + h)}
tags = [{toml("g " + h)}]
"""


async def test_open_card_card_info_and_custom_study_show_hostile_text_literally(
        make_app: Callable[..., QuizApp], paths: Paths, deck_dir: Path) -> None:
    """The surfaces added since the first hostile-deck test: a custom study whose search holds
    escapes (its header), an open card (question, points, verdict, answer) and card info."""
    from briefing_quiz.core.study.custom import CustomFilter
    from briefing_quiz.ui.screens.card_info import CardInfoScreen

    (deck_dir / "mini.toml").unlink()
    (deck_dir / "hostile.toml").write_text(hostile_open_deck(), encoding="utf-8")
    search = "\x1b[31mESC\x1b[0m \x1b]0;pwned\x07"
    app = make_app(custom=(None, CustomFilter(search=search), False))
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(50):
            await settle(pilot)
            if isinstance(app.screen, StudyScreen) and app.screen.entry is not None:
                break
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.entry is not None
        assert screen.entry.card.type == "open"
        assert_literal(app)
        assert "␛[31mESC␛[0m" in screen_text(app)  # the question, and the search in the header
        await pilot.press(*"term")
        await press(pilot, "ctrl+s")
        text = screen_text(app)
        assert_literal(app)
        assert "[bold red]RED[/]" in text  # the points' labels and the answer, markup as typed
        await press(pilot, "escape", "i")
        assert isinstance(app.screen, CardInfoScreen)
        assert_literal(app)
        assert "␛[31mESC␛[0m" in screen_text(app)
