"""The lint rule for open cards' terms that are one very common word."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_quiz.core.deckfile import load_deck
from briefing_quiz.core.model import BasicCard, OpenCard, OpenPoint
from briefing_quiz.core.open_lint import weak_terms

DATA = Path(__file__).resolve().parents[1] / "data"


def card(*terms: str) -> OpenCard:
    return OpenCard(id="c", deck_id="d", question="Q?", answer="A.", min_points=1, line=7,
                    points=(OpenPoint("the point", terms),))


@pytest.mark.parametrize(("term", "weak"), [
    ("itself", True), ("it is", True), ("the", True), ("war", True), ("Wars", True),
    ("said", True), ("the crisis", True), ("important", True), ("a new thing", False),
    ("for show", False), ("show", True),
    ("war or climb-down", False), ("sanctions", False), ("NATO", False), ("2004", False),
    ("painted into a corner", False), ("cornered", False), ("no way out", False),
    ("own doing", False), ("the West", False),
])
def test_a_term_of_one_very_common_word_is_flagged(term: str, weak: bool) -> None:
    found = weak_terms([card(term, "painted into a corner")])
    assert [w.term for w in found] == ([term] if weak else [])


def test_the_finding_names_the_card_point_and_term() -> None:
    (found,) = weak_terms([BasicCard(id="b", deck_id="d", question="q", answer="a"),
                           card("boxed in", "said")])
    assert (found.card_id, found.line, found.point, found.label) == ("c", 7, 1, "the point")
    assert found.message.startswith("point 1 ('the point'): the term 'said' is one very common "
                                    "word")


def test_the_test_deck_has_one_weak_term() -> None:
    found = weak_terms(load_deck(DATA / "open-cards.toml").cards)
    assert [(w.card_id, w.point, w.term) for w in found] == [("brief-thesis", 3, "itself")]
