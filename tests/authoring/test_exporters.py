"""Export: the .apkg is a zip with an Anki collection holding one note per card with the right
fields, its ids are the same on every export, and CSV export -> import gives the same cards."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from briefing_quiz.authoring.exporters import (
    anki_deck_id,
    anki_ids,
    apkg_bytes,
    csv_text,
    export_deck,
    export_format,
    find_deck,
    is_anki_package,
)
from briefing_quiz.authoring.importers import import_file
from briefing_quiz.authoring.scaffold import skeleton
from briefing_quiz.core.deckfile import loads_deck
from briefing_quiz.core.errors import BriefingQuizError, DeckError
from briefing_quiz.core.model import Card, Deck
from tests.conftest import DeckWriter

ROOT = Path(__file__).resolve().parents[2]
T1 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
T2 = dt.datetime(2026, 3, 9, 8, 30, tzinfo=dt.timezone.utc)

EXTRA = """
[[cards]]
id = "multi"
type = "choice"
question = "Which are <b>prime</b> & odd?"
choices = ["2", "3", "5", "9"]
answer = ["3", "5"]
tags = ["two words", "maths"]
explain = "2 is even.\\n9 = 3 × 3."
source = "Euclid"
"""


def _deck() -> Deck:
    return loads_deck((skeleton("demo", "Demo deck") + EXTRA).encode("utf-8"))


def _open(data: bytes, tmp_path: Path) -> sqlite3.Connection:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert set(archive.namelist()) == {"collection.anki2", "media"}
    assert json.loads(archive.read("media")) == {}
    db = tmp_path / f"collection-{len(list(tmp_path.iterdir()))}.anki2"
    db.write_bytes(archive.read("collection.anki2"))
    return sqlite3.connect(db)


def _notes(conn: sqlite3.Connection) -> dict[str, tuple[int, int, str, list[str]]]:
    """guid -> (note id, model id, tags, fields)."""
    rows = conn.execute("SELECT guid, id, mid, tags, flds FROM notes").fetchall()
    return {g: (i, m, t, f.split("\x1f")) for g, i, m, t, f in rows}


def _by_card(deck: Deck) -> dict[str, Card]:
    return {anki_ids(deck.id, c.id)[1]: c for c in deck.cards}


def test_apkg_holds_one_note_per_card_with_the_right_fields(tmp_path: Path) -> None:
    deck = _deck()
    conn = _open(apkg_bytes(deck, now=T1), tmp_path)
    notes = _notes(conn)
    assert len(notes) == len(deck.cards) == 8
    models = {int(k): v for k, v in json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
              .items()}
    model_of = {m["name"]: (int(m["id"]), [f["name"] for f in m["flds"]]) for m in models.values()}
    assert model_of["Basic (briefing-quiz)"][1] == ["Front", "Back", "Source", "Explain"]
    assert model_of["Basic (type in the answer) (briefing-quiz)"][1] == [
        "Front", "Back", "Source", "Explain"]
    assert model_of["Cloze (briefing-quiz)"][1] == ["Text", "Source", "Explain"]
    assert models[model_of["Cloze (briefing-quiz)"][0]]["type"] == 1  # Anki's cloze kind
    assert "{{type:Back}}" in models[model_of[
        "Basic (type in the answer) (briefing-quiz)"][0]]["tmpls"][0]["qfmt"]

    kind_of = {"basic": "Basic (briefing-quiz)",
               "typed": "Basic (type in the answer) (briefing-quiz)",
               "cloze": "Cloze (briefing-quiz)"}
    cards = _by_card(deck)
    for guid, (_id, mid, tags, fields) in notes.items():
        card = cards[guid]
        assert mid == model_of[kind_of.get(card.type, "Basic (briefing-quiz)")][0], card.type
        assert tags.split() == [t.replace(" ", "_") for t in card.tags]
        if card.type != "cloze":
            assert fields[2] == (card.source or "")
    by_id = {c.id: notes[anki_ids(deck.id, c.id)[1]][3] for c in deck.cards}
    assert by_id["example-basic"][:2] == [
        "What does FSRS schedule?",
        "When you next see each card, so that you still remember it on the day."]
    assert by_id["example-basic"][3] == "Anything you write here is shown after the answer."
    assert by_id["example-typed"][1] == "1609"
    assert "Also accepted: 1,609" in by_id["example-typed"][3]
    assert by_id["example-cloze"][0] == (
        "The Treaty of {{c1::Westphalia}} was signed in {{c2::1648::year}}.")
    assert by_id["example-truefalse"][1] == "True"
    choice_front, choice_back = by_id["example-choice"][:2]
    assert all(f"<li>{c}</li>" in choice_front for c in ("21", "23", "25", "27"))
    assert choice_back == "B. 23"
    multi = by_id["multi"]
    assert multi[0].startswith("Which are &lt;b&gt;prime&lt;/b&gt; &amp; odd?")  # text, not HTML
    assert multi[1] == "B. 3<br>C. 5"
    assert multi[2:] == ["Euclid", "2 is even.<br>9 = 3 × 3."]
    order_front, order_back = by_id["example-order"][:2]
    planets = ["Mercury", "Venus", "Earth", "Mars"]
    shown = sorted(planets, key=order_front.index)
    assert shown != planets  # the front never gives the answer away
    assert order_back == "<ol class=items>" + "".join(f"<li>{p}</li>" for p in planets) + "</ol>"
    open_front, open_back = by_id["example-open"][:2]
    assert open_front.startswith("Why did the Peace of Westphalia matter?<br>")
    assert "ended the Thirty Years" not in open_front  # the points are on the back only
    assert open_back.startswith("<b>Points to make (1 of 2 make a pass):</b><ul class=points>")
    assert "<li>sovereign states <i>(state sovereignty; sovereign states)</i></li>" in open_back
    assert open_back.endswith("</ul>It ended the Thirty Years' War and set out the rule of "
                              "sovereign states.")

    # Cards: one per note, except the cloze note, which has one per deletion number.
    card_rows = conn.execute("SELECT nid, ord, did FROM cards").fetchall()
    assert len(card_rows) == len(deck.cards) + 1
    assert {did for _, _, did in card_rows} == {anki_deck_id("demo")}
    decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
    assert decks[str(anki_deck_id("demo"))]["name"] == "Demo deck"
    note_ids = {i for i, _, _, _ in notes.values()}
    assert {nid for nid, _, _ in card_rows} == note_ids


def test_exporting_twice_gives_the_same_ids(tmp_path: Path) -> None:
    deck = _deck()
    first = _open(apkg_bytes(deck, now=T1), tmp_path)
    second = _open(apkg_bytes(deck, now=T2), tmp_path)
    query = "SELECT guid, id, mid FROM notes ORDER BY guid"
    assert first.execute(query).fetchall() == second.execute(query).fetchall()
    cards = "SELECT id, nid, did, ord FROM cards ORDER BY id"
    assert first.execute(cards).fetchall() == second.execute(cards).fetchall()
    # The modification time is the export time, so Anki takes the newer text.
    mods = {m for (m,) in second.execute("SELECT mod FROM notes")}
    assert mods == {int(T2.timestamp())}
    # An edited card keeps its note: same guid and id, new text.
    edited = replace(deck, cards=tuple(
        replace(c, answer="Edited") if c.id == "example-basic" else c
        for c in deck.cards))
    third = _open(apkg_bytes(edited, now=T2), tmp_path)
    assert first.execute(query).fetchall() == third.execute(query).fetchall()
    guid = anki_ids("demo", "example-basic")[1]
    (fields,) = third.execute("SELECT flds FROM notes WHERE guid = ?", (guid,)).fetchone()
    assert fields.split("\x1f")[1] == "Edited"


def test_ids_differ_between_decks_and_cards() -> None:
    assert anki_ids("a", "x") != anki_ids("b", "x")
    assert anki_ids("a", "x")[1] != anki_ids("a", "y")[1]
    assert anki_deck_id("a") != anki_deck_id("b")
    note_id = anki_ids("a", "x")[0]
    assert 10**12 <= note_id < 15 * 10**11  # a plausible creation time in ms, as Anki reads it


def test_csv_export_imports_back_to_the_same_cards(tmp_path: Path) -> None:
    deck = _deck()
    out = tmp_path / "demo.csv"
    export_deck(deck, out, fmt="csv", clock=lambda: T1)
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,type,question,answer,")
    result = import_file(out, deck_id="demo", title="Demo deck")
    assert result.problems == []
    assert result.text is not None
    again = loads_deck(result.text.encode("utf-8"))
    assert [c.id for c in again.cards] == [c.id for c in deck.cards]
    for before, after in zip(deck.cards, again.cards, strict=True):
        assert before.content_hash() == after.content_hash()
        assert (before.tags, before.source, before.explain) == (after.tags, after.source,
                                                                after.explain)
    assert csv_text(deck).count("\n") >= len(deck.cards) + 1


def test_weights_survive_csv_export_and_import(tmp_path: Path) -> None:
    text = skeleton("demo", "Demo deck") + EXTRA + "weight = 3\n"
    deck = loads_deck(text.replace('type = "basic"\n', 'type = "basic"\nweight = 0.25\n', 1)
                      .encode("utf-8"))
    weights = {c.id: c.weight for c in deck.cards}
    assert weights["multi"] == 3 and 0.25 in weights.values() and 1 in weights.values()
    out = tmp_path / "demo.csv"
    export_deck(deck, out, fmt="csv", clock=lambda: T1)
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].endswith(",weight")
    result = import_file(out, deck_id="demo", title="Demo deck")
    assert result.problems == [] and result.text is not None
    assert "weight = 3\n" in result.text and "weight = 0.25\n" in result.text
    assert result.text.count("weight =") == 2  # weight 1 is the default: not written
    assert {c.id: c.weight for c in loads_deck(result.text.encode("utf-8")).cards} == weights


@pytest.mark.parametrize("cell", ["0", "-2", "heavy", "nan", "inf"])
def test_a_bad_weight_cell_is_a_row_problem(tmp_path: Path, cell: str) -> None:
    sheet = tmp_path / "w.csv"
    sheet.write_text(f"question,answer,weight\nCapital of France?,Paris,{cell}\n2+2?,4,2\n",
                     encoding="utf-8")
    result = import_file(sheet, deck_id="w", title="W")
    assert [(p.line, "must be a number greater than 0" in p.message)
            for p in result.problems] == [(2, True)]
    assert [c.get("weight") for c in result.draft.cards] == [2]  # the good row keeps its weight


def test_bundled_deck_round_trips_through_csv(tmp_path: Path) -> None:
    bundled = sorted((ROOT / "decks").glob("*.toml"))
    if not bundled:
        pytest.skip("no bundled deck in this checkout")
    deck = find_deck(str(bundled[0]), [])
    out = tmp_path / "bundled.csv"
    export_deck(deck, out, fmt="csv", clock=lambda: T1)
    result = import_file(out, deck_id=deck.id, title=deck.title)
    assert result.problems == [] and result.text is not None
    again = loads_deck(result.text.encode("utf-8"))
    assert [c.content_hash(i) for c in again.cards for i in c.items] == [
        c.content_hash(i) for c in deck.cards for i in c.items]


def test_export_file_rules(tmp_path: Path) -> None:
    deck = _deck()
    package = tmp_path / "out" / "demo.apkg"
    export_deck(deck, package, fmt="apkg", clock=lambda: T1)
    assert is_anki_package(package)
    # An earlier package is replaced (re-exporting is how Anki gets updates) ...
    export_deck(deck, package, fmt="apkg", clock=lambda: T2)
    # ... but nothing else is, without --force.
    other = tmp_path / "notes.apkg"
    other.write_text("not a package", encoding="utf-8")
    with pytest.raises(BriefingQuizError, match="already exists"):
        export_deck(deck, other, fmt="apkg", clock=lambda: T1)
    sheet = tmp_path / "mine.csv"
    sheet.write_text("question,answer\n", encoding="utf-8")
    with pytest.raises(BriefingQuizError, match="already exists"):
        export_deck(deck, sheet, fmt="csv", clock=lambda: T1)
    export_deck(deck, sheet, fmt="csv", force=True, clock=lambda: T1)
    assert sheet.read_text(encoding="utf-8-sig").startswith("id,type")


def test_export_format() -> None:
    assert export_format(Path("a.APKG"), None) == "apkg"
    assert export_format(Path("a.csv"), None) == "csv"
    assert export_format(Path("a.txt"), "csv") == "csv"
    with pytest.raises(BriefingQuizError, match="cannot tell the format"):
        export_format(Path("a.txt"), None)


def test_find_deck_by_id_path_and_mistake(tmp_path: Path, write_deck: DeckWriter) -> None:
    write_deck(skeleton("demo", "Demo"), "demo.toml", tmp_path)
    write_deck("format = 1\n[deck]\nid = 'broken'\n", "broken.toml", tmp_path)
    assert find_deck("demo", [tmp_path]).id == "demo"
    assert find_deck(str(tmp_path / "demo.toml"), []).id == "demo"
    with pytest.raises(BriefingQuizError, match="did you mean 'demo'"):
        find_deck("dmeo", [tmp_path])
    with pytest.raises(DeckError, match="title"):  # a broken deck says why, not "not found"
        find_deck("broken", [tmp_path])
    with pytest.raises(DeckError, match="no such file"):
        find_deck(str(tmp_path / "missing.toml"), [])
