"""Typed answers and cloze gaps: the rules of the other modules applied to one answer.

The given answer is tried as written, then without a leading word the question itself uses ("in
2014" for "In what year...", "after 1997" for "after which year"; "in", "on", "the" always), then
without titles before a name. Each form is compared with the answer and each `accept` alternative:
as text, as a date, as a year, and as a number with its unit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from briefing_quiz.core.cloze import cloze_answers, parse_cloze, render_cloze
from briefing_quiz.core.grading.dates import (
    Date,
    context_year,
    in_year,
    parse_date,
    same_date,
    year_of,
)
from briefing_quiz.core.grading.normalise import tokens
from briefing_quiz.core.grading.numbers import Number, leading_number, same_number
from briefing_quiz.core.grading.people import asked_nationalities, strip_titles
from briefing_quiz.core.grading.result import CheckResult, result
from briefing_quiz.core.grading.units import asked_kind, kind_of, rests_agree
from briefing_quiz.core.model import ClozeCard, Tolerance, TypedCard

__all__ = ["Context", "check_cloze", "check_typed", "question_context"]

# Words in front of an answer that the question's own wording makes redundant.
_LEADING = frozenset({"in", "on", "after", "since", "by", "from", "until", "till", "before",
                      "during", "for", "at", "of", "the", "year"})
_ALWAYS_LEADING = frozenset({"in", "on", "the"})


@dataclass(frozen=True, slots=True)
class Context:
    """What the question tells the checker: its words, the unit it asks for, its year."""

    words: frozenset[str]
    asked: str | None
    year: int | None
    nationalities: frozenset[str]


@lru_cache(maxsize=512)  # one per card shown; the question's words are read once, not per answer
def question_context(question: str, deck_year: int | None = None) -> Context:
    """The context of `question`; its year is the one it names next to a month, else `deck_year`."""
    words = tokens(question)
    year = context_year(words)
    return Context(frozenset(words), asked_kind(words), year if year is not None else deck_year,
                   asked_nationalities(words))



@dataclass(frozen=True, slots=True)
class _Form:
    """One reading of the given answer, with what it parses as."""

    words: tuple[str, ...]
    number: Number | None
    date: Date | None


def _forms(given: str, context: Context) -> list[_Form]:
    words = tuple(tokens(given))
    readings = [words]
    i = 0
    while (i < len(words) - 1 and words[i] in _LEADING
           and (words[i] in context.words or words[i] in _ALWAYS_LEADING)):
        i += 1
    if i:
        readings.append(words[i:])
    untitled = strip_titles(readings[-1], context.nationalities)
    if untitled != readings[-1]:
        readings.append(untitled)
    return [_Form(r, leading_number(r, words_whole=False), parse_date(r)) for r in readings]


@dataclass(frozen=True, slots=True)
class _Given:
    raw: str
    forms: list[_Form]


@dataclass(frozen=True, slots=True)
class _Expected:
    """An expected answer, read once: its words, and what it parses as."""

    words: tuple[str, ...]
    texts: frozenset[tuple[str, ...]]  # its words, with and without a title in front
    date: Date | None
    year: int | None
    number: Number | None


@lru_cache(maxsize=2048)  # the answers of the cards in play; read again at every answer otherwise
def _expected(candidate: str) -> _Expected:
    words = tuple(tokens(candidate))
    return _Expected(words, frozenset({words, strip_titles(words, nationalities=False)}),
                     parse_date(words), year_of(words), leading_number(words, words_whole=True))


def _matches_exactly(candidate: str, given: _Given, context: Context) -> bool:
    expected = _expected(candidate)
    if not expected.words:  # nothing comparable left (e.g. "?!"): fall back to the bare text
        return candidate.strip().casefold() == given.raw.strip().casefold() != ""
    if any(form.words in expected.texts for form in given.forms):
        return True
    date, number = expected.date, expected.number
    year = expected.year if context.asked in (None, "year") else None  # not "how many troops"
    for form in given.forms:
        if form.date is not None:
            if date is not None and same_date(date, form.date, context.year):
                return True
            if year is not None and in_year(year, form.date):
                return True
        if (number is not None and form.number is not None
                and same_number(number.value, form.number.value)
                and rests_agree(number.rest, form.number.rest, asked=context.asked,
                                question=context.words, sides=context.nationalities)):
            return True
    return False


def _within_tolerance(candidate: str, given: _Given, tolerance: Tolerance,
                      context: Context) -> bool:
    expected = _expected(candidate).number
    return expected is not None and any(
        form.number is not None
        and rests_agree(expected.rest, form.number.rest, asked=context.asked,
                        question=context.words, sides=context.nationalities)
        and tolerance.allows(expected.value, form.number.value)
        for form in given.forms)


def _format_tolerance(tolerance: Tolerance) -> str:
    amount = f"{tolerance.value:g}"
    return f"{amount}%" if tolerance.relative else amount


def _match_text(candidates: Sequence[str], given: str, context: Context,
                tolerance: Tolerance | None = None) -> tuple[bool, str]:
    """Whether `given` matches one of `candidates` (the first is the answer): (right, detail)."""
    if not given.strip():
        return False, "no answer given"
    parsed = _Given(given, _forms(given, context))
    if any(_matches_exactly(c, parsed, context) for c in candidates):
        return True, ""
    if tolerance is not None:
        for candidate in candidates:
            if _within_tolerance(candidate, parsed, tolerance, context):
                return True, f"within {_format_tolerance(tolerance)} of {candidate.strip()}"
    return False, ""


def check_typed(card: TypedCard, given: str, *, context_year: int | None = None) -> CheckResult:
    """Right when `given` matches the answer or an `accept` alternative (see the package
    docstring); `context_year` is the deck's year, used when the question names none."""
    context = question_context(card.question, context_year)
    correct, detail = _match_text((card.answer, *card.accept), given, context, card.tolerance)
    return result(correct, card.answer, given, detail=detail)


