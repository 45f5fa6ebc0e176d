"""Which sentences of a deck's source its cards quote, and the facts of those they do not.

A sentence is covered when some card's `source` quote (any of its verbatim parts, compared as
`core/evidence.py` folds them) lies within it or contains it. Parts shorter than
`MIN_PART` characters cover nothing (a quoted "NATO" does not cover every sentence naming it).
The figure is the share of fact-bearing sentences covered: a sentence without a number, date or
name (and a Markdown heading, a title rather than a statement) is listed but not counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from briefing_quiz.core.evidence import fold, quote_parts
from briefing_quiz.core.facts import Fact, find_facts, lower_words
from briefing_quiz.core.sentences import split_sentences

__all__ = ["Coverage", "SentenceCoverage", "measure_coverage"]

MIN_PART = 12


@dataclass(frozen=True, slots=True)
class SentenceCoverage:
    """One sentence of the source: its line, its text, whether a card quotes it, and its facts."""

    line: int
    text: str
    covered: bool
    facts: tuple[Fact, ...]


@dataclass(frozen=True, slots=True)
class Coverage:
    """Every sentence of a source, in order, and the share of the fact-bearing ones covered."""

    sentences: tuple[SentenceCoverage, ...]

    @property
    def fact_bearing(self) -> int:
        return sum(bool(s.facts) for s in self.sentences)

    @property
    def covered(self) -> int:
        return sum(bool(s.facts) and s.covered for s in self.sentences)

    @property
    def percent(self) -> float | None:
        """Covered fact-bearing sentences, in percent (None: the source has no fact at all)."""
        return 100 * self.covered / self.fact_bearing if self.fact_bearing else None


def measure_coverage(text: str, quotes: Iterable[str]) -> Coverage:
    """The coverage of source `text` by the card quotes `quotes`."""
    parts = {part for quote in quotes for part in quote_parts(quote)}
    common = lower_words(text)
    out: list[SentenceCoverage] = []
    for sentence in split_sentences(text):
        folded = fold(sentence.text)[0]
        covered = any(((len(part) >= MIN_PART or part == folded) and part in folded)
                      or folded in part for part in parts)
        facts = () if sentence.heading else tuple(find_facts(sentence.text, common))
        out.append(SentenceCoverage(sentence.line, sentence.text, covered, facts))
    return Coverage(tuple(out))
