"""The one module that touches fsrs internals: fuzz seeding, one card copy, the forgetting curve.

Everything else in the program uses fsrs' public API only (`fsrs.Scheduler`, `fsrs.Card`, ...).
What this module relies on beyond it is listed in `HOOKS`; `check_fsrs()` says which of them the
installed fsrs lacks, and `tests/core/test_fsrs_adapter.py` fails, naming what to check, when any
is missing. Nothing here raises at import time: where a hook is missing when it is needed, the
program falls back to fsrs' own behaviour (a slower card copy; the curve's constants from fsrs'
public parameters), except for fuzz seeding, where the only fallback (unseeded fuzz) would break
replaying the review log: a fuzzed review then raises `FsrsHookMissing`, naming the fix.

Checked against fsrs 6.3.0 and 6.3.2, the pin in `pyproject.toml` (`>=6.3,<7`): the core tests
pass on them. (The hooks are also there in 6.1.0 to 6.2.0, but some tests use
`Card.from_json`, new in 6.3.0; fsrs 6.0.x has no `fsrs.scheduler` module at all.)
`BRIEFING_QUIZ_NO_FAST_COPY=1` in the environment, or `FAST_CARD_COPY = False`, switches the copy
trick off.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import ModuleType, TracebackType
from typing import TypeVar

import fsrs

from briefing_quiz.core.errors import BriefingQuizError

__all__ = [
    "CHECKED_VERSIONS",
    "FAST_CARD_COPY",
    "HOOKS",
    "FastCopies",
    "FsrsHookMissing",
    "Hook",
    "SeededFuzz",
    "card_recall",
    "check_fsrs",
    "copy_card",
    "default_parameters",
    "elapsed_days",
    "fsrs_version",
    "parameter_bounds",
    "recall",
    "recall_curve",
    "recall_sql",
]

#: The fsrs releases whose internals were read and tested against this module.
CHECKED_VERSIONS = ("6.3.0", "6.3.2")

T = TypeVar("T")
_UTC = timezone.utc


# Guarded, so that an fsrs which moved its scheduler module leaves the program importable (only
# the hooks go missing, and `check_fsrs` says so).
try:
    import fsrs.scheduler as _fsrs_scheduler

    _MODULE: ModuleType | None = _fsrs_scheduler
except ImportError:
    _MODULE = None
# Its globals, as fsrs' functions look them up: the names the hooks rebind.
_NAMES: dict[str, object] | None = None if _MODULE is None else vars(_MODULE)
_FUZZ_LOCK = threading.Lock()


class FsrsHookMissing(BriefingQuizError):
    """The installed fsrs lacks something this module relies on, and there is no safe fallback."""


def fsrs_version() -> str:
    """The installed fsrs' version, as its package metadata gives it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fsrs")
    except PackageNotFoundError:  # pragma: no cover - fsrs imported from a bare source tree
        return "unknown"


# --------------------------------------------------------------------------------------------------
# Fuzz seeding


class SeededFuzz:
    """A context manager: inside it, fsrs' fuzz draws come from `random.Random(seed())`, and its
    card copies are fast (`copy_card`).

    fsrs spreads review intervals with `fsrs.scheduler.random()`, a module global (`from random
    import random`), and offers no way to pass a generator. For the time of the block that name is
    bound to a generator seeded with `seed()`, called on the first draw only: most reviews draw
    nothing, and seeding from a string costs more than the rest of a review. So the same review
    always gets the same interval, and replaying the log reproduces every state. The swap holds a
    lock, so concurrent reviews stay correct. (Overriding the private `_get_fuzzed_interval`
    instead would mean copying fsrs' fuzz-range maths, which we must not fork.) A class rather
    than a generator-based context manager: it runs on every review and preview.

    Entering raises `FsrsHookMissing` when fsrs has no such global: fuzzing unseeded would
    silently lose replay determinism. Whatever fails (or is interrupted) once the lock is taken,
    entering or leaving, the globals are put back and the lock is released.
    """

    __slots__ = ("_made", "_saved", "_saved_copy", "_seed")

    def __init__(self, seed: Callable[[], str]) -> None:
        self._seed = seed
        self._made: random.Random | None = None
        self._saved: object = None
        self._saved_copy: object = None

    def _draw(self) -> float:
        made = self._made
        if made is None:
            made = self._made = random.Random(self._seed())
        return made.random()

    def __enter__(self) -> None:
        names = _NAMES
        if names is None or not callable(names.get("random")):
            raise FsrsHookMissing(
                f"the installed fsrs {fsrs_version()} has no fsrs.scheduler.random(), which "
                "briefing-quiz seeds so that replaying the review log gives the same intervals; "
                f"install a checked fsrs ({', '.join(CHECKED_VERSIONS)}), or set fuzz = false "
                "under [scheduler] in the config file")
        _FUZZ_LOCK.acquire()
        try:
            self._saved = names["random"]
            saved_copy = names.get("copy")
            self._saved_copy = saved_copy if FAST_CARD_COPY and callable(saved_copy) else None
        except BaseException:
            _FUZZ_LOCK.release()
            raise
        try:
            names["random"] = self._draw
            if self._saved_copy is not None:
                names["copy"] = copy_card
        except BaseException:
            self.__exit__(None, None, None)  # puts back what was swapped, releases the lock
            raise

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        names = _NAMES
        assert names is not None
        try:
            names["random"] = self._saved
            if self._saved_copy is not None:
                names["copy"] = self._saved_copy
        finally:
            _FUZZ_LOCK.release()


