"""Lint rules of order cards: too few items to order, and items that cannot be told apart in time."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from briefing_quiz.core.lint.base import Finding
from briefing_quiz.core.model import Card, OrderCard

__all__ = ["item_date", "same_date", "too_few"]

_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), 1) for name in names}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+(\d{{4}}))?\b", re.I)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


#: A date after one of these words is a reference point ("troops sent before February 11"), not
#: the date of the item.
_RELATIVE = frozenset(["before", "after", "since", "until", "till", "by", "from", "to", "than"])


def item_date(text: str) -> tuple[int | None, int | None, int | None] | None:
    """The (year, month, day) an order item is dated by, a bare year as (year, None, None); None
    when it names no date of its own."""
    for pattern, build in _DATES:
        for match in pattern.finditer(text):
            before = text[:match.start()].split()
            if not before or before[-1].lower() not in _RELATIVE:
                return build(match)
    return None


_DATES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[int | None, int | None,
                                                                        int | None]]], ...] = (
    (_ISO, lambda m: (int(m[1]), int(m[2]), int(m[3]))),
    (_DAY_MONTH, lambda m: (int(m[3]) if m[3] else None, _MONTHS[m[2].lower()], int(m[1]))),
    (_MONTH_DAY, lambda m: (int(m[3]) if m[3] else None, _MONTHS[m[1].lower()], int(m[2]))),
    (_YEAR, lambda m: (int(m[1]), None, None)),
)


def too_few(card: Card) -> Iterator[Finding]:
    """order-too-few: fewer than 3 items (two items are a true/false question)."""
    if isinstance(card, OrderCard) and len(card.items_in_order) < 3:
        yield Finding(f"only {len(card.items_in_order)} items to order", card.id, ("items",))


def same_date(card: Card) -> Iterator[Finding]:
    """order-same-date: two items dated the same day (or the same bare year)."""
    if not isinstance(card, OrderCard):
        return
    first: dict[tuple[int | None, int | None, int | None], int] = {}
    for i, item in enumerate(card.items_in_order, 1):
        date = item_date(item)
        if date is None:
            continue
        if date in first:
            yield Finding(f"items {first[date]} and {i} have the same date, so their order is "
                          "not a fact to know", card.id, ("items",))
        else:
            first[date] = i
