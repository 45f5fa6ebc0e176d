"""The fast path of the loader: it may decline, it never decides.

What it buys (`benchmarks/bench_deck_load.py`, 10,000 cards, CPU time): `loads_deck` takes about
0.85x the time `tomli.loads` alone takes, and about 1.6x with this module off, so it halves the
load; an edited deck in the deck cache re-reads only its changed cards, about 3.5x faster than
with this module off. Three tricks, each checked against the slow path by
tests/core/deckfile/test_fast.py and the property tests:

- `_parse_simple`: the document `tomli.loads` would return, for a deck written simply, at about
  half tomli's cost: the text is cut at its `[[cards]]` lines, tomli reads the part before them,
  and each card table is read line by line (`_card_table`). Each table is sliced from the text
  when it is read (`cut._Cut`), never all at once, and its keys are interned: with the bytes dropped
  before the parse (`load.load_deck`), the memory traced after parsing the 10,000-card deck
  falls from 26.4 to 14.7 MB (benchmarks/README.md, "Part 5");
- `_fast_cards` / `_fast_builder`: every card of a deck whose cards are all valid, built with
  tight checks and no messages (the limits and keys come from `rules.py`, as the validator's do);
- `_load_reusing`: with the deck cache, an edited file reuses the cards whose `[[cards]]` table
  text is unchanged: each looked for at its own place in the previous text first, all of them
  by text once a few were not (`cut._OldTables`).

Whenever one of them is unsure (a form it does not read, any problem at all) it returns None, and
the caller takes the slow path (`tomli.loads` of the whole text, then `validate._Validator`), which
decides and reports. So a deck loads to the same deck, or fails with the same problems, with this
module switched off: set `BRIEFING_QUIZ_NO_FAST_LOAD=1` in the environment, or `fast.ENABLED =
False` (read by the loader at every load).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import sys
from collections.abc import Callable
from dataclasses import fields
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any, cast

import tomli

from briefing_quiz.core.cloze import ClozeSyntaxError, parse_cloze
from briefing_quiz.core.deckfile.cut import _Cut, _OldTables
from briefing_quiz.core.deckfile.read import CARD_SEPARATOR
from briefing_quiz.core.deckfile.rules import (
    CARD_RULES,
    all_slugs,
    has_digit,
    is_weight,
    parse_tolerance,
)
from briefing_quiz.core.deckfile.validate import _Validator
from briefing_quiz.core.deckfile.validate_cloze import accept_pairs
from briefing_quiz.core.errors import DeckError
from briefing_quiz.core.fast_construct import column_constructor, fast_constructor
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    Deck,
    OpenCard,
    OpenPoint,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)

__all__ = ["ENABLED"]

#: Whether the loader tries this module at all; off, every deck takes the slow path.
ENABLED = os.environ.get("BRIEFING_QUIZ_NO_FAST_LOAD", "") in ("", "0")

# Constructors for the hot path (see core/fast_construct.py); the slow path uses the classes.
_new_basic = fast_constructor(BasicCard)
_new_typed = fast_constructor(TypedCard)
_new_choice = fast_constructor(ChoiceCard)
_new_truefalse = fast_constructor(TrueFalseCard)
_new_cloze = fast_constructor(ClozeCard)
_new_order = fast_constructor(OrderCard)
_new_open = fast_constructor(OpenCard)


# --------------------------------------------------------------------------------------------------
# The simple parse: the document tomli would return, read faster when the cards are written simply


_CTRL = r"\x00-\x08\x0a-\x1f\x7f"  # control characters TOML allows in no one-line string or comment
_END = rf"[ \t]*(?:#[^{_CTRL}]*)?(?:\n|\Z)"  # the rest of a statement's line
_ITEM = rf"""(?:"[^"\\{_CTRL}]*"|'[^'{_CTRL}]*')"""
# One line of a card table: a bare key and a one-line value (a string, a boolean, or an array of
# strings without escapes), or a blank or comment line, or (group 9) anything else. Exactly the
# TOML grammar of those forms, so that whatever matches means what it means to tomli.
_card_table_lines = re.compile(
    rf"[ \t]*([A-Za-z0-9_-]+)[ \t]*=[ \t]*(?:"
    rf'(")([^"\\{_CTRL}]*)"'                                       # 2, 3: basic, no escapes
    rf"|(true|false)"                                              # 4
    rf"|(\[)([ \t]*(?:{_ITEM}[ \t]*,[ \t]*)*(?:{_ITEM}[ \t]*)?)\]"  # 5, 6: array of strings
    rf"|('[^'{_CTRL}]*')"                                          # 7: literal string
    rf'|("[^"\\{_CTRL}]*(?:\\[^{_CTRL}][^"\\{_CTRL}]*)*")'         # 8: basic, with escapes
    rf"){_END}|{_END}|([^\n]+\n?)"
).findall
_basic_items = re.compile(r'"([^"]*)"').findall
_any_items = re.compile(r""""([^"]*)"|'([^']*)'""").findall
_SIMPLE_FAILURES = (tomli.TOMLDecodeError, RecursionError, ValueError)
_intern = sys.intern


