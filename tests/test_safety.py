"""Safety of the progress file across processes: concurrent writers, SIGKILL, unusable files.

Process tests stay lean: two real `briefing-quiz` processes for the concurrency test, and forked
children of this (already imported) interpreter for the twenty SIGKILL rounds.
"""

from __future__ import annotations

import io
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from briefing_quiz.cli import main
from briefing_quiz.core.progress import schema as schema_module
from briefing_quiz.core.progress.store import Store
from tests.conftest import DeckWriter

SAVED = re.compile(r"^SAVED (\S+)/(\S+) ([1-4]) due (\S+)$")


def big_deck(count: int) -> str:
    """A deck of `count` basic cards."""
    cards = "".join(
        f'[[cards]]\nid = "c{i:04d}"\ntype = "basic"\nquestion = "Q{i}?"\nanswer = "A{i}"\n\n'
        for i in range(count))
    return f'format = 1\n[deck]\nid = "big"\ntitle = "Big"\n\n{cards}'


@pytest.fixture
def setup(tmp_path: Path, write_deck: DeckWriter) -> dict[str, Path]:
    write_deck(big_deck(700), "big.toml", tmp_path / "decks")
    config = tmp_path / "config.toml"
    config.write_text("[scheduler]\nnew_cards_per_day = 5000\n")
    return {"decks": tmp_path / "decks", "config": config, "data": tmp_path / "p.sqlite3"}


def argv(setup: dict[str, Path]) -> list[str]:
    return ["study", "big", "--plain", "--decks", str(setup["decks"]), "--config",
            str(setup["config"]), "--data", str(setup["data"])]


def saved_lines(text: str) -> list[tuple[str, str, int, str]]:
    out = []
    for line in text.splitlines():
        m = SAVED.match(line)
        if m:
            out.append((m.group(1), m.group(2), int(m.group(3)), m.group(4)))
    return out


