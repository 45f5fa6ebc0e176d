"""The leak pass, fast: answer words found by one compiled Aho-Corasick automaton (see
`core.lint.fast`).
"""

from __future__ import annotations

import re
from bisect import bisect
from collections import Counter
from collections.abc import Sequence
from itertools import chain, compress, count, filterfalse
from operator import itemgetter
from typing import cast

from ahocorasick_rs import BytesAhoCorasick as AhoCorasick

from briefing_quiz.core.lint import leaks
from briefing_quiz.core.lint.fast.columns import columns_of
from briefing_quiz.core.lint.fast.words import normal_bytes, spaced_all
from briefing_quiz.core.lint.text import (
    is_trivial,
    normalise,
)
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

__all__ = ["find_leaks"]

def find_leaks(deck: Deck) -> list[leaks.Leak]:
    """What `core.lint.leaks.find_leaks(deck)` returns (same rules, same order): by the automaton
    (`_leaks_by_automaton`), or by the word pass below where the automaton declines."""
    found = _leaks_by_automaton(deck)
    return found if found is not None else _leaks_by_words(deck)


def _leaks_by_words(deck: Deck) -> list[leaks.Leak]:
    """What `core.lint.leaks.find_leaks(deck)` returns (same rules, same order), with less work
    per word of the deck: the words are counted by one `Counter` over all of them (in C) instead
    of a filtered one, and the two passes that find where indexed answer words stand and where
    each text ends are skipped when the counts already say no indexed word is written anywhere
    (a deck whose rare answers are not written elsewhere, the common case), and the second one
    also when the first finds nothing."""
    cards = deck.cards
    most = max(leaks.MAX_SPREAD, int(len(cards) * leaks.MAX_SPREAD_SHARE))
    places, texts = _texts(cards)
    end_word = leaks._TEXT_END
    words = normalise(f" {end_word} ".join(texts)).split()
    phrases = _phrases(cards)
    counts = Counter(words)
    index: dict[str, list[tuple[tuple[str, ...], list[str], int, int, str]]] = {}
    own: dict[int, set[tuple[str, ...]]] = {}
    rarest_of: dict[tuple[str, ...], int] = {}  # the same answer in many cards: one min()
    for i, answer, phrase in phrases:
        own.setdefault(i, set()).add(phrase)
        rarest = rarest_of.get(phrase)
        if rarest is None:
            rarest = rarest_of[phrase] = min(range(len(phrase)),
                                             key=[counts[word] for word in phrase].__getitem__)
        if counts[phrase[rarest]] <= most + 1:
            index.setdefault(phrase[rarest], []).append((phrase, list(phrase), rarest, i, answer))
    if not any(map(counts.__contains__, index)):
        return []
    hits = list(compress(count(), map(index.__contains__, words)))
    if not hits:
        return []
    ends = list(compress(count(), map(end_word.__eq__, words)))
    found: leaks.Found = {}
    holders: leaks.Holders = {}
    grouped: dict[str, list[_Group]] = {}
    for at in hits:
        holder, key = places[bisect(ends, at)]
        word = words[at]
        groups = grouped.get(word)
        if groups is None:
            groups = grouped[word] = _grouped(index[word])
        _match_grouped(groups, words, at, holder, key, own, holders, found)
    return leaks.leaks_found(cards, found, holders, most)


#: The first stretch of text the automaton reads before it drops the words already seen too often
#: to count (each next stretch twice as long).
_FIRST_STRETCH = 1 << 15


