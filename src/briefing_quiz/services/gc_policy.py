"""When the cyclic garbage collector may run in the app: pauses the user could see are kept away
from answering (one place for that policy)."""

from __future__ import annotations

import gc

#: While studying, a full collection once this many middle-generation collections have run since
#: the last one (Python's own default threshold for a full collection).
FULL_EVERY = 10
#: The thresholds to restore when studying ends (None: not studying).
_held: tuple[int, int, int] | None = None


def settle_heap() -> None:
    """Keep the cyclic garbage collector off the long-lived heap (benchmark profile: 33-100 ms
    generation-2 pauses between cards, since every full collection rescanned the loaded decks).

    `gc.freeze()` moves every object alive now (decks, cards, the session's queue) out of the
    collector's reach; they are still freed by reference counting, and decks form no cycles, so
    reloading frees the old ones. Full collections are also made ten times rarer (third threshold
    100 instead of 10): what they still scan is small, and each one is a pause the user can see.
    Freezing without a `gc.collect()` first keeps load fast; the few cycles alive now stay.
    """
    gc.freeze()
    first, second, third = gc.get_threshold()
    gc.set_threshold(first, second, max(third, 100))


def hold_full_collections() -> None:
    """While studying: no automatic full collection, which would come at any moment, often between
    a grade and the next card (benchmark profile: 30-270 ms each, the slowest answers). The young
    generations are still collected as usual; `collect_while_reading` does the full ones."""
    global _held
    if _held is None:
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
    if gc.get_count()[2] >= FULL_EVERY:
        gc.collect()
