"""What every compared answer goes through first: folding and tokenising.

Forgiven here, because none of it changes the answer: letter case, accents, surrounding punctuation
and spaces, unicode quote and dash variants, dots in abbreviations ("U.S." = "US"), hyphens
("Minsk-II" = "Minsk II"), "&" for "and", a leading "a"/"an"/"the", month abbreviations ("Feb" =
"February") and the order of day and month ("February 11" = "11 February" = "Feb 11th").
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MONTH_NAMES", "MONTH_NUMBER", "WEEKDAYS", "normalize_answer", "tokens"]

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
MONTH_NAMES = frozenset(_MONTHS.values())
MONTH_NUMBER = {name: i for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
#: Weekday names and abbreviations -> 0 (Monday) .. 6, as `datetime.date.weekday()` counts.
WEEKDAYS = {name: i for i, names in enumerate((
    ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"),
    ("thursday", "thu", "thur", "thurs"), ("friday", "fri"), ("saturday", "sat"),
    ("sunday", "sun"))) for name in names}
_DAY = re.compile(r"(?:[1-9]|[12]\d|3[01])")


def _fold(text: str) -> str:
    """Case, accents and character variants folded; what is left is compared."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return folded.translate(_CHAR_MAP)


def tokens(text: str) -> list[str]:
    """The comparable words of `text` (see the module docstring)."""
    folded = _fold(text).replace("&", " and ").replace("%", " percent ")
    folded = _INNER_APOSTROPHE.sub("", _ABBREVIATION_DOT.sub("", folded))
    out: list[str] = []
    for match in _TOKEN.finditer(folded):
        kind = match.lastgroup
        if kind == "num":
            out.append(match.group("num").removeprefix("+"))
        elif kind == "word":
            word = match.group("word")
            if word == "cent" and out and out[-1] == "per":
                out[-1] = "percent"
            else:
                out.append(_MONTHS.get(word, word))
        elif unicodedata.category(match.group())[0] == "S":  # $, €, +, °: they carry meaning
            out.append(match.group())
    while len(out) > 1 and out[0] in _ARTICLES:
        del out[0]
    return _day_before_month(out)


def _day_before_month(words: list[str]) -> list[str]:
    """'february 11' -> '11 february', unless the month already follows a day ('3 march 11').

    Repeated until nothing changes (each swap moves a day left, so this ends), which makes
    normalisation idempotent even for odd inputs like 'may may 5'.
    """
    out = list(words)
    changed = True
    while changed:
        changed = False
        for i in range(len(out) - 1):
            if (out[i] in MONTH_NAMES and _DAY.fullmatch(out[i + 1])
                    and not (i > 0 and _DAY.fullmatch(out[i - 1]))):
                out[i], out[i + 1] = out[i + 1], out[i]
                changed = True
    return out


def normalize_answer(text: str) -> str:
    """The comparable form of an answer: folded, tokenised and joined by single spaces."""
    return " ".join(tokens(text))
