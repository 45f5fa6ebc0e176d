"""Edit a card in place: open its deck file at the card's line in the user's editor, then read
the deck again.

The editor is `$VISUAL`, else `$EDITOR` (either may carry arguments: "code -w"), else the first
of nano, vim, vi found on PATH (and the user is told which). Editors known to take a line number
get one: `+LINE FILE` (vi, vim, nvim, nano, emacs, micro, kak, ...), `FILE:LINE` (helix,
Sublime Text) or `-g FILE:LINE` (VS Code); any other takes the form of the settings' `[editor]
line` (e.g. "--goto {file}:{line}"), else just the file. The app is suspended while the editor runs, so the
editor has the terminal; where Textual cannot suspend (no real terminal: tests, Textual Web) the
editor runs without the terminal handed over.

On return the deck file is read again (`services.briefing.reread_deck_sync`). With errors, they
are listed in a dialog (`file:line:col: message`), the loaded version stays in use, and the user
may go straight back to the editor at the first error.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from briefing_quiz.core.errors import BriefingQuizError, DeckError, Problem
from briefing_quiz.core.model import Card, Deck
from briefing_quiz.ui.text import assemble, lines, plain
from briefing_quiz.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from textual.app import App

    from briefing_quiz.services.backend import Backend

#: Editors that open FILE at LINE given `+LINE FILE`.
PLUS_LINE = frozenset({
    "vi", "vim", "nvim", "gvim", "view", "vis", "nano", "pico", "rnano", "emacs", "emacsclient",
    "micro", "kak", "joe", "jed", "mg", "ne", "ed", "ex", "elvis", "nvi", "mcedit",
})
#: Editors that take `FILE:LINE`.
COLON_LINE = frozenset({"hx", "helix", "subl", "sublime_text", "zed"})
#: Editors that take `-g FILE:LINE`.
GOTO_LINE = frozenset({"code", "code-insiders", "codium", "vscodium"})
#: Tried in order when neither $VISUAL nor $EDITOR is set.
FALLBACKS = ("nano", "vim", "vi")


class NoEditorError(BriefingQuizError):
    """No editor to run: none configured and none of the fallbacks on PATH, or a bad setting."""


@dataclass(frozen=True)
class EditorCommand:
    argv: list[str]
    note: str = ""  # said to the user, e.g. which fallback editor was used


def editor_command(path: Path, line: int | None, env: Mapping[str, str],
                   which: Callable[[str], str | None] = shutil.which,
                   line_form: str | None = None) -> EditorCommand:
    """The command that opens `path` at `line` (see the module docstring). `line_form`: the
    settings' `[editor] line`, e.g. "--goto {file}:{line}", used for an editor not known here."""
    note = ""
    for name in ("VISUAL", "EDITOR"):
        setting = env.get(name, "").strip()
        if setting:
            try:
                argv = shlex.split(setting)
            except ValueError as error:
                raise NoEditorError(f"cannot read ${name} ({setting!r}): {error}") from error
            break
    else:
        found = next((f for f in FALLBACKS if which(f)), None)
        if found is None:
            raise NoEditorError("no editor found: set $VISUAL or $EDITOR (e.g. "
                                "export EDITOR=nano), or install nano or vi")
        argv = [found]
        note = f"No $VISUAL or $EDITOR is set: using {found}."
    name = Path(argv[0]).name
    target = str(path)
    if line is None or line < 1:
        return EditorCommand([*argv, target], note)
    if name in PLUS_LINE:
        return EditorCommand([*argv, f"+{line}", target], note)
    if name in COLON_LINE:
        return EditorCommand([*argv, f"{target}:{line}"], note)
    if name in GOTO_LINE:
        return EditorCommand([*argv, "-g", f"{target}:{line}"], note)
    if line_form:  # replace, not str.format: a file name may hold braces
        return EditorCommand([*argv, *(word.replace("{file}", target).replace("{line}", str(line))
                                       for word in shlex.split(line_form))], note)
    return EditorCommand([*argv, target], note)


def run_editor(app: App[Any], argv: list[str]) -> int:
    """Run the editor with the terminal handed over (the app suspended); its exit status.
    Raises OSError when it cannot be started."""
    try:
        with app.suspend():
            return subprocess.run(argv, check=False).returncode
    except SuspendNotSupported:
        # No terminal to hand over (headless, Textual Web): run it as it is, without our input.
        return subprocess.run(argv, check=False, stdin=subprocess.DEVNULL).returncode


def _fingerprint(path: Path) -> bytes | None:
    from briefing_quiz.core.files import read_regular

    try:
        return read_regular(path, 64 * 1024 * 1024)
    except OSError:
        return None


