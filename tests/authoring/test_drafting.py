"""`briefing-quiz draft`: a draft deck from a source text, on texts written for these tests (and
the bundled deck's essay where it is present): at least 90% of the fact-bearing sentences get a
card, the deck passes `check` with every quote found, the draft is deterministic, and bad sources
are refused with the file named and nothing written."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest
import tomli
from hypothesis import given
from hypothesis import strategies as st

from briefing_quiz.authoring import distractors, drafting
from briefing_quiz.authoring.cli import run_draft
from briefing_quiz.authoring.drafting import DRAFT_TAG, draft_deck, write_draft
from briefing_quiz.core.cloze import parse_cloze
from briefing_quiz.core.coverage import measure_coverage
from briefing_quiz.core.deckfile import load_deck
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.facts import Fact
from briefing_quiz.core.grading import check_cloze, check_typed
from briefing_quiz.core.model import ChoiceCard, ClozeCard, OrderCard, TrueFalseCard, TypedCard
from briefing_quiz.paths import Paths
from briefing_quiz.services.checking import check_decks

DATA = Path(__file__).resolve().parents[1] / "data" / "source"
ESSAY = Path(__file__).resolve().parents[3] / "shared" / "source" / "feb2022-essay.txt"
TEXTS = [DATA / "harbour-memo.md", DATA / "rail-note.txt"]


def drafted(src: Path, tmp_path: Path) -> Path:
    local = tmp_path / src.name
    local.write_bytes(src.read_bytes())
    out = tmp_path / "decks" / "draft.toml"
    out.parent.mkdir(exist_ok=True)
    write_draft(local, out, deck_id="draft", title=None, force=False)
    return out


@pytest.mark.parametrize("src", [*TEXTS, ESSAY], ids=lambda p: p.name)
def test_nine_in_ten_fact_sentences_get_a_card_and_check_passes(src: Path,
                                                                tmp_path: Path) -> None:
    if not src.exists():
        pytest.skip("the essay is not bundled (copyright)")
    out = drafted(src, tmp_path)
    deck = load_deck(out)
    found = measure_coverage(src.read_text(encoding="utf-8"),
                             [c.source for c in deck.cards if c.source])
    assert found.percent is not None and found.percent >= 90, found.percent
    report = io.StringIO()
    assert check_decks([str(out)], [], out=report) == 0, report.getvalue()
    assert f"{len(deck.cards)} quotes found in {src.name}" in report.getvalue()
    assert all(DRAFT_TAG in c.tags and c.source for c in deck.cards)
    # check --lint: warnings to review (every lint finding is a warning), no error.
    linted = io.StringIO()
    assert check_decks([str(out)], [], out=linted, lint=True) == 0, linted.getvalue()


def test_the_draft_says_it_is_one_and_names_its_source(tmp_path: Path) -> None:
    out = drafted(DATA / "rail-note.txt", tmp_path)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# DRAFT: written by 'briefing-quiz draft' from ../rail-note.txt")
    assert tomli.loads(text)["deck"]["source"]["file"] == "../rail-note.txt"
    assert load_deck(out).title == "Rail note"


def test_the_draft_is_deterministic() -> None:
    text = (DATA / "harbour-memo.md").read_text(encoding="utf-8")
    first = draft_deck(text, deck_id="d", title="T", source_file="m.md").draft
    again = draft_deck(text, deck_id="d", title="T", source_file="m.md").draft
    assert [c.fields for c in first.cards] == [c.fields for c in again.cards]


def test_the_kinds_of_cards_made(tmp_path: Path) -> None:
    deck = load_deck(drafted(DATA / "rail-note.txt", tmp_path))
    typed = {c.question: c for c in deck.cards if isinstance(c, TypedCard)}
    km = typed["The Northline runs how many kilometres from Harwick to Selmouth and carries "
               "about 18,000 passengers a day?"]
    # The answer names the unit the question asks in (lint: typed-bare-number); the bare figure
    # still passes.
    assert km.answer == "212 kilometres"
    assert check_typed(km, "212").correct and check_typed(km, "212 km").correct
    assert not check_typed(km, "213").correct
    who = typed["Who told the committee on 5 March that the project remains on budget?"]
    assert (who.answer, who.accept) == ("Minister Rhys Penhale", ("Penhale",))
    # Distractors are facts of the same kind from elsewhere in the text.
    for card in deck.cards:
        if isinstance(card, ChoiceCard) and "draft" in card.tags and "number" in card.tags:
            assert all(any(ch.isdigit() for ch in c) or c.isalpha() for c in card.choices)
            assert card.answers[0] in card.choices and len(set(card.choices)) == len(card.choices)
        if isinstance(card, TrueFalseCard):  # a false variant, or the sentence itself, true
            assert (card.statement != card.source) is (card.answer is False)
    # About half the statements are true (lint: truefalse-balance).
    answers = [c.answer for c in deck.cards if isinstance(c, TrueFalseCard)]
    assert len(answers) >= 2 and abs(answers.count(True) - answers.count(False)) <= 1
    # Dated events in the order they happened.
    orders = [c for c in deck.cards if isinstance(c, OrderCard)]
    assert orders
    years = [c for c in orders if c.items_in_order[0].startswith("1974")]
    # One event a sentence (its first date), earliest first.
    assert years and [i.split(":")[0] for i in years[0].items_in_order] == [
        "1974", "9 January 2024", "September 2025"]


def args(src: Path, out: Path) -> argparse.Namespace:
    return argparse.Namespace(source=str(src), output=str(out), deck_id=None, title=None,
                              force=False)


@pytest.mark.parametrize(("data", "message"), [
    (b"caf\xe9 \xff\n", "not UTF-8 text"),
    (b"", "the source file is empty"),
    (b"no facts here at all, just words.\n", "no sentence with a number, a date or a name"),
])
def test_bad_sources_are_refused_and_nothing_is_written(tmp_path: Path, data: bytes,
                                                        message: str) -> None:
    src = tmp_path / "src.txt"
    src.write_bytes(data)
    out = tmp_path / "out.toml"
    paths = Paths(data_file=tmp_path / "p.sqlite3", config_file=tmp_path / "c.toml",
                  deck_dirs=(tmp_path / "decks",), user_decks_dir=tmp_path / "decks")
    with pytest.raises(BriefingQuizError) as caught:
        run_draft(args(src, out), paths, out=io.StringIO())
    assert str(src) in str(caught.value) and message in str(caught.value)
    assert not out.exists()


def test_a_huge_source_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing_quiz.services import evidence

    monkeypatch.setattr(evidence, "MAX_SOURCE_BYTES", 1000)
    src = tmp_path / "big.txt"
    src.write_text("In 2020 there were 5 ships. " * 100, encoding="utf-8")
    with pytest.raises(BriefingQuizError, match="too big for a source text"):
        write_draft(src, tmp_path / "out.toml", deck_id="d", title=None, force=False)
    assert not (tmp_path / "out.toml").exists()


def test_a_sentence_opening_with_a_pronoun_keeps_the_one_before(tmp_path: Path) -> None:
    deck = load_deck(drafted(DATA / "harbour-memo.md", tmp_path))
    texts = [getattr(c, "text", "") for c in deck.cards]
    assert ("Talks opened in Geneva on 2 October 2023 under the chairmanship of Ambassador Ilse "
            "Brandvold. They have met {{c1::nine}} times since then.") in texts


def test_a_source_too_long_to_draft_is_refused_with_its_length(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    monkeypatch.setattr(drafting, "MAX_DRAFT_WORDS", 50)
    src = tmp_path / "long.txt"
    src.write_text("In 2020 there were 5 ships. " * 10, encoding="utf-8")  # 60 words
    out = tmp_path / "out.toml"
    with pytest.raises(BriefingQuizError) as caught:
        write_draft(src, out, deck_id="d", title=None, force=False)
    assert f"{src}: 60 words is too long to draft at once (at most 50" in str(caught.value)
    assert not out.exists()
    src.write_text("In 2020 there were 5 ships. " * 8, encoding="utf-8")  # 48 words: drafted
    write_draft(src, out, deck_id="d", title=None, force=False)
    assert out.exists()


def _distractors_plainly(fact: Fact, pool: dict[str, list[str]]) -> list[str]:
    """The rule as first written (every fact of the pool looked at, for every sentence): what the
    indexed `_distractors` must give."""
    answer = fact.text.casefold()
    others = [o for o in pool.get(fact.kind, []) if o.casefold() not in answer
              and answer not in o.casefold()]
    if fact.kind == "number":
        others = [o for o in others if distractors.number_unit(o) == distractors.number_unit(fact.text)]
    if fact.kind == "date":
        others = [o for o in others if distractors.date_shape(o) == distractors.date_shape(fact.text)]
    when = distractors.when_value(fact.text)
    if fact.kind == "date" and when is not None:
        timed = [(abs((distractors.when_value(o) or 0) - when), o) for o in others
                 if distractors.when_value(o) is not None]
        return [o for _, o in sorted(timed)[:3]]
    value = distractors.figure_value(fact.text)
    if fact.kind == "number" and value is not None:
        valued = [(abs((distractors.figure_value(o) or 0) - value), o) for o in others
                  if distractors.figure_value(o) is not None]
        return [o for _, o in sorted(valued)[:3]]
    return others[:3]


_NUMBERS = ["5", "7", "9", "11", "12", "13", "15", "40", "40%", "45%", "1,000", "1000", "999",
            "$5", "$7 million", "three", "two", "10 percent", "12 percent", "2.5", "3", "130,000",
            "5 million"]
_DATES = ["5 March", "7 March", "March 2020", "2020", "2021", "1999", "12 February 2022",
          "February 12", "Tuesday", "mid-2020", "2019", "2018", "2022", "1534", "4 May 1904",
          "15 August 1914", "March", "May"]
_NAMES = ["Geneva", "Genevan", "Oslo", "Velan Strait", "Velan", "Rome", "NATO", "UN"]


@given(st.lists(st.tuples(st.sampled_from(["number", "date", "place"]),
                          st.integers(0, len(_NUMBERS) - 1)), min_size=1, max_size=40))
def test_distractors_indexed_are_those_of_the_plain_rule(picks: list[tuple[str, int]]) -> None:
    facts = []
    for kind, index in picks:
        words = {"number": _NUMBERS, "date": _DATES, "place": _NAMES}[kind]
        text = words[index % len(words)]
        facts.append(Fact(kind, text, 0, len(text)))  # type: ignore[arg-type]
    pool = distractors.Pool(facts)
    for fact in facts:
        assert distractors.distractors(fact, pool) == _distractors_plainly(fact, pool.by_kind)


def test_distractors_of_a_pool_of_every_kind_are_those_of_the_plain_rule() -> None:
    # Every fact at once: ties of distance on both sides of a figure (11 and 13, 9 and 15 around
    # 12), a figure written twice (1,000 and 1000), words, units and shapes of date.
    facts = [Fact(kind, text, 0, len(text))  # type: ignore[arg-type]
             for kind, words in (("number", _NUMBERS), ("date", _DATES), ("place", _NAMES))
             for text in words]
    pool = distractors.Pool(facts)
    for fact in facts:
        assert distractors.distractors(fact, pool) == _distractors_plainly(fact, pool.by_kind)


# Seen drafting a text on the Panama Canal (notes/15.md).
CANAL = """The first chief engineer was John Frank Stevens.

