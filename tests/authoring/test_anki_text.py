"""The Anki plain-text reader, through `import_file`: each result must load with the deck loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_quiz.authoring.anki_text import has_anki_header
from briefing_quiz.authoring.ids import card_id
from briefing_quiz.authoring.importers import ImportFailed, import_file
from briefing_quiz.core.model import BasicCard, ClozeCard, TypedCard
from tests.authoring.conftest import IMPORT_DATA, InputWriter, load_imported


def test_anki_export_with_headers_html_and_cloze() -> None:
    result = import_file(IMPORT_DATA / "anki_notes.txt", deck_id="nato")
    deck = load_imported(result)
    assert result.problems == []
    assert deck.title == "NATO"  # from the deck column, last part of "Briefing::NATO"
    by_prompt = {c.prompt: c for c in deck.cards}
    assert len(deck.cards) == 8

    first = by_prompt["What does NATO stand for?"]  # <b> dropped
    assert isinstance(first, BasicCard) and first.answer == "North Atlantic Treaty Organization"
    assert first.tags == ("acronyms", "nato")

    typed = by_prompt["How many member states did NATO have in February 2022?"]  # &nbsp;
    assert isinstance(typed, TypedCard) and typed.answer == "30"

    cloze = by_prompt["The {{c1::Minsk II}} agreement was signed in {{c2::2015::year}}."]
    assert isinstance(cloze, ClozeCard) and cloze.items == (1, 2)
    assert cloze.explain == "Signed by Russia, Ukraine, the OSCE & the separatists."  # Back Extra

    founding = by_prompt["Who signed the 1997 NATO–Russia Founding Act?"]  # &ndash;, <i>
    assert isinstance(founding, BasicCard) and founding.answer == "NATO's members\nRussia"  # <div>

    summit = by_prompt["Which summit said Ukraine will become a member?"]  # quoted, "" and style
    assert isinstance(summit, BasicCard)
    assert summit.answer == 'Bucharest, 2008\n("will become members")'  # <br> + a literal newline

    three = by_prompt["{{c1::Crimea}} was annexed in {{c2::2014}}; the war in the "
                      "{{c3::Donbas}} followed."]
    assert three.items == (1, 2, 3)
    assert any("images and sounds are not imported (line 15)" in w for w in result.warnings)
    assert any("reversed" in w for w in result.warnings)


def test_anki_ids_come_from_the_guid_and_are_stable() -> None:
    one = load_imported(import_file(IMPORT_DATA / "anki_notes.txt", deck_id="nato"))
    two = load_imported(import_file(IMPORT_DATA / "anki_notes.txt", deck_id="nato"))
    assert [c.id for c in one.cards] == [c.id for c in two.cards]
    assert one.cards[0].id == card_id("What does NATO stand for?", "anki-guid:f3Kq!n2<Zx")


def test_anki_guid_keeps_ids_when_the_question_is_edited(write_input: InputWriter) -> None:
    head = "#separator:tab\n#html:false\n#guid column:1\n"
    before = write_input("a.txt", head + "g1\tCapital of Peru?\tLima\n")
    after = write_input("b.txt", head + "g1\tWhat is the capital of Peru?\tLima\n")
    id_before = load_imported(import_file(before, deck_id="d")).cards[0].id
    id_after = load_imported(import_file(after, deck_id="d")).cards[0].id
    assert id_before.rsplit("-", 1)[1] == id_after.rsplit("-", 1)[1]


def test_anki_separator_names_html_off_and_global_tags(write_input: InputWriter) -> None:
    path = write_input("notes.txt",
                  "#separator:Semicolon\n#html:false\n#tags:imported\n#tags column:3\n"
                  "1 < 2;<b> stays literal;maths\n")
    card = load_imported(import_file(path, deck_id="d")).cards[0]
    assert isinstance(card, BasicCard)
    assert (card.question, card.answer) == ("1 < 2", "<b> stays literal")
    assert card.tags == ("imported", "maths")


def test_anki_pipe_separator_and_notetype_column(write_input: InputWriter) -> None:
    path = write_input("notes.txt",
                  "#separator:pipe\n#html:true\n#notetype column:1\n"
                  "Cloze|Paris is on the {{c1::Seine}}|\n"
                  "Basic (type in the answer)|2 + 2|4\n")
    cards = load_imported(import_file(path, deck_id="d")).cards
    assert [c.type for c in cards] == ["cloze", "typed"]


def test_old_anki_export_without_headers(write_input: InputWriter) -> None:
    # Anki before 2.1.55 wrote tab-separated notes with no header lines.
    path = write_input("old.txt", "Front one\tBack one\nThe {{c1::gap}} here\t\n")
    cards = load_imported(import_file(path, deck_id="d")).cards
    assert [c.type for c in cards] == ["basic", "cloze"]


def test_anki_notes_from_several_decks_are_tagged_with_their_deck(
    tmp_path: Path, write_input: InputWriter
) -> None:
    path = write_input("n.txt", "#separator:tab\n#deck column:1\nA::B\tQ1\tA1\nA::C\tQ2\tA2\n")
    result = import_file(path, deck_id="d", out_path=tmp_path / "mixed.toml")
    deck = load_imported(result)
    assert [c.tags for c in deck.cards] == [("A::B",), ("A::C",)]
    assert deck.title == "Mixed"


def test_bad_anki_separator_is_refused(write_input: InputWriter) -> None:
    path = write_input("n.txt", "#separator:semicolons\nQ;A\n")
    with pytest.raises(ImportFailed, match="unknown '#separator:semicolons'"):
        import_file(path, deck_id="d")


def test_optional_reversed_switch_is_not_content(write_input: InputWriter) -> None:
    path = write_input("n.txt", "#separator:tab\n#notetype column:1\n"
                                     "Basic (optional reversed card)\tFront\tBack\ty\n")
    card = load_imported(import_file(path, deck_id="d")).cards[0]
    assert isinstance(card, BasicCard) and card.explain is None


def test_anki_header_is_recognised_by_its_keys() -> None:
    assert has_anki_header("#separator:tab\n#html:true\nQ\tA\n")
    assert has_anki_header("tags:old export\nQ\tA\n")
    assert not has_anki_header("# my notes\nquestion,answer\n")


def test_bad_anki_column_number_is_refused(write_input: InputWriter) -> None:
    path = write_input("n.txt", "#separator:tab\n#guid column:first\nQ\tA\n")
    with pytest.raises(ImportFailed, match="'#guid column:first' must be a column number"):
        import_file(path, deck_id="d")
