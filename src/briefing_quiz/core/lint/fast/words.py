"""The fast lint's normalised text: every blank a " ", so that a word is found as " word "."""

from __future__ import annotations

from collections.abc import Sequence

from briefing_quiz.core.lint.text import _BLANKS

__all__ = ["SPACED", "spaced", "spaced_all"]

# Every character `str.split()` splits on: the automaton's text has them all as " ", so that
# " word " is found exactly where `split()` gives `word` (tests/core/lint/test_fast.py checks the
# list against `str.isspace`).
_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
               "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
SPACED = {**_BLANKS, **{ord(c): " " for c in _WHITESPACE}}


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
    return f" {whole.casefold().translate(SPACED)} ".split("\x00")
