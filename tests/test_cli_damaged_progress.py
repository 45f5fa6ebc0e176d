"""A progress file that is damaged, half-made, hand-edited or on a read-only mount: refused
before anything is written, or read as far as it can be, never an internal error (issue 17)."""

from __future__ import annotations

import io
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from briefing_quiz import cli
from briefing_quiz.core.progress import schema
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
[[cards]]
id = "b"
type = "basic"
question = "Q2?"
answer = "A2"
'''


@pytest.fixture
def base(write_deck: DeckWriter, tmp_path: Path) -> list[str]:
    write_deck(DECK, "d.toml")
    return ["--data", str(tmp_path / "p.sqlite3"), "--config", str(tmp_path / "none.toml"),
            "--decks", str(tmp_path / "decks")]


def run(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def studied(base: list[str], capsys: pytest.CaptureFixture[str],
            monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A progress file with two answers in it, closed."""
    code, _out, _err = run([*base, "study", "d", "--plain", "--seed", "1"], capsys, monkeypatch,
                           "\n3\n\n3\nq\n")
    assert code == 0
    return tmp_path / "p.sqlite3"


def test_a_file_of_ours_without_tables_is_refused_unchanged(
        base: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for command in (["study", "d", "--plain"], ["stats"], ["log"], ["sheet", "d"]):
        code, _out, err = run([*base, *command], capsys, monkeypatch, "q\n")
        assert code == 1 and "is damaged: its tables reviews, events, items" in err, err
        assert "no such table" not in err
    assert path.read_bytes() == before  # not even switched to WAL


def test_a_file_failing_quick_check_is_refused_for_writing(
        base: list[str], studied: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    conn = sqlite3.connect(studied)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'reviews_item'").fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with studied.open("r+b") as file:  # the index's page type byte: an invalid page
        file.seek((root - 1) * page)
        file.write(b"\x00")
    before = studied.read_bytes()
    # The check runs in a thread (core.progress.soundness): each command still says so before
    # it asks the first question.
    for command in (["study", "d", "--plain"],):
        code, out, err = run([*base, *command], capsys, monkeypatch, "\n3\nq\n")
        assert code == 1
        assert f"{studied} is damaged (SQLite's quick_check: " in err and "restore a backup" in err
        assert "rebuild" in err
        assert "Q?" not in out and "Q2?" not in out, out
    assert studied.read_bytes() == before


def test_rebuild_works_from_the_log_when_the_item_states_are_damaged(
        base: list[str], studied: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    conn = sqlite3.connect(studied)
    conn.execute("UPDATE items SET card = '{}'")
    conn.commit()
    conn.close()
    code, _out, err = run([*base, "sheet", "d"], capsys, monkeypatch)
    assert code == 1 and "a stored item state cannot be read" in err and "rebuild" in err, err
    code, out, err = run([*base, "rebuild"], capsys, monkeypatch)
    assert code == 0, err
    assert "rebuilt 2 items from 2 reviews" in out
    code, out, err = run([*base, "sheet", "d"], capsys, monkeypatch)
    assert code == 0 and "Q?" in out, err


def test_a_log_row_that_cannot_be_read_is_named_and_skipped(
        base: list[str], studied: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    conn = sqlite3.connect(studied)
    row = conn.execute("SELECT deck_id, card_id, item, rating, duration_ms, content_hash, "
                       "card_after FROM reviews WHERE id = 1").fetchone()
    conn.execute("INSERT INTO reviews (id, deck_id, card_id, item, rating, duration_ms, "
                 "content_hash, card_after, reviewed_at) VALUES (7, ?, ?, ?, ?, ?, ?, ?, "
                 "'not-a-time')", row)
    conn.commit()
    conn.close()
    for command in (["log"], ["stats"], ["rebuild"], ["sheet", "d"], ["brief", "d"]):
        code, out, err = run([*base, *command], capsys, monkeypatch)
        assert code == 0, (command, err)
        assert "internal error" not in err
        if command in (["log"], ["rebuild"]):
            assert "log row 7 cannot be read" in err and "not-a-time" in err, err
    code, out, _err = run([*base, "log"], capsys, monkeypatch)
    assert [line.count('"id": ') for line in out.splitlines()] == [1, 1]


def _ro_mount_works() -> bool:
    if shutil.which("unshare") is None or sys.platform != "linux":
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c",
                            "d=$(mktemp -d) && mount --bind $d $d && mount -o remount,bind,ro $d $d"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _ro_mount_works(), reason="needs unshare and a read-only bind mount")
def test_read_only_commands_work_on_a_read_only_mount(base: list[str], studied: Path) -> None:
    folder = studied.parent
    argv = " ".join(f"'{a}'" for a in base)
    script = (f"mount --bind '{folder}' '{folder}' && mount -o remount,bind,ro '{folder}' && "
              f"for c in stats log 'sheet d' 'brief d'; do {sys.executable} -m briefing_quiz "
              f"{argv} $c || exit 9; done")
    result = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "cannot be opened" not in result.stderr and '"card": "a"' in result.stdout


def test_a_data_path_under_a_file_names_the_file(base: list[str], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    argv = [*base, "--data", str(tmp_path / "afile" / "p.sqlite3"), "study", "d", "--plain"]
    code, _out, err = run(argv, capsys, monkeypatch, "q\n")
    assert code == 1 and f"{tmp_path / 'afile'} is a file" in err, err  # it said 'File exists'


@pytest.mark.parametrize("suffix", ["-wal", "-shm"])
@pytest.mark.parametrize("kind", ["folder", "fifo", "link-to-dev-zero"])
@pytest.mark.parametrize("command", [["stats"], ["study", "d", "--plain"]])
def test_a_stale_companion_that_cannot_be_used_is_named(
        suffix: str, kind: str, command: list[str], base: list[str], studied: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A -wal or -shm beside the progress file that is no file: SQLite said "cannot be opened
    (check the path and permissions)" or "locking protocol" of the progress file, or (a FIFO)
    let the session start and then printed NOT SAVED for every answer. Now the companion is
    named, with what to do, before anything is asked or changed."""
    import os

    companion = Path(f"{studied}{suffix}")
    if kind == "folder":
        companion.mkdir()
    elif kind == "fifo":
        os.mkfifo(companion)
    else:
        companion.symlink_to("/dev/zero")
    before = studied.read_bytes()
    code, out, err = run([*base, *command], capsys, monkeypatch, "\n3\n\n3\nq\n")
    assert code == 1, out + err
    assert f"{companion}: SQLite's" in err and "remove it and try again" in err, err
    assert "CARD" not in out and "NOT SAVED" not in out, out
    assert studied.read_bytes() == before


def test_a_stale_wal_that_cannot_be_read_is_named(
        base: list[str], studied: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root reads files regardless of permissions")
    wal = Path(f"{studied}-wal")
    wal.write_bytes(b"\0" * 32)
    wal.chmod(0)
    try:
        for command in (["stats"], ["study", "d", "--plain"]):
            code, _out, err = run([*base, *command], capsys, monkeypatch, "\n3\nq\n")
            assert code == 1 and f"{wal}: SQLite's write-ahead log" in err, err
            assert "do not delete it" in err and "chmod u+rw" in err, err
    finally:
        wal.chmod(0o600)
