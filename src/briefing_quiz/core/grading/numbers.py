"""Numbers, compared by value when the expected answer starts with one.

* "130,000" = "130000" = "130 000" = "130k" = "130 thousand" = "130K"; "1.5m" = "1.5 million" =
  1,500,000; "bn"/"billion" and "tn"/"trillion" too ("m" is always million, never metres);
* "." is always the decimal point: "130.000" is 130, not 130,000, and "1,5" (a comma not followed by
  exactly three digits) is no number at all; a deck that wants those adds them to `accept`;
* small numbers and ordinals in words: "five", "twenty-one", "one hundred thousand", "third" = "3rd"
  = 3; "about"/"around"/"roughly"/"some"/"~" before a number are ignored.

What may follow the number (a unit, a noun) is judged in `units`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from briefing_quiz.core.grading.normalise import MONTH_NAMES, tokens

__all__ = ["Number", "leading_number", "parse_number", "same_number", "unit_like"]

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
class Number:
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


def leading_number(tokens: Sequence[str], *, words_whole: bool) -> Number | None:
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
    return Number(value, rest)


def parse_number(text: str) -> float | None:
    """The value of an answer that is a number, possibly followed by a unit ("190,000 troops",
    "5%", "$1.5bn"); None for anything else, dates included ("11 February")."""
    number = leading_number(tokens(text), words_whole=True)
    return number.value if number is not None and unit_like(number.rest) else None


def unit_like(rest: tuple[str, ...]) -> bool:
    """Words that may be left out next to a number: no digits, no month, at most three words."""
    return len(rest) <= 3 and not any(
        any(c.isdigit() for c in word) or word in MONTH_NAMES for word in rest)


def same_number(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
