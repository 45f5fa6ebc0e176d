"""Deck loading: one fixture file per rule (tests/data/bad-*.toml) with its exact message and line,
every way a file can fail to load, positions, discovery and several decks at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefing_quiz.core.deckfile.load import DeckLoad, load_deck, load_decks, loads_deck
from briefing_quiz.core.errors import DeckError
from briefing_quiz.core.model import (
    BasicCard,
    ChoiceCard,
    ClozeCard,
    OrderCard,
    Tolerance,
    TrueFalseCard,
    TypedCard,
)
from tests.conftest import DeckWriter
from tests.core.deckfile.generated import DATA, GOOD, docs_example, good, load_text, problems_of

# --- one fixture per rule ----------------------------------------------------------------------

SLUG_RULE = "use lowercase letters, digits and '-', starting with a letter or digit"

FIXTURES: dict[str, list[tuple[int | None, int | None, str | None, str]]] = {
    "bad-toml-syntax.toml": [
        (10, 35, None,
         "invalid TOML: illegal character '\\n' (is a string missing its closing quote?)")],
    "bad-not-utf8.toml": [
        (10, 19, None,
         "the file is not UTF-8 text (byte 0xe9 cannot be read); save it as UTF-8")],
    "bad-empty.toml": [
        (None, None, None,
         "the file is empty: a deck needs 'format = 1', a [deck] table and [[cards]]")],
    "bad-format-2.toml": [
        (1, 1, None, "unsupported deck format 2; this version reads format 1")],
    "bad-format-missing.toml": [
        (None, None, None, "missing 'format'; the first line of a deck file is 'format = 1'")],
    "bad-format-type.toml": [(1, 1, None, "'format' must be an integer, not a string")],
    "bad-unknown-top-key.toml": [(7, 1, None, "unknown key 'card'; did you mean 'cards'?")],
    "bad-deck-missing.toml": [
        (None, None, None, "missing the [deck] table (with 'id' and 'title')")],
    "bad-deck-id.toml": [
        (4, 1, None, f"deck id 'Feb 2022' is not a valid id: {SLUG_RULE}")],
    "bad-deck-title-missing.toml": [(3, 1, None, "[deck] is missing 'title'")],
    "bad-deck-unknown-key.toml": [
        (3, 1, None, "[deck] is missing 'title'"),
        (5, 1, None, "unknown key 'titel'; did you mean 'title'?")],
    "bad-source-date.toml": [
        (9, 1, None, "'date' must be a date (like 2022-02-14, no quotes), not a string")],
    "bad-source-unknown-key.toml": [
        (8, 1, None, "unknown key 'autor'; did you mean 'author'?")],
    "bad-no-cards.toml": [(None, None, None, "no cards: add at least one [[cards]] table")],
    "bad-cards-inline.toml": [
        (2, 1, None, "write each card as its own [[cards]] table, not as 'cards = [...]'")],
    "bad-card-id-missing.toml": [(7, 1, None, "card is missing 'id'")],
    "bad-card-id-slug.toml": [
        (8, 1, "Question_1", f"card id 'Question_1' is not a valid id: {SLUG_RULE}")],
    "bad-duplicate-card-id.toml": [
        (20, 1, "q1", "duplicate card id 'q1'; it is first used on line 7")],
    "bad-type-missing.toml": [
        (7, 1, "q1",
         "card is missing 'type' (one of: basic, typed, choice, truefalse, cloze, order, open)")],
    "bad-type-unknown.toml": [
        (9, 1, "q1", "unknown card type 'true-false'; did you mean 'truefalse'?")],
    "bad-unknown-key.toml": [
        (10, 1, "q1", "unknown key 'questoin'; did you mean 'question'?")],
    "bad-key-of-other-type.toml": [
        (12, 1, "q1", "unknown key 'choices' for a basic card (only choice cards have it)")],
    "bad-required-key-missing.toml": [(7, 1, "q1", "typed card is missing 'answer'")],
    "bad-value-type.toml": [(11, 1, "q1", "'answer' must be a string, not an integer")],
    "bad-empty-text.toml": [(10, 1, "q1", "'question' must not be empty")],
    "bad-tags.toml": [
        (10, 1, "q1", "'tags' must be an array of strings; item 2 is an integer")],
    "bad-tolerance.toml": [
        (12, 1, "q1", "'tolerance' must be a percentage such as \"5%\" or an amount such as "
                      "\"500\", not 'about 5'")],
    "bad-tolerance-type.toml": [
        (12, 1, "q1",
         "'tolerance' must be a string such as \"5%\" or \"500\", not an integer")],
    "bad-tolerance-no-number.toml": [
        (12, 1, "q1", "'tolerance' needs a number in 'answer'")],
    "bad-accept.toml": [
        (12, 1, "q1", "'accept' must be an array of strings, not a string")],
    "bad-choice-answer.toml": [
        (12, 1, "q1", "'answer' 'Polland' is not one of the choices; did you mean 'Poland'?")],
    "bad-choice-answer-type.toml": [
        (12, 1, "q1", "'answer' must be a string or an array of strings, not an integer")],
    "bad-choice-count.toml": [(11, 1, "q1", "'choices' must have 2 to 8 items, not 1")],
    "bad-choice-duplicate.toml": [
        (11, 1, "q1", "'choices' lists 'Poland' twice; items must be distinct")],
    "bad-truefalse-answer.toml": [
        (11, 1, "q1", "'answer' must be true or false (no quotes), not a string")],
    "bad-cloze-none.toml": [
        (10, 1, "q1", "cloze 'text': no deletions: mark each answer like {{c1::answer}}")],
    "bad-cloze-unclosed.toml": [
        (10, 1, "q1",
         "cloze 'text': unclosed '{{': a deletion ends with '}}' (at character 5)")],
    "bad-order-one-item.toml": [(11, 1, "q1", "'items' must have 2 to 12 items, not 1")],
    "bad-order-duplicate.toml": [
        (11, 1, "q1", "'items' lists 'February 11' twice; items must be distinct")],
    "bad-many-problems.toml": [
        (5, 1, None, "'title' must not be empty"),
        (7, 1, "q1", "basic card is missing 'answer'"),
        (17, 1, "q2", "'answer' 'C' is not one of the choices"),
        (18, 1, "q2", "unknown key 'explian'; did you mean 'explain'?"),
        (21, 1, "q1", "duplicate card id 'q1'; it is first used on line 7"),
        (24, 1, "q1", "'answer' must be true or false (no quotes), not an integer")],
}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_bad_fixture_reports_exact_problems(name: str) -> None:
    assert problems_of(DATA / name) == FIXTURES[name]


def test_every_bad_fixture_is_covered() -> None:
    on_disk = {p.name for p in DATA.glob("bad-*.toml")}
    assert on_disk == set(FIXTURES)


def test_problem_string_has_path_line_column_and_card() -> None:
    with pytest.raises(DeckError) as caught:
        load_deck(DATA / "bad-value-type.toml")
    assert str(caught.value) == (f"{DATA / 'bad-value-type.toml'}:11:1: [card q1] "
                          "'answer' must be a string, not an integer")


# --- a good deck of every type -----------------------------------------------------------------

def test_docs_example_loads_with_every_type_and_option() -> None:
    path = Path("example.toml")
    deck = loads_deck(docs_example().encode(), path)
    assert deck.id == "feb2022-sample"
    assert deck.tags == ("russia", "ukraine", "nato")
    assert deck.source is not None and deck.source.date == dt.date(2022, 2, 14)
    assert deck.source.author == "Steven Pifer"
    assert {c.type for c in deck.cards} == {"basic", "typed", "choice", "truefalse", "cloze",
                                            "order", "open"}
    assert all(c.deck_id == deck.id and c.path == path for c in deck.cards)
    text_lines = docs_example().splitlines()
    for card in deck.cards:
        assert card.line is not None and text_lines[card.line - 1] == "[[cards]]"

    basic = deck.card("sullivan-warning")
    assert isinstance(basic, BasicCard) and basic.tags == ("people", "dates")
    assert basic.explain and basic.source
    typed = deck.card("troops-near-ukraine")
    assert isinstance(typed, TypedCard)
    assert typed.accept == ("130 thousand",)
    assert typed.tolerance == Tolerance(5.0, relative=True)
    one = deck.card("soldiers-to-poland")
    assert isinstance(one, ChoiceCard) and one.answers == ("Poland",) and not one.multiple
    several = deck.card("attack-vectors")
    assert isinstance(several, ChoiceCard) and several.multiple and len(several.answers) == 3
    tf = deck.card("troops-enter-ukraine")
    assert isinstance(tf, TrueFalseCard) and tf.answer is False
    cloze = deck.card("kremlin-choices")
    assert isinstance(cloze, ClozeCard) and cloze.items == (1, 2)
    assert cloze.deletions[1].hint == "what kind of retreat?"
    order = deck.card("us-deployments")
    assert isinstance(order, OrderCard) and order.items_in_order[0] == "3000 ordered to Poland"


def test_bom_and_crlf_are_accepted() -> None:
    data = ("\ufeff" + GOOD).replace("\n", "\r\n").encode()
    deck = loads_deck(data)
    assert [c.line for c in deck.cards] == [7, 13]


def test_choice_answer_list_is_multiple_even_with_one_item() -> None:
    text = GOOD + '\n[[cards]]\nid = "c"\ntype = "choice"\nquestion = "Q?"\n' \
        'choices = ["A", "B"]\nanswer = ["B"]\n'
    card = loads_deck(text.encode()).card("c")
    assert isinstance(card, ChoiceCard) and card.multiple and card.answers == ("B",)


# --- the failures listed in the brief, each its own test ----------------------------------------

def test_empty_and_blank_files() -> None:
    empty = "the file is empty: a deck needs 'format = 1', a [deck] table and [[cards]]"
    for text in ("", "\n\n  \n", "# only a comment\n"):
        assert [p.message for p in load_text(text)] == [empty]


def test_nul_bytes_are_a_syntax_error() -> None:
    problems = load_text("format = 1\n\x00\x00")
    assert [(p.line, p.message) for p in problems] == [(2, "invalid TOML: invalid statement")]


def test_deep_nesting_and_huge_numbers_do_not_escape() -> None:
    deep = load_text("format = 1\nx = " + "[" * 5000)
    assert [p.message for p in deep] == [
        "invalid TOML: arrays or inline tables are nested too deeply"]
    big = load_text("format = " + "9" * 5000)
    assert len(big) == 1 and big[0].message.startswith("invalid TOML: Exceeds the limit")


# --- several decks -----------------------------------------------------------------------------

def test_load_decks_one_bad_deck_does_not_stop_the_others(tmp_path: Path,
                                                          write_deck: DeckWriter) -> None:
    a = write_deck(good("a"), "a.toml", tmp_path)
    bad = write_deck(good("b", "\n[[cards]]\nid = \"x\"\n"), "b.toml", tmp_path)
    c = write_deck(good("c"), "c.toml", tmp_path)
    result = load_decks([a, bad, tmp_path / "missing.toml", c])
    assert isinstance(result, DeckLoad)
    assert [d.id for d in result.decks] == ["a", "c"]
    assert [e.problems[0].path for e in result.failures] == [bad, tmp_path / "missing.toml"]


def test_load_decks_duplicate_deck_id_names_both_files(tmp_path: Path,
                                                       write_deck: DeckWriter) -> None:
    first = write_deck(good("same"), "one.toml", tmp_path)
    second = write_deck(good("same"), "two.toml", tmp_path)
    result = load_decks([first, second])
    assert [d.path for d in result.decks] == [first]
    (error,) = result.failures
    assert [(p.path, p.line, p.column, p.message) for p in error.problems] == [
        (second, 4, 1, f"deck id 'same' is already used by {first}; each deck needs its own id")]


def test_load_decks_loads_the_same_file_once(tmp_path: Path, write_deck: DeckWriter) -> None:
    path = write_deck(good("a"), "a.toml", tmp_path)
    link = tmp_path / "link.toml"
    link.symlink_to(path)
    result = load_decks([path, path, link])
    assert len(result.decks) == 1 and not result.failures