async def edit_in_place(app: App[Any], backend: Backend, card: Card, *,
                        line: int | None = None,
                        again: Callable[[int | None], object] | None = None) -> Deck | None:
    """Edit `card`'s deck file at `line` (default: the card's), then read the deck again. The new
    deck, loaded in the backend; None when nothing changed or it could not be loaded (said to
    the user; the loaded version stays). When the file has errors they are listed in a dialog,
    from which `again(line of the first error)` is called if the user chooses to fix them.
    """
    from briefing_quiz.services.briefing import reread_deck_sync

    if card.path is None:
        app.notify(f"Card {card.id} has no deck file to edit.", severity="warning")
        return None
    path = Path(card.path)
    line = card.line if line is None else line
    deck = next((d for d in backend.decks if d.id == card.deck_id), None)
    if deck is None:
        app.notify(f"Deck {card.deck_id} is no longer loaded.", severity="error")
        return None
    copy = await _copy_if_bundled(app, backend, deck)
    if copy is False:
        return None
    if isinstance(copy, Path):
        path = copy
    where = f"{path}:{line}" if line else str(path)
    try:
        command = editor_command(path, line, os.environ, line_form=backend.config.editor_line)
    except NoEditorError as error:
        app.notify(f"{error}. The card is at {where}.", title="Cannot edit", severity="error",
                   timeout=15)
        return None
    before = _fingerprint(path)
    try:
        status = run_editor(app, command.argv)
    except OSError as error:
        app.notify(f"Could not run {command.argv[0]}: {error.strerror or error}. The card is "
                   f"at {where}.", title="Cannot edit", severity="error", timeout=15)
        return None
    if command.note:
        app.notify(command.note, timeout=6)
    if status != 0:
        app.notify(f"{command.argv[0]} exited with status {status}.", severity="warning")
    if _fingerprint(path) == before and not isinstance(copy, Path):
        app.notify(f"Unchanged: {where}.", title="Edited card", timeout=4)
        return None
    try:
        if isinstance(copy, Path):  # the copy is the deck from now on, edited or not
            from briefing_quiz.services.deck_copy import load_copy_sync

            new = await backend.call(load_copy_sync, backend, deck, copy)
        else:
            new = await backend.call(reread_deck_sync, backend, deck)
    except DeckError as error:
        first = next((p.line for p in error.problems if p.line), line)

        def then(edit_again: bool | None) -> None:
            if edit_again and again is not None:
                again(first)

        # Not awaited: the caller's worker ends, and the dialog's answer starts the next edit.
        app.push_screen(DeckErrorsScreen(path, error.problems, can_edit=again is not None), then)
        return None
    except BriefingQuizError as error:
        app.notify(f"Could not read the deck again: {error}", severity="error", timeout=10)
        return None
    n = len(new.cards)
    app.notify(f"{path.name} read again ({n} card{'s' if n != 1 else ''}; the card is at "
               f"{where}); progress is kept by card id.", title="Edited card", timeout=5)
    return new


async def _copy_if_bundled(app: App[Any], backend: Backend, deck: Deck) -> Path | bool:
    """For a deck that came with the app: ask, then copy it to the user's decks folder. The
    copy's path; True: edit the file where it is (not bundled, or the user said so); False:
    cancelled (or the copy failed, said to the user)."""
    from briefing_quiz.services.deck_copy import copy_to_user_decks_sync, is_bundled

    if deck.path is None or not is_bundled(Path(deck.path)):
        return True
    choice = await app.push_screen_wait(BundledDeckScreen(Path(deck.path),
                                                          backend.paths.user_decks_dir))
    if choice != "copy":
        return choice == "here"
    try:
        copy: Path = await backend.call(copy_to_user_decks_sync, backend, deck)
    except BriefingQuizError as error:
        app.notify(str(error), title="Cannot copy the deck", severity="error", timeout=10)
        return False
    app.notify(f"Copied to {copy}: that copy is the deck from now on; progress is kept.",
               timeout=6)
    return copy


class BundledDeckScreen(ModalScreen[str | None]):
    """A bundled deck is about to be edited: copy it first ("copy"), edit it where it is
    ("here"), or not (None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c,enter", "choose('copy')", "Copy and edit the copy", key_display="c"),
        Binding("h", "choose('here')", "Edit the installed file"),
        Binding("escape", "choose('')", "Cancel"),
    ]

    def __init__(self, path: Path, user_decks: Path) -> None:
        super().__init__(id="bundled-deck")
        self.path, self.user_decks = path, user_decks

    def compose(self) -> ComposeResult:
        body = [
            assemble((f"{self.path.name} came with the app", "bold")),
            Content(""),
            plain(f"It is inside the installed package ({self.path.parent}): changes made there "
                  "are lost at the next install or upgrade."),
            Content(""),
            plain(f"c (or enter): copy it to your decks folder ({self.user_decks}) and edit the "
                  "copy, which is used from now on (progress is kept). h: edit the installed "
                  "file anyway. esc: cancel."),
        ]
        with VerticalScroll(id="deck-errors-body"):
            yield Static(lines(body), id="bundled-deck-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#deck-errors-body").focus()

    def action_choose(self, what: str) -> None:
        self.dismiss(what or None)


class DeckErrorsScreen(ModalScreen[bool]):
    """The problems of a deck file just edited; True: open the editor again at the first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit_again", "Edit again"),
        Binding("escape,enter,q", "close", "Keep the loaded version", key_display="esc"),
    ]

    def __init__(self, path: Path, problems: list[Problem], *, can_edit: bool = True) -> None:
        super().__init__(id="deck-errors")
        self.path = path
        self.problems = problems
        self.can_edit = can_edit

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.can_edit if action == "edit_again" else True

    def compose(self) -> ComposeResult:
        n = len(self.problems)
        heading = assemble((f"✗ {self.path.name} has {n} problem{'s' if n != 1 else ''}", "bold "
                            "$text-error"), " — the version loaded before stays in use:")
        body: list[Content] = [heading, Content("")]
        body.extend(plain(str(problem)) for problem in self.problems)
        body.extend([Content(""), plain(("Press e to fix it in the editor, esc to go on with the "
                                         if self.can_edit else "Press esc to go on with the ")
                                        + "version loaded before.")])
        with VerticalScroll(id="deck-errors-body"):
            yield Static(lines(body), id="deck-errors-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#deck-errors-body").focus()

    def action_edit_again(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
