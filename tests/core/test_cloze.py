"""Cloze parsing and rendering (Anki syntax), and agreement of the fast and exact parsers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing_quiz.core.cloze import (
    ClozeSyntaxError,
    _parse_exact,
    cloze_answers,
    parse_cloze,
    render_cloze,
)
from briefing_quiz.core.model import ClozeDeletion

TEXT = "The {{c1::Kremlin::who?}} painted itself into {{c2::a corner}}; {{c1::Moscow}} chose."


def test_parse_in_text_order_with_offsets() -> None:
    deletions = parse_cloze(TEXT)
    assert deletions == (
        ClozeDeletion(1, "Kremlin", "who?", 4, 25),
        ClozeDeletion(2, "a corner", None, 46, 62),
        ClozeDeletion(1, "Moscow", None, 64, 78),
    )
    for d in deletions:
        assert TEXT[d.start:d.start + 2] == "{{" and TEXT[d.end - 2:d.end] == "}}"


def test_render_masks_only_the_item_and_shows_hints() -> None:
    assert render_cloze(TEXT, 1) == "The [who?] painted itself into a corner; [...] chose."
    assert render_cloze(TEXT, 2) == "The Kremlin painted itself into [...]; Moscow chose."
    assert render_cloze(TEXT, 2, mask="___") == "The Kremlin painted itself into ___; Moscow chose."
    revealed = "The Kremlin painted itself into a corner; Moscow chose."
    assert render_cloze(TEXT, 1, reveal=True) == revealed
    assert render_cloze(TEXT, 3) == revealed  # an item with no deletion hides nothing


def test_answers_of_an_item_in_text_order() -> None:
    assert cloze_answers(TEXT, 1) == ("Kremlin", "Moscow")
    assert cloze_answers(TEXT, 2) == ("a corner",)
    assert cloze_answers(TEXT, 9) == ()


def test_answers_keep_colons_and_single_braces_hints_keep_double_colons() -> None:
    assert parse_cloze("At {{c1::10:30}} on {{c2::x::a::b}}") == (
        ClozeDeletion(1, "10:30", None, 3, 16), ClozeDeletion(2, "x", "a::b", 20, 35))
    assert cloze_answers("A {{c1::{set}}} B", 1) == ("{set",)  # ends at the first "}}"
    assert cloze_answers("{{c01::x}}", 1) == ("x",)
    assert parse_cloze("{{c1::x::}}")[0].hint is None  # an empty hint is no hint
    assert parse_cloze("{{c1::x::  }}")[0].hint is None


@pytest.mark.parametrize(("text", "message", "offset"), [
    ("No gap here.", "no deletions: mark each answer like {{c1::answer}}", None),
    ("", "no deletions: mark each answer like {{c1::answer}}", None),
    ("The {{c1::Kremlin", "unclosed '{{': a deletion ends with '}}'", 4),
    ("A {{c1::x}} and {{c2::y", "unclosed '{{': a deletion ends with '}}'", 16),
    ("{{c1::a {{c2::b}} c}}", "'{{' inside a deletion: deletions cannot be nested", 8),
    ("{{x}}", "'{{' must start a deletion such as {{c1::answer}} or {{c1::answer::hint}}", 0),
    ("{{{c1::x}}}", "'{{' must start a deletion such as {{c1::answer}} or {{c1::answer::hint}}", 0),
    ("{{C1::x}}", "'{{' must start a deletion such as {{c1::answer}} or {{c1::answer::hint}}", 0),
    ("{{c1234567::x}}",
     "'{{' must start a deletion such as {{c1::answer}} or {{c1::answer::hint}}", 0),
    ("{{c0::x}}", "deletion numbers start at 1 (c1, c2, ...), not c0", 0),
    ("{{c1::}}", "deletion c1 has an empty answer", 0),
    ("{{c2::  ::hint}}", "deletion c2 has an empty answer", 0),
    ("A {c1::typo}} and {{c2::fine}}", "a deletion starts with two braces: '{{c1::'", 2),
])
def test_syntax_errors(text: str, message: str, offset: int | None) -> None:
    with pytest.raises(ClozeSyntaxError) as caught:
        parse_cloze(text)
    assert (caught.value.message, caught.value.offset) == (message, offset)
    where = "" if offset is None else f" (at character {offset + 1})"
    assert str(caught.value) == message + where
    with pytest.raises(ClozeSyntaxError):
        render_cloze(text, 1)


def test_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="no deletions"):
        parse_cloze("plain")


# Texts made of the pieces that matter to the syntax, so that near-misses are common.
PIECES = st.sampled_from(["{{", "}}", "{", "}", "c1::", "c2::", "c0::", "c12::", "::", ":", "c",
                          " ", "a", "Kyiv", "1", "\n", "é", "\\"])
TEXTS = st.lists(PIECES, max_size=14).map("".join) | st.text(max_size=40)


@settings(deadline=None, max_examples=400)
@given(TEXTS)
def test_fast_parser_agrees_with_the_exact_one(text: str) -> None:
    try:
        expected: tuple[ClozeDeletion, ...] | ClozeSyntaxError = _parse_exact(text)
    except ClozeSyntaxError as error:
        expected = error
    try:
        got: tuple[ClozeDeletion, ...] | ClozeSyntaxError = parse_cloze(text)
    except ClozeSyntaxError as error:
        got = error
    if isinstance(expected, ClozeSyntaxError):
        assert isinstance(got, ClozeSyntaxError)
        assert (got.message, got.offset) == (expected.message, expected.offset)
    else:
        assert got == expected


@settings(deadline=None, max_examples=200)
@given(TEXTS)
def test_render_invariants(text: str) -> None:
    try:
        deletions = parse_cloze(text)
    except ClozeSyntaxError:
        return
    revealed = render_cloze(text, 0, reveal=True)
    for d in deletions:
        assert text[d.start:d.end].startswith("{{c") and text[d.start:d.end].endswith("}}")
        assert d.answer.strip() and d.number >= 1
    for item in {d.number for d in deletions}:
        assert render_cloze(text, item, reveal=True) == revealed
        shown = render_cloze(text, item, mask="\x00")
        hidden = [d for d in deletions if d.number == item and d.hint is None]
        assert shown.count("\x00") == len(hidden)
        assert cloze_answers(text, item) == tuple(d.answer for d in deletions if d.number == item)