def _parse_simple(text: str) -> tuple[dict[str, Any], list[int], str] | None:
    """`tomli.loads(text)`, the line of each `[[cards]]` header and the text that was cut (`text`,
    its line ends made "\n"; cut at `CARD_SEPARATOR` it gives each card's table), for a deck
    written simply; None otherwise (the caller then lets tomli read the whole text and report any
    error).

    The text is cut at the lines that are exactly `[[cards]]`: the part before (the preamble) is
    given to tomli; each part after is a card table, read line by line (`_card_table_lines`) or,
    when a line has another form (a number, a multi-line string, a sub-table...), given to tomli
    behind its own header. Why the parts together mean what the whole means: tomli accepts a part
    only if it ends outside any multi-line string or array (a cut inside one leaves it
    unterminated), so every cut line is a real `[[cards]]` header; the preamble must not define
    `cards`, and each card part must make exactly one card table and nothing else, so no part can
    touch what another defines (a table or key given twice across parts would be an error of the
    whole; here it makes the parse fall back). Anything else falls back to the whole-text path.

    Each part is sliced from the text when it is read and dropped after (`_Cut`): the parts are
    never all alive at once, which would be one more copy of the text at the load's peak.
    """
    if "\r" in text:  # tomli reads "\r\n" as "\n" before anything else; so does this
        text = text.replace("\r\n", "\n")
        if "\r" in text:  # a carriage return alone, an error wherever it is: tomli reports it
            return None
    split = _split_at_cards(text)
    if split is None:
        return None
    doc, cut = split
    cards = list(map(_card_table, cut.cards()))
    if None in cards:
        for index, card in enumerate(cards):
            if card is None:
                card = _card_table_by_tomli(cut.card(index))
                if card is None:
                    return None
                cards[index] = card
    doc["cards"] = cards
    return doc, cut.header_lines(), text


def _split_at_cards(text: str) -> tuple[dict[str, Any], _Cut] | None:
    """The preamble read by tomli and the text's cut at `CARD_SEPARATOR`; None when there is no
    such cut, the preamble does not parse, or it defines `cards` itself."""
    cut = _Cut(text)
    if len(cut) < 2:
        return None
    try:
        doc = tomli.loads(cut.preamble())
    except _SIMPLE_FAILURES:
        return None
    if "cards" in doc:
        return None
    return doc, cut


class _NotReusable(Exception):
    """The previous deck cannot serve this text: load it in full."""


