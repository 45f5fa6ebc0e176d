"""Shown once a card is answered: the verdict, the right answer, why, and the source."""

from __future__ import annotations

from textual.content import Content

from briefing_quiz.core.grading import CheckResult
from briefing_quiz.core.model import (
    Card,
    ChoiceCard,
    ClozeCard,
    OpenCard,
    OrderCard,
    SourceInfo,
    TrueFalseCard,
    TypedCard,
)
from briefing_quiz.ui.text import assemble, diff, lines, one_line

RIGHT = ("✓ Right", "bold $text-success")
WRONG = ("✗ Wrong", "bold $text-error")
PARTLY = ("◐ Partly", "bold $text-warning")  # an open answer with some of its points


def verdict(result: CheckResult | None) -> Content:
    """'✓ Right' / '✗ Wrong' (with the checker's detail), or the self-grading prompt."""
    if result is None:
        return Content.styled("Grade yourself: how well did you know it?", "bold")
    detail = f" — {result.detail}" if result.detail else ""
    partly = not result.correct and any(made for _, made in result.points)
    return assemble(RIGHT if result.correct else PARTLY if partly else WRONG, detail)


def verdict_line(card: Card, item: int, result: CheckResult | None) -> Content:
    """One line that stays in view above the grades: the verdict and, when wrong, the answer."""
    if result is None:
        return Content.styled("Grade yourself: how well did you know it?", "bold")
    if result.correct or isinstance(card, OpenCard):  # its model answer is on the card
        return verdict(result)
    return assemble(verdict(result), ("  ·  answer: ", "bold"), one_line(result.expected, 300))


def feedback_content(card: Card, result: CheckResult | None, source: SourceInfo | None,
                     *, changed: bool = False) -> Content:
    """Everything shown below the answer once it is checked or revealed."""
    out: list[Content] = []
    if result is not None and isinstance(card, (TypedCard, ClozeCard)):
        expected, given = diff(result.expected, result.given)
        out.append(assemble(("Answer:    ", "bold"), expected))
        if not result.correct:
            out.append(assemble(("You wrote: ", "bold"),
                                given if result.given else Content.styled("(nothing)", "italic")))
    if result is not None and isinstance(card, (ChoiceCard, TrueFalseCard)) and not result.correct:
        out.append(assemble(("Answer:    ", "bold"), (result.expected, "bold")))
    if result is not None and isinstance(card, OrderCard) and not result.correct:
        out.append(Content.styled("Right order:", "bold"))
        out.extend(assemble(f"{i:>3}. ", item) for i, item in enumerate(card.items_in_order, 1))
    if isinstance(card, OpenCard):  # the checklist is the card's own (cards.OpenController)
        out.append(assemble(("Model answer: ", "bold"), card.answer))
        if result is not None:
            out.append(assemble(("You wrote: ", "bold"), result.given.strip()
                                or Content.styled("(nothing)", "italic")))
    if changed:
        out.append(Content.styled("⚠ This card changed since you last saw it.",
                                  "bold $text-warning"))
    if card.explain:
        out.append(assemble(("Why: ", "bold"), card.explain))
    if card.source:
        out.append(assemble(("Source: ", "bold"), ("“", "italic"), (card.source, "italic"),
                            ("”", "italic")))
        attribution = source.attribution() if source is not None else ""
        if attribution:
            out.append(assemble("        — ", attribution))
    return lines(out)
