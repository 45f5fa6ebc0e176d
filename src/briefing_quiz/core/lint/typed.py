"""Lint rules of typed cards: tolerances the source does not call for, and numbers without units."""

from __future__ import annotations

import re
from collections.abc import Iterator

from briefing_quiz.core.lint.base import Finding
from briefing_quiz.core.lint.text import stem, tokens
from briefing_quiz.core.lint.text import words as _words
from briefing_quiz.core.model import Card, TypedCard

__all__ = ["bare_number", "exact_source"]

#: Words before a figure that make it approximate: a tolerance is then right.
_HEDGES = frozenset(_words("""
about around some nearly almost roughly approximately over under more less than up to estimated
perhaps circa c ca
"""))
#: Units a question can name ("how many months"): the answer should then carry it.
UNITS = frozenset(stem(u) for u in _words("""
second minute hour day week month year decade century centuries percent per cent kilometre
kilometer km mile metre meter dollar euro pound rouble ruble tonne ton
"""))
_QUANTITY = re.compile(r"\bhow\s+(?:many|long|much)\b|\bnumber\s+of\b", re.IGNORECASE)
_BARE = re.compile(r"^\s*[~≈]?\s*\d[\d,.\s]*\s*%?\s*$")


def exact_source(card: Card) -> Iterator[Finding]:
    """typed-tolerance-exact: a numeric tolerance where the source quote gives the exact figure."""
    if not isinstance(card, TypedCard) or card.tolerance is None or not card.source:
        return
    expected = {w for w in tokens(card.answer) if w.isdigit()}
    if not expected:
        return
    words = tokens(card.source)
    for i, word in enumerate(words):
        if word in expected and not _HEDGES.intersection(words[max(0, i - 3):i]):
            yield Finding(f"a tolerance for {card.answer!r}, but the source quote gives the "
                          f"exact figure {word}", card.id, ("tolerance",))
            return


def bare_number(card: Card) -> Iterator[Finding]:
    """typed-bare-number: the answer is a bare number and the question asks a quantity in a unit
    ("how many months"); "in which year" asks for a year, not for a number of years."""
    if (not isinstance(card, TypedCard) or not _BARE.match(card.answer)
            or not _QUANTITY.search(card.question)):
        return
    named = sorted({w for w in tokens(card.question) if stem(w) in UNITS})
    if named:
        yield Finding(f"the answer {card.answer!r} is a bare number, but the question asks in "
                      f"{named[0]}", card.id, ("answer",))
