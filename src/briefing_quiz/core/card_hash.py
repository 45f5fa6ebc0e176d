"""A card's content hash with its JSON written directly, not through `json.JSONEncoder.encode`.

What it buys: `Card.content_hash` (`core.model`) hashes `json.dumps(payload, sort_keys=True,
ensure_ascii=False)` of a dict it builds. Most of its cost is the encoder's set-up, which
`JSONEncoder.encode` redoes on every call (a new C encoder and the key sort), and the dict. Here
each card class gets, once, its payload's keys in sorted order, and the JSON is joined from the
field values: strings by the encoder's own string fast path (`encode` of a `str` is
`encode_basestring`, the function `dumps` uses), the rest (None, booleans, ints, floats, lists,
the small nested dataclasses) spelled as `json` spells them. Per call on the benchmark deck's
cards (`timeit`, best of 5, loaded machine): basic 3.9 -> 2.5 us, typed 6.4 -> 4.4, choice 6.1 ->
4.3, truefalse 3.9 -> 2.7, cloze 5.0 -> 3.2, order 5.4 -> 3.8; each card hashed once, cold, in
deck order: 6.9 -> 5.1 us. CPU per answer of the answer row without its fsync: 126.8 -> 120.3 us
(medians of 6 alternating processes, 0.95x; `benchmarks/README.md`, "CPU per answer (issue 16
part 2, second pass)").

What it falls back to: `Card.content_hash` itself for any value it does not spell (a type the
payload never holds today), so nothing new can hash differently, only slower. It relies on
`json.encoder.encode_basestring` being what `dumps` uses for a string with `ensure_ascii=False`
(true of CPython's `json` since 2.6; the differential test fails if that changes).

How to switch it off: `BRIEFING_QUIZ_NO_FAST_CARD_HASH=1` in the environment, or `ENABLED =
False`: every hash is then `Card.content_hash`. tests/core/test_card_hash.py checks that both give
the same hash for every item of random cards (every card type, any text, non-finite floats), of
decks from the benchmark's generator, of mutated decks and of the bundled decks.
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
import math
import os
from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter

from briefing_quiz.core import model
from briefing_quiz.core.cloze import cloze_answers, render_cloze
from briefing_quiz.core.model import Card, ClozeDeletion, OpenPoint, Tolerance

__all__ = ["ENABLED", "content_hash"]

#: Whether `content_hash` writes the JSON itself (else it is `Card.content_hash`).
ENABLED = os.environ.get("BRIEFING_QUIZ_NO_FAST_CARD_HASH", "") in ("", "0")

# What `json.dumps(s, ensure_ascii=False)` of a str returns: `JSONEncoder.encode` of a str is
# this function of `json.encoder` (C `encode_basestring` where built) and nothing else.
_encode_str: Callable[[str], str] = json.encoder.encode_basestring
_blake2b = hashlib.blake2b


class _Unspelled(Exception):
    """A value this module does not write: the plain path hashes the card."""


def _float(value: float) -> str:
    # As json.encoder's floatstr (allow_nan is on by default).
    if value != value:
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _native(value: object) -> str:
    """`json.dumps(value, sort_keys=True, ensure_ascii=False)` of a value json takes as it is:
    str, None, bool, int, float, and lists or tuples of those."""
    kind = type(value)
    if kind is str:
        return _encode_str(value)  # type: ignore[arg-type]
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return _float(value)  # type: ignore[arg-type]
    if kind is tuple or kind is list:
        return "[" + ", ".join([_native(v) for v in value]) + "]"  # type: ignore[attr-defined]
    raise _Unspelled


def _json(value: object) -> str:
    """The JSON of `model._jsonable(value)`: tuples become lists (of `_jsonable` items), the
    nested dataclasses dicts of their fields' values as they are; anything else is as it is."""
    kind = type(value)
    if kind is tuple:
        return "[" + ", ".join([_json(v) for v in value]) + "]"  # type: ignore[attr-defined]
    if kind in _NESTED:
        names = _NESTED_KEYS.get(kind)
        if names is None:
            names = _NESTED_KEYS[kind] = tuple(sorted(f.name for f in fields(value)))  # type: ignore[arg-type]
        return "{" + ", ".join([_encode_str(n) + ": " + _native(getattr(value, n))
                                for n in names]) + "}"
    return _native(value)


# The dataclasses `model._jsonable` turns into dicts, and their fields' names in sorted order.
_NESTED: frozenset[type] = frozenset({ClozeDeletion, Tolerance, OpenPoint})
_NESTED_KEYS: dict[type, tuple[str, ...]] = {}


# Per card class: the payload's keys in sorted order, as the JSON before each value, and one
# getter of the values ("type" and "item" are not fields: the getter leaves them as None).
_Plan = tuple[tuple[str, ...], Callable[[Card], tuple[object, ...]], int, int]
_PLANS: dict[type, _Plan] = {}


def _plan(card: Card) -> _Plan:
    names = model._HASHED_FIELDS.get(type(card))
    if names is None:
        names = tuple(f.name for f in fields(card) if f.name not in model._UNHASHED)
    keys = sorted({*names, "type", "item"})
    prefixes = tuple((", " if i else "{") + _encode_str(k) + ": " for i, k in enumerate(keys))
    # "type" and "item" read an attribute that is always there (`id`), then are replaced.
    getter = attrgetter(*[k if k not in ("type", "item") else "id" for k in keys])
    plan = (prefixes, getter, keys.index("type"), keys.index("item"))
    _PLANS[type(card)] = plan
    return plan


def _payload_json(card: Card, item: int) -> str:
    method = type(card).content_hash
    if method is _CLOZE_HASH:
        text: str = card.text  # type: ignore[union-attr]
        # The keys of `ClozeCard.content_hash`'s payload, sorted: answers, front, item, type.
        return ('{"answers": ' + _native(list(cloze_answers(text, item)))
                + ', "front": ' + _encode_str(render_cloze(text, item))
                + ', "item": ' + _native(item) + ', "type": "cloze"}')
    if method is not _BASE_HASH:
        raise _Unspelled  # a class with a hash of its own
    prefixes, getter, type_at, item_at = _PLANS.get(type(card)) or _plan(card)
    values = list(getter(card))
    values[type_at], values[item_at] = card.type, item
    # Strings (most values) straight to the encoder's C function; the rest through `_json`.
    return "".join([prefix + (_encode_str(v) if type(v) is str else _json(v))
                    for prefix, v in zip(prefixes, values, strict=True)]) + "}"


_BASE_HASH = model.CardBase.content_hash
_CLOZE_HASH = model.ClozeCard.content_hash


def content_hash(card: Card, item: int = 0) -> str:
    """`card.content_hash(item)`, computed faster (see the module's docstring)."""
    if not ENABLED:
        return card.content_hash(item)
    try:
        raw = _payload_json(card, item)
    except _Unspelled:
        return card.content_hash(item)
    return _blake2b(raw.encode(), digest_size=8).hexdigest()
