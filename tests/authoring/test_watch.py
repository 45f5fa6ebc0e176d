"""`check --watch`: the loop reports at start and after each change, with an injected sleep."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from pathlib import Path

from briefing_quiz.authoring.scaffold import skeleton
from briefing_quiz.authoring.watch import check_files, watch
from tests.conftest import DeckWriter


def _bump(path: Path, text: str) -> None:
    """Write `text` with a clearly newer mtime (file systems with coarse timestamps)."""
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def _run(targets: list[Path], steps: list[Callable[[], None]], polls: int) -> str:
    """Run the loop; before poll n+1 (i.e. in the n-th sleep) do steps[n]."""
    out = io.StringIO()
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) <= len(steps):
            steps[len(sleeps) - 1]()

    code = watch(targets, out=out, sleep=sleep, polls=polls,
                 clock=lambda: dt.datetime(2026, 1, 1, 9, 30, 5))
    assert code == 0
    assert sleeps == [0.5] * (polls - 1)
    return out.getvalue()


def test_reports_at_start_then_only_changes(tmp_path: Path, write_deck: DeckWriter) -> None:
    deck = write_deck(skeleton("d", "D"), "d.toml", tmp_path)
    other = write_deck(skeleton("other", "Other"), "other.toml", tmp_path)
    broken = skeleton("d", "D").replace('answer = "23"', 'answer = "24"')

    def noop() -> None:
        pass

    output = _run([tmp_path], [lambda: _bump(deck, broken), noop, lambda: _bump(deck, skeleton(
        "d", "D")), noop], polls=5)
    blocks = output.split("[09:30:05] ")
    assert blocks[0].startswith(f"Watching deck files in {tmp_path}; press Ctrl-C to stop.\n")
    # Start: both decks, with their card counts per type.
    assert f"OK {deck} (d): 7 cards: 1 basic, 1 typed, 1 choice, 1 truefalse, 1 cloze, " \
        "1 order, 1 open" \
        in blocks[0]
    assert f"OK {other} (other)" in blocks[0]
    assert blocks[1].startswith("all 2 deck files OK\n")
    # The broken save: only that file, with its problem at its line.
    assert f"{deck}:" in blocks[1] and "'answer' '24' is not one of the choices" in blocks[1]
    assert str(other) not in blocks[1]
    assert blocks[2].startswith("1 problem in 1 of 2 deck files\n")
    # The fix.
    assert blocks[2].endswith(f"OK {deck} (d): 7 cards: 1 basic, 1 typed, 1 choice, 1 truefalse, "
                              "1 cloze, 1 order, 1 open\n")
    assert blocks[3] == "all 2 deck files OK\n"


def test_waits_for_a_change_to_settle(tmp_path: Path, write_deck: DeckWriter) -> None:
    deck = write_deck(skeleton("d", "D"), "d.toml", tmp_path)
    half = skeleton("d", "D")[:200]  # a half-written save, completed before the next poll
    output = _run([deck], [lambda: _bump(deck, half), lambda: _bump(deck, skeleton("d", "E"))],
                  polls=4)
    assert "invalid TOML" not in output
    assert output.count("OK ") == 2  # at start, and once the file held still


def test_new_and_removed_files_and_an_empty_folder(tmp_path: Path, write_deck: DeckWriter) -> None:
    deck = tmp_path / "later.toml"

    def appear() -> None:
        write_deck(skeleton("later", "L"), deck.name, tmp_path)

    output = _run([tmp_path], [appear, lambda: None, deck.unlink, lambda: None], polls=5)
    lines = output.splitlines()
    assert lines[1] == "[09:30:05] no deck files (*.toml) found yet"
    assert f"OK {deck} (later): 7 cards" in lines[2]
    assert f"{deck}: removed" in lines


def test_duplicate_deck_ids_are_reported_and_cleared(tmp_path: Path,
                                                     write_deck: DeckWriter) -> None:
    first = write_deck(skeleton("same", "A"), "a.toml", tmp_path)
    second = write_deck(skeleton("same", "B"), "b.toml", tmp_path)
    report = check_files([first, second])
    assert report[first][0].startswith("OK ")
    assert "already used by" in report[second][0]
    output = _run([tmp_path], [lambda: _bump(second, skeleton("other", "B")), lambda: None],
                  polls=3)
    assert output.splitlines()[-2] == f"OK {second} (other): 7 cards: 1 basic, 1 typed, " \
        "1 choice, 1 truefalse, 1 cloze, 1 order, 1 open"


def test_ctrl_c_exits_quietly(tmp_path: Path) -> None:
    out = io.StringIO()

    def interrupt(_seconds: float) -> None:
        raise KeyboardInterrupt

    assert watch([tmp_path], out=out, sleep=interrupt) == 0
    assert "Traceback" not in out.getvalue()


def test_stop_condition(tmp_path: Path) -> None:
    calls: list[int] = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) >= 3

    assert watch([tmp_path], out=io.StringIO(), sleep=lambda _s: None, stop=stop) == 0
    assert len(calls) == 3


def test_quotes_are_checked_against_the_source(tmp_path: Path, write_deck: DeckWriter) -> None:
    deck = write_deck('format = 1\n[deck]\nid = "d"\ntitle = "T"\n[deck.source]\n'
                      'file = "memo.txt"\n\n[[cards]]\nid = "a"\ntype = "basic"\n'
                      'question = "Q?"\nanswer = "A"\nsource = "Some 140,000 troops"\n')
    (deck.parent / "memo.txt").write_text("Some 130,000 troops were massed.\n",
                                          encoding="utf-8")
    (line,) = check_files([deck])[deck]
    assert line.startswith(f"{deck}:13: [card a] 'source' is not in memo.txt; did you mean")
    (deck.parent / "memo.txt").unlink()
    ok, warning = check_files([deck])[deck]
    assert ok.startswith("OK ") and warning.startswith("warning: ") and "no such file" in warning


def test_a_file_name_holding_a_newline_stays_on_its_line(tmp_path: Path,
                                                         write_deck: DeckWriter) -> None:
    """Issue 17: a name like 'x<newline>file:1:1: forged.toml' must not forge a report line."""
    deck = tmp_path / "x\nfile:1:1: forged.toml"
    write_deck(skeleton("later", "L"), deck.name, tmp_path)
    output = _run([tmp_path], [deck.unlink, lambda: None], polls=3)
    assert not any(line.startswith("file:1:1:") for line in output.splitlines()), output
    assert "x\\nfile:1:1: forged.toml: removed" in output
