"""The card rules in bulk: each rule over all the cards it applies to at once (see
`core.lint.fast`).
"""

from __future__ import annotations

import re
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, count, repeat
from operator import add, getitem, itemgetter

from briefing_quiz.core.lint import choice, cloze, leaks, order, truefalse, typed
from briefing_quiz.core.lint import fast as _switch
from briefing_quiz.core.lint.base import Finding
from briefing_quiz.core.lint.fast.columns import Columns, columns_of
from briefing_quiz.core.lint.fast.rows import (
    Indexed,
    Memo,
    answer_elsewhere_bulk,
    answer_in_question_bulk,
    near_duplicate_bulk,
    question_words_bulk,
)
from briefing_quiz.core.lint.fast.words import spaced_all
from briefing_quiz.core.lint.rules import Rule
from briefing_quiz.core.lint.text import (
    ABSOLUTE_WORDS,
    contains_phrase,
    normalise,
    tokens,
)
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    Deck,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)

__all__ = ["card_check", "card_findings", "deck_check"]

Check = Callable[[Card], Iterable[Finding]]

# An ASCII digit, or any other character outside ASCII (where other digits live): a text
# without one has no digit for `str.isdigit` or a regex `\d`.
_MAYBE_DIGIT = re.compile(r"[0-9]|[^\x00-\x7f]")


def _same_date(card: Card) -> Iterable[Finding]:
    # Every date pattern of `order.item_date` needs a digit.
    if isinstance(card, OrderCard) and _MAYBE_DIGIT.search("\n".join(card.items_in_order)) is None:
        return ()
    return order.same_date(card)


def _exact_source(card: Card) -> Iterable[Finding]:
    # The rule needs a figure of the answer written in the source: a digit in the source.
    if isinstance(card, TypedCard) and card.source and _MAYBE_DIGIT.search(card.source) is None:
        return ()
    return typed.exact_source(card)


def _answer_in_question(card: Card) -> Iterable[Finding]:
    # The answer's words stand in the question's words only if its first word is a substring
    # of the question, normalised as the rule normalises it.
    if isinstance(card, (BasicCard, TypedCard, ChoiceCard)):
        question = normalise(card.question)
        answers = card.answers if isinstance(card, ChoiceCard) else (card.answer,)
        if not any((words := tokens(answer)) and words[0] in question for answer in answers):
            return ()
    return leaks.answer_in_question(card)


_CHECKS: dict[Check, Check] = {order.same_date: _same_date, typed.exact_source: _exact_source,
                               leaks.answer_in_question: _answer_in_question}


DeckCheck = Callable[[Deck], Iterable[Finding]]


def _balance(deck: Deck) -> Iterable[Finding]:
    # The answers of the true/false statements from the columns (in card order).
    columns = columns_of(deck.cards)
    answers: list[bool] = columns.field(TrueFalseCard, "answer")
    if columns.others:  # a subclass of a card type: in card order with the others
        answers = [card.answer for card in deck.cards if isinstance(card, TrueFalseCard)]
    return truefalse.balance_of(answers)


_DECK_CHECKS: dict[DeckCheck, DeckCheck] = {truefalse.balance: _balance}


def deck_check(check: DeckCheck) -> DeckCheck:
    """The deck rule `check` as the fast lint runs it."""
    return _DECK_CHECKS.get(check, check)


def card_check(check: Check) -> Check:
    """The card rule `check` as the lint runs it: behind its cheap test when enabled."""
    return _CHECKS.get(check, check) if _switch.ENABLED else check


# ------------------------------------------------------------------------------------------------
# The card rules in bulk: each rule over all the cards it applies to at once, the rules that cost
# most over rows of the columns (`fast.rows`, their findings built as the rule builds them), the
# others behind a test of the whole deck's texts at once (one regular expression over all of
# them) or called card by card.

Batch = Callable[[Indexed, Memo], Iterator[tuple[int, Finding]]]


