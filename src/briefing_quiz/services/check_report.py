"""Where `briefing-quiz check` writes what it finds: lines of text as before, or (`--json`) one
JSON object at the end, for editors and scripts.

The JSON object::

    {"ok": true|false, "exit_code": 0|1, "checked": decks checked, "cards": cards in good decks,
     "decks": [{"file", "id", "cards", "ok"}],
     "problems": [{"file", "line", "col", "severity": "error", "rule", "message", "card"}],
     "warnings": [{... "severity": "warning", ..., "fix" (lint only)}],
     "summary": "the last line of the text report"}

`rule` names the kind of finding: `deck` (the file cannot be loaded: TOML, format or card
errors), `path` (a named path that is missing, or not a deck file), `evidence` (a quote not
found in the source), `source` (the source cannot be read), `stale` (past `valid_until`),
`files` (a folder that cannot be searched), or the lint's rule id. Deck text in the JSON is
as written (JSON escapes it); in text it is made visible (`one_line`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from briefing_quiz.core.visible import one_line

if TYPE_CHECKING:
    from briefing_quiz.core.errors import Problem
    from briefing_quiz.core.lint import LintWarning

__all__ = ["CheckReport"]


def _record(severity: str, rule: str, message: str, path: Path | None, line: int | None = None,
            column: int | None = None, card: str | None = None) -> dict[str, object]:
    return {"file": None if path is None else str(path), "line": line, "col": column,
            "severity": severity, "rule": rule, "message": message, "card": card}


class CheckReport:
    """Text lines on `out` as they come, or everything as one JSON object at `finish`."""

    def __init__(self, out: TextIO, *, as_json: bool = False) -> None:
        self.out, self.as_json = out, as_json
        self.decks: list[dict[str, object]] = []
        self.problems: list[dict[str, object]] = []
        self.warnings: list[dict[str, object]] = []

    def text(self, line: str) -> None:
        """A line of the text report only (summaries, counts)."""
        if not self.as_json:
            print(line, file=self.out)

    def problem(self, problem: Problem, rule: str = "deck") -> None:
        self.problems.append(_record("error", rule, problem.message, problem.path, problem.line,
                                     problem.column, problem.card_id))
        self.text(str(problem))

    def warning(self, message: str, rule: str, *, path: Path | None = None,
                line: int | None = None, card: str | None = None, text: str | None = None
                ) -> None:
        """A warning; `text` is its line in the text report (default: `warning: MESSAGE`)."""
        self.warnings.append(_record("warning", rule, message, path, line, None, card))
        self.text(text if text is not None else f"warning: {one_line(message)}")

    def lint(self, found: LintWarning) -> None:
        record = _record("warning", found.rule, found.message, found.path, found.line,
                         found.column, found.card_id)
        record["fix"] = found.fix
        self.warnings.append(record)
        self.text(str(found))

    def deck(self, path: Path, deck_id: str | None, cards: int, ok: bool) -> None:
        self.decks.append({"file": str(path), "id": deck_id, "cards": cards, "ok": ok})

    def finish(self, summary: str, code: int, checked: int, cards: int) -> int:
        """The last line (text), or the whole JSON object; returns `code`."""
        if self.as_json:
            print(json.dumps({"ok": code == 0, "exit_code": code, "checked": checked,
                              "cards": cards, "decks": self.decks, "problems": self.problems,
                              "warnings": self.warnings, "summary": summary},
                             ensure_ascii=False), file=self.out)
        else:
            print(summary, file=self.out)
        return code
