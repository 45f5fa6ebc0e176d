"""Answers written where they should not be: in the card's own question, or in another card.

The pair relation ("card A's question, choices, source or explain holds card B's answer") is
what `answer-in-other-card` reports and what a study session uses to keep two new cards that
leak each other's answers apart (`core.study.queue`). It is built once per deck: answers are
indexed by their first word, and each card's text is looked up only at the words that start
some answer (a set intersection, in C), so a deck of n cards costs O(words), never O(n^2)
substring scans.
"""

from __future__ import annotations

from bisect import bisect
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, count

from briefing_quiz.core.lint.base import Finding
from briefing_quiz.core.lint.offered import offered_alternatives
from briefing_quiz.core.lint.text import contains_phrase, is_trivial, normalise, tokens
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    Deck,
    OpenCard,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)

__all__ = ["Leak", "answer_in_other_card", "answer_in_question", "answers_of", "deck_relation",
           "find_leaks", "leak_relation", "plain_find_leaks", "texts_of"]

#: Answers longer than this many words are sentences: they are not looked for elsewhere.
MAX_ANSWER_WORDS = 8
#: An answer written in more than this many other cards, or in more than this share of the deck,
#: whichever is more, is one of the deck's topic words ("Ukraine" in a deck about Ukraine):
#: seeing it tells nothing about the card that asks for it.
MAX_SPREAD = 3
MAX_SPREAD_SHARE = 0.10


def answers_of(card: Card) -> list[str]:
    """The answers of `card` worth looking for elsewhere (none for true/false, order and open
    cards)."""
    if isinstance(card, (BasicCard, TypedCard)):
        found = [card.answer]
    elif isinstance(card, ChoiceCard):
        found = list(card.answers)
    elif isinstance(card, ClozeCard):
        found = list(dict.fromkeys(d.answer for d in card.deletions))
    else:
        return []
    return [a for a in found
            if not is_trivial(words := tokens(a)) and len(words) <= MAX_ANSWER_WORDS]


def texts_of(card: Card) -> list[tuple[str, str]]:
    """The (key, text) pairs of `card` where another card's answer would give it away: the
    question (statement, cloze text), choices, source and explain."""
    out: list[tuple[str, str]] = []
    if isinstance(card, (BasicCard, TypedCard, ChoiceCard, OrderCard, OpenCard)):
        out.append(("question", card.question))
    elif isinstance(card, TrueFalseCard):
        out.append(("statement", card.statement))
    elif isinstance(card, ClozeCard):
        out.append(("text", card.text))
    if isinstance(card, ChoiceCard):
        out.extend(("choices", c) for c in card.choices)
    # An open card's model answer and points are not looked in (nor are they answers, see
    # `answers_of`): a brief-back restates the argument's facts by design, after it is answered.
    # An order card's items are not looked in: they are its answer's material, shown as a set
    # (the fact asked is their order), as the rule lists question, choices, source and
    # explain only.
    if card.source:
        out.append(("source", card.source))
    if card.explain:
        out.append(("explain", card.explain))
    return out


@dataclass(frozen=True, slots=True)
class Leak:
    """Card `card`'s `key` holds `answer`, the answer of card `other`."""

    card: str
    key: str
    other: str
    answer: str


_TEXT_END = "\x02"  # between two texts; a word of its own once normalised


def find_leaks(deck: Deck) -> list[Leak]:
    """Every (card, other card) pair where the first holds the other's answer, once per pair,
    in deck order. Left out: the deck's topic words (see `MAX_SPREAD`: an answer written in too
    many places, or whose every word is written too often), and answers the first card shares
    (the same fact asked twice).

    One pass over the words of every text of the deck, normalised as one string: each answer is
    indexed under its rarest word, and only the places of those words are looked at.
    """
    from briefing_quiz.core.lint import fast  # deferred: it builds on this module

    if fast.ENABLED:  # the same pairs with less work (BRIEFING_QUIZ_NO_FAST_LINT=1: this code)
        return fast.find_leaks(deck)
    return plain_find_leaks(deck)


def plain_find_leaks(deck: Deck) -> list[Leak]:
    """`find_leaks` by the plain path, whatever `fast.ENABLED` says."""
    cards = deck.cards
    most = max(MAX_SPREAD, int(len(cards) * MAX_SPREAD_SHARE))
    places: list[tuple[int, str]] = []  # (card index, key) of each text, in order
    texts: list[str] = []
    for i, card in enumerate(cards):
        for key, text in texts_of(card):
            places.append((i, key))
            texts.append(text)
    words = normalise(f" {_TEXT_END} ".join(texts)).split()
    phrases = [(i, answer, tokens(answer)) for i, card in enumerate(cards)
               for answer in answers_of(card)]
    # The loops over every word of the deck run in C (filter, map, compress): Python code runs
    # only for the places of rare answer words.
    answer_words = {word for _i, _answer, phrase in phrases for word in phrase}
    counts = Counter(filter(answer_words.__contains__, words))
    # Each answer under its rarest word; one whose every word is a topic word is not looked for.
    index: dict[str, list[tuple[tuple[str, ...], list[str], int, int, str]]] = {}
    own: dict[int, set[tuple[str, ...]]] = {}
    for i, answer, phrase in phrases:
        own.setdefault(i, set()).add(phrase)
        rarest = min(range(len(phrase)), key=[counts[word] for word in phrase].__getitem__)
        if counts[phrase[rarest]] <= most + 1:  # +1: its own card may write it once
            index.setdefault(phrase[rarest], []).append((phrase, list(phrase), rarest, i, answer))
    ends = list(compress(count(), map(_TEXT_END.__eq__, words)))
    hits = compress(count(), map(index.__contains__, words))
    found: Found = {}
    holders: Holders = {}
    for at in hits:
        holder, key = places[bisect(ends, at)]
        match_at(index[words[at]], words, at, holder, key, own, holders, found)
    return leaks_found(cards, found, holders, most)


