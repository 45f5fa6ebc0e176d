"""Read an Anki package (`.apkg`, one deck or more; `.colpkg`, a whole collection) into notes.

A package is a zip holding the collection, an SQLite file: `collection.anki21b` (zstd-compressed,
schema 18, Anki 2.1.50 and later), else `collection.anki21` or `collection.anki2` (schema 11; a
newer Anki also writes a dummy `collection.anki2` that only says "please update"). Note types are
read from the `notetypes`/`fields`/`templates` tables (schema 18) or the `col.models` JSON
(schema 11), and classified by shape: a cloze note type is `cloze`, one card template asking to
type the answer (`{{type:...}}`) is `typed`, one template is `basic`, anything else (a reversed
card, image occlusion, ...) becomes `basic` from its first two fields, with a warning naming it.
HTML becomes text (`htmltext.html_to_text`); media are left out and listed in a warning.

The package is untrusted: it must be a zip, hold a collection of a schema this reads, and no
member may inflate beyond `MAX_INFLATED_BYTES` (a zip bomb is refused, whatever its header
claims: sizes are counted while inflating). Every failure is an `ImportFailed` naming the file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

from briefing_quiz.authoring.htmltext import html_to_text
from briefing_quiz.authoring.notes import ImportFailed, Note, Parsed, RowProblem

__all__ = ["MAX_APKG_BYTES", "MAX_INFLATED_BYTES", "AnkiReview", "ApkgContent", "read_apkg"]

MAX_APKG_BYTES = 512 * 1024 * 1024
#: No member of a package may inflate to more than this (a collection of 100,000 notes is ~100 MB).
MAX_INFLATED_BYTES = 1024 * 1024 * 1024
#: The newest collection schema this reads (Anki 2.1.50 to 25.x write 18).
NEWEST_SCHEMA = 18
_COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
_DUMMY = "Please update to the latest Anki version"
_MEDIA_REF = re.compile(r"""<img[^>]*\bsrc=["']?([^"'>\s]+)|\[sound:([^\]]+)\]""", re.IGNORECASE)

Kind = Literal["basic", "typed", "cloze", "other"]


@dataclass(frozen=True, slots=True)
class AnkiReview:
    """One row of Anki's review log: the note (by GUID), which card of it (`ord`), when, how."""

    guid: str
    ord: int
    at: dt.datetime
    ease: int
    duration_ms: int


@dataclass
class ApkgContent:
    """What a package held: the notes (as the other readers make them), the review log, and
    per note GUID its kind (what `ord` of a review means)."""

    parsed: Parsed
    reviews: list[AnkiReview] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _NoteType:
    name: str
    kind: Kind
    fields: tuple[str, ...]


def read_apkg(path: Path) -> ApkgContent:
    """The notes, review log and warnings of the package at `path`."""
    with _collection_file(path) as (db_path, media):
        try:
            with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
                return _read_collection(db, path, media)
        except sqlite3.DatabaseError as error:
            raise ImportFailed(f"{path}: the collection inside is not a readable Anki "
                               f"database ({error})") from None
        except (ValueError, TypeError, AttributeError, KeyError, IndexError, OverflowError,
                OSError) as error:
            # A value of the wrong kind where Anki writes a number, a JSON object or a list
            # (a package made by hand or damaged): the package's fault, said as such.
            raise ImportFailed(f"{path}: the collection inside holds values Anki does not write "
                               f"({type(error).__name__}: {error}); export it again from "
                               "Anki") from None


@contextmanager
def _collection_file(path: Path) -> Iterator[tuple[Path, list[str]]]:
    """The package's collection, inflated into a temporary file, and its media's names."""
    import os

    from briefing_quiz.core.files import NotRegularFileError, open_regular

    try:
        handle = open_regular(path)  # a FIFO (which would wait forever) or a device: refused
    except FileNotFoundError:
        raise ImportFailed(f"{path}: no such file") from None
    except NotRegularFileError as error:
        raise ImportFailed(f"{path}: {error.strerror}") from None
    except IsADirectoryError:
        raise ImportFailed(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        if os.fstat(handle.fileno()).st_size > MAX_APKG_BYTES:
            raise ImportFailed(f"{path}: too big for an Anki package "
                               f"(over {MAX_APKG_BYTES // (1024 * 1024)} MB)")
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError) as error:
        handle.close()
        reason = "not a zip file" if isinstance(error, zipfile.BadZipFile) else str(error)
        raise ImportFailed(f"{path}: not an Anki package ({reason})") from None
    except BaseException:
        handle.close()
        raise
    with handle, archive, tempfile.TemporaryDirectory(prefix="briefing-quiz-apkg-") as tmp:
        names = set(archive.namelist())
        member = next((name for name in _COLLECTIONS if name in names), None)
        if member is None:
            raise ImportFailed(f"{path}: not an Anki package (it holds no collection.anki21b, "
                               "collection.anki21 or collection.anki2)")
        target = Path(tmp) / "collection.db"
        try:
            with archive.open(member) as source, target.open("wb") as out:
                if member.endswith("b"):
                    import zstandard

                    with zstandard.ZstdDecompressor().stream_reader(source) as inflated:
                        _copy_limited(inflated, out, path, member)
                else:
                    _copy_limited(source, out, path, member)
            media = _media_names(archive, path) if "media" in names else []
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise ImportFailed(f"{path}: the package is damaged ({member}: {error})") from None
        except Exception as error:  # zstandard.ZstdError and zlib.error have no common base
            if type(error).__module__.startswith(("zstandard", "zlib")):
                raise ImportFailed(f"{path}: the package is damaged ({member}: {error})") from None
            raise
        yield target, media


def _copy_limited(source: IO[bytes], out: IO[bytes], path: Path, member: str) -> None:
    """Copy while counting: a zip bomb stops at the limit, whatever its header says."""
    total = 0
    while chunk := source.read(1 << 20):
        total += len(chunk)
        if total > MAX_INFLATED_BYTES:
            raise ImportFailed(f"{path}: {member} inflates to more than "
                               f"{MAX_INFLATED_BYTES // (1024 * 1024)} MB; refused (a zip bomb?)")
        out.write(chunk)


def _media_names(archive: zipfile.ZipFile, path: Path) -> list[str]:
    """The media files' names: a JSON map (older packages) or zstd protobuf entries (newer)."""
    with archive.open("media") as member:
        raw = member.read(16 * 1024 * 1024 + 1)
    if raw[:4] == b"\x28\xb5\x2f\xfd":  # zstd magic: MediaEntries { repeated MediaEntry = 1 }
        import zstandard

        raw = zstandard.ZstdDecompressor().decompress(raw, max_output_size=64 * 1024 * 1024)
        return _protobuf_names(raw)
    try:
        mapping = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return []
    return [str(v) for v in mapping.values()] if isinstance(mapping, dict) else []


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def _protobuf_names(data: bytes) -> list[str]:
    """Field 1 (name) of each field-1 message of a MediaEntries protobuf."""
    names: list[str] = []
    at = 0
    try:
        while at < len(data):
            tag, at = _varint(data, at)
            if tag & 7 != 2:
                return names
            size, at = _varint(data, at)
            entry, at = data[at:at + size], at + size
            inner = 0
            while inner < len(entry):
                key, inner = _varint(entry, inner)
                if key & 7 == 2:
                    length, inner = _varint(entry, inner)
                    if key >> 3 == 1:
                        names.append(entry[inner:inner + length].decode("utf-8", "replace"))
                    inner += length
                elif key & 7 == 0:
                    _, inner = _varint(entry, inner)
                else:
                    break
    except IndexError:
        pass
    return names


# --------------------------------------------------------------------------------------------------
# The collection


def _read_collection(db: sqlite3.Connection, path: Path, media: list[str]) -> ApkgContent:
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not {"col", "notes", "cards"} <= tables:
        raise ImportFailed(f"{path}: not an Anki collection (no notes table)")
    version = db.execute("SELECT ver FROM col").fetchone()
    schema = int(version[0]) if version else 0
    if schema > NEWEST_SCHEMA:
        raise ImportFailed(f"{path}: made by a newer Anki (collection schema {schema}; this "
                           f"reads up to {NEWEST_SCHEMA}); export it with 'Support older Anki "
                           "versions' ticked")
    types = _note_types_18(db) if "notetypes" in tables else _note_types_11(db)
    rows = db.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id").fetchall()
    if len(rows) == 1 and _DUMMY in str(rows[0][4]):
        raise ImportFailed(f"{path}: made by a newer Anki than this package format says; export "
                           "it again with 'Support older Anki versions' ticked")
    parsed = Parsed(notes=[])
    content = ApkgContent(parsed)
    others: dict[str, int] = {}
    referenced = 0
    guid_of: dict[int, str] = {}
    for number, (note_id, guid, model_id, tags, flds) in enumerate(rows, 1):
        kind_info = types.get(int(model_id))
        if kind_info is None:
            parsed.problems.append(RowProblem(number, f"note {note_id}: unknown note type"))
            continue
        values = str(flds).split("\x1f")
        referenced += any(_MEDIA_REF.search(v) for v in values)
        note = _note(number, kind_info, values, str(tags), str(guid))
        if kind_info.kind == "other":
            others[kind_info.name] = others.get(kind_info.name, 0) + 1
        parsed.notes.append(note)
        guid_of[int(note_id)] = str(guid)
        content.kinds[str(guid)] = note.type
    content.reviews = _reviews(db, guid_of)
    if others:
        named = ", ".join(f"'{name}' ({count})" for name, count in sorted(others.items()))
        parsed.warnings.append(f"{path}: note types other than Basic, Basic (type in the answer) "
                               f"and Cloze became basic cards from their first two fields: {named}")
    if media or referenced:
        shown = ", ".join(media[:10]) + (" ..." if len(media) > 10 else "")
        parsed.warnings.append(f"{path}: images and sounds are not imported "
                               f"({len(media)} media file{'s' if len(media) != 1 else ''}"
                               f"{': ' + shown if shown else ''}; {referenced} note"
                               f"{'s refer' if referenced != 1 else ' refers'} to one)")
    deck_names = _deck_names(db, tables)
    if len(deck_names) == 1:
        parsed.title_hint = deck_names[0]
    return content


def _kind(cloze: bool, templates: list[str], field_count: int) -> Kind:
    if cloze:
        return "cloze"
    if len(templates) == 1 and "{{type:" in templates[0]:
        return "typed"
    if len(templates) == 1 and field_count >= 2:
        return "basic"
    return "other"


def _note_types_11(db: sqlite3.Connection) -> dict[int, _NoteType]:
    raw = db.execute("SELECT models FROM col").fetchone()
    try:
        models = json.loads(raw[0]) if raw and raw[0] else {}
    except (TypeError, json.JSONDecodeError):
        models = {}
    out: dict[int, _NoteType] = {}
    for key, model in (models.items() if isinstance(models, dict) else ()):
        fields = tuple(str(f.get("name", "")) for f in model.get("flds", ()))
        templates = [str(t.get("qfmt", "")) for t in model.get("tmpls", ())]
        kind = _kind(model.get("type") == 1, templates, len(fields))
        out[int(key)] = _NoteType(str(model.get("name", "?")), kind, fields)
    return out


def _note_types_18(db: sqlite3.Connection) -> dict[int, _NoteType]:
    fields: dict[int, list[str]] = {}
    for ntid, name in db.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(int(ntid), []).append(str(name))
    templates: dict[int, list[str]] = {}
    for ntid, config in db.execute("SELECT ntid, config FROM templates ORDER BY ntid, ord"):
        # The template's config is a protobuf whose first field is the question format: its
        # text is in the bytes as written, which is all the `{{type:` test needs.
        templates.setdefault(int(ntid), []).append(bytes(config).decode("utf-8", "replace"))
    out: dict[int, _NoteType] = {}
    for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes"):
        # NotetypeConfig field 1 is the kind (0 normal, 1 cloze): the bytes 08 01.
        cloze = bytes(config)[:2] == b"\x08\x01"
        names = fields.get(int(ntid), [])
        kind = _kind(cloze, templates.get(int(ntid), []), len(names))
        out[int(ntid)] = _NoteType(str(name), kind, tuple(names))
    return out


_SOURCE_FIELDS = frozenset({"source", "sources", "reference"})
_EXTRA_FIELDS = frozenset({"explain", "extra", "back extra", "notes", "note"})


def _note(line: int, note_type: _NoteType, values: list[str], tags: str, guid: str) -> Note:
    texts = [html_to_text(v) for v in values]
    names = [n.lower() for n in note_type.fields] + [""] * max(0, len(texts) - len(note_type.fields))
    note = Note(line=line, key=f"anki:{guid}", tags=tags.split())
    extras = [t for n, t in zip(names, texts, strict=False) if n in _EXTRA_FIELDS and t]
    sources = [t for n, t in zip(names, texts, strict=False) if n in _SOURCE_FIELDS and t]
    content = [t for n, t in zip(names, texts, strict=False)
               if n not in _EXTRA_FIELDS and n not in _SOURCE_FIELDS]
    if note_type.kind == "cloze":
        note.type = "cloze"
        note.question = content[0] if content else ""
        extras += [t for t in content[1:] if t]
    else:
        note.type = "typed" if note_type.kind == "typed" else "basic"
        note.question = content[0] if content else ""
        note.answer = content[1] if len(content) > 1 else ""
        if note_type.kind != "other":
            extras += [t for t in content[2:] if t]
    note.explain = "\n\n".join(extras)
    note.source = "\n".join(sources)
    if note.type == "typed":
        _accepted_back(note)
    return note


_ALSO = re.compile(r"^Also accepted: (.+)$", re.MULTILINE)
_WITHIN = re.compile(r"^Numbers within (\d[\d.]*%?) of the answer are accepted\.$", re.MULTILINE)


def _accepted_back(note: Note) -> None:
    """A typed card exported by us keeps `accept` and `tolerance` as lines of its Extra field
    (Anki has no such fields): read them back into the card, out of `explain`."""
    also = _ALSO.search(note.explain)
    within = _WITHIN.search(note.explain)
    if also:
        note.accept = [a.strip() for a in also.group(1).split(";") if a.strip()]
    if within:
        note.tolerance = within.group(1)
    if also or within:
        rest = _WITHIN.sub("", _ALSO.sub("", note.explain))
        note.explain = re.sub(r"\n{3,}", "\n\n", rest).strip()


def _reviews(db: sqlite3.Connection, guid_of: dict[int, str]) -> list[AnkiReview]:
    """Anki's review log as (note GUID, card ord) rows, oldest first; manual reschedules left out."""
    cards = {int(cid): (int(nid), int(ord_))
             for cid, nid, ord_ in db.execute("SELECT id, nid, ord FROM cards")}
    out: list[AnkiReview] = []
    try:
        rows = db.execute("SELECT id, cid, ease, time, type FROM revlog ORDER BY id").fetchall()
    except sqlite3.OperationalError:
        return out
    for stamp, cid, ease, time_ms, kind in rows:
        card = cards.get(int(cid))
        if card is None or not 1 <= int(ease) <= 4 or int(kind) > 3:
            continue
        guid = guid_of.get(card[0])
        if guid is None:
            continue
        at = dt.datetime.fromtimestamp(int(stamp) / 1000, tz=dt.timezone.utc)
        out.append(AnkiReview(guid, card[1], at, int(ease), max(0, int(time_ms))))
    return out


def _deck_names(db: sqlite3.Connection, tables: set[str]) -> list[str]:
    """The names of the decks that hold cards (the Default deck left out when empty)."""
    used = {int(row[0]) for row in db.execute("SELECT DISTINCT did FROM cards")}
    names: dict[int, str] = {}
    if "decks" in tables:
        names = {int(i): str(n) for i, n in db.execute("SELECT id, name FROM decks")}
    else:
        raw = db.execute("SELECT decks FROM col").fetchone()
        try:
            decks = json.loads(raw[0]) if raw and raw[0] else {}
            names = {int(k): str(v.get("name", "")) for k, v in decks.items()}
        except (TypeError, ValueError, AttributeError, json.JSONDecodeError):
            names = {}
    return [names[d].replace("\x1f", "::") for d in sorted(used) if d in names]

