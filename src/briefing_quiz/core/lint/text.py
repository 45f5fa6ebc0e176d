"""Words and phrases as the lint compares them: lower-cased tokens, with common words set apart.

Every rule compares normalised token sequences, never raw substrings: "Kiev" is not found in
"Kievan", "14,000" is the same number as "14000", and a phrase is found only on word boundaries.
Words are what `str.split` leaves once punctuation is made blank: no regular expression per
text, which is what lets the lint of a large deck stay a fraction of its parse.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = [
    "ABSOLUTE_WORDS",
    "COMMON_WORDS",
    "contains_phrase",
    "content_words",
    "is_trivial",
    "normalise",
    "stem",
    "tokens",
    "words",
]


def words(text: str) -> list[str]:
    """The blank-separated words of a word list written as one string (for the tables below)."""
    return text.split()


_words = words
# Punctuation becomes a blank, so that "Russia's" holds the word "russia"; a comma goes, so that
# "14,000" is the number 14000 (a comma between words is followed by a blank anyway).
_BLANKS: dict[int, str | None] = {ord(c): " " for c in "!\"#$%&'()*+-./:;<=>?@[\\]^_`{|}~‘’“”«»—–…·•"}
_BLANKS[ord(",")] = None

#: Words too common to carry a fact: a gap, an answer or a shared word made only of these says
#: nothing. About 250 of the most frequent English words, plus yes/no/true/false.
COMMON_WORDS: frozenset[str] = frozenset(_words("""
a about above after again against all almost along also although always am among an and another
any are around as at away back be because been before being below between both but by can cannot
could did do does doing done down during each either else enough even ever every few first for
from further get gets got had has have having he her here hers him his how however i if in into
is it its itself just last least less let like made make many may me might more most much must
my never new next no nor not now of off often old on once one only or other others our out over
own part per perhaps quite rather really said same say says see seen shall she should since so
some still such than that the their them then there these they thing things this those though
through thus to too two under until up upon us very was way we well were what when where whether
which while who whom whose why will with within without would yes yet you your true false three
four five first second third much many people time times year years day days man men world still
back good great long little right left high low big small part place case point fact group
number side end kind sort lot lots well way ways also just
"""))

#: Words that make a statement absolute: a false statement made false by one of these is guessed.
ABSOLUTE_WORDS: frozenset[str] = frozenset(_words("""
only always never all none entirely every everyone everything completely totally solely
exclusively wholly invariably absolutely nobody nothing nowhere wholly sole unanimously
"""))


def normalise(text: str) -> str:
    """`text` lower-cased, its punctuation made blanks: `.split()` of it gives its words."""
    return text.casefold().translate(_BLANKS)


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """The words of `text`, lower-cased, digit groups joined ("14,000" -> "14000")."""
    return tuple(text.casefold().translate(_BLANKS).split())


def stem(word: str) -> str:
    """A crude stem, enough to match "troops"/"troop" and "sanctions"/"sanction"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "is", "us")):
        return word[:-1]
    return word


def content_words(text: str) -> frozenset[str]:
    """The stems of the words of `text` that are not common words (or one-letter, or numbers)."""
    return frozenset(stem(w) for w in tokens(text)
                     if len(w) > 2 and w not in COMMON_WORDS and not w.isdigit())


def is_trivial(words: tuple[str, ...]) -> bool:
    """Whether an answer is too small to count when found elsewhere: nothing, only common words,
    a word of one or two letters, or a number below 100 (a count or a day, written everywhere)."""
    if not words:
        return True
    if COMMON_WORDS.issuperset(words):
        return True
    if len(words) == 1:
        word = words[0]
        return len(word) < 3 or (word.isdigit() and int(word) < 100)
    return False


def contains_phrase(haystack: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """Whether the token sequence `phrase` occurs in `haystack` on word boundaries."""
    n = len(phrase)
    if not n or n > len(haystack):
        return False
    first = phrase[0]
    start = 0
    while True:
        try:
            i = haystack.index(first, start)
        except ValueError:
            return False
        if haystack[i:i + n] == phrase:
            return True
        start = i + 1
