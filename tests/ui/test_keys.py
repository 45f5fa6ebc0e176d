"""Keys of one's own (issue 18 item 10): `[keys]` in the settings rebinds the app's actions; the
key bar and the help show the user's keys; mistakes are located errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from briefing_quiz.config import loads_config
from briefing_quiz.core.errors import ConfigError
from briefing_quiz.keymap import ACTIONS
from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.browse import BrowseScreen
from briefing_quiz.ui.screens.decks import DecksScreen
from briefing_quiz.ui.screens.help import HelpScreen
from briefing_quiz.ui.screens.study import StudyScreen
from tests.ui.conftest import press, ready, screen_text

MakeApp = Callable[..., QuizApp]


def test_every_action_id_is_a_binding_of_its_screen() -> None:
    screens = {"decks": DecksScreen, "study": StudyScreen, "browse": BrowseScreen}
    ids = {getattr(b, "id", None) for cls in screens.values() for b in cls.BINDINGS}
    assert set(ACTIONS) <= ids


@pytest.mark.parametrize(("text", "said"), [
    ('[keys]\n"study.undoo" = "z"\n', 'c.toml:2: unknown action "study.undoo" in [keys]; '
                                      'did you mean "study.undo"?'),
    ('[keys]\n"study.bury" = "e"\n', 'c.toml:2: "study.edit" and "study.bury" both use \'e\''),
    ('[keys]\n"decks.stats" = "ctrl + s"\n', "'ctrl + s' is not a key name"),
    ('[keys]\n"study.info" = "t"\n', "'t' is taken on the study screen"),
    ('[keys]\n"decks.browse" = "?"\n', "'question_mark' is taken on the decks screen"),
    ("keys = 3\n", 'c.toml:1: "keys" must be a table'),
])
def test_mistakes_are_located(text: str, said: str) -> None:
    with pytest.raises(ConfigError) as caught:
        loads_config(text, Path("c.toml"))
    assert said in str(caught.value)


async def test_the_users_keys_work_and_show(make_app: MakeApp, paths: Paths) -> None:
    paths.config_file.write_text('[keys]\n"decks.browse" = "B"\n"study.undo" = "z"\n',
                                 encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        text = screen_text(app)
        assert " B Browse" in text and " b Browse" not in text
        await press(pilot, "b")
        assert isinstance(app.screen, DecksScreen)
        await press(pilot, "B")
        assert isinstance(app.screen, BrowseScreen)
        await press(pilot, "escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "undo the last answer (study.undo, instead of u ctrl+z)" in screen_text(app)
        await press(pilot, "escape", "enter", "space", "3", "escape")  # typed card: card keys
        assert " z Undo" in screen_text(app)
        await press(pilot, "z")
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.entry is not None
        assert screen.entry.key.card_id == "basic-capital"  # undone


async def test_a_rebound_key_warns_of_no_clash_with_itself(make_app: MakeApp,
                                                           paths: Paths) -> None:
    paths.config_file.write_text('[keys]\n"study.undo" = "z"\n', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space", "3")
        assert not any("[keys]" in n.message for n in app._notifications)