In 1907 Stevens resigned and went home.
Stevens also persuaded Roosevelt to abandon the sea-level plan.
Fever killed workers by the thousands; some 22,000 people died.
The United States took over the works on 4 May 1904 and paid $40 million.
The Senate approved the treaties in 1978 by a single vote.
"""


def test_a_draft_asks_the_exact_figure_and_a_surname_is_a_person() -> None:
    cards = draft_deck(CANAL, deck_id="d", title="T", source_file="c.md").draft.cards
    texts = [str(c.get("text")) for c in cards if c.get("type") == "cloze"]
    # The exact figure is the gap, not the vague "thousands".
    assert "Fever killed workers by the thousands; some {{c1::22,000}} people died." in texts
    # "Stevens", named in full elsewhere, is a person: asked "who".
    asked = {str(c.get("question")): c.get("answer") for c in cards if c.get("type") == "typed"}
    assert asked["Who also persuaded Roosevelt to abandon the sea-level plan?"] == "Stevens"


def test_a_chronology_item_leaves_no_word_that_led_to_its_date() -> None:
    cards = draft_deck(CANAL, deck_id="d", title="T", source_file="c.md").draft.cards
    items = [item for c in cards if c.get("type") == "order"
             for item in c.get("items")]  # type: ignore[union-attr]
    assert "4 May 1904: The United States took over the works and paid $40 million" in items
    assert "1978: The Senate approved the treaties by a single vote" in items


def test_a_cloze_gap_is_never_a_word_the_text_shows_and_a_person_takes_the_surname() -> None:
    text = ("Ferdinand de Lesseps, who had opened the Suez Canal in 1869, began work in Panama. "
            "His company planned a canal like Suez, without locks.\n\n"
            "The first chief engineer, John Findley Wallace, resigned within a year.\n")
    cards = draft_deck(text, deck_id="d", title="T", source_file="c.md").draft.cards
    clozes = {str(c.get("text")): c.get("accept") for c in cards if c.get("type") == "cloze"}
    # "Suez" is written in "the Suez Canal": the gap goes on 1869 instead.
    assert not any("{{c1::Suez}}" in t or "{{c2::Suez}}" in t for t in clozes)
    assert any("Suez Canal in {{c1::1869}}" in t for t in clozes)
    wallace = "The first chief engineer, {{c1::John Findley Wallace}}, resigned within a year."
    assert clozes[wallace] == {"c1": ["Wallace"]}
    lesseps = next(t for t in clozes if "{{c2::Ferdinand de Lesseps}}" in t)
    assert clozes[lesseps] == {"c2": ["de Lesseps", "Lesseps"]}


def test_a_cloze_accepts_the_surname_when_studied(tmp_path: Path) -> None:
    src = tmp_path / "memo.txt"
    src.write_text("The first chief engineer, John Findley Wallace, resigned in 1905.\n",
                   encoding="utf-8")
    out = tmp_path / "memo.toml"
    write_draft(src, out, deck_id="d", title=None, force=False)
    card = next(c for c in load_deck(out).cards
                if isinstance(c, ClozeCard) and "John Findley Wallace}}" in c.text)
    gap = next(d.number for d in parse_cloze(card.text) if d.answer == "John Findley Wallace")
    assert check_cloze(card, gap, "Wallace").correct
    assert check_cloze(card, gap, "John Findley Wallace").correct
    assert not check_cloze(card, gap, "Stevens").correct


def test_a_date_inside_a_sentence_is_asked_when() -> None:
    text = ("The canal opened on 15 August 1914, when the SS Ancon made the first transit.\n\n"
            "The company went bankrupt in 1889, ruining about 800,000 French investors.\n\n"
            "Panama broke away from Colombia in November 1903 after a revolt.\n\n"
            "In 1907 Stevens resigned.\n")
    cards = draft_deck(text, deck_id="d", title="T", source_file="c.md").draft.cards
    asked = {str(c.get("question")): c.get("answer") for c in cards if c.get("type") == "typed"}
    assert asked["The canal opened on what date, when the SS Ancon made the first transit?"] == \
        "15 August 1914"
    assert asked["The company went bankrupt in what year, ruining about 800,000 French "
                 "investors?"] == "1889"
    assert asked["Panama broke away from Colombia in what month and year after a revolt?"] == \
        "November 1903"
    # A date that opens the sentence is no echo question ("In what year Stevens resigned?").
    assert not any("Stevens" in q for q in asked)
