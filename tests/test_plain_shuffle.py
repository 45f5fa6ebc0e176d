"""Plain mode: a choice card that comes back is numbered anew, and the number typed is read in
the order shown that time (the option, not its place, is checked)."""

from __future__ import annotations

import re

from briefing_quiz.core.model import ChoiceCard
from briefing_quiz.core.progress.store import Store
from tests.test_plain import run, store  # noqa: F401  (the fixture)

CARD = ChoiceCard(id="c", deck_id="d", question="Where were the talks?",
                  choices=("Paris", "Berlin", "Geneva", "Vienna", "Rome", "Oslo"),
                  answers=("Geneva",))


def showings(lines: list[str]) -> list[tuple[list[str], str]]:
    """Each showing of the card: its options in the order numbered, and the verdict after it."""
    out: list[tuple[list[str], str]] = []
    options: list[str] | None = None
    for line in lines:
        if line.endswith("Where were the talks?"):
            options = []
        elif options is not None and (m := re.match(r"^  \d+\) (.*)$", line)):
            options.append(m.group(1))
        elif options is not None and line.startswith(("RIGHT", "WRONG")):
            out.append((options, line))
            options = None
    return out


def test_a_returning_choice_card_is_renumbered_and_checked_by_option(store: Store) -> None:  # noqa: F811
    # Always type 1 and take the suggested grade: wrong answers bring the card back.
    _code, lines = run(store, [CARD], "1\n\n" * 8 + "q\n", seed=5)
    seen = showings(lines)
    assert len(seen) >= 3
    assert len({tuple(options) for options, _ in seen}) >= 2
    for options, verdict in seen:
        assert sorted(options) == sorted(CARD.choices)
        assert verdict.startswith("RIGHT" if options[0] == "Geneva" else "WRONG")
