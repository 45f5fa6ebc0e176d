"""The lint's speed tricks: the same warnings as the plain path, in a fraction of its time.

What it buys (`benchmarks/bench_lint.py`, the 10,000-card deck, cold rounds; details in
benchmarks/README.md): the lint from about 2.6x `tomli.loads` of the deck to about 1.5x.
  - `locator`: a warning of a card is placed by one search for `key =` at the start of a line of
    that card's part of the file (`str.find`, or `re.search` where lines are indented, between
    two offsets), its line counted from the card's header line, instead of a line-by-line TOML
    scan of the card (`core.deckfile.locate_keys`): 94 ms -> 18 ms for 3,027 warnings. A card
    part where a plain search could be fooled (a multi-line string, a sub-table header, a key
    the search does not see) is handed to the exact scanner, as is every key path that is not
    `("cards", i[, key])`.
  - `find_leaks`: the leak pass of `core.lint.leaks.find_leaks` doing the same work with less
    Python per word (see its docstring): about 135 ms -> 85 ms.
  - `card_check`: three per-card rules run behind a cheap test of a condition they cannot fire
    without (no digit in an order card's items or a typed card's source; no answer's first word
    in the question), the rule itself deciding every card that passes it: about 20 ms less.

How to switch it off: `BRIEFING_QUIZ_NO_FAST_LINT=1` in the environment (read at import), or
`fast.ENABLED = False`; the plain path is then used everywhere. `tests/core/lint/test_fast.py`
proves on randomised decks that both paths give exactly the same warnings at the same places.
"""

from __future__ import annotations

import os
import re
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache, partial
from itertools import accumulate, compress, count, pairwise, repeat
from operator import itemgetter
from typing import Any, cast

import ahocorasick  # type: ignore[import-not-found]  # no type hints shipped

