"""What a lint rule returns (`Finding`) and what a warning is once placed in a file (`LintWarning`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Finding", "LintWarning"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One flaw found by a rule: in card `card_id` (None: the deck), at the card's key `key`
    (e.g. ("choices",); empty: the card's header), with `other` the second card of a pair."""

    message: str
    card_id: str | None = None
    key: tuple[str | int, ...] = ()
    other: str | None = None


@dataclass(frozen=True, slots=True)
class LintWarning:
    """A finding with its rule, its one-line fix and its place in the deck file."""

    rule: str
    message: str
    fix: str
    path: Path | None = None
    line: int | None = None
    column: int | None = None
    card_id: str | None = None
    other: str | None = None

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else "<deck>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        card = f" card {self.card_id}:" if self.card_id else ""
        # Deck text (ids, options, file names) must not break the one-line-per-warning form.
        from briefing_quiz.core.visible import one_line

        return one_line(f"{where}: [{self.rule}]{card} {self.message}; fix: {self.fix}")

    def as_json(self) -> dict[str, object]:
        return {"path": None if self.path is None else str(self.path), "line": self.line,
                "column": self.column, "rule": self.rule, "card": self.card_id,
                "other_card": self.other, "message": self.message, "fix": self.fix}
