"""The cheat sheet (`briefing-quiz sheet DECK`): a deck's facts, weakest first, to read just before
the briefing.

Each card becomes one fact: its question and answer (a cloze card: its text with every gap filled
in and marked), then its recall at the briefing (or now, without a target) and its source quote.
Facts are ordered from the weakest recall to the strongest (a cloze card is as strong as its
weakest gap); ties keep deck order. A card with a gap never studied comes right after the cards
never studied, with the recall of its studied gaps and "1 of 2 gaps not studied yet". The output
depends only on the deck, the stored states and the times given, so it is stable (a snapshot test
holds it).

Markdown (`md`)::

    # Cheat sheet: <deck title>

    <n> facts, weakest first by recall at the briefing, Thu 2026-12-03 14:00 (readiness 64%).
    Source: <deck source>

    1. **Q:** <question>\\
       **A:** <answer>\\
       *recall 12%* — “<source quote>”

Plain text (`txt`) has the same lines without the markup ("Q: ", "A: "), cloze answers in
[brackets]. Never-studied cards say "not studied yet" instead of a recall. A card whose `weight` is
not 1 says so after its recall ("*recall 40%, weight 3*").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Literal, TypeVar

import fsrs

from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    Deck,
    ItemKey,
    OpenCard,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)
from briefing_quiz.core.progress.store import ItemState, Store
from briefing_quiz.core.scheduler import Scheduler
from briefing_quiz.core.study.formatting import format_local
from briefing_quiz.core.study.open_share import weigh_open
from briefing_quiz.core.study.queue import SettingsSource
from briefing_quiz.core.study.readiness import Readiness, aware_utc, summarize_readiness
from briefing_quiz.core.study.statistics import deck_scale

__all__ = ["SheetFact", "SheetFormat", "build_sheet", "card_strengths", "render_sheet",
           "sheet_facts", "weakest_first"]

SheetFormat = Literal["md", "txt"]
_T = TypeVar("_T")


def weakest_first(items: Iterable[tuple[_T, float]]) -> list[tuple[_T, float]]:
    """Items ordered from the lowest recall at the target to the highest; ties keep their order."""
    return sorted(items, key=lambda pair: pair[1])


def card_strengths(
    cards: Iterable[Card],
    states: Mapping[ItemKey, fsrs.Card],
    at: datetime,
    *,
    scheduler: Scheduler,
) -> list[tuple[Card, float]]:
    """Each card with its recall at `at`: the weakest of its items (a cloze card is as strong as its
    weakest gap); never-studied items count 0. In the order of `cards`; pass to `weakest_first`."""
    return [(card, min(values) if values else 0.0)
            for card, values in _item_recalls(cards, states, at, scheduler, unstudied=0.0)]


def _item_recalls(cards: Iterable[Card], states: Mapping[ItemKey, fsrs.Card], at: datetime,
                  scheduler: Scheduler, *, unstudied: float | None) -> list[tuple[Card, list[float]]]:
    """Each card with the recall of each of its items at `at` (a never-studied item: `unstudied`,
    or left out when None)."""
    at = aware_utc(at, "at")
    result: list[tuple[Card, list[float]]] = []
    for card in cards:
        values = []
        for item in card.items:
            state = states.get(ItemKey(card.deck_id, card.id, item))
            if state is not None:
                values.append(scheduler.retrievability(state, at))
            elif unstudied is not None:
                values.append(unstudied)
        result.append((card, values))
    return result


@dataclass(frozen=True, slots=True)
class SheetFact:
    """One card on the sheet: its recall at the sheet's time; `studied` False when none of its
    items was ever reviewed."""

    card: Card
    recall: float
    studied: bool
    #: Items (cloze gaps) never studied while others were: the recall is of the studied ones.
    unstudied: int = 0


def sheet_facts(deck: Deck, states: Mapping[ItemKey, ItemState], at: datetime, *,
                scheduler: Scheduler) -> list[SheetFact]:
    """The deck's cards, weakest first at `at`."""
    memory = {key: state.card for key, state in states.items() if state.card is not None}
    facts = []
    for card, values in _item_recalls(deck.cards, memory, at, scheduler, unstudied=None):
        missing = len(card.items) - len(values)
        studied = bool(values)
        facts.append(SheetFact(card, min(values) if values else 0.0, studied,
                               missing if studied else 0))
    # A card with a gap never studied is as weak as a card never studied (its recall, of the
    # studied gaps, is shown but does not rank it among the studied): after the cards never
    # studied, before every card studied whole; then by recall; ties keep deck order.
    return sorted(facts, key=lambda f: (f.recall if not f.unstudied and f.studied else 0.0,
                                        f.studied, f.recall))


def build_sheet(deck: Deck, store: Store | None, config: SettingsSource, *, now: datetime,
                tz: tzinfo | None = None, fmt: SheetFormat = "md") -> str:
    """The sheet of `deck` as the CLI prints it: at its briefing time while that is to come, else
    at `now`. `store` None: nothing studied yet. `tz`: for the times shown (None: the machine's)."""
    target = None if store is None else store.briefing_target(deck.id)
    briefing = target is not None and target > now
    at = target if briefing and target is not None else now
    states = {} if store is None else store.states(deck.id)
    scheduler = Scheduler(config.for_deck(deck.id))
    facts = sheet_facts(deck, states, at, scheduler=scheduler)
    ready = None
    if briefing:
        scale = deck_scale(store, deck.id, scheduler) if store is not None else None
        values = {key: scheduler.retrievability(state.card, at) for key, state in states.items()
                  if state.card is not None}
        if scale is not None:  # readiness: each forecast averaged over the scale (forecast.py)
            values = {key: scale.expected(value) for key, value in values.items()}
        ready = summarize_readiness(deck.cards, weigh_open(deck.cards, store, values), at)
    return render_sheet(deck, facts, at=at, tz=tz, readiness=ready, fmt=fmt)


