"""Issue 17 bug 9: counts of one are singular ('1 review', '1 item', 'line 7')."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from briefing_quiz import cli
from briefing_quiz.authoring.importers import import_file

DECK = '''format = 1
[deck]
id = "d"
title = "D"
[[cards]]
id = "a"
type = "basic"
question = "Q?"
answer = "A"
'''


def test_rebuild_and_brief_say_one_item_and_one_review(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "d.toml").write_text(DECK, encoding="utf-8")
    base = ["--data", str(tmp_path / "p.sqlite3"), "--config", str(tmp_path / "n.toml"),
            "--decks", str(decks)]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n3\nq\n"))
    assert cli.main([*base, "study", "d", "--plain"]) == 0
    capsys.readouterr()
    assert cli.main([*base, "rebuild"]) == 0
    assert "rebuilt 1 item from 1 review in" in capsys.readouterr().out
    assert cli.main([*base, "brief", "d", "--at", "2099-01-01 10:00"]) == 0
    assert "(1 item)" in capsys.readouterr().out


def test_one_line_with_media_is_line_not_lines(tmp_path: Path) -> None:
    src = tmp_path / "notes.txt"
    src.write_text("#separator:tab\n#html:true\nQ1 <img src='a.png'>\tA1\nQ2\tA2\n",
                   encoding="utf-8")
    warnings = import_file(src, deck_id="n").warnings
    assert any("images and sounds are not imported (line 3)" in w for w in warnings), warnings