def _load_reusing(text: str, path: Path | None, old: Deck, old_text: str,
                  ) -> tuple[Deck, str] | None:
    """`load._load_text(text, path)` for a changed deck file, reusing the cards of `old` (loaded
    from the same path by this loader from `old_text`, cut as `_parse_simple` cuts) whose table
    text is unchanged; None when it cannot, and for any problem (the full load then reports it).

    Sound for the reasons `_parse_simple` is: the preamble is read by tomli and must not define
    `cards`; each part was read on its own before (reused) or is now (new), so every cut is a real
    header. A card depends only on its table's text, the deck id, the path and its line: the last
    three are set anew; ids are checked for repeats across all the cards.
    """
    if "\r" in text:
        return None
    split = _split_at_cards(text)
    if split is None:
        return None
    doc, cut = split
    lines = cut.header_lines()
    before = _OldTables(old.cards, old_text)
    if len(before.starts) != len(old.cards):
        return None

    def cards(deck_id: str) -> list[Card]:
        build = _fast_builder(deck_id, path)
        out: list[Card] = []
        moved: list[int] = []  # reused cards whose line, deck id or path changed
        for index, (chunk, line) in enumerate(zip(cut.cards(), lines, strict=True)):
            card = before.at(index, chunk)
            if card is None:
                table = _card_table(chunk)
                card = None if table is None else build(table, line)
                if card is None:  # a form this path cannot read: reusable only if unchanged
                    card = before.find(chunk)
                    if card is None:
                        raise _NotReusable
            # A card built here has its line, deck id and path already.
            if card.line != line or card.deck_id != deck_id or card.path != path:
                moved.append(len(out))
            out.append(card)
        if moved:  # a line added near the top moves every card below it: copy them in bulk
            _move(out, moved, lines, deck_id, path)
        ids = set(map(_card_id, out))
        if len(ids) != len(out) or not all_slugs(ids):
            raise _NotReusable
        return out

    try:
        return _Validator(path, text, lines).deck(doc, cards), text
    except (DeckError, _NotReusable, TypeError, AttributeError, KeyError):
        return None  # a problem, or a value of a wrong type (see `_fast_cards`)


_CARD_CLASSES = tuple(rule.cls for rule in CARD_RULES.values())
_KEPT_FIELDS = {cls: tuple(f.name for f in fields(cls) if f.name not in ("line", "deck_id", "path"))
                for cls in _CARD_CLASSES}
_copy_cards = {cls: column_constructor(cls, ("line", "deck_id", "path", *_KEPT_FIELDS[cls]))
               for cls in _CARD_CLASSES}


def _move(cards: list[Card], moved: list[int], lines: list[int], deck_id: str,
          path: Path | None) -> None:
    """Replace `cards[i]` for each i in `moved` by a copy with line `lines[i]`, `deck_id` and
    `path`: column-wise, several times cheaper than `dataclasses.replace` per card."""
    by_class: dict[type[Card], list[int]] = {}
    for index in moved:
        by_class.setdefault(type(cards[index]), []).append(index)
    for cls, where in by_class.items():
        old = list(map(cards.__getitem__, where))
        columns = [list(map(lines.__getitem__, where)), repeat(deck_id), repeat(path),
                   *(map(attrgetter(name), old) for name in _KEPT_FIELDS[cls])]
        for index, card in zip(where, _copy_cards[cls](len(where), columns), strict=True):
            cards[index] = card


def _card_table(chunk: str) -> dict[str, Any] | None:
    """The table of one card part read line by line, or None for a line of another form."""
    card: dict[str, Any] = {}
    keys = 0
    for key, basic_quote, basic, boolean, bracket, array, literal, escaped, other in (
            _card_table_lines(chunk)):
        if key:
            keys += 1
            # The regex makes a new string of each key; the tables of a deck are all alive at
            # once, so one shared string per key name ("question", ...) lowers the load's peak.
            key = _intern(key)
            if basic_quote:
                card[key] = basic
            elif boolean:
                card[key] = boolean == "true"
            elif bracket:
                card[key] = ([a or b for a, b in _any_items(array)] if "'" in array
                             else _basic_items(array))
            elif literal:
                card[key] = literal[1:-1]
            else:
                try:  # escapes are rare: tomli decodes them, so they mean exactly what they mean
                    card[key] = tomli.loads(f"v = {escaped}")["v"]
                except _SIMPLE_FAILURES:
                    return None
        elif other:
            return None
    return card if len(card) == keys else None  # a key given twice is an error of tomli's


def _card_table_by_tomli(chunk: str) -> dict[str, Any] | None:
    try:
        parsed = tomli.loads(CARD_SEPARATOR[1:] + chunk)
    except _SIMPLE_FAILURES:
        return None
    cards = parsed.get("cards")
    if len(parsed) != 1 or type(cards) is not list or len(cards) != 1:
        return None
    return cast("dict[str, Any]", cards[0])


# --------------------------------------------------------------------------------------------------
# The fast path


