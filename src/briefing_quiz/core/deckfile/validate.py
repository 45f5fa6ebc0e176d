"""The slow path that decides: checks one parsed deck document, collects every problem with its
message and position, and builds the deck when there is none.

Every problem of a file is collected and raised together in one `DeckError`, each with the line
(and column, where known) of the table or key at fault. What is allowed (keys, limits, ids) and
what is said (messages) come from the table in `rules.py`; the kind each value must be is checked
here; positions (and the lines of the cards) come from `positions.py`, scanned only when there is
something to report. A faster builder of the cards may be given
(`fast_cards`, see `fast.py`): it builds the cards of a valid deck or declines, and when it
declines this module goes through every card and reports.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from briefing_quiz.core.cloze import ClozeSyntaxError, parse_cloze
from briefing_quiz.core.deckfile.positions import Loc, _Locator
from briefing_quiz.core.deckfile.rules import (
    CARD_RULES,
    COMMON_CARD_KEYS,
    DECK_KEYS,
    FORMAT_VERSION,
    SOURCE_KEYS,
    TOP_KEYS,
    Key,
    Messages,
    has_digit,
    is_slug,
    is_weight,
    parse_tolerance,
)
from briefing_quiz.core.errors import DeckError, Problem
from briefing_quiz.core.model import (
    CARD_TYPES,
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    Deck,
    OrderCard,
    SourceInfo,
    Tolerance,
    TrueFalseCard,
    TypedCard,
)

__all__: list[str] = []

#: Builds every card of a deck if all are valid, else None: (tables, header lines, deck id, path).
FastCards = Callable[[list[Any], list[int], str, Path | None], list[Card] | None]

_MISSING: Any = object()


class _Pending(NamedTuple):
    message: str
    loc: Loc
    card_id: str | None


def _suggest(word: str, options: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return close[0] if close else None


def _is_text(value: object) -> bool:
    return type(value) is str and bool(value) and not value.isspace()


def kind_of(value: object) -> str:
    """The TOML name of a value's type, with its article, for messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, dt.datetime):
        return "a date-time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, dt.time):
        return "a time"
    return f"a {type(value).__name__}"


_DECK_TAGS = next(key for key in DECK_KEYS if key.name == "tags")
_CARD_TAGS = next(key for key in COMMON_CARD_KEYS if key.name == "tags")
_ACCEPT = CARD_RULES["typed"].key("accept")


#: The name of the `_Validator` method that builds each card type. Names, not bound methods kept
#: on the validator: those made a reference cycle that kept the validator, and the deck's whole
#: text in its `_Locator`, alive after a load until a collection; `gc_policy.settle_heap` then
#: froze them for good (4 MB for the 10,000-card benchmark deck).
_BUILDERS = {name: f"_{name}" for name in ("basic", "typed", "choice", "truefalse", "cloze",
                                           "order", "open")}


