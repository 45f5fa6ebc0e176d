"""What browse's detail panel shows for the highlighted card: its text, answers, source, state and
review history (`detail_content`), built from untrusted deck text with `ui.text` (never markup)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from textual.content import Content

from briefing_quiz.core.model import ChoiceCard, OpenCard, OrderCard
from briefing_quiz.core.progress.store import ReviewRecord
from briefing_quiz.core.scheduler import format_interval
from briefing_quiz.services.backend import CardRow
from briefing_quiz.ui.text import assemble, lines, one_line
from briefing_quiz.ui.widgets.cards import TYPE_LABELS, answer_text, prompt_content


def due_label(row: CardRow, now: datetime) -> str:
    if row.due is None:
        return "new"
    if row.due <= now:
        return "now"
    return format_interval(row.due - now)


def _when(at: datetime, tz: tzinfo | None) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def detail_content(row: CardRow, history: list[ReviewRecord] | None, now: datetime,
                   tz: tzinfo | None) -> Content:
    """The highlighted card in full: text, answers, source, state and review history."""
    card, key = row.card, row.key
    out: list[Content] = [
        assemble((f"{TYPE_LABELS[card.type]} ", "bold"), ("· ", ""), str(key)),
        prompt_content(card, key.item),
    ]
    if isinstance(card, ChoiceCard):
        out.extend(assemble("  ", ("✓ " if c in card.answers else "· ", "bold"), c)
                   for c in card.choices)
    elif isinstance(card, OrderCard):
        out.extend(assemble(f"  {i}. ", item) for i, item in enumerate(card.items_in_order, 1))
    elif isinstance(card, OpenCard):  # the points to make (with their terms), the model answer
        out.append(Content.styled(f"Points ({card.min_points} of {len(card.points)} make a "
                                  "pass):", "bold"))
        out.extend(assemble("  · ", point.label, (f"  ({'; '.join(point.terms)})", "italic"))
                   for point in card.points)
        out.append(assemble(("Model answer: ", "bold"), card.answer))
    else:
        out.append(assemble(("Answer: ", "bold"), answer_text(card, key.item)))
    if card.explain:
        out.append(assemble(("Why: ", "bold"), card.explain))
    if card.source:
        out.append(assemble(("Source: ", "bold"), ("“" + card.source + "”", "italic")))
        attribution = row.deck.source.attribution() if row.deck.source else ""
        if attribution:
            out.append(assemble("        — ", attribution))
    if card.tags:
        out.append(assemble(("Tags: ", "bold"), ", ".join(card.tags)))
    if card.path is not None:
        out.append(assemble(("File: ", "bold"), f"{card.path}:{card.line}"))
    state: list[str | Content | tuple[str, str]] = [("State: ", "bold"), row.phase]
    if row.due is not None:
        state.append(f" · due {_when(row.due, tz)} ({due_label(row, now)})")
    if row.stability is not None:
        state.append(f" · stability {row.stability:.1f}d")
    if row.recall is not None:
        state.append(f" · recall now {row.recall:.0%}")
    state.append(f" · {row.reps} review{'' if row.reps == 1 else 's'} · {row.lapses} "
                 f"lapse{'' if row.lapses == 1 else 's'}")
    if row.suspended:
        state.append((" · SUSPENDED", "bold $text-warning"))
    if row.buried:
        state.append((" · buried", "bold"))
    out.append(assemble(*state))
    if row.flag is not None:
        out.append(assemble(("⚑ Flagged", "bold $text-warning"),
                            f": {one_line(row.flag, 500)}" if row.flag else ""))
    out.append(Content.styled("Review history:", "bold"))
    if history is None:
        out.append(Content.styled("  loading…", "italic"))
    elif not history:
        out.append(Content.styled("  never reviewed", "italic"))
    for record in history or []:
        verdict = {True: ("✓ right", "$text-success"), False: ("✗ wrong", "$text-error"),
                   None: ("self-graded", "")}[record.correct]
        interval = format_interval(record.card_after.due - record.reviewed_at)
        parts: list[str | Content | tuple[str, str]] = [
            f"  {_when(record.reviewed_at, tz)}  {record.rating.name:<5}  ", verdict,
            f"  next {interval}",
        ]
        if record.given:
            parts.extend(["  answer: ", one_line(record.given, 80)])
        if record.undone:
            parts.append(("  (undone)", "italic"))
        out.append(assemble(*parts))
    return lines(out)
