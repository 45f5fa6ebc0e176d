"""Every command that prints deck text, run on a deck hostile in every field: no terminal control
reaches the output bytes, and no one-line field (a file or key name) can forge a report line."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

from briefing_quiz import cli

# An OSC 52 clipboard write, a BEL, a screen clear, a C1 CSI, a bidi override, Textual markup and a
# line separator: in every field of every card type.
H = r"\u001b]52;c;SGk=\u0007\u001b[2J\u009b31m\u202e[b]mk[/b]\u2028\u0085"

HOSTILE = f'''format = 1
[deck]
id = "h"
title = "T{H}"
description = "D{H}"
tags = ["t{H}"]
[deck.source]
author = "A{H}"
publisher = "P{H}"
file = "src\\u001b[2J\\u202e\\nfile:1:1: forged.md"

[[cards]]
id = "a"
type = "basic"
tags = ["g{H}"]
question = "Q{H}?"
answer = "A{H}"
source = "s{H}"
explain = "e{H}"

[[cards]]
id = "b"
type = "typed"
question = "Q{H}?"
answer = "x{H}"
accept = ["y{H}"]
source = "s{H}"

[[cards]]
id = "c"
type = "choice"
question = "Q{H}?"
choices = ["c1{H}", "c2{H}"]
answer = "c1{H}"
source = "s{H}"

[[cards]]
id = "d"
type = "cloze"
text = "Z{H} {{{{c1::w{H}::h{H}}}}} and {{{{c2::v{H}}}}}"
source = "s{H}"

[[cards]]
id = "e"
type = "truefalse"
statement = "S{H}"
answer = true
source = "s{H}"

[[cards]]
id = "f"
type = "order"
question = "O{H}"
items = ["i1{H}", "i2{H}", "i3{H}"]
source = "s{H}"

[[cards]]
id = "g"
type = "open"
question = "Q{H}?"
points = [{{ label = "L{H}", terms = ["t{H}", "term"] }}, {{ label = "M{H}", terms = ["u{H}"] }}]
answer = "A{H}"
source = "In 2022 Moscow"
explain = "e{H}"
'''

# The deck's source file: its name and every sentence hostile too (coverage, check, draft).
RAW = "\x1b]52;c;SGk=\x07\x1b[2J\x9b31m\u202e[b]mk[/b]\u2028\x85"
SOURCE_NAME = "src\x1b[2J\u202e\nfile:1:1: forged.md"
SOURCE = (f"# Head{RAW}\n\nIn 2022 Moscow{RAW} moved 130,000 troops. Pifer{RAW} said so.\n\n"
          f"On 14 February NATO{RAW} answered.\n")

# A broken deck whose every message quotes hostile text, in a file whose name holds a newline.
BROKEN = f'''format = 1
[deck]
id = "bad{H}"
title = "x"
"k\\nfile:1:1: forged" = 1
[[cards]]
id = "Bad{H}"
type = "weird{H}"
question = "q"
'''

HOSTILE_CSV = ('question,answer,tags,colour\n'
               '"Q\x1b]0;t\x07\u202e?","A\x9b1m\u2028","g\x1b[5m",x\n'
               '"",,,\n')

#: ESC, BEL, every C1, the bidi controls, U+2028/2029, as UTF-8 bytes.
FORBIDDEN = re.compile(
    rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]")


@pytest.fixture
def base(tmp_path: Path) -> list[str]:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "h.toml").write_text(HOSTILE, encoding="utf-8")
    (decks / SOURCE_NAME).write_text(SOURCE, encoding="utf-8")
    (tmp_path / SOURCE_NAME).write_text(SOURCE, encoding="utf-8")
    (decks / "bad\x1b[1m\nfile:1:1: forged.toml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "in\x1b[7m\nfile:1:1: x.csv").write_text(HOSTILE_CSV, encoding="utf-8")
    return ["--data", str(tmp_path / "p.sqlite3"), "--config", str(tmp_path / "none.toml"),
            "--decks", str(decks)]


def run(argv: list[str], capsysbinary: pytest.CaptureFixture[bytes],
        monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> tuple[bytes, bytes]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    cli.main(argv)
    captured = capsysbinary.readouterr()
    return captured.out, captured.err


COMMANDS: list[list[str]] = [
    ["check"],
    ["check", "{decks}/h.toml"],
    ["study", "h", "--plain", "--seed", "1"],
    ["study", "h", "--plain", "--test", "3", "--seed", "2"],
    ["sheet", "h"],
    ["sheet", "h", "--format", "txt"],
    ["stats"],
    ["stats", "--json"],
    ["log"],
    ["brief", "h"],
    ["brief", "h", "--at", "2099-01-01 10:00"],
    ["import", "{tmp}/in\x1b[7m\nfile:1:1: x.csv", "-o", "{tmp}/out\u202e.toml", "--partial"],
    ["export", "h", "-o", "{tmp}/e\x1b[1m\nfile:1:1: x.csv"],
    ["export", "h", "-o", "{tmp}/e\x9b.apkg"],
    ["new", "{tmp}/n\x1b]0;x\x07\nfile:1:1: forged.toml"],
    ["check", "--lint", "{decks}/h.toml"],
    ["rebuild"],
    ["study", "h", "--plain", "--briefing", "--seed", "6"],
    ["sheet", "h", "--json"],
    ["coverage", "h"],
    ["coverage", "h", "--json"],
    ["draft", "{tmp}/" + SOURCE_NAME, "-o", "{tmp}/d\x1b[1m\nfile:1:1: x.toml"],
    ["optimize"],
    ["study", "h", "--plain", "--search", "Q\x1b]52;c;SGk=\x07", "--seed", "4"],
    ["study", "h", "--plain", "--tag", "g\x1b]52;c;SGk=\x07\x1b[2J\x9b31m\u202e[b]mk[/b]"
     "\u2028\x85", "--cram", "--seed", "5"],
    ["import", "{tmp}/e.apkg", "-o", "{tmp}/ia.toml", "--with-progress",
     "--data", "{tmp}/p\x1b[1m\nfile:1:1: x.sqlite3"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:3]))
def test_no_command_writes_a_control_byte_or_a_forged_line(
        command: list[str], base: list[str], tmp_path: Path,
        capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    answers = "\n3\n\n3\n1\n3\n\n3\n\n3\n1 2 3\n3\nq\n"
    run([*base, "study", "h", "--plain", "--seed", "3"], capsysbinary, monkeypatch, answers)
    if command[0] == "import" and command[1].endswith(".apkg"):  # our own export, read back
        run([*base, "export", "h", "-o", str(tmp_path / "e.apkg")], capsysbinary, monkeypatch)
    argv = [a.replace("{decks}", str(tmp_path / "decks")).replace("{tmp}", str(tmp_path))
            for a in command]
    stdout, stderr = run([*base, *argv], capsysbinary, monkeypatch, answers)
    out = stdout + stderr
    assert out.strip(), "the command printed nothing"
    assert FORBIDDEN.findall(out) == [], out
    assert not any(line.startswith(b"file:1:1:") for line in out.splitlines()), out
    assert b"Traceback" not in out and b"internal error" not in out, out
    if command[0] == "log" or "--json" in command:
        lines = stdout.decode("utf-8").splitlines()
        assert lines and all(json.loads(line) for line in lines)
    if command[0] in ("import", "export", "new", "draft"):
        assert stdout.startswith(b"Wrote "), out  # the hostile names are written, not refused
    if command[0] in ("sheet", "study"):
        assert b"[b]mk[/b]" in out  # markup shown as typed, not interpreted


def test_a_terminal_that_is_not_utf8_gets_escapes_not_a_crash(base: list[str],
                                                              tmp_path: Path) -> None:
    """A Latin-1 or ASCII terminal: characters it cannot show ('—', '␛') are escaped; and a file
    name's bytes that are not UTF-8 (0x9b: a C1 CSI to an 8-bit terminal) are never written raw."""
    import os
    import subprocess

    decks = tmp_path / "decks"
    os.rename(decks / "h.toml", os.fsdecode(bytes(decks) + b"/h\x9b\xff.toml"))
    for encoding in ("latin-1", "ascii", "utf-8"):
        env = {**os.environ, "PYTHONIOENCODING": encoding}
        for command in (["check"], ["stats"], ["study", "h", "--plain"]):
            result = subprocess.run([sys.executable, "-m", "briefing_quiz", *base, *command],
                                    input=b"\n3\nq\n", capture_output=True, env=env, timeout=60)
            out = result.stdout + result.stderr
            assert b"internal error" not in out, out
            text = out.decode(encoding)  # as the terminal reads it: no C0 or C1 control
            assert [c for c in text if (c < " " and c not in "\n\t") or "\x7f" <= c < "\xa0"
                    or c == "\xff"] == [], out
            assert b"h\\udc9b\\udcff.toml" in out or command != ["check"], out
