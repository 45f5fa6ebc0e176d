"""The deck lint: item-writing flaws that let someone answer without knowing the fact.

Pure (no files, no clock): `lint_deck(deck)` returns the warnings of a loaded deck, each with
its rule, message, fix, card and the key path (`LintWarning` without a line yet; `place` gives
it the line and column of that key in the deck's text). The rules are one table
(`core.lint.rules.RULES`), one module per card type; `find_leaks`/`leak_relation` are also what a
study session uses to space apart new cards that leak each other's answers (`deck_relation`,
computed once per loaded deck).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import count
from operator import attrgetter

from briefing_quiz.core.lint import fast
from briefing_quiz.core.lint.base import Finding, LintWarning
from briefing_quiz.core.lint.fast import card_check
from briefing_quiz.core.lint.leaks import Leak, deck_relation, find_leaks, leak_relation
from briefing_quiz.core.lint.rules import RULES, Rule
from briefing_quiz.core.model import Card, Deck

__all__ = ["RULES", "Leak", "LintWarning", "Locate", "Rule", "deck_relation", "find_leaks",
           "leak_relation", "lint_deck"]

_ID = attrgetter("id")

Locate = Callable[[Sequence[tuple[str | int, ...]]], Sequence[tuple[int | None, int | None]]]
"""Lines and columns of key paths in the deck's file (see `core.deckfile.locate_keys`)."""


def lint_deck(deck: Deck, locate: Locate | None = None,
              rules: Sequence[Rule] = RULES) -> list[LintWarning]:
    """Every warning of `deck`, in file order (deck-wide ones first), placed with `locate`."""
    if fast.ENABLED:  # the deck's cards read as columns once, for all the rules of this run
        with fast.sharing(deck.cards):
            return _lint_deck(deck, locate, rules)
    return _lint_deck(deck, locate, rules)


def _lint_deck(deck: Deck, locate: Locate | None, rules: Sequence[Rule]) -> list[LintWarning]:
    found: list[tuple[Rule, Finding]] = []
    for rule in rules:
        if rule.deck is not None and (not rule.types or any(
                card.type in rule.types for card in deck.cards)):
            check = fast.deck_check(rule.deck) if fast.ENABLED else rule.deck
            found.extend((rule, f) for f in check(deck))
    if fast.ENABLED:  # the same findings in the same order (BRIEFING_QUIZ_NO_FAST_LINT=1: below)
        found.extend(fast.card_findings(deck.cards, rules))
    else:
        _card_findings(deck.cards, rules, found)
    index = dict(zip(map(_ID, deck.cards), count()))  # a repeated id: its last card
    locs = [_loc(f, index) for _rule, f in found]
    places = locate(locs) if locate is not None and locs else [(None, None)] * len(locs)
    if fast.ENABLED:  # the same warnings, built faster
        return fast.placed_warnings(deck.path, found, places, index)
    warnings = [LintWarning(rule.id, f.message, rule.fix, deck.path, line, column, f.card_id,
                            f.other)
                for (rule, f), (line, column) in zip(found, places, strict=True)]
    order = {id(w): (index.get(w.card_id, -1) if w.card_id else -1) for w in warnings}
    warnings.sort(key=lambda w: (w.line or 0, order[id(w)]))
    return warnings


def _loc(finding: Finding, index: dict[str, int]) -> tuple[str | int, ...]:
    if finding.card_id is None:
        return finding.key
    return ("cards", index[finding.card_id], *finding.key)


def _card_findings(cards: Sequence[Card], rules: Sequence[Rule],
                   found: list[tuple[Rule, Finding]]) -> None:
    """The plain path of the card rules: card by card, each card's rules in `rules` order."""
    by_type: dict[str, list[tuple[Rule, Callable[[Card], Iterable[Finding]]]]] = {}
    add = found.append
    for card in cards:
        checks = by_type.get(card.type)
        if checks is None:
            checks = by_type[card.type] = [(r, card_check(r.card)) for r in rules
                                           if r.card is not None and (
                                               not r.types or card.type in r.types)]
        for rule, check in checks:
            for finding in check(card):
                add((rule, finding))
