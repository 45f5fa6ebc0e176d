"""Anki's "Notes in Plain Text" export, read into `Note`s.

The export starts with `#key:value` header lines (separator, whether fields are HTML, which
columns hold tags, GUID, note type and deck); older Anki versions wrote no header at all, just
tab-separated fields, front first. The note type decides the card type: a cloze note becomes a
cloze card, "type in the answer" a typed card, anything else a basic card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from briefing_quiz.authoring.htmltext import MEDIA, html_to_text
from briefing_quiz.authoring.notes import CLOZE_MARK, ImportFailed, Note, Parsed, records, sniff_delimiter

__all__ = ["has_anki_header", "read_anki_text"]

_ANKI_HEADER = re.compile(r"(?:#[^\n]*\n)*#(?:separator|html|tags|columns|notetype|deck|"
                          r"(?:tags|guid|notetype|deck) column)\s*:", re.IGNORECASE)
_ANKI_SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|",
                    "colon": ":"}
_LOOKS_LIKE_HTML = re.compile(
    r"<(?:br|div|p|span|b|i|u|ul|ol|li|img|font|sup|sub)\b[^>]*>|&[a-z]+;", re.IGNORECASE
)
#: Media lines named in the warning; more are shown as "...".
_MEDIA_LINES_SHOWN = 8


def has_anki_header(text: str) -> bool:
    """True when `text` starts with the header lines only Anki's export writes."""
    return text.startswith("tags:") or bool(_ANKI_HEADER.match(text))


def read_anki_text(text: str, path: Path) -> Parsed:
    """Anki's "Notes in Plain Text" export: `#key:value` header lines, then one note per record.

    Honoured headers: `separator` (a name such as `tab`, or the character), `html`, `tags column`,
    `guid column`, `notetype column`, `deck column`, `tags` (tags for every note). Without headers
    the records are read as tab-separated fields, front first (as older Anki versions wrote).
    """
    lines = text.split("\n")
    meta, global_tags, n_meta = _header(lines)
    body = "\n".join(lines[n_meta:])
    delimiter = _delimiter(meta, body, path)
    html_value = meta.get("html", "").strip().lower()
    is_html = html_value == "true" if html_value in ("true", "false") else bool(
        _LOOKS_LIKE_HTML.search(body))
    global_tags += meta.get("tags", "").split()
    columns = _MetaColumns.from_header(meta, path)

    def clean(cell: str) -> str:
        return html_to_text(cell) if is_html else cell.replace("\r\n", "\n").strip()

    notes: list[Note] = []
    media_lines: list[int] = []
    decks: set[str] = set()
    reversed_seen = False
    for line, record in records(body, delimiter, n_meta + 1, path):
        if not any(cell.strip() for cell in record):
            continue
        fields = [cell for i, cell in enumerate(record) if i not in columns.indexes]
        if any(MEDIA.search(f) for f in fields):
            media_lines.append(line)
        notetype = columns.cell(record, columns.notetype)
        note = _note(line, [clean(f) for f in fields], notetype)
        guid = columns.cell(record, columns.guid)
        note.key = f"anki-guid:{guid}" if guid else ""
        note.deck = columns.cell(record, columns.deck)
        if note.deck:
            decks.add(note.deck)
        note.tags = [*global_tags, *columns.cell(record, columns.tags).split()]
        reversed_seen = reversed_seen or (note.type != "cloze" and "reverse" in notetype.lower())
        notes.append(note)
    warnings = _warnings(path, media_lines, reversed_seen, len(decks))
    if len(decks) > 1:
        for note in notes:
            if note.deck:
                note.tags.append(note.deck)
    title = next(iter(decks)).split("::")[-1] if len(decks) == 1 else None
    return Parsed(notes, [], warnings, title_hint=title)


def _header(lines: list[str]) -> tuple[dict[str, str], list[str], int]:
    """The `#key:value` header (keys lower-case), the tags of an old `tags:` first line, and the
    number of header lines."""
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
    return meta, global_tags, n_meta


def _delimiter(meta: dict[str, str], body: str, path: Path) -> str:
    """The `#separator` the header names; without one, tab when the first record has a tab (as
    older Anki versions wrote), else the separator it uses most."""
    sep_value = meta.get("separator")
    if sep_value is None:
        first = body.split("\n", 1)[0]
        return "\t" if "\t" in first else sniff_delimiter(first, path)
    name = sep_value.strip().lower()
    delimiter = _ANKI_SEPARATORS.get(name) or (sep_value if len(sep_value) == 1 else "")
    if not delimiter:
        raise ImportFailed(f"{path}: unknown '#separator:{sep_value}' (use tab, comma, "
                           "semicolon, space, pipe, colon or one character)")
    return delimiter


@dataclass(frozen=True)
class _MetaColumns:
    """The 0-based columns that the header says hold metadata rather than note fields."""

    tags: int | None
    guid: int | None
    notetype: int | None
    deck: int | None

    @classmethod
    def from_header(cls, meta: dict[str, str], path: Path) -> _MetaColumns:
        def column(name: str) -> int | None:
            value = meta.get(name, "").strip()
            if not value:
                return None
            if not value.isdigit() or int(value) < 1:
                raise ImportFailed(
                    f"{path}: '#{name}:{value}' must be a column number (1 is the first)"
                )
            return int(value) - 1

        return cls(column("tags column"), column("guid column"), column("notetype column"),
                   column("deck column"))

    @property
    def indexes(self) -> set[int]:
        return {c for c in (self.tags, self.guid, self.notetype, self.deck) if c is not None}

    @staticmethod
    def cell(record: list[str], col: int | None) -> str:
        """The trimmed metadata cell, or "" when there is no such column or the record is short."""
        return record[col].strip() if col is not None and col < len(record) else ""


def _note(line: int, texts: list[str], notetype: str) -> Note:
    """The note made of a record's fields (cleaned, metadata columns left out), by note type."""
    while texts and not texts[-1]:
        texts.pop()
    kind = notetype.lower()
    front = texts[0] if texts else ""
    note = Note(line=line, question=front)
    if "cloze" in kind or (not notetype and CLOZE_MARK.search(front)):
        note.type = "cloze"
        rest = texts[1:]
    else:
        note.type = "typed" if "type in" in kind else "basic"
        note.answer = texts[1] if len(texts) > 1 else ""
        # The third field of "optional reversed card" is a switch, not content.
        rest = [] if "optional reverse" in kind else texts[2:]
    note.explain = "\n\n".join(t for t in rest if t)
    return note


def _warnings(path: Path, media_lines: list[int], reversed_seen: bool, n_decks: int) -> list[str]:
    """What the import leaves out or changes, said once for the whole file."""
    warnings: list[str] = []
    if media_lines:
        more = " ..." if len(media_lines) > _MEDIA_LINES_SHOWN else ""
        shown = ", ".join(str(n) for n in media_lines[:_MEDIA_LINES_SHOWN]) + more
        noun = "line" if len(media_lines) == 1 else "lines"
        warnings.append(f"{path}: images and sounds are not imported ({noun} {shown})")
    if reversed_seen:
        warnings.append(f"{path}: 'reversed card' notes are imported front-to-back only")
    if n_decks > 1:
        warnings.append(f"{path}: notes from {n_decks} Anki decks go into one deck; each "
                        "card is tagged with its Anki deck")
    return warnings
