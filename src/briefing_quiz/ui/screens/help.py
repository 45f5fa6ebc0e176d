"""Help: every key, from `ui/help.md` (read when the screen opens, so it is edited without code)."""

from __future__ import annotations

from collections.abc import Mapping
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


def your_keys(keys: Mapping[str, str]) -> str:
    """A Markdown section listing the user's own keys ('' without any)."""
    from briefing_quiz.keymap import ACTIONS

    if not keys:
        return ""
    rows = [f"- **{keys[a].replace(',', ' ')}** — {ACTIONS[a][1]} (`{a}`, instead of "
            f"{ACTIONS[a][0].replace(',', ' ')})" for a in sorted(keys) if a in ACTIONS]
    return "# Your keys\n\nFrom the `[keys]` table of your settings:\n\n" + "\n".join(rows) + "\n\n"


class HelpScreen(ModalScreen[None]):
    """Keys of every screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help"),
    ]

    def __init__(self, keys: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.keys = dict(keys or {})  # the settings' [keys]: shown first, they replace defaults

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown  # a heavy import, needed only here

        with VerticalScroll(id="help-body"):
            yield Markdown(your_keys(self.keys) + read_help(), id="help-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
