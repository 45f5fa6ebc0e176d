"""Files named by the user or found in a folder: only regular files are read or replaced, never
waited on, never read past a cap; outputs are written whole (issue 17, "Files")."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing_quiz.cli import main
from tests.conftest import DeckWriter

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

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("BRIEFING_QUIZ_DECKS", raising=False)
    monkeypatch.delenv("BRIEFING_QUIZ_DATA", raising=False)


@pytest.fixture
def base(write_deck: DeckWriter, tmp_path: Path) -> list[str]:
    write_deck(DECK, "d.toml")
    return ["--data", str(tmp_path / "p.sqlite3"), "--config", str(tmp_path / "none.toml"),
            "--decks", str(tmp_path / "decks")]


def bq(*argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The command in a child process: a read that waits on a FIFO fails the test, not hangs it."""
    return subprocess.run([sys.executable, "-m", "briefing_quiz", *argv], input=stdin,
                          capture_output=True, text=True, timeout=60)


@needs_fifo
@pytest.mark.parametrize("command", [
    ["export", "d", "-o", "{out}", "--force", "--format", "csv"],
    ["export", "d", "-o", "{out}", "--force", "--format", "apkg"],
    ["import", "{tmp}/in.csv", "-o", "{out}", "--force"],
    ["new", "{out}", "--force"],
])
@pytest.mark.parametrize("kind", ["fifo", "link-to-fifo", "folder", "link-to-folder",
                                  "link-to-device"])
