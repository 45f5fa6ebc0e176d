"""Export a deck to an Anki package (.apkg, written with genanki) or to CSV.

Anki mapping: basic -> "Basic", typed -> "Basic (type in the answer)", cloze -> "Cloze";
choice, truefalse and order -> "Basic" with the choices or the (shuffled) items on the front. Every
note type has its own `Source` and `Explain` fields. Note types carry "(briefing-quiz)" in their
names and fixed ids, as genanki advises, so Anki never confuses them with its own "Basic" (whose id
differs in every collection).

Ids are stable: the Anki deck id, each note's GUID, note id and card ids are hashes of the deck id
and card id. Importing a re-exported package into Anki therefore updates the notes already there
instead of adding duplicates, and review history in Anki is kept. The modification time is the
export time, so Anki sees the re-exported notes as newer and takes their new text.

The CSV has the columns `briefing-quiz import` reads, so export -> import gives the same cards.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import os
import random
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from briefing_quiz.authoring.files import write_new_bytes
from briefing_quiz.authoring.htmltext import plain_to_html
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    Deck,
    OpenCard,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)

__all__ = [
    "CSV_COLUMNS",
    "anki_ids",
    "apkg_bytes",
    "csv_text",
    "export_deck",
    "find_deck",
]

CSV_COLUMNS = ("id", "type", "question", "answer", "choices", "accept", "tolerance", "items",
               "tags", "source", "explain", "points", "min_points", "weight")


def _hash_int(*parts: str, low: int, high: int) -> int:
    """A stable integer in [low, high) from `parts`."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return low + int.from_bytes(digest[:8], "big") % (high - low)


# genanki's advice for model and deck ids: [2**30, 2**31). Anki reads note and card ids as creation
# times in milliseconds, so ours are times in 2001-2017: plausible dates in the past (a future one
# would make a card look "added today" for years), and far above genanki's temporary ids 1, 2, ...
_MODEL_RANGE = (1 << 30, 1 << 31)
_ROW_RANGE = (10**12, 15 * 10**11)


def _model_id(name: str) -> int:
    return _hash_int("briefing-quiz model", name, low=_MODEL_RANGE[0], high=_MODEL_RANGE[1])


def anki_ids(deck_id: str, card_id: str) -> tuple[int, str, int]:
    """(note id, note GUID, id of the first card) of a card in Anki; stable across exports."""
    import genanki  # type: ignore[import-untyped]

    note_id = _hash_int("note", deck_id, card_id, low=_ROW_RANGE[0], high=_ROW_RANGE[1])
    guid: str = genanki.guid_for("briefing-quiz", deck_id, card_id)
    return note_id, guid, _card_row_id(deck_id, card_id, 0)


def _card_row_id(deck_id: str, card_id: str, ord_: int) -> int:
    return _hash_int("card", deck_id, card_id, str(ord_), low=_ROW_RANGE[0], high=_ROW_RANGE[1])


def anki_deck_id(deck_id: str) -> int:
    return _hash_int("deck", deck_id, low=_MODEL_RANGE[0], high=_MODEL_RANGE[1])


# --------------------------------------------------------------------------------------------------
# Anki note types

_CSS = """.card { font-family: arial; font-size: 20px; text-align: center; color: black;
  background-color: white; }
.cloze { font-weight: bold; color: blue; }
.nightMode .cloze { color: lightblue; }
.explain { margin-top: 1em; font-size: 16px; text-align: left; }
.source { margin-top: 1em; font-size: 13px; color: grey; }
ol.choices, ul.items { display: inline-block; text-align: left; }
"""
_EXTRA = ("{{#Explain}}<div class=explain>{{Explain}}</div>{{/Explain}}"
          "{{#Source}}<div class=source>{{Source}}</div>{{/Source}}")
_FIELDS_BASIC = ("Front", "Back", "Source", "Explain")
_FIELDS_CLOZE = ("Text", "Source", "Explain")


