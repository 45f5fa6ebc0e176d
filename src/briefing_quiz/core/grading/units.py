"""The words beside a number: units and nouns must agree, qualifiers must not change the fact.

* A unit or noun the user adds must be the expected answer's ("3 weeks" is not "3 days"; "190,000
  soldiers" is "190,000 troops": both name the same kind of thing, see `_KINDS`). When the expected
  answer is a bare number, it must be the one the question asks about: "how many months" makes "3
  weeks" wrong and "3 months" right.
* Any other word the user adds must come from the question or the expected answer ("3000 U.S.
  troops" when the question asks about U.S. soldiers); "14,000 civilians" for "14,000 lives" is
  wrong, because the figure counts combatants too.
* Words may be left out next to a number ("190,000" for "190,000 troops"), unless they contain
  digits or a month, so "24" never passes for "24 February".
* When neither the expected answer nor the question names a unit, added words are not judged.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from briefing_quiz.core.grading.numbers import unit_like
from briefing_quiz.core.grading.people import NATIONALITIES

__all__ = ["asked_kind", "kind_of", "rests_agree"]


def _kinds(table: dict[str, str]) -> dict[str, str]:
    return {word: kind for kind, words in table.items() for word in words.split()}


# Words naming the same kind of thing (singular and plural, common abbreviations).
_KINDS = _kinds({
    "second": "second seconds sec secs s",
    "minute": "minute minutes min mins",
    "hour": "hour hours hr hrs h",
    "day": "day days",
    "week": "week weeks wk wks",
    "month": "month months mo mos",
    "year": "year years yr yrs",
    "decade": "decade decades",
    "troops": "troops troop soldiers soldier servicemen servicemembers personnel men forces",
    "deaths": "lives life deaths death dead killed fatalities people",
    "percent": "percent pc",
    "usd": "usd",
    "eur": "eur",
    "gbp": "gbp",
    "km": "km kilometres kilometers kilometre kilometer",
    "mile": "mile miles mi",
    "country": "country countries states nations",
    "member": "member members allies ally",
})
# Words that never change a figure's meaning after it.
_NEUTRAL = frozenset({"long", "in", "total", "altogether", "or", "so", "approximately", "roughly",
                      "about", "around", "some", "service", "military", "lost", "of", "and"})
# Words that end the noun phrase after "how many" ("how many U.S. troops were ...").
_ASK_STOP = frozenset({"did", "do", "does", "had", "has", "have", "were", "was", "is", "are",
                       "would", "will", "could", "can", "should", "in", "of", "to", "for", "on",
                       "at", "from", "by", "that", "which", "according", "as", "?"})
_ASK_STARTS = (("how", "many"), ("how", "much"), ("number", "of"), ("what", "year"),
               ("which", "year"), ("how", "long"), ("what", "date"), ("which", "date"))


def kind_of(word: str) -> str | None:
    """The kind a unit word names ("hrs" -> "hour"), or None for other words."""
    return _KINDS.get(word)


def asked_kind(question: Sequence[str]) -> str | None:
    """The unit a question asks for: the noun after "how many" ("how many months" -> "month"),
    "year" for "what year", "date" for "what date"; a noun without a known kind stands for
    itself ("=conversation")."""
    for i in range(len(question) - 1):
        pair = (question[i], question[i + 1])
        if pair not in _ASK_STARTS:
            continue
        if pair[1] in ("year", "date"):
            return pair[1]
        if pair[1] == "long":
            return None
        head: str | None = None
        for word in question[i + 2:i + 7]:
            if word in _ASK_STOP:
                break
            kind = kind_of(word)
            if kind is not None:
                return kind
            head = word
        return None if head is None else "=" + head.removesuffix("s")
    return None


def _word_kind(word: str) -> str:
    return kind_of(word) or "=" + word.removesuffix("s")


def _expected_kind(rest: Sequence[str]) -> str | None:
    """The kind the expected answer's words name: the last unit word, else its last word."""
    for word in reversed(rest):
        if kind_of(word) is not None:
            return kind_of(word)
    return _word_kind(rest[-1]) if rest else None


def rests_agree(expected: tuple[str, ...], given: tuple[str, ...], *,
                asked: str | None = None, question: Collection[str] = (),
                sides: Collection[str] = ()) -> bool:
    """Whether the words after the user's number fit the expected ones (see the module docstring).

    `asked`: the kind the question asks for (`asked_kind`); `question`: the question's words;
    `sides`: the nationalities it asks about (`people.asked_nationalities`), the only ones allowed.
    """
    if expected == given:
        return True
    if not given:
        return unit_like(expected)
    if not unit_like(given[:3]) or not unit_like(given[3:]) or len(given) > 6:
        return False
    if expected and not unit_like(expected):
        return False
    target = _expected_kind(expected) if expected else asked
    for word in given:
        kind = kind_of(word)
        if target is not None and _word_kind(word) == target:
            continue
        if kind is not None and target is not None:
            return False  # another unit: "3 weeks" for three months
        if sides and word in NATIONALITIES and word not in sides and word not in expected:
            return False  # "130,000 Ukrainian troops" where the question asks for Russian ones
        if word in expected or word in _NEUTRAL or word in question:
            continue
        if target is not None:
            return False  # a qualifier nobody asked about: "14,000 civilians"
    return True