class FastCopies:
    """A context manager: inside it, fsrs copies the cards it reviews with `copy_card` (a tenth
    of `copy.copy`'s time), for a batch of unfuzzed reviews such as a briefing ranking's (two
    reviews an item, where the copy was a fifth of the time). It holds the fuzz lock for the
    batch: a fuzzed review (`SeededFuzz`) made inside it, by this thread, would wait forever, so
    only unfuzzed reviews belong there; other threads' reviews wait for the batch. Does nothing
    when the copy trick is off or fsrs has no `copy` global."""

    __slots__ = ("_saved",)

    def __init__(self) -> None:
        self._saved: object = None

    def __enter__(self) -> None:
        names = _NAMES
        if names is None or not FAST_CARD_COPY or not callable(names.get("copy")):
            return
        _FUZZ_LOCK.acquire()
        self._saved = names["copy"]
        names["copy"] = copy_card

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._saved is None:
            return
        assert _NAMES is not None
        try:
            _NAMES["copy"] = self._saved
        finally:
            self._saved = None
            _FUZZ_LOCK.release()


# --------------------------------------------------------------------------------------------------
# The card copy


def _card_is_plain() -> bool:
    """fsrs.Card keeps every field in its instance `__dict__` and copies by the default protocol,
    so copying the dict is what `copy.copy` does."""
    if any("__slots__" in vars(cls) for cls in fsrs.Card.__mro__ if cls is not object):
        return False
    if any(name in vars(cls) for cls in fsrs.Card.__mro__ if cls is not object
           for name in ("__copy__", "__reduce__", "__reduce_ex__", "__getstate__")):
        return False
    try:
        card = fsrs.Card(card_id=1, due=datetime(2000, 1, 1, tzinfo=_UTC))
        return hasattr(card, "__dict__") and set(vars(card)) >= set(card.to_dict())
    except Exception:  # a changed Card: the plain copy.copy is always right
        return False


#: The card copy trick (see `copy_card`): on when fsrs.Card is a plain attribute class, unless
#: `BRIEFING_QUIZ_NO_FAST_COPY` is set (to anything but "" or "0"). Set it False to have every
#: card copied by `copy.copy`, fsrs' own way (the same states, slower).
FAST_CARD_COPY = (os.environ.get("BRIEFING_QUIZ_NO_FAST_COPY", "") in ("", "0")
                  and _card_is_plain())


def copy_card(value: T) -> T:
    """`copy.copy(value)`, made directly for an fsrs.Card: a tenth of the time of copy's generic
    protocol (`__reduce_ex__`, copyreg), which costs more than the FSRS maths of a review. fsrs
    copies the card it reviews with its module global `copy`; `SeededFuzz` binds that to this.
    Anything else, or a Card that is no longer a plain attribute class, goes to `copy.copy`."""
    if type(value) is not fsrs.Card or not FAST_CARD_COPY:
        return copy(value)
    out = object.__new__(fsrs.Card)
    out.__dict__.update(value.__dict__)
    return out  # type: ignore[return-value]  # type(value) is fsrs.Card: out is a T


# --------------------------------------------------------------------------------------------------
# The forgetting curve


# The curve is evaluated in continuous time, deliberately unlike fsrs. fsrs'
# `Scheduler.get_card_retrievability` counts whole days elapsed (`timedelta.days`): a card reviewed
# at 09:00 reads 100% at 14:00 and still 100% at 08:59 the next morning, so the hour, which is what
# a briefing asks about ("how much will I recall at 14:00 on Thursday?"), would be lost. Here `t`
# is fractional days, t = (at - last review) / 1 day, everywhere recall is computed (readiness, the
# briefing rule, statistics, the cheat sheet, the SQL form). FSRS' curve is defined for real `t`
# (fsrs-rs and Anki evaluate it so), and it agrees with fsrs at every whole number of days.
# Scheduling (the states and intervals after a review) stays fsrs' own, whole days included.


