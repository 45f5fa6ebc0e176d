"""No command prints a deck's or a file name's control characters raw (services/terminal.py)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from briefing_quiz import cli
from briefing_quiz.paths import Paths
from briefing_quiz.services.terminal import VisibleWriter
from tests.conftest import DeckWriter

HOSTILE_DECK = r'''format = 1
[deck]
id = "h"
title = "T\u001b]0;pwned\u0007 \u001b[31mred"

[[cards]]
id = "a"
type = "basic"
question = "Q\u001b[2J?"
answer = "A\u009b31m"
source = "s\u001b[5m\u202e"
'''


def raw_controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0
            or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069]


@pytest.fixture
def hostile(write_deck: DeckWriter, tmp_path: Path) -> Path:
    write_deck(HOSTILE_DECK, "h.toml")
    write_deck("broken", "bad\x1b[1m.toml")  # a hostile file name, in an error
    return tmp_path / "decks"


def run(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        stdin: str = "") -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("command", [
    ["check"],
    ["study", "h", "--plain"],
    ["sheet", "h"],
    ["stats"],
    ["log"],
    ["brief", "h"],
])
def test_no_command_prints_a_raw_control_character(
        command: list[str], hostile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    base = ["--data", str(tmp_path / "p.sqlite3"), "--config", str(tmp_path / "none.toml"),
            "--decks", str(hostile)]
    run([*base, "study", "h", "--plain"], capsys, monkeypatch, stdin="\n3\nq\n")  # some history
    _code, out = run([*base, *command, *(["."] if command == ["check"] else [])], capsys,
                     monkeypatch, stdin="\n3\nq\n")
    assert out.strip(), "the command printed nothing"
    assert raw_controls(out) == [], out
    if command == ["log"]:
        assert all(json.loads(line) for line in out.splitlines())


def test_check_shows_the_hostile_parts_as_visible_stand_ins(
        hostile: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _code, out = run(["check", str(hostile)], capsys, monkeypatch)
    assert "bad␛[1m.toml:1:" in out


def test_the_app_gets_the_streams_without_the_filter(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, collector: None) -> None:
    # Textual writes its own escape sequences; its widgets clean deck text themselves.
    seen: list[object] = []

    def fake_run_app(paths: Paths) -> int:
        seen.extend([sys.stdout, sys.stderr])
        return 0

    monkeypatch.setattr("briefing_quiz.ui.app.run_app", fake_run_app)
    outer = sys.stdout
    assert cli.main(["--data", str(tmp_path / "p.sqlite3")]) == 0
    assert seen and not any(isinstance(s, VisibleWriter) for s in seen)
    assert sys.stdout is outer
