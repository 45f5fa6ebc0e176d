"""The deck model: frozen, validated values produced by `core.deckfile` and read by everything else.

A *card* is what a deck author writes. A *review item* is what the scheduler schedules: every card has
one item (number 0) except cloze cards, which have one per deletion number (c1 -> 1, c2 -> 2, ...).
Progress is keyed by (deck id, card id, item), so ids must stay stable across edits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal, TypeAlias

CardType: TypeAlias = Literal["basic", "typed", "choice", "truefalse", "cloze", "order", "open"]
CARD_TYPES: tuple[CardType, ...] = ("basic", "typed", "choice", "truefalse", "cloze", "order",
                                    "open")

# Every dataclass here has a docstring: without one, `dataclass` builds one from
# `inspect.signature`, which costs import time at every launch.

#: Types whose answers the program checks itself; `basic` is self-graded.
#: An `open` answer is checked too (points made), but its grade is only suggested, as for all.
AUTO_CHECKED: frozenset[CardType] = frozenset({"typed", "choice", "truefalse", "cloze", "order",
                                               "open"})


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where a deck's facts come from (`[deck.source]`)."""

    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    date: dt.date | None = None
    url: str | None = None
    #: The source text itself, relative to the deck file (`check` finds every card's quote in it).
    file: str | None = None
    #: The day the source's facts were true.
    as_of: dt.date | None = None

    def attribution(self) -> str:
        """One line such as 'Steven Pifer, "Title", CISAC, 2022-02-14'."""
        parts = [p for p in (self.author, f"“{self.title}”" if self.title else None,
                             self.publisher, self.date.isoformat() if self.date else None) if p]
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Tolerance:
    """Numeric tolerance of a typed answer: absolute (`"500"`) or relative (`"5%"`)."""

    value: float
    relative: bool

    def allows(self, expected: float, given: float) -> bool:
        limit = abs(expected) * self.value / 100 if self.relative else self.value
        return abs(given - expected) <= limit + 1e-9


@dataclass(frozen=True, slots=True)
class ClozeDeletion:
    """One `{{cN::answer::hint}}` span of a cloze text; `start`/`end` index the raw text."""

    number: int
    answer: str
    hint: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CardBase:
    """Fields every card type has. `line` is the 1-based line of the card's `[[cards]]` header."""

    id: str
    deck_id: str
    tags: tuple[str, ...] = ()
    source: str | None = None
    explain: str | None = None
    #: How much the card counts in readiness and the briefing rule (> 0; 3: a must-know figure).
    weight: float = 1.0
    path: Path | None = None
    line: int | None = None
    #: The day the card's fact was true, and the last day it may be taken as true.
    as_of: dt.date | None = None
    valid_until: dt.date | None = None

    @property
    def type(self) -> CardType:  # overridden by each subclass
        raise NotImplementedError

    @property
    def items(self) -> tuple[int, ...]:
        """The review items of this card: (0,) except for cloze cards."""
        return (0,)

    @property
    def prompt(self) -> str:
        """The text that asks the question, for lists and summaries."""
        raise NotImplementedError

    def content_hash(self, item: int = 0) -> str:
        """A short hash of what the user sees and must answer for `item`.

        Tags, `explain`, `source`, `weight` and the file position are left out: editing those does
        not change the question, so it does not mark the card "changed since you last saw it".
        """
        names = _HASHED_FIELDS.get(type(self))
        if names is None:  # once per class: `fields()` is slow enough to matter on every card shown
            names = _HASHED_FIELDS[type(self)] = tuple(
                f.name for f in fields(self) if f.name not in _UNHASHED)
        payload = {name: _jsonable(getattr(self, name)) for name in names}
        payload["type"] = self.type
        payload["item"] = item
        raw = _HASH_JSON.encode(payload).encode()
        return hashlib.blake2b(raw, digest_size=8).hexdigest()


# content_hash helpers. `_HASH_JSON.encode(x)` is exactly `json.dumps(x, sort_keys=True,
# ensure_ascii=False)` without building a new encoder per call.
_UNHASHED = frozenset({"tags", "explain", "source", "weight", "path", "line", "deck_id",
                       "as_of", "valid_until"})
_HASHED_FIELDS: dict[type, tuple[str, ...]] = {}
_HASH_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def _jsonable(value: object) -> object:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, (ClozeDeletion, Tolerance, OpenPoint)):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class BasicCard(CardBase):
    """A question and its answer; the user grades themself."""

    question: str
    answer: str

    @property
    def type(self) -> CardType:
        return "basic"

    @property
    def prompt(self) -> str:
        return self.question


@dataclass(frozen=True, slots=True, kw_only=True)
class TypedCard(CardBase):
    """A question whose answer is typed: `answer`, any of `accept`, or a number within `tolerance`."""

    question: str
    answer: str
    accept: tuple[str, ...] = ()
    tolerance: Tolerance | None = None

    @property
    def type(self) -> CardType:
        return "typed"

    @property
    def prompt(self) -> str:
        return self.question


