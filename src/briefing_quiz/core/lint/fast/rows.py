"""The card rules that cost most, over rows of the columns (see `core.lint.fast`): one row per
(card, answer), (card, gap) or (card, option), each row's test run by `map` in C, Python work for
the findings only; and the memo of one lint run (`Memo`), which the other bulk rules
(`fast.bulk`) use too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from itertools import accumulate, chain, compress, count, pairwise, repeat
from operator import and_, attrgetter, eq, getitem, itemgetter, le, ne, not_, or_, sub
from typing import Any, cast

from briefing_quiz.core.fast_construct import column_constructor
from briefing_quiz.core.lint import choice, cloze, leaks
from briefing_quiz.core.lint.base import Finding
from briefing_quiz.core.lint.fast.columns import Columns, collapsed_all, holds_all
from briefing_quiz.core.lint.fast.words import spaced_all
from briefing_quiz.core.lint.offered import offered_alternatives
from briefing_quiz.core.lint.text import COMMON_WORDS, is_trivial, stem
from briefing_quiz.core.model import BasicCard, Card, ChoiceCard, ClozeCard, ClozeDeletion, TypedCard

__all__ = ["Indexed", "Memo", "Stems", "answer_elsewhere_bulk", "answer_in_question_bulk",
           "near_duplicate_bulk", "question_words_bulk"]

#: Cards as (index in the deck, card), in deck order.
Indexed = Sequence[tuple[int, Card]]


class Stems(dict[str, "str | None"]):
    """Each word's stem as `content_words` keeps it, None when it drops the word; filled on use."""

    def __missing__(self, word: str) -> str | None:
        kept = (stem(word) if len(word) > 2 and word not in COMMON_WORDS and not word.isdigit()
                else None)
        self[word] = kept
        return kept


