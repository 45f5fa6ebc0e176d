"""Untrusted text made safe to show: every terminal control character becomes a visible stand-in.

Deck text, file names and settings come from files anyone can write. An ESC (or a C1 CSI, or a
bidirectional override) reaching a terminal could restyle it, retitle it or reorder what is read,
so nothing we print passes one on: C0 controls become their Unicode "control pictures" (ESC -> ␛),
DEL, C1 controls and bidirectional overrides a `\\uXXXX` escape (also a valid escape
inside a JSON string, so JSON output stays valid). Newlines and tabs are kept.
"""

from __future__ import annotations

#: What each control character becomes (str.translate table).
VISIBLE: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)}
VISIBLE.update({c: f"\\u{c:04x}" for c in range(0x7F, 0xA0)})
VISIBLE.update({c: f"\\u{c:04x}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})


def visible(text: str) -> str:
    """`text` with every control character but newline and tab made visible (CRLF read as LF)."""
    return text.replace("\r\n", "\n").translate(VISIBLE)
