"""The rules of the deck format (docs/deck-format.md) as one table: keys, limits, ids, messages.

Both readers of a card read this table: the validator (`validate.py`, which decides and writes the
messages) and the fast builder (`fast.py`, which builds valid cards without messages and declines
anything else). So a limit such as the number of choices, or the keys a card type allows, is
changed here, once, and both follow (tests/core/deckfile/test_rules.py proves it). What each
value becomes is code in both builders: a new key or card type, or a required key made optional,
needs code there and in the model too (test_rules.py checks that both builders treat every key
as required or optional as the table says, and that the validator does so for the deck's keys).

The deck cache stores cards by the model classes named here (`CardRule.cls`), in this order.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache

from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    OpenCard,
    OrderCard,
    Tolerance,
    TrueFalseCard,
    TypedCard,
)

__all__ = [
    "CARD_RULES",
    "COMMON_CARD_KEYS",
    "DATE_KEYS",
    "FORMAT_VERSION",
    "MAX_CHOICES",
    "MAX_ORDER_ITEMS",
    "MIN_CHOICES",
    "MIN_ORDER_ITEMS",
    "SLUG",
    "CardRule",
    "Key",
    "Messages",
    "parse_tolerance",
]

FORMAT_VERSION = 1

#: What deck and card ids look like (`Messages.SLUG_RULE`); also the rule of the authoring tools.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True, slots=True)
class Key:
    """One key of a table: its name, whether it must be given, and for an array its number of
    items (`low`..`high`, no upper limit when None) and whether they must be distinct. The kind
    of its value is code in both builders (the validator's messages say it)."""

    name: str
    required: bool = False
    low: int = 0
    high: int | None = None
    distinct: bool = False

    def span(self) -> str:
        """The allowed number of items, for messages."""
        return f"{self.low} to {self.high}" if self.high is not None else f"at least {self.low}"


@dataclass(frozen=True, slots=True)
class CardRule:
    """One card type: the model class it becomes and its own keys (after the common ones), in the
    order messages list them."""

    cls: type[Card]
    keys: tuple[Key, ...]
    #: The names of `names()` as a set, made once: checked against every card of this type.
    allowed: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed", frozenset(self.names()))

    def key(self, name: str) -> Key:
        return next(key for key in self.keys if key.name == name)

    def names(self) -> tuple[str, ...]:
        """Every key a card of this type may have: the common ones, then its own."""
        return tuple(key.name for key in (*COMMON_CARD_KEYS, *self.keys))

    def required(self) -> int:
        """How many of its own keys must be given."""
        return sum(key.required for key in self.keys)


TOP_KEYS = ("format", "deck", "cards")
DECK_KEYS = (Key("id", required=True), Key("title", required=True), Key("description"),
             Key("tags"), Key("source"))
SOURCE_KEYS = ("title", "author", "publisher", "date", "url", "file", "as_of")
COMMON_CARD_KEYS = (Key("id", required=True), Key("type", required=True), Key("tags"),
                    Key("source"), Key("explain"), Key("as_of"), Key("valid_until"),
                    Key("weight"))
#: The keys whose value is a TOML date (dates of facts: docs/deck-format.md, "Dated facts").
DATE_KEYS = ("date", "as_of", "valid_until")

MIN_CHOICES, MAX_CHOICES = 2, 8
MIN_ORDER_ITEMS, MAX_ORDER_ITEMS = 2, 12

#: Per card type, in the order the docs list them (and the cache numbers them).
CARD_RULES: dict[str, CardRule] = {
    "basic": CardRule(BasicCard, (Key("question", required=True), Key("answer", required=True))),
    "typed": CardRule(TypedCard, (Key("question", required=True), Key("answer", required=True),
                                  Key("accept"), Key("tolerance"))),
    "choice": CardRule(ChoiceCard, (Key("question", required=True),
                                    Key("choices", required=True, low=MIN_CHOICES,
                                        high=MAX_CHOICES, distinct=True),
                                    Key("answer", required=True))),
    "truefalse": CardRule(TrueFalseCard, (Key("statement", required=True),
                                          Key("answer", required=True))),
    "cloze": CardRule(ClozeCard, (Key("text", required=True), Key("accept"))),
    "order": CardRule(OrderCard, (Key("question", required=True),
                                  Key("items", required=True, low=MIN_ORDER_ITEMS,
                                      high=MAX_ORDER_ITEMS, distinct=True))),
    # `points`: an array of { label = "...", terms = ["...", ...] } tables (validate_open.py)
    "open": CardRule(OpenCard, (Key("question", required=True), Key("points", required=True),
                                Key("answer", required=True), Key("min_points"))),
}

#: The keys of one point of an `open` card, in the order messages list them.
POINT_KEYS = ("label", "terms")


class Messages:
    """Every message of the validator, as `str.format` templates (only the validator fills them;
    the fast builder writes none)."""

    SLUG_RULE = "use lowercase letters, digits and '-', starting with a letter or digit"
    # The file and its tables
    FORMAT_MISSING = "missing 'format'; the first line of a deck file is 'format = {version}'"
    FORMAT_UNSUPPORTED = "unsupported deck format {fmt}; this version reads format {version}"
    DECK_MISSING = "missing the [deck] table (with 'id' and 'title')"
    DECK_NOT_TABLE = "'deck' must be a table ([deck]), not {kind}"
    DECK_ID = "deck id {value!r} is not a valid id: {rule}"
    SOURCE_NOT_TABLE = "'source' must be a table ([deck.source]), not {kind}"
    DATE = "'date' must be a date (like 2022-02-14, no quotes), not {kind}"
    DATE_KEY = "'{key}' must be a date (like 2022-02-14, no quotes), not {kind}"
    VALID_BEFORE = "'valid_until' {until} is before 'as_of' {as_of}"
    NO_CARDS = "no cards: add at least one [[cards]] table"
    CARDS_NOT_TABLES = "'cards' must be [[cards]] tables, not {kind}"
    CARDS_INLINE = "write each card as its own [[cards]] table, not as 'cards = [...]'"
    # Keys
    MISSING = "{owner} is missing '{key}'"
    UNKNOWN_KEY_OF_OTHER_TYPE = ("unknown key '{key}' for {article} {type} card "
                                 "(only {owners} cards have it)")
    UNKNOWN_KEY_CLOSE = "unknown key '{key}'; did you mean '{close}'?"
    UNKNOWN_KEY = "unknown key '{key}'; expected one of: {allowed}"
    NOT_KIND = "'{key}' must be {expected}, not {kind}"
    EMPTY = "'{key}' must not be empty"
    NOT_TEXTS = "'{key}' must be an array of strings, not {kind}"
    ITEM_NOT_TEXT = "'{key}' must be an array of strings; item {number} is {kind}"
    ITEM_EMPTY = "'{key}' must not contain empty strings (item {number})"
    ITEM_COUNT = "'{key}' must have {span} items, not {count}"
    ITEM_TWICE = "'{key}' lists {item!r} twice; items must be distinct"
    # Card ids and types
    CARD_ID_MISSING = "card is missing 'id'"
    CARD_ID = "card id {value!r} is not a valid id: {rule}"
    CARD_ID_TWICE = "duplicate card id '{value}'; it is first used on line {line}"
    TYPE_MISSING = "card is missing 'type' (one of: {types})"
    TYPE_UNKNOWN = "unknown card type '{value}'; {hint}"
    TYPE_CLOSE = "did you mean '{close}'?"
    TYPE_OPTIONS = "use one of: {types}"
    # Values of one kind
    BOOL = "'{key}' must be true or false (no quotes), not {kind}"
    TOLERANCE_TYPE = "'tolerance' must be a string such as \"5%\" or \"500\", not {kind}"
    TOLERANCE_FORM = ("'tolerance' must be a percentage such as \"5%\" or an amount such as "
                      "\"500\", not {value!r}")
    TOLERANCE_NO_NUMBER = "'tolerance' needs a number in 'answer'"
    ANSWER_TWICE = "'answer' lists a choice twice"
    ANSWER_EMPTY = "'answer' must not be an empty array"
    ANSWER_TYPE = "'answer' must be a string or an array of strings, not {kind}"
    ANSWER_NOT_CHOICE = "'answer' {given!r} is not one of the choices{hint}"
    ANSWER_CLOSE = "; did you mean {close!r}?"
    CLOZE = "cloze 'text': {error}"
    # Cloze cards' `accept`: right variants by gap number (validate_cloze.py)
    CLOZE_ACCEPT_TABLE = ("a cloze card's 'accept' must be a table of gap numbers such as "
                          "{{ c1 = [\"Moscow\", \"Russia\"] }}, not {kind}")
    CLOZE_ACCEPT_GAP = "'accept' names {key!r}, which is not a gap of the text (its gaps: {gaps})"
    CLOZE_ACCEPT_LIST = "'accept' {key}: must be an array of strings, not {kind}"
    CLOZE_ACCEPT_ITEM = "'accept' {key}: item {number} must be a non-empty string, not {value}"
    # Open cards: the points and their terms
    POINTS_NOT_LIST = ("'points' must be an array of points such as "
                       "{{ label = \"...\", terms = [\"...\"] }}, not {kind}")
    POINTS_EMPTY = "'points' must list at least one point"
    POINT_NOT_TABLE = ("point {number} must be a table such as "
                       "{{ label = \"...\", terms = [\"...\"] }}, not {kind}")
    POINT_MISSING = "point {number} is missing '{key}'"
    POINT_UNKNOWN_KEY = "point {number}: unknown key '{key}'; a point has 'label' and 'terms'"
    POINT_LABEL = "point {number}: 'label' must be a non-empty string, not {value}"
    POINT_TERMS = "point {number} ({label}): 'terms' must be an array of phrases, not {kind}"
    POINT_NO_TERMS = "point {number} ({label}) has no terms: give at least one phrase in 'terms'"
    POINT_TERM = "point {number} ({label}): term {term} must be a non-empty string, not {value}"
    MIN_POINTS = "'min_points' must be a whole number from 1 to {count}, not {value}"
    WEIGHT = "'weight' must be a number greater than 0, such as 3 for a must-know fact, not {value}"


is_slug = re.compile(rf"{SLUG.pattern}\Z").match
_SLUG_LINES = re.compile(rf"{SLUG.pattern}(?:\n{SLUG.pattern})*")
_TOLERANCE = re.compile(r"[ \t]*(\d+(?:\.\d+)?|\.\d+)[ \t]*(%?)[ \t]*\Z")
has_digit = re.compile(r"\d").search  # a tolerance needs a number in the answer


def is_weight(value: object) -> bool:
    """A card's `weight`: a finite number (not a boolean) greater than 0."""
    return type(value) in (int, float) and 0 < value < float("inf")  # type: ignore[operator]


def all_slugs(ids: Collection[str]) -> bool:
    """Whether every id is a slug: one regex pass over all of them (faster than one per id).

    Raises TypeError when an id is not a string.
    """
    joined = "\n".join(ids)
    return joined.count("\n") == len(ids) - 1 and _SLUG_LINES.fullmatch(joined) is not None


@lru_cache(maxsize=256)
def parse_tolerance(value: str) -> Tolerance | None:
    """`"5%"` -> relative 5 %, `"500"` / `"0.5"` -> absolute; None when `value` is neither.

    Cached: a deck uses a handful of tolerances many times, and Tolerance is immutable.
    """
    match = _TOLERANCE.match(value)
    if match is None:
        return None
    return Tolerance(value=float(match.group(1)), relative=bool(match.group(2)))
