"""Answer checking for the auto-checked card types.

Typed answers (and each gap of a cloze) are compared after `normalize_answer`, which forgives what
does not change the answer: letter case, accents, surrounding punctuation and spaces, unicode
quote and dash variants, dots in abbreviations ("U.S." = "US"), hyphens ("Minsk-II" = "Minsk II"),
"&" for "and", a leading "a"/"an"/"the", month abbreviations ("Feb" = "February") and the order
of day and month ("February 11" = "11 February" = "Feb 11th").

Numbers are compared by value when the expected answer starts with one:

* "130,000" = "130000" = "130 000" = "130k" = "130 thousand" = "130K"; "1.5m" = "1.5 million" =
  1,500,000; "bn"/"billion" and "tn"/"trillion" too ("m" is always million, never metres);
* "." is always the decimal point: "130.000" is 130, not 130,000, and "1,5" (a comma not followed by
  exactly three digits) is no number at all; a deck that wants those adds them to `accept`;
* small numbers and ordinals in words: "five", "twenty-one", "one hundred thousand", "third" = "3rd"
  = 3; "about"/"around"/"roughly"/"some"/"~" before a number are ignored;
* words after the number must match ("3 weeks" is not "3 days"), but may be left out, or added,
  when the other side has none ("190,000" for "190,000 troops", "1700 troops" for "1700"), unless
  they contain digits or a month (so "24" never passes for "24 February");
* `card.tolerance` widens the numeric match ("5%" relative, or absolute).

Wrong stays wrong: "1700" is not "17000", "Poland" is not "Poland and Romania" (nor the reverse):
the whole answer must match the expected one or an `accept` alternative. Nothing here guesses at
spelling mistakes.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from fsrs import Rating

from briefing_quiz.core.cloze import cloze_answers
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    OrderCard,
    Tolerance,
    TrueFalseCard,
    TypedCard,
)

__all__ = [
    "CheckResult",
    "check_answer",
    "check_choice",
    "check_cloze",
    "check_order",
    "check_truefalse",
    "check_typed",
    "normalize_answer",
    "parse_number",
    "parse_truefalse",
]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict on one answer, with the texts to show."""

    correct: bool
    expected: str  # the right answer, as text to show
    given: str  # the user's answer, as text
    suggested: Rating  # Again when wrong, Good when right
    in_place: int | None = None  # order cards: items in the right place
    total: int | None = None  # order cards: number of items
    detail: str = ""  # e.g. "3 of 5 in place", "within 5% of 130,000"
    points: tuple[tuple[str, bool], ...] = ()  # open cards: (label, made) of each point


def _result(correct: bool, expected: str, given: str, *, detail: str = "",
            in_place: int | None = None, total: int | None = None) -> CheckResult:
    rating = Rating.Good if correct else Rating.Again
    return CheckResult(correct, expected, given, rating, in_place, total, detail)


# --------------------------------------------------------------------------------------------
# Normalisation

_CHAR_MAP = str.maketrans({
    **{c: "'" for c in "‘’‚‛′`´ʼ"},
    **{c: '"' for c in "“”„‟″«»"},
    **{c: "-" for c in "‐‑‒–—―−⁃﹘﹣"},
    # letters that NFKD does not split into base letter + accent
    "ø": "o", "ł": "l", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "ħ": "h",
})
_ABBREVIATION_DOT = re.compile(r"(?<=[^\W\d_])\.(?=[^\W\d_])")
_INNER_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
# A number (with its thousands/decimal/time separators and a sign at a word start), a run of
# letters, a run of digits, or any other single non-space character (kept only if a symbol).
_TOKEN = re.compile(
    r"(?P<num>(?:(?<![^\W_])[-+])?(?:\d+(?:[.,:/]\d+)*|\.\d+))(?:(?:st|nd|rd|th)(?![^\W\d_]))?"
    r"|(?P<word>[^\W\d_]+|\d+)"
    r"|(?P<other>[^\w\s]|_)"
)
_ARTICLES = frozenset({"a", "an", "the"})
_MONTHS = {
    "january": "january", "jan": "january", "february": "february", "feb": "february",
    "march": "march", "mar": "march", "april": "april", "apr": "april", "may": "may",
    "june": "june", "jun": "june", "july": "july", "jul": "july", "august": "august",
    "aug": "august", "september": "september", "sep": "september", "sept": "september",
    "october": "october", "oct": "october", "november": "november", "nov": "november",
    "december": "december", "dec": "december",
}
_MONTH_NAMES = frozenset(_MONTHS.values())
_DAY = re.compile(r"(?:[1-9]|[12]\d|3[01])")


