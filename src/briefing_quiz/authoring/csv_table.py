"""A CSV/TSV table whose first row names the columns, read into `Note`s.

Header names are matched loosely (case, spaces and '_' ignored, common synonyms such as
`front`/`back` accepted) because the tables come from spreadsheets and quiz tools that name their
columns as they like; a column the importer does not use is reported, with the nearest known name.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from briefing_quiz.authoring.notes import (
    ImportFailed,
    Note,
    Parsed,
    RowProblem,
    records,
    sniff_delimiter,
    split_list,
    split_tags,
)

__all__ = ["COLUMN_ALIASES", "column_for", "read_csv"]

#: Header names accepted for each column (lower-case, spaces and '_' ignored), first is canonical.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "question": ("question", "front", "q", "prompt", "text", "statement"),
    "answer": ("answer", "back", "a"),
    "type": ("type", "cardtype", "kind"),
    "id": ("id", "cardid"),
    "tags": ("tags", "tag"),
    "source": ("source", "sources", "reference", "ref"),
    "explain": ("explain", "explanation", "notes", "note", "extra", "backextra"),
    "choices": ("choices", "options"),
    "accept": ("accept", "alternatives", "alsoaccept"),
    "tolerance": ("tolerance",),
    "items": ("items",),
    "points": ("points", "keypoints"),
    "min_points": ("minpoints",),
    "weight": ("weight",),
}
_ALIAS_TO_COLUMN = {alias: col for col, aliases in COLUMN_ALIASES.items() for alias in aliases}


def column_for(header: str) -> str | None:
    """The column a header cell names (e.g. "Back Extra" -> "explain"), or None."""
    name = re.sub(r"[\s_]+", "", header.strip().lower())
    return _ALIAS_TO_COLUMN.get(name)


def read_csv(text: str, path: Path) -> Parsed:
    """A table whose first row names the columns: `question,answer[,tags][,source][,explain]`, plus
    `type`, `id`, `choices`, `accept`, `tolerance`, `items` when present (see docs/authoring.md)."""
    # Leading '#' lines are comments (a file may say where it came from).
    lines = text.split("\n")
    skip = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    text = "\n".join(lines[skip:])
    delimiter = sniff_delimiter(text.split("\n", 1)[0], path)
    rows = records(text, delimiter, skip + 1, path)
    header: list[str] | None = None
    for _line, record in rows:
        if any(cell.strip() for cell in record):
            header = record
            break
    if header is None:
        raise ImportFailed(f"{path}: the file is empty")
    columns: list[str | None] = []
    warnings: list[str] = []
    seen: dict[str, str] = {}
    for cell in header:
        col = column_for(cell)
        if col is None:
            if cell.strip():
                guess = difflib.get_close_matches(cell.strip().lower(), list(_ALIAS_TO_COLUMN), n=1)
                hint = f" (did you mean '{guess[0]}'?)" if guess else ""
                warnings.append(f"{path}:1: column '{cell.strip()}' is not used{hint}")
        elif col in seen:
            raise ImportFailed(
                f"{path}:1: columns '{seen[col]}' and '{cell.strip()}' both give {col}"
            )
        else:
            seen[col] = cell.strip()
        columns.append(col)
    if "question" not in seen:
        names = ", ".join(repr(c.strip()) for c in header if c.strip())
        guesses = [(c.strip(), difflib.get_close_matches(c.strip().lower(), list(_ALIAS_TO_COLUMN),
                                                         n=1))
                   for c in header if c.strip() and column_for(c) is None]
        hints = "; ".join(f"'{cell}': did you mean '{guess[0]}'?" for cell, guess in guesses
                          if guess)
        raise ImportFailed(
            f"{path}:1: the first row must name the columns, e.g. 'question,answer,tags' "
            f"(found {names or 'nothing'}{'; ' + hints if hints else ''}); see docs/authoring.md"
        )
    notes: list[Note] = []
    problems: list[RowProblem] = []
    last_line = skip + text.rstrip("\n").count("\n") + 1
    for line, record in rows:
        if not any(cell.strip() for cell in record):
            continue
        if any(delimiter in c and "\n" in c for c in record) and _reaches_end(record, line,
                                                                              last_line):
            problems.append(RowProblem(line, "a quote opened on this row is never closed, so "
                                             "the rest of the file was read as one field"))
            continue
        extra = [c for c in record[len(columns):] if c.strip()]
        if extra:
            problems.append(RowProblem(line, f"{len(record)} fields but the header names "
                                             f"{len(columns)} (a quote or separator missing?)"))
            continue
        note = Note(line=line)
        for col, cell in zip(columns, record, strict=False):
            if col is not None:
                _set_cell(note, col, cell)
        notes.append(note)
    return Parsed(notes, problems, warnings)


def _reaches_end(record: list[str], line: int, last_line: int) -> bool:
    """True when `record` (starting on `line`) runs to the last line of the file."""
    return line + sum(c.count("\n") for c in record) >= last_line


def _set_cell(note: Note, column: str, cell: str) -> None:
    if column in ("choices", "accept", "items"):
        setattr(note, column, split_list(cell))
    elif column == "tags":
        note.tags = split_tags(cell)
    elif column == "points":  # one point per '|' part (see docs/authoring.md)
        note.points = [part.strip() for part in cell.split("|") if part.strip()]
    elif column in ("question", "answer", "explain"):
        setattr(note, column, cell.strip("\r\n").strip())
    else:
        setattr(note, column, cell.strip())
