"""The key bar's fitting: every key when they fit, else help and quit kept and "…" for the rest."""

from __future__ import annotations

from textual.content import Content
from textual.dom import DOMNode

from briefing_quiz.ui.widgets.keybar import Key, fit

NODE = DOMNode()


def key(text: str, action: str, essential: bool = False) -> Key:
    return Key(Content(f" {text} "), NODE, action, essential)


KEYS = [key("enter Study deck", "study"), key("a Study all due", "study_all"),
        key("b Browse", "browse"), key("r Reload", "reload"),
        key("? Help", "app.help", True), key("q Quit", "app.quit", True)]
PALETTE = key("^p palette", "command_palette")


def drawn(keys: list[Key | None]) -> str:
    return "".join("…" if k is None else k.piece.plain.strip() + "|" for k in keys)


def test_every_key_when_they_fit() -> None:
    assert fit(KEYS, PALETTE, 200) == [*KEYS, PALETTE]


def test_the_palette_goes_first() -> None:
    width = sum(k.piece.cell_length for k in KEYS)
    assert fit(KEYS, PALETTE, width) == KEYS


def test_help_and_quit_stay_and_the_rest_is_cut_in_order() -> None:
    # 18 + 17 for the first two, 3 for "…", 16 for help and quit: 54 cells.
    shown = fit(KEYS, PALETTE, 54)
    assert drawn(shown) == "enter Study deck|a Study all due|…? Help|q Quit|"
    assert drawn(fit(KEYS, PALETTE, 53)) == "enter Study deck|…? Help|q Quit|"


def test_only_the_essential_keys_when_nothing_else_fits() -> None:
    assert drawn(fit(KEYS, None, 20)) == "…? Help|q Quit|"
