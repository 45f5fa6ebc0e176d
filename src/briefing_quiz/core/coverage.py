"""Which sentences of a deck's source its cards quote, and the facts of those they do not.

A sentence is covered when some card's `source` quote (any of its verbatim parts, compared as
`core/evidence.py` folds them) lies within it or contains it. Parts shorter than
`MIN_PART` characters cover nothing (a quoted "NATO" does not cover every sentence naming it).
The figure is the share of fact-bearing sentences covered: a sentence without a number, date or
name (and a Markdown heading, a title rather than a statement) is listed but not counted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from briefing_quiz.core.evidence import fold, quote_parts
from briefing_quiz.core.facts import Fact, find_facts, lower_words
from briefing_quiz.core.sentences import split_sentences

__all__ = ["Coverage", "SentenceCoverage", "covered_plainly", "measure_coverage"]

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
    sentences = split_sentences(text)
    folded = [fold(sentence.text)[0] for sentence in sentences]
    covered = _covered(folded, parts)
    out: list[SentenceCoverage] = []
    for sentence, quoted in zip(sentences, covered, strict=True):
        facts = () if sentence.heading else tuple(find_facts(sentence.text, common))
        out.append(SentenceCoverage(sentence.line, sentence.text, quoted, facts))
    return Coverage(tuple(out))


def covered_plainly(sentence: str, parts: Collection[str]) -> bool:
    """The rule, for one folded sentence: a part at least `MIN_PART` long (or the whole
    sentence) lies in it, or it lies in a part. (`_covered` gives the same for every sentence at
    once; tests compare the two.)"""
    return any(((len(part) >= MIN_PART or part == sentence) and part in sentence)
               or sentence in part for part in parts)


def _covered(sentences: list[str], parts: Collection[str]) -> list[bool]:
    """`covered_plainly` of each folded sentence, in time linear in the text and the quotes:
    asking every part of every sentence took 18 s for a 160,000-word draft. Parts and sentences
    are indexed by their first `MIN_PART` characters, so each place in a sentence (or a part)
    is looked up once."""
    by_prefix: dict[str, list[str]] = {}
    short_parts: set[str] = set()
    for part in parts:
        if len(part) >= MIN_PART:
            by_prefix.setdefault(part[:MIN_PART], []).append(part)
        else:
            short_parts.add(part)
    out = [False] * len(sentences)
    long_sentences: dict[str, list[int]] = {}
    for index, sentence in enumerate(sentences):
        if sentence in short_parts:  # a short part covers only the sentence it is
            out[index] = True
        elif len(sentence) >= MIN_PART:
            long_sentences.setdefault(sentence[:MIN_PART], []).append(index)
            out[index] = any(
                sentence.startswith(part, at)
                for at in range(len(sentence) - MIN_PART + 1)
                for part in by_prefix.get(sentence[at:at + MIN_PART], ()))
    # A sentence within a part: look up each place of each part among the sentences' starts.
    for part in parts:
        for at in range(len(part) - MIN_PART + 1):
            for index in long_sentences.get(part[at:at + MIN_PART], ()):
                if not out[index] and part.startswith(sentences[index], at):
                    out[index] = True
    joined = "\x00".join(parts)
    for index, sentence in enumerate(sentences):
        if not out[index] and len(sentence) < MIN_PART and sentence in joined:
            out[index] = True
    return out
