"""Command line conventions (issue 18 item 9, clig.dev): examples in every --help, "did you mean"
for a misspelt command or deck id, --json on brief and sheet, shell completion scripts and
answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing_quiz.cli import COMMANDS, main
from tests.test_cli_briefing import Env, cli, env  # noqa: F401  (env is a fixture)


@pytest.mark.parametrize("command", sorted(c for c in COMMANDS if c is not None))
def test_every_command_help_ends_with_examples(command: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    examples = out.split("examples:\n", 1)[1]
    assert f"briefing-quiz {command}" in examples


def test_a_misspelt_command_suggests_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stduy"]) == 2
    assert "did you mean 'study'?" in capsys.readouterr().err


def test_a_misspelt_deck_id_suggests_the_closest(
        env: Env, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
        capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["brief", "mni"], ["sheet", "Mini"], ["study", "--plain", "minii"],
                 ["stats", "--deck", "mimi"]):
        code, _out, err = cli(env, *args, monkeypatch=monkeypatch, capsys=capsys)
        assert code == 1 and "did you mean 'mini'?" in err, (args, err)
    code, _out, err = cli(env, "brief", "zzzz", monkeypatch=monkeypatch, capsys=capsys)
    assert "did you mean" not in err  # nothing close: no guess


def test_brief_and_sheet_print_json(env: Env, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = cli(env, "brief", "mini", "--json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and json.loads(out) == {"deck": "mini", "at": None}
    code, out, err = cli(env, "brief", "mini", "--at", "2999-01-02 14:00", "--json",
                         monkeypatch=monkeypatch, capsys=capsys)
    body = json.loads(out)
    assert code == 0, err
    assert body["typed"] == "2999-01-02 14:00" and body["at"]["local"].startswith("2999-01-02T14:00")
    assert body["readiness"]["overall"] == 0.0 and body["passed"] is False
    code, out, _err = cli(env, "sheet", "mini", "--json", monkeypatch=monkeypatch, capsys=capsys)
    sheet = json.loads(out)
    assert code == 0 and sheet["deck"] == "mini" and sheet["briefing"] is True
    assert sorted(f["card"] for f in sheet["facts"]) == ["capital", "cz", "troops", "year"]
    assert all(f["recall"] == 0.0 and f["studied"] is False for f in sheet["facts"])


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    assert "briefing-quiz" in script and "_ARGCOMPLETE" in script


def test_completion_answers_commands_and_deck_ids(env: Env, tmp_path: Path) -> None:  # noqa: F811
    def ask(line: str) -> list[str]:
        environ = {**os.environ, "_ARGCOMPLETE": "1", "_ARGCOMPLETE_IFS": "\n",
                   "COMP_LINE": line, "COMP_POINT": str(len(line)),
                   "BRIEFING_QUIZ_DECKS": str(env["decks"]),
                   "XDG_CACHE_HOME": str(tmp_path / "cache"),
                   "XDG_DATA_HOME": str(tmp_path / "data")}
        code = "import sys; from briefing_quiz.cli import main; sys.exit(main())"
        # argcomplete answers on fd 8 and debugs on fd 9, as the shell scripts open them.
        done = subprocess.run(["sh", "-c", f'"{sys.executable}" -c "{code}" 8>&1 9>/dev/null'],
                              env=environ, capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
        return sorted(done.stdout.split())

    assert ask("briefing-quiz st") == ["stats", "study"]
    assert ask("briefing-quiz brief m") == ["mini"]
