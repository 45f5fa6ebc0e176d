"""Fast constructors for the frozen, slotted model dataclasses, for the deck-loading hot path.

What it buys: a frozen dataclass's generated `__init__` sets every field through
`object.__setattr__`, looked up anew for each field; for a 10,000-card deck that costs more than
all the validation. `fast_constructor` compiles a function that does the same job (keyword-only
arguments, the same defaults) but sets the slots through their descriptors, bound once: about 3x
faster per object. `column_constructor` builds many objects at once, one field at a time with
`map` over the slot's descriptor (no Python frame per object): what makes a deck cache hit and
the reuse of moved cards cheap (a cache hit of the 10,000-card benchmark deck takes about 1.8x
as long with this module off).

What it falls back to: the class's own constructor. Classes it cannot mirror exactly (a
`__post_init__`, a `default_factory`, no slots) get `cls` itself from `fast_constructor`, so it
is never wrong, only slower; `column_constructor` refuses them (TypeError).

How to switch it off: `BRIEFING_QUIZ_NO_FAST_CONSTRUCT=1` in the environment, or `ENABLED =
False` before the constructors are made (they are made when their users are imported): every
constructor is then the class itself, and `column_constructor` calls it once per object.
tests/core/test_fast_construct.py checks that both give objects equal to the constructor's.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Sequence
from itertools import islice, repeat
from typing import Any, TypeVar

T = TypeVar("T")

#: Whether constructors are compiled; off, the classes' own constructors are used.
ENABLED = os.environ.get("BRIEFING_QUIZ_NO_FAST_CONSTRUCT", "") in ("", "0")


def fast_constructor(cls: type[T]) -> Callable[..., T]:
    """A function equivalent to `cls(**fields)` for a frozen slotted dataclass, about 3x faster."""
    if not ENABLED or not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return cls
    env: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    params: list[str] = []
    body: list[str] = []
    for spec in dataclasses.fields(cls):
        if not spec.init or spec.default_factory is not dataclasses.MISSING:
            return cls
        slot = _slot(cls, spec.name)
        if slot is None:
            return cls
        name = spec.name
        env[f"_set_{name}"] = slot.__set__
        if spec.default is dataclasses.MISSING:
            params.append(name)
        else:
            env[f"_default_{name}"] = spec.default
            params.append(f"{name}=_default_{name}")
        body.append(f"    _set_{name}(self, {name})")
    source = (f"def __construct__(*, {', '.join(params)}):\n    self = _new(_cls)\n"
              + "\n".join(body) + "\n    return self\n")
    exec(source, env)  # generated from field names only, as `dataclasses` itself does
    made: Callable[..., T] = env["__construct__"]
    made.__qualname__ = f"fast_constructor({cls.__qualname__})"
    return made


def _slot(cls: type, name: str) -> Any:
    """The member descriptor of slot `name` (declared on `cls` or a base class), or None."""
    for klass in cls.__mro__:
        if name in vars(klass).get("__slots__", ()):
            descriptor = vars(klass).get(name)
            return descriptor if hasattr(descriptor, "__set__") else None
    return None


def column_filler(cls: type[T], names: Sequence[str]) -> Callable[[Sequence[T],
                                                                   Sequence[Iterable[Any]]], None]:
    """A function setting the fields `names` (every field of `cls`, once each) of instances made
    with `object.__new__(cls)`, from one column of values per field.

    Each field is set for all instances with `map` over the slot's descriptor: the loops run in C,
    with no Python frame per object, several times cheaper than a constructor call per object.
    Every column must have a value for every instance (a shorter one would leave slots unset);
    `repeat(value)` serves a field that is the same for all. Raises TypeError for a class this
    cannot fill exactly (no slots, or a `__post_init__`).
    """
    all_fields = [spec.name for spec in dataclasses.fields(cls)]  # type: ignore[arg-type]
    if sorted(names) != sorted(all_fields):
        raise ValueError(f"{cls.__qualname__} has the fields {all_fields}, not {list(names)}")
    slots = [_slot(cls, name) for name in names]
    if hasattr(cls, "__post_init__") or any(slot is None for slot in slots):
        raise TypeError(f"{cls.__qualname__} is not a slotted dataclass without __post_init__")
    setters = [slot.__set__ for slot in slots]

    def fill(made: Sequence[T], columns: Sequence[Iterable[Any]]) -> None:
        for setter, column in zip(setters, columns, strict=True):
            any(map(setter, made, column))  # every __set__ returns None: `any` runs them all

    return fill


def column_constructor(cls: type[T], names: Sequence[str]) -> Callable[[int, Sequence[Iterable[Any]]],
                                                                        list[T]]:
    """A function building `count` instances of `cls` from one column of values per field (see
    `column_filler`; the same conditions apply)."""
    fill = column_filler(cls, names)
    if not ENABLED:
        def construct(count: int, columns: Sequence[Iterable[Any]]) -> list[T]:
            rows = islice(zip(*columns, strict=False), count)  # `repeat` columns are endless
            return [cls(**dict(zip(names, row, strict=True))) for row in rows]

        return construct
    new = object.__new__

    def build(count: int, columns: Sequence[Iterable[Any]]) -> list[T]:
        made = list(map(new, repeat(cls, count)))
        fill(made, columns)
        return made

    return build
