"""Import a CSV/TSV file with a header row, or Anki's "Notes in Plain Text" export, as a deck.

Both readers (`csv_table`, `anki_text`) produce `Note`s (one per data row, with the row's first
line number); `draft.build_draft` turns them into card drafts, reporting each bad row with its
line; `import_file` then renders the TOML and has the deck loader validate the very bytes that will
be written, so a written deck always passes `check`. With `partial`, rows the loader refuses are
dropped and listed instead. The readers' and the draft's public names are re-exported here, the
one import path callers need.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing_quiz.authoring.anki_text import has_anki_header, read_anki_text
from briefing_quiz.authoring.csv_table import COLUMN_ALIASES, column_for, read_csv
from briefing_quiz.authoring.draft import build_draft, card_fields, normalize_tag
from briefing_quiz.authoring.files import write_new_file
from briefing_quiz.authoring.ids import is_slug, slugify
from briefing_quiz.authoring.notes import (
    MAX_IMPORT_BYTES,
    ImportFailed,
    Note,
    Parsed,
    RowProblem,
    read_text,
    sniff_delimiter,
    split_list,
    split_tags,
)
from briefing_quiz.authoring.toml_writer import CardDraft, DeckDraft, render_deck
from briefing_quiz.core.errors import DeckError, Problem

__all__ = [
    "COLUMN_ALIASES",
    "MAX_IMPORT_BYTES",
    "ImportFailed",
    "ImportResult",
    "Note",
    "Parsed",
    "RowProblem",
    "build_draft",
    "card_fields",
    "default_deck_id",
    "import_file",
    "normalize_tag",
    "read_anki_text",
    "read_csv",
    "read_notes",
    "split_list",
    "split_tags",
    "write_import",
]


#: Anki packages (zip files) rather than text: `authoring/apkg.py` reads them.
ANKI_PACKAGES = (".apkg", ".colpkg")


@dataclass
class ImportResult:
    """What `import_file` made: the deck text (None when nothing may be written), the cards written,
    the rows left out, and warnings (e.g. media not imported)."""

    text: str | None
    draft: DeckDraft
    problems: list[RowProblem]
    warnings: list[str]

    @property
    def card_count(self) -> int:
        return len(self.draft.cards)


def read_notes(path: Path) -> Parsed:
    """Read `path` as an Anki plain-text export when it starts with Anki's header lines (or is a
    `.txt` file without a header row), else as a CSV/TSV table with a header row."""
    if path.suffix.lower() in ANKI_PACKAGES:
        from briefing_quiz.authoring.apkg import read_apkg

        return read_apkg(path).parsed
    text = read_text(path)
    if has_anki_header(text):
        return read_anki_text(text, path)
    if path.suffix.lower() == ".txt":
        first = text.split("\n", 1)[0]
        cells = first.split("\t") if "\t" in first else first.split(sniff_delimiter(first, path))
        if not any(column_for(c) == "question" for c in cells):
            return read_anki_text(text, path)
    return read_csv(text, path)


# --------------------------------------------------------------------------------------------------
# Validating with the loader and writing


def _problems_by_card(error: DeckError, card_lines: Sequence[int],
                      cards: Sequence[CardDraft]) -> tuple[dict[int, list[str]], list[Problem]]:
    """Loader problems attached to the card (index) whose table holds their line; the rest apart."""
    by_card: dict[int, list[str]] = {}
    other: list[Problem] = []
    ids = {c.get("id"): i for i, c in enumerate(cards)}
    for problem in error.problems:
        index: int | None = None
        if problem.card_id is not None and problem.card_id in ids:
            index = ids[problem.card_id]
        elif problem.line is not None and card_lines and problem.line >= card_lines[0]:
            index = bisect.bisect_right(card_lines, problem.line) - 1
        if index is None:
            other.append(problem)
        else:
            by_card.setdefault(index, []).append(problem.message)
    return by_card, other


def import_file(src: Path, *, deck_id: str, title: str | None = None, partial: bool = False,
                out_path: Path | None = None) -> ImportResult:
    """Read `src`, build the deck and validate it with the loader.

    `text` is None when rows were bad and `partial` is false (nothing may be written then).
    """
    from briefing_quiz.core.deckfile import loads_deck
    from briefing_quiz.services.gc_policy import paused_collector

    if not is_slug(deck_id):
        raise ImportFailed(f"deck id '{deck_id}' must be lower-case letters, digits and '-' "
                           "(give one with --deck-id)")
    parsed = read_notes(src)
    deck_title = title or parsed.title_hint or _title_from(out_path or src)
    draft, problems = build_draft(parsed, deck_id=deck_id, title=deck_title)
    draft.header = (f"Imported from {src.name} by 'briefing-quiz import'.",
                    "Card ids were made from the questions: keep them when you edit a card,",
                    "so that its progress is kept. Format: docs/deck-format.md")
    # Each round drops the cards the loader refused; one round is the rule, the bound a safety net.
    for _round in range(5):
        if not draft.cards:
            if problems:  # every row is bad: each one's problem is listed (run_import)
                problems.sort(key=lambda p: p.line)
                return ImportResult(None, draft, problems, parsed.warnings)
            raise ImportFailed(f"{src}: no card could be imported (the file has no rows)")
        text, card_lines = render_deck(draft)
        try:
            with paused_collector():
                loads_deck(text.encode("utf-8"), out_path)
        except DeckError as error:
            by_card, other = _problems_by_card(error, card_lines, draft.cards)
            if other:
                raise ImportFailed("the imported deck is invalid: " +
                                   "; ".join(str(p) for p in other)) from None
            for index, messages in by_card.items():
                line = draft.cards[index].origin or 0
                problems.extend(RowProblem(line, m) for m in messages)
            draft.cards = [c for i, c in enumerate(draft.cards) if i not in by_card]
            problems.sort(key=lambda p: p.line)
            continue
        if problems and not partial:
            return ImportResult(None, draft, problems, parsed.warnings)
        return ImportResult(text, draft, problems, parsed.warnings)
    raise ImportFailed(f"{src}: the deck still fails validation after dropping the bad rows")


def _title_from(path: Path) -> str:
    words = re.sub(r"[-_]+", " ", path.stem).strip()
    return (words[:1].upper() + words[1:]) if words else "Imported deck"


def default_deck_id(out_path: Path) -> str:
    return slugify(out_path.stem)


def write_import(result: ImportResult, out_path: Path, *, force: bool = False) -> None:
    if result.text is None:
        raise ImportFailed("nothing was written: some rows are bad (see above)")
    write_new_file(out_path, result.text, force=force)
