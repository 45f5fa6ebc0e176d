"""Lint rules of choice cards: options that give the answer away by their form.

Haladyna, Downing & Rodriguez (2002): keep options about as long as each other, make them
distinct, avoid "all/none of the above", and avoid clang associations (an option that echoes the
question's words).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from briefing_quiz.core.lint.base import Finding
from briefing_quiz.core.lint.text import content_words, stem, tokens
from briefing_quiz.core.model import Card, ChoiceCard

__all__ = ["above", "longest", "near_duplicate", "question_words", "unequal_length"]

#: The answer is "clearly" the longest (shortest) when it is this much longer (shorter) than
#: every other option, and by at least `_MARGIN` characters.
_LONGER = 1.25
_MARGIN = 8
#: Options of "very unequal length": the longest at least twice the shortest and 20 characters more.
_UNEQUAL = 2.0
_UNEQUAL_MARGIN = 20
_NEAR_LETTERS = 2  # near-duplicates differ in at most this many letters, in one place
_NEAR_LENGTH = 5  # ... and are at least this long (short words differ in a letter or two)
_ABOVE = re.compile(r"\b(?:all|none|both|neither)\s+of\s+(?:the\s+)?(?:above|these|those|them)\b"
                    r"|\ball\s+the\s+above\b", re.IGNORECASE)


def _single(card: Card) -> ChoiceCard | None:
    if isinstance(card, ChoiceCard) and len(card.answers) == 1 and len(card.choices) >= 3:
        return card
    return None


def longest(card: Card) -> Iterator[Finding]:
    """choice-longest: the single answer is clearly the longest or the shortest option."""
    choice = _single(card)
    if choice is None:
        return
    answer = choice.answers[0]
    others = [len(c) for c in choice.choices if c != answer]
    size = len(answer)
    if size >= _LONGER * max(others) and size - max(others) >= _MARGIN:
        yield Finding(f"the answer is clearly the longest option ({size} characters, the others "
                      f"at most {max(others)})", card.id, ("choices",))
    elif size * _LONGER <= min(others) and min(others) - size >= _MARGIN:
        yield Finding(f"the answer is clearly the shortest option ({size} characters, the others "
                      f"at least {min(others)})", card.id, ("choices",))


def unequal_length(card: Card) -> Iterator[Finding]:
    """choice-unequal-length: the longest option is twice the shortest (and 20 characters more)."""
    if not isinstance(card, ChoiceCard):
        return
    sizes = [len(c) for c in card.choices]
    if max(sizes) >= _UNEQUAL * min(sizes) and max(sizes) - min(sizes) >= _UNEQUAL_MARGIN:
        yield Finding(f"options of very unequal length ({min(sizes)} to {max(sizes)} characters)",
                      card.id, ("choices",))


def near_duplicate(card: Card) -> Iterator[Finding]:
    """choice-near-duplicate: two options that differ only in case, punctuation or up to two
    letters in one place ("Sergei"/"Sergey")."""
    if not isinstance(card, ChoiceCard):
        return
    normal = [" ".join(tokens(c)) for c in card.choices]
    for i in range(len(normal)):
        for j in range(i + 1, len(normal)):
            if _near(normal[i], normal[j]):
                yield Finding(f"options {i + 1} and {j + 1} are near-duplicates "
                              f"({card.choices[i]!r}, {card.choices[j]!r})",
                              card.id, ("choices",))


def _near(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > _NEAR_LETTERS or min(len(a), len(b)) < _NEAR_LENGTH:
        return False
    if a.replace(" ", "").isdigit() and b.replace(" ", "").isdigit():
        return False  # different numbers are different answers, however alike they look
    shortest = min(len(a), len(b))
    start = 0
    while start < shortest and a[start] == b[start]:
        start += 1
    end = 0
    while end < shortest - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return len(a) - start - end <= _NEAR_LETTERS and len(b) - start - end <= _NEAR_LETTERS


def above(card: Card) -> Iterator[Finding]:
    """choice-above: an "all of the above" or "none of the above" option."""
    if not isinstance(card, ChoiceCard):
        return
    for i, option in enumerate(card.choices, 1):
        if _ABOVE.search(option):
            yield Finding(f"option {i} is {option!r}", card.id, ("choices",))


def question_words(card: Card) -> Iterator[Finding]:
    """choice-question-words: the only option that repeats a word of the question."""
    if not isinstance(card, ChoiceCard) or len(card.choices) < 3:
        return
    asked = content_words(card.question)
    if not asked:
        return
    sharing = [(i, option, asked & content_words(option)) for i, option in enumerate(card.choices)]
    sharing = [entry for entry in sharing if entry[2]]
    if len(sharing) == 1:
        i, option, shared = sharing[0]
        role = "the answer" if option in card.answers else "a distractor"
        words = ", ".join(sorted({w for w in tokens(option) if stem(w) in shared}))
        yield Finding(f"option {i + 1} ({role}) is the only one that repeats the question's "
                      f"words ({words})", card.id, ("choices",))
