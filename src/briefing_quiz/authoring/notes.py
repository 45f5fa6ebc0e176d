"""What every input reader produces, and the text handling the readers share.

A reader (`csv_table.read_csv`, `anki_text.read_anki_text`) turns a file into `Note`s, one per
data row with the row's first line number, plus the rows it could not read (`RowProblem`) and
warnings; `draft.build_draft` then checks the notes and makes the cards.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from briefing_quiz.core.errors import BriefingQuizError

__all__ = [
    "MAX_IMPORT_BYTES",
    "ImportFailed",
    "Note",
    "Parsed",
    "RowProblem",
    "read_text",
    "records",
    "sniff_delimiter",
    "split_list",
    "split_tags",
]

MAX_IMPORT_BYTES = 50 * 1024 * 1024  # a bigger "CSV" is almost surely the wrong file

LINE_END = re.compile(r"\r\n?")
#: The start of a cloze deletion, `{{c1::`: a note whose text has one becomes a cloze card.
CLOZE_MARK = re.compile(r"\{\{c\d+::")


class ImportFailed(BriefingQuizError):
    """The input cannot be imported at all (unreadable, no header, nothing valid)."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row that cannot become a card; `line` is the row's first line in the input file."""

    line: int
    message: str

    def format(self, path: Path | str) -> str:
        from briefing_quiz.core.visible import one_line

        return f"{one_line(str(path))}:{self.line}: {one_line(self.message)}"


@dataclass
class Note:
    """One row of an input file, as plain text, before it is checked."""

    line: int
    question: str = ""
    answer: str = ""
    type: str = ""  # as written; "" lets the importer choose (cloze when the text has deletions)
    id: str = ""
    tags: list[str] = field(default_factory=list)
    source: str = ""
    explain: str = ""
    choices: list[str] = field(default_factory=list)
    accept: list[str] = field(default_factory=list)
    tolerance: str = ""
    items: list[str] = field(default_factory=list)
    points: list[str] = field(default_factory=list)  # open cards: "label :: term; term" each
    min_points: str = ""
    weight: str = ""  # a must-know card's weight, as written ("" : 1)
    key: str = ""  # what the generated id hashes (Anki's GUID when known)
    deck: str = ""  # Anki deck name, when the file has a deck column


@dataclass
class Parsed:
    notes: list[Note]
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    title_hint: str | None = None


def read_text(path: Path) -> str:
    """The file's text with "\\n" line ends; every way it cannot be read is an `ImportFailed`."""
    from briefing_quiz.core.files import FileTooBigError, NotRegularFileError, read_regular

    try:
        raw = read_regular(path, MAX_IMPORT_BYTES)  # a FIFO or a device is refused, not read
    except FileTooBigError:
        size = path.stat().st_size
        raise ImportFailed(f"{path}: {size // (1024 * 1024)} MB is too big to import "
                           f"(the limit is {MAX_IMPORT_BYTES // (1024 * 1024)} MB)") from None
    except NotRegularFileError as error:
        raise ImportFailed(f"{path}: {error.strerror}") from None
    except IsADirectoryError:
        raise ImportFailed(f"{path}: is a folder, not a file") from None
    except FileNotFoundError:
        raise ImportFailed(f"{path}: no such file") from None
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8-sig")  # -sig: spreadsheets often start UTF-8 files with a BOM
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportFailed(
            f"{path}:{line}: not UTF-8 text; save the file as UTF-8 (in a spreadsheet: "
            "'CSV UTF-8') and import it again"
        ) from None
    # One kind of line end (old Mac spreadsheets write "\r" alone) keeps line numbers right.
    return LINE_END.sub("\n", text)


def records(text: str, delimiter: str, first_line: int,
            path: Path | str = "input") -> Iterator[tuple[int, list[str]]]:
    """CSV records with the 1-based line each starts on (quoted fields may span lines); a cell
    past the csv module's limit (128 KiB: no card's text is that long) is an `ImportFailed`."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    previous_end = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            limit = csv.field_size_limit()
            raise ImportFailed(
                f"{path}:{first_line + previous_end}: a cell of this row is longer than "
                f"{limit // 1024} KiB ({error}); no card's text is that long: is it the right "
                "file, with its quotes closed?") from None
        start = previous_end + 1
        previous_end = reader.line_num
        # Quoted cells keep the file's line ends; a deck wants plain "\n".
        yield first_line + start - 1, [LINE_END.sub("\n", cell) for cell in record]


def split_list(cell: str) -> list[str]:
    """A list cell: one entry per line, or entries separated by '|' when the cell is one line."""
    parts = cell.splitlines() if "\n" in cell.strip() else cell.split("|")
    return [p.strip() for p in parts if p.strip()]


def split_tags(cell: str) -> list[str]:
    """Tags separated by commas or semicolons when there are any (so a tag may hold spaces), else
    by spaces, as Anki writes them."""
    parts = re.split(r"[,;]", cell) if re.search(r"[,;]", cell) else cell.split()
    return [t.strip() for t in parts if t.strip()]


def sniff_delimiter(header_line: str, path: Path) -> str:
    """The separator a first line uses most (a `.tsv`/`.tab` file is tab-separated by name)."""
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    counts = {d: header_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
