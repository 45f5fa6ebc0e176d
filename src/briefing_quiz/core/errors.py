"""Errors the user is meant to read. The CLI prints `str(error)` and exits non-zero; never a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefing_quiz.core.visible import one_line


class BriefingQuizError(Exception):
    """Base of every error whose message is written for the user."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in a deck (or config) file, with the finest position known."""

    path: Path | None
    message: str
    line: int | None = None
    column: int | None = None
    card_id: str | None = None

    def __str__(self) -> str:
        # One line per problem, whatever a file, key or card name holds: a newline in one could
        # otherwise forge a `file:1:1:` report line.
        where = one_line(str(self.path)) if self.path is not None else "<deck>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        where += ":"
        card = f" [card {one_line(self.card_id)}]" if self.card_id else ""
        return f"{where}{card} {one_line(self.message)}"


class DeckError(BriefingQuizError):
    """A deck file could not be loaded; `problems` lists every problem found in it, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ConfigError(BriefingQuizError):
    """The settings file is invalid; `problems` says where."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class StoreError(BriefingQuizError):
    """The progress file cannot be used (corrupt, foreign, locked too long, read-only, disk full)."""
