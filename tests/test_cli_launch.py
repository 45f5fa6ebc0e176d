"""Launching the app: its launch line is read without building every command's parser, with the
same result, and the collector's start-up pause (services/gc_policy.py) always ends."""

from __future__ import annotations

import argparse
import gc
from pathlib import Path

import pytest

from briefing_quiz import cli
from briefing_quiz.paths import Paths
from tests.conftest import DeckWriter, FrozenClock
from tests.ui.conftest import MINI_DECK


@pytest.mark.parametrize("argv", [
    [],
    ["--data", "p.sqlite3"],
    ["--data=p.sqlite3", "--config", "c.toml"],
    ["--decks", "a", "--decks=b", "--data", "p", "--config=c"],
    ["--data", ""],
    ["--data", "x", "--data", "y"],  # the last one counts, as with argparse
])
def test_the_launch_line_reads_as_the_full_parser_reads_it(argv: list[str]) -> None:
    lean = cli._app_options(argv)
    assert lean is not None
    assert vars(lean) == vars(cli.build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [
    ["stats"], ["--help"], ["-h"], ["--version"], ["--dat", "x"], ["--data"],
    ["--data", "-x"], ["--decks", "d", "study", "--plain"], ["--bogus"], ["deck.toml"],
])
def test_anything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    assert cli._app_options(argv) is None


def test_usage_errors_and_help_are_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--data"]) == 2
    assert "expected one argument" in capsys.readouterr().err
    assert cli.main(["--help"]) == 0
    assert "COMMAND" in capsys.readouterr().out


def test_the_launch_line_opens_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Paths] = []

    def app(args: argparse.Namespace, paths: Paths) -> int:
        seen.append(paths)
        return 0

    monkeypatch.setitem(cli.COMMANDS, None, app)
    assert cli.main(["--data", "p.sqlite3", "--decks", "d"]) == 0
    (paths,) = seen
    assert paths.data_file.name == "p.sqlite3"
    assert [d.name for d in paths.deck_dirs][-1:] == ["d"]


def test_the_app_ends_the_collectors_start_up_pause_whatever_fails(
        monkeypatch: pytest.MonkeyPatch, collector: None) -> None:
    """The command line pauses the collector for the app's start-up; an app that fails before
    its first deck load must not leave it off (services/gc_policy.py)."""

    def failing_app(paths: Paths) -> int:
        assert not gc.isenabled()
        raise RuntimeError("the app failed to start")

    monkeypatch.setattr("briefing_quiz.ui.app.run_app", failing_app)
    gc.enable()
    try:
        with pytest.raises(RuntimeError, match="failed to start"):
            cli._app()(Paths.resolve())
        assert gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_is_paused_from_the_command_line_to_the_first_load(
        write_deck: DeckWriter, tmp_path: Path, collector: None) -> None:
    """Start-up allocates much and frees little: no collections until the decks are loaded."""
    from briefing_quiz.services.backend import Backend

    deck = write_deck(MINI_DECK, "mini.toml")
    paths = Paths(data_file=tmp_path / "progress.sqlite3", config_file=tmp_path / "config.toml",
                  deck_dirs=(deck.parent,), user_decks_dir=tmp_path / "user-decks")
    backend = Backend(paths, clock=FrozenClock(), seed=1)
    try:
        cli._app()
        assert not gc.isenabled()
        loaded = backend.load_sync()
        assert gc.isenabled()
        assert [d.id for d in loaded.decks] == ["mini"]
    finally:
        gc.enable()
        backend._close_sync()
        backend.shutdown()
