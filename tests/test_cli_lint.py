"""`briefing-quiz check --lint` and `--strict`: warnings at their lines, and the exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_quiz import paths as paths_module
from briefing_quiz.cli import main
from briefing_quiz.services.checking import lint_counts
from tests.conftest import DeckWriter

FLAWED = """\
format = 1

[deck]
id = "flawed"
title = "Flawed"

[[cards]]
id = "absolute"
type = "truefalse"
statement = "Russia only wanted talks."
answer = false

[[cards]]
id = "essay"
type = "choice"
question = "Who wrote the essay?"
choices = ["Jake Sullivan", "Liz Truss", "Steven Pifer, senior fellow at Stanford University"]
answer = "Steven Pifer, senior fellow at Stanford University"
"""

CLEAN = """\
format = 1

[deck]
id = "clean"
title = "Clean"

[[cards]]
id = "city"
type = "choice"
question = "Which city hosted the talks?"
choices = ["Paris", "Berlin", "Geneva"]
answer = "Geneva"
"""


@pytest.fixture(autouse=True)
def no_default_decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "no-decks-here"
    monkeypatch.setattr(paths_module, "bundled_decks_dir", lambda: empty / "bundled")
    monkeypatch.setattr(paths_module, "user_data_dir", lambda: empty / "data")
    monkeypatch.delenv("BRIEFING_QUIZ_DECKS", raising=False)


def test_lint_lists_warnings_at_their_lines_and_passes(
        write_deck: DeckWriter, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_deck(FLAWED, "flawed.toml")
    assert main(["check", "--lint", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    text = FLAWED.splitlines()
    statement = text.index('statement = "Russia only wanted talks."') + 1
    choices = next(i for i, line in enumerate(text, 1) if line.startswith("choices"))
    assert out[0].startswith(f"OK {path}")
    assert out[1].startswith(f"{path}:{statement}:1: [truefalse-absolute] card absolute: ")
    assert f"{path}:{choices}:1: [choice-longest] card essay: " in "\n".join(out)
    assert all("; fix: " in line for line in out[1:-1])
    assert out[-1] == f"1 deck, 2 cards, {len(out) - 2} lint warnings: OK"


def test_strict_fails_on_warnings_and_passes_a_clean_deck(
        write_deck: DeckWriter, capsys: pytest.CaptureFixture[str]) -> None:
    flawed = write_deck(FLAWED, "flawed.toml")
    clean = write_deck(CLEAN, "clean.toml")
    assert main(["check", "--strict", str(flawed)]) == 1
    assert capsys.readouterr().out.splitlines()[-1].endswith("failed (--strict)")
    assert main(["check", "--strict", str(clean)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 deck, 1 card: OK"


def test_without_lint_check_says_nothing_of_style(
        write_deck: DeckWriter, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_deck(FLAWED, "flawed.toml")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "1 deck, 2 cards: OK"
    assert len(out.splitlines()) == 2 and "[truefalse-absolute]" not in out


def test_lint_counts_per_deck(write_deck: DeckWriter) -> None:
    from briefing_quiz.core.deckfile import load_deck

    flawed = load_deck(write_deck(FLAWED, "flawed.toml"))
    clean = load_deck(write_deck(CLEAN, "clean.toml"))
    counts = lint_counts([flawed, clean])
    assert counts["clean"] == 0 and counts["flawed"] >= 2


def test_a_weak_term_of_an_open_card_is_at_its_point_with_the_fix_said_once(
        write_deck: DeckWriter, capsys: pytest.CaptureFixture[str]) -> None:
    deck = ('format = 1\n\n[deck]\nid = "o"\ntitle = "O"\n\n[[cards]]\nid = "thesis"\n'
            'type = "open"\nquestion = "Where has the Kremlin put itself?"\npoints = [\n'
            '  { label = "cornered", terms = ["painted into a corner"] },\n'
            '  { label = "war or climb-down", terms = ["war or back down", "war"] },\n]\n'
            'answer = "In a corner: war or a climb-down."\n')
    path = write_deck(deck, "o.toml")
    assert main(["check", "--lint", str(path)]) == 0
    (line,) = [x for x in capsys.readouterr().out.splitlines() if "[open-weak-term]" in x]
    assert line.startswith(f"{path}:13:3: [open-weak-term] card thesis: point 2 "
                           "('war or climb-down'): the term 'war' is one very common word")
    assert line.count("use a phrase of the point") == 1  # in the fix, not twice
