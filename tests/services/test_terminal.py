"""Every command's output made safe for a terminal (services/terminal.py, core/visible.py)."""

from __future__ import annotations

import io
import json
import sys

from briefing_quiz.core.visible import visible
from briefing_quiz.services.terminal import VisibleWriter, raw_stream, visible_output

HOSTILE = "a\x1b[31mred\x07\x9b2J\u202eevil\x7f\r\nnext\ttab"


def controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0
            or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069]


def test_every_control_character_but_newline_and_tab_becomes_visible() -> None:
    shown = visible(HOSTILE)
    assert controls(shown) == []
    assert shown == "a␛[31mred␇\\u009b2J\\u202eevil\\u007f\nnext\ttab"


def test_the_stand_ins_keep_json_valid_and_decode_to_the_original() -> None:
    text = json.dumps({"q": HOSTILE}, ensure_ascii=False)
    assert json.loads(visible(text)) == {"q": HOSTILE}


def test_the_filter_covers_stdout_and_stderr_for_the_block_only() -> None:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err  # type: ignore[assignment]
    try:
        with visible_output():
            print(HOSTILE)
            print(HOSTILE, file=sys.stderr)
            assert raw_stream(sys.stdout) is out
        print("\x1b")
    finally:
        sys.stdout, sys.stderr = saved
    assert controls(out.getvalue()[:-2]) == [] and controls(err.getvalue()) == []
    assert out.getvalue().endswith("\x1b\n")  # after the block, the stream is as it was


def test_the_writer_passes_everything_else_through() -> None:
    raw = io.StringIO()
    writer = VisibleWriter(raw)
    assert writer.write("x\x1b") == 2
    writer.writelines(["\x07", "y\n"])
    writer.flush()
    assert raw.getvalue() == "x␛␇y\n" and writer.writable()


def test_one_line_escapes_newlines_and_every_control() -> None:
    from briefing_quiz.core.visible import one_line

    assert one_line("k\nfile:1:1: x\r\u2028\x1b\x9b") == "k\\nfile:1:1: x\\r\\u2028␛\\u009b"


def test_a_problem_stays_on_one_line_whatever_its_names_hold() -> None:
    from pathlib import Path

    from briefing_quiz.core.errors import Problem

    text = str(Problem(Path("a\nb.toml"), "unknown key 'k\nfile:1:1: forged'", 5, 1, "c\nd"))
    assert "\n" not in text and text.startswith("a\\nb.toml:5:1: [card c\\nd] unknown key 'k\\n")
