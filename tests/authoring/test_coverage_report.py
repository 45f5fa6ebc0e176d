"""`briefing-quiz coverage DECK [--json]` and the figure the statistics screen shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing_quiz.cli import main
from briefing_quiz.core.deckfile import load_deck
from briefing_quiz.services.evidence import coverage_figure

SOURCE = ("Ministers met in Brussels on 12 February 2022.\n"
          "Some 130,000 troops were massed near the border.\n\n"
          "The mood was grim.\n")
DECK = """format = 1

[deck]
id = "memo"
title = "Memo"

[deck.source]
file = "memo.txt"

[[cards]]
id = "troops"
type = "typed"
question = "How many troops?"
answer = "130,000"
source = "Some 130,000 troops were massed"
"""


@pytest.fixture
def deck_path(tmp_path: Path) -> Path:
    (tmp_path / "memo.txt").write_text(SOURCE, encoding="utf-8")
    path = tmp_path / "memo.toml"
    path.write_text(DECK, encoding="utf-8")
    return path


def test_coverage_lists_sentences_and_the_facts_not_asked(
        deck_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", str(deck_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "- memo.txt:1: Ministers met in Brussels on 12 February 2022.",
        "      not asked: place Brussels; date 12 February 2022",
        "+ memo.txt:2: Some 130,000 troops were massed near the border.",
        "- memo.txt:4: The mood was grim.",
        "memo: 1 of 2 fact-bearing sentences of memo.txt quoted by a card (50%); "
        "+ quoted, - not",
    ]


def test_coverage_as_json(deck_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", str(deck_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["covered"], data["fact_bearing"], data["percent"]) == (1, 2, 50.0)
    first = data["sentences"][0]
    assert first == {"line": 1, "text": "Ministers met in Brussels on 12 February 2022.",
                     "covered": False, "facts": [{"kind": "place", "text": "Brussels"},
                                                 {"kind": "date", "text": "12 February 2022"}]}


def test_a_deck_without_a_source_file_is_one_clear_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bare.toml"
    path.write_text(DECK.replace('[deck.source]\nfile = "memo.txt"\n', ""), encoding="utf-8")
    assert main(["coverage", str(path)]) == 1
    err = capsys.readouterr().err
    assert "the deck names no source file" in err and str(path) in err


def test_the_statistics_screen_figure(deck_path: Path, tmp_path: Path) -> None:
    assert coverage_figure(load_deck(deck_path)) == (
        "source coverage 50%: 1 of 2 fact-bearing sentences quoted by a card")
    (tmp_path / "memo.txt").write_bytes(b"\xff\xfe bad")
    figure = coverage_figure(load_deck(deck_path))
    assert figure is not None and "not UTF-8 text" in figure
    bare = tmp_path / "bare.toml"
    bare.write_text(DECK.replace('[deck.source]\nfile = "memo.txt"\n', ""), encoding="utf-8")
    assert coverage_figure(load_deck(bare)) is None


