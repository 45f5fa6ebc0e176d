"""The mock test: a rehearsal of the briefing with auto-checked questions, scored but never
scheduled (`briefing-quiz mock DECK`, the mock-test screen, the plain loop).

    MockTest(deck, store, n, *, clock, seed=0)
    test.next() -> QueueEntry | None; test.answer(response, duration_ms=...) -> CheckResult
    test.finish() -> MockResult       # stores the test (once) in the store's mock-test tables

The questions are drawn by `pick_mock_test`: spread over the deck's tags and card types, the same
for the same cards, number and seed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from briefing_quiz.core.cloze import render_cloze
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.grading import CheckResult, check_answer, deck_year
from briefing_quiz.core.model import AUTO_CHECKED, Card, ClozeCard, Deck, ItemKey
from briefing_quiz.core.progress.store import MockAnswerRecord, Store
from briefing_quiz.core.study.queue import Kind, QueueEntry, shuffled_choices, shuffled_items

__all__ = ["MockMiss", "MockResult", "MockTest", "pick_mock_test", "question_text"]


def pick_mock_test(cards: Iterable[Card], n: int, seed: int) -> list[tuple[Card, int]]:
    """`n` auto-checked items drawn across `cards`, as (card, item) pairs in test order.

    Items are spread over strata (a card's first tag and its type): strata take turns, in a seeded
    order, each giving its cards in a seeded order; every card gives one item before any card gives
    a second (only cloze cards have several). Fewer than `n` auto-checked items: all of them. The
    same cards, `n` and `seed` always give the same test. Nothing here touches scheduling.
    """
    if n < 1:
        raise BriefingQuizError(f"a mock test needs at least one question, not {n}")
    rng = random.Random(seed)
    strata: dict[tuple[str, str], list[list[tuple[Card, int]]]] = {}
    for card in cards:
        if card.type not in AUTO_CHECKED:
            continue
        items = [(card, item) for item in card.items]
        rng.shuffle(items)
        stratum: tuple[str, str] = (card.tags[0] if card.tags else "", card.type)
        strata.setdefault(stratum, []).append(items)
    order = sorted(strata)
    rng.shuffle(order)
    per_stratum = [strata[name] for name in order]
    for per_card in per_stratum:
        rng.shuffle(per_card)
    picked: list[tuple[Card, int]] = []
    depth = max((len(items) for per_card in per_stratum for items in per_card), default=0)
    for round_ in range(depth):  # round r takes the r-th item of each card
        queues = [
            [items[round_] for items in per_card if len(items) > round_] for per_card in per_stratum
        ]
        for position in range(max((len(q) for q in queues), default=0)):
            for queue in queues:
                if position < len(queue):
                    picked.append(queue[position])
        if len(picked) >= n:
            break
    picked = picked[:n]
    rng.shuffle(picked)  # so that the test does not walk through the strata in a visible cycle
    return picked


@dataclass(frozen=True)
class MockMiss:
    """A wrong answer of a mock test, for the list at the end."""

    key: ItemKey
    question: str
    given: str
    expected: str
    #: Open questions: (label, made) of each point; some made is a partly right answer.
    points: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class MockResult:
    """The score of a mock test; `test_id` None when nothing was answered (nothing stored)."""

    test_id: int | None
    deck_id: str
    planned: int
    answered: int
    right: int
    misses: list[MockMiss] = field(default_factory=list)
    #: Open questions: the points made and the points asked, over all of them.
    points_made: int = 0
    points_asked: int = 0
    #: Answers scored: 1 a right one, 0 a wrong one, an open one its share of points made (made
    #: over asked); None: the number right.
    score: float | None = None

    @property
    def percent(self) -> int:
        """The score as a whole percentage of the answers (rounded down)."""
        value = self.right if self.score is None else self.score
        return math.floor(value * 100 / self.answered + 1e-9) if self.answered else 0


def question_text(card: Card, item: int) -> str:
    """The question as asked: a cloze text with this item's gaps masked, else the prompt."""
    return render_cloze(card.text, item) if isinstance(card, ClozeCard) else card.prompt


class MockTest:
    """A rehearsal: `n` auto-checked questions of `deck` (`pick_mock_test`), checked
    but never scheduled. Only `finish()` writes, to the store's mock-test tables."""

    def __init__(self, deck: Deck, store: Store, n: int, *, clock: Callable[[], datetime],
                 seed: int = 0) -> None:
        picks = pick_mock_test(deck.cards, n, seed)
        if not picks:
            raise BriefingQuizError(f"deck {deck.id!r} has no auto-checked cards (typed, choice, "
                                    "true/false, cloze, order, open) to test")
        self.deck = deck
        self.store = store
        self.clock = clock
        self.seed = seed
        states = store.states(deck.id)
        self.entries: list[QueueEntry] = []
        for card, item in picks:
            key = ItemKey(deck.id, card.id, item)
            state = states.get(key)
            kind = cast(Kind, "new" if state is None else state.phase)
            self.entries.append(QueueEntry(key=key, card=card, kind=kind,
                                           changed_since_seen=False))
        self.planned = len(self.entries)
        self.started_at = clock()
        self.current: QueueEntry | None = None
        self._index = -1
        self._shown_at: datetime | None = None
        self.answers: list[MockAnswerRecord] = []
        self.results: list[CheckResult] = []
        self.result: MockResult | None = None

    @property
    def done(self) -> int:
        return len(self.answers)

    @property
    def remaining(self) -> int:
        """Questions not answered yet, the current one included."""
        return self.planned - len(self.answers)

    def next(self) -> QueueEntry | None:
        """The next question (None: the test is over). An unanswered current one is skipped."""
        self._index += 1
        if self._index >= len(self.entries):
            self.current = None
            return None
        self.current = self.entries[self._index]
        self._shown_at = self.clock()
        return self.current

    def answer(self, response: object, *, duration_ms: int | None = None) -> CheckResult:
        """Check `response` (as for `grading.check_answer`) against the current question and keep
        the result for the score; schedules nothing."""
        entry = self.current
        if entry is None:
            raise RuntimeError("no current question: call next() first")
        result = check_answer(entry.card, entry.key.item, response,
                              context_year=deck_year(self.deck))
        if result is None:  # pragma: no cover - pick_mock_test never draws a basic card
            raise BriefingQuizError(f"{entry.key} cannot be checked automatically")
        if duration_ms is None:
            shown = self._shown_at or self.clock()
            duration_ms = int((self.clock() - shown).total_seconds() * 1000)
        self.answers.append(MockAnswerRecord(entry.key, result.given, result.expected,
                                             result.correct, max(0, duration_ms)))
        self.results.append(result)
        self.current = None
        return result

    def choice_order(self, entry: QueueEntry) -> list[str]:
        return shuffled_choices(self.seed, entry)

    def order_items(self, entry: QueueEntry) -> list[str]:
        return shuffled_items(self.seed, entry)

    def finish(self) -> MockResult:
        """The score; stores the test (once) when at least one question was answered."""
        if self.result is not None:
            return self.result
        test_id = None
        if self.answers:
            test_id = self.store.record_mock_test(
                self.deck.id, started_at=self.started_at, finished_at=self.clock(),
                seed=self.seed, planned=self.planned, answers=list(self.answers))
        cards = {e.key: e.card for e in self.entries}
        misses = [MockMiss(a.key, question_text(cards[a.key], a.key.item), a.given or "",
                           a.expected, r.points)
                  for a, r in zip(self.answers, self.results, strict=True) if not a.correct]
        opened = [r for r in self.results if r.points]
        score = sum((r.in_place or 0) / len(r.points) if r.points else float(r.correct)
                    for r in self.results)
        self.result = MockResult(test_id, self.deck.id, self.planned, len(self.answers),
                                 sum(1 for a in self.answers if a.correct), misses,
                                 points_made=sum(r.in_place or 0 for r in opened),
                                 points_asked=sum(len(r.points) for r in opened), score=score)
        return self.result
