"""When the cyclic garbage collector may run: the one module that touches `gc`.

Nothing the program builds in bulk (decks, cards, a session's queue) forms reference cycles, so
the collector's passes over them free nothing; they only cost time the user can see. Each trick
below keeps such a pass away from a moment that matters, and every one of them leaves the
collector as it found it:

- `paused_collector()`: no collection while decks are loaded or a session's queue is built
  (building thousands of objects triggers pass after pass over everything alive). Every deck load
  and every `StudySession`/`BriefingSession` built by the CLI, plain mode, the authoring
  commands or the app's backend runs inside it. Nestable: the previous state is restored in a `finally`.
- `pause_for_start_up()` / `resume_after_start_up()`: the app's launch (importing Textual,
  building the first screen) allocates much and frees little; the command line pauses the
  collector before it and the app's first deck load resumes it in a `finally`, whatever fails.
- `settle_heap()`: after a load, moves what is alive out of the collector's reach
  (`gc.freeze()`) and makes full collections rarer.
- `hold_full_collections()` / `release_full_collections()` / `collect_while_reading()`: while
  studying, a full collection runs while a card is being read, never between a grade and the
  next card.

What it buys (benchmarks/README.md has the runs): a cold study-session start on 10,000 cards
with 100,000 reviews about a third faster (median 15.5 -> 10 ms); a 10,000-card deck load about
5% faster; no generation-2 pause (30-100 ms each, over the whole loaded deck) between a grade
and the next card.

Switch: with the environment variable `BRIEFING_QUIZ_GC_DEFAULT=1` (read at import; or
`TUNED = False` in this module) every function here does nothing and the collector keeps
Python's default behaviour: the program is then only slower, never different.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager

#: False: leave the collector alone everywhere (env BRIEFING_QUIZ_GC_DEFAULT=1).
TUNED = os.environ.get("BRIEFING_QUIZ_GC_DEFAULT", "") not in ("1", "true", "yes")
#: While studying, a full collection once this many middle-generation collections have run since
#: the last one (Python's own default threshold for a full collection).
FULL_EVERY = 10
#: The thresholds to restore when studying ends (None: not studying).
_held: tuple[int, int, int] | None = None
#: Whether the collector was enabled when the start-up pause began (None: no pause pending).
_before_start_up: bool | None = None


@contextmanager
def paused_collector() -> Iterator[None]:
    """No cyclic collection inside the block (bulk building of cycle-free objects); on leaving
    it, by return or exception, the collector is enabled again exactly when it was enabled on
    entering, so nested or overlapping pauses end in the state before the outermost one."""
    if not TUNED:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def pause_for_start_up() -> None:
    """Pause the collector for the app's start-up, until `resume_after_start_up`: importing
    Textual and building the first screen allocate a lot and free little, and the collections
    that found nothing to free were a measurable share of the imports' time."""
    global _before_start_up
    if not TUNED or _before_start_up is not None:
        return
    _before_start_up = gc.isenabled()
    gc.disable()


def resume_after_start_up() -> None:
    """End the start-up pause (a no-op without one): the collector is enabled again if it was
    before the pause. Called in a `finally` around the app's first load and around the app's
    run, so no failure leaves it off."""
    global _before_start_up
    before, _before_start_up = _before_start_up, None
    if before:
        gc.enable()


def settle_heap() -> None:
    """Keep the cyclic garbage collector off the long-lived heap (full collections between
    cards rescanned every loaded deck).

    `gc.freeze()` moves every object alive now (decks, cards, the session's queue) out of the
    collector's reach; they are still freed by reference counting, and decks form no cycles, so
    reloading frees the old ones. Full collections are also made ten times rarer (third threshold
    100 instead of 10): what they still scan is small, and each one is a pause the user can see.
    Freezing without a `gc.collect()` first keeps load fast; the few cycles alive now stay.
    """
    if not TUNED:
        return
    gc.freeze()
    first, second, third = gc.get_threshold()
    gc.set_threshold(first, second, max(third, 100))


def hold_full_collections() -> None:
    """While studying: no automatic full collection, which would come at any moment, often between
    a grade and the next card (the slowest answers). The young generations are still collected as
    usual; `collect_while_reading` does the full ones."""
    global _held
    if TUNED and _held is None:
        _held = gc.get_threshold()
        gc.set_threshold(_held[0], _held[1], 1_000_000)


def release_full_collections() -> None:
    """Studying ended: automatic full collections again, as before."""
    global _held
    if _held is not None:
        gc.set_threshold(*_held)
        _held = None


def collect_while_reading() -> None:
    """A full collection if one is due: called once a card is on the screen and being read, when
    a pause of a few milliseconds is not seen (a few ms after `settle_heap`'s freeze: only what
    was made since is scanned)."""
    if TUNED and gc.get_count()[2] >= FULL_EVERY:
        gc.collect()
