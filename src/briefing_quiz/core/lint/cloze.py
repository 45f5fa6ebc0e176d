"""Lint rules of cloze cards: gaps the rest of the card gives away, and gaps not worth asking.

Haladyna, Downing & Rodriguez (2002): no clue to the answer in the item itself; ask the
important content, not trivia (a gap of "the" or "not" tests reading, not knowledge).
"""

from __future__ import annotations

from collections.abc import Iterator

from briefing_quiz.core.lint.base import Finding
from briefing_quiz.core.lint.text import COMMON_WORDS, contains_phrase, content_words, is_trivial, tokens
from briefing_quiz.core.model import Card, ClozeCard

__all__ = ["answer_elsewhere", "common_gap", "front_text", "hint_gives_answer"]


def hint_gives_answer(card: Card) -> Iterator[Finding]:
    """cloze-hint: a hint that holds the answer, or one of its words."""
    if not isinstance(card, ClozeCard):
        return
    for d in card.deletions:
        if d.hint is None:
            continue
        answer, hint = tokens(d.answer), tokens(d.hint)
        shared = content_words(d.answer) & content_words(d.hint)
        if answer and (contains_phrase(hint, answer) or shared):
            what = "the answer" if contains_phrase(hint, answer) else "the answer's word " + \
                ", ".join(repr(w) for w in sorted(shared))
            yield Finding(f"the hint {d.hint!r} of gap c{d.number} gives away {what} "
                          f"({d.answer!r})", card.id, ("text",))


def front_text(card: ClozeCard, number: int) -> str:
    """The card's text as shown when gap `number` is asked: its gaps blank, the others filled."""
    parts: list[str] = []
    at = 0
    for d in card.deletions:
        parts.append(card.text[at:d.start])
        parts.append(" " if d.number == number else d.answer)
        at = d.end
    parts.append(card.text[at:])
    return "".join(parts)


def answer_elsewhere(card: Card) -> Iterator[Finding]:
    """cloze-answer-shown: the gap's answer is written elsewhere in the text shown with the gap."""
    if not isinstance(card, ClozeCard):
        return
    reported: set[tuple[int, str]] = set()
    for d in card.deletions:
        answer = tokens(d.answer)
        if is_trivial(answer) or (d.number, d.answer) in reported:
            continue
        if contains_phrase(tokens(front_text(card, d.number)), answer):
            reported.add((d.number, d.answer))
            yield Finding(f"the answer {d.answer!r} of gap c{d.number} is also written in the "
                          "text shown with the gap", card.id, ("text",))


def common_gap(card: Card) -> Iterator[Finding]:
    """cloze-common-gap: a gap of one very common word."""
    if not isinstance(card, ClozeCard):
        return
    for d in card.deletions:
        words = tokens(d.answer)
        if len(words) == 1 and words[0] in COMMON_WORDS:
            yield Finding(f"gap c{d.number} hides only the common word {d.answer!r}",
                          card.id, ("text",))