def _fast_cards(raw: list[Any], lines: list[int], deck_id: str,
                path: Path | None) -> list[Card] | None:
    """Every card, if every card is valid; None at the first sign of any problem.

    No messages and no positions here: when this returns None, `_Validator.card` goes through the
    cards again, slowly, and reports everything.
    """
    try:
        built = list(map(_fast_builder(deck_id, path), raw, lines))
        if not all(built):
            return None
        cards = cast("list[Card]", built)
        ids = set(map(_card_id, cards))
        if len(ids) != len(cards) or not all_slugs(ids):
            return None
    except (TypeError, AttributeError, KeyError):
        # A value of a wrong type (str.strip(5), an id that is a list), a card that is not a
        # table, a missing key.
        return None
    return cards


_card_id = attrgetter("id")


# Complex because it is the per-card hot loop, one branch per card type, inlined for speed.
def _fast_builder(  # noqa: C901
        deck_id: str, path: Path | None) -> Callable[[dict[str, Any], int], Card | None]:
    """A function that returns a card if it is entirely valid, else None.

    Written for speed, since it runs for every card of every deck: one function (calls cost),
    `str.strip` checks both the type (TypeError for a non-string, caught by `_fast_cards`) and
    blankness (a falsy result), a missing key raises KeyError, and unknown keys are found by
    counting the keys rather than by set operations.
    """
    strip = str.strip
    # The limits of `rules.CARD_RULES`, read once per deck: a limit changed there holds here too
    # (the builder declines what it does not allow; an item count it allows but the table does
    # not would be a wrong deck, hence no limits written here).
    choice_rule, order_rule = CARD_RULES["choice"].key("choices"), CARD_RULES["order"].key("items")
    min_choices, max_choices = choice_rule.low, _most(choice_rule.high)
    min_items, max_items = order_rule.low, _most(order_rule.high)
    # How many keys of its own each type requires: a card with exactly those (and the common keys
    # counted below) has no unknown key.
    n_basic, n_typed, n_choice, n_truefalse, n_cloze, n_order, n_open = (
        CARD_RULES[name].required() for name in ("basic", "typed", "choice", "truefalse", "cloze",
                                                  "order", "open"))

    def build(raw: dict[str, Any], line: int) -> Card | None:  # noqa: C901 (see above)
        get = raw.get
        card_type, tags, source, explain = get("type"), get("tags"), get("source"), get("explain")
        keys = 2  # id and type
        if tags is None:
            tags = ()
        elif type(tags) is list and all(map(strip, tags)):
            tags = tuple(tags)
            keys += 1
        else:
            return None
        if source is not None:
            if not strip(source):
                return None
            keys += 1
        if explain is not None:
            if not strip(explain):
                return None
            keys += 1
        weight = get("weight")
        if weight is None:
            weight = 1.0
        elif is_weight(weight):
            weight = float(weight)
            keys += 1
        else:
            return None

        if card_type == "choice":
            question, choices, answer = raw["question"], raw["choices"], raw["answer"]
            if not (len(raw) == keys + n_choice and strip(question) and type(choices) is list
                    and min_choices <= len(choices) <= max_choices
                    and all(map(strip, choices)) and len(set(choices)) == len(choices)):
                return None
            if type(answer) is str:
                if answer not in choices:
                    return None
                answers: tuple[str, ...] = (answer,)
                multiple = False
            elif (type(answer) is list and answer and len(set(answer)) == len(answer)
                  and all(map(choices.__contains__, answer))):
                answers = tuple(answer)
                multiple = True
            else:
                return None
            return _new_choice(id=raw["id"], deck_id=deck_id, tags=tags, source=source,
                               explain=explain, weight=weight, path=path, line=line,
                               question=question, choices=tuple(choices), answers=answers,
                               multiple=multiple)

        if card_type == "typed":
            question, answer = raw["question"], raw["answer"]
            if not (strip(question) and strip(answer)):
                return None
            accept, tolerance = get("accept"), get("tolerance")
            keys += n_typed
            if accept is None:
                accept = ()
            elif type(accept) is list and all(map(strip, accept)):
                accept = tuple(accept)
                keys += 1
            else:
                return None
            if tolerance is not None:
                tolerance = parse_tolerance(tolerance)
                if tolerance is None or not has_digit(answer):
                    return None
                keys += 1
            if len(raw) != keys:
                return None
            return _new_typed(id=raw["id"], deck_id=deck_id, tags=tags, source=source,
                              explain=explain, weight=weight, path=path, line=line,
                              question=question, answer=answer, accept=accept,
                              tolerance=tolerance)

        if card_type == "truefalse":
            statement, answer = raw["statement"], raw["answer"]
            if len(raw) != keys + n_truefalse or not strip(statement) or type(answer) is not bool:
                return None
            return _new_truefalse(id=raw["id"], deck_id=deck_id, tags=tags, source=source,
                                  explain=explain, weight=weight, path=path, line=line,
                                  statement=statement, answer=answer)

        if card_type == "cloze":
            text, accept = raw["text"], get("accept")
            if len(raw) != keys + n_cloze + (accept is not None) or not strip(text):
                return None
            try:
                deletions = parse_cloze(text)
            except ClozeSyntaxError:  # reported, with its position, by the slow path
                return None
            variants = () if accept is None else accept_pairs(accept, deletions)
            if variants is None:  # reported by the slow path
                return None
            return _new_cloze(id=raw["id"], deck_id=deck_id, tags=tags, source=source,
                              explain=explain, weight=weight, path=path, line=line,
                              text=text, deletions=deletions, accept=variants)

        if card_type == "basic":
            question, answer = raw["question"], raw["answer"]
            if len(raw) != keys + n_basic or not (strip(question) and strip(answer)):
                return None
            return _new_basic(id=raw["id"], deck_id=deck_id, tags=tags, source=source,
                              explain=explain, weight=weight, path=path, line=line,
                              question=question, answer=answer)

        if card_type == "order":
            question, items = raw["question"], raw["items"]
            if not (len(raw) == keys + n_order and strip(question) and type(items) is list
                    and min_items <= len(items) <= max_items
                    and all(map(strip, items)) and len(set(items)) == len(items)):
                return None
            return _new_order(id=raw["id"], deck_id=deck_id, tags=tags, source=source,
                              explain=explain, weight=weight, path=path, line=line,
                              question=question, items_in_order=tuple(items))

        if card_type == "open":
            question, answer, points = raw["question"], raw["answer"], _open_points(raw["points"])
            least = get("min_points", _ALL)
            if least is not _ALL:
                keys += 1
            if (len(raw) != keys + n_open or not (strip(question) and strip(answer))
                    or points is None or not (least is _ALL or (
                        type(least) is int and 1 <= least <= len(points)))):
                return None
            return _new_open(id=raw["id"], deck_id=deck_id, tags=tags, source=source,
                             explain=explain, path=path, line=line, question=question,
                             points=points, answer=answer,
                             min_points=len(points) if least is _ALL else least)
        return None  # an unknown type, or not a string

    return _dated(build)


