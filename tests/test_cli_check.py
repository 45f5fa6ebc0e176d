"""`briefing-quiz check`: output, summary and exit codes (in-process, plus one real process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from briefing_quiz import paths as paths_module
from briefing_quiz.cli import main

DECK = """\
format = 1

[deck]
id = "{id}"
title = "Deck {id}"

[[cards]]
id = "q1"
type = "basic"
question = "Q?"
answer = "A"

[[cards]]
id = "q2"
type = "truefalse"
statement = "S."
answer = {answer}
"""


@pytest.fixture(autouse=True)
def no_default_decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the bundled and user decks, and the environment, out of every test here."""
    empty = tmp_path / "no-decks-here"
    monkeypatch.setattr(paths_module, "bundled_decks_dir", lambda: empty / "bundled")
    monkeypatch.setattr(paths_module, "user_data_dir", lambda: empty / "data")
    monkeypatch.delenv("BRIEFING_QUIZ_DECKS", raising=False)
    return empty


def deck(path: Path, deck_id: str, answer: str = "true") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DECK.format(id=deck_id, answer=answer), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_clean_decks_exit_0_with_counts(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    a = deck(tmp_path / "d" / "a.toml", "a")
    b = deck(tmp_path / "d" / "sub" / "b.toml", "b")
    code, out, err = run(capsys, str(tmp_path / "d"))
    assert code == 0 and err == ""
    assert out == [
        f"OK {a} (a): 2 cards: 1 basic, 1 truefalse",
        f"OK {b} (b): 2 cards: 1 basic, 1 truefalse",
        "2 decks, 4 cards: OK",
    ]


def test_problems_exit_1_one_line_each(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    good = deck(tmp_path / "good.toml", "good")
    bad = deck(tmp_path / "bad.toml", "bad", answer='"yes"')
    with bad.open("a", encoding="utf-8") as file:
        file.write('statment = "typo"\n')
    code, out, _ = run(capsys, str(bad), str(good))
    assert code == 1
    assert out == [
        f"{bad}:17:1: [card q2] 'answer' must be true or false (no quotes), not a string",
        f"{bad}:18:1: [card q2] unknown key 'statment'; did you mean 'statement'?",
        f"OK {good} (good): 2 cards: 1 basic, 1 truefalse",
        "1 of 2 decks has errors (2 problems)",
    ]


def test_missing_path_and_empty_folder_are_problems(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    code, out, _ = run(capsys, str(tmp_path / "nope.toml"), str(tmp_path / "empty"))
    assert code == 1
    assert out == [
        f"{tmp_path / 'nope.toml'}: no such file or folder",
        f"{tmp_path / 'empty'}: no deck files (*.toml) in this folder",
        "2 of 2 decks have errors (2 problems)",
    ]


def test_duplicate_deck_ids_and_a_file_named_twice(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    first = deck(tmp_path / "a.toml", "same")
    second = deck(tmp_path / "b.toml", "same")
    code, out, _ = run(capsys, str(first), str(second), str(first))
    assert code == 1
    assert out == [
        f"OK {first} (same): 2 cards: 1 basic, 1 truefalse",
        f"{second}:4:1: deck id 'same' is already used by {first}; each deck needs its own id",
        "1 of 2 decks has errors (1 problem)",
    ]


def test_default_is_every_deck_found(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    flag = deck(tmp_path / "flag" / "a.toml", "a")
    env = deck(tmp_path / "env" / "b.toml", "b")
    monkeypatch.setenv("BRIEFING_QUIZ_DECKS", str(tmp_path / "env"))
    code = main(["--decks", str(tmp_path / "flag"), "check"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[:2] == [f"OK {flag} (a): 2 cards: 1 basic, 1 truefalse",
                       f"OK {env} (b): 2 cards: 1 basic, 1 truefalse"]
    assert out[2] == "2 decks, 4 cards: OK"


def test_no_decks_anywhere(capsys: pytest.CaptureFixture[str], no_default_decks: Path) -> None:
    code, out, _ = run(capsys)
    assert code == 1
    assert out == [f"no deck files (*.toml) found; searched: {no_default_decks / 'bundled'}, "
                   f"{no_default_decks / 'data' / 'decks'}"]


def test_garbage_file_is_reported_not_raised(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.toml"
    junk.write_bytes(bytes(range(256)) * 4)  # byte 0x80 is the 118th of line 2
    code, out, err = run(capsys, str(junk))
    assert code == 1 and err == ""
    assert out == [f"{junk}:2:118: the file is not UTF-8 text (byte 0x80 cannot be read); "
                   "save it as UTF-8", "1 of 1 deck has errors (1 problem)"]


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-such-option"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_real_process_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\n[deck]\nid = "x"\ntitle = "t"\n[[cards]]\nid = 5\ntype = "basic"\n'
                   'question = "Q?"\nanswer = "A"\n')
    result = subprocess.run([sys.executable, "-m", "briefing_quiz", "check", str(bad)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"{bad}:6:1: 'id' must be a string, not an integer",
        "1 of 1 deck has errors (1 problem)",
    ]


def test_json_lists_problems_and_warnings_with_place_severity_rule_and_card(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    good = deck(tmp_path / "good.toml", "good")
    bad = deck(tmp_path / "bad.toml", "bad", answer='"yes"')
    with bad.open("a", encoding="utf-8") as file:
        file.write('statment = "typo"\n')
    code, out, err = run(capsys, "--json", "--lint", str(bad), str(good))
    assert code == 1 and err == "" and len(out) == 1  # one JSON object, nothing else
    report = json.loads(out[0])
    assert report["ok"] is False and report["exit_code"] == 1 and report["checked"] == 2
    assert report["problems"][0] == {
        "file": str(bad), "line": 17, "col": 1, "severity": "error", "rule": "deck",
        "message": "'answer' must be true or false (no quotes), not a string", "card": "q2"}
    assert report["problems"][1]["line"] == 18 and "statment" in report["problems"][1]["message"]
    assert report["decks"] == [{"file": str(bad), "id": None, "cards": 0, "ok": False},
                               {"file": str(good), "id": "good", "cards": 2, "ok": True}]
    assert report["summary"] == "1 of 2 decks has errors (2 problems)"
    assert all(w["severity"] == "warning" and w["rule"] and "fix" in w
               for w in report["warnings"])


def test_json_of_clean_decks_is_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    deck(tmp_path / "d" / "a.toml", "a")
    code, out, _ = run(capsys, "--json", str(tmp_path / "d"))
    report = json.loads("\n".join(out))
    assert code == 0 and report["ok"] is True and report["problems"] == []
    assert report["cards"] == 2 and report["summary"] == "1 deck, 2 cards: OK"


@pytest.mark.parametrize("name", ["cards.csv", "cards.TSV", "export.txt", "deck.apkg"])
def test_an_import_file_given_to_check_says_to_import_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    target = tmp_path / name
    target.write_text("question,answer\nCapital of Ukraine?,Kyiv\n", encoding="utf-8")
    code, out, _ = run(capsys, str(target))
    assert code == 1
    assert out[0].startswith(f"{target}: not a deck file")
    assert f"briefing-quiz import {target} -o DECK.toml" in out[0]
    assert "TOML" not in out[0] and "parse" not in out[0].lower()


def test_json_and_watch_together_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--json", "--watch"])
    _out, err = capsys.readouterr()
    assert code != 0 and "--json" in err and "Traceback" not in err
