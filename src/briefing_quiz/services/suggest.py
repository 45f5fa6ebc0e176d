"""'Did you mean ...?' for a misspelt name (a command, a deck id): the closest known names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["did_you_mean"]


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """' — did you mean 'study'?' (or two names), '' when nothing is close. Case is ignored, so
    'Feb2022' finds 'feb2022'."""
    names = sorted(set(known))
    by_fold = {name.casefold(): name for name in names}
    close = difflib.get_close_matches(word.casefold(), list(by_fold), n=2, cutoff=0.6)
    if not close:
        return ""
    return " — did you mean " + " or ".join(repr(by_fold[c]) for c in close) + "?"
