"""Edit in place (e): the card's deck file opens in $VISUAL/$EDITOR at the card's line, the deck is
read again and the session goes on with the new text; progress is kept (same id); a deck left
with errors is reported and the loaded version stays in use.

The editor is a stub: a small Python script that replaces EDIT_OLD by EDIT_NEW in the file it is
given and logs its arguments. Under run_test Textual cannot suspend, so the editor runs without
the terminal handed over; one test replaces `App.suspend` to check the suspended path.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Select

from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.store import Store
from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.editor import (
    BundledDeckScreen,
    DeckErrorsScreen,
    NoEditorError,
    editor_command,
)
from briefing_quiz.ui.screens.browse import BrowseScreen
from briefing_quiz.ui.screens.study import StudyScreen
from tests.conftest import FrozenClock
from tests.ui.conftest import press, ready, screen_text, settle

MakeApp = Callable[..., QuizApp]
OLD_QUESTION = "What is the capital of Ukraine?"
NEW_QUESTION = "Which city is the capital of Ukraine?"
STUB = '''\
import os, pathlib, sys
pathlib.Path(os.environ["EDIT_LOG"]).open("a").write(" ".join(sys.argv[1:]) + "\\n")
path = pathlib.Path(sys.argv[-1])
text = path.read_text(encoding="utf-8")
path.write_text(text.replace(os.environ["EDIT_OLD"], os.environ["EDIT_NEW"]), encoding="utf-8")
'''


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stub editor set as $VISUAL, named `vim` (so it is given +LINE); returns its log."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "vim"
    script.write_text(f"#!{sys.executable}\n{STUB}", encoding="utf-8")
    script.chmod(0o755)
    log = tmp_path / "editor.log"
    monkeypatch.setenv("VISUAL", shlex.join([str(script)]))
    monkeypatch.setenv("EDIT_LOG", str(log))
    monkeypatch.setenv("EDIT_OLD", OLD_QUESTION)
    monkeypatch.setenv("EDIT_NEW", NEW_QUESTION)
    return log


def history(paths: Paths) -> list[tuple[str, int, bool]]:
    with Store.open(paths.data_file, readonly=True) as store:
        return [(str(r.key), int(r.rating), r.undone) for r in store.reviews()]


def study_screen(app: QuizApp) -> StudyScreen:
    assert isinstance(app.screen, StudyScreen), type(app.screen).__name__
    return app.screen


async def test_edit_in_study_reloads_the_card_and_keeps_its_progress(
        make_app: MakeApp, paths: Paths, deck_dir: Path, editor: Path,
        clock: FrozenClock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space", "1", "escape", "escape", "enter")  # Again: 1m
        clock.advance(timedelta(minutes=2))
        await press(pilot, "a")
        screen = study_screen(app)
        assert screen.entry is not None and screen.entry.key.card_id == "basic-capital"
        with Store.open(paths.data_file, readonly=True) as store:
            before = store.get(ItemKey("mini", "basic-capital"))
        await press(pilot, "e")
        assert editor.read_text().split() == ["+12", str(deck_dir / "mini.toml")]
        assert NEW_QUESTION in (deck_dir / "mini.toml").read_text(encoding="utf-8")
        text = screen_text(app)
        assert NEW_QUESTION in text and OLD_QUESTION not in text
        assert "✎ edited" in text and "⚠ changed since you last saw it" in text
        # No 'file:line:' prefix ending in a colon (issue 17 bug 9): the place is said in words.
        assert any(f"mini.toml read again (6 cards; the card is at {deck_dir / 'mini.toml'}:12)"
                   in n.message for n in app._notifications)
        with Store.open(paths.data_file, readonly=True) as store:
            assert store.get(ItemKey("mini", "basic-capital")) == before  # same id, same progress
        await press(pilot, "space", "3")
        assert study_screen(app).entry is not None
    assert history(paths) == [("mini/basic-capital", 1, False), ("mini/basic-capital", 3, False)]


async def test_a_deck_left_with_errors_is_reported_and_the_old_version_stays(
        make_app: MakeApp, paths: Paths, deck_dir: Path, editor: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDIT_OLD", 'answer = "Kyiv"')
    monkeypatch.setenv("EDIT_NEW", "answer = ")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "e")
        assert isinstance(app.screen, DeckErrorsScreen)
        text = screen_text(app)
        assert "✗ mini.toml has 1 problem — the version loaded before stays in use" in text
        assert f"{deck_dir / 'mini.toml'}:16" in text
        # e: back to the editor, at the first problem's line; this time it is fixed.
        monkeypatch.setenv("EDIT_OLD", "answer = \n")
        monkeypatch.setenv("EDIT_NEW", 'answer = "Kyiv, on the Dnipro"\n')
        await press(pilot, "e")
        assert editor.read_text().splitlines()[-1].split()[0] == "+16"
        await press(pilot, "space")
        assert "Kyiv, on the Dnipro" in screen_text(app)
        # Broken again, and this time the old version is kept.
        monkeypatch.setenv("EDIT_OLD", "[[cards]]\nid = \"typed-troops\"")
        monkeypatch.setenv("EDIT_NEW", "[[cards]]\nid = \"basic-capital\"")
        await press(pilot, "e")
        assert "duplicate" in screen_text(app).lower() or "already" in screen_text(app).lower()
        await press(pilot, "escape")
        screen = study_screen(app)
        assert screen.phase == "question" or screen.phase == "answered"
        assert app.backend.decks[0].card("typed-troops") is not None
        await press(pilot, "3")
        assert study_screen(app).entry is not None
        assert study_screen(app).entry.key.card_id == "typed-troops"  # type: ignore[union-attr]
    assert history(paths) == [("mini/basic-capital", 3, False)]


async def test_edit_from_browse_shows_the_new_text(make_app: MakeApp, editor: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await press(pilot, "b")
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        row = next(i for i, r in enumerate(screen.shown) if r.row.key.card_id == "basic-capital")
        await press(pilot, *["down"] * row, "e")
        assert NEW_QUESTION in screen_text(app)
        assert any(r.row.card.prompt == NEW_QUESTION for r in screen.shown)


async def test_the_app_is_suspended_while_the_editor_runs(
        make_app: MakeApp, deck_dir: Path, editor: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    suspended: list[str] = []

    @contextmanager
    def suspend() -> Iterator[None]:
        suspended.append("in")
        yield
        suspended.append("out")

    monkeypatch.setattr(app, "suspend", suspend)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "e")
        assert suspended == ["in", "out"]
        assert NEW_QUESTION in screen_text(app)


async def test_without_an_editor_the_user_is_told_where_the_card_is(
        make_app: MakeApp, deck_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "e")
        messages = [n.message for n in app._notifications]
        assert any("no editor found: set $VISUAL or $EDITOR" in m
                   and f"The card is at {deck_dir / 'mini.toml'}:12" in m for m in messages)
        assert isinstance(app.screen, StudyScreen)


def test_editor_command_passes_the_line_the_way_each_editor_takes_it() -> None:
    path = Path("/d/mini.toml")

    def argv(setting: str, line: int | None = 12) -> list[str]:
        return editor_command(path, line, {"EDITOR": setting}, which=lambda _: None).argv

    assert argv("vim") == ["vim", "+12", "/d/mini.toml"]
    assert argv("/usr/bin/nano") == ["/usr/bin/nano", "+12", "/d/mini.toml"]
    assert argv("emacs -nw") == ["emacs", "-nw", "+12", "/d/mini.toml"]
    assert argv("code -w") == ["code", "-w", "-g", "/d/mini.toml:12"]
    assert argv("hx") == ["hx", "/d/mini.toml:12"]
    assert argv("'my editor' --wait") == ["my editor", "--wait", "/d/mini.toml"]
    assert argv("vim", None) == ["vim", "/d/mini.toml"]
    both = editor_command(path, 3, {"VISUAL": "micro", "EDITOR": "vi"}, which=lambda _: None)
    assert both.argv == ["micro", "+3", "/d/mini.toml"] and both.note == ""
    fallback = editor_command(path, 3, {}, which=lambda name: f"/bin/{name}"
                              if name == "vi" else None)
    assert fallback.argv == ["vi", "+3", "/d/mini.toml"]
    assert fallback.note == "No $VISUAL or $EDITOR is set: using vi."
    with pytest.raises(NoEditorError, match="no editor found"):
        editor_command(path, 3, {"EDITOR": "  "}, which=lambda _: None)
    with pytest.raises(NoEditorError, match="cannot read \\$EDITOR"):
        editor_command(path, 3, {"EDITOR": "'unclosed"}, which=lambda _: None)


async def test_edit_from_browse_keeps_the_tag_filter(make_app: MakeApp, editor: Path) -> None:
    """Issue 17 bug 1: with a tag (or deck) filter on, the table was empty after `e` until browse
    was left and opened again."""
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await press(pilot, "b")
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        screen.query_one("#tag-filter", Select).value = "figures"
        screen.query_one("#deck-filter", Select).value = "mini"
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert [r.row.key.card_id for r in screen.shown] == ["typed-troops"]
        await press(pilot, "e")
        assert [r.row.key.card_id for r in screen.shown] == ["typed-troops"]
        assert "1 of 7 cards shown" in screen_text(app)
        assert screen.query_one("#tag-filter", Select).value == "figures"


def test_the_settings_line_form_reaches_an_editor_not_known() -> None:
    """Issue 18 item 6: `[editor] line` for editors whose line syntax is not built in; known
    editors keep theirs, and a file name's braces are not read as placeholders."""
    path = Path("/d/{x}.toml")
    form = "--goto {file}:{line}"
    assert editor_command(path, 7, {"EDITOR": "myedit -w"}, which=lambda _: None,
                          line_form=form).argv == ["myedit", "-w", "--goto", "/d/{x}.toml:7"]
    assert editor_command(path, 7, {"EDITOR": "vim"}, which=lambda _: None,
                          line_form=form).argv == ["vim", "+7", "/d/{x}.toml"]
    assert editor_command(path, 7, {"EDITOR": "myedit"}, which=lambda _: None).argv == [
        "myedit", "/d/{x}.toml"]