def _gap_context(context: Context, after: str) -> Context:
    """A gap's context: a unit right after it is the unit asked ("{{c1::14,000}} lives")."""
    following = tokens(after)[:1]
    kind = kind_of(following[0]) if following else None
    return context if kind is None else replace(context, asked=kind)


_COMMA = r",(?!\d{3}(?!\d))"  # a comma that is not a thousands separator


def _split_gaps(given: str, count: int) -> list[str] | None:
    """`given` split into `count` answers: on ';', else on ',', else also on 'and'/'&'."""
    for pattern in (r";", _COMMA, rf";|{_COMMA}|\s+and\s+|&"):
        parts = [p.strip() for p in re.split(pattern, given)]
        if len(parts) == count:
            return parts
    return None


def check_cloze(card: ClozeCard, item: int, given: str, *,
                context_year: int | None = None) -> CheckResult:
    """Check the gaps of deletion `item`; several gaps take answers separated by ';' or ','.

    The text around the gaps, as the user sees it, is the question (for units and years)."""
    answers = cloze_answers(card.text, item)
    if not answers:
        raise ValueError(f"card {card.id!r} has no deletion c{item}")
    context = question_context(render_cloze(card.text, item), context_year)
    gaps = [_gap_context(context, card.text[d.end:d.end + 40])
            for d in parse_cloze(card.text) if d.number == item]
    expected = "; ".join(a.strip() for a in answers)
    variants = card.accepted(item)  # the deck's right variants for the gaps of this number
    if len(answers) == 1:
        correct, detail = _match_text((answers[0], *variants), given, gaps[0])
        return result(correct, expected, given, detail=detail)
    parts = _split_gaps(given, len(answers))
    if parts is None:
        detail = f"give {len(answers)} answers separated by ';'"
        return result(False, expected, given, detail=detail)
    hits = sum(_match_text((answer, *variants), part, gap)[0]
               for answer, part, gap in zip(answers, parts, gaps, strict=True))
    return result(hits == len(answers), expected, given,
                  detail=f"{hits} of {len(answers)} gaps right")

