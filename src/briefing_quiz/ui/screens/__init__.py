"""The app's screens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.dom import DOMNode

if TYPE_CHECKING:
    from briefing_quiz.ui.app import QuizApp


def quiz_app(node: DOMNode) -> QuizApp:
    """The running QuizApp, typed: every screen reaches the backend through it."""
    from briefing_quiz.ui.app import QuizApp  # here, not at the top: app.py imports the screens

    app = node.app
    assert isinstance(app, QuizApp)
    return app
