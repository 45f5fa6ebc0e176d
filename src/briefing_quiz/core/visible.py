"""Untrusted text made safe to show: every terminal control character becomes a visible stand-in.

Deck text, file names and settings come from files anyone can write. An ESC (or a C1 CSI, or a
bidirectional override) reaching a terminal could restyle it, retitle it or reorder what is read,
so nothing we print passes one on: C0 controls become their Unicode "control pictures" (ESC -> ␛),
DEL, C1 controls and bidirectional overrides a `\\uXXXX` escape (also a valid escape
inside a JSON string, so JSON output stays valid). Newlines and tabs are kept by `visible`;
`one_line` also escapes newlines, for a field that must stay on its line (a file name or a key
name inside a `file:line: message` report, which could otherwise forge a report line).
"""

from __future__ import annotations

#: What each control character becomes (str.translate table).
VISIBLE: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)}
VISIBLE.update({c: f"\\u{c:04x}" for c in range(0x7F, 0xA0)})
VISIBLE.update({c: f"\\u{c:04x}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
# Line and paragraph separators: a new line to some readers (JavaScript's JSON, editors), none to
# others, so a JSON line or a message could look split; shown as the same JSON-valid escapes.
VISIBLE.update({c: f"\\u{c:04x}" for c in (0x2028, 0x2029)})
# Lone surrogates: bytes of a file name that are not UTF-8 (U+DC80-U+DCFF under surrogateescape),
# which the stream would write back as those raw bytes; 0x80-0x9F are C1 controls to 8-bit
# terminals.
VISIBLE.update({c: f"\\u{c:04x}" for c in range(0xD800, 0xE000)})


def visible(text: str) -> str:
    """`text` with every control character but newline and tab made visible (CRLF read as LF)."""
    return text.replace("\r\n", "\n").translate(VISIBLE)


_ONE_LINE = {**VISIBLE, 0x0A: "\\n", 0x0D: "\\r"}


def one_line(text: str) -> str:
    """`text` made visible for a one-line field: also every newline written as `\\n`."""
    return text.translate(_ONE_LINE)
