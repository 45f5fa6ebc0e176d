"""Positions of problems: the second TOML scanner (`positions._scan_positions`) and the region
locator, directly and through the problems the loader reports."""

from __future__ import annotations

import contextlib

import tomli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing_quiz.core.deckfile.load import loads_deck
from briefing_quiz.core.deckfile.positions import _scan_positions
from briefing_quiz.core.deckfile.validate import _Validator
from briefing_quiz.core.errors import DeckError
from tests.core.deckfile.generated import GOOD, PATH, load_text, mutated_documents


def test_header_lookalikes_in_multiline_strings_do_not_shift_card_lines() -> None:
    text = (
        'format = 1\n[deck]\nid = "d"\ntitle = "t"\n\n'
        '[[cards]]\nid = "a"\ntype = "basic"\nquestion = """\n[[cards]]\nanswer = "fake"\n"""\n'
        'answer = "A"\n\n'
        '  [[ "cards" ]]  # quoted key and a comment\nid = "b"\ntype = "basic"\n'
        "question = '''x'''\nanswer = 3\n"
    )
    problems = load_text(text)
    assert [(p.line, p.column, p.card_id, p.message) for p in problems] == [
        (19, 1, "b", "'answer' must be a string, not an integer")]


def test_card_lines_with_lookalike_when_valid() -> None:
    text = GOOD.replace('question = "Q?"', 'question = """Q?\n[[cards]]\n"""')
    deck = loads_deck(text.encode())
    assert [c.line for c in deck.cards] == [7, 15]
    # A lookalike and a header the quick search might miss, together.
    text = text.replace("\n[[cards]]\nid = \"q2\"", "\n[[ 'cards' ]]\nid = \"q2\"")
    text = text.replace("\n[[cards]]\nid = \"q1\"", '\n  [["cards"]]  # first\nid = "q1"')
    deck = loads_deck(text.encode())
    assert [c.line for c in deck.cards] == [7, 15]


def test_dotted_and_quoted_keys_are_positioned() -> None:
    text = ('format = 1\n[deck]\nid = "d"\ntitle = "t"\nsource.date = "2022"\n\n'
            '[[cards]]\nid = "a"\n"type" = "basic"\nquestion = "Q?"\n  answer.x = 1\n')
    problems = load_text(text)
    assert [(p.line, p.column, p.message) for p in problems] == [
        (5, 1, "'date' must be a date (like 2022-02-14, no quotes), not a string"),
        (11, 3, "'answer' must be a string, not a table")]


def test_scanner_positions_directly() -> None:
    positions = _scan_positions(
        'a = 1\n[t]\nb = [\n  "x = 1",\n]\nc = """\nd = 2\n"""  # e = 3\n'
        "[[cards]]\nid = 'x'\n[cards.sub]\nk.j = {q = 1}\n[[cards]]\nid = \"y\\\"\"\n"
    )
    assert positions.keys[("a",)] == (1, 1)
    assert positions.keys[("t", "b")] == (3, 1)
    assert ("t", "d") not in positions.keys and ("t", "e") not in positions.keys
    assert positions.keys[("t", "c")] == (6, 1)
    assert positions.keys[("cards", 0, "id")] == (10, 1)
    assert positions.headers[("cards", 0, "sub")] == (11, 1)
    assert positions.keys[("cards", 0, "sub", "k", "j")] == (12, 1)
    assert positions.keys[("cards", 1, "id")] == (14, 1)
    assert positions.card_headers == [(9, 1), (13, 1)]
    assert positions.locate(("cards", 1, "id", "deeper")) == (14, 1)
    assert positions.locate(("nowhere",)) == (None, None)


@settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_positions_by_region_equal_positions_in_the_whole_file(text: str) -> None:
    """Problems are placed by scanning only the card (or the part before the cards) they are in;
    that must give the place a scan of the whole file gives."""
    validator = _Validator(PATH, text)
    with contextlib.suppress(DeckError):  # the problems are what this test looks at
        validator.deck(tomli.loads(text))
    whole = _scan_positions(text)
    for pending in validator.pending:
        assert validator.where.locate(pending.loc) == (whole.locate(pending.loc) if pending.loc
                                                 else (None, None))


@settings(deadline=None, max_examples=200)
@given(st.text(max_size=300))
def test_position_scanner_never_raises(text: str) -> None:
    positions = _scan_positions(text)
    for line, column in [*positions.keys.values(), *positions.headers.values()]:
        assert 1 <= line <= text.count("\n") + 1 and column >= 1
