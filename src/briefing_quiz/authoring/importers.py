"""Import a CSV/TSV file with a header row, or Anki's "Notes in Plain Text" export, as a deck.

Both readers produce `Note`s (one per data row, with the row's first line number); `build_draft`
turns them into card drafts, reporting each bad row with its line; `import_file` then renders the
TOML and has the deck loader validate the very bytes that will be written, so a written deck always
passes `check`. With `partial`, rows the loader refuses are dropped and listed instead.
"""

from __future__ import annotations

import bisect
import csv
import difflib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefing_quiz.authoring.files import write_new_file
from briefing_quiz.authoring.htmltext import MEDIA, html_to_text
from briefing_quiz.authoring.ids import card_id, is_slug, slugify
from briefing_quiz.authoring.toml_writer import CardDraft, DeckDraft, TomlValue, render_deck
from briefing_quiz.core.errors import BriefingQuizError, DeckError, Problem
from briefing_quiz.core.model import CARD_TYPES, CardType

__all__ = [
    "ImportFailed",
    "ImportResult",
    "Note",
    "RowProblem",
    "build_draft",
    "import_file",
    "read_anki_text",
    "read_csv",
    "read_notes",
    "write_import",
]

MAX_IMPORT_BYTES = 50 * 1024 * 1024  # a bigger "CSV" is almost surely the wrong file

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
}
_ALIAS_TO_COLUMN = {alias: col for col, aliases in COLUMN_ALIASES.items() for alias in aliases}
_TYPE_ALIASES: dict[str, CardType] = {
    **{t: t for t in CARD_TYPES},
    "true/false": "truefalse", "true-false": "truefalse", "tf": "truefalse", "bool": "truefalse",
    "multiple-choice": "choice", "mcq": "choice", "multiplechoice": "choice",
    "type-in": "typed", "typein": "typed", "sequence": "order", "ordering": "order",
}
_TRUE = frozenset({"true", "t", "yes", "y", "1", "vrai", "wahr"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "faux", "falsch"})
_LINE_END = re.compile(r"\r\n?")
_ANKI_HEADER = re.compile(r"(?:#[^\n]*\n)*#(?:separator|html|tags|columns|notetype|deck|"
                          r"(?:tags|guid|notetype|deck) column)\s*:", re.IGNORECASE)
_CLOZE_MARK = re.compile(r"\{\{c\d+::")
_ANKI_SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|",
                    "colon": ":"}
_LOOKS_LIKE_HTML = re.compile(
    r"<(?:br|div|p|span|b|i|u|ul|ol|li|img|font|sup|sub)\b[^>]*>|&[a-z]+;", re.IGNORECASE
)


class ImportFailed(BriefingQuizError):
    """The input cannot be imported at all (unreadable, no header, nothing valid)."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row that cannot become a card; `line` is the row's first line in the input file."""

    line: int
    message: str

    def format(self, path: Path | str) -> str:
        return f"{path}:{self.line}: {self.message}"


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
    key: str = ""  # what the generated id hashes (Anki's GUID when known)
    deck: str = ""  # Anki deck name, when the file has a deck column


@dataclass
class Parsed:
    notes: list[Note]
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    title_hint: str | None = None


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


# --------------------------------------------------------------------------------------------------
# Reading


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise ImportFailed(f"{path}: {size // (1024 * 1024)} MB is too big to import")
        raw = path.read_bytes()
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
    return _LINE_END.sub("\n", text)