def logged(path: Path) -> list[tuple[str, str, int, str]]:
    with Store.open(path, readonly=True) as store:
        return [(r.key.deck_id, r.key.card_id, int(r.rating),
                 r.card_after.due.isoformat(timespec="seconds")) for r in store.reviews()]


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def test_two_processes_answering_on_one_file_lose_nothing(setup: dict[str, Path]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_QUIZ_")}
    # A basic card takes two lines (reveal, grade); 300 cards, then q.
    answers = "\n\n" * 300 + "q\n"
    command = [sys.executable, "-m", "briefing_quiz", *argv(setup)]
    procs = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    results: list[tuple[str, str]] = [("", "")] * 2

    def talk(i: int) -> None:
        results[i] = procs[i].communicate(answers, timeout=120)

    threads = [threading.Thread(target=talk, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err and "error" not in err, err
        assert len(saved_lines(out)) == 300
    log = logged(setup["data"])
    assert len(log) == 600
    printed = saved_lines(results[0][0]) + saved_lines(results[1][0])
    assert sorted(log) == sorted(printed)  # every reported answer, exactly as reported
    assert integrity(setup["data"]) == "ok"


def _run_child(args: list[str], stdin_fd: int, stdout_fd: int) -> None:  # pragma: no cover
    """In a forked child: the CLI on the given pipes; never returns into pytest."""
    code = 70
    try:
        os.dup2(stdin_fd, 0)
        os.dup2(stdout_fd, 1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), line_buffering=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False))
        code = main(args)
        sys.stdout.flush()
    finally:
        os._exit(code)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_sigkill_mid_stream_loses_no_saved_answer(setup: dict[str, Path]) -> None:
    rng = random.Random(20260302)
    reported: list[tuple[str, str, int, str]] = []
    for _round in range(20):
        in_r, in_w = os.pipe()
        out_r, out_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.close(in_w)
            os.close(out_r)
            _run_child(argv(setup), in_r, out_w)
        os.close(in_r)
        os.close(out_w)
        os.write(in_w, b"\n\n" * 120)  # more answers than it will live to give
        os.close(in_w)
        target = rng.randint(1, 25)
        seen = 0
        with os.fdopen(out_r, "r") as out:
            for line in out:
                parsed = saved_lines(line)
                if parsed:
                    reported.extend(parsed)
                    seen += 1
                    if seen == target:
                        os.kill(pid, signal.SIGKILL)  # typically mid-way through the next answer
                        break
            # The child may have run ahead of our reading: what it printed before it died counts
            # as reported too (it is still in the pipe).
            for line in out:
                reported.extend(saved_lines(line))
        _pid, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        assert integrity(setup["data"]) == "ok"
        log = logged(setup["data"])
        missing = [r for r in reported if r not in log]
        assert missing == [], f"answers reported SAVED but not in the log: {missing}"
        # At most one answer per round may be committed without its SAVED line being read.
        assert len(reported) <= len(log) <= len(reported) + _round + 1
    with Store.open(setup["data"]) as store:
        before = store.states()
        store.rebuild()
        assert store.states() == before


# -- unusable files at the data path: a clear error, the file untouched --------------------------


def run_cli(setup: dict[str, Path], stdin: str, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv(setup))
    out, err = capsys.readouterr()
    return code, out, err


def test_corrupt_file_directory_and_foreign_database(setup: dict[str, Path], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(os.urandom(8192))
    foreign = tmp_path / "foreign.sqlite3"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    folder = tmp_path / "a-folder"
    folder.mkdir()
    for path, words in [(corrupt, "not an SQLite database"), (foreign, "another program"),
                        (folder, "is a directory")]:
        before = (path.read_bytes(), path.stat().st_mtime_ns) if path.is_file() else None
        setup["data"] = path
        code, out, err = run_cli(setup, "\n\n", monkeypatch, capsys)
        assert code == 1 and "SAVED" not in out and "CARD" not in out
        assert err.count("\n") == 1 and words in err and str(path) in err
        if before is not None:
            assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in folder.iterdir()) == []


def _inject(monkeypatch: pytest.MonkeyPatch, pragma: str) -> None:
    """Make every connection the store opens run `pragma` (a failure SQLite itself produces)."""
    real = schema_module.connect

    def connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
        conn = real(path, readonly=readonly)
        conn.execute(pragma.format(pages=conn.execute("PRAGMA page_count").fetchone()[0]))
        return conn

    monkeypatch.setattr(schema_module, "connect", connect)


@pytest.mark.parametrize(("pragma", "words", "answer"), [
    # Read-only: tests run as root, and chmod does not stop root. `query_only` makes SQLite refuse
    # writes exactly as for a read-only file (SQLITE_READONLY).
    ("PRAGMA query_only = ON", "read-only", ""),
    # Disk full: SQLite's own SQLITE_FULL once the file would need another page.
    ("PRAGMA max_page_count = {pages}", "disk is full", "x" * 50000),
], ids=["read-only", "disk-full"])
def test_failed_write_is_a_clear_error_and_not_reported_saved(
        setup: dict[str, Path], pragma: str, words: str, answer: str, write_deck: DeckWriter,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    write_deck(big_deck(3), "big.toml", setup["decks"])
    Store.open(setup["data"]).close()  # an existing, valid, current file
    before = setup["data"].read_bytes()
    _inject(monkeypatch, pragma)
    code, out, _err = run_cli(setup, f"{answer}\n\n", monkeypatch, capsys)
    assert code == 1
    assert not any(line.startswith("SAVED") for line in out.splitlines())
    not_saved = [line for line in out.splitlines() if line.startswith("NOT SAVED big/c0000: ")]
    assert len(not_saved) == 1 and words in not_saved[0] and str(setup["data"]) in not_saved[0]
    monkeypatch.undo()
    assert logged(setup["data"]) == []
    assert setup["data"].read_bytes() == before or integrity(setup["data"]) == "ok"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files anyway")
def test_read_only_file_for_a_normal_user(setup: dict[str, Path], write_deck: DeckWriter,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    write_deck(big_deck(3), "big.toml", setup["decks"])
    Store.open(setup["data"]).close()
    setup["data"].chmod(0o444)
    code, out, err = run_cli(setup, "\n\n", monkeypatch, capsys)
    assert code == 1 and "SAVED big" not in out.replace("NOT SAVED", "")
    assert "read-only" in out + err