def render_sheet(deck: Deck, facts: list[SheetFact], *, at: datetime, tz: tzinfo | None,
                 readiness: Readiness | None, fmt: SheetFormat = "md") -> str:
    """The text of the sheet. `readiness` given: `at` is the briefing (its readiness is shown);
    None: `at` is now."""
    md = fmt == "md"
    esc = _md if md else _plain
    when = format_local(at, tz)
    noun = "fact" if len(facts) == 1 else "facts"
    if readiness is not None:
        intro = (f"{len(facts)} {noun}, weakest first by recall at the briefing, {when} "
                 f"(readiness {readiness.percent}%).")
    else:
        intro = f"{len(facts)} {noun}, weakest first by recall now, {when} (no briefing to come)."
    lines = [f"# Cheat sheet: {esc(deck.title)}" if md else f"CHEAT SHEET: {_plain(deck.title)}"]
    if md:
        lines.append("")
    lines.append(intro)
    attribution = deck.source.attribution() if deck.source is not None else ""
    if attribution:
        lines.append("Source: " + esc(attribution))
    for number, fact in enumerate(facts, 1):
        lines.append("")
        lead = f"{number}. "
        pad = " " * len(lead)
        body = _fact_lines(fact.card, md)
        recall = (f"recall {math.floor(fact.recall * 100 + 1e-9)}%" if fact.studied
                  else "not studied yet")
        if fact.card.weight != 1.0:  # a must-know card says so
            recall += f", weight {fact.card.weight:g}"
        if fact.unstudied:
            recall += f"; {fact.unstudied} of {len(fact.card.items)} gaps not studied yet"
        last = f"*{recall}*" if md else recall
        if fact.card.source:
            last += f" — “{esc(_flat(fact.card.source))}”"
        as_of = deck.as_of(fact.card)
        if as_of is not None and (fact.card.as_of or any(map(str.isdigit, "".join(body)))):
            last += f" (as of {as_of.isoformat()})"  # a figure is true on a day, not forever
        body.append(last)
        # Markdown: a backslash at the end of a line is a hard line break inside the list item.
        joiner = "\\" if md else ""
        for index, text in enumerate(body):
            end = joiner if index < len(body) - 1 else ""
            lines.append(f"{lead if index == 0 else pad}{text}{end}")
    return "\n".join(lines) + "\n"


def _fact_lines(card: Card, md: bool) -> list[str]:
    esc = _md if md else _plain
    q, a = ("**Q:** ", "**A:** ") if md else ("Q: ", "A: ")
    if isinstance(card, ClozeCard):
        return [_filled_cloze(card, md)]
    if isinstance(card, (BasicCard, TypedCard)):
        question, answer = card.question, card.answer
    elif isinstance(card, ChoiceCard):
        question, answer = card.question, "; ".join(card.answers)
    elif isinstance(card, TrueFalseCard):
        question, answer = card.statement, "True" if card.answer else "False"
    elif isinstance(card, OrderCard):
        question, answer = card.question, " → ".join(card.items_in_order)
    elif isinstance(card, OpenCard):  # the model answer, then the points it must make
        points = ("**Points:** " if md else "Points: ") + "; ".join(
            esc(_flat(p.label)) for p in card.points)
        return [q + esc(_flat(card.question)), a + esc(_flat(card.answer)), points]
    else:  # pragma: no cover - every card type is handled above
        raise TypeError(f"unknown card type {type(card).__name__}")
    return [q + esc(_flat(question)), a + esc(_flat(answer))]


def _filled_cloze(card: ClozeCard, md: bool) -> str:
    """The cloze text with every gap's answer filled in: **bold** in Markdown, [bracketed] else."""
    esc = _md if md else _plain
    parts: list[str] = []
    position = 0
    for deletion in sorted(card.deletions, key=lambda d: d.start):
        parts.append(esc(card.text[position:deletion.start]))
        answer = esc(deletion.answer)
        parts.append(f"**{answer}**" if md else f"[{answer}]")
        position = deletion.end
    parts.append(esc(card.text[position:]))
    return _flat("".join(parts))


def _flat(text: str) -> str:
    """One line: every run of whitespace (newlines included) becomes one space."""
    return " ".join(text.split())


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<])")
_MD_LEADING = re.compile(r"^([#>+\-]|\d+(?=[.)]))")


def _md(text: str) -> str:
    """`text` with the characters Markdown would read as markup escaped (at the start of a line,
    also what would open a heading, a quote or a list: "# ", "> ", "- ", "1. ")."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    match = _MD_LEADING.match(escaped)
    if match is None:
        return escaped
    if match.group(1)[0].isdigit():
        end = match.end()
        return f"{escaped[:end]}\\{escaped[end:]}"  # "1986." -> "1986\."
    return "\\" + escaped


def _plain(text: str) -> str:
    return text
