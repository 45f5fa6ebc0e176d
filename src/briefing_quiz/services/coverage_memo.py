"""Speed trick: a deck's source coverage measured once per source text and set of quotes.

What it buys: the statistics screen measures how much of a deck's source file its cards quote
every time it opens (`services.evidence.coverage_figure`), and `core.coverage.measure_coverage`
splits the whole source into sentences (pysbd) each time: ~30 ms for the bundled 7 kB essay and
3.5 s for a source at the 1 MB cap (`MAX_SOURCE_BYTES`), on the backend's thread, where it holds
up the store calls queued behind it. Kept here, a second opening with the same source text and
the same quotes costs reading the file and one hash of it (~1 ms at 1 MB).

Why it is exact: `measure_coverage` is a pure function of the text and the quotes, and its
`Coverage` is immutable (frozen dataclasses of tuples); the key is a digest of the whole text
and the quotes themselves, so an edited source or an edited card is measured again.

What it costs: at most `KEPT` results held (a few kB each for ordinary sources).

How to switch it off: set `BRIEFING_QUIZ_NO_COVERAGE_MEMO=1` in the environment (read at each
call); every call then measures, as the plain path does.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing_quiz.core.coverage import Coverage

__all__ = ["KEPT", "SWITCH_OFF_VARIABLE", "coverage_of"]

#: The environment variable that switches the memo off ("1", or any value but "0").
SWITCH_OFF_VARIABLE = "BRIEFING_QUIZ_NO_COVERAGE_MEMO"
#: How many (text, quotes) results are kept, least recently used dropped first.
KEPT = 8

_kept: OrderedDict[tuple[bytes, tuple[str, ...]], Coverage] = OrderedDict()
_lock = threading.Lock()  # the CLI, the backend's thread and a worker may all ask


def coverage_of(text: str, quotes: Iterable[str]) -> Coverage:
    """`core.coverage.measure_coverage(text, quotes)`, from the memo when the same text and
    quotes were measured before in this process."""
    from briefing_quiz.core.coverage import measure_coverage  # pysbd: only when asked

    quoted = tuple(quotes)
    if os.environ.get(SWITCH_OFF_VARIABLE, "") not in ("", "0"):
        return measure_coverage(text, quoted)
    key = (hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest(),
           quoted)
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found
    found = measure_coverage(text, quoted)
    with _lock:
        _kept[key] = found
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return found
