"""Screens, widgets and the editor never import the app module: they are given the backend and
post messages that the app handles (STYLE.md, "attributes down, messages up")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import briefing_quiz.ui

UI = Path(briefing_quiz.ui.__file__).parent
APP = "briefing_quiz.ui.app"


def package_of(path: Path) -> str:
    return ".".join(("briefing_quiz", *path.relative_to(UI.parent).parts[:-1]))


def imported_modules(source: str, package: str) -> set[str]:
    """Every module `source` (a module of `package`) imports, anywhere in it (TYPE_CHECKING
    blocks and functions too), relative imports resolved."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            # `from briefing_quiz.ui import app` imports the module too.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def ui_modules() -> list[Path]:
    return sorted(p for p in UI.rglob("*.py") if p != UI / "app.py")


@pytest.mark.parametrize("path", ui_modules(), ids=lambda p: str(p.relative_to(UI)))
def test_no_ui_module_imports_the_app(path: Path) -> None:
    found = imported_modules(path.read_text(encoding="utf-8"), package_of(path))
    bad = sorted(m for m in found if m == APP or m.startswith(APP + "."))
    assert not bad, f"{path.relative_to(UI)} imports {bad}: give it what it needs instead " \
                    "(the backend through its constructor) and post a message for the app"


def test_the_check_sees_every_form_of_the_import() -> None:
    """The AST check finds the import however it is written (else the test above proves
    nothing)."""
    screens = "briefing_quiz.ui.screens"
    for source in ("import briefing_quiz.ui.app\n",
                   "from briefing_quiz.ui.app import QuizApp\n",
                   "from briefing_quiz.ui import app\n",
                   "from .. import app\n",
                   "from ..app import QuizApp\n",
                   "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                   "    from briefing_quiz.ui.app import QuizApp\n",
                   "def f():\n    from briefing_quiz.ui.app import QuizApp\n"):
        assert APP in imported_modules(source, screens), source
    assert APP not in imported_modules("from . import decks\nfrom .. import text\n", screens)
    decks = UI / "screens" / "decks.py"
    assert package_of(decks) == screens
    assert "briefing_quiz.ui.text" in imported_modules(decks.read_text(encoding="utf-8"),
                                                        screens)
