"""`briefing-quiz coverage DECK [--json]`: the deck's source sentence by sentence, each quoted by
some card or not, the facts and line of each one no card quotes, and the share of fact-bearing
sentences covered (the statistics screen shows the same figure, `services.evidence`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.visible import one_line
from briefing_quiz.services.exit_codes import EXIT_OK

__all__ = ["run_coverage"]

_WIDTH = 100


def run_coverage(spec: str, deck_dirs: list[Path], *, as_json: bool, out: TextIO) -> int:
    """Print the coverage of the deck `spec` (an id or a deck file) by its cards."""
    from briefing_quiz.authoring.exporters import find_deck
    from briefing_quiz.services.evidence import deck_coverage, source_path

    deck = find_deck(spec, deck_dirs)
    found = deck_coverage(deck)
    path = source_path(deck)
    if found is None or path is None:
        raise BriefingQuizError(f"{one_line(str(deck.path))}: the deck names no source file; add "
                                '[deck.source] file = "PATH" (relative to the deck file)')
    percent = found.percent
    if as_json:
        print(json.dumps({
            "deck": deck.id, "source": str(path), "fact_bearing": found.fact_bearing,
            "covered": found.covered, "percent": None if percent is None else round(percent, 1),
            "sentences": [{"line": s.line, "text": s.text, "covered": s.covered,
                           "facts": [{"kind": f.kind, "text": f.text} for f in s.facts]}
                          for s in found.sentences]}, ensure_ascii=False), file=out)
        return EXIT_OK
    name = one_line(path.name)  # a shared deck's file name: it must not forge a line
    for sentence in found.sentences:
        mark = "+" if sentence.covered else "-"
        text = " ".join(sentence.text.split())
        if len(text) > _WIDTH:
            text = text[:_WIDTH - 1] + "…"
        print(f"{mark} {name}:{sentence.line}: {text}", file=out)
        if not sentence.covered and sentence.facts:
            facts = "; ".join(f"{f.kind} {one_line(f.text)}" for f in sentence.facts)
            print(f"      not asked: {facts}", file=out)
    figure = "no numbers, dates or names" if percent is None else f"{percent:.0f}%"
    print(f"{deck.id}: {found.covered} of {found.fact_bearing} fact-bearing sentences of "
          f"{name} quoted by a card ({figure}); + quoted, - not", file=out)
    return EXIT_OK
