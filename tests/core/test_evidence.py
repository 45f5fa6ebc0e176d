"""Finding a card's quote in its source: what is forgiven (white space, quote and dash variants,
an ellipsis between verbatim parts) and what is not, and the passage offered for a misquote."""

from __future__ import annotations

import pytest

from briefing_quiz.core.evidence import SourceText, fold, quote_parts

TEXT = (
    "The memo was written on a Friday.\n"
    "Some 130,000 troops were massed near the border \u2014 a \u201cbuild-up\u201d without\n"
    "precedent since 1991. Talks in Geneva ended without agreement.\n\n"
    "Ministers met again in Brussels on 12 February 2022, and the alliance\u2019s answer came late.\n"
)


@pytest.mark.parametrize("quote", [
    "Some 130,000 troops were massed near the border",
    "troops were massed near the border — a “build-up” without precedent",   # line break
    'near the border - a "build-up" without precedent',                     # plain dash, quotes
    "near the border--a",                                                   # no spaces round dash
    "the border \u2013 a \u201cbuild-up\u201d",                              # en dash
    "Some 130,000 troops … without precedent since 1991.",                  # ellipsis
    "Some 130,000 troops...Talks in Geneva",                                # three dots
    "the alliance's answer came late",                                      # straight apostrophe
    "  Ministers met   again\tin Brussels  ",                               # spacing
])
def test_quotes_copied_with_harmless_changes_are_found(quote: str) -> None:
    if "--" in quote:
        quote = quote.replace("--", "\u2014")
    assert SourceText(TEXT).contains(quote)


@pytest.mark.parametrize("quote", [
    "Some 120,000 troops were massed",          # a figure changed
    "some 130,000 troops were massed",          # case is not forgiven
    "Talks in Geneva ended … Some 130,000",     # parts out of order
    "Ministers met again in Brussel on",        # a word changed
    "…",                                        # nothing to find
])
def test_changed_quotes_are_not_found(quote: str) -> None:
    assert not SourceText(TEXT).contains(quote)


def test_fold_keeps_the_offset_of_every_character() -> None:
    folded, offsets = fold("a\u2014 \u201cb\u201d\n\nc")
    assert folded == 'a-"b" c'
    assert [("a\u2014 \u201cb\u201d\n\nc")[i] for i in offsets] == ["a", "\u2014", "\u201c", "b",
                                                                    "\u201d", "\n", "c"]


def test_quote_parts_split_at_each_ellipsis() -> None:
    assert quote_parts("… one two … three...four …") == ["one two", "three", "four"]


def test_the_closest_passage_of_a_misquote_and_its_line() -> None:
    source = SourceText(TEXT)
    near = source.closest("Ministers met once more in Brussels on 12 February 2022")
    assert near is not None
    assert near.text.startswith("Ministers met again in Brussels on 12 February 2022")
    assert near.line == 5
    other = source.closest("Some 120,000 troops were massed near the border")
    assert other is not None and "130,000 troops" in other.text and other.line == 2
    assert source.line_of(0) == 1
