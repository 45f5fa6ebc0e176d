"""The `open` card type in deck files: what it becomes, and each problem at its own line."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_quiz.core.deckfile import DeckCache, loads_deck
from briefing_quiz.core.deckfile import fast as fast_module
from briefing_quiz.core.errors import DeckError
from briefing_quiz.core.model import OpenCard, OpenPoint
from tests.core.deckfile.generated import DATA, problems_of

HEAD = 'format = 1\n\n[deck]\nid = "d"\ntitle = "T"\n\n[[cards]]\nid = "o"\ntype = "open"\n'


def messages(card: str) -> list[tuple[int | None, str]]:
    with pytest.raises(DeckError) as caught:
        loads_deck((HEAD + card).encode())
    return [(p.line, p.message) for p in caught.value.problems]


def test_a_good_open_card_has_its_points_and_all_of_them_by_default() -> None:
    deck = loads_deck((DATA / "open-cards.toml").read_bytes())
    thesis, ukraine = deck.cards[0], deck.cards[1]
    assert isinstance(thesis, OpenCard) and isinstance(ukraine, OpenCard)
    assert thesis.type == "open" and thesis.min_points == 2 and len(thesis.points) == 3
    assert thesis.points[0] == OpenPoint("painted into a corner", (
        "painted into a corner", "cornered", "boxed in", "no way out"))
    assert ukraine.min_points == 3  # not given: every point
    assert thesis.source is not None and thesis.answer.startswith("By building up")


@pytest.mark.parametrize("fast", [True, False])
def test_both_paths_and_the_cache_give_the_same_cards(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path, fast: bool) -> None:
    data = (DATA / "open-cards.toml").read_bytes()
    monkeypatch.setattr(fast_module, "ENABLED", fast)
    deck = loads_deck(data, DATA / "open-cards.toml")
    monkeypatch.setattr(fast_module, "ENABLED", not fast)
    assert loads_deck(data, DATA / "open-cards.toml") == deck
    cache = DeckCache(tmp_path)
    cache.put(cache.key(DATA / "open-cards.toml", data), deck)
    again = cache.get(DATA / "open-cards.toml", data)
    assert again == deck and again is not deck
    assert isinstance(again.cards[0], OpenCard) and again.cards[0].points == deck.cards[0].points


def test_the_fast_path_builds_open_cards() -> None:
    text = (DATA / "open-cards.toml").read_text()
    parsed = fast_module._parse_simple(text)
    assert parsed is not None
    doc, lines, _ = parsed
    made = fast_module._fast_cards(doc["cards"], lines, "open-cards", None)
    assert made is not None and all(isinstance(card, OpenCard) for card in made)


def test_each_problem_of_the_points_is_at_the_line_of_its_point() -> None:
    assert problems_of(DATA / "open-bad.toml") == [
        (13, 3, "thesis", "point 2 ('corner') has no terms: give at least one phrase in 'terms'"),
        (14, 3, "thesis", "point 3: 'label' must be a non-empty string, not ''"),
        (14, 3, "thesis", "point 3 (#3): term 2 must be a non-empty string, not ''"),
        (15, 3, "thesis", "point 4: unknown key 'extra'; a point has 'label' and 'terms'"),
        (15, 3, "thesis", "point 4 is missing 'label'"),
        (17, 1, "thesis", "'min_points' must be a whole number from 1 to 4, not 5"),
        (24, 1, "b", "'points' must list at least one point"),
        (31, 1, "c", "'points' must be an array of points such as "
                     "{ label = \"...\", terms = [\"...\"] }, not a string"),
        (33, 1, "c", "'min_points' must be a whole number from 1 to the number of points, not 0"),
    ]


@pytest.mark.parametrize(("card", "expected"), [
    ('question = "Q"\nanswer = "A"\n', [(7, "open card is missing 'points'")]),
    ('question = "Q"\npoints = [{ label = "L", terms = ["t"] }]\n',
     [(7, "open card is missing 'answer'")]),
    ('question = "Q"\nanswer = "A"\npoints = [{ label = "L" }]\n',
     [(12, "point 1 is missing 'terms'")]),
    ('question = "Q"\nanswer = "A"\npoints = [{ label = "L", terms = "t" }]\n',
     [(12, "point 1 ('L'): 'terms' must be an array of phrases, not a string")]),
    ('question = "Q"\nanswer = "A"\npoints = [{ label = 3, terms = ["t"] }]\n',
     [(12, "point 1: 'label' must be a non-empty string, not an integer")]),
    ('question = "Q"\nanswer = "A"\npoints = [\n  "just text",\n]\n',
     [(13, "point 1 must be a table such as { label = \"...\", terms = [\"...\"] }, "
           "not a string")]),
    ('question = "Q"\nanswer = "A"\npoints = [{ label = "L", terms = ["t"] }]\n'
     'min_points = "1"\n', [(13, "'min_points' must be a whole number from 1 to 1, not a string")]),
    ('question = "Q"\nanswer = "A"\npoints = [{ label = "L", terms = ["t"] }]\n'
     'min_points = 2\n', [(13, "'min_points' must be a whole number from 1 to 1, not 2")]),
    ('question = "Q"\nanswer = "A"\npoints = [{ label = "L", terms = ["t"] }]\nitems = ["x"]\n',
     [(13, "unknown key 'items' for an open card (only order cards have it)")]),
])
def test_messages_of_the_open_card(card: str, expected: list[tuple[int, str]]) -> None:
    assert messages(card) == expected


def test_a_quoted_bracket_or_comment_does_not_move_the_point_line() -> None:
    card = ('question = "Q"\nanswer = "A"\npoints = [\n'
            '  { label = "a ] b, c", terms = ["x # not a comment", \'y ]\'] },  # ] {\n'
            '  """not a table""",\n]\n')
    assert messages(card) == [(14, "point 2 must be a table such as "
                                   "{ label = \"...\", terms = [\"...\"] }, not a string")]
