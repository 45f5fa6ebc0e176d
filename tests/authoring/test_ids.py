"""Slugs and card ids made from question text."""

from __future__ import annotations

import pytest

from briefing_quiz.authoring import ids
from briefing_quiz.authoring.ids import card_id, slugify


@pytest.mark.parametrize(("text", "slug"), [
    ("What is the capital of Türkiye?", "what-is-the-capital-of-turkiye"),
    ("NATO–Russia «Founding Act»", "nato-russia-founding-act"),
    ("NATO's members", "natos-members"),
    ("日本", ""),
    ("  --  ", ""),
])
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_card_id_shape() -> None:
    long_question = "word " * 30
    cid = card_id(long_question, "k")
    assert len(cid) <= 32 + 7 and cid.startswith("word-word") and not cid.startswith("-")
    assert card_id("日本", "k").startswith("card-")


@pytest.mark.parametrize("text", ["a", "q1", "0-a", "a-", "a--b", "", "-a", "A", "a_b", "a b",
                                  "é", "a\n", "a\nb"])
def test_is_slug_is_the_deck_formats_rule(text: str) -> None:
    """The authoring tools accept exactly the ids the loader accepts."""
    from briefing_quiz.core.deckfile import rules

    assert ids.SLUG is rules.SLUG
    assert ids.is_slug(text) == (rules.is_slug(text) is not None)
