"""Browse's text search as a library call, in a process of its own (started by `run.py`).

    python benchmarks/bench_browse.py --decks DIR --store FILE --text WORD   # one JSON line

What browse does with a search, without the screen: the decks loaded and the progress file opened
(untimed, as the app is when browse is opened, and as Anki's collection is opened untimed before
`col.find_cards`), then timed:

* cold, the first search in the process: browse's rows built (`Backend.card_rows_sync` and
  `build_rows`, what opening browse waits for), then the rows matching the text in browse's
  default order, by due (`BrowseIndex.shown`, or the plain filter and sort with
  `BRIEFING_QUIZ_NO_FAST_BROWSE=1`). Reported in its two parts as well.
* warm, the same search again on the rows built (median of the runs after the first), what a
  keystroke in browse costs.

Only the given deck folder is loaded (not the bundled decks), so both sides search the same cards.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from briefing_quiz.paths import Paths
from briefing_quiz.services.backend import Backend
from briefing_quiz.services.clock import utc_now
from briefing_quiz.ui import fast_browse
from briefing_quiz.ui.screens.browse import BrowseRow, build_rows, parse_query, plain_shown

#: Browse's default sort: the Due column, ascending (`BrowseScreen.sort_column`).
DUE_COLUMN = 4


def search(index: fast_browse.BrowseIndex | None, rows: list[BrowseRow], text: str) -> int:
    """The number of rows browse shows for `text`, found the way browse finds them."""
    query = parse_query(text, None, None)
    if index is not None:
        return len(index.shown(query, DUE_COLUMN, False).keys)
    return len(fast_browse.plain_result(plain_shown(rows, query, DUE_COLUMN, False), None).keys)


def run(decks: Path, store: Path, text: str, rounds: int) -> dict[str, object]:
    paths = Paths.resolve(data=str(store), decks=[str(decks)], include_bundled=False)
    backend = Backend(paths, clock=utc_now, seed=0)
    try:
        backend.load_sync()
        if backend.open_store_sync() is not None:
            raise SystemExit(f"the progress file did not open: {backend.store_error}")
        started = time.perf_counter()
        rows = build_rows(backend.card_rows_sync(), backend.clock())
        built = time.perf_counter()
        index = fast_browse.BrowseIndex(rows) if fast_browse.ENABLED else None
        found = search(index, rows, text)
        searched = time.perf_counter()
        warm: list[float] = []
        for _ in range(rounds):
            begun = time.perf_counter()
            search(index, rows, text)
            warm.append(time.perf_counter() - begun)
    finally:
        backend.shutdown()
    return {"rows_seconds": built - started, "first_filter_seconds": searched - built,
            "cold_seconds": searched - started, "warm_seconds": statistics.median(warm),
            "warm_runs_seconds": warm, "found": found, "of": len(rows),
            "fast": fast_browse.ENABLED}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--decks", type=Path, required=True)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--text", required=True)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.decks, args.store, args.text, args.rounds)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
