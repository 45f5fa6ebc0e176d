"""Coverage of a source by a deck's quotes, and the facts found in its sentences."""

from __future__ import annotations

import pytest

from briefing_quiz.core.coverage import measure_coverage
from briefing_quiz.core.facts import find_facts, lower_words
from briefing_quiz.core.sentences import split_sentences

MEMO = """# Situation on 14 February

The memo was written on a quiet Friday.
Some 130,000 troops were massed near the border. The talks in Geneva ended without agreement.

- President Biden spoke to Putin on February 12.
- The Ministry of Defence said 45% of its 2,400 staff had left.
"""


def test_sentences_are_verbatim_slices_with_their_lines() -> None:
    found = split_sentences(MEMO)
    assert [(s.line, s.text) for s in found] == [
        (1, "Situation on 14 February"),  # a heading
        (3, "The memo was written on a quiet Friday."),
        (4, "Some 130,000 troops were massed near the border."),
        (4, "The talks in Geneva ended without agreement."),
        (6, "President Biden spoke to Putin on February 12."),
        (7, "The Ministry of Defence said 45% of its 2,400 staff had left."),
    ]
    assert all(MEMO[s.start:s.start + len(s.text)] == s.text for s in found)
    assert [s.heading for s in found] == [True, False, False, False, False, False]


@pytest.mark.parametrize(("sentence", "facts"), [
    ("Some 130,000 troops were massed near the border.", [("number", "130,000")]),
    ("The talks in Geneva ended without agreement.", [("place", "Geneva")]),
    ("President Biden spoke to Putin on February 12.",
     [("person", "President Biden"), ("name", "Putin"), ("date", "February 12")]),
    ("The Ministry of Defence said 45% of its 2,400 staff had left.",
     [("org", "Ministry of Defence"), ("number", "45%"), ("number", "2,400")]),
    ("As the crisis between Russia and NATO and Ukraine grew, the U.S. sent two envoys.",
     [("place", "Russia"), ("org", "NATO"), ("place", "Ukraine"), ("org", "U.S."),
      ("number", "two")]),
    ("Dr. Jane Goodall said in 1960 that mid-June 2001 was late.",
     [("person", "Dr. Jane Goodall"), ("date", "1960"), ("date", "mid-June 2001")]),
    ("The memo was written on a quiet day.", []),
    ("The [report](https://example.org/r?id=2024) says 45% at www.Example.org/7.",
     [("number", "45%")]),
])
def test_facts_of_a_sentence(sentence: str, facts: list[tuple[str, str]]) -> None:
    assert [(f.kind, f.text) for f in find_facts(sentence)] == facts


def test_a_sentence_opener_the_text_writes_in_lower_case_is_no_name() -> None:
    text = "Talks went on. the talks were long."
    assert find_facts("Talks went on.", lower_words(text)) == []


def test_coverage_marks_quoted_sentences_and_counts_fact_bearing_ones() -> None:
    found = measure_coverage(MEMO, [
        "Some 130,000 troops … near the border",
        "President Biden spoke to Putin",
        "NATO",  # too short to cover anything
    ])
    covered = {s.text: s.covered for s in found.sentences}
    assert covered["Some 130,000 troops were massed near the border."]
    assert covered["President Biden spoke to Putin on February 12."]
    assert not covered["The talks in Geneva ended without agreement."]
    # "a quiet Friday" is a date too; the heading is a title, not counted.
    assert found.fact_bearing == 5
    assert not found.sentences[0].facts
    assert found.covered == 2
    assert found.percent == pytest.approx(100 * 2 / 5)
    assert measure_coverage("Nothing here is a fact.", []).percent is None


def test_a_long_paragraph_is_cut_for_the_splitter_and_gives_the_same_sentences(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """pysbd's time grows with the square of what it is given (a 250 KB paragraph took minutes
    in `coverage` and `draft`): a block is given to it in pieces of about 2,000 characters, cut
    where a sentence ends, and the sentences are those of the whole paragraph."""
    from briefing_quiz.core import sentences

    words = ["NATO", "Moscow", "Kyiv", "the U.S. Army", "Mr. Biden", "Feb. 14", "3.5 percent"]
    paragraph = " ".join(f"Sentence {n} names {words[n % len(words)]} and ends here."
                         for n in range(300))
    assert len(paragraph) > 5 * sentences._PIECE
    segmenter = sentences._segmenter()
    expected = [paragraph[span.start:span.end].strip()
                for span in segmenter.segment(paragraph)]
    given: list[int] = []
    real = segmenter.segment

    def recording(text: str) -> object:
        given.append(len(text))
        return real(text)

    monkeypatch.setattr(segmenter, "segment", recording)
    assert [s.text for s in split_sentences(paragraph)] == expected
    assert max(given) <= sentences._PIECE and len(given) > 5