def _models() -> dict[str, Any]:
    """The three note types, built fresh (genanki's Model mutates its templates when written)."""
    import genanki

    def fields(names: Sequence[str]) -> list[dict[str, str]]:
        return [{"name": n} for n in names]

    basic_name = "Basic (briefing-quiz)"
    typed_name = "Basic (type in the answer) (briefing-quiz)"
    cloze_name = "Cloze (briefing-quiz)"
    return {
        "basic": genanki.Model(
            _model_id(basic_name), basic_name, fields=fields(_FIELDS_BASIC), css=_CSS,
            templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                        "afmt": "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}" + _EXTRA}],
        ),
        "typed": genanki.Model(
            _model_id(typed_name), typed_name, fields=fields(_FIELDS_BASIC), css=_CSS,
            templates=[{"name": "Card 1", "qfmt": "{{Front}}\n\n{{type:Back}}",
                        "afmt": "{{Front}}\n\n<hr id=answer>\n\n{{type:Back}}" + _EXTRA}],
        ),
        "cloze": genanki.Model(
            _model_id(cloze_name), cloze_name, fields=fields(_FIELDS_CLOZE), css=_CSS,
            model_type=genanki.Model.CLOZE,
            templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}",
                        "afmt": "{{cloze:Text}}" + _EXTRA}],
        ),
    }


def _html(text: str | None) -> str:
    return plain_to_html(text) if text else ""


def _shuffled(items: Sequence[str], seed: str) -> list[str]:
    """`items` in a stable shuffled order that differs from the given one (the answer)."""
    order = list(items)
    rng = random.Random(seed)  # a stable shuffle per card
    rng.shuffle(order)
    if order == list(items) and len(items) > 1:
        order = order[1:] + order[:1]
    return order


def _letter(i: int) -> str:
    return chr(ord("A") + i)


def note_content(card: Card) -> tuple[str, list[str]]:
    """(note type key, field values as Anki HTML) for one card."""
    explain = _html(card.explain)
    source = _html(card.source)
    if isinstance(card, ClozeCard):
        return "cloze", [_html(card.text), source, explain]
    if isinstance(card, TypedCard):
        extra = []
        if card.accept:
            extra.append("Also accepted: " + "; ".join(card.accept))
        if card.tolerance is not None:
            t = card.tolerance
            amount = f"{t.value:g}%" if t.relative else f"{t.value:g}"
            extra.append(f"Numbers within {amount} of the answer are accepted.")
        more = "<br>".join(_html(e) for e in extra)
        explain = "<br><br>".join(p for p in (more, explain) if p)
        return "typed", [_html(card.question), _html(card.answer), source, explain]
    if isinstance(card, BasicCard):
        return "basic", [_html(card.question), _html(card.answer), source, explain]
    if isinstance(card, ChoiceCard):
        hint = "<br><i>(all that apply)</i>" if card.multiple else ""
        options = "".join(f"<li>{_html(c)}</li>" for c in card.choices)
        front = f"{_html(card.question)}{hint}<ol class=choices type=A>{options}</ol>"
        back = "<br>".join(f"{_letter(card.choices.index(a))}. {_html(a)}" for a in card.answers)
        return "basic", [front, back, source, explain]
    if isinstance(card, TrueFalseCard):
        front = f"{_html(card.statement)}<br><br><i>True or false?</i>"
        return "basic", [front, "True" if card.answer else "False", source, explain]
    if isinstance(card, OrderCard):
        shown = _shuffled(card.items_in_order, f"{card.deck_id}/{card.id}")
        front = (f"{_html(card.question)}<br><i>(put in order)</i><ul class=items>"
                 + "".join(f"<li>{_html(i)}</li>" for i in shown) + "</ul>")
        back = "<ol class=items>" + "".join(
            f"<li>{_html(i)}</li>" for i in card.items_in_order) + "</ol>"
        return "basic", [front, back, source, explain]
    if isinstance(card, OpenCard):  # a Basic note: the points to make, then the model answer
        need = "" if card.min_points == len(card.points) else (
            f" ({card.min_points} of {len(card.points)} make a pass)")
        front = f"{_html(card.question)}<br><i>(answer in your own words)</i>"
        back = (f"<b>Points to make{need}:</b><ul class=points>" + "".join(
            f"<li>{_html(p.label)} <i>({_html('; '.join(p.terms))})</i></li>" for p in card.points)
            + f"</ul>{_html(card.answer)}")
        return "basic", [front, back, source, explain]
    raise TypeError(f"unknown card type {type(card).__name__}")


