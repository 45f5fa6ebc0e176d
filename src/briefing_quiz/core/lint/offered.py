"""Alternatives a question offers: "(One word: days, weeks, months or years.)".

A typed question may name the kind of answer it wants by listing a few alternatives; its answer
is then written in the question, but no more than each distractor of a choice card is, so
`answer-in-question` does not report it. A list counts when it is a clause of its own (between
sentence or bracket punctuation, or after a colon) made only of short items joined by commas and
a final "or": at least three of them, so that a guess is no better than one in three.
"""

from __future__ import annotations

import re

from briefing_quiz.core.lint.text import tokens

__all__ = ["MAX_ITEM_WORDS", "MIN_ITEMS", "offered_alternatives"]

#: An item of a list of alternatives is a word or a short phrase.
MAX_ITEM_WORDS = 3
#: Fewer alternatives than this are a hint, not a list: "in Paris or Berlin?".
MIN_ITEMS = 3

_CLAUSES = re.compile(r"[.?!;:()\[\]]")
_ITEMS = re.compile(r",\s*(?:or\s+)?|\s+or\s+")


def offered_alternatives(question: str) -> set[tuple[str, ...]]:
    """The items (as tokens) of every list of alternatives that `question` offers."""
    found: set[tuple[str, ...]] = set()
    for clause in _CLAUSES.split(question):
        if " or " not in f" {clause.casefold()} ":
            continue
        items = [tokens(item) for item in _ITEMS.split(clause.strip())]
        if len(items) >= MIN_ITEMS and all(0 < len(i) <= MAX_ITEM_WORDS for i in items):
            found.update(items)
    return found