def _leaks_by_automaton(deck: Deck) -> list[leaks.Leak] | None:
    """`find_leaks` without splitting the deck into words: the answers' words are found in the
    deck's text by one Aho-Corasick automaton (`ahocorasick_rs`, compiled) as " word " in the
    text normalised with every blank a " " (as UTF-8 bytes), so that only the places of answer
    words cost Python work. The automaton reads the text in stretches; after each, the words
    already seen more than `most + 1` times are dropped from it, so a deck's topic words cost a
    few short stretches, not a Python object per place. The counts it keeps are exact for every
    word whose count decides something: an answer is indexed under its rarest word only when that
    word is written at most `most + 1` times, and a dropped word is written more often than that.
    The texts and answers come as columns (`columns.Columns`), the texts grouped by field: the
    places found are put back in the deck's order before they are used.
    None (the caller falls back) when a text or an answer holds the text separator."""
    cards = deck.cards
    most = max(leaks.MAX_SPREAD, int(len(cards) * leaks.MAX_SPREAD_SHARE))
    columns = columns_of(cards)
    texts, owners, keys, ranks = columns.segments()
    pairs = columns.answer_pairs()
    answers = list(map(itemgetter(1), pairs))
    kept = columns.kept(answers)
    # The words of every answer kept, distinct (the (card, answer, words) rows are built below,
    # only when some answer is looked for).
    distinct = list(dict.fromkeys(filter(None, map(kept.__getitem__, answers))))
    if not distinct or not texts:
        return []
    end_word = leaks._TEXT_END
    raw = f" {end_word} ".join(texts)
    if raw.count(end_word) != len(texts) - 1:
        return None
    data = b" " + normal_bytes(raw) + b" "
    counts = dict.fromkeys(chain.from_iterable(distinct), 0)
    if end_word in counts:
        return None
    dropped, found_in = _count(data, counts, most + 1)
    size = len(data)
    # A phrase with a word written nowhere is never found: its rarest word is one of those (no
    # place of it to look at). One whose every word is a topic word is not looked for.
    nowhere = {word for word, times in counts.items() if not times}
    looked_for = list(filterfalse(dropped.issuperset, compress(distinct, map(
        nowhere.isdisjoint, distinct))))
    if not looked_for:
        return []
    # Each distinct answer under its rarest word, when that word is written at most `most + 1`
    # times; a dropped word is written more often than that, so its count (cut short) never
    # decides, and it is never the rarest of an answer that is looked for.
    rarest_of: dict[tuple[str, ...], int] = {}
    for phrase in looked_for:
        least = 0 if len(phrase) == 1 else min(range(len(phrase)), key=[
            size if word in dropped else counts[word] for word in phrase].__getitem__)
        word = phrase[least]
        if word not in dropped and counts[word] <= most + 1:
            rarest_of[phrase] = least
    if not rarest_of:
        return []
    # The answers looked for, in card order (`compress`: no Python work for the others).
    phrases = [(i, answer, cast("tuple[str, ...]", kept[answer])) for i, answer in compress(
        pairs, map(rarest_of.__contains__, map(kept.__getitem__, answers)))]
    index: dict[str, list[tuple[tuple[str, ...], list[str], int, int, str]]] = {}
    for i, answer, phrase in phrases:
        rarest = rarest_of[phrase]
        index.setdefault(phrase[rarest], []).append((phrase, list(phrase), rarest, i, answer))
    hits = []
    for offset, known, seen in found_in:
        looked = {n for n, word in enumerate(known) if word in index}
        if looked:
            hits += [(offset + begin, known[n]) for n, begin, _end in seen if n in looked]
    if not hits:
        return []
    return _pairs(cards, (owners, keys, ranks), data, hits, index, (pairs, kept), most)


Stretches = list[tuple[int, list[str], list[tuple[int, int, int]]]]
"""Per stretch of text read: its offset, the words the automaton then knew, and what it found
there: (word's number in that list, start, end)."""


