"""Keys of one's own: the `[keys]` table of the settings rebinds the app's actions.

```toml
[keys]
"study.undo" = "z"            # an action's id = its key (or keys: "z,ctrl+z")
"decks.browse" = "B"
```

`ACTIONS` lists every action that can be rebound: its id (`screen.action`, the `id` of its
Textual binding), its default key(s) and what it does. `check_keys` validates a `[keys]` table
(unknown ids with a "did you mean", keys that are not key names, two actions of one screen on the
same key); the app hands the result to Textual's keymap (`App.set_keymap`), so the key bar, the
palette and the help show the user's keys. No Textual here: this is the settings layer.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

__all__ = ["ACTIONS", "FIXED", "check_keys", "normalize"]

#: id -> (default keys, what it does). The ids are the `id=` of the screens' bindings.
ACTIONS: dict[str, tuple[str, str]] = {
    "decks.study": ("enter", "study the selected deck"),
    "decks.study_all": ("a", "study everything due"),
    "decks.browse": ("b", "browse every card"),
    "decks.stats": ("s", "statistics"),
    "decks.mock_test": ("m", "mock test"),
    "decks.target": ("t", "set the briefing time"),
    "decks.briefing": ("g", "briefing study"),
    "decks.custom_study": ("c", "custom study"),
    "decks.reload": ("r", "reload the decks"),
    "study.undo": ("u,ctrl+z", "undo the last answer"),
    "study.suspend": ("exclamation_mark", "suspend the card"),
    "study.bury": ("minus", "bury the card until tomorrow"),
    "study.edit": ("e", "edit the card in its deck file"),
    "study.info": ("i", "card info"),
    "study.flag": ("asterisk", "flag the card with a note"),
    "study.forget": ("N", "forget the card (back to new)"),
    "study.set_due": ("D", "set the card's due date"),
    "study.end": ("escape", "end the session"),
    "browse.search": ("slash", "search"),
    "browse.suspend": ("exclamation_mark", "suspend or unsuspend"),
    "browse.edit": ("e", "edit the card"),
    "browse.info": ("i", "card info"),
    "browse.preview": ("p", "preview the card"),
    "browse.flag": ("asterisk", "flag or unflag with a note"),
    "browse.forget": ("N", "forget the card (back to new)"),
    "browse.set_due": ("D", "set the card's due date"),
}

#: Keys each screen keeps for itself (help, quit, answering, grading, filters, moving).
FIXED: dict[str, frozenset[str]] = {
    "decks": frozenset({"question_mark", "q", "up", "down", "ctrl+p"}),
    "study": frozenset({"question_mark", "space", "enter", "tab", "t", "f", "j", "k", "J", "K",
                        "up", "down", "alt+up", "alt+down", "pageup", "pagedown", "ctrl+p",
                        *"0123456789"}),
    "browse": frozenset({"question_mark", "escape", "d", "t", "o", "O", "up", "down", "pageup",
                         "pagedown", "home", "end", "enter", "tab", "ctrl+p"}),
}

# Characters people write for the key names Textual uses.
_NAMES = {"?": "question_mark", "!": "exclamation_mark", "-": "minus", "/": "slash",
          "+": "plus", " ": "space", ",": "comma", ".": "full_stop", ":": "colon",
          ";": "semicolon", "=": "equals_sign", "#": "number_sign", "*": "asterisk"}
_KEY = re.compile(r"(?:(?:ctrl|shift|alt|super|meta)\+)*(?:[a-z0-9_]+|[A-Z]|[^\sA-Za-z0-9])")


def normalize(keys: str) -> list[str]:
    """'?,ctrl+z' -> ['question_mark', 'ctrl+z'] (single characters named as Textual names them)."""
    return [_NAMES.get(k.strip(), k.strip()) for k in keys.split(",") if k.strip()]


def check_keys(table: Mapping[str, object]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The keymap of a `[keys]` table, and its problems as (id, message) pairs."""
    keymap: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for action, value in table.items():
        if action not in ACTIONS:
            close = difflib.get_close_matches(action, list(ACTIONS), n=1)
            hint = f'; did you mean "{close[0]}"?' if close else " (see docs/configuration.md)"
            problems.append((action, f'unknown action "{action}" in [keys]{hint}'))
            continue
        if not isinstance(value, str) or not normalize(value):
            problems.append((action, f'"{action}" must be a key such as "z", "ctrl+z" or '
                                     '"f5" (several: "z,ctrl+z")'))
            continue
        bad = [k for k in value.split(",") if not _KEY.fullmatch(k.strip())]
        if bad:
            problems.append((action, f'"{action}": {bad[0].strip()!r} is not a key name '
                                     '(such as "z", "ctrl+z", "f5", "question_mark")'))
            continue
        keymap[action] = ",".join(normalize(value))
    problems.extend(_conflicts(keymap))
    return keymap, problems


def _conflicts(keymap: Mapping[str, str]) -> list[tuple[str, str]]:
    """Two actions of one screen on one key, with the user's keys in force."""
    owner: dict[tuple[str, str], str] = {}
    out: list[tuple[str, str]] = []
    for action, (default, _what) in ACTIONS.items():
        screen = action.split(".", 1)[0]
        for key in normalize(keymap.get(action, default)):
            if action in keymap and key in FIXED.get(screen, ()):
                out.append((action, f'"{action}": {key!r} is taken on the {screen} screen '
                                    "(help, answering, grading or moving): choose another key"))
                continue
            other = owner.setdefault((screen, key), action)
            if other != action:
                mine = action if action in keymap else other
                out.append((mine, f'"{action}" and "{other}" both use {key!r} on the '
                                  f"{screen} screen: give one of them another key"))
    return out
