"""Lint rules of true/false statements: a deck's balance, and statements false by one word.

Haladyna, Downing & Rodriguez (2002): about as many true statements as false ones, and no
specific determiners (always, never, only, all ...), which test-wise people learn to mark false.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from briefing_quiz.core.lint.base import Finding
from briefing_quiz.core.lint.text import ABSOLUTE_WORDS, tokens
from briefing_quiz.core.model import Card, Deck, TrueFalseCard

__all__ = ["absolute_word", "balance", "balance_of"]

#: The share of true statements a deck should keep within, and the fewest statements it applies to.
TRUE_SHARE = (0.35, 0.65)
MIN_STATEMENTS = 5


def balance(deck: Deck) -> Iterator[Finding]:
    """truefalse-balance: the deck's share of true statements is outside 35-65 %."""
    return balance_of([card.answer for card in deck.cards if isinstance(card, TrueFalseCard)])


def balance_of(answers: Sequence[bool]) -> Iterator[Finding]:
    """`balance` of a deck whose true/false statements have these `answers`."""
    if len(answers) < MIN_STATEMENTS:
        return
    true = sum(answers)
    share = true / len(answers)
    low, high = TRUE_SHARE
    if not low <= share <= high:
        yield Finding(f"{true} of {len(answers)} true/false statements are true ({share:.0%}); "
                      f"always answering {'true' if share > high else 'false'} scores "
                      f"{max(share, 1 - share):.0%}", None, ("deck",))


def absolute_word(card: Card) -> Iterator[Finding]:
    """truefalse-absolute: a false statement that holds an absolute word (only, always, never ...)."""
    if not isinstance(card, TrueFalseCard) or card.answer:
        return
    found = sorted({w for w in tokens(card.statement) if w in ABSOLUTE_WORDS})
    if found:
        words = ", ".join(repr(w) for w in found)
        yield Finding(f"a false statement with the absolute word {words}: it can be guessed false "
                      "without knowing the fact", card.id, ("statement",))