def _holds(spaced_text: str, words: tuple[str, ...]) -> bool:
    """`contains_phrase(tokens(text), words)` for `spaced_text = spaced(text)`."""
    if len(words) == 1:
        return f" {words[0]} " in spaced_text
    return words[0] in spaced_text and contains_phrase(tuple(spaced_text.split()), words)


def _screened(check: Check, texts: Callable[[Card], Sequence[str]], pattern: re.Pattern[str],
              needs: Iterable[str], spaced_texts: bool = False,
              column: Callable[[Columns], list[str]] | None = None) -> Batch:
    """`check` called only for the cards where `pattern` finds something in one of `texts(card)`
    (a condition the rule cannot fire without), found by one search over all of them; no search
    at all when those texts are ASCII and none of `needs` (lower-case strings, one of which
    every match of `pattern` holds, any case) is in them (a `str.find` is much faster).
    `column`: the same texts, each card's joined by NULs, from the columns (by `map`), used
    when every card is of a type the columns know (the cards are then those of one type)."""
    needed = tuple(needs)

    def bulk(cards: Indexed, memo: Memo) -> Iterator[tuple[int, Finding]]:
        if column is not None and not memo.columns.others:
            parts = column(memo.columns)
        else:
            parts = ["\x00".join(texts(card)) for _i, card in cards]
        if spaced_texts:
            parts = spaced_all(parts)
        starts = list(accumulate(map(add, map(len, parts), repeat(1)), initial=0))
        whole = "\x00".join(parts)
        if whole.isascii():
            lower = whole.lower()
            if not any(need in lower for need in needed):
                return
        chosen = sorted({bisect(starts, match.start()) - 1 for match in pattern.finditer(whole)})
        for n in chosen:
            i, card = cards[n]
            yield from ((i, f) for f in check(card))

    return bulk


def _options(card: Card) -> Sequence[str]:
    return card.choices if isinstance(card, ChoiceCard) else ()


def _false_statement(card: Card) -> Sequence[str]:
    return (card.statement,) if isinstance(card, TrueFalseCard) and not card.answer else ()


def _typed_question(card: Card) -> Sequence[str]:
    return (card.question,) if isinstance(card, TypedCard) else ()


def _exact_source_bulk(cards: Indexed, memo: Memo) -> Iterator[tuple[int, Finding]]:
    """typed-tolerance-exact, called for the typed cards with a tolerance whose source holds one
    of the answer's digits (the rule needs a word of digits of the answer in the source)."""
    asked = [(i, card) for i, card in cards
             if isinstance(card, TypedCard) and card.tolerance is not None and card.source]
    sources = "\x00".join(card.source or "" for _i, card in asked)
    if sources.isascii() and not any(digit in sources for digit in _DIGITS):
        return  # no digit in any source: no figure of an answer there
    for i, card in asked:
        source = card.source or ""
        if any(ch in source for ch in card.answer if ch.isdigit()):
            yield from ((i, f) for f in typed.exact_source(card))


def _options_column(columns: Columns) -> list[str]:
    return list(map("\x00".join, columns.field(ChoiceCard, "choices")))


def _false_statements_column(columns: Columns) -> list[str]:
    # A true statement's text is "" (the index of `answer` in (statement, "")).
    return list(map(getitem, zip(columns.field(TrueFalseCard, "statement"), repeat(""),
                                 strict=False), columns.field(TrueFalseCard, "answer")))


def _typed_questions_column(columns: Columns) -> list[str]:
    return list(columns.field(TypedCard, "question"))


def _order_items_column(columns: Columns) -> list[str]:
    return list(map("\x00".join, columns.field(OrderCard, "items_in_order")))


def _order_items(card: Card) -> Sequence[str]:
    return card.items_in_order if isinstance(card, OrderCard) else ()


