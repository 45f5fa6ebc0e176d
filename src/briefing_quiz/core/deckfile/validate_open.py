"""The validator's builder of `open` cards (its own module to keep `validate.py` in size).

A point is an inline table `{ label = "...", terms = ["...", ...] }`; each problem is placed at
the point at fault (`("cards", i, "points", j)`, which `positions.py` finds inside the array),
and `min_points`, when given, must be 1..the number of points.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from briefing_quiz.core.deckfile.rules import POINT_KEYS, Messages
from briefing_quiz.core.model import Card, OpenCard, OpenPoint

if TYPE_CHECKING:
    from briefing_quiz.core.deckfile.positions import Loc
    from briefing_quiz.core.deckfile.validate import _Validator

__all__: list[str] = []

_OWNER = "open card"


def _shown(value: object) -> str:
    """A bad value as a message shows it: text quoted, anything else by its kind."""
    from briefing_quiz.core.deckfile.validate import kind_of

    return repr(value) if isinstance(value, str) else kind_of(value)


def build_open(v: _Validator, raw: dict[str, Any], loc: Loc, card_id: str | None,
               common: dict[str, Any]) -> Card | None:
    """The card, or None with every problem added to `v`."""
    from briefing_quiz.core.deckfile.validate import kind_of

    question = v.text(raw, "question", loc, card_id, _OWNER)
    answer = v.text(raw, "answer", loc, card_id, _OWNER)
    points = _points(v, raw, loc, card_id)
    min_points = len(points) if points else 0
    if "min_points" in raw:
        value, given = raw["min_points"], raw.get("points")
        count = len(given) if type(given) is list else 0  # bad points are reported, not counted
        if type(value) is not int or not 1 <= value <= max(count, 1 if points is None else 0):
            v.add(Messages.MIN_POINTS.format(count=count or "the number of points", value=(
                value if type(value) is int else kind_of(value))), (*loc, "min_points"), card_id)
            return None
        min_points = value
    if question is None or answer is None or points is None:
        return None
    return OpenCard(question=question, points=points, answer=answer, min_points=min_points,
                    **common)


def _points(v: _Validator, raw: dict[str, Any], loc: Loc,
            card_id: str | None) -> tuple[OpenPoint, ...] | None:
    from briefing_quiz.core.deckfile.validate import kind_of

    if "points" not in raw:
        v.add(Messages.MISSING.format(owner=_OWNER, key="points"), loc, card_id)
        return None
    value = raw["points"]
    here = (*loc, "points")
    if type(value) is not list:
        v.add(Messages.POINTS_NOT_LIST.format(kind=kind_of(value)), here, card_id)
        return None
    if not value:
        v.add(Messages.POINTS_EMPTY, here, card_id)
        return None
    made = [_point(v, item, number, (*here, number - 1), card_id)
            for number, item in enumerate(value, 1)]
    return None if None in made else tuple(p for p in made if p is not None)


def _point(v: _Validator, item: object, number: int, here: Loc,
           card_id: str | None) -> OpenPoint | None:
    from briefing_quiz.core.deckfile.validate import kind_of

    if type(item) is not dict:
        v.add(Messages.POINT_NOT_TABLE.format(number=number, kind=kind_of(item)), here, card_id)
        return None
    before = len(v.pending)
    for key in item:
        if key not in POINT_KEYS:
            v.add(Messages.POINT_UNKNOWN_KEY.format(number=number, key=key), here, card_id)
    label = item.get("label")
    if label is None:
        v.add(Messages.POINT_MISSING.format(number=number, key="label"), here, card_id)
    elif type(label) is not str or not label.strip():
        v.add(Messages.POINT_LABEL.format(number=number, value=_shown(label)), here, card_id)
        label = None
    shown = repr(label) if label else f"#{number}"
    terms = item.get("terms")
    if terms is None:
        v.add(Messages.POINT_MISSING.format(number=number, key="terms"), here, card_id)
    elif type(terms) is not list:
        v.add(Messages.POINT_TERMS.format(number=number, label=shown, kind=kind_of(terms)),
              here, card_id)
    elif not terms:
        v.add(Messages.POINT_NO_TERMS.format(number=number, label=shown), here, card_id)
    else:
        for term_number, term in enumerate(terms, 1):
            if type(term) is not str or not term.strip():
                v.add(Messages.POINT_TERM.format(number=number, label=shown, term=term_number,
                                                 value=_shown(term)), here, card_id)
    if len(v.pending) != before or label is None or not isinstance(terms, list):
        return None
    return OpenPoint(label=label, terms=tuple(terms))
