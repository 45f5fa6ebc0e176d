"""When the cyclic garbage collector may run in the app: pauses the user could see are kept away
from answering (one place for that policy)."""

from __future__ import annotations

import gc


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