class Memo:
    """What one lint run works out once per distinct text (new for each run: a cold lint). Texts
    are normalised in bulk (`spaced_all`): one `translate` of a short string costs about a
    microsecond of set-up, of a long one a few nanoseconds a character."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        self.stems = Stems()
        self.spaced: dict[str, str] = {}
        self.contents: dict[str, frozenset[str]] = {}
        self.answers: dict[str, tuple[str, ...] | None] = {}
        self.joined: dict[str, str] = {}

    def learn(self, texts: Iterable[str]) -> None:
        """Normalise at once those of `texts` not normalised yet (`spaced`)."""
        new = [text for text in dict.fromkeys(texts) if text not in self.spaced]
        self.spaced.update(zip(new, spaced_all(new), strict=True))

    def contents_of(self, texts: Sequence[str]) -> dict[str, frozenset[str]]:
        """`content` of each of `texts` (the memo of them all), each new one worked out by `map`
        over its words (no Python frame per text)."""
        new = [text for text in dict.fromkeys(texts) if text not in self.contents]
        if new:
            self.learn(new)
            self.contents.update(zip(new, map(frozenset, map(
                partial(filter, None), map(partial(map, self.stems.__getitem__), map(
                    str.split, map(self.spaced.__getitem__, new))))), strict=True))
        return self.contents

    def content(self, text: str) -> frozenset[str]:
        """`text.content_words(text)` (of a text `learn`t before)."""
        found = self.contents.get(text)
        if found is None:
            found = self.contents[text] = frozenset(filter(None, map(
                self.stems.__getitem__, self.spaced[text].split())))
        return found

    def answer(self, answer: str) -> tuple[str, ...] | None:
        """The words of `answer` (`learn`t before) when `leaks.answers_of` keeps it, else None."""
        if answer in self.answers:
            return self.answers[answer]
        words: tuple[str, ...] | None = tuple(self.spaced[answer].split())
        if is_trivial(words) or len(words) > leaks.MAX_ANSWER_WORDS:  # type: ignore[arg-type]
            words = None
        self.answers[answer] = words
        return words

    def normal(self, text: str) -> str:
        """`" ".join(tokens(text))` (of a text `learn`t before)."""
        found = self.joined.get(text)
        if found is None:
            found = self.joined[text] = " ".join(self.spaced[text].split())
        return found


def answer_in_question_bulk(cards: Indexed, memo: Memo) -> Iterator[tuple[int, Finding]]:
    """answer-in-question over columns: one row per (card, answer) of the cards it checks, the
    question and the answer as words single-spaced (`columns.collapsed_all`), so that the test
    of every row is one `str.__contains__` run by `map` (in C); Python work only for the rows
    whose answer is written in their question (the findings)."""
    columns = memo.columns
    owners: list[int] = []
    questions: list[str] = []
    answers: list[str] = []
    for kind in (BasicCard, TypedCard):
        if columns.indexes.get(kind):
            owners.extend(columns.indexes[kind])
            questions.extend(columns.field(kind, "question"))
            answers.extend(columns.field(kind, "answer"))
    if columns.indexes.get(ChoiceCard):
        asked: list[str] = columns.field(ChoiceCard, "question")
        given: list[tuple[str, ...]] = columns.field(ChoiceCard, "answers")
        counts = list(map(len, given))
        owners.extend(chain.from_iterable(map(repeat, columns.indexes[ChoiceCard], counts)))
        questions.extend(chain.from_iterable(map(repeat, asked, counts)))
        answers.extend(chain.from_iterable(given))
    kept = columns.kept(answers)
    reported: dict[int, str] = {}  # card -> its answer written in its question
    rows = list(compress(count(), holds_all(questions, list(map(kept.__getitem__, answers)))))
    for row, spaced_question in zip(rows, spaced_all(list(map(questions.__getitem__, rows))),
                                    strict=True):
        i = owners[row]
        if i in reported:
            continue  # the card's first answer written there is reported
        question, answer = questions[row], answers[row]
        # A list of alternatives needs the word "or" (see `offered_alternatives`).
        if " or " not in spaced_question or kept[answer] not in offered_alternatives(question):
            reported[i] = answer
    cards_of = columns.cards
    yield from zip(reported, _findings(len(reported), (
        [f"the answer {answer!r} is written in the question" for answer in reported.values()],
        [cards_of[i].id for i in reported], repeat(("question",)), repeat(None))),
        strict=False)
    for i in columns.others:  # cards of another type (a subclass): the rule itself
        yield from ((i, f) for f in leaks.answer_in_question(columns.cards[i]))


def answer_elsewhere_bulk(cards: Indexed, memo: Memo) -> Iterator[tuple[int, Finding]]:
    """cloze-answer-shown over columns: the text shown with each gap (`cloze.front_text`) built
    for all the cards with as many gaps at once, a column at a time (slices of the texts between
    the gaps, and each gap's fill, " " or its answer, picked by `map`), then tested by one
    `map(str.__contains__)` over the single-spaced words; Python work per finding only. Each
    (card, gap number, answer) is asked once, at its first gap, as the rule does."""
    columns = memo.columns
    owners = columns.indexes.get(ClozeCard, [])
    rows: list[tuple[int, int, str]] = []  # (card, gap number, answer) of each gap, as asked
    fronts: list[str] = []
    if owners:
        texts: list[str] = columns.field(ClozeCard, "text")
        gaps: list[tuple[ClozeDeletion, ...]] = columns.field(ClozeCard, "deletions")
        sizes = list(map(len, gaps))
        for size in sorted(set(sizes)):
            if not size:
                continue
            chosen = list(compress(count(), map(eq, sizes, repeat(size))))
            mine = list(map(owners.__getitem__, chosen))
            text = list(map(texts.__getitem__, chosen))
            deletions = list(map(gaps.__getitem__, chosen))
            nth = [list(map(itemgetter(j), deletions)) for j in range(size)]
            starts = [list(map(_START, gap)) for gap in nth]
            ends = [list(map(_END, gap)) for gap in nth]
            numbers = [list(map(_NUMBER, gap)) for gap in nth]
            answers = [list(map(_ANSWER, gap)) for gap in nth]
            # The text between the gaps: before the first, between each two, after the last.
            pieces: list[list[Any]] = [
                list(map(getitem, text, map(slice, repeat(None), starts[0])))]
            pieces += [list(map(getitem, text, map(slice, ends[j - 1], starts[j])))
                       for j in range(1, size)]
            pieces.append(list(map(getitem, text, map(slice, ends[-1], repeat(None)))))
            for j in range(size):  # the text shown when gap j's number is asked
                parts: list[Iterable[Any]] = [pieces[0]]
                for g in range(size):
                    # A gap of that number is blank, any other shows its answer.
                    parts.append(map(getitem, zip(answers[g], repeat(" "), strict=False), map(
                        eq, numbers[g], numbers[j])))
                    parts.append(pieces[g + 1])
                fronts.extend(map("".join, zip(*parts, strict=True)))
                rows.extend(zip(mine, numbers[j], answers[j], strict=True))
    # Each (card, number, answer) once (its first gap: the text shown depends on the number
    # alone), and only an answer that is not trivial.
    shown = dict(zip(rows, fronts, strict=True))
    distinct = list(dict.fromkeys(map(itemgetter(2), shown)))
    words = {answer: None if is_trivial(found) else found for answer, found in zip(
        distinct, map(tuple, map(str.split, collapsed_all(distinct))), strict=True)}
    asked = list(shown)
    hits = list(compress(asked, holds_all(list(shown.values()), list(map(
        words.__getitem__, map(itemgetter(2), asked))))))
    cards_of = columns.cards
    yield from zip(map(itemgetter(0), hits), _findings(len(hits), (
        [f"the answer {answer!r} of gap c{number} is also written in the text shown with the gap"
         for _i, number, answer in hits],
        [cards_of[i].id for i, _n, _a in hits], repeat(("text",)), repeat(None))), strict=False)
    if columns.others:  # cards of another type (a subclass): the rule itself
        for i, card in cards:
            if type(card) is not ClozeCard:
                yield from ((i, f) for f in cloze.answer_elsewhere(card))


_FIRST_TWO = itemgetter(slice(None, 2))
_LAST_TWO = itemgetter(slice(-2, None))

# Findings built a field at a time (a frozen dataclass's `__init__` per finding costs more).
_findings = column_constructor(Finding, ("message", "card_id", "key", "other"))

_START = attrgetter("start")
_END = attrgetter("end")
_NUMBER = attrgetter("number")
_ANSWER = attrgetter("answer")


def question_words_bulk(cards: Indexed, memo: Memo) -> Iterator[tuple[int, Finding]]:
    """choice-question-words over columns: one row per (card, option), the test of each row (do
    the question and the option share a content word) one `frozenset.isdisjoint` run by `map`,
    the sharing options of each card counted by prefix sums; Python work only for the cards
    where exactly one option shares (the findings)."""
    columns = memo.columns
    owners = columns.indexes.get(ChoiceCard, [])
    if owners:
        questions: list[str] = columns.field(ChoiceCard, "question")
        options: list[tuple[str, ...]] = columns.field(ChoiceCard, "choices")
        counts = list(map(len, options))
        flat = list(chain.from_iterable(options))
        content = memo.contents_of([*questions, *flat])
        asked = list(map(content.__getitem__, questions))
        shares = list(accumulate(map(not_, map(frozenset.isdisjoint, chain.from_iterable(
            map(repeat, asked, counts)), map(content.__getitem__, flat))), initial=0))
        ends = list(accumulate(counts))
        sharing = map(sub, map(shares.__getitem__, ends), map(shares.__getitem__, map(
            sub, ends, counts)))
        spaced = memo.spaced  # the words of each option, as `tokens` gives them
        found: list[tuple[int, str, str]] = []  # (card index, its id, message)
        for n in compress(count(), map(and_, map(eq, sharing, repeat(1)), map(
                le, repeat(3), counts))):
            card = columns.cards[owners[n]]
            question = asked[n]
            for m, option in enumerate(options[n]):
                shared = question & content[option]
                if shared:
                    role = "the answer" if option in cast("ChoiceCard", card).answers else (
                        "a distractor")
                    words = ", ".join(sorted({w for w in spaced[option].split()
                                              if stem(w) in shared}))
                    found.append((owners[n], card.id, f"option {m + 1} ({role}) is the only "
                                  f"one that repeats the question's words ({words})"))
                    break
        yield from zip(map(itemgetter(0), found), _findings(len(found), (
            list(map(itemgetter(2), found)), list(map(itemgetter(1), found)),
            repeat(("choices",)), repeat(None))), strict=False)
    if columns.others:  # cards of another type (a subclass): the rule itself
        for i, card in cards:
            if type(card) is not ChoiceCard:
                yield from ((i, f) for f in choice.question_words(card))


def near_duplicate_bulk(cards: Indexed, memo: Memo) -> Iterator[tuple[int, Finding]]:
    letters, shortest = choice._NEAR_LETTERS, choice._NEAR_LENGTH
    columns = memo.columns
    if not columns.others and columns.indexes.get(ChoiceCard):
        # Screened by `map` over the columns: a card whose options (normalised) are all
        # different and begin, and end, with two characters each of its other options does not
        # begin or end with has no near pair (the test of the loop below, over all its options
        # instead of its long ones); only the other cards are looked at one by one.
        options: list[tuple[str, ...]] = columns.field(ChoiceCard, "choices")
        flat = list(dict.fromkeys(chain.from_iterable(options)))
        normal_of = dict(zip(flat, map(str.strip, collapsed_all(flat)), strict=True))
        normals = list(map(tuple, map(partial(map, normal_of.__getitem__), options)))
        counts = list(map(len, options))
        alike = map(or_, map(or_, map(ne, map(len, map(set, normals)), counts), map(ne, map(
            len, map(set, map(partial(map, _FIRST_TWO), normals))), counts)), map(ne, map(
                len, map(set, map(partial(map, _LAST_TWO), normals))), counts))
        cards = list(compress(zip(columns.indexes[ChoiceCard], columns.of(ChoiceCard),
                                  strict=True), alike))
    memo.learn([text for _i, card in cards if isinstance(card, ChoiceCard)
                for text in card.choices])
    for i, card in cards:
        if not isinstance(card, ChoiceCard):
            continue
        normal = [memo.normal(c) for c in card.choices]
        if len(set(normal)) == len(normal):
            # Two different options are near only when both are `shortest` long or more and
            # share their first two or their last two characters (see the test below).
            long = [c for c in normal if len(c) >= shortest]
            if len({c[:2] for c in long}) == len(long) and len({c[-2:] for c in long}) == len(
                    long):
                continue
        # Two options are near only when equal, or within `letters` of each other in length:
        # then two neighbours in length order are too.
        sizes = sorted(map(len, normal))
        if all(b - a > letters for a, b in pairwise(sizes)):
            continue
        for m in range(len(normal)):
            for n in range(m + 1, len(normal)):
                a, b = normal[m], normal[n]
                if a != b:
                    # `_near` needs a common start and end of together `most` characters
                    # (all but `letters` of the longer): then one of them is half of that.
                    longer = max(len(a), len(b))
                    if abs(len(a) - len(b)) > letters or min(len(a), len(b)) < shortest:
                        continue
                    half = (longer - letters + 1) // 2
                    if a[:half] != b[:half] and a[-half:] != b[-half:]:
                        continue
                if choice._near(a, b):
                    yield i, Finding(f"options {m + 1} and {n + 1} are near-duplicates "
                                     f"({card.choices[m]!r}, {card.choices[n]!r})",
                                     card.id, ("choices",))
