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
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache, partial
from itertools import accumulate, compress, count, repeat
from typing import cast

from briefing_quiz.core.deckfile import locate_keys
from briefing_quiz.core.lint import leaks, order, typed
from briefing_quiz.core.lint.base import Finding
from briefing_quiz.core.lint.text import is_trivial, normalise, tokens
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    Deck,
    OrderCard,
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
