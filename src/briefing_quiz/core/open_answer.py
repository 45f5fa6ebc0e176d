"""Checking an answer written in one's own words (`open` cards) for the points it must make.

A point is made when the answer contains one of its phrases (`OpenPoint.terms`), read forgivingly:

* case, accents and punctuation do not count, nor hyphens ("climb-down" = "climb down") or
  thousands separators ("130,000" = "130000");
* inflection does not count: words are compared by their English Snowball stem ("painted" =
  "painting", "sanctions" = "sanctioned"), a place by its people ("Ukrainian" = "Ukraine",
  "Russian" = "Russia"), and one reflexive pronoun as another ("trapped itself" = "trapped
  himself": the Kremlin or Putin);
* word order and small words do not count: a phrase matches when the stems of its content words
  (all but the small words of `SMALL_WORDS`) all occur within one sentence of the answer, no
  further apart than about twice the phrase's length ("a corner the Kremlin painted itself into"
  makes "painted into a corner"), except a phrase of one content word and small words ("for
  show", "boxed in", "at once"): its small words make its sense, so all its words must be there,
  in order, with at most two small words between two of them ("boxed itself in" makes "boxed
  in", "showed" does not make "for show", nor "in a box" "boxed in");
* a negation up to five words before the phrase, small words not counted (or inside the words it
  matched), means the point was not made: "not about NATO" does not make "about NATO", nor "does
  not want Ukraine in its sphere of influence" "sphere of influence". The negations are "no",
  "not", "n't", "never", "neither", "nor", "without", "nothing", "none", "nobody", "hardly",
  "rather than" and "instead of"; a clause break (",", ";", ":", "but", "yet", "while") ends
  their reach, "not only" / "not just" are no negation, and a negation followed by "hesitate",
  "fail" or "doubt" is undone ("did not hesitate to impose sanctions"). A negated verb whose
  object is the point ("does not accept that Kyiv has the right to choose") reads as negated:
  the deck gives such phrasings as terms. A phrase that itself holds a negation ("not about
  membership") is matched with it, and then no negation check applies.

Nothing here guesses at spelling mistakes, synonyms or meaning beyond the deck's own phrases: an
author gives several phrasings of a point. Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from fsrs import Rating

from briefing_quiz.core.grading import CheckResult
from briefing_quiz.core.model import OpenCard, OpenPoint

__all__ = [
    "ARTICLES",
    "SMALL_WORDS",
    "PointVerdict",
    "check_open",
    "phrase_found",
    "stem",
    "suggested_grade",
    "term_words",
    "verdicts",
]

#: Words a phrase may leave out, or an answer add, without changing the point.
SMALL_WORDS = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "at", "for", "by", "with", "from", "into", "onto",
    "upon", "as", "than", "then", "that", "this", "these", "those", "it", "its", "is", "are", "was",
    "were", "be", "been", "being", "am", "do", "does", "did", "has", "have", "had", "having",
    "will", "would", "shall", "should", "can", "could", "may", "might", "must", "i", "you", "he",
    "she", "we", "they", "them", "his", "her", "our", "their", "your", "my", "me", "us", "him",
    "itself", "themselves", "himself", "herself", "oneself", "myself", "yourself", "yourselves",
    "ourselves", "and", "or", "so", "such", "there", "here", "what", "which", "who",
    "whom", "whose", "about", "over", "also", "just", "very", "really"
})

#: Reflexive pronouns compare alike: "trapped itself" = "trapped himself" (the Kremlin or Putin).
_REFLEXIVES = frozenset({"itself", "himself", "herself", "themselves", "oneself", "myself",
                         "yourself", "yourselves", "ourselves"})

#: Small words that never change a phrase's sense.
ARTICLES = frozenset({"a", "an", "the"})

_NEGATIONS = frozenset({"no", "not", "never", "neither", "nor", "without", "nothing", "none",
                        "nobody", "hardly"})
#: Two-word negations (the second word, keyed by the first).
_NEGATION_PAIRS = {"rather": "than", "instead": "of"}
#: After "not", these make no negation: "not only NATO but Ukraine".
_NOT_NEGATING = frozenset({"only", "just", "merely", "simply", "solely", "least"})
#: Words that end a negation's reach, as a clause break does.
_CLAUSE_WORDS = frozenset({"but", "yet", "while", "whereas", "although", "though", "however"})
#: After a negation, these undo it: "did not hesitate to impose sanctions", "no doubt".
_UNDOING = frozenset({"hesit", "fail", "doubt"})  # stems
#: How many words before a phrase a negation reaches, small words not counted ("does not want
#: Ukraine in its sphere of influence": 2).
NEGATION_REACH = 5

_BREAK = ","  # a clause break, as a token
_CHAR_MAP = str.maketrans({
    **{c: "'" for c in "‘’‚‛′`´ʼ"},
    **{c: " " for c in "‐‑‒–—―−-/"},
    "ø": "o", "ł": "l", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th",
})
_CONTRACTION = re.compile(r"(?<=[a-z])n't\b")
_THOUSANDS = re.compile(r"(?<=\d)[, ](?=\d{3}\b)")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n|[.!?]+$")
_WORD = re.compile(r"[^\W_]+|[,;:()]")


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c)).translate(_CHAR_MAP)
    folded = _CONTRACTION.sub(" not", folded)
    return _THOUSANDS.sub("", folded.replace("'s ", " ").replace("'", ""))


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import snowballstemmer  # type: ignore[import-untyped]  # on first use: open cards only

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    if not word.isalpha():
        return word
    if word in _REFLEXIVES:
        return "itself"
    # A place and its people: "Ukrainian" = "Ukraine", "Russian" = "Russia" (Snowball keeps them
    # apart). Long words only, so that few other words lose an ending.
    if len(word) >= 6 and word.endswith("ian"):
        word = word[:-3]
    elif len(word) >= 5 and word.endswith("ia"):
        word = word[:-2]
    return str(_stemmer().stemWord(word))  # type: ignore[attr-defined]


def stem(word: str) -> str:
    """The English stem of one folded word, as phrases and answers are compared."""
    return _stem(_fold(word).strip())


def _sentences(text: str) -> list[list[str]]:
    """The answer as sentences of words, with "," standing for every clause break."""
    out: list[list[str]] = []
    for sentence in _SENTENCE_END.split(_fold(text)):
        words = [_BREAK if w in ",;:()" else w for w in _WORD.findall(sentence)]
        if words:
            out.append(words)
    return out


def term_words(term: str) -> list[str]:
    """The words of a term as the checker reads them (folded, contractions and hyphens split)."""
    return [w for sentence in _sentences(term) for w in sentence if w != _BREAK]


@dataclass(frozen=True, slots=True)
class _Phrase:
    """One term, ready to match: the stems of its content words (distinct, in order), how many
    words it has in all, and whether it holds a negation of its own."""

    stems: tuple[str, ...]
    length: int
    negated: bool
    #: A phrase of one content word and some small words ("for show", "boxed in") means what
    #: its small words make of it: all its words, in order, side by side. Else None.
    exact: tuple[str, ...] | None = None


@lru_cache(maxsize=4096)
def _phrase(term: str) -> _Phrase:
    words = term_words(term)
    content = [w for w in words if w not in SMALL_WORDS] or words
    stems = tuple(dict.fromkeys(_stem(w) for w in content))
    # "the crisis" is "crisis"; "for show" is not "show"
    sense = [w for w in words if w in SMALL_WORDS and w not in ARTICLES]
    exact = (tuple(_stem(w) for w in words if w not in ARTICLES)
             if len(content) == 1 and sense and content != words else None)
    return _Phrase(stems, len(words), any(w in _NEGATIONS for w in words), exact)


def _is_negation(words: Sequence[str], i: int) -> bool:
    word = words[i]
    if word in _NEGATIONS:
        after = words[i + 1] if i + 1 < len(words) else ""
        return not (word == "not" and after in _NOT_NEGATING) and _stem(after) not in _UNDOING
    second = _NEGATION_PAIRS.get(word)
    return second is not None and i + 1 < len(words) and words[i + 1] == second


def _negated(words: Sequence[str], start: int, end: int) -> bool:
    """Whether a negation reaches the words `start`..`end` (inclusive): within them, or up to
    `NEGATION_REACH` words (small words not counted) before them in the same clause."""
    if any(_is_negation(words, i) for i in range(start, end + 1)):
        return True
    i, seen = start - 1, 0
    while i >= 0 and seen < NEGATION_REACH:
        word = words[i]
        if word == _BREAK or word in _CLAUSE_WORDS:
            return False
        if _is_negation(words, i):  # "rather than X" too: its first word is two before X
            return True
        seen += word not in SMALL_WORDS  # "not want Ukraine in its sphere": small words are free
        i -= 1
    return False


def _found_in(words: Sequence[str], stems: Sequence[str], phrase: _Phrase) -> bool:
    """Whether one sentence (its words and their stems) holds the phrase, not negated."""
    if phrase.exact is not None:
        for start in range(len(stems)):
            end = _in_order(words, stems, start, phrase.exact)
            if end is not None and (phrase.negated or not _negated(words, start, end)):
                return True
        return False
    wanted = set(phrase.stems)
    window = max(2 * phrase.length, phrase.length + 2)
    for start, stem in enumerate(stems):
        if stem not in wanted:
            continue
        missing = set(wanted)
        for end in range(start, min(len(stems), start + window)):
            missing.discard(stems[end])
            if not missing:
                if phrase.negated or not _negated(words, start, end):
                    return True
                break
    return False


def _in_order(words: Sequence[str], stems: Sequence[str], start: int,
              wanted: Sequence[str]) -> int | None:
    """The index of the last word when `wanted` stems follow each other from `start`, with at
    most two small words between two of them ("boxed itself in"); else None."""
    i = start
    for number, stem_ in enumerate(wanted):
        skipped = 0
        while number and i < len(stems) and stems[i] != stem_ and words[i] in SMALL_WORDS \
                and skipped < 2:
            i, skipped = i + 1, skipped + 1
        if i >= len(stems) or stems[i] != stem_:
            return None
        i += 1
    return i - 1


def phrase_found(answer: str, term: str) -> bool:
    """Whether `answer` contains `term` in the forgiving sense of this module."""
    return _point_made(_prepared(answer), (term,)) is not None


_Prepared = list[tuple[list[str], list[str]]]


def _prepared(answer: str) -> _Prepared:
    return [(words, [_stem(w) for w in words]) for words in _sentences(answer)]


def _point_made(sentences: _Prepared, terms: Sequence[str]) -> str | None:
    """The first of `terms` the answer holds, or None."""
    for term in terms:
        phrase = _phrase(term)
        if not phrase.stems:
            continue
        for words, stems in sentences:
            if _found_in(words, stems, phrase):
                return term
    return None


@dataclass(frozen=True, slots=True)
class PointVerdict:
    """One point of the card: made or missed, and the term that showed it was made."""

    label: str
    made: bool
    term: str | None = None


def verdicts(points: Sequence[OpenPoint], answer: str) -> tuple[PointVerdict, ...]:
    """Each point of `points`, made or missed by `answer`, in the card's order."""
    sentences = _prepared(answer)
    out = []
    for point in points:
        term = _point_made(sentences, point.terms)
        out.append(PointVerdict(point.label, term is not None, term))
    return tuple(out)


def suggested_grade(made: int, needed: int) -> Rating:
    """Good when `needed` points are made, Hard when at least half of them, else Again."""
    if made >= needed:
        return Rating.Good
    if 2 * made >= needed and made > 0:
        return Rating.Hard
    return Rating.Again


def check_open(card: OpenCard, given: str) -> CheckResult:
    """The verdict on an answer to an open card: `in_place` counts the points made, `total` the
    points, `points` says which; right when `card.min_points` are made (the grade is suggested,
    the user's grade wins, as for every type)."""
    found = verdicts(card.points, given)
    made = sum(v.made for v in found)
    needed = card.min_points
    need = "" if needed == len(found) else f", {needed} needed"
    return CheckResult(made >= needed, card.answer, given, suggested_grade(made, needed),
                       in_place=made, total=len(found),
                       detail=f"{made} of {len(found)} points made{need}",
                       points=tuple((v.label, v.made) for v in found))
