"""Our side of the peer comparison, each task in a process of its own (started by `run.py`).

    python benchmarks/ours.py TASK ...   # prints one JSON line (the answer task: one per chunk)

* ``deck-load``: what the app does with a deck file at start-up, `load_decks([path])`, timed cold in
  a fresh process; then the floor, `tomli.loads` of the same bytes (decoded), best of 3 in the same
  process. Run once after the file changed and once more with the file unchanged, the second
  run is "an unchanged deck at start-up". Both go through the parse cache (`core.deckfile.cache`,
  in the user cache folder) as the app does: the first reads what changed (every card, for a
  file never loaded before) and stores the deck, the second is a hit.
* ``answer``: a server like the Anki peer's. After loading the deck and opening a new progress
  file (untimed), it reads a number N per line on stdin and answers N cards the way the app and
  the plain loop do — `StudySession.answer` (FSRS, one committed transaction with WAL and
  synchronous=FULL) then `StudySession.next` (the next card ready) — with the same seeded ratings
  as the peer (`peer_anki.ratings`), and prints the seconds taken. The daily new-card limit is
  lifted, as it is on the peer's deck. The heap is settled after the session is built
  (`gc_policy.settle_heap`), as the app's backend does before its first card.
* ``counts``: loads the deck (untimed: the deck rows time that) and settles the heap as the app
  does after a load (`gc_policy.settle_heap`), opens the progress file (timed) and builds the
  study queue with its counts (`StudySession(...).counts`, timed, cold: the first one in the
  process) — the work `col.sched.counts()` does for Anki. `collections_in_count`: the generation
  of each pass of the cyclic collector in that window (a pass over the young objects the count
  made costs ~0.1 ms; one over the loaded deck's, several ms).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Sequence
from datetime import timezone
from pathlib import Path

import tomli
from fsrs import Rating

from briefing_quiz.config import Config
from briefing_quiz.core.deckfile import load_deck, load_decks
from briefing_quiz.core.deckfile.cache import DeckCache
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import SchedulerSettings
from briefing_quiz.core.study.session import StudySession
from briefing_quiz.paths import Paths
from briefing_quiz.services.clock import utc_now  # the real clock: the peer cannot be given another
from briefing_quiz.services.gc_policy import paused_collector, settle_heap
from peer_anki import next_rating, ratings

UTC = timezone.utc


def _emit(result: dict[str, object]) -> None:
    print(json.dumps(result), flush=True)


def task_deck_load(path: Path) -> dict[str, object]:
    # As the app and `study` load: through the parse cache in the user cache folder (run.py gives
    # its children private XDG folders), so an unchanged file is a cache hit.
    cache = DeckCache.at(Paths.resolve().cache_dir)
    started = time.perf_counter()
    with paused_collector():  # as services/ loads decks
        load = load_decks([path], cache)
    seconds = time.perf_counter() - started
    if load.failures or len(load.decks) != 1:
        raise SystemExit(f"the benchmark deck did not load: {load.failures}")
    data = path.read_bytes()
    floor = float("inf")
    for _ in range(3):
        begun = time.perf_counter()
        tomli.loads(data.decode("utf-8"))
        floor = min(floor, time.perf_counter() - begun)
    return {"seconds": seconds, "tomli_seconds": floor, "cards": len(load.decks[0].cards),
            "bytes": len(data)}


def task_answer(deck_path: Path, store_path: Path, seed: int) -> None:
    with paused_collector():  # as services/ loads decks
        deck = load_deck(deck_path)
    config = Config(scheduler=SchedulerSettings(new_cards_per_day=1_000_000))
    with Store.open(store_path) as store:
        with paused_collector():
            session = StudySession([deck], store, config, clock=utc_now)
        settle_heap()  # as the app's backend does once a session is built (new_session_sync)
        rng = ratings(seed)
        entry = session.next()
        _emit({"ready": True, "items": len(deck.item_keys())})
        for line in sys.stdin:
            wanted = int(line)
            answered = 0
            started, cpu = time.perf_counter(), time.process_time()
            while answered < wanted and entry is not None:
                session.answer(Rating(next_rating(rng)), duration_ms=5000)
                entry = session.next()
                answered += 1
            _emit({"seconds": time.perf_counter() - started, "answered": answered,
                   "cpu_seconds": time.process_time() - cpu})


def task_counts(deck_path: Path, store_path: Path) -> dict[str, object]:
    with paused_collector():  # as services/ loads decks
        deck = load_deck(deck_path)
    # As the app's backend does once its decks are loaded, before anything is counted
    # (`Backend._load`). Without it, the deck's objects, made while the collector was paused,
    # are still young: a collection over all of them (~6 ms) comes after the first few thousand
    # allocations, and whether it lands in the timed count or before it depended on how many
    # collections the imports had made (benchmarks/README.md, Part 1).
    settle_heap()
    collections: list[int] = []  # the generation of each pass of the collector, for the report

    def on_collection(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(on_collection)
    started = time.perf_counter()
    store = Store.open(store_path)
    opened, opened_collections = time.perf_counter(), len(collections)
    try:
        with paused_collector():  # as services/ builds every session
            session = StudySession([deck], store, Config(), clock=utc_now)
        counts = session.counts
        counted = time.perf_counter()
        counted_collections = collections[opened_collections:]
        top = session.next()
    finally:
        store.close()
        gc.callbacks.remove(on_collection)
    return {"open_seconds": opened - started, "counts_seconds": counted - opened,
            "new": counts.new, "learning": counts.learning, "review": counts.review,
            "top_card": top is not None,
            "collections_in_count": counted_collections}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("task", choices=["deck-load", "answer", "counts"])
    parser.add_argument("--deck", type=Path, required=True)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.task == "deck-load":
        _emit(task_deck_load(args.deck))
        return 0
    if args.store is None:
        parser.error("--store is required")
    if args.task == "answer":
        task_answer(args.deck, args.store, args.seed)
    else:
        _emit(task_counts(args.deck, args.store))
    return 0


if __name__ == "__main__":
    sys.exit(main())
