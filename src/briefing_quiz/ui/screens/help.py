"""Help: every key, from `ui/help.md` (read when the screen opens, so it is edited without code)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

from briefing_quiz.ui.widgets.keybar import KeyBar

HELP_FILE = Path(__file__).resolve().parents[1] / "help.md"


def read_help(path: Path = HELP_FILE) -> str:
    """The help text; a readable message instead of a crash when the file is missing."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        return f"# Help\n\nThe help file could not be read ({error.strerror or error}): `{path}`."


class HelpScreen(ModalScreen[None]):
    """Keys of every screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help"),
    ]

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown  # a heavy import, needed only here

        with VerticalScroll(id="help-body"):
            yield Markdown(read_help(), id="help-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