def _count(data: bytes, counts: dict[str, int], most: int) -> tuple[set[str], Stretches]:
    """Count in `counts` each of its words as " word " in `data`, in doubling stretches, dropping
    after each one the words already counted more than `most` times (their counts stop there).
    The dropped words, and what each stretch found."""
    live = list(counts)
    dropped: set[str] = set()
    automaton = _automaton(live)
    found_in: Stretches = []
    size = len(data)
    start, stretch = 0, _FIRST_STRETCH
    while start < size - 1 and live:
        stop = data.find(b" ", min(start + stretch, size - 1))
        seen = automaton.find_matches_as_indexes(data[start:stop + 1], overlapping=True)
        if seen:
            found_in.append((start, live, seen))
            for n, times in Counter(map(itemgetter(0), seen)).items():
                counts[live[n]] += times
        start, stretch = stop, stretch * 2
        over = {word for word in live if counts[word] > most}
        if over:
            dropped |= over
            live = [word for word in live if word not in over]
            automaton = _automaton(live)
    return dropped, found_in


def _pairs(cards: Sequence[Card], segments: tuple[list[int], list[str], list[int]],
           data: bytes, hits: list[tuple[int, str]],
           index: dict[str, list[tuple[tuple[str, ...], list[str], int, int, str]]],
           answers: tuple[list[tuple[int, str]], dict[str, tuple[str, ...] | None]],
           most: int) -> list[leaks.Leak]:
    """The leaks at `hits` (the blank before an indexed word of `data`, the word), taken in the
    deck's order (card, then its texts in `texts_of` order, then place) whatever the order of
    the texts in `data`: the first place of a pair decides its key and answer. `answers`: the
    (card, answer) pairs and the words of those kept, for the answers of the cards holding a
    hit (`own`)."""
    owners, keys, ranks = segments
    size = len(data)
    bounds = [match.start() for match in _END_WORD.finditer(data)]
    placed = []
    for begin, word in hits:  # `begin`: the blank before the word
        n = bisect(bounds, begin)
        placed.append((owners[n], ranks[n], begin, n, word))
    placed.sort()
    pairs, kept = answers
    holding = {holder for holder, *_rest in placed}
    own: dict[int, set[tuple[str, ...]]] = {}
    for i, answer in compress(pairs, map(holding.__contains__, map(itemgetter(0), pairs))):
        phrase = kept[answer]
        if phrase is not None:
            own.setdefault(i, set()).add(phrase)
    words_of: dict[int, list[str]] = {}
    found: leaks.Found = {}
    holders: leaks.Holders = {}
    grouped: dict[str, list[_Group]] = {}
    for holder, _rank, begin, n, word in placed:
        groups = grouped.get(word)
        if groups is None:
            groups = grouped[word] = _grouped(index[word])
        mine = own.get(holder)
        if mine is not None and all(group[0] in mine for group in groups):
            continue  # every answer indexed there is one of the holder's own
        first = bounds[n - 1] + 1 if n else 0
        words = words_of.get(n)
        if words is None:
            words = words_of[n] = data[first:bounds[n] if n < len(bounds) else size].decode(
                ).split()
        at = len(data[first:begin].split())  # the word's index in its text
        _match_grouped(groups, words, at, holder, keys[n], own, holders, found)
    return leaks.leaks_found(cards, found, holders, most)


#: The entries of one word's index that share a phrase: (phrase, as a list, the word's offset in
#: it, and each entry's (number in the index, card, answer)).
_Group = tuple[tuple[str, ...], list[str], int, list[tuple[int, int, str]]]


def _grouped(entries: list[leaks.IndexEntry]) -> list[_Group]:
    """`entries` (of one word) grouped by phrase, the groups in the order of their first entry."""
    groups: dict[tuple[str, ...], _Group] = {}
    for n, (phrase, as_list, offset, owner, answer) in enumerate(entries):
        group = groups.get(phrase)
        if group is None:
            group = groups[phrase] = (phrase, as_list, offset, [])
        group[3].append((n, owner, answer))
    return list(groups.values())


