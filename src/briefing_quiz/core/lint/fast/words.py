"""The fast lint's normalised text: every blank a " ", so that a word is found as " word "."""

from __future__ import annotations

import re
from collections.abc import Sequence

from briefing_quiz.core.lint.text import _BLANKS

__all__ = ["SPACED", "normal_bytes", "spaced", "spaced_all"]

# Every character `str.split()` splits on: the automaton's text has them all as " ", so that
# " word " is found exactly where `split()` gives `word` (tests/core/lint/test_fast.py checks the
# list against `str.isspace`).
_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
               "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
SPACED = {**_BLANKS, **{ord(c): " " for c in _WHITESPACE}}


# The same mapping on UTF-8 bytes, ASCII capitals lowered in the same table: ASCII by one
# `bytes.translate` (the comma deleted), the other characters it blanks by one search for their
# byte sequences (UTF-8 is self-synchronising: a sequence is only found at a character's start).
# `str.translate` with a dict looks up every character of a text that is not all ASCII: about
# 65 ns a character (260 ms for a 4 MB deck with curly quotes) against about 10 ns this way.
_ASCII_TABLE = bytes(32 if c < 0x80 and SPACED.get(c, chr(c)) == " "
                     else c + 32 if 0x41 <= c <= 0x5A else c for c in range(256))
_WIDE_BLANKS = re.compile(b"|".join(re.escape(chr(c).encode()) for c in sorted(SPACED)
                                    if c > 0x7F and SPACED[c] == " "))


def normal_bytes(text: str) -> bytes:
    """`text.casefold().translate(SPACED).encode()`, faster. `casefold` and the blanking commute
    (no character folds into a blanked one or out of one: tests/core/lint/test_fast.py checks
    every code point), so a text whose only characters outside ASCII are blanks is never folded
    as a whole (folding a text that is not all ASCII costs ~8 ns a character)."""
    data = text.encode().translate(_ASCII_TABLE, b",")
    if text.isascii():
        return data
    data = _WIDE_BLANKS.sub(b" ", data)
    return data if data.isascii() else data.decode().casefold().encode()


def spaced(text: str) -> str:
    """`text` normalised as `text.normalise` does, every blank a " ", with a " " at both ends:
    `f" {word} " in spaced(text)` exactly when `word` is one of `tokens(text)`."""
    return f" {text.casefold().translate(SPACED)} "


def spaced_all(texts: Sequence[str]) -> list[str]:
    """`[spaced(text) for text in texts]`, by one `casefold` and one `translate` of them all."""
    if not texts:
        return []
    whole = " \x00 ".join(texts)
    if whole.count("\x00") != len(texts) - 1:  # a text holds the separator
        return [spaced(text) for text in texts]
    return f" {normal_bytes(whole).decode()} ".split("\x00")
