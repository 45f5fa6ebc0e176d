"""A lint rule for open cards: a term that is one very common word makes its point for almost any
answer ("itself", "Russia" in a deck about Russia is the author's call, but "said", "war", "the"
are not a point). Pure; the deck linter (core/lint/) registers `weak_terms` as one rule.

A term is flagged when it holds only small words (`open_answer.SMALL_WORDS`: "itself"), or, articles
left out, is one word of `COMMON_WORDS` (compared by stem, as the checker compares them: "wars"
is "war"; "the crisis" is "crisis"). A common word with the small words that make its sense ("for
show") is matched as a whole by the checker, so it is not flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from briefing_quiz.core.model import Card, OpenCard
from briefing_quiz.core.open_answer import ARTICLES, SMALL_WORDS, stem, term_words

__all__ = ["COMMON_WORDS", "WeakTerm", "weak_terms"]

#: Words too common in any answer, about anything, to show that a point was made.
COMMON_WORDS = frozenset({
    "say", "said", "make", "made", "get", "go", "went", "take", "come", "see", "know", "think",
    "want", "give", "use", "find", "tell", "ask", "work", "seem", "feel", "try", "leave", "call",
    "thing", "things", "way", "time", "year", "day", "people", "man", "world", "life", "part",
    "place", "case", "point", "fact", "issue", "problem", "question", "answer", "reason",
    "good", "bad", "new", "old", "big", "small", "great", "high", "low", "long", "large",
    "important", "different", "same", "other", "own", "more", "most", "less", "much", "many",
    "some", "all", "any", "each", "every", "one", "two", "first", "last", "now", "not", "no",
    "yes", "because", "if", "when", "why", "how", "where", "but", "yet", "still", "even",
    "well", "only", "like", "since", "after", "before", "up", "out", "down", "off",
    "war", "country", "state", "government", "power", "policy", "side", "crisis", "situation",
    "something", "anything", "nothing", "everything", "someone", "show", "sign",
})


@dataclass(frozen=True, slots=True)
class WeakTerm:
    """One term to rewrite: the card, the point (1-based, with its label), the term, and why."""

    card_id: str
    line: int | None
    point: int
    label: str
    term: str

    @property
    def message(self) -> str:
        return (f"point {self.point} ({self.label!r}): the term {self.term!r} is one very common "
                "word, which almost any answer contains")  # the rule's row says the fix


@lru_cache(maxsize=1)
def _common_stems() -> frozenset[str]:
    return frozenset(map(stem, COMMON_WORDS))


def _weak(term: str) -> bool:
    words = [w for w in term_words(term) if w not in ARTICLES]
    content = [w for w in words if w not in SMALL_WORDS]
    if not content:
        return True  # only small words: "itself", "it is"
    if len(words) > 1:
        return False  # several words, or one with the small words that make its sense: "for show"
    return stem(content[0]) in _common_stems()


def weak_terms(cards: Iterable[Card]) -> list[WeakTerm]:
    """Every term of the open cards among `cards` that is one very common word, in deck order."""
    found: list[WeakTerm] = []
    for card in cards:
        if not isinstance(card, OpenCard):
            continue
        for number, point in enumerate(card.points, 1):
            found.extend(WeakTerm(card.id, card.line, number, point.label, term)
                         for term in point.terms if _weak(term))
    return found