def _match_grouped(groups: list[_Group], words: list[str], at: int, holder: int, key: str,
                   own: dict[int, set[tuple[str, ...]]], holders: leaks.Holders,
                   found: leaks.Found) -> None:
    """What `leaks.match_at` records for the entries of `groups`, with the tests that depend
    only on the phrase (is it written here, is it an answer of the holder too) made once per
    phrase instead of once per entry: a phrase that is the answer of many cards (the same gap
    in a thousand cloze cards) costs one test at each place it is written, not a thousand, so
    a deck's relation is no longer quadratic in the cards sharing an answer."""
    mine = own.get(holder, ())
    passing = [group for group in groups
               if (start := at - group[2]) >= 0 and group[0] not in mine
               and words[start:start + len(group[0])] == group[1]]
    if not passing:
        return
    if len(passing) == 1:
        phrase, _list, _offset, members = passing[0]
        rows = [(owner, answer, phrase) for _n, owner, answer in members]
    else:  # the index's order, as `match_at` takes them
        rows = [(owner, answer, phrase) for _n, owner, answer, phrase in sorted(
            (n, owner, answer, group[0]) for group in passing for n, owner, answer in group[3])]
    for owner, answer, phrase in rows:
        if owner != holder:
            holders.setdefault((owner, phrase), set()).add(holder)
            found.setdefault((holder, owner), (key, answer))


_END_WORD = re.compile(re.escape(leaks._TEXT_END.encode()))


def _automaton(words: Sequence[str]) -> AhoCorasick:
    """An automaton finding `words[n]` as b" word " (pattern n), overlapping matches too."""
    return AhoCorasick([f" {word} ".encode() for word in words]) if words else AhoCorasick(
        [b"\x00"])


def _texts(cards: Sequence[Card]) -> tuple[list[tuple[int, str]], list[str]]:
    """(card index, key) and text of every `leaks.texts_of(card)`, in card order."""
    places: list[tuple[int, str]] = []
    texts: list[str] = []
    place, text = places.append, texts.append
    for i, card in enumerate(cards):
        kind = type(card)
        if kind is ChoiceCard:
            place((i, "question"))
            text(cast("ChoiceCard", card).question)
            for option in cast("ChoiceCard", card).choices:
                place((i, "choices"))
                text(option)
        elif kind in _ASKING:
            place((i, "question"))
            text(cast("BasicCard", card).question)
        elif kind is TrueFalseCard:
            place((i, "statement"))
            text(cast("TrueFalseCard", card).statement)
        elif kind is ClozeCard:
            place((i, "text"))
            text(cast("ClozeCard", card).text)
        else:
            for key, value in leaks.texts_of(card):
                place((i, key))
                text(value)
            continue
        if card.source:
            place((i, "source"))
            text(card.source)
        if card.explain:
            place((i, "explain"))
            text(card.explain)
    return places, texts


_ASKING = frozenset({BasicCard, TypedCard, OrderCard, OpenCard})


def _phrases(cards: Sequence[Card]) -> list[tuple[int, str, tuple[str, ...]]]:
    """(card index, answer, its words) of every answer of `leaks.answers_of`, in card order; each
    distinct answer normalised once, all of them together."""
    pairs: list[tuple[int, str]] = []
    for i, card in enumerate(cards):
        kind = type(card)
        if kind is BasicCard or kind is TypedCard:
            pairs.append((i, cast("BasicCard | TypedCard", card).answer))
        elif kind is ChoiceCard:
            pairs.extend((i, answer) for answer in cast("ChoiceCard", card).answers)
        elif kind is ClozeCard:
            pairs.extend((i, answer) for answer in dict.fromkeys(
                d.answer for d in cast("ClozeCard", card).deletions))
        elif kind is not TrueFalseCard and kind is not OrderCard and kind is not OpenCard:
            pairs.extend((i, answer) for answer in leaks.answers_of(card))
    distinct = list(dict.fromkeys(map(itemgetter(1), pairs)))
    kept: dict[str, tuple[str, ...] | None] = {}
    for answer, normal in zip(distinct, spaced_all(distinct), strict=True):
        split = tuple(normal.split())
        kept[answer] = None if is_trivial(split) or len(split) > leaks.MAX_ANSWER_WORDS else split
    return [(i, answer, words) for i, answer in pairs if (words := kept[answer]) is not None]