async def test_edit_on_a_bundled_deck_offers_a_copy_and_edits_it(
        make_app: MakeApp, deck_dir: Path, paths: Paths, editor: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 18 item 6: the installed package's deck is copied to the user's decks folder and
    the copy edited; the installed file stays as it was, and the copy is the deck from now on."""
    import briefing_quiz.paths as paths_module

    monkeypatch.setattr(paths_module, "bundled_decks_dir", lambda: deck_dir)
    monkeypatch.setattr("briefing_quiz.services.deck_copy.bundled_decks_dir", lambda: deck_dir)
    original = (deck_dir / "mini.toml").read_text(encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter")
        await pilot.press("e")  # the edit waits for the dialog's answer: no settling here
        for _ in range(100):
            await pilot.pause(0.02)
            if isinstance(app.screen, BundledDeckScreen):
                break
        assert "mini.toml came with the app" in screen_text(app)
        await press(pilot, "c")
        copy = paths.user_decks_dir / "mini.toml"
        assert NEW_QUESTION in copy.read_text(encoding="utf-8")
        assert (deck_dir / "mini.toml").read_text(encoding="utf-8") == original
        assert NEW_QUESTION in screen_text(app)
        assert app.backend.decks[0].path == copy
        assert deck_dir not in app.backend.paths.deck_dirs
        await press(pilot, "escape", "escape", "r")  # a reload finds the copy, and no clash
        assert [d.path for d in app.backend.decks] == [copy]
        assert "could not be loaded" not in screen_text(app)