class _Validator:
    """Checks one parsed document; collects problems as key paths and positions them at the end."""

    def __init__(self, path: Path | None, text: str, card_lines: list[int] | None = None,
                 fast_cards: FastCards | None = None) -> None:
        self.path = path
        self._fast_cards = fast_cards
        self.pending: list[_Pending] = []
        self.deck_id = ""
        self.where = _Locator(text, card_lines)

    # -- reporting ---------------------------------------------------------------------------------

    def add(self, message: str, loc: Loc, card_id: str | None = None) -> None:
        self.pending.append(_Pending(message, loc, card_id))

    def fail(self) -> DeckError:
        problems = []
        for pending in self.pending:
            line, column = self.where.locate(pending.loc)
            problems.append(Problem(self.path, pending.message, line, column, pending.card_id))
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        return DeckError(problems)

    def unknown_keys(self, table: dict[str, Any], allowed: Iterable[str], loc: Loc,
                     card_id: str | None = None, card_type: str | None = None) -> None:
        allowed = tuple(allowed)
        for key in table:
            if key in allowed:
                continue
            owners = [name for name, rule in CARD_RULES.items()
                      if any(k.name == key for k in rule.keys)] if card_type else []
            close = _suggest(key, allowed)
            if owners and close != key:
                article = "an" if card_type and card_type[0] in "aeiou" else "a"
                message = Messages.UNKNOWN_KEY_OF_OTHER_TYPE.format(
                    key=key, article=article, type=card_type, owners=" and ".join(owners))
            elif close is not None:
                message = Messages.UNKNOWN_KEY_CLOSE.format(key=key, close=close)
            else:
                message = Messages.UNKNOWN_KEY.format(key=key, allowed=", ".join(allowed))
            self.add(message, (*loc, key), card_id)

    # -- value checks ------------------------------------------------------------------------------

    def text(self, table: dict[str, Any], key: str, loc: Loc, card_id: str | None,
             owner: str | None) -> str | None:
        """A required, non-empty string; `owner` names the table in the 'missing' message."""
        value = table.get(key, _MISSING)
        if type(value) is str and value and not value.isspace():
            return value
        if value is _MISSING:
            self.add(Messages.MISSING.format(owner=owner, key=key), loc, card_id)
        else:
            self._bad_text(value, key, loc, card_id)
        return None

    def optional_text(self, table: dict[str, Any], key: str, loc: Loc,
                      card_id: str | None) -> str | None:
        value = table.get(key, _MISSING)
        if value is _MISSING:
            return None
        if type(value) is str and value and not value.isspace():
            return value
        self._bad_text(value, key, loc, card_id)
        return None

    def weight(self, raw: dict[str, Any], loc: Loc, card_id: str | None) -> float:
        """The card's `weight` (1 when not given); a bad one is reported, and counts 1."""
        value = raw.get("weight", 1.0)
        if is_weight(value):
            return float(value)
        shown = repr(value) if type(value) in (int, float) else kind_of(value)
        self.add(Messages.WEIGHT.format(value=shown), (*loc, "weight"), card_id)
        return 1.0

    def _bad_text(self, value: object, key: str, loc: Loc, card_id: str | None) -> None:
        if isinstance(value, str):
            self.add(Messages.EMPTY.format(key=key), (*loc, key), card_id)
        else:
            self.add(Messages.NOT_KIND.format(key=key, expected="a string", kind=kind_of(value)),
                     (*loc, key), card_id)

    def text_list(self, value: object, rule: Key, loc: Loc, card_id: str | None,
                  ) -> tuple[str, ...] | None:
        """An array of non-empty strings with as many items as `rule` allows (distinct ones when
        it asks)."""
        key, low, high, distinct = rule.name, rule.low, rule.high, rule.distinct
        if type(value) is list and all(map(_is_text, value)) and len(value) >= low and (
            high is None or len(value) <= high
        ) and (not distinct or len(set(value)) == len(value)):
            return tuple(value)
        here = (*loc, key)
        if not isinstance(value, list):
            self.add(Messages.NOT_TEXTS.format(key=key, kind=kind_of(value)), here, card_id)
            return None
        ok = True
        for number, item in enumerate(value, 1):
            if not isinstance(item, str):
                self.add(Messages.ITEM_NOT_TEXT.format(key=key, number=number, kind=kind_of(item)),
                         here, card_id)
                ok = False
            elif not item or item.isspace():
                self.add(Messages.ITEM_EMPTY.format(key=key, number=number), here, card_id)
                ok = False
        if not ok:
            return None
        if len(value) < low or (high is not None and len(value) > high):
            self.add(Messages.ITEM_COUNT.format(key=key, span=rule.span(), count=len(value)),
                     here, card_id)
            return None
        if distinct:
            seen: set[str] = set()
            for item in value:
                if item in seen:
                    self.add(Messages.ITEM_TWICE.format(key=key, item=item), here, card_id)
                    return None
                seen.add(item)
        return tuple(value)

    # -- document and deck -------------------------------------------------------------------------

    def deck(self, doc: dict[str, Any],
             cards_of: Callable[[str], list[Card]] | None = None) -> Deck:
        """The deck of `doc`; `cards_of(deck id)`, when given, makes the cards instead of
        `doc["cards"]` (only for a deck that had no problems, see `_load_reusing`)."""
        fmt = doc.get("format", _MISSING)
        if fmt is _MISSING:
            self.add(Messages.FORMAT_MISSING.format(version=FORMAT_VERSION), ())
        elif type(fmt) is not int:
            self.add(Messages.NOT_KIND.format(key="format", expected="an integer",
                                              kind=kind_of(fmt)), ("format",))
        elif fmt != FORMAT_VERSION:
            # A different format is a different language: stop here rather than report noise.
            self.add(Messages.FORMAT_UNSUPPORTED.format(fmt=fmt, version=FORMAT_VERSION),
                     ("format",))
            raise self.fail()
        self.unknown_keys(doc, TOP_KEYS, ())

        raw_deck = doc.get("deck", _MISSING)
        header: dict[str, Any] = {}
        if raw_deck is _MISSING:
            self.add(Messages.DECK_MISSING, ())
        elif not isinstance(raw_deck, dict):
            self.add(Messages.DECK_NOT_TABLE.format(kind=kind_of(raw_deck)), ("deck",))
        else:
            header = self.deck_header(raw_deck)

        if cards_of is None:
            cards = self.cards(doc.get("cards", _MISSING))
        elif self.pending:
            raise self.fail()
        else:
            cards = cards_of(self.deck_id)
        if self.pending:
            raise self.fail()
        return Deck(id=header["id"], title=header["title"], path=self.path, cards=tuple(cards),
                    description=header.get("description"), tags=header.get("tags", ()),
                    source=header.get("source"))

    def deck_header(self, raw: dict[str, Any]) -> dict[str, Any]:
        loc: Loc = ("deck",)
        self.unknown_keys(raw, (key.name for key in DECK_KEYS), loc)
        out: dict[str, Any] = {}
        deck_id = self.text(raw, "id", loc, None, "[deck]")
        if deck_id is not None:
            if is_slug(deck_id):
                self.deck_id = deck_id
            else:
                self.add(Messages.DECK_ID.format(value=deck_id, rule=Messages.SLUG_RULE),
                         (*loc, "id"))
        out["id"] = self.deck_id
        out["title"] = self.text(raw, "title", loc, None, "[deck]")
        out["description"] = self.optional_text(raw, "description", loc, None)
        if "tags" in raw:
            out["tags"] = self.text_list(raw["tags"], _DECK_TAGS, loc, None) or ()
        source = raw.get("source", _MISSING)
        if source is not _MISSING:
            if isinstance(source, dict):
                out["source"] = self.source_info(source)
            else:
                self.add(Messages.SOURCE_NOT_TABLE.format(kind=kind_of(source)), (*loc, "source"))
        return out

    def source_info(self, raw: dict[str, Any]) -> SourceInfo:
        loc: Loc = ("deck", "source")
        self.unknown_keys(raw, SOURCE_KEYS, loc)
        date = raw.get("date")
        if date is not None and type(date) is not dt.date:
            self.add(Messages.DATE.format(kind=kind_of(date)), (*loc, "date"))
            date = None
        return SourceInfo(
            title=self.optional_text(raw, "title", loc, None),
            author=self.optional_text(raw, "author", loc, None),
            publisher=self.optional_text(raw, "publisher", loc, None),
            date=date,
            url=self.optional_text(raw, "url", loc, None),
            file=self.optional_text(raw, "file", loc, None),
            as_of=self.optional_date(raw, "as_of", loc, None),
        )

    def optional_date(self, table: dict[str, Any], key: str, loc: Loc,
                      card_id: str | None) -> dt.date | None:
        """A TOML date (not a date-time, not a string), or None when the key is absent."""
        value = table.get(key)
        if value is None or type(value) is dt.date:
            return value
        self.add(Messages.DATE_KEY.format(key=key, kind=kind_of(value)), (*loc, key), card_id)
        return None

    def fact_dates(self, raw: dict[str, Any], loc: Loc, card_id: str | None,
                   ) -> dict[str, dt.date]:
        """A card's `as_of` and `valid_until` (only those given), checked to be in order."""
        out = {key: day for key in ("as_of", "valid_until")
               if (day := self.optional_date(raw, key, loc, card_id)) is not None}
        if "as_of" in out and "valid_until" in out and out["valid_until"] < out["as_of"]:
            self.add(Messages.VALID_BEFORE.format(until=out["valid_until"], as_of=out["as_of"]),
                     (*loc, "valid_until"), card_id)
        return out

    # -- cards -------------------------------------------------------------------------------------

    def cards(self, raw: object) -> list[Card]:
        if raw is _MISSING:
            self.add(Messages.NO_CARDS, ())
            return []
        if not isinstance(raw, list):
            self.add(Messages.CARDS_NOT_TABLES.format(kind=kind_of(raw)), ("cards",))
            return []
        if not raw:
            self.add(Messages.NO_CARDS, ("cards",))
            return []
        lines = self.where.lines = self.where.card_lines(len(raw))
        if lines is None:
            self.add(Messages.CARDS_INLINE, ("cards",))
            return []
        # All or nothing: the fast path builds every card of a valid deck; at the first sign of a
        # problem this path goes through all cards again and reports every problem.
        if self._fast_cards is not None:
            fast = self._fast_cards(raw, lines, self.deck_id, self.path)
            if fast is not None:
                return fast
        if not all(type(card) is dict for card in raw):  # [[cards]] headers only make tables
            self.add(Messages.CARDS_NOT_TABLES.format(kind="an array of values"), ("cards",))
            return []
        first_index: dict[str, int] = {}
        out: list[Card] = []
        for index, card in enumerate(raw):
            made = self.card(index, card, lines[index], first_index, lines)
            if made is not None:
                out.append(made)
        return out

    def card(self, index: int, raw: dict[str, Any], line: int, first_index: dict[str, int],
             lines: list[int]) -> Card | None:
        loc: Loc = ("cards", index)
        before = len(self.pending)
        card_id = raw.get("id", _MISSING)
        if type(card_id) is str and is_slug(card_id):
            first = first_index.setdefault(card_id, index)
            if first != index:
                self.add(Messages.CARD_ID_TWICE.format(value=card_id, line=lines[first]),
                         (*loc, "id"), card_id)
        elif card_id is _MISSING:
            self.add(Messages.CARD_ID_MISSING, loc)
            card_id = None
        elif type(card_id) is not str:
            self.add(Messages.NOT_KIND.format(key="id", expected="a string", kind=kind_of(card_id)),
                     (*loc, "id"))
            card_id = None
        else:
            self.add(Messages.CARD_ID.format(value=card_id, rule=Messages.SLUG_RULE), (*loc, "id"),
                     card_id or None)
            card_id = card_id or None

        card_type = raw.get("type", _MISSING)
        builder = (getattr(self, _BUILDERS[card_type]) if type(card_type) is str
                   and card_type in _BUILDERS else None)
        if builder is None:
            types = ", ".join(CARD_TYPES)
            if card_type is _MISSING:
                self.add(Messages.TYPE_MISSING.format(types=types), loc, card_id)
            elif type(card_type) is not str:
                self.add(Messages.NOT_KIND.format(key="type", expected="a string",
                                                  kind=kind_of(card_type)), (*loc, "type"), card_id)
            else:
                close = _suggest(card_type, CARD_TYPES)
                hint = (Messages.TYPE_CLOSE.format(close=close) if close
                        else Messages.TYPE_OPTIONS.format(types=types))
                self.add(Messages.TYPE_UNKNOWN.format(value=card_type, hint=hint), (*loc, "type"),
                         card_id)
            return None

        rule = CARD_RULES[card_type]
        if not rule.allowed.issuperset(raw):
            self.unknown_keys(raw, rule.names(), loc, card_id, card_type)
        tags = raw.get("tags", _MISSING)
        tags = () if tags is _MISSING else self.text_list(tags, _CARD_TAGS, loc, card_id)
        common = {
            "id": card_id,
            "deck_id": self.deck_id,
            "tags": tags,
            "source": self.optional_text(raw, "source", loc, card_id) if "source" in raw else None,
            "explain": self.optional_text(raw, "explain", loc, card_id)
            if "explain" in raw else None,
            "weight": self.weight(raw, loc, card_id),
            "path": self.path,
            "line": line,
        }
        if "as_of" in raw or "valid_until" in raw:
            common.update(self.fact_dates(raw, loc, card_id))
        built = builder(raw, loc, card_id, common)
        return built if len(self.pending) == before else None

    def _basic(self, raw: dict[str, Any], loc: Loc, card_id: str | None,
               common: dict[str, Any]) -> Card | None:
        question = self.text(raw, "question", loc, card_id, "basic card")
        answer = self.text(raw, "answer", loc, card_id, "basic card")
        if question is None or answer is None:
            return None
        return BasicCard(question=question, answer=answer, **common)

    def _typed(self, raw: dict[str, Any], loc: Loc, card_id: str | None,
               common: dict[str, Any]) -> Card | None:
        question = self.text(raw, "question", loc, card_id, "typed card")
        answer = self.text(raw, "answer", loc, card_id, "typed card")
        accept: tuple[str, ...] | None = ()
        if "accept" in raw:
            accept = self.text_list(raw["accept"], _ACCEPT, loc, card_id)
        tolerance: Tolerance | None = None
        raw_tolerance = raw.get("tolerance", _MISSING)
        if raw_tolerance is not _MISSING:
            if type(raw_tolerance) is not str:
                self.add(Messages.TOLERANCE_TYPE.format(kind=kind_of(raw_tolerance)),
                         (*loc, "tolerance"), card_id)
            else:
                tolerance = parse_tolerance(raw_tolerance)
                if tolerance is None:
                    self.add(Messages.TOLERANCE_FORM.format(value=raw_tolerance),
                             (*loc, "tolerance"), card_id)
                elif answer is not None and not has_digit(answer):
                    self.add(Messages.TOLERANCE_NO_NUMBER, (*loc, "tolerance"), card_id)
        if question is None or answer is None or accept is None:
            return None
        return TypedCard(question=question, answer=answer, accept=accept, tolerance=tolerance,
                         **common)

    def _choice(self, raw: dict[str, Any], loc: Loc, card_id: str | None,
                common: dict[str, Any]) -> Card | None:
        question = self.text(raw, "question", loc, card_id, "choice card")
        choices: tuple[str, ...] | None = None
        if "choices" in raw:
            choices = self.text_list(raw["choices"], CARD_RULES["choice"].key("choices"), loc,
                                     card_id)
        else:
            self.add(Messages.MISSING.format(owner="choice card", key="choices"), loc, card_id)
        answer = raw.get("answer", _MISSING)
        here = (*loc, "answer")
        answers: tuple[str, ...] | None = None
        multiple = False
        if type(answer) is str:
            answers = (answer,)
        elif type(answer) is list and answer and all(type(a) is str for a in answer):
            answers = tuple(answer)
            multiple = True
            if len(set(answers)) != len(answers):
                self.add(Messages.ANSWER_TWICE, here, card_id)
                answers = None
        elif answer is _MISSING:
            self.add(Messages.MISSING.format(owner="choice card", key="answer"), loc, card_id)
        elif type(answer) is list and not answer:
            self.add(Messages.ANSWER_EMPTY, here, card_id)
        else:
            self.add(Messages.ANSWER_TYPE.format(kind=kind_of(answer)), here, card_id)
        if answers is not None and choices is not None:
            for given in answers:
                if given not in choices:
                    close = _suggest(given, choices)
                    hint = Messages.ANSWER_CLOSE.format(close=close) if close else ""
                    self.add(Messages.ANSWER_NOT_CHOICE.format(given=given, hint=hint), here,
                             card_id)
                    answers = None
                    break
        if question is None or choices is None or answers is None:
            return None
        return ChoiceCard(question=question, choices=choices, answers=answers, multiple=multiple,
                          **common)

    def _truefalse(self, raw: dict[str, Any], loc: Loc, card_id: str | None,
                   common: dict[str, Any]) -> Card | None:
        statement = self.text(raw, "statement", loc, card_id, "truefalse card")
        answer = raw.get("answer", _MISSING)
        if answer is _MISSING:
            self.add(Messages.MISSING.format(owner="truefalse card", key="answer"), loc, card_id)
            return None
        if type(answer) is not bool:
            self.add(Messages.BOOL.format(key="answer", kind=kind_of(answer)), (*loc, "answer"),
                     card_id)
            return None
        if statement is None:
            return None
        return TrueFalseCard(statement=statement, answer=answer, **common)

    def _cloze(self, raw: dict[str, Any], loc: Loc, card_id: str | None,
               common: dict[str, Any]) -> Card | None:
        text = self.text(raw, "text", loc, card_id, "cloze card")
        if text is None:
            return None
        try:
            deletions = parse_cloze(text)
        except ClozeSyntaxError as error:
            self.add(Messages.CLOZE.format(error=error), (*loc, "text"), card_id)
            return None
        if "accept" in raw:  # right variants by gap number (validate_cloze.py)
            from briefing_quiz.core.deckfile.validate_cloze import check_accept

            accept = check_accept(self, raw["accept"], deletions, loc, card_id)
            return None if accept is None else ClozeCard(text=text, deletions=deletions,
                                                         accept=accept, **common)
        return ClozeCard(text=text, deletions=deletions, **common)

    def _order(self, raw: dict[str, Any], loc: Loc, card_id: str | None,
               common: dict[str, Any]) -> Card | None:
        question = self.text(raw, "question", loc, card_id, "order card")
        items: tuple[str, ...] | None = None
        if "items" in raw:
            items = self.text_list(raw["items"], CARD_RULES["order"].key("items"), loc, card_id)
        else:
            self.add(Messages.MISSING.format(owner="order card", key="items"), loc, card_id)
        if question is None or items is None:
            return None
        return OrderCard(question=question, items_in_order=items, **common)

    def _open(self, raw: dict[str, Any], loc: Loc, card_id: str | None,
              common: dict[str, Any]) -> Card | None:
        from briefing_quiz.core.deckfile.validate_open import build_open

        return build_open(self, raw, loc, card_id, common)