#: A phrase indexed under one of its words: (phrase, as a list, the word's offset in it, its
#: card's index, the answer it comes from).
IndexEntry = tuple[tuple[str, ...], list[str], int, int, str]
Found = dict[tuple[int, int], tuple[str, str]]  # (holder, owner) -> (key, answer)
Holders = dict[tuple[int, tuple[str, ...]], set[int]]  # (owner, phrase) -> cards holding it


def match_at(entries: list[IndexEntry], words: list[str], at: int, holder: int, key: str,
             own: Mapping[int, set[tuple[str, ...]]], holders: Holders, found: Found) -> None:
    """Record each phrase indexed under `words[at]` that is written there, in another card's
    text than its own (shared by the plain pass and both fast ones)."""
    for phrase, as_list, offset, owner, answer in entries:
        start = at - offset
        if (owner == holder or start < 0 or words[start:start + len(phrase)] != as_list
                or phrase in own.get(holder, ())):
            continue
        holders.setdefault((owner, phrase), set()).add(holder)
        found.setdefault((holder, owner), (key, answer))


def leaks_found(cards: Sequence[Card], found: Found, holders: Holders, most: int) -> list[Leak]:
    """The leaks recorded, in card order, leaving out answers written in more than `most`
    other cards (topic words, not give-aways)."""
    return [Leak(cards[holder].id, key, cards[owner].id, answer)
            for (holder, owner), (key, answer) in sorted(found.items())
            if len(holders[owner, tokens(answer)]) <= most]


def leak_relation(leaks: list[Leak]) -> Mapping[str, frozenset[str]]:
    """Each card id with the cards it leaks an answer to or from (symmetric)."""
    related: dict[str, set[str]] = {}
    for leak in leaks:
        related.setdefault(leak.card, set()).add(leak.other)
        related.setdefault(leak.other, set()).add(leak.card)
    return {card: frozenset(others) for card, others in related.items()}


#: The relation of each deck id's current deck object: computed once per deck load (a re-read deck
#: is a new object, so its relation is computed again), then shared by every session built on it.
_RELATIONS: dict[str, tuple[Deck, Mapping[str, frozenset[str]]]] = {}


def deck_relation(deck: Deck) -> Mapping[str, frozenset[str]]:
    """`leak_relation(find_leaks(deck))`, cached with this deck object, and (fast path) by a
    digest of its texts and answers for the process (`fast.relations`)."""
    known = _RELATIONS.get(deck.id)
    if known is not None and known[0] is deck:
        return known[1]
    from briefing_quiz.core.lint import fast  # deferred: it builds on this module

    # Fast path: a deck read again with the same texts and answers gets the relation kept.
    relation = (fast.cached_relation(deck, _relation_of) if fast.ENABLED
                else _relation_of(deck))
    _RELATIONS[deck.id] = (deck, relation)
    return relation


def _relation_of(deck: Deck) -> Mapping[str, frozenset[str]]:
    return leak_relation(find_leaks(deck))


def answer_in_other_card(deck: Deck) -> Iterator[Finding]:
    """answer-in-other-card: a card's question, choices, source or explain holds another's answer."""
    for leak in find_leaks(deck):
        verb = "hold" if leak.key in ("choices", "items") else "holds"
        yield Finding(f"its {leak.key} {verb} {leak.answer!r}, the answer of card {leak.other} "
                      f"(pair: {leak.card} and {leak.other})", leak.card, (leak.key,), leak.other)


def answer_in_question(card: Card) -> Iterator[Finding]:
    """answer-in-question: the card's answer is written in its own question."""
    if isinstance(card, ClozeCard):
        return  # cloze cards: `cloze-answer-shown`
    if not isinstance(card, (BasicCard, TypedCard, ChoiceCard)):
        return
    question = tokens(card.question)
    for answer in answers_of(card):
        # Named as one of several alternatives the question offers: no give-away.
        if contains_phrase(question, tokens(answer)) and tokens(answer) not in (
                offered_alternatives(card.question)):
            yield Finding(f"the answer {answer!r} is written in the question", card.id,
                          ("question",))
            return
