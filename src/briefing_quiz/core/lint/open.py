"""Lint rules for `open` cards: the lint's side of `core.open_lint` (which decides what a weak
term is, so that the authoring tools and the lint agree)."""

from __future__ import annotations

from collections.abc import Iterator

from briefing_quiz.core.lint.base import Finding
from briefing_quiz.core.model import Card
from briefing_quiz.core.open_lint import weak_terms

__all__ = ["weak_term"]


def weak_term(card: Card) -> Iterator[Finding]:
    """open-weak-term: a point's term that is one very common word, placed at that point."""
    for weak in weak_terms([card]):
        yield Finding(weak.message, card.id, ("points", weak.point - 1))
