"""Anki packages in: packages made by the real `anki` library (tests/data/apkg/make_fixtures.py),
in the new (zstd `collection.anki21b`) and older (`collection.anki21`) formats and as a whole
collection, our own export read back, the review history brought in, and bad packages refused
with a message naming the file and nothing written."""

from __future__ import annotations

import argparse
import io
import sqlite3
import zipfile
from pathlib import Path

import pytest

from briefing_quiz.authoring import apkg
from briefing_quiz.authoring.apkg import read_apkg
from briefing_quiz.authoring.cli import run_import
from briefing_quiz.authoring.exporters import apkg_bytes
from briefing_quiz.authoring.importers import ImportFailed, import_file
from briefing_quiz.authoring.scaffold import skeleton
from briefing_quiz.core.deckfile import load_deck, loads_deck
from briefing_quiz.core.progress.store import Store
from briefing_quiz.paths import Paths
from tests.conftest import T0

DATA = Path(__file__).resolve().parents[1] / "data" / "apkg"
PACKAGES = ["basic.apkg", "legacy.apkg", "collection.colpkg"]


def imported(name: str, tmp_path: Path) -> list[dict[str, object]]:
    result = import_file(DATA / name, deck_id="imported", out_path=tmp_path / "imported.toml")
    assert result.text is not None
    deck = loads_deck(result.text.encode())
    return [{"id": c.id, "type": c.type, "prompt": c.prompt, "tags": c.tags,
             "answer": getattr(c, "answer", None), "explain": c.explain} for c in deck.cards]


@pytest.mark.parametrize("name", PACKAGES)
def test_note_types_become_card_types(name: str, tmp_path: Path) -> None:
    cards = imported(name, tmp_path)
    assert [(c["type"], c["prompt"], c["answer"], c["tags"]) for c in cards] == [
        ("basic", "What is the capital of Ukraine?", "Kyiv", ("europe", "places")),  # <b> gone
        ("typed", "How many troops were massed near Ukraine?", "130,000", ("numbers",)),
        ("cloze", "{{c1::Poland}} received {{c2::3000}} U.S. soldiers.\nExtra text", None,
         ("numbers", "places")),
        ("basic", "NATO", "North Atlantic Treaty Organization", ()),
        ("basic", "Map of the border", "See the map", ("maps",)),
    ]
    assert cards[2]["explain"] == "From the memo"  # the cloze's Back Extra


def test_all_formats_give_the_same_stable_ids(tmp_path: Path) -> None:
    ids = [[c["id"] for c in imported(name, tmp_path)] for name in PACKAGES]
    assert ids[0] == ids[1] == ids[2]
    assert ids[0] == [c["id"] for c in imported(PACKAGES[0], tmp_path)]  # again: the same
    assert len(set(ids[0])) == 5


@pytest.mark.parametrize("name", PACKAGES)
def test_other_note_types_and_media_are_warned_of(name: str) -> None:
    warnings = read_apkg(DATA / name).parsed.warnings
    assert any("'Basic (and reversed card)' (1)" in w and str(DATA / name) in w for w in warnings)
    assert any("images and sounds are not imported" in w and "border-map.png" in w
               for w in warnings)


def test_the_title_comes_from_the_anki_deck(tmp_path: Path) -> None:
    result = import_file(DATA / "basic.apkg", deck_id="x", out_path=tmp_path / "x.toml")
    assert result.draft.title == "Crisis briefing"


def test_our_own_export_reads_back(tmp_path: Path) -> None:
    deck = loads_deck(skeleton("demo", "Demo deck").encode())
    package = tmp_path / "demo.apkg"
    package.write_bytes(apkg_bytes(deck, now=T0))
    result = import_file(package, deck_id="demo2", out_path=tmp_path / "demo2.toml")
    assert result.text is not None
    back = loads_deck(result.text.encode())
    kinds = {c.type for c in back.cards}
    assert len(back.cards) == len(deck.cards)
    assert {"basic", "typed", "cloze"} <= kinds and kinds <= {"basic", "typed", "cloze"}
    typed = next(c for c in deck.cards if c.type == "typed")
    again = next(c for c in back.cards if c.type == "typed")
    assert (again.prompt, getattr(again, "answer", None)) == (typed.prompt, typed.answer)
    assert again.source == typed.source
    # The export writes `accept` and `tolerance` as lines of Anki's Extra field; they come back
    # as the card's own keys, not as explain text.
    assert (again.accept, again.tolerance) == (typed.accept, typed.tolerance)
    assert "Also accepted" not in (again.explain or "")
    assert again.explain == typed.explain
    cloze = next(c for c in deck.cards if c.type == "cloze")
    assert next(c for c in back.cards if c.type == "cloze").prompt == cloze.prompt


