"""The leak relation of a deck kept by a digest of what it is made of, for the life of the process
(see `core.lint.fast`).

`leaks.deck_relation` keeps the relation of the deck object it was computed for; a deck read
again (the app reloads its decks, a study session starts on the re-read deck) is a new object, and
the relation was computed again. Here it is kept under a digest of every input of `find_leaks`:
the number of cards (the topic-word limit), their ids, every text a leak is looked for in with its
card, key and rank (`Columns.segments`), and every answer with its card (`Columns.answer_pairs`,
before the trivial ones are dropped). Equal inputs give an equal relation, whatever else changed
(tags, weights, lines); an edit of any of them gives another digest, so the relation is computed
anew. The inputs are gathered as the leak pass gathers them (the columns are shared with it on a
miss) and hashed with BLAKE2b (~1 GB/s).

What it buys (one deck of bench_queue.py, 17,391 cards, a new deck object each time, 9
alternated rounds, CPU medians; benchmarks/README.md "The lint"): the relation computed 42.5 ms,
a hit 13.0 ms (the digest alone), a miss 47.7 ms (the digest, then the relation). Kept in memory
only, at most `KEPT` decks (the oldest dropped first); no file. Off, with the rest of the fast
lint, by `BRIEFING_QUIZ_NO_FAST_LINT=1`: every deck object then computes its own relation.
"""

from __future__ import annotations

import hashlib
import threading
from array import array
from collections.abc import Callable, Mapping
from operator import attrgetter, itemgetter

from briefing_quiz.core.lint.fast.columns import Columns, sharing
from briefing_quiz.core.model import Deck

__all__ = ["KEPT", "cached_relation", "clear", "relation_digest"]

#: Decks whose relation is kept (a session's decks; each relation is a few MB at most).
KEPT = 32

Relation = Mapping[str, frozenset[str]]

_KEPT: dict[bytes, Relation] = {}
#: A session may build its queue off the main thread: the dict is read and trimmed under it.
_LOCK = threading.Lock()


def relation_digest(columns: Columns) -> bytes:
    """A BLAKE2b digest of every input of `find_leaks` for the cards of `columns`."""
    texts, owners, keys, ranks = columns.segments()
    pairs = columns.answer_pairs()
    ids: list[str] = list(map(_ID, columns.cards))
    digest = hashlib.blake2b(digest_size=32)
    digest.update(array("q", (len(ids), len(texts), len(pairs))).tobytes())
    for strings in (ids, texts, keys, list(map(_SECOND, pairs))):
        # Joined by NUL, their number hashed above: the bytes hashed decode to one list only.
        # A string holding a NUL (rare: TOML needs an escape for it): their lengths too.
        joined = "\x00".join(strings)
        if strings and joined.count("\x00") != len(strings) - 1:
            digest.update(b"\x01" + array("q", map(len, strings)).tobytes())
        else:
            digest.update(b"\x00")
        digest.update(joined.encode("utf-8", "surrogatepass") + b"\x00")
    digest.update(array("q", owners).tobytes())
    digest.update(array("q", ranks).tobytes())
    digest.update(array("q", map(_FIRST, pairs)).tobytes())
    return digest.digest()


_ID = attrgetter("id")
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)


def cached_relation(deck: Deck, compute: Callable[[Deck], Relation]) -> Relation:
    """The relation of `deck`: the one kept for its digest, else `compute(deck)` (kept)."""
    with sharing(deck.cards) as columns:  # a miss's leak pass reuses the columns
        key = relation_digest(columns)
        with _LOCK:
            relation = _KEPT.get(key)
        if relation is None:
            relation = compute(deck)
            with _LOCK:
                while len(_KEPT) >= KEPT:
                    del _KEPT[next(iter(_KEPT))]
                _KEPT[key] = relation
    return relation


def clear() -> None:
    """Forget every kept relation (tests, and a benchmark's cold rounds)."""
    with _LOCK:
        _KEPT.clear()