def _fold(text: str) -> str:
    """Case, accents and character variants folded; what is left is compared."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return folded.translate(_CHAR_MAP)


def _tokens(text: str) -> list[str]:
    folded = _fold(text).replace("&", " and ").replace("%", " percent ")
    folded = _INNER_APOSTROPHE.sub("", _ABBREVIATION_DOT.sub("", folded))
    tokens: list[str] = []
    for match in _TOKEN.finditer(folded):
        kind = match.lastgroup
        if kind == "num":
            tokens.append(match.group("num").removeprefix("+"))
        elif kind == "word":
            word = match.group("word")
            if word == "cent" and tokens and tokens[-1] == "per":
                tokens[-1] = "percent"
            else:
                tokens.append(_MONTHS.get(word, word))
        elif unicodedata.category(match.group())[0] == "S":  # $, €, +, °: they carry meaning
            tokens.append(match.group())
    while len(tokens) > 1 and tokens[0] in _ARTICLES:
        del tokens[0]
    return _day_before_month(tokens)


def _day_before_month(tokens: list[str]) -> list[str]:
    """'february 11' -> '11 february', unless the month already follows a day ('3 march 11').

    Repeated until nothing changes (each swap moves a day left, so this ends), which makes
    normalisation idempotent even for odd inputs like 'may may 5'.
    """
    out = list(tokens)
    changed = True
    while changed:
        changed = False
        for i in range(len(out) - 1):
            if (out[i] in _MONTH_NAMES and _DAY.fullmatch(out[i + 1])
                    and not (i > 0 and _DAY.fullmatch(out[i - 1]))):
                out[i], out[i + 1] = out[i + 1], out[i]
                changed = True
    return out


def normalize_answer(text: str) -> str:
    """The comparable form of an answer: folded, tokenised and joined by single spaces."""
    return " ".join(_tokens(text))


# --------------------------------------------------------------------------------------------
# Numbers

_HEDGES = frozenset({"about", "around", "approximately", "approx", "roughly", "circa", "ca",
                     "some", "~", "≈"})
_CURRENCY = {"$": "usd", "usd": "usd", "dollar": "usd", "dollars": "usd", "€": "eur",
             "eur": "eur", "euro": "eur", "euros": "eur", "£": "gbp", "gbp": "gbp"}
_MULTIPLIERS = {"hundred": 1e2, "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6,
                "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9, "tn": 1e12,
                "trillion": 1e12}
_GROUPED = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_PLAIN = re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)")
_THREE_DIGITS = re.compile(r"\d{3}")
_SMALL_GROUP = re.compile(r"\d{1,3}")

def _numbered(words: str, first: int, step: int = 1) -> dict[str, int]:
    return {word: first + i * step for i, word in enumerate(words.split())}


_UNITS = _numbered("zero one two three four five six seven eight nine", 0)
_TEENS = _numbered("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen "
                   "nineteen", 10)
_TENS = _numbered("twenty thirty forty fifty sixty seventy eighty ninety", 20, 10)
_ORDINAL_UNITS = _numbered("first second third fourth fifth sixth seventh eighth ninth", 1)
_ORDINAL_TEENS = _numbered("tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth "
                           "seventeenth eighteenth nineteenth", 10)
_ORDINAL_TENS = _numbered("twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth "
                          "ninetieth", 20, 10)
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


@dataclass(frozen=True, slots=True)
class _Number:
    value: float
    rest: tuple[str, ...]  # normalised words after the number (currency first, if any)


def _word_number(tokens: Sequence[str]) -> tuple[float, int] | None:
    """A number written in words at the start of `tokens`: (value, tokens used), or None."""
    total, group, last, used = 0.0, 0.0, "", 0
    previous_scale = math.inf
    i = 0
    while i < len(tokens):
        word = tokens[i]
        ordinal = False
        if word in _UNITS or word in _ORDINAL_UNITS:
            kind, value = "unit", _UNITS.get(word, _ORDINAL_UNITS.get(word, 0))
            ordinal = word in _ORDINAL_UNITS
        elif word in _TEENS or word in _ORDINAL_TEENS:
            kind, value = "teen", _TEENS.get(word, _ORDINAL_TEENS.get(word, 0))
            ordinal = word in _ORDINAL_TEENS
        elif word in _TENS or word in _ORDINAL_TENS:
            kind, value = "tens", _TENS.get(word, _ORDINAL_TENS.get(word, 0))
            ordinal = word in _ORDINAL_TENS
        elif word == "hundred":
            kind, value = "hundred", 100
        elif word in _SCALES:
            kind, value = "scale", 0
        elif (word == "and" and last in ("hundred", "scale") and i + 1 < len(tokens)
              and (tokens[i + 1] in _UNITS or tokens[i + 1] in _TEENS or tokens[i + 1] in _TENS)):
            i += 1
            continue
        else:
            break
        if kind in ("unit", "teen", "tens"):
            follows_tens = kind == "unit" and last == "tens"
            if last not in ("", "hundred", "scale") and not follows_tens:
                break
            group += value
        elif kind == "hundred":
            if last not in ("", "unit", "teen", "tens"):
                break
            group = max(group, 1) * 100
        else:
            scale = _SCALES[word]
            if scale >= previous_scale or last == "scale":
                break
            total += max(group, 1) * scale
            group, previous_scale = 0.0, scale
        last = kind
        i += 1
        used = i
        if ordinal:
            break
    if used == 0:
        return None
    return total + group, used


def _number(tokens: Sequence[str], *, words_whole: bool) -> _Number | None:
    """The number an answer starts with, or None.

    `words_whole`: a number in words counts only when it is the whole answer (for expected
    answers, so that "One Belt One Road" is not the number 1).
    """
    i = 0
    while i < len(tokens) and tokens[i] in _HEDGES:
        i += 1
    currency: tuple[str, ...] = ()
    if i < len(tokens) and tokens[i] in ("$", "€", "£"):
        currency = (_CURRENCY[tokens[i]],)
        i += 1
    negative = False
    if i < len(tokens) and tokens[i] == "minus":
        negative = True
        i += 1
    if i >= len(tokens):
        return None
    token = tokens[i]
    value: float
    if _GROUPED.fullmatch(token) or _PLAIN.fullmatch(token):
        text = token.replace(",", "")
        i += 1
        # "130 000": groups of three digits after a group of one to three
        if _SMALL_GROUP.fullmatch(token):
            while i < len(tokens) and _THREE_DIGITS.fullmatch(tokens[i]):
                text += tokens[i]
                i += 1
        value = float(text)
        multiplier = 1.0  # "1.5 million", "3 hundred thousand": growing multipliers chain
        while (i < len(tokens) and tokens[i] in _MULTIPLIERS
               and _MULTIPLIERS[tokens[i]] > multiplier):
            multiplier = _MULTIPLIERS[tokens[i]]
            value *= multiplier
            i += 1
    else:
        words = _word_number(tokens[i:])
        if words is None:
            return None
        value, used = words
        i += used
        if words_whole and i != len(tokens):
            return None
    if negative:
        value = -value
    if not math.isfinite(value):
        return None
    rest = currency + tuple(_CURRENCY.get(t, t) for t in tokens[i:])
    return _Number(value, rest)


def parse_number(text: str) -> float | None:
    """The value of an answer that is a number, possibly followed by a unit ("190,000 troops",
    "5%", "$1.5bn"); None for anything else, dates included ("11 February")."""
    number = _number(_tokens(text), words_whole=True)
    return number.value if number is not None and _unit_like(number.rest) else None


def _unit_like(rest: tuple[str, ...]) -> bool:
    """Words that may be left out next to a number: no digits, no month, at most three words."""
    return len(rest) <= 3 and not any(
        any(c.isdigit() for c in word) or word in _MONTH_NAMES for word in rest)


def _rests_match(expected: tuple[str, ...], given: tuple[str, ...]) -> bool:
    if expected == given:
        return True
    if not given:
        return _unit_like(expected)
    if not expected:
        return _unit_like(given)
    return False


def _same_number(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


# --------------------------------------------------------------------------------------------
# Typed answers


@dataclass(frozen=True, slots=True)
class _Given:
    raw: str
    normal: str
    number: _Number | None

    @classmethod
    def of(cls, text: str) -> _Given:
        tokens = _tokens(text)
        return cls(text, " ".join(tokens), _number(tokens, words_whole=False))


def _matches_exactly(candidate: str, given: _Given) -> bool:
    tokens = _tokens(candidate)
    if not tokens:  # nothing comparable left (e.g. "?!"): fall back to the bare text
        return candidate.strip().casefold() == given.raw.strip().casefold() != ""
    if " ".join(tokens) == given.normal:
        return True
    expected = _number(tokens, words_whole=True)
    return (expected is not None and given.number is not None
            and _rests_match(expected.rest, given.number.rest)
            and _same_number(expected.value, given.number.value))


def _within_tolerance(candidate: str, given: _Given, tolerance: Tolerance) -> bool:
    expected = _number(_tokens(candidate), words_whole=True)
    return (expected is not None and given.number is not None
            and _rests_match(expected.rest, given.number.rest)
            and tolerance.allows(expected.value, given.number.value))


def _format_tolerance(tolerance: Tolerance) -> str:
    amount = f"{tolerance.value:g}"
    return f"{amount}%" if tolerance.relative else amount


def _match_text(candidates: Sequence[str], given: str,
                tolerance: Tolerance | None = None) -> tuple[bool, str]:
    """Whether `given` matches one of `candidates` (the first is the answer): (right, detail)."""
    if not given.strip():
        return False, "no answer given"
    parsed = _Given.of(given)
    if any(_matches_exactly(c, parsed) for c in candidates):
        return True, ""
    if tolerance is not None:
        for candidate in candidates:
            if _within_tolerance(candidate, parsed, tolerance):
                return True, f"within {_format_tolerance(tolerance)} of {candidate.strip()}"
    return False, ""


def check_typed(card: TypedCard, given: str) -> CheckResult:
    """Right when `given` matches the answer or an `accept` alternative (see module docstring)."""
    correct, detail = _match_text((card.answer, *card.accept), given, card.tolerance)
    return _result(correct, card.answer, given, detail=detail)


# --------------------------------------------------------------------------------------------
# Cloze

_COMMA = r",(?!\d{3}(?!\d))"  # a comma that is not a thousands separator


def _split_gaps(given: str, count: int) -> list[str] | None:
    """`given` split into `count` answers: on ';', else on ',', else also on 'and'/'&'."""
    for pattern in (r";", _COMMA, rf";|{_COMMA}|\s+and\s+|&"):
        parts = [p.strip() for p in re.split(pattern, given)]
        if len(parts) == count:
            return parts
    return None


def check_cloze(card: ClozeCard, item: int, given: str) -> CheckResult:
    """Check the gaps of deletion `item`; several gaps take answers separated by ';' or ','."""
    answers = cloze_answers(card.text, item)
    if not answers:
        raise ValueError(f"card {card.id!r} has no deletion c{item}")
    expected = "; ".join(a.strip() for a in answers)
    if len(answers) == 1:
        correct, detail = _match_text((answers[0],), given)
        return _result(correct, expected, given, detail=detail)
    parts = _split_gaps(given, len(answers))
    if parts is None:
        detail = f"give {len(answers)} answers separated by ';'"
        return _result(False, expected, given, detail=detail)
    hits = sum(_match_text((answer,), part)[0] for answer, part in zip(answers, parts, strict=True))
    return _result(hits == len(answers), expected, given,
                   detail=f"{hits} of {len(answers)} gaps right")


# --------------------------------------------------------------------------------------------
# Choice, true/false, order


def check_choice(card: ChoiceCard, selected: Collection[str]) -> CheckResult:
    """Right when the selected choices are exactly the correct ones."""
    chosen, right = set(selected), set(card.answers)
    in_order = [c for c in card.choices if c in chosen] + sorted(chosen - set(card.choices))
    expected = [c for c in card.choices if c in right] + [a for a in card.answers
                                                          if a not in card.choices]
    detail = ""
    if card.multiple or len(right) > 1:
        detail = f"{len(chosen & right)} of {len(right)} right choices"
        if chosen - right:
            detail += f", {len(chosen - right)} wrong"
    return _result(chosen == right, "; ".join(expected), "; ".join(in_order), detail=detail)


def _yes_no(value: bool) -> str:
    return "True" if value else "False"


def check_truefalse(card: TrueFalseCard, given: bool) -> CheckResult:
    return _result(given == card.answer, _yes_no(card.answer), _yes_no(given))


_TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "right", "correct"})
_FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "wrong", "incorrect"})


def parse_truefalse(text: str) -> bool | None:
    """'true'/'t'/'yes'/'y'/'1' -> True, 'false'/'f'/'no'/'n'/'0' -> False, else None."""
    word = normalize_answer(text)
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return None


def check_order(card: OrderCard, given: Sequence[str]) -> CheckResult:
    """Right only when every item is in place; `in_place` counts the items that are."""
    items = card.items_in_order
    in_place = sum(a == b for a, b in zip(items, given, strict=False))
    correct = tuple(given) == items
    return _result(correct, " → ".join(items), " → ".join(given), in_place=in_place,
                   total=len(items), detail=f"{in_place} of {len(items)} in place")


def check_answer(card: Card, item: int, response: object) -> CheckResult | None:
    """Check `response` for `card` (review item `item`); None for self-graded basic cards.

    Responses: str for typed and cloze; the selected choice texts (or one text) for choice; bool
    (or 'true'/'false'/'yes'/'no' text) for true/false; the items in the user's order for order.
    """
    if isinstance(card, BasicCard):
        return None
    if isinstance(card, TypedCard):
        return check_typed(card, _expect_str(card, response))
    if isinstance(card, ClozeCard):
        return check_cloze(card, item, _expect_str(card, response))
    if isinstance(card, ChoiceCard):
        if isinstance(response, str):
            return check_choice(card, (response,))
        if isinstance(response, Collection) and all(isinstance(r, str) for r in response):
            return check_choice(card, response)
        raise TypeError(f"a choice card takes the selected choice texts, not {response!r}")
    if isinstance(card, TrueFalseCard):
        if isinstance(response, str):
            parsed = parse_truefalse(response)
            if parsed is None:
                raise ValueError(f"not true or false: {response!r}")
            response = parsed
        if not isinstance(response, bool):
            raise TypeError(f"a true/false card takes a bool, not {response!r}")
        return check_truefalse(card, response)
    if isinstance(card, OrderCard):
        if (isinstance(response, Sequence) and not isinstance(response, str)
                and all(isinstance(r, str) for r in response)):
            return check_order(card, response)
        raise TypeError(f"an order card takes the items in the user's order, not {response!r}")
    if card.type == "open":
        from briefing_quiz.core.open_answer import check_open  # it builds on this module

        return check_open(card, _expect_str(card, response))
    raise TypeError(f"unknown card type: {type(card).__name__}")


def _expect_str(card: Card, response: object) -> str:
    if not isinstance(response, str):
        raise TypeError(f"a {card.type} card takes the typed text, not {response!r}")
    return response