def args(src: Path, out: Path, **more: object) -> argparse.Namespace:
    given: dict[str, object] = {"deck_id": None, "title": None, "partial": False,
                                "force": False, **more}
    return argparse.Namespace(file=str(src), output=str(out), **given)


def test_with_progress_brings_the_review_history(tmp_path: Path) -> None:
    paths = Paths(data_file=tmp_path / "p.sqlite3", config_file=tmp_path / "none.toml",
                  deck_dirs=(tmp_path / "decks",), user_decks_dir=tmp_path / "decks")
    out = io.StringIO()
    target = tmp_path / "crisis.toml"
    assert run_import(args(DATA / "basic.apkg", target, with_progress=True), paths, out=out,
                      err=io.StringIO()) == 0
    content = read_apkg(DATA / "basic.apkg")
    assert len(content.reviews) == 6
    assert "Imported 6 reviews of 6 items" in out.getvalue()
    deck = load_deck(target)
    with Store.open(paths.data_file) as store:
        rows = list(store.reviews("crisis"))
        states = store.states("crisis")
        assert len(rows) == 6
        assert {r.key.card_id for r in rows} <= {c.id for c in deck.cards}
        assert all(state.card is not None for state in states.values())
        before = {k: s.card.stability for k, s in states.items() if s.card is not None}
        store.rebuild()
        after = {k: s.card.stability for k, s in store.states("crisis").items()
                 if s.card is not None}
    assert before == after  # the state is what replaying the log gives
    cloze = next(c for c in deck.cards if c.type == "cloze")
    assert {r.key.item for r in rows if r.key.card_id == cloze.id} == {1, 2}
    # A second import of the same history is refused rather than doubled.
    from briefing_quiz.core.errors import BriefingQuizError

    target.write_text("edited by hand", encoding="utf-8")
    with pytest.raises(BriefingQuizError, match="already holds progress for deck 'crisis'"):
        run_import(args(DATA / "basic.apkg", target, with_progress=True, force=True), paths,
                   out=io.StringIO(), err=io.StringIO())
    assert target.read_text(encoding="utf-8") == "edited by hand"  # nothing written


# -- bad packages ------------------------------------------------------------------------------


def rezip(tmp_path: Path, members: dict[str, bytes], name: str = "bad.apkg") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def legacy_collection(tmp_path: Path, schema: int) -> bytes:
    with zipfile.ZipFile(DATA / "legacy.apkg") as archive:
        data = archive.read("collection.anki21")
    db_path = tmp_path / "c.anki21"
    db_path.write_bytes(data)
    db = sqlite3.connect(db_path)
    db.execute("UPDATE col SET ver = ?", (schema,))
    db.commit()
    db.close()
    return db_path.read_bytes()


def refused(path: Path, tmp_path: Path) -> str:
    target = tmp_path / "out.toml"
    with pytest.raises(ImportFailed) as caught:
        import_file(path, deck_id="x", out_path=target)
    assert not target.exists()
    message = str(caught.value)
    assert str(path) in message and "Traceback" not in message
    return message


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "notes.apkg"
    path.write_text("front,back\n", encoding="utf-8")
    assert "not an Anki package (not a zip file)" in refused(path, tmp_path)


def test_no_collection(tmp_path: Path) -> None:
    path = rezip(tmp_path, {"media": b"{}", "readme.txt": b"hello"})
    assert "holds no collection.anki21b" in refused(path, tmp_path)


def test_a_newer_schema(tmp_path: Path) -> None:
    path = rezip(tmp_path, {"collection.anki21": legacy_collection(tmp_path, 19)})
    assert "made by a newer Anki (collection schema 19" in refused(path, tmp_path)


