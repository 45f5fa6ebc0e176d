"""A cloze card's `accept` table: right variants of a gap's answer, by gap number.

`accept = { c1 = ["Moscow", "Russia"], c2 = ["Kiev"] }`: each key names a gap number of the
card's text, each value is an array of non-empty strings. `accept_pairs` is the quick check
both builders use (None: something is wrong, the fast path declines); `check_accept` is the
validator's, which says what is wrong, at the card's `accept` key.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from briefing_quiz.core.deckfile.rules import Messages
from briefing_quiz.core.model import ClozeDeletion

if TYPE_CHECKING:
    from briefing_quiz.core.deckfile.positions import Loc
    from briefing_quiz.core.deckfile.validate import _Validator

__all__ = ["accept_pairs", "check_accept"]

_GAP = re.compile(r"c([1-9][0-9]*)\Z")

Accept = tuple[tuple[int, tuple[str, ...]], ...]


def _is_text(value: object) -> bool:
    return type(value) is str and bool(value) and not value.isspace()


def accept_pairs(value: object, deletions: tuple[ClozeDeletion, ...]) -> Accept | None:
    """The (gap number, variants) pairs of a valid `accept` table, in gap order; None if invalid."""
    if type(value) is not dict:
        return None
    numbers = {d.number for d in deletions}
    out: list[tuple[int, tuple[str, ...]]] = []
    for key, variants in value.items():
        gap = _GAP.match(key)
        if gap is None or int(gap.group(1)) not in numbers or type(variants) is not list or not all(
                map(_is_text, variants)):
            return None
        out.append((int(gap.group(1)), tuple(variants)))
    return tuple(sorted(out))


def check_accept(v: _Validator, value: object, deletions: tuple[ClozeDeletion, ...], loc: Loc,
                 card_id: str | None) -> Accept | None:
    """`accept_pairs`, with each problem added to `v` at the card's `accept` key."""
    from briefing_quiz.core.deckfile.validate import kind_of

    found = accept_pairs(value, deletions)
    if found is not None:
        return found
    here = (*loc, "accept")
    if type(value) is not dict:
        v.add(Messages.CLOZE_ACCEPT_TABLE.format(kind=kind_of(value)), here, card_id)
        return None
    gaps = ", ".join(f"c{n}" for n in sorted({d.number for d in deletions}))
    table: dict[str, Any] = value
    for key, variants in table.items():
        gap = _GAP.match(key)
        if gap is None or int(gap.group(1)) not in {d.number for d in deletions}:
            v.add(Messages.CLOZE_ACCEPT_GAP.format(key=key, gaps=gaps), here, card_id)
        elif type(variants) is not list:
            v.add(Messages.CLOZE_ACCEPT_LIST.format(key=key, kind=kind_of(variants)), here, card_id)
        else:
            for number, item in enumerate(variants, 1):
                if not _is_text(item):
                    shown = repr(item) if isinstance(item, str) else kind_of(item)
                    v.add(Messages.CLOZE_ACCEPT_ITEM.format(key=key, number=number, value=shown),
                          here, card_id)
    return None