from briefing_quiz.core.deckfile import locate_keys
from briefing_quiz.core.lint import choice, cloze, leaks, order, truefalse, typed
from briefing_quiz.core.lint.base import Finding
from briefing_quiz.core.lint.offered import offered_alternatives
from briefing_quiz.core.lint.rules import Rule
from briefing_quiz.core.lint.text import (
    _BLANKS,
    ABSOLUTE_WORDS,
    COMMON_WORDS,
    contains_phrase,
    is_trivial,
    normalise,
    stem,
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

__all__ = ["ENABLED", "SWITCH_OFF_VARIABLE", "card_check", "fast_locate", "find_leaks", "locator"]

SWITCH_OFF_VARIABLE = "BRIEFING_QUIZ_NO_FAST_LINT"
#: Whether the tricks are used (False when `BRIEFING_QUIZ_NO_FAST_LINT` is set but "" or "0").
ENABLED = os.environ.get(SWITCH_OFF_VARIABLE, "") in ("", "0")

Loc = tuple[str | int, ...]
Place = tuple[int | None, int | None]

# The card header as `core.deckfile.positions` finds it (same regex, same "starts its line" test):
# both sides must agree on the card lines, and the exact scanner decides whenever the count differs.
_CARD_HEADER = re.compile(r"\[\[[ \t]*(?:cards|\"cards\"|'cards')[ \t]*\]\]")
# A line starting with `[`: a sub-table (whose keys are not the card's) or an array's line.
_SUB_TABLE = re.compile(r"^[ \t]*\[", re.MULTILINE)


@lru_cache(maxsize=64)
def _key_line(key: str) -> re.Pattern[str]:
    """`key =` at the start of a line: a bare key the exact scanner would also read as `key`."""
    return re.compile(rf"^[ \t]*({re.escape(key)})[ \t]*=", re.MULTILINE)


def locator(text: str, card_count: int) -> Callable[[Sequence[Loc]], Sequence[Place]]:
    """The `Locate` of `core.lint.lint_deck` for a deck file's `text`: the fast one when enabled."""
    if ENABLED:
        return partial(fast_locate, text, card_count)
    return partial(locate_keys, text, card_count)


def fast_locate(text: str, card_count: int, locs: Sequence[Loc]) -> list[Place]:
    """What `locate_keys(text, card_count, locs)` returns, searching only the cards concerned."""
    starts = [match.start() for match in _CARD_HEADER.finditer(text)]
    if any(start and text[start - 1] != "\n" for start in starts):
        starts = [start for start in starts if _starts_line(text, start)]
    if len(starts) != card_count:
        return locate_keys(text, card_count, list(locs))
    gaps = map(text.count, repeat("\n"), [0, *starts[:-1]], starts)
    lines = list(accumulate(gaps, initial=1))[1:]
    out: list[Place | None] = []
    hard: list[int] = []  # indexes into `locs` left to the exact scanner
    size = len(text)
    for n, loc in enumerate(locs):
        place: Place | None = None
        if len(loc) in (2, 3) and loc[0] == "cards" and type(loc[1]) is int and 0 <= loc[1] < len(
                starts):
            index = loc[1]
            start = starts[index]
            if len(loc) == 2:
                place = (lines[index], start - text.rfind("\n", 0, start))
            elif isinstance(loc[2], str):
                place = _key_place(text, start, starts[index + 1] if index + 1 < len(starts)
                                   else size, lines[index], loc[2])
        if place is None:
            hard.append(n)
        out.append(place)
    if hard:
        for n, found in zip(hard, locate_keys(text, card_count, [locs[n] for n in hard]),
                            strict=True):
            out[n] = found
    return [place if place is not None else (None, None) for place in out]


def _key_place(text: str, header: int, next_header: int, header_line: int,
               key: str) -> Place | None:
    """Line and column of the card's `key =`, between its header and the next; None when a plain
    search cannot be sure (left to the exact scanner)."""
    body = text.find("\n", header, next_header)
    if body < 0:
        return None
    body += 1
    # The region ends where the next header's line starts (blanks may stand before `[[`).
    end = text.rfind("\n", body, next_header) + 1 if next_header < len(text) else next_header
    if end <= body and next_header < len(text):
        return None
    if text.find('"""', body, end) >= 0 or text.find("'''", body, end) >= 0:
        return None  # a `key =` line could be the text of a multi-line string
    if text.find("\n ", body - 1, end) < 0 and text.find("\n\t", body - 1, end) < 0:
        # No line starts with a blank: plain `find`s do it (the common layout).
        if text.find("\n[", body - 1, end) >= 0:
            return None  # a sub-table, or an array's line
        probe = "\n" + key
        at = body - 1
        while True:
            at = text.find(probe, at, end)
            if at < 0:
                return None
            after = at + len(probe)
            while after < end and text[after] in " \t":
                after += 1
            if after < end and text[after] == "=":
                return header_line + 1 + text.count("\n", body, at + 1), 1
            at += 1
    if _SUB_TABLE.search(text, body, end) is not None:
        return None
    match = _key_line(key).search(text, body, end)
    if match is None:
        return None
    at = match.start(1)
    line_start = text.rfind("\n", body, at) + 1 or body
    return header_line + 1 + text.count("\n", body, at), at - line_start + 1


def _starts_line(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return line_start == start or text[line_start:start].isspace()


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
    places: list[tuple[int, str]] = []
    texts: list[str] = []
    for i, card in enumerate(cards):
        for key, text in leaks.texts_of(card):
            places.append((i, key))
            texts.append(text)
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
    found: dict[tuple[int, int], tuple[str, str]] = {}
    holders: dict[tuple[int, tuple[str, ...]], set[int]] = {}
    for at in hits:
        word = words[at]
        holder, key = places[bisect(ends, at)]
        for phrase, as_list, offset, owner, answer in index[word]:
            start = at - offset
            if (owner == holder or start < 0 or words[start:start + len(phrase)] != as_list
                    or phrase in own.get(holder, ())):
                continue
            holders.setdefault((owner, phrase), set()).add(holder)
            found.setdefault((holder, owner), (key, answer))
    return [leaks.Leak(cards[holder].id, key, cards[owner].id, answer)
            for (holder, owner), (key, answer) in sorted(found.items())
            if len(holders[owner, tokens(answer)]) <= most]


# Every character `str.split()` splits on: the automaton's text has them all as " ", so that
# " word " is found exactly where `split()` gives `word` (tests/core/lint/test_fast.py checks the
# list against `str.isspace`).
_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
               "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_SPACED = {**_BLANKS, **{ord(c): " " for c in _WHITESPACE}}
#: The first stretch of text the automaton reads before it drops the words already seen too often
#: to count (each next stretch twice as long).
_FIRST_STRETCH = 1 << 15


def _leaks_by_automaton(deck: Deck) -> list[leaks.Leak] | None:
    """`find_leaks` without splitting the deck into words: the answers' words are found in the
    deck's text by one Aho-Corasick automaton (`pyahocorasick`, in C) as " word " in the text
    normalised with every blank a " ", so that only the places of answer words cost Python work.
    The automaton reads the text in stretches; after each, the words already seen more than a
    topic word's count (`MAX_SPREAD`) are dropped from it, so a deck's topic words cost one short
    stretch, not a Python object per place. The counts it keeps are exact for every word whose
    count decides something: an answer is indexed under its rarest word only when that word is
    written at most `most + 1` times, and a dropped word is written more often than that.
    None (the caller falls back) when a text or an answer holds the text separator."""
    cards = deck.cards
    most = max(leaks.MAX_SPREAD, int(len(cards) * leaks.MAX_SPREAD_SHARE))
    places: list[tuple[int, str]] = []
    texts: list[str] = []
    for i, card in enumerate(cards):
        for key, text in leaks.texts_of(card):
            places.append((i, key))
            texts.append(text)
    phrases = _phrases(cards)
    if not phrases or not texts:
        return []
    end_word = leaks._TEXT_END
    raw = f" {end_word} ".join(texts)
    if raw.count(end_word) != len(texts) - 1:
        return None
    text = f" {raw.casefold().translate(_SPACED)} "
    counts: dict[str, int] = {}
    for _i, _answer, phrase in phrases:
        for word in phrase:
            counts[word] = 0
    if end_word in counts:
        return None
    live = set(counts)
    dropped: set[str] = set()
    automaton = _automaton(live)
    hits: list[tuple[int, str]] = []  # (index of the blank after the word, word)
    size = len(text)
    start, stretch = 0, _FIRST_STRETCH
    while start < size - 1 and live:
        stop = text.find(" ", min(start + stretch, size - 1))
        seen = list(automaton.iter(text, start, stop + 1))
        if seen:
            hits += seen
            for word, times in Counter(map(itemgetter(1), seen)).items():
                counts[word] += times
        start, stretch = stop, stretch * 2
        over = {word for word in live if counts[word] > most + 1}
        if over:
            live -= over
            dropped |= over
            automaton = _automaton(live)
    index: dict[str, list[tuple[tuple[str, ...], list[str], int, int, str]]] = {}
    own: dict[int, set[tuple[str, ...]]] = {}
    rarest_of: dict[tuple[str, ...], int] = {}
    for i, answer, phrase in phrases:
        own.setdefault(i, set()).add(phrase)
        rarest = rarest_of.get(phrase)
        if rarest is None:
            # A dropped word is written more than `most + 1` times: never the rarest of an
            # answer that is looked for, so its count (cut short) never decides.
            rarest = rarest_of[phrase] = min(range(len(phrase)), key=[
                size if word in dropped else counts[word] for word in phrase].__getitem__)
        word = phrase[rarest]
        if word not in dropped and counts[word] <= most + 1:
            index.setdefault(word, []).append((phrase, list(phrase), rarest, i, answer))
    hits = [hit for hit in hits if hit[1] in index]
    if not hits:
        return []
    hits.sort()
    bounds = [match.start() for match in _END_WORD.finditer(text)]
    words_of: dict[int, tuple[list[str], list[int]]] = {}
    found: dict[tuple[int, int], tuple[str, str]] = {}
    holders: dict[tuple[int, tuple[str, ...]], set[int]] = {}
    for end, word in hits:
        n = bisect(bounds, end)
        holder, key = places[n]
        known = words_of.get(n)
        if known is None:
            first = bounds[n - 1] + 1 if n else 0
            last = bounds[n] if n < len(bounds) else size
            spans = list(_WORD.finditer(text, first, last))
            known = words_of[n] = ([m.group() for m in spans], [m.start() for m in spans])
        words, starts = known
        at = bisect(starts, end - len(word)) - 1  # the word's index in its text
        for phrase, as_list, offset, owner, answer in index[word]:
            begin = at - offset
            if (owner == holder or begin < 0 or words[begin:begin + len(phrase)] != as_list
                    or phrase in own.get(holder, ())):
                continue
            holders.setdefault((owner, phrase), set()).add(holder)
            found.setdefault((holder, owner), (key, answer))
    return [leaks.Leak(cards[holder].id, key, cards[owner].id, answer)
            for (holder, owner), (key, answer) in sorted(found.items())
            if len(holders[owner, tokens(answer)]) <= most]


_END_WORD = re.compile(re.escape(leaks._TEXT_END))
_WORD = re.compile(r"[^ ]+")


def _automaton(words: Iterable[str]) -> Any:
    """An Aho-Corasick automaton finding each of `words` as " word " (value: the word)."""
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(f" {word} ", word)
    if len(automaton):
        automaton.make_automaton()
    return automaton


# The answers `leaks.answers_of` starts from, for the card types whose answers it reads (any
# other type is asked to `answers_of` itself); which of them count is decided once per distinct
# answer text, by the same test as `answers_of`.
def _one_answer(card: Card) -> Sequence[str]:
    return (cast("BasicCard | TypedCard", card).answer,)


def _choice_answers(card: Card) -> Sequence[str]:
    return cast("ChoiceCard", card).answers


def _cloze_answers(card: Card) -> Sequence[str]:
    return tuple(dict.fromkeys(d.answer for d in cast("ClozeCard", card).deletions))


_RAW_ANSWERS: dict[type, Callable[[Card], Sequence[str]]] = {
    BasicCard: _one_answer, TypedCard: _one_answer, ChoiceCard: _choice_answers,
    ClozeCard: _cloze_answers}


def _phrases(cards: Sequence[Card]) -> list[tuple[int, str, tuple[str, ...]]]:
    """(card index, answer, its words) of every answer of `leaks.answers_of`, in card order."""
    kept: dict[str, tuple[str, ...] | None] = {}
    out: list[tuple[int, str, tuple[str, ...]]] = []
    for i, card in enumerate(cards):
        raw = _RAW_ANSWERS.get(type(card))
        if raw is None:
            out.extend((i, answer, tokens(answer)) for answer in leaks.answers_of(card))
            continue
        for answer in raw(card):
            if answer in kept:
                words = kept[answer]
            else:
                words = tokens(answer)
                if is_trivial(words) or len(words) > leaks.MAX_ANSWER_WORDS:
                    words = None
                kept[answer] = words
            if words is not None:
                out.append((i, answer, words))
    return out


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


def card_check(check: Check) -> Check:
    """The card rule `check` as the lint runs it: behind its cheap test when enabled."""
    return _CHECKS.get(check, check) if ENABLED else check


# ------------------------------------------------------------------------------------------------
# The card rules in bulk: each rule over all the cards it applies to at once, the rules that cost
# most computed here (their findings built as the rule builds them), the others behind a test of
# the whole deck's texts at once (one regular expression over all of them) or called card by card.

Indexed = Sequence[tuple[int, Card]]
Batch = Callable[[Indexed, "_Memo"], Iterator[tuple[int, Finding]]]


class _Stems(dict[str, "str | None"]):
    """Each word's stem as `content_words` keeps it, None when it drops the word; filled on use."""

    def __missing__(self, word: str) -> str | None:
        kept = (stem(word) if len(word) > 2 and word not in COMMON_WORDS and not word.isdigit()
                else None)
        self[word] = kept
        return kept


class _Memo:
    """What one lint run works out once per distinct text (new for each run: a cold lint)."""

    def __init__(self) -> None:
        self.stems = _Stems()
        self.contents: dict[str, frozenset[str]] = {}
        self.answers: dict[str, tuple[str, ...] | None] = {}
        self.joined: dict[str, str] = {}

    def content(self, text: str) -> frozenset[str]:
        """`text.content_words(text)`."""
        found = self.contents.get(text)
        if found is None:
            found = self.contents[text] = frozenset(filter(None, map(
                self.stems.__getitem__, spaced(text).split())))
        return found

    def answer(self, answer: str) -> tuple[str, ...] | None:
        """The words of `answer` when `leaks.answers_of` keeps it, else None."""
        if answer in self.answers:
            return self.answers[answer]
        words: tuple[str, ...] | None = tuple(spaced(answer).split())
        if is_trivial(words) or len(words) > leaks.MAX_ANSWER_WORDS:  # type: ignore[arg-type]
            words = None
        self.answers[answer] = words
        return words

    def normal(self, text: str) -> str:
        """`" ".join(tokens(text))`."""
        found = self.joined.get(text)
        if found is None:
            found = self.joined[text] = " ".join(spaced(text).split())
        return found


def spaced(text: str) -> str:
    """`text` normalised as `text.normalise` does, every blank a " ", with a " " at both ends:
    `f" {word} " in spaced(text)` exactly when `word` is one of `tokens(text)`."""
    return f" {text.casefold().translate(_SPACED)} "


def _holds(spaced_text: str, words: tuple[str, ...]) -> bool:
    """`contains_phrase(tokens(text), words)` for `spaced_text = spaced(text)`."""
    if len(words) == 1:
        return f" {words[0]} " in spaced_text
    return words[0] in spaced_text and contains_phrase(tuple(spaced_text.split()), words)


def _answer_in_question_bulk(cards: Indexed, memo: _Memo) -> Iterator[tuple[int, Finding]]:
    for i, card in cards:
        kind = type(card)
        if kind is ChoiceCard:
            answers: Sequence[str] = cast("ChoiceCard", card).answers
        elif kind is BasicCard or kind is TypedCard:
            answers = (cast("BasicCard | TypedCard", card).answer,)
        else:
            yield from ((i, f) for f in leaks.answer_in_question(card))
            continue
        question = None
        for answer in answers:
            words = memo.answer(answer)
            if words is None:
                continue
            if question is None:
                question = spaced(cast("BasicCard", card).question)
            if _holds(question, words) and words not in offered_alternatives(
                    cast("BasicCard", card).question):
                yield i, Finding(f"the answer {answer!r} is written in the question", card.id,
                                 ("question",))
                break


def _answer_elsewhere_bulk(cards: Indexed, memo: _Memo) -> Iterator[tuple[int, Finding]]:
    trivial: dict[str, tuple[str, ...] | None] = {}
    for i, card in cards:
        if type(card) is not ClozeCard:
            yield from ((i, f) for f in cloze.answer_elsewhere(card))
            continue
        reported: set[tuple[int, str]] = set()
        for d in card.deletions:
            if d.answer in trivial:
                words = trivial[d.answer]
            else:
                words = tuple(spaced(d.answer).split())
                words = trivial[d.answer] = None if is_trivial(words) else words
            if words is None or (d.number, d.answer) in reported:
                continue
            if _holds(spaced(cloze.front_text(card, d.number)), words):
                reported.add((d.number, d.answer))
                yield i, Finding(f"the answer {d.answer!r} of gap c{d.number} is also written "
                                 "in the text shown with the gap", card.id, ("text",))


def _question_words_bulk(cards: Indexed, memo: _Memo) -> Iterator[tuple[int, Finding]]:
    for i, card in cards:
        if not isinstance(card, ChoiceCard) or len(card.choices) < 3:
            continue
        asked = memo.content(card.question)
        if not asked:
            continue
        sharing = [(n, option, shared) for n, option in enumerate(card.choices)
                   if (shared := asked & memo.content(option))]
        if len(sharing) == 1:
            n, option, shared = sharing[0]
            role = "the answer" if option in card.answers else "a distractor"
            words = ", ".join(sorted({w for w in tokens(option) if stem(w) in shared}))
            yield i, Finding(f"option {n + 1} ({role}) is the only one that repeats the "
                             f"question's words ({words})", card.id, ("choices",))


def _near_duplicate_bulk(cards: Indexed, memo: _Memo) -> Iterator[tuple[int, Finding]]:
    letters = choice._NEAR_LETTERS
    for i, card in cards:
        if not isinstance(card, ChoiceCard):
            continue
        normal = [memo.normal(c) for c in card.choices]
        # Two options are near only when equal, or within `letters` of each other in length:
        # then two neighbours in length order are too.
        sizes = sorted(map(len, normal))
        if all(b - a > letters for a, b in pairwise(sizes)):
            continue
        for m in range(len(normal)):
            for n in range(m + 1, len(normal)):
                if choice._near(normal[m], normal[n]):
                    yield i, Finding(f"options {m + 1} and {n + 1} are near-duplicates "
                                     f"({card.choices[m]!r}, {card.choices[n]!r})",
                                     card.id, ("choices",))


def _screened(check: Check, texts: Callable[[Card], Sequence[str]],
              pattern: re.Pattern[str], spaced_texts: bool = False) -> Batch:
    """`check` called only for the cards where `pattern` finds something in one of `texts(card)`
    (a condition the rule cannot fire without), found by one search over all of them."""

    def bulk(cards: Indexed, memo: _Memo) -> Iterator[tuple[int, Finding]]:
        parts: list[str] = []
        starts: list[int] = []
        at = 0
        for _i, card in cards:
            joined = "\x00".join(texts(card))
            if spaced_texts:
                joined = spaced(joined)
            starts.append(at)
            parts.append(joined)
            at += len(joined) + 1
        whole = "\x00".join(parts)
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


# An absolute word as a word of a statement normalised by `spaced` (blanks around it).
_ABSOLUTE = re.compile("(?<= )(?:" + "|".join(map(re.escape, sorted(ABSOLUTE_WORDS))) + ")(?= )")

_BULK: dict[Check, Batch] = {
    leaks.answer_in_question: _answer_in_question_bulk,
    cloze.answer_elsewhere: _answer_elsewhere_bulk,
    choice.question_words: _question_words_bulk,
    choice.near_duplicate: _near_duplicate_bulk,
    choice.above: _screened(choice.above, _options, choice._ABOVE),
    truefalse.absolute_word: _screened(truefalse.absolute_word, _false_statement, _ABSOLUTE,
                                       spaced_texts=True),
    typed.bare_number: _screened(typed.bare_number, _typed_question, typed._QUANTITY),
}


def card_findings(cards: Sequence[Card], rules: Sequence[Rule]) -> list[tuple[Rule, Finding]]:
    """The findings of the card rules among `rules` on `cards`, in the order the plain loop of
    `core.lint.lint_deck` finds them (card by card, each card's rules in `rules` order)."""
    groups: dict[type, list[tuple[int, Card]]] = {}
    for pair in enumerate(cards):
        groups.setdefault(type(pair[1]), []).append(pair)
    kinds = {kind: group[0][1].type for kind, group in groups.items()}
    memo = _Memo()
    found: list[tuple[int, int, int, Rule, Finding]] = []
    serial = count()
    for position, rule in enumerate(rules):
        if rule.card is None:
            continue
        chosen = [kind for kind in groups if not rule.types or kinds[kind] in rule.types]
        if not chosen:
            continue
        group: Indexed = groups[chosen[0]] if len(chosen) == 1 else sorted(
            pair for kind in chosen for pair in groups[kind])
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