@dataclass(frozen=True, slots=True, kw_only=True)
class ChoiceCard(CardBase):
    """`answers` holds the correct choices (one, or several when the TOML `answer` is a list)."""

    question: str
    choices: tuple[str, ...]
    answers: tuple[str, ...]
    multiple: bool = False

    @property
    def type(self) -> CardType:
        return "choice"

    @property
    def prompt(self) -> str:
        return self.question


@dataclass(frozen=True, slots=True, kw_only=True)
class TrueFalseCard(CardBase):
    """A statement to judge true or false."""

    statement: str
    answer: bool

    @property
    def type(self) -> CardType:
        return "truefalse"

    @property
    def prompt(self) -> str:
        return self.statement


@dataclass(frozen=True, slots=True, kw_only=True)
class ClozeCard(CardBase):
    """`text` in Anki syntax; `deletions` parsed from it in text order (see `core.cloze`)."""

    text: str
    deletions: tuple[ClozeDeletion, ...]
    #: Right variants of a gap number's answer, as the deck's `accept = { c1 = [...] }` gives them:
    #: ((1, ("Moscow", "Russia")), ...). A variant is no new content: not in `content_hash`.
    accept: tuple[tuple[int, tuple[str, ...]], ...] = ()

    @property
    def type(self) -> CardType:
        return "cloze"

    def accepted(self, number: int) -> tuple[str, ...]:
        """The right variants of the answers of gap number `number` (`accept`)."""
        return next((variants for n, variants in self.accept if n == number), ())

    @property
    def items(self) -> tuple[int, ...]:
        return tuple(sorted({d.number for d in self.deletions}))

    @property
    def prompt(self) -> str:
        return self.text

    def content_hash(self, item: int = 0) -> str:
        # Only the deletions of this item and the surrounding text matter; adding c3 must not mark
        # c1 as changed, so hash the text as the user sees it for this item plus its answers.
        from briefing_quiz.core.cloze import cloze_answers, render_cloze

        payload = {"type": "cloze", "item": item, "front": render_cloze(self.text, item),
                   "answers": list(cloze_answers(self.text, item))}
        raw = _HASH_JSON.encode(payload).encode()
        return hashlib.blake2b(raw, digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderCard(CardBase):
    """`items_in_order` is the correct order, as listed in the TOML `items` key."""

    question: str
    items_in_order: tuple[str, ...]

    @property
    def type(self) -> CardType:
        return "order"

    @property
    def prompt(self) -> str:
        return self.question


@dataclass(frozen=True, slots=True)
class OpenPoint:
    """One point an `open` answer must make: a short `label`, and the phrases (`terms`) any of
    which, found in the answer, shows it was made (see `core.open_answer`)."""

    label: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenCard(CardBase):
    """A question answered in one's own words, checked for the `points` it must make;
    `min_points` of them make a pass (all of them unless the deck says fewer)."""

    question: str
    points: tuple[OpenPoint, ...]
    answer: str
    min_points: int

    @property
    def type(self) -> CardType:
        return "open"

    @property
    def prompt(self) -> str:
        return self.question


Card: TypeAlias = (BasicCard | TypedCard | ChoiceCard | TrueFalseCard | ClozeCard | OrderCard
                   | OpenCard)


@dataclass(frozen=True, slots=True)
class Deck:
    """A validated deck: its header and its cards in file order (`card(id)` finds one by id)."""

    id: str
    title: str
    path: Path | None
    cards: tuple[Card, ...]
    description: str | None = None
    tags: tuple[str, ...] = ()
    source: SourceInfo | None = None
    _by_id: dict[str, Card] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({c.id: c for c in self.cards})

    def card(self, card_id: str) -> Card | None:
        return self._by_id.get(card_id)

    def as_of(self, card: Card) -> dt.date | None:
        """When `card`'s fact was true: its own `as_of`, else its source's."""
        return card.as_of or (self.source.as_of if self.source else None)

    def item_keys(self) -> list[ItemKey]:
        """Every review item of the deck, in deck order."""
        return [ItemKey(self.id, c.id, i) for c in self.cards for i in c.items]


def stale_since(card: CardBase, today: dt.date) -> dt.date | None:
    """The day after `card`'s `valid_until` when `today` is past it (its fact may have changed)."""
    until = card.valid_until
    return until + dt.timedelta(days=1) if until is not None and today > until else None


@dataclass(frozen=True, slots=True, order=True)
class ItemKey:
    """What progress is keyed by."""

    deck_id: str
    card_id: str
    item: int = 0

    def __str__(self) -> str:
        suffix = f"#{self.item}" if self.item else ""
        return f"{self.deck_id}/{self.card_id}{suffix}"
