"""Properties of the answer checker over arbitrary text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from briefing_quiz.core.grading import (
    check_cloze,
    check_order,
    check_typed,
    normalize_answer,
    parse_number,
)
from briefing_quiz.core.model import ClozeCard, OrderCard, Tolerance, TypedCard

# Text likely to hit the interesting paths: numbers with separators and multipliers, month names,
# articles, quotes and dashes, accents; plus fully arbitrary unicode.
_PIECES = st.sampled_from([
    "130,000", "1.5", "k", "m", "bn", "thousand", "-", "–", "—", ",", ".", ";", "%", "$", "€",
    "'", "’", "“", "”", "the", "a", "an", "Feb", "february", "11th", "3rd", "twenty", "one",
    "hundred", "and", "&", "U.S.", "Kyïv", "ß", "İ", " ", "  ", "\t", "000", "may", "per", "cent",
    "minus", "about", "~", "1,5", "10:30", "Ø", "½", "²", "ﬁ", "(", ")", "!", "?",
])
TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=10).map("".join),
    st.lists(_PIECES, max_size=8).map(" ".join),
)
# Answers a deck author would write: at least one letter or digit.
ANSWER = TEXT.filter(lambda s: any(c.isalnum() for c in s))
TOLERANCE = st.one_of(st.none(), st.builds(Tolerance, st.floats(0, 50), st.booleans()))
WRAPS = [("{}", ""), ("({})", ""), ('"{}."', ""), ("  {}!  ", ""), ("“{}”", ""), ("{}", "upper")]


@settings(deadline=None, max_examples=300)
@given(TEXT)
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_answer(text)
    assert normalize_answer(once) == once


@settings(deadline=None, max_examples=200)
@given(ANSWER, st.lists(ANSWER, max_size=2), TOLERANCE, st.sampled_from(WRAPS))
def test_answer_and_alternatives_always_check_right(
    answer: str, accept: list[str], tolerance: Tolerance | None, wrap: tuple[str, str]
) -> None:
    card = TypedCard(id="t", deck_id="d", question="?", answer=answer, accept=tuple(accept),
                     tolerance=tolerance)
    template, how = wrap
    for right in (answer, *accept):
        given_text = right.upper() if how == "upper" else template.format(right)
        assert check_typed(card, given_text).correct, (right, given_text)


@settings(deadline=None, max_examples=300)
@given(TEXT, st.lists(TEXT, max_size=2), TOLERANCE, TEXT)
def test_check_typed_never_raises(answer: str, accept: list[str], tolerance: Tolerance | None,
                                  given_text: str) -> None:
    card = TypedCard(id="t", deck_id="d", question="?", answer=answer, accept=tuple(accept),
                     tolerance=tolerance)
    result = check_typed(card, given_text)
    assert result.given == given_text
    parse_number(given_text)


@settings(deadline=None, max_examples=100)
@given(st.lists(ANSWER.filter(lambda s: "{" not in s and "}" not in s and ":" not in s
                              and ";" not in s), min_size=1, max_size=3), TEXT)
def test_cloze_gaps_right_when_joined_with_semicolons(answers: list[str], noise: str) -> None:
    text = " ".join(f"x {{{{c1::{a}}}}}" for a in answers)
    card = ClozeCard(id="c", deck_id="d", text=text, deletions=())
    assert check_cloze(card, 1, "; ".join(answers)).correct
    check_cloze(card, 1, noise)  # never raises


@settings(deadline=None, max_examples=100)
@given(st.lists(st.text(max_size=5), min_size=1, max_size=6, unique=True), st.randoms())
def test_order_counts_items_in_place(items: list[str], rnd: object) -> None:
    card = OrderCard(id="o", deck_id="d", question="?", items_in_order=tuple(items))
    shuffled = list(items)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    result = check_order(card, shuffled)
    assert result.in_place == sum(a == b for a, b in zip(items, shuffled, strict=True))
    assert result.correct is (shuffled == items)
