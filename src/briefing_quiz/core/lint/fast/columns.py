"""One lint run's cards as columns: the cards of each type, their fields as lists, and what the
leak pass and `answer-in-question` both need (the texts a leak may stand in, the answers worth
looking for), gathered once per run (see `core.lint.fast`).

A column is built by `map` over the cards of one type (`operator.attrgetter`, `itertools.chain`,
`compress`, `repeat`): the loop runs in C, about 30-50 ns a card, where a Python loop that reads
a few fields of each card costs 0.5-1 µs. Cards of a type this module does not know (a subclass)
are left to the plain functions (`leaks.texts_of`, `leaks.answers_of`), card by card.

`sharing(cards)` makes one run's columns the ones `columns_of(cards)` returns until it ends: a
lint builds them once for its deck rule and its card rules, and a new lint builds them anew (the
benchmark's rounds stay cold).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import chain, compress, count, filterfalse, repeat
from operator import and_, attrgetter, contains, eq, getitem, itemgetter, le, lt, not_
from typing import Any, cast

from briefing_quiz.core.lint import leaks
from briefing_quiz.core.lint.fast.words import normal_bytes, spaced_all
from briefing_quiz.core.lint.text import COMMON_WORDS
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    OpenCard,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)

__all__ = ["Columns", "collapsed_all", "columns_of", "holds_all", "sharing"]

#: The card types whose fields are read as columns; any other type is read card by card.
KNOWN: tuple[type, ...] = (BasicCard, TypedCard, ChoiceCard, TrueFalseCard, ClozeCard, OrderCard,
                           OpenCard)
#: The field each type asks with (the first text a leak is looked for in).
_ASKED_BY = {BasicCard: "question", TypedCard: "question", ChoiceCard: "question",
             OrderCard: "question", OpenCard: "question", TrueFalseCard: "statement",
             ClozeCard: "text"}


def collapsed_all(texts: Sequence[str]) -> list[str]:
    """`[f" {' '.join(tokens(text))} " for text in texts]` (" " for a text without words): each
    text's words, single-spaced, with a blank at both ends, so that `f" {' '.join(phrase)} " in`
    it exactly when `contains_phrase(tokens(text), phrase)`. By one normalisation of them all."""
    if not texts:
        return []
    whole = " \x00 ".join(texts)
    if whole.count("\x00") != len(texts) - 1:  # a text holds the separator
        return [f" {' '.join(words)} " if (words := normal_bytes(text).decode().split()) else " "
                for text in texts]
    # Normalised, a blank is a " " (`words.SPACED`): runs of them made one is `split` + `join`
    # (a regular expression on bytes: about a third of their cost).
    return _BLANK_RUN.sub(b" ", b" " + normal_bytes(whole) + b" ").decode().split("\x00")


_BLANK_RUN = re.compile(b"  +")


def holds_all(texts: Sequence[str], phrases: Sequence[tuple[str, ...] | None]) -> list[bool]:
    """`[contains_phrase(tokens(text), phrase) for text, phrase in zip(texts, phrases)]` (False
    for a None or empty phrase): a one-word phrase looked for as " word " in the text normalised
    with its blanks (`words.spaced_all`), a longer one in its words single-spaced
    (`collapsed_all`, only for those rows: making runs of blanks one costs more)."""
    # Per distinct phrase (rows often share one), by `map` (no Python frame per phrase), then
    # by `map` over the rows. A normalised text is case-folded: it holds no ASCII capital, so
    # "A" is found nowhere (no phrase).
    distinct = cast("list[tuple[str, ...]]", list(set(phrases) - {None, ()}))
    probe: dict[tuple[str, ...] | None, str] = dict(zip(distinct, map(
        " {} ".format, map(" ".join, distinct)), strict=True))
    size: dict[tuple[str, ...] | None, int] = dict(zip(distinct, map(len, distinct),
                                                       strict=True))
    probe[None] = probe[()] = "A"
    size[None] = size[()] = 0
    found = list(map(contains, spaced_all(texts), map(probe.__getitem__, phrases)))
    longer = list(compress(count(), map(lt, repeat(1), map(size.__getitem__, phrases))))
    if longer:
        found_longer = map(contains, collapsed_all(list(map(texts.__getitem__, longer))),
                           map(probe.__getitem__, map(phrases.__getitem__, longer)))
        for n, holds in zip(longer, found_longer, strict=True):
            found[n] = holds
    return found




class Columns:
    """The cards of one lint run by type (in card order within a type), and columns of them."""

    def __init__(self, cards: Sequence[Card]) -> None:
        self.cards = cards
        by_type: dict[type, list[int]] = {}
        for i, card in enumerate(cards):
            kind = type(card)
            group = by_type.get(kind)
            if group is None:
                group = by_type[kind] = []
            group.append(i)
        #: Card indexes of each exact type present.
        self.indexes = by_type
        #: Card indexes of the cards of a type not in `KNOWN`, in card order.
        self.others = sorted(i for kind, group in by_type.items() if kind not in KNOWN
                             for i in group)
        self._cards: dict[type, list[Card]] = {}
        self._fields: dict[tuple[type, str], list[Any]] = {}
        self._kept: dict[str, tuple[str, ...] | None] = {}
        self._answer_pairs: list[tuple[int, str]] | None = None
        self._segments: tuple[list[str], list[int], list[str], list[int]] | None = None

    def of(self, kind: type) -> list[Card]:
        """The cards of exactly type `kind`, in card order."""
        found = self._cards.get(kind)
        if found is None:
            found = self._cards[kind] = list(map(self.cards.__getitem__,
                                                 self.indexes.get(kind, ())))
        return found

    def field(self, kind: type, name: str) -> list[Any]:
        """The `name` of every card of exactly type `kind`, in card order."""
        found = self._fields.get((kind, name))
        if found is None:
            found = self._fields[kind, name] = list(map(attrgetter(name), self.of(kind)))
        return found

    def segments(self) -> tuple[list[str], list[int], list[str], list[int]]:
        """Every text a leak is looked for in (`leaks.texts_of` of every card), grouped by type
        and field (not in card order): the texts, and each one's card index, key and rank among
        its card's texts (texts of one card and rank stand in the card's order). Made once: the
        relation's digest (`relations`) and the leak pass share them."""
        if self._segments is not None:
            return self._segments
        texts: list[str] = []
        owners: list[int] = []
        keys: list[str] = []
        ranks: list[int] = []
        for kind in KNOWN:
            indexes = self.indexes.get(kind)
            if not indexes:
                continue
            size = len(indexes)
            key = _ASKED_BY[kind]
            texts.extend(self.field(kind, key))
            owners.extend(indexes)
            keys.extend(repeat(key, size))
            ranks.extend(repeat(0, size))
            if kind is ChoiceCard:
                options: list[tuple[str, ...]] = self.field(kind, "choices")
                counts = list(map(len, options))
                texts.extend(chain.from_iterable(options))
                owners.extend(chain.from_iterable(map(repeat, indexes, counts)))
                keys.extend(repeat("choices", sum(counts)))
                ranks.extend(repeat(1, sum(counts)))
            for rank, name in ((2, "source"), (3, "explain")):
                values = self.field(kind, name)
                given = list(map(bool, values))
                texts.extend(compress(values, given))
                owners.extend(compress(indexes, given))
                written = sum(given)
                keys.extend(repeat(name, written))
                ranks.extend(repeat(rank, written))
        for i in self.others:
            for rank, (key, text) in enumerate(leaks.texts_of(self.cards[i])):
                texts.append(text)
                owners.append(i)
                keys.append(key)
                ranks.append(rank)
        self._segments = texts, owners, keys, ranks
        return self._segments

    def answer_pairs(self) -> list[tuple[int, str]]:
        """(card index, answer) of every answer `leaks.answers_of` looks at before it drops the
        trivial and long ones (see `kept`), in card order."""
        if self._answer_pairs is not None:
            return self._answer_pairs
        pairs: list[tuple[int, str]] = []
        for kind in (BasicCard, TypedCard):
            if self.indexes.get(kind):
                pairs.extend(zip(self.indexes[kind], self.field(kind, "answer"), strict=True))
        if self.indexes.get(ChoiceCard):
            answers: list[tuple[str, ...]] = self.field(ChoiceCard, "answers")
            pairs.extend(zip(chain.from_iterable(map(repeat, self.indexes[ChoiceCard],
                                                     map(len, answers))),
                             chain.from_iterable(answers), strict=True))
        if self.indexes.get(ClozeCard):
            gaps: list[tuple[Any, ...]] = self.field(ClozeCard, "deletions")
            # Each card's distinct answers once, in text order (dict keys keep the first).
            pairs.extend(dict.fromkeys(zip(
                chain.from_iterable(map(repeat, self.indexes[ClozeCard], map(len, gaps))),
                map(_ANSWER, chain.from_iterable(gaps)), strict=True)))
        for i in self.others:
            pairs.extend((i, answer) for answer in leaks.answers_of(self.cards[i]))
        pairs.sort(key=itemgetter(0))  # stable: each card's answers keep their order
        self._answer_pairs = pairs
        return pairs

    def kept(self, answers: Sequence[str]) -> dict[str, tuple[str, ...] | None]:
        """Each of `answers` with its words when `leaks.answers_of` keeps it (not trivial, at
        most `MAX_ANSWER_WORDS` words), else None; worked out once per distinct answer."""
        known = self._kept
        new = list(filterfalse(known.__contains__, dict.fromkeys(answers)))
        if new:
            words = list(map(tuple, map(str.split, collapsed_all(new))))
            sizes = list(map(len, words))
            # Kept: 1 to MAX_ANSWER_WORDS words, not all common (by `map`, in C); then, of those
            # of one word, not a short word or a number below 100 (`text.is_trivial`).
            kept = list(map(and_, map(and_, map(lt, repeat(0), sizes), map(
                le, sizes, repeat(leaks.MAX_ANSWER_WORDS))), map(not_, map(
                    COMMON_WORDS.issuperset, words))))
            for n in compress(count(), map(and_, kept, map(eq, sizes, repeat(1)))):
                word = words[n][0]
                kept[n] = not (len(word) < 3 or (word.isdigit() and int(word) < 100))
            # The words when kept, else None: (None, words)[kept].
            known.update(zip(new, map(getitem, zip(repeat(None), words, strict=False), kept),
                             strict=True))
        return known


_ANSWER = attrgetter("answer")



_shared: list[Columns] = []


@contextmanager
def sharing(cards: Sequence[Card]) -> Iterator[Columns]:
    """Within it, `columns_of(cards)` returns these columns (built once)."""
    columns = Columns(cards)
    _shared.append(columns)
    try:
        yield columns
    finally:
        _shared.remove(columns)


def columns_of(cards: Sequence[Card]) -> Columns:
    """The columns of `cards`: those `sharing` made for them, else new ones."""
    for columns in reversed(_shared):
        if columns.cards is cards:
            return columns
    return Columns(cards)