def test_force_replaces_only_a_regular_file(command: list[str], kind: str, base: list[str],
                                            tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in.csv").write_text("question,answer\nQ,A\n", encoding="utf-8")
    special = tmp_path / "special.toml"
    if kind == "link-to-device":  # `export -o /dev/full --force` made the device node a file
        special = Path(os.devnull)
    else:
        os.mkfifo(special) if "fifo" in kind else special.mkdir()
    out = special
    if kind.startswith("link"):
        out = tmp_path / "link.toml"
        out.symlink_to(special)
    argv = [a.format(out=out, tmp=tmp_path) for a in command]
    assert main([*base, *argv]) == 1
    err = capsys.readouterr().err
    assert "not a regular file" in err or "is a folder" in err, err
    mode = special.stat().st_mode
    assert (stat.S_ISCHR(mode) if kind == "link-to-device" else
            stat.S_ISFIFO(mode) if "fifo" in kind else stat.S_ISDIR(mode))
    assert not kind.startswith("link") or out.is_symlink()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_force_through_a_link_replaces_the_file_it_names(base: list[str], tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert main([*base, "export", "d", "-o", str(link), "--force"]) == 0
    assert link.is_symlink() and "Q?,A" in real.read_text(encoding="utf-8")


def test_new_has_force(base: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "n.toml"
    path.write_text("mine", encoding="utf-8")
    assert main([*base, "new", str(path)]) == 1
    assert "add --force" in capsys.readouterr().err
    assert main([*base, "new", str(path), "--force"]) == 0
    assert path.read_text(encoding="utf-8").startswith("#")


@pytest.mark.parametrize("command", [
    ["export", "d", "-o", "{tmp}/afile/x.csv"],
    ["import", "{tmp}/in.csv", "-o", "{tmp}/afile/sub/x.toml"],
    ["new", "{tmp}/afile/x.toml"],
])
def test_an_output_whose_parent_is_a_file_is_a_clear_error(
        command: list[str], base: list[str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in.csv").write_text("question,answer\nQ,A\n", encoding="utf-8")
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    assert main([*base, *[a.format(tmp=tmp_path) for a in command]]) == 1
    assert "afile is a file, not a folder" in capsys.readouterr().err


@needs_fifo
@pytest.mark.parametrize("where", ["--config", "--data", "import", "import-apkg", "deck", "cache"])
def test_a_fifo_is_refused_never_waited_on(where: str, tmp_path: Path, write_deck: DeckWriter) -> None:
    write_deck(DECK, "d.toml")
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    env_base = ["--data", str(tmp_path / "p.sqlite3"), "--config", str(tmp_path / "none.toml"),
                "--decks", str(tmp_path / "decks")]
    if where == "--config":
        result = bq(*env_base, "--config", str(fifo), "stats")
        assert "is a FIFO (named pipe), not a settings file" in result.stderr
    elif where == "--data":
        result = bq(*env_base, "--data", str(fifo), "stats")
        assert "is a FIFO (named pipe), not a progress file" in result.stderr
    elif where == "import":
        result = bq(*env_base, "import", str(fifo), "-o", str(tmp_path / "i.toml"))
        assert "is a FIFO (named pipe)" in result.stderr
    elif where == "import-apkg":  # zipfile opened the FIFO and waited for a writer
        package = tmp_path / "shared.apkg"
        os.mkfifo(package)
        result = bq(*env_base, "import", str(package), "-o", str(tmp_path / "i.toml"))
        assert "is a FIFO (named pipe)" in result.stderr
    elif where == "deck":
        (tmp_path / "decks" / "pipe.toml").symlink_to(fifo)
        result = bq(*env_base, "check")
        assert "pipe.toml: not a regular file" in result.stdout
    else:
        cache = tmp_path / "xdg-cache" / "briefing-quiz"
        # Every entry of a first run replaced by a FIFO: the next run misses and parses.
        assert bq(*env_base, "stats").returncode == 0
        entries = list(cache.rglob("*.deck")) if cache.exists() else []
        for entry in entries:
            entry.unlink()
            os.mkfifo(entry)
        result = bq(*env_base, "stats")
        assert result.returncode == 0 and "d  D" in result.stdout, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_a_config_linked_to_an_endless_device_is_refused(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    link = tmp_path / "config.toml"
    link.symlink_to("/dev/zero")
    result = bq("--data", str(tmp_path / "p.sqlite3"), "--config", str(link), "stats")
    assert result.returncode == 1 and "is a device, not a settings file" in result.stderr


def test_dev_null_as_data_is_named_for_what_it_is(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    for command in (["stats"], ["log"], ["rebuild"]):
        assert main(["--data", "/dev/null", "--config", str(tmp_path / "n.toml"), *command]) == 1
        err = capsys.readouterr().err
        assert "/dev/null is a device, not a progress file" in err, err


@pytest.fixture
def deep_tree(tmp_path: Path) -> Iterator[Path]:
    """A folder with 1,200 nested folders below it, removed level by level afterwards: pytest's
    own clean-up (shutil.rmtree) recurses and would fail on it, in every later test run."""
    top = tmp_path / "deep"
    top.mkdir()
    here = os.getcwd()
    os.chdir(top)
    depth = 0
    try:  # relative steps: the absolute path outgrows PATH_MAX long before 1,200 levels
        while depth < 1200:
            os.mkdir("d")
            os.chdir("d")
            depth += 1
        yield top
    finally:
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
        os.chdir(here)


def test_a_decks_tree_thousands_of_levels_deep_is_a_warning(
        base: list[str], deep_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*base, "--decks", str(deep_tree), "stats"]) == 0
    captured = capsys.readouterr()
    assert "levels deep are not searched for decks" in captured.err
    assert "d  D" in captured.out
    assert main(["check", str(deep_tree)]) == 1
    assert "levels deep are not searched" in capsys.readouterr().out


def test_an_unreadable_deck_subfolder_is_named(base: list[str], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    locked = tmp_path / "decks" / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def scandir(path: str) -> object:  # root reads any folder: the refusal is simulated
        if os.path.realpath(path) == str(locked.resolve()):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert main([*base, "stats"]) == 0
    assert f"{locked}: cannot read this folder (Permission denied)" in capsys.readouterr().err
    assert main([*base, "check"]) == 0
    assert f"warning: {locked}: cannot read this folder" in capsys.readouterr().out


def test_a_missing_decks_folder_is_a_warning(base: list[str], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*base, "--decks", str(tmp_path / "nosuch"), "stats"]) == 0
    assert f"{tmp_path / 'nosuch'}: no such deck folder" in capsys.readouterr().err


def test_a_csv_cell_over_128_kib_is_a_located_error(base: list[str], tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.csv"
    big.write_text('question,answer\nQ1,A1\n"' + "x" * 200_000 + '",A\n', encoding="utf-8")
    assert main([*base, "import", str(big), "-o", str(tmp_path / "big.toml")]) == 1
    err = capsys.readouterr().err
    assert f"{big}:3: a cell of this row is longer than 128 KiB" in err and "internal" not in err


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Outputs go to a temporary file beside the target and are renamed over it: a write that
    fails leaves the old file as it was, and no temporary file."""
    from briefing_quiz.authoring import files
    from briefing_quiz.core.errors import BriefingQuizError

    target = tmp_path / "deck.toml"
    target.write_text("old", encoding="utf-8")

    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full)
    with pytest.raises(BriefingQuizError, match="No space left on device"):
        files.write_new_bytes(target, b"new " * 1000, force=True)
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.toml"]
