"""The TOML writer: every string survives a round trip through tomli; decks render as expected."""

from __future__ import annotations

import datetime as dt

import pytest
import tomli
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing_quiz.authoring.toml_writer import (
    CardDraft,
    DeckDraft,
    basic_string,
    key,
    multiline_string,
    render_deck,
    string,
    value,
)

# Text with the characters that need care: quotes, backslashes, every control character, newlines,
# and ordinary letters from beyond ASCII.
tricky_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(['"', "\\", "\n", "\r", "\t", "'", "\x7f", "\x00", "\x1b", "#", "=", "["]),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)


@settings(deadline=None, max_examples=150)
@given(tricky_text)
def test_basic_string_round_trips(text: str) -> None:
    assert tomli.loads(f"k = {basic_string(text)}")["k"] == text


@settings(deadline=None, max_examples=150)
@given(tricky_text)
def test_multiline_string_round_trips(text: str) -> None:
    assert tomli.loads(f"k = {multiline_string(text)}")["k"] == text


@settings(deadline=None, max_examples=150)
@given(st.lists(tricky_text, max_size=6))
def test_lists_round_trip(items: list[str]) -> None:
    assert tomli.loads(f"k = {value(items)}\nafter = 1")["k"] == items


@settings(deadline=None, max_examples=150)
@given(tricky_text.filter(lambda t: t != ""))
def test_keys_round_trip(name: str) -> None:
    assert tomli.loads(f"{key(name)} = 1") == {name: 1}


HOSTILE = "a\x1b]0;t\x07\x9b31m\u202eb\u2066c\u2028d\u2029e\x85f\x7f"
RAW = ("\x1b", "\x07", "\x7f", "\x9b", "\x85", "\u202e", "\u2066", "\u2028", "\u2029")


@pytest.mark.parametrize("text", [HOSTILE, HOSTILE + "\nsecond line " + HOSTILE])
def test_no_control_bidi_or_separator_is_written_raw(text: str) -> None:
    """A deck written from a hostile import: `cat` of the file shows no raw C1 control or bidi
    override (TOML allows them raw; we escape them), and the value read back is the same."""
    for written in (string(text), key(text), value([text])):
        assert not [c for c in RAW if c in written], written
    assert tomli.loads(f"k = {string(text)}")["k"] == text
    assert tomli.loads(f"{key(text)} = 1") == {text: 1}


def test_strings_stay_readable() -> None:
    assert basic_string('say "hi"\tnow') == '"say \\"hi\\"\tnow"'
    assert string("one\ntwo") == '"""\none\ntwo"""'
    # Quotes in multi-line text are escaped only where three would meet or one touches the end.
    assert multiline_string('a "b"\n""""') == '"""\na "b"\n""\\"\\""""'
    assert basic_string("\x00\x7f") == '"\\u0000\\u007F"'


def test_values_of_every_kind() -> None:
    assert value(True) == "true"
    assert value(3) == "3"
    assert value(0.5) == "0.5"
    assert value(dt.date(2022, 2, 14)) == "2022-02-14"
    long_list = [f"item number {i}" for i in range(8)]
    rendered = value(long_list)
    assert rendered.startswith("[\n    ") and tomli.loads(f"k = {rendered}")["k"] == long_list
    with pytest.raises(ValueError):
        value(float("nan"))


def test_render_deck_reports_card_header_lines() -> None:
    draft = DeckDraft(
        id="d", title="Title\nwith a line break", tags=["a"],
        source=[("title", "Essay"), ("date", dt.date(2022, 2, 14))],
        header=["A comment", ""],
        cards=[
            CardDraft([("id", "one"), ("type", "basic"), ("question", "Q\nQ"), ("answer", "A")]),
            CardDraft([("id", "two"), ("type", "truefalse"), ("statement", "S"), ("answer", False)],
                      comment="second card"),
        ],
    )
    text, lines = render_deck(draft)
    rows = text.split("\n")
    assert [rows[n - 1] for n in lines] == ["[[cards]]", "[[cards]]"]
    assert rows[lines[1] - 2] == "# second card"
    doc = tomli.loads(text)
    assert doc["format"] == 1
    assert doc["deck"] == {"id": "d", "title": "Title\nwith a line break", "tags": ["a"],
                           "source": {"title": "Essay", "date": dt.date(2022, 2, 14)}}
    assert doc["cards"][0]["question"] == "Q\nQ"
    assert doc["cards"][1]["answer"] is False
    assert text.startswith("# A comment\n#\n\nformat = 1\n")