def test_only_the_dummy_collection_of_a_newer_anki(tmp_path: Path) -> None:
    with zipfile.ZipFile(DATA / "basic.apkg") as archive:
        dummy = archive.read("collection.anki2")
    path = rezip(tmp_path, {"collection.anki2": dummy})
    assert "export it again with 'Support older Anki versions' ticked" in refused(path, tmp_path)


def test_a_collection_that_is_not_a_database(tmp_path: Path) -> None:
    path = rezip(tmp_path, {"collection.anki21": b"this is not sqlite" * 100})
    assert "not a readable Anki database" in refused(path, tmp_path)


def test_a_zip_bomb_is_refused_while_inflating(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apkg, "MAX_INFLATED_BYTES", 4 * 1024 * 1024)
    path = rezip(tmp_path, {"collection.anki21": b"\0" * (16 * 1024 * 1024)})
    assert path.stat().st_size < 100_000  # 16 MB of zeros in a small file
    assert "inflates to more than 4 MB; refused (a zip bomb?)" in refused(path, tmp_path)


def test_a_damaged_zstd_collection(tmp_path: Path) -> None:
    path = rezip(tmp_path, {"collection.anki21b": b"\x28\xb5\x2f\xfd" + b"garbage" * 50})
    assert "the package is damaged" in refused(path, tmp_path)


@pytest.mark.parametrize("sql", [
    "UPDATE col SET ver = 'abc'",
    "UPDATE notes SET mid = 'x'",
    """UPDATE col SET models = '{"1": "x"}'""",
    """UPDATE col SET models = '{"abc": {"name": "n"}}'""",
    "UPDATE revlog SET ease = 'x'",
    "UPDATE cards SET nid = 'x'",
    "UPDATE cards SET did = 'x'",
])
def test_a_collection_with_values_anki_does_not_write_is_refused(tmp_path: Path, sql: str) -> None:
    """A package made by hand: text where Anki writes a number, a string where it writes an
    object. Each was an internal error (ValueError, AttributeError) before."""
    data = legacy_collection(tmp_path, 11)
    db_path = tmp_path / "c.anki21"
    db_path.write_bytes(data)
    db = sqlite3.connect(db_path)
    db.execute(sql)
    db.commit()
    db.close()
    path = rezip(tmp_path, {"collection.anki21": db_path.read_bytes()})
    assert "the collection inside holds values Anki does not write" in refused(path, tmp_path)


def test_a_package_over_its_cap_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.apkg"
    with open(path, "wb") as handle:  # sparse: costs no disk
        handle.truncate(apkg.MAX_APKG_BYTES + 1)
    assert "too big for an Anki package" in refused(path, tmp_path)


def test_a_text_import_over_its_cap_is_refused_unread(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing_quiz.authoring import notes

    monkeypatch.setattr(notes, "MAX_IMPORT_BYTES", 1024 * 1024)
    path = tmp_path / "huge.csv"
    path.write_text("question,answer\n" + "q,a\n" * 300_000, encoding="utf-8")
    message = refused(path, tmp_path)
    assert "too big to import (the limit is 1 MB)" in message


@pytest.mark.parametrize("data", ["under-a-file", "damaged"])
def test_with_progress_writes_no_deck_when_the_progress_file_cannot_take_the_history(
        tmp_path: Path, data: str) -> None:
    """The deck file was written, then the history refused (a damaged progress file, or one
    under a path that is a file): a deck without its history, and 'already exists' next time."""
    from briefing_quiz.core.errors import BriefingQuizError

    if data == "under-a-file":
        (tmp_path / "afile").write_text("", encoding="utf-8")
        data_file = tmp_path / "afile" / "p.sqlite3"
    else:
        data_file = tmp_path / "p.sqlite3"
        with Store.open(data_file):
            pass
        raw = bytearray(data_file.read_bytes())
        raw[4096:] = b"\xab" * (len(raw) - 4096)  # every page past the first: garbage
        data_file.write_bytes(bytes(raw))
    paths = Paths(data_file=data_file, config_file=tmp_path / "none.toml",
                  deck_dirs=(tmp_path / "decks",), user_decks_dir=tmp_path / "decks")
    target = tmp_path / "crisis.toml"
    with pytest.raises(BriefingQuizError):
        run_import(args(DATA / "basic.apkg", target, with_progress=True), paths,
                   out=io.StringIO(), err=io.StringIO())
    assert not target.exists()
