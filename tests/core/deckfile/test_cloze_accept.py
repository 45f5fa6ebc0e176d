"""Cloze cards' `accept` table: right variants of a gap's answer, by gap number. Validated with
located errors, the same from the fast path and the validator, kept by the cache, out of the
content hash, and used by the checker."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_quiz.core.deckfile import load_deck, loads_deck
from briefing_quiz.core.deckfile.cache import DeckCache
from briefing_quiz.core.errors import DeckError
from briefing_quiz.core.grading import check_answer
from briefing_quiz.core.model import ClozeCard
from tests.core.deckfile.test_rules import fast_and_validator

HEAD = 'format = 1\n\n[deck]\nid = "d"\ntitle = "T"\n\n[[cards]]\nid = "z"\ntype = "cloze"\n'
TEXT = 'text = "The {{c1::Kremlin}} said no; {{c2::Kyiv}} and {{c2::Paris}} said yes."\n'


def cloze(accept: str | None) -> str:
    return HEAD + TEXT + ("" if accept is None else f"accept = {accept}\n")


def card_of(accept: str | None) -> ClozeCard:
    card = loads_deck(cloze(accept).encode()).cards[0]
    assert isinstance(card, ClozeCard)
    return card


def test_accept_is_read_by_gap_number_in_gap_order() -> None:
    card = card_of('{ c2 = ["Kiev"], c1 = ["Moscow", "Russia"] }')
    assert card.accept == ((1, ("Moscow", "Russia")), (2, ("Kiev",)))
    assert card.accepted(1) == ("Moscow", "Russia") and card.accepted(3) == ()
    assert card_of(None).accept == ()


def test_the_fast_path_and_the_validator_build_the_same_card() -> None:
    made, messages = fast_and_validator(cloze('{ c1 = ["Moscow"] }'))
    assert messages == [] and made is not None
    assert made[0] == card_of('{ c1 = ["Moscow"] }')


@pytest.mark.parametrize(("accept", "message"), [
    ('["Moscow"]', "a cloze card's 'accept' must be a table of gap numbers such as "
                   '{ c1 = ["Moscow", "Russia"] }, not an array'),
    ('{ c3 = ["Moscow"] }', "'accept' names 'c3', which is not a gap of the text (its gaps: c1, c2)"),
    ('{ first = ["Moscow"] }', "'accept' names 'first', which is not a gap of the text "
                               "(its gaps: c1, c2)"),
    ('{ c1 = "Moscow" }', "'accept' c1: must be an array of strings, not a string"),
    ('{ c1 = ["Moscow", 3] }', "'accept' c1: item 2 must be a non-empty string, not an integer"),
    ('{ c1 = ["Moscow", " "] }', "'accept' c1: item 2 must be a non-empty string, not ' '"),
])
def test_a_bad_accept_is_a_located_error(accept: str, message: str) -> None:
    text = cloze(accept)
    made, messages = fast_and_validator(text)
    assert made is None and messages == [message]
    with pytest.raises(DeckError) as caught:
        loads_deck(text.encode())
    (problem,) = caught.value.problems
    assert (problem.line, problem.card_id) == (text.splitlines().index(f"accept = {accept}") + 1,
                                               "z")


def test_variants_are_no_change_of_content() -> None:
    with_variants = card_of('{ c1 = ["Moscow"] }')
    assert with_variants.content_hash(1) == card_of(None).content_hash(1)


def test_the_cache_keeps_accept(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text(cloze('{ c1 = ["Moscow", "Russia"] }'), encoding="utf-8")
    cache = DeckCache(tmp_path / "cache")
    first = load_deck(path, cache)
    again = load_deck(path, cache)
    assert again == first and again.cards[0].accept == ((1, ("Moscow", "Russia")),)  # type: ignore[union-attr]


@pytest.mark.parametrize(("item", "given", "right"), [
    (1, "Kremlin", True), (1, "Moscow", True), (1, "russia", True), (1, "Paris", False),
    (2, "Kiev; Paris", True), (2, "Kyiv; Paris", True), (2, "Kiev; Berlin", False),
    (2, "Moscow; Paris", False),  # c1's variants are not c2's
])
def test_the_checker_accepts_the_variants_of_the_gap(item: int, given: str, right: bool) -> None:
    card = card_of('{ c1 = ["Moscow", "Russia"], c2 = ["Kiev"] }')
    result = check_answer(card, item, given)
    assert result is not None and result.correct is right


def test_without_accept_a_variant_is_wrong() -> None:
    result = check_answer(card_of(None), 1, "Moscow")
    assert result is not None and not result.correct
