"""Coverage of a source by a deck's quotes, and the facts found in its sentences."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing_quiz.core.coverage import covered_plainly, measure_coverage
from briefing_quiz.core.evidence import fold, quote_parts
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


@pytest.mark.parametrize(("sentence", "facts"), [
    # Seen drafting a text on the Panama Canal (notes/15.md): places taken for people.
    ("A canal across the Isthmus of Panama is older than the United States.",
     [("place", "Isthmus of Panama"), ("place", "United States")]),
    ("The ships went around Cape Horn to the Gatun Locks and the Culebra Cut.",
     [("place", "Cape Horn"), ("place", "Gatun Locks"), ("place", "Culebra Cut")]),
    ("Roosevelt gave the job to an army engineer, George Washington Goethals.",
     [("name", "Roosevelt"), ("person", "George Washington Goethals")]),
    ("The ship SS Ancon sailed as the First World War began.",
     [("name", "SS Ancon"), ("name", "First World War")]),
    ("Panama signed the Hay-Bunau-Varilla Treaty, and later the Torrijos-Carter Treaties.",
     [("place", "Panama"), ("name", "Hay-Bunau-Varilla Treaty"),
      ("name", "Torrijos-Carter Treaties")]),
])
def test_places_ships_and_events_are_no_people(sentence: str,
                                               facts: list[tuple[str, str]]) -> None:
    assert [(f.kind, f.text) for f in find_facts(sentence)] == facts


def test_a_first_name_that_opens_a_sentence_stays_with_its_name() -> None:
    text = ("Ferdinand de Lesseps, who had opened the Suez Canal, began work in 1881. "
            "Yellow fever killed thousands.")
    common = lower_words(text)
    assert ("person", "Ferdinand de Lesseps") in [
        (f.kind, f.text) for f in find_facts(text.split(". ")[0], common)]
    assert "Yellow" in common  # an opener alone is still an ordinary word


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


_PIECES = ["Some 130,000 troops", " were massed", " near the border.", "Yes.", "NATO", " in Geneva",
           "The talks", " ended.", "Ministers met in Brussels on 12 February 2022.", " 45%"]


@given(st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4).map("".join),
                min_size=1, max_size=12),
       st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6).map("".join),
                max_size=8))
def test_the_indexed_cover_is_the_plain_rule(sentences: list[str], quotes: list[str]) -> None:
    from briefing_quiz.core import coverage

    folded = [fold(s)[0].strip() for s in sentences]
    parts = {part for quote in quotes for part in quote_parts(quote)}
    assert coverage._covered(folded, parts) == [covered_plainly(s, parts) for s in folded]


def test_the_indexed_cover_in_each_way_a_sentence_is_covered() -> None:
    from briefing_quiz.core import coverage

    sentences = ["Some 130,000 troops were massed near the border.", "Yes.", "No.",
                 "The talks ended.", "NATO met.", "Ministers met in Brussels."]
    parts = {"130,000 troops were massed",  # long enough, inside the first
             "Yes.",  # short, and the whole sentence
             "NATO",  # short and inside a sentence: covers nothing
             "It was said. The talks ended. Then",  # holds a sentence
             "No. Never"}  # holds a short sentence
    assert coverage._covered(sentences, parts) == [True, True, True, True, False, False]


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