def _dated(build: Callable[[dict[str, Any], int], Card | None],
           ) -> Callable[[dict[str, Any], int], Card | None]:
    """`build` for cards that may carry `as_of` / `valid_until` (dates of facts, rare): such a card
    is built without them and given them after, when both are dates and in order."""

    def build_dated(raw: dict[str, Any], line: int) -> Card | None:
        if "as_of" not in raw and "valid_until" not in raw:
            return build(raw, line)
        rest = dict(raw)
        as_of, until = rest.pop("as_of", None), rest.pop("valid_until", None)
        if not all(day is None or type(day) is dt.date for day in (as_of, until)) or (
                as_of is not None and until is not None and until < as_of):
            return None
        card = build(rest, line)
        return None if card is None else dataclasses.replace(card, as_of=as_of, valid_until=until)

    return build_dated


def _most(high: int | None) -> int:
    """An upper limit of the table as a number (no limit: larger than any list)."""
    return sys.maxsize if high is None else high


_ALL: Any = object()  # `min_points` not given


def _open_points(points: object) -> tuple[OpenPoint, ...] | None:
    """The points of an `open` card if each is exactly a label and a non-empty list of terms, all
    non-blank strings (`str.strip` raises TypeError on any other value); else None."""
    if type(points) is not list or not points:
        return None
    made = []
    for point in points:
        if type(point) is not dict or len(point) != 2:
            return None
        label, terms = point["label"], point["terms"]
        if not (str.strip(label) and type(terms) is list and terms
                and all(map(str.strip, terms))):
            return None
        made.append(OpenPoint(label=label, terms=tuple(terms)))
    return tuple(made)
