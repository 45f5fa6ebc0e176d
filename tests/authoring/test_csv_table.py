"""The CSV/TSV reader, through `import_file`: each result must load with the deck loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_quiz.authoring.importers import ImportFailed, import_file
from briefing_quiz.core.model import BasicCard
from tests.authoring.conftest import IMPORT_DATA, InputWriter, load_imported


def test_csv_with_quoted_commas_newlines_and_bom() -> None:
    result = import_file(IMPORT_DATA / "capitals.csv", deck_id="capitals",
                         out_path=Path("capitals-of-the-world.toml"))
    deck = load_imported(result)
    assert result.problems == [] and result.warnings == []
    assert deck.title == "Capitals of the world"
    assert len(deck.cards) == 7  # the blank line is skipped
    baltic = deck.cards[1]
    assert isinstance(baltic, BasicCard)
    assert baltic.question == "Name the three Baltic states, north to south"
    assert baltic.answer == "Estonia, Latvia, Lithuania"
    assert baltic.explain == 'Mnemonic: "ELL", as in the letters'
    river = deck.cards[2]
    assert river.prompt == "Which river flows through\nBudapest, Vienna and Bratislava?"  # CRLF
    assert deck.cards[0].source == "CIA World Factbook, 2024"
    assert deck.cards[0].tags == ("geography", "oceania")
    last = deck.cards[-1]
    assert isinstance(last, BasicCard)
    assert last.question == 'A "quoted" question, with a comma?'
    assert last.answer == "Yes, and a\\backslash"
    # The rows' start lines are kept, for messages about them.
    assert [c.origin for c in result.draft.cards] == [2, 3, 4, 6, 7, 9, 10]


def test_semicolon_csv_and_an_id_column(write_input: InputWriter) -> None:
    path = write_input("s.csv", "id;front;back;tags\nmy-card;Q, with comma;A;x, y\n")
    card = load_imported(import_file(path, deck_id="d")).cards[0]
    assert (card.id, card.prompt, card.tags) == ("my-card", "Q, with comma", ("x", "y"))


def test_header_problems(write_input: InputWriter) -> None:
    with pytest.raises(ImportFailed, match="first row must name the columns"):
        import_file(write_input("x.csv", "Paris,France\nRome,Italy\n"), deck_id="d")
    with pytest.raises(ImportFailed, match="both give question"):
        import_file(write_input("y.csv", "question,front\nq,f\n"), deck_id="d")
    with pytest.raises(ImportFailed, match="empty"):
        import_file(write_input("z.csv", "\n\n"), deck_id="d")
    result = import_file(write_input("w.csv", "question,answer,anwser2,explian\nq,a,,\n"),
                         deck_id="d")
    assert any("'explian' is not used (did you mean 'explain'?)" in w for w in result.warnings)


def test_csv_comment_lines_and_old_mac_line_ends(write_input: InputWriter) -> None:
    path = write_input("c.csv", "# from my notes: 2 cards\r"
                                     'question,answer\r"Two\rlines",a\rQ2,\r')
    result = import_file(path, deck_id="d", partial=True)
    assert [c.prompt for c in load_imported(result).cards] == ["Two\nlines"]
    assert [(p.line, p.message) for p in result.problems] == [(5, "no answer")]
