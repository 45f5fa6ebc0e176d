"""The lint's rule table: one row per rule, with its id, what it catches, its fix and its check.

A row's `types` are the card types it checks (empty: every type); a `deck` rule looks at the
whole deck at once. A rule for a new card type is one more row here (and its check function in
that type's module). Every rule is documented in docs/authoring.md under its id; the source of
all of them is Haladyna, Downing & Rodriguez (2002), "A review of multiple-choice item-writing
guidelines for classroom assessment".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from briefing_quiz.core.lint import choice, cloze, leaks, order, truefalse, typed
from briefing_quiz.core.lint.base import Finding
from briefing_quiz.core.lint.open import weak_term
from briefing_quiz.core.model import Card, Deck

__all__ = ["RULES", "Rule"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One item-writing rule. Exactly one of `card` (checks one card) and `deck` (checks the deck)."""

    id: str
    types: frozenset[str]
    catches: str
    fix: str
    card: Callable[[Card], Iterable[Finding]] | None = None
    deck: Callable[[Deck], Iterable[Finding]] | None = None


def _types(*names: str) -> frozenset[str]:
    return frozenset(names)


RULES: tuple[Rule, ...] = (
    Rule("choice-longest", _types("choice"),
         "the answer is clearly the longest (or the shortest) option",
         "make the distractors as long and as detailed as the answer",
         card=choice.longest),
    Rule("choice-unequal-length", _types("choice"),
         "options of very unequal length (the longest twice the shortest)",
         "rewrite the options to about the same length",
         card=choice.unequal_length),
    Rule("choice-near-duplicate", _types("choice"),
         "two options that are the same but for case, punctuation or up to two letters in one place",
         "replace one of them with a different plausible option",
         card=choice.near_duplicate),
    Rule("choice-above", _types("choice"),
         "an 'all of the above' or 'none of the above' option",
         "replace it with a plausible option of the same kind as the answer",
         card=choice.above),
    Rule("choice-question-words", _types("choice"),
         "the only option that repeats words of the question",
         "reword that option, or let the others use the question's words too",
         card=choice.question_words),
    Rule("truefalse-balance", _types("truefalse"),
         "the deck's share of true statements is outside 35-65%",
         "turn some statements around so that about half are true",
         deck=truefalse.balance),
    Rule("truefalse-absolute", _types("truefalse"),
         "a false statement holding an absolute word (only, always, never, all, none, entirely ...)",
         "make the statement false in substance, not by one absolute word",
         card=truefalse.absolute_word),
    Rule("cloze-hint", _types("cloze"),
         "a hint that holds the answer or one of its words",
         "give a hint about the kind of answer (a city, a year), not the answer",
         card=cloze.hint_gives_answer),
    Rule("cloze-answer-shown", _types("cloze"),
         "the gap's answer is also written elsewhere in the text shown with it",
         "reword the rest of the text, or hide that word in the same gap number",
         card=cloze.answer_elsewhere),
    Rule("cloze-common-gap", _types("cloze"),
         "a gap of one very common word",
         "move the gap to the word that carries the idea",
         card=cloze.common_gap),
    Rule("answer-in-question", _types(),
         "the card's answer is written in its own question",
         "reword the question so that it does not name its answer",
         card=leaks.answer_in_question),
    Rule("answer-in-other-card", _types(),
         "a card's question, choices, source or explain holds the answer of another card",
         "reword one of the two cards (a source quote can be cut short)",
         deck=leaks.answer_in_other_card),
    Rule("order-too-few", _types("order"),
         "an order card with fewer than 3 items",
         "add items, or ask it as a choice or true/false card",
         card=order.too_few),
    Rule("order-same-date", _types("order"),
         "two items of an order card with the same date",
         "keep one event per date, or ask the events of one day another way",
         card=order.same_date),
    Rule("typed-tolerance-exact", _types("typed"),
         "a numeric tolerance where the source quote gives an exact figure",
         "remove the tolerance (or quote the source's approximate wording)",
         card=typed.exact_source),
    Rule("typed-bare-number", _types("typed"),
         "a bare-number answer where the question names a unit",
         "write the unit in the answer, e.g. '3 months'",
         card=typed.bare_number),
    Rule("open-weak-term", _types("open"),
         "a point of an open card with a term that is one very common word",
         "use a phrase of the point (several words), or a word only this point uses",
         card=weak_term),
)