def _records(text: str, delimiter: str, first_line: int) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the 1-based line each starts on (quoted fields may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    previous_end = 0
    for record in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        # Quoted cells keep the file's line ends; a deck wants plain "\n".
        yield first_line + start - 1, [_LINE_END.sub("\n", cell) for cell in record]


def split_list(cell: str) -> list[str]:
    """A list cell: one entry per line, or entries separated by '|' when the cell is one line."""
    parts = cell.splitlines() if "\n" in cell.strip() else cell.split("|")
    return [p.strip() for p in parts if p.strip()]


def split_tags(cell: str) -> list[str]:
    """Tags separated by commas or semicolons when there are any (so a tag may hold spaces), else
    by spaces, as Anki writes them."""
    parts = re.split(r"[,;]", cell) if re.search(r"[,;]", cell) else cell.split()
    return [t.strip() for t in parts if t.strip()]


def _column_for(header: str) -> str | None:
    name = re.sub(r"[\s_]+", "", header.strip().lower())
    return _ALIAS_TO_COLUMN.get(name)


def _sniff_delimiter(header_line: str, path: Path) -> str:
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    counts = {d: header_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(text: str, path: Path) -> Parsed:
    """A table whose first row names the columns: `question,answer[,tags][,source][,explain]`, plus
    `type`, `id`, `choices`, `accept`, `tolerance`, `items` when present (see docs/authoring.md)."""
    # Leading '#' lines are comments (a file may say where it came from).
    lines = text.split("\n")
    skip = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    text = "\n".join(lines[skip:])
    delimiter = _sniff_delimiter(text.split("\n", 1)[0], path)
    records = _records(text, delimiter, skip + 1)
    header: list[str] | None = None
    for _line, record in records:
        if any(cell.strip() for cell in record):
            header = record
            break
    if header is None:
        raise ImportFailed(f"{path}: the file is empty")
    columns: list[str | None] = []
    warnings: list[str] = []
    seen: dict[str, str] = {}
    for cell in header:
        col = _column_for(cell)
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
        raise ImportFailed(
            f"{path}:1: the first row must name the columns, e.g. 'question,answer,tags' "
            f"(found {names or 'nothing'}); see docs/authoring.md"
        )
    notes: list[Note] = []
    problems: list[RowProblem] = []
    last_line = skip + text.rstrip("\n").count("\n") + 1
    for line, record in records:
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
    elif column in ("question", "answer", "explain"):
        setattr(note, column, cell.strip("\r\n").strip())
    else:
        setattr(note, column, cell.strip())


# One pass over the header lines and the records; each branch is one header key or field rule.
def read_anki_text(text: str, path: Path) -> Parsed:  # noqa: C901
    """Anki's "Notes in Plain Text" export: `#key:value` header lines, then one note per record.

    Honoured headers: `separator` (a name such as `tab`, or the character), `html`, `tags column`,
    `guid column`, `notetype column`, `deck column`, `tags` (tags for every note). Without headers
    the records are read as tab-separated fields, front first (as older Anki versions wrote).
    """
    lines = text.split("\n")
    meta: dict[str, str] = {}
    global_tags: list[str] = []
    n_meta = 0
    for i, raw in enumerate(lines):
        meta_line = raw.rstrip("\r")
        if i == 0 and meta_line.startswith("tags:"):
            global_tags = meta_line[5:].split()
        elif meta_line.startswith("#"):
            k, sep, v = meta_line[1:].partition(":")
            if sep:
                meta[k.strip().lower()] = v
        else:
            break
        n_meta = i + 1
    body = "\n".join(lines[n_meta:])
    warnings: list[str] = []
    sep_value = meta.get("separator")
    if sep_value is not None:
        name = sep_value.strip().lower()
        delimiter = _ANKI_SEPARATORS.get(name) or (sep_value if len(sep_value) == 1 else "")
        if not delimiter:
            raise ImportFailed(f"{path}: unknown '#separator:{sep_value}' (use tab, comma, "
                               "semicolon, space, pipe, colon or one character)")
    else:
        first = body.split("\n", 1)[0]
        delimiter = "\t" if "\t" in first else _sniff_delimiter(first, path)
    html_value = meta.get("html", "").strip().lower()
    is_html = html_value == "true" if html_value in ("true", "false") else bool(
        _LOOKS_LIKE_HTML.search(body))
    global_tags += meta.get("tags", "").split()

    def column(name: str) -> int | None:
        value = meta.get(name, "").strip()
        if not value:
            return None
        if not value.isdigit() or int(value) < 1:
            raise ImportFailed(
                f"{path}: '#{name}:{value}' must be a column number (1 is the first)"
            )
        return int(value) - 1

    tags_col = column("tags column")
    guid_col = column("guid column")
    notetype_col = column("notetype column")
    deck_col = column("deck column")
    meta_cols = {c for c in (tags_col, guid_col, notetype_col, deck_col) if c is not None}

    def clean(cell: str) -> str:
        return html_to_text(cell) if is_html else cell.replace("\r\n", "\n").strip()

    notes: list[Note] = []
    problems: list[RowProblem] = []
    media_lines: list[int] = []
    decks: set[str] = set()
    reversed_seen = False
    for line, record in _records(body, delimiter, n_meta + 1):
        if not any(cell.strip() for cell in record):
            continue
        fields = [cell for i, cell in enumerate(record) if i not in meta_cols]
        if any(MEDIA.search(f) for f in fields):
            media_lines.append(line)

        def meta_cell(col: int | None, record: list[str] = record) -> str:
            return record[col].strip() if col is not None and col < len(record) else ""

        notetype = meta_cell(notetype_col)
        guid = meta_cell(guid_col)
        deck = meta_cell(deck_col)
        if deck:
            decks.add(deck)
        texts = [clean(f) for f in fields]
        while texts and not texts[-1]:
            texts.pop()
        note = Note(line=line, key=f"anki-guid:{guid}" if guid else "", deck=deck)
        note.tags = [*global_tags, *meta_cell(tags_col).split()]
        kind = notetype.lower()
        front = texts[0] if texts else ""
        if "cloze" in kind or (not notetype and _CLOZE_MARK.search(front)):
            note.type = "cloze"
            note.question = front
            rest = texts[1:]
        else:
            note.type = "typed" if "type in" in kind else "basic"
            reversed_seen = reversed_seen or "reverse" in kind
            note.question = front
            note.answer = texts[1] if len(texts) > 1 else ""
            # The third field of "optional reversed card" is a switch, not content.
            rest = [] if "optional reverse" in kind else texts[2:]
        note.explain = "\n\n".join(t for t in rest if t)
        notes.append(note)
    if media_lines:
        more = " ..." if len(media_lines) > 8 else ""
        shown = ", ".join(str(n) for n in media_lines[:8]) + more
        warnings.append(f"{path}: images and sounds are not imported (lines {shown})")
    if reversed_seen:
        warnings.append(f"{path}: 'reversed card' notes are imported front-to-back only")
    title = next(iter(decks)).split("::")[-1] if len(decks) == 1 else None
    if len(decks) > 1:
        warnings.append(f"{path}: notes from {len(decks)} Anki decks go into one deck; each "
                        "card is tagged with its Anki deck")
        for note in notes:
            if note.deck:
                note.tags.append(note.deck)
    return Parsed(notes, problems, warnings, title_hint=title)


def read_notes(path: Path) -> Parsed:
    """Read `path` as an Anki plain-text export when it starts with Anki's header lines (or is a
    `.txt` file without a header row), else as a CSV/TSV table with a header row."""
    text = _read_text(path)
    if text.startswith("tags:") or _ANKI_HEADER.match(text):
        return read_anki_text(text, path)
    if path.suffix.lower() == ".txt":
        first = text.split("\n", 1)[0]
        cells = first.split("\t") if "\t" in first else first.split(_sniff_delimiter(first, path))
        if not any(_column_for(c) == "question" for c in cells):
            return read_anki_text(text, path)
    return read_csv(text, path)


# --------------------------------------------------------------------------------------------------
# Checking rows and building cards


def normalize_tag(tag: str) -> str:
    """Tags are kept as written (Anki's `a::b` hierarchy included), only trimmed."""
    return tag.strip()


def _resolve_type(note: Note) -> CardType:
    written = note.type.strip().lower()
    if not written:
        if _CLOZE_MARK.search(note.question):
            return "cloze"
        if note.choices:
            return "choice"
        if note.items:
            return "order"
        return "basic"
    resolved = _TYPE_ALIASES.get(written) or _TYPE_ALIASES.get(written.replace(" ", "-"))
    if resolved is None:
        guess = difflib.get_close_matches(written, list(CARD_TYPES), n=1)
        hint = f" (did you mean '{guess[0]}'?)" if guess else ""
        raise ValueError(f"unknown type '{note.type}'{hint}; one of {', '.join(CARD_TYPES)}")
    return resolved


def _choice_answers(note: Note) -> list[str]:
    wanted = split_list(note.answer) if note.answer else []
    if not wanted:
        raise ValueError("no answer: name the right choice (or choices, separated by '|')")
    out: list[str] = []
    for want in wanted:
        exact = [c for c in note.choices if c == want]
        loose = [c for c in note.choices if c.casefold() == want.casefold()]
        if exact or loose:
            out.append((exact or loose)[0])
        elif len(want) == 1 and want.isalpha() and ord(want.upper()) - 65 < len(note.choices):
            # "B" names the second choice, as many quiz spreadsheets do.
            out.append(note.choices[ord(want.upper()) - 65])
        else:
            raise ValueError(f"answer '{want}' is not one of the choices")
    return out


def card_fields(note: Note, kind: CardType) -> list[tuple[str, TomlValue]]:
    """The type-specific keys of a card, checked; raises ValueError with a message for the user."""
    q = note.question
    if not q:
        raise ValueError("no question" if kind != "cloze" else "no text")
    if kind == "basic":
        if not note.answer:
            raise ValueError("no answer")
        return [("question", q), ("answer", note.answer)]
    if kind == "typed":
        if not note.answer:
            raise ValueError("no answer")
        out: list[tuple[str, TomlValue]] = [("question", q), ("answer", note.answer)]
        if note.accept:
            out.append(("accept", note.accept))
        if note.tolerance:
            out.append(("tolerance", note.tolerance))
        return out
    if kind == "choice":
        if not 2 <= len(note.choices) <= 8:
            raise ValueError(f"a choice card needs 2 to 8 choices, not {len(note.choices)}")
        answers = _choice_answers(note)
        answer: TomlValue = answers[0] if len(answers) == 1 else answers
        return [("question", q), ("choices", note.choices), ("answer", answer)]
    if kind == "truefalse":
        word = note.answer.strip().lower()
        if word not in _TRUE | _FALSE:
            raise ValueError(f"answer '{note.answer}' is neither true nor false")
        return [("statement", q), ("answer", word in _TRUE)]
    if kind == "cloze":
        from briefing_quiz.core.cloze import parse_cloze

        parse_cloze(q)  # raises ClozeSyntaxError (a ValueError) with the position
        return [("text", q)]
    items = note.items or split_list(note.answer)
    if not 2 <= len(items) <= 12:
        raise ValueError(f"an order card needs 2 to 12 items, not {len(items)}")
    return [("question", q), ("items", items)]


def _readable(cloze_text: str) -> str:
    """A cloze text with its answers in place of the `{{c1::...}}` marks (for the card id)."""
    from briefing_quiz.core.cloze import render_cloze

    return render_cloze(cloze_text, 0, reveal=True)


def build_draft(parsed: Parsed, *, deck_id: str, title: str) -> tuple[DeckDraft, list[RowProblem]]:
    """Cards for every good note, and a problem for every bad one (in line order)."""
    problems = list(parsed.problems)
    cards: list[CardDraft] = []
    used: dict[str, int] = {}
    same: dict[tuple[str, str, str], int] = {}
    for note in parsed.notes:
        try:
            kind = _resolve_type(note)
            body = card_fields(note, kind)
        except ValueError as error:
            problems.append(RowProblem(note.line, str(error)))
            continue
        content = (kind, note.question, note.answer)
        if content in same and not note.key:
            problems.append(RowProblem(note.line, f"the same card as line {same[content]}"))
            continue
        same.setdefault(content, note.line)
        if note.id:
            cid = note.id.strip()
            if not is_slug(cid):
                problems.append(RowProblem(note.line, f"id '{cid}' must be lower-case letters, "
                                                      "digits and '-' (or leave it empty)"))
                continue
        else:
            key = note.key or f"{kind}\x1f{note.question}"
            words = _readable(note.question) if kind == "cloze" else note.question
            cid = card_id(words, key)
            if cid in used:  # same question twice: the answer tells them apart
                cid = card_id(words, f"{key}\x1f{note.answer}")
        if cid in used:
            problems.append(RowProblem(note.line, f"card id '{cid}' is already used on line "
                                                  f"{used[cid]}"))
            continue
        used[cid] = note.line
        fields: list[tuple[str, TomlValue]] = [("id", cid), ("type", kind), *body]
        tags = list(dict.fromkeys(t for t in (normalize_tag(t) for t in note.tags) if t))
        if tags:
            fields.append(("tags", tags))
        if note.source:
            fields.append(("source", note.source))
        explain = note.explain or (note.answer if kind == "cloze" else "")
        if explain:
            fields.append(("explain", explain))
        cards.append(CardDraft(fields, origin=note.line))
    problems.sort(key=lambda p: p.line)
    return DeckDraft(id=deck_id, title=title, cards=cards), problems


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
            raise ImportFailed(f"{src}: no card could be imported" +
                               ("" if problems else " (the file has no rows)"))
        text, card_lines = render_deck(draft)
        try:
            loads_deck(text.encode("utf-8"), out_path)
        except DeckError as error:
            by_card, other = _problems_by_card(error, card_lines, draft.cards)
            if other:
                raise ImportFailed("the imported deck is invalid:\n" +
                                   "\n".join(str(p) for p in other)) from None
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