def recall_curve(scheduler: fsrs.Scheduler) -> tuple[float, float]:
    """(factor, decay) of `scheduler`'s forgetting curve: after `t` days (fractional, never
    negative) at stability `s`, recall is (1 + factor * t / s) ** decay (`recall`). Read from fsrs
    (`_FACTOR`, `_DECAY`), so that bulk statistics compute recall without an fsrs.Card per item and
    give fsrs' very floats at whole days.

    Without them, computed from the public `parameters` as FSRS-6 defines the curve (decay is
    minus the 21st parameter, factor makes recall 0.9 after `s` days); the test of this module
    then fails, asking for the definition to be checked."""
    constants = _curve_constants(scheduler)
    if constants is not None:
        return constants
    decay = -float(scheduler.parameters[20])
    factor = 0.9 ** (1 / decay) - 1
    return float(factor), float(decay)


def elapsed_days(last_review: datetime, at: datetime) -> float:
    """Days from `last_review` to `at` as a fraction (never negative): whole microseconds made
    seconds (one correctly rounded division, as `timedelta.total_seconds` does), then divided by
    86400, as `recall_sql` divides them in SQLite: the same floats."""
    return max(0.0, (at - last_review).total_seconds() / 86400.0)


def recall(curve: tuple[float, float], stability: float, days: float) -> float:
    """Probability of recall `days` (fractional) after the last review at `stability`, in [0, 1]:
    (1 + factor * days / stability) ** decay with (factor, decay) = `curve` (`recall_curve`), in
    continuous time (see the note above `recall_curve`). The operations come in the order of
    `recall_sql`, so SQL and Python give the same floats."""
    factor, decay = curve
    value: float = (1 + factor * max(0.0, days) / stability) ** decay
    return min(1.0, max(0.0, value))


def card_recall(curve: tuple[float, float]) -> Callable[[fsrs.Card, datetime], float]:
    """`recall` of a reviewed card (stability and last review set, datetimes aware) at an aware
    moment, as one closure over `curve`: the same floats as `recall(curve, card.stability,
    elapsed_days(card.last_review, at))`, without the calls, for rankings over thousands of
    items. The caller checks that the card was reviewed."""
    factor, decay = curve

    def value(card: fsrs.Card, at: datetime) -> float:
        days = max(0.0, (at - card.last_review).total_seconds() / 86400.0)  # type: ignore[operator]
        result: float = (1 + factor * days / card.stability) ** decay  # type: ignore[operator]
        return min(1.0, max(0.0, result))

    return value


def recall_sql(factor: str, now: str, decay: str) -> str:
    """An SQLite expression of `recall`, clamped to [0, 1]: `factor`, `now` (microseconds since
    the epoch) and `decay` are SQL (placeholders such as ':now' or '?'); the columns are `items`'
    `last_review_us` and `stability`.

    Fractional days elapsed, never negative, as `elapsed_days` computes them (an integer number of
    microseconds divided by 1e6 as doubles, then by 86400); SQLite's pow() is C's, like Python's
    float `**`, and the operations come in `recall`'s order: the same float results."""
    return (f"max(0.0, min(1.0, pow(1 + {factor} * max(0.0, ({now} - last_review_us) / "
            f"1000000.0 / 86400.0) / stability, {decay})))")


def _curve_constants(scheduler: fsrs.Scheduler) -> tuple[float, float] | None:
    """(factor, decay) as `scheduler` holds them (`_FACTOR`, `_DECAY`), or None unless both
    are floats."""
    factor = getattr(scheduler, "_FACTOR", None)
    decay = getattr(scheduler, "_DECAY", None)
    if not isinstance(factor, float) or not isinstance(decay, float):
        return None
    return float(factor), float(decay)


# --------------------------------------------------------------------------------------------------
# Parameters


def default_parameters() -> tuple[float, ...]:
    """fsrs' default FSRS-6 parameters (21 numbers), as `fsrs.Scheduler()` holds them."""
    return tuple(float(w) for w in fsrs.Scheduler(enable_fuzzing=False).parameters)


def parameter_bounds() -> tuple[tuple[float, ...], tuple[float, ...]] | None:
    """(lowest, highest) value fsrs accepts for each of the 21 parameters, as fsrs' own
    `Scheduler` checks them (`fsrs.scheduler.LOWER_BOUNDS_PARAMETERS` / `UPPER_...`); None when
    the installed fsrs no longer exposes them (then only fsrs' own check, on use, applies)."""
    low = getattr(_MODULE, "LOWER_BOUNDS_PARAMETERS", None)
    high = getattr(_MODULE, "UPPER_BOUNDS_PARAMETERS", None)
    if not isinstance(low, (tuple, list)) or not isinstance(high, (tuple, list)):
        return None
    return tuple(float(x) for x in low), tuple(float(x) for x in high)


