"""`import_file` and `write_import`: bad rows, --partial, the loader's findings, unreadable inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_quiz.authoring.importers import ImportFailed, import_file, write_import
from briefing_quiz.core.deckfile import load_deck
from briefing_quiz.core.errors import BriefingQuizError
from tests.authoring.conftest import IMPORT_DATA, InputWriter, load_imported


def test_malformed_rows_are_reported_with_their_lines(tmp_path: Path) -> None:
    result = import_file(IMPORT_DATA / "malformed.csv", deck_id="bad")
    assert result.text is None  # nothing may be written without --partial
    assert [(p.line, p.message.split(" ")[0]) for p in result.problems] == [
        (3, "no"), (4, "no"), (5, "6"), (6, "answer"), (7, "answer"), (8, "unclosed"),
        (10, "unknown"), (11, "a"),
    ]
    messages = {p.line: p.message for p in result.problems}
    assert "question" in messages[3] and "answer" in messages[4]
    assert "never closed" in messages[11]
    with pytest.raises(ImportFailed, match="nothing was written"):
        write_import(result, tmp_path / "bad.toml")
    assert not (tmp_path / "bad.toml").exists()


def test_partial_writes_the_good_rows(tmp_path: Path) -> None:
    result = import_file(IMPORT_DATA / "malformed.csv", deck_id="bad", partial=True)
    out = tmp_path / "sub" / "bad.toml"
    write_import(result, out)
    deck = load_deck(out)
    assert [c.prompt for c in deck.cards] == ["A good row", "A fine choice"]
    assert len(result.problems) == 8


def test_loader_findings_are_mapped_back_to_rows(write_input: InputWriter) -> None:
    # Repeated choices pass the importer's own checks; the loader refuses them; the row is named.
    path = write_input("c.csv", "question,answer,choices\nOk,A,A|B\nTwice,A,A|A|B\n")
    result = import_file(path, deck_id="d", partial=True)
    assert [(p.line, "twice" in p.message) for p in result.problems] == [(3, True)]
    assert [c.prompt for c in load_imported(result).cards] == ["Ok"]


def test_unreadable_inputs(tmp_path: Path, write_input: InputWriter) -> None:
    with pytest.raises(ImportFailed, match="no such file"):
        import_file(tmp_path / "missing.csv", deck_id="d")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("question,answer\nCaf\xe9?,Oui\n".encode("latin-1"))
    with pytest.raises(ImportFailed, match=r"latin.csv:2: not UTF-8"):
        import_file(latin, deck_id="d")
    with pytest.raises(ImportFailed, match="deck id"):
        import_file(IMPORT_DATA / "capitals.csv", deck_id="Not A Slug")
    # Every row bad: nothing to write, and each row's problem is in the result (issue 17).
    result = import_file(write_input("none.csv", "question,answer\nq,\n"), deck_id="d")
    assert result.text is None and [(p.line, p.message) for p in result.problems] == [
        (2, "no answer")]
    with pytest.raises(ImportFailed, match="no card could be imported"):
        import_file(write_input("empty.csv", "question,answer\n"), deck_id="d")


def test_import_never_overwrites_without_force(tmp_path: Path) -> None:
    out = tmp_path / "deck.toml"
    out.write_text("mine", encoding="utf-8")
    result = import_file(IMPORT_DATA / "capitals.csv", deck_id="c")
    with pytest.raises(BriefingQuizError, match="already exists"):
        write_import(result, out)
    assert out.read_text(encoding="utf-8") == "mine"
    write_import(result, out, force=True)
    assert len(load_deck(out).cards) == 7
