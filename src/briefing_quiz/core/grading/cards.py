"""Choice, true/false and order answers, and `check_answer`, which dispatches on the card type."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from briefing_quiz.core.grading.normalise import normalize_answer
from briefing_quiz.core.grading.result import CheckResult, result
from briefing_quiz.core.grading.typed import check_cloze, check_typed
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    Deck,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)

__all__ = ["check_answer", "check_choice", "check_order", "check_truefalse", "deck_year",
           "parse_truefalse"]


def check_choice(card: ChoiceCard, selected: Collection[str]) -> CheckResult:
    """Right when the selected choices are exactly the correct ones."""
    chosen, right = set(selected), set(card.answers)
    in_order = [c for c in card.choices if c in chosen] + sorted(chosen - set(card.choices))
    expected = [c for c in card.choices if c in right] + [a for a in card.answers
                                                          if a not in card.choices]
    detail = ""
    if card.multiple or len(right) > 1:
        detail = f"{len(chosen & right)} of {len(right)} right choices"
        if chosen - right:
            detail += f", {len(chosen - right)} wrong"
    return result(chosen == right, "; ".join(expected), "; ".join(in_order), detail=detail)


def _yes_no(value: bool) -> str:
    return "True" if value else "False"


def check_truefalse(card: TrueFalseCard, given: bool) -> CheckResult:
    return result(given == card.answer, _yes_no(card.answer), _yes_no(given))


_TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "right", "correct"})
_FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "wrong", "incorrect"})


def parse_truefalse(text: str) -> bool | None:
    """'true'/'t'/'yes'/'y'/'1' -> True, 'false'/'f'/'no'/'n'/'0' -> False, else None."""
    word = normalize_answer(text)
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return None


def check_order(card: OrderCard, given: Sequence[str]) -> CheckResult:
    """Right only when every item is in place; `in_place` counts the items that are."""
    items = card.items_in_order
    in_place = sum(a == b for a, b in zip(items, given, strict=False))
    correct = tuple(given) == items
    return result(correct, " → ".join(items), " → ".join(given), in_place=in_place,
                   total=len(items), detail=f"{in_place} of {len(items)} in place")


def deck_year(deck: Deck | None) -> int | None:
    """The year of the deck's `[deck.source] date`: the context year of its dates, if any."""
    if deck is None or deck.source is None or deck.source.date is None:
        return None
    return deck.source.date.year


def check_answer(card: Card, item: int, response: object, *,
                 context_year: int | None = None) -> CheckResult | None:
    """Check `response` for `card` (review item `item`); None for self-graded basic cards.

    `context_year`: the year of the deck's source (`deck_year`), for dates typed with a year
    when the card itself names none.

    Responses: str for typed and cloze; the selected choice texts (or one text) for choice; bool
    (or 'true'/'false'/'yes'/'no' text) for true/false; the items in the user's order for order.
    """
    if isinstance(card, BasicCard):
        return None
    if isinstance(card, TypedCard):
        return check_typed(card, _expect_str(card, response), context_year=context_year)
    if isinstance(card, ClozeCard):
        return check_cloze(card, item, _expect_str(card, response),
                           context_year=context_year)
    if isinstance(card, ChoiceCard):
        if isinstance(response, str):
            return check_choice(card, (response,))
        if isinstance(response, Collection) and all(isinstance(r, str) for r in response):
            return check_choice(card, response)
        raise TypeError(f"a choice card takes the selected choice texts, not {response!r}")
    if isinstance(card, TrueFalseCard):
        if isinstance(response, str):
            parsed = parse_truefalse(response)
            if parsed is None:
                raise ValueError(f"not true or false: {response!r}")
            response = parsed
        if not isinstance(response, bool):
            raise TypeError(f"a true/false card takes a bool, not {response!r}")
        return check_truefalse(card, response)
    if isinstance(card, OrderCard):
        if (isinstance(response, Sequence) and not isinstance(response, str)
                and all(isinstance(r, str) for r in response)):
            return check_order(card, response)
        raise TypeError(f"an order card takes the items in the user's order, not {response!r}")
    if card.type == "open":
        from briefing_quiz.core.open_answer import check_open  # it builds on this package

        return check_open(card, _expect_str(card, response))
    raise TypeError(f"unknown card type: {type(card).__name__}")


def _expect_str(card: Card, response: object) -> str:
    if not isinstance(response, str):
        raise TypeError(f"a {card.type} card takes the typed text, not {response!r}")
    return response