# --------------------------------------------------------------------------------------------------
# What this module relies on


@dataclass(frozen=True, slots=True)
class Hook:
    """One thing of fsrs beyond its public API that this module relies on."""

    name: str  # where to look in fsrs' source
    used_for: str
    without: str  # what the program does when it is missing
    present: Callable[[], bool]


def _has_module() -> bool:
    return _MODULE is not None


def _draws_fuzz_through_random() -> bool:
    """A fuzzed review of a mature card draws from `fsrs.scheduler.random`, once."""
    if _MODULE is None or not callable(getattr(_MODULE, "random", None)):
        return False
    draws: list[float] = []

    def draw() -> float:
        draws.append(0.5)
        return 0.5

    return _probe_review({"random": draw, "copy": copy}) and len(draws) == 1


def _copies_card_through_copy() -> bool:
    """A review copies its input card with `fsrs.scheduler.copy`."""
    if _MODULE is None or not callable(getattr(_MODULE, "copy", None)):
        return False
    copied: list[object] = []

    def counting_copy(value: T) -> T:
        copied.append(value)
        return copy(value)

    return _probe_review({"random": lambda: 0.5, "copy": counting_copy}) and any(
        type(value) is fsrs.Card for value in copied)


def _probe_review(bindings: dict[str, Callable[..., object]]) -> bool:
    """Review a mature card with fuzz while fsrs.scheduler's globals are bound as `bindings`
    (each probe stands in for the other hook, so that one missing does not hide the other);
    False if the review fails."""
    assert _MODULE is not None
    at = datetime(2024, 1, 1, tzinfo=_UTC)
    card = fsrs.Card(card_id=1, state=fsrs.State.Review, stability=40.0, difficulty=5.0,
                     due=at, last_review=at - timedelta(days=30))
    names = vars(_MODULE)
    with _FUZZ_LOCK:
        saved = {name: names[name] for name in bindings if name in names}
        names.update(bindings)
        try:
            fsrs.Scheduler(enable_fuzzing=True).review_card(card, fsrs.Rating.Good, at)
        except Exception:
            return False
        finally:
            for name in bindings:
                names.pop(name)
            names.update(saved)
    return True


def _has_curve_constants() -> bool:
    return _curve_constants(fsrs.Scheduler()) is not None


def _has_bounds() -> bool:
    bounds = parameter_bounds()
    return bounds is not None and len(bounds[0]) == len(bounds[1]) == len(default_parameters())


HOOKS: tuple[Hook, ...] = (
    Hook("the module fsrs.scheduler", "reaching the two module globals below",
         "fuzzed reviews raise FsrsHookMissing and cards are copied by copy.copy", _has_module),
    Hook("fsrs.scheduler.random (`from random import random`), drawn once by a fuzzed review",
         "seeding the fuzz of review intervals (`SeededFuzz`), so replay is deterministic",
         "a review with fuzzing on raises FsrsHookMissing (fuzz = false still works)",
         _draws_fuzz_through_random),
    Hook("fsrs.scheduler.copy (`from copy import copy`), which copies the reviewed card",
         "the fast card copy during reviews (`copy_card`)",
         "fsrs' own copy.copy is used: the same states, a little slower",
         _copies_card_through_copy),
    Hook("fsrs.Card as a plain attribute class (no __slots__, no __copy__ or __reduce__)",
         "copying a card through its __dict__ (`copy_card`)",
         "copy_card defers to copy.copy: the same states, a little slower", _card_is_plain),
    Hook("fsrs.Scheduler._FACTOR and ._DECAY (floats), the forgetting curve's constants",
         "recall in SQL for deck statistics (`recall_curve`, `recall_sql`)",
         "the constants are computed from Scheduler.parameters as FSRS-6 defines them",
         _has_curve_constants),
    Hook("fsrs.scheduler.LOWER_BOUNDS_PARAMETERS and UPPER_BOUNDS_PARAMETERS",
         "checking [scheduler] parameters in the config file with a located message",
         "only the count is checked there; fsrs' own check refuses a value out of bounds on use",
         _has_bounds),
)


def check_fsrs() -> list[str]:
    """One message per hook the installed fsrs lacks (empty: all present), each saying what it
    was for, what the program does without it, and what to check."""
    version = fsrs_version()
    return [
        f"fsrs {version} lacks {hook.name}. It is used for {hook.used_for}; without it "
        f"{hook.without}. Check fsrs {version}'s source for what replaced it, then update "
        f"core/fsrs_adapter.py, CHECKED_VERSIONS and the fsrs pin in pyproject.toml "
        f"(checked: {', '.join(CHECKED_VERSIONS)})."
        for hook in HOOKS if not hook.present()]