def _anki_tag(tag: str) -> str:
    return "_".join(tag.split())  # Anki tags cannot contain spaces


def apkg_bytes(deck: Deck, *, now: dt.datetime) -> bytes:
    """The deck as an Anki package: a zip holding `collection.anki2` (SQLite) and `media`."""
    import genanki

    models = _models()
    description = deck.description or ""
    if deck.source is not None and deck.source.attribution():
        description = "<br>".join(p for p in (_html(description), _html(
            "Source: " + deck.source.attribution())) if p)
    anki_deck = genanki.Deck(anki_deck_id(deck.id), deck.title, description=description)
    guids: dict[str, str] = {}
    for card in deck.cards:
        kind, values = note_content(card)
        _, guid, _ = anki_ids(deck.id, card.id)
        guids[guid] = card.id
        tags = list(dict.fromkeys(_anki_tag(t) for t in card.tags if t.strip()))
        anki_deck.add_note(genanki.Note(model=models[kind], fields=values, tags=tags, guid=guid))
    fd, db_name = tempfile.mkstemp(suffix=".anki2")
    os.close(fd)
    try:
        connection = sqlite3.connect(db_name)
        try:
            cursor = connection.cursor()
            # Temporary row ids 1, 2, ... (genanki counts from the ids it is given); replaced below.
            genanki.Package(anki_deck).write_to_db(cursor, now.timestamp(), iter(range(1, 1 << 30)))
            _stable_row_ids(cursor, deck.id, guids)
            connection.commit()
        finally:
            connection.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(db_name, "collection.anki2")
            archive.writestr("media", "{}")
        return buffer.getvalue()
    finally:
        os.unlink(db_name)


def _stable_row_ids(cursor: sqlite3.Cursor, deck_id: str, guids: dict[str, str]) -> None:
    """Replace genanki's counter ids of notes and cards by ids hashed from deck and card id."""
    rows = cursor.execute("SELECT id, guid FROM notes").fetchall()
    for old_id, guid in rows:
        card_id = guids[guid]
        note_id, _, _ = anki_ids(deck_id, card_id)
        cursor.execute("UPDATE notes SET id = ? WHERE id = ?", (note_id, old_id))
        for (ord_,) in cursor.execute("SELECT ord FROM cards WHERE nid = ?", (old_id,)).fetchall():
            cursor.execute("UPDATE cards SET id = ?, nid = ? WHERE nid = ? AND ord = ?",
                           (_card_row_id(deck_id, card_id, ord_), note_id, old_id, ord_))


# --------------------------------------------------------------------------------------------------
# CSV


def _list_cell(items: Sequence[str]) -> str:
    """Entries separated by ' | ', or one per line when an entry holds a '|' (as import reads)."""
    if any("|" in i or "\n" in i for i in items):
        return "\n".join(items) + ("\n" if len(items) == 1 else "")
    return " | ".join(items)


def _weight_cell(weight: float) -> str:
    """'' for the default 1, else the weight as import reads it back exactly ('3', '0.5')."""
    if weight == 1:
        return ""
    return str(int(weight)) if float(weight).is_integer() else repr(float(weight))