def _hint_bulk(cards: Indexed, memo: Memo) -> Iterator[tuple[int, Finding]]:
    """cloze-hint, called for the cards with a gap whose hint holds its answer or one of the
    answer's content words (what the rule reports)."""
    hinted = [(i, card, d.answer, d.hint) for i, card in cards if isinstance(card, ClozeCard)
              for d in card.deletions if d.hint is not None]
    memo.learn([text for _i, _card, answer, hint in hinted for text in (answer, hint)])
    last = -1
    for i, card, answer, hint in hinted:
        if i == last:
            continue
        words = tuple(memo.spaced[answer].split())
        if words and (_holds(memo.spaced[hint], words) or memo.content(answer) & memo.content(
                hint)):
            last = i
            yield from ((i, f) for f in cloze.hint_gives_answer(card))


# An absolute word as a word of a statement normalised by `spaced` (blanks around it).
_ABSOLUTE = re.compile("(?<= )(?:" + "|".join(map(re.escape, sorted(ABSOLUTE_WORDS))) + ")(?= )")

_DIGITS = "0123456789"

#: The rules whose bulk form reads the cards from `_Memo.columns` alone (not its `cards`).
_COLUMNAR = frozenset({leaks.answer_in_question})

_BULK: dict[Check, Batch] = {
    leaks.answer_in_question: answer_in_question_bulk,
    cloze.answer_elsewhere: answer_elsewhere_bulk,
    choice.question_words: question_words_bulk,
    choice.near_duplicate: near_duplicate_bulk,
    choice.above: _screened(choice.above, _options, choice._ABOVE,
                            ("above", "these", "those", "them"), column=_options_column),
    truefalse.absolute_word: _screened(truefalse.absolute_word, _false_statement, _ABSOLUTE,
                                       ABSOLUTE_WORDS, spaced_texts=True,
                                       column=_false_statements_column),
    typed.bare_number: _screened(typed.bare_number, _typed_question, typed._QUANTITY,
                                 ("how", "number"), column=_typed_questions_column),
    typed.exact_source: _exact_source_bulk,
    # Every date pattern of `order.item_date` holds a `\d`.
    order.same_date: _screened(order.same_date, _order_items, re.compile(r"\d"), _DIGITS,
                               column=_order_items_column),
    cloze.hint_gives_answer: _hint_bulk,
}


def card_findings(cards: Sequence[Card], rules: Sequence[Rule]) -> list[tuple[Rule, Finding]]:
    """The findings of the card rules among `rules` on `cards`, in the order the plain loop of
    `core.lint.lint_deck` finds them (card by card, each card's rules in `rules` order)."""
    columns = columns_of(cards)
    memo = Memo(columns)
    kinds = {kind: cards[indexes[0]].type for kind, indexes in columns.indexes.items()}
    groups: dict[tuple[type, ...], Indexed] = {}
    found: list[tuple[int, int, int, Rule, Finding]] = []
    serial = count()
    for position, rule in enumerate(rules):
        if rule.card is None:
            continue
        chosen = tuple(kind for kind in kinds if not rule.types or kinds[kind] in rule.types)
        if not chosen:
            continue
        if rule.card in _COLUMNAR:
            group: Indexed = ()  # it reads the columns
        elif chosen in groups:
            group = groups[chosen]
        else:  # its cards in card order, as (index, card) pairs
            if len(chosen) == 1:
                group = list(zip(columns.indexes[chosen[0]], columns.of(chosen[0]), strict=True))
            elif len(chosen) == len(kinds):
                group = list(enumerate(cards))
            else:
                group = sorted(pair for kind in chosen for pair in zip(
                    columns.indexes[kind], columns.of(kind), strict=True))
            groups[chosen] = group
        bulk = _BULK.get(rule.card)
        if bulk is not None:
            found.extend((i, position, next(serial), rule, f) for i, f in bulk(group, memo))
            continue
        check = card_check(rule.card)
        for i, card in group:
            for f in check(card):
                found.append((i, position, next(serial), rule, f))
    found.sort(key=itemgetter(0, 1, 2))
    return [(rule, f) for _i, _p, _s, rule, f in found]