def csv_row(card: Card) -> dict[str, str]:
    row = dict.fromkeys(CSV_COLUMNS, "")
    spaced = any(len(t.split()) > 1 for t in card.tags)
    row.update(id=card.id, type=card.type, tags=(", " if spaced else " ").join(card.tags),
               source=card.source or "", explain=card.explain or "",
               weight=_weight_cell(card.weight))
    if isinstance(card, (BasicCard, TypedCard)):
        row.update(question=card.question, answer=card.answer)
    if isinstance(card, TypedCard):
        row["accept"] = _list_cell(card.accept) if card.accept else ""
        if card.tolerance is not None:
            t = card.tolerance
            row["tolerance"] = f"{t.value:g}%" if t.relative else f"{t.value:g}"
    elif isinstance(card, ChoiceCard):
        row.update(question=card.question, choices=_list_cell(card.choices),
                   answer=_list_cell(card.answers))
    elif isinstance(card, TrueFalseCard):
        row.update(question=card.statement, answer="true" if card.answer else "false")
    elif isinstance(card, ClozeCard):
        row["question"] = card.text
    elif isinstance(card, OrderCard):
        row.update(question=card.question, items=_list_cell(card.items_in_order))
    elif isinstance(card, OpenCard):  # points as import reads them: "label :: term; term | ..."
        row.update(question=card.question, answer=card.answer, points=" | ".join(
            f"{p.label} :: {'; '.join(p.terms)}" for p in card.points),
            min_points="" if card.min_points == len(card.points) else str(card.min_points))
    return row


def csv_text(deck: Deck) -> str:
    """The deck as CSV with a header row (the columns `briefing-quiz import` reads)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(csv_row(card) for card in deck.cards)
    return out.getvalue()


# --------------------------------------------------------------------------------------------------
# Finding the deck and writing the file


def find_deck(spec: str, deck_dirs: Iterable[Path]) -> Deck:
    """A deck by file path (anything ending in .toml, or an existing file), else by deck id among
    the decks found in `deck_dirs`."""
    from briefing_quiz.core.deckfile import find_deck_files, load_deck, load_decks
    from briefing_quiz.services.gc_policy import paused_collector

    path = Path(spec).expanduser()
    with paused_collector():
        if spec.endswith(".toml") or path.is_file():
            return load_deck(path)
        loaded = load_decks(find_deck_files(deck_dirs))
    for deck in loaded.decks:
        if deck.id == spec:
            return deck
    for failure in loaded.failures:  # the deck is there but broken: say why, not "not found"
        paths = [p.path for p in failure.problems if p.path is not None]
        if paths and paths[0].stem == spec:
            raise failure
    ids = sorted(d.id for d in loaded.decks)
    close = difflib.get_close_matches(spec, ids, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else (
        f"; decks found: {', '.join(ids)}" if ids else "")
    raise BriefingQuizError(f"no deck with id '{spec}' (give a deck id or a .toml file){hint}")


def export_format(output: Path, requested: str | None) -> str:
    if requested is not None:
        return requested
    suffix = output.suffix.lower()
    if suffix in (".apkg", ".csv"):
        return suffix[1:]
    raise BriefingQuizError(f"{output}: cannot tell the format from the name; end it in .apkg or "
                            ".csv, or give --format")


def export_deck(deck: Deck, output: Path, *, fmt: str, force: bool = False,
                clock: Callable[[], dt.datetime]) -> int:
    """Write `deck` to `output` as `fmt` ("apkg" or "csv"); returns the number of notes/rows."""
    if fmt == "apkg":
        data = apkg_bytes(deck, now=clock())
    elif fmt == "csv":
        # A byte-order mark makes spreadsheet programs read the file as UTF-8; import strips it.
        data = csv_text(deck).encode("utf-8-sig")
    else:
        raise BriefingQuizError(f"unknown export format '{fmt}' (apkg or csv)")
    # Re-exporting is the way to update Anki, so an earlier Anki package is replaced; any other
    # existing file (a CSV may be the user's own source) only with --force.
    replace = force or (fmt == "apkg" and is_anki_package(output))
    write_new_bytes(output, data, force=replace)
    return len(deck.cards)


def is_anki_package(path: Path) -> bool:
    """True when `path` is a zip holding an Anki collection (what an .apkg is)."""
    from briefing_quiz.core.files import open_regular

    try:  # a FIFO or a device is not a package (and is never waited on)
        with open_regular(path) as file, zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
    return bool(names & {"collection.anki2", "collection.anki21", "collection.anki21b"})
