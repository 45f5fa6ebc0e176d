"""The peer: the official Anki library (`pip install anki`), driven as Anki's own reviewer drives it.

Each task runs in a process of its own (`python benchmarks/peer_anki.py TASK ...`), prints one JSON
line, and is started by `run.py`. Only the
standard library is imported at module level, so `run.py` imports this file even where the `anki`
package is missing: `unavailable()` then says why, and the table marks the Anki figures as missing.

Tasks (the cards and reviews come from `workload.py`, as JSON files written by `run.py`):

* ``import``: a new collection; one note per card of the deck (Anki's Basic and Cloze notetypes,
  so a cloze card with two deletions gives two cards, as it gives us two review items), built with
  `col.new_note` and added in one `col.add_notes` batch, Anki's fastest path. Reading the JSON is
  not timed (our side's time includes parsing the TOML: this favours Anki).
* ``answer``: a server. After importing the notes (untimed) and lifting the deck's daily limits,
  it reads a number N per line on stdin, answers N cards exactly as `aqt/reviewer.py` does —
  `col.sched.get_queued_cards()`, `Card(col, backend_card=...)`, `card.start_timer()`,
  `col.sched.build_answer(card=, states=, rating=)`, `col.sched.answer_card(answer)` and
  `col.sched.state_is_leech(answer.new_state)` — and prints the seconds taken. Each answer is a
  committed transaction (Anki opens collections in WAL mode with `synchronous=FULL`, its SQLite's
  default, which the task reports), so this is "answered durably" as ours is. Ratings come from a
  seeded generator shared with our side (`RATING_ODDS`).
* ``prepare``: a collection with the notes and the review history: the history's reviews are
  inserted as `revlog` rows and each card's scheduling columns (type, queue, due, interval, reps,
  lapses) are set from its last review, through `col.db` in SQL. (Replaying 100,000 answers
  through `answer_card` would take minutes and could not place them in the past.) The deck's
  review limit is lifted so that the counts include every due card, as ours do; the new-card limit
  stays at its default of 20 a day, as ours does.
* ``find``: opens that collection (untimed) and searches it for a text with `col.find_cards`,
  sorted by Anki's "Due" column as our browse sorts by default: the first call (cold) and the
  median of the calls after it (warm).
* ``counts``: opens that collection (timed) and calls `col.sched.counts()` (timed, cold: the
  first call builds the queues), then fetches the top card as the reviewer would, and reports
  the process's peak memory (`peak_rss_mb`) while holding the collection.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DECK_NAME = "bench"
#: Odds of Again, Hard, Good, Easy in the answering benchmark, both sides (see `ratings`).
RATING_ODDS = (0.10, 0.10, 0.70, 0.10)
_BIG_LIMIT = 1_000_000


def unavailable() -> str | None:
    """None when the `anki` package can be imported here, else the reason (for the table)."""
    try:
        found = importlib.util.find_spec("anki") is not None
    except (ImportError, ValueError) as error:
        return f"anki cannot be imported ({error})"
    if not found:
        return "anki is not installed (pip install -r benchmarks/requirements.txt)"
    return None


def anki_version() -> str:
    from anki.buildinfo import version

    return str(version)


def ratings(seed: int) -> random.Random:
    """The generator of ratings 1-4 both sides draw from, in the same order."""
    return random.Random(f"answer-ratings:{seed}")


def next_rating(rng: random.Random) -> int:
    return rng.choices((1, 2, 3, 4), RATING_ODDS)[0]


# --------------------------------------------------------------------------------------------------
# Helpers (anki imported lazily: this module must import without it)


def _open(path: Path) -> Any:
    from anki.collection import Collection

    return Collection(str(path))


def _add_notes(col: Any, notes: list[list[str]]) -> Any:
    from anki.collection import AddNoteRequest

    basic = col.models.by_name("Basic")
    cloze = col.models.by_name("Cloze")
    deck_id = col.decks.id(DECK_NAME)
    requests = []
    for fields in notes:
        if fields[0] == "cloze":
            note = col.new_note(cloze)
            note["Text"] = fields[1]
        else:
            note = col.new_note(basic)
            note["Front"], note["Back"] = fields[1], fields[2]
        requests.append(AddNoteRequest(note=note, deck_id=deck_id))
    col.add_notes(requests)
    col.decks.select(deck_id)
    return deck_id


def _set_limits(col: Any, deck_id: Any, *, new: int | None, review: int | None) -> None:
    """Deck-level limits (they override the preset's, whose legacy setter caps at 9,999)."""
    deck = col.decks.get(deck_id)
    deck["newLimit"], deck["reviewLimit"] = new, review
    col.decks.save(deck)


def _pragmas(col: Any) -> dict[str, object]:
    return {"journal_mode": col.db.scalar("pragma journal_mode"),
            "synchronous": col.db.scalar("pragma synchronous")}


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB: VmHWM, the high-water mark of the memory it
    has since it started (exec). Not ru_maxrss: for a child, Linux counts in ru_maxrss the
    resident size of the parent it was forked from, so a big runner would inflate every child."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass  # not Linux: fall back to getrusage below
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _emit(result: dict[str, object]) -> None:
    print(json.dumps(result), flush=True)


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------------
# Tasks


def task_import(collection: Path, notes_file: Path) -> dict[str, object]:
    notes = _load_json(notes_file)
    col = _open(collection)
    try:
        started = time.perf_counter()
        _add_notes(col, notes)
        seconds = time.perf_counter() - started
        cards = col.card_count()
    finally:
        col.close()
    return {"seconds": seconds, "notes": len(notes), "cards": cards}


def task_answer(collection: Path, notes_file: Path, seed: int) -> None:
    """Serve chunks of answers: read N, answer N cards, print {"seconds": ..., "answered": ...}."""
    col = _open(collection)  # imports anki.collection first: anki.cards alone is circular
    from anki.cards import Card
    from anki.scheduler.v3 import CardAnswer

    # Our ratings 1-4 (Again..Easy) as the reviewer's `rating_from_ease` maps its eases.
    rating_of = {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}

    try:
        deck_id = _add_notes(col, _load_json(notes_file))
        _set_limits(col, deck_id, new=_BIG_LIMIT, review=_BIG_LIMIT)
        sched = col.sched
        rng = ratings(seed)
        _emit({"ready": True, "cards": col.card_count(), **_pragmas(col)})
        for line in sys.stdin:
            wanted = int(line)
            answered = 0
            started, cpu = time.perf_counter(), time.process_time()
            for _ in range(wanted):
                queued = sched.get_queued_cards()
                if not queued.cards:
                    break
                top = queued.cards[0]
                card = Card(col, backend_card=top.card)
                card.start_timer()
                answer = sched.build_answer(card=card, states=top.states,
                                            rating=rating_of[next_rating(rng)])
                sched.answer_card(answer)
                sched.state_is_leech(answer.new_state)
                answered += 1
            _emit({"seconds": time.perf_counter() - started, "answered": answered,
                   "cpu_seconds": time.process_time() - cpu})
    finally:
        col.close()


def task_prepare(collection: Path, notes_file: Path, history_file: Path) -> dict[str, object]:
    """The collection of the counts benchmark (see the module docstring)."""
    notes = _load_json(notes_file)
    history: list[list[float]] = _load_json(history_file)
    col = _open(collection)
    try:
        # Set-up only, for this connection: each statement below commits on its own, and 100,000
        # fsyncs would take minutes. The timed tasks reopen the file with Anki's own settings.
        col.db.execute("pragma synchronous = off")
        deck_id = _add_notes(col, notes)
        _set_limits(col, deck_id, new=None, review=_BIG_LIMIT)
        # Cards sorted by (note, template) are our items in deck order (workload.anki_item_order).
        card_ids: list[int] = col.db.list("select c.id from cards c join notes n on c.nid = n.id "
                                          "order by n.id, c.ord")
        today, next_day_at = col.sched.today, col.sched.day_cutoff
        revlog: list[tuple[int, ...]] = []
        used: set[int] = set()
        last: dict[int, list[float]] = {}
        first: dict[int, float] = {}
        last_ivl: dict[int, int] = {}
        reps: dict[int, int] = {}
        lapses: dict[int, int] = {}
        for item, at_ms, rating, duration, before, after, due_s, at_s in history:
            i = int(item)
            cid = card_ids[i]
            rid = int(at_ms)
            while rid in used:
                rid += 1
            used.add(rid)
            ivl = (max(1, round((due_s - at_s) / 86400)) if after == 2
                   else -max(1, int(due_s - at_s)))
            kind = {0: 0, 1: 0, 2: 1, 3: 2}[int(before)]
            revlog.append((rid, cid, -1, int(rating), ivl, last_ivl.get(i, 0), 2500,
                           min(int(duration), 60_000), kind))
            last_ivl[i] = ivl
            reps[i] = reps.get(i, 0) + 1
            lapses[i] = lapses.get(i, 0) + (1 if before == 2 and rating == 1 else 0)
            last[i] = [after, due_s, at_s]
            first.setdefault(i, at_s)
        col.db.executemany("insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, "
                           "type) values (?,?,?,?,?,?,?,?,?)", revlog)
        updates = []
        for i, (after, due_s, at_s) in last.items():
            if after == 2:  # review: due is a day number
                due = today + math.floor((due_s - next_day_at) / 86400) + 1
                ivl = max(1, round((due_s - at_s) / 86400))
                updates.append((2, 2, due, ivl, 0, reps[i], lapses[i], card_ids[i]))
            else:  # (re)learning, intraday: due is a unix time
                kind = 1 if after == 1 else 3
                updates.append((kind, 1, int(due_s), 0, 1, reps[i], lapses[i], card_ids[i]))
        col.db.executemany("update cards set type=?, queue=?, due=?, ivl=?, left=?, reps=?, "
                           "lapses=?, factor=2500 where id=?", updates)
        # Cards first studied since the day began use up today's new-card limit, as in our store
        # (Anki keeps that count on the deck, not in the revlog).
        new_today = sum(1 for at_s in first.values() if at_s >= next_day_at - 86400)
        deck = col.decks.get(deck_id)
        deck["newToday"] = [today, new_today]
        col.decks.save(deck)
        result: dict[str, object] = {"cards": col.card_count(), "reviews": len(revlog),
                                     "reviewed_cards": len(last)}
    finally:
        col.close()
    return result


def task_counts(collection: Path) -> dict[str, object]:
    started = time.perf_counter()
    col = _open(collection)
    opened = time.perf_counter()
    try:
        col.decks.select(col.decks.id(DECK_NAME))
        before = time.perf_counter()
        new, learning, review = col.sched.counts()
        counted = time.perf_counter()
        top = col.sched.get_queued_cards()
        result: dict[str, object] = {
            "open_seconds": opened - started, "counts_seconds": counted - before,
            "new": new, "learning": learning, "review": review,
            "top_card": bool(top.cards), "revlog": col.db.scalar("select count() from revlog"),
            "peak_mb": peak_rss_mb(),
        }
    finally:
        col.close()
    return result


def task_find(collection: Path, text: str, rounds: int = 9) -> dict[str, object]:
    """`col.find_cards(text)` sorted by Anki's "Due" browser column (ours sorts browse by due
    by default): the first call after opening the collection, and the median of the rest.
    Alternating with those, the same search unordered (`order=False`), for the note."""
    col = _open(collection)
    try:
        due = col.get_browser_column("cardDue")
        times: list[float] = []
        unordered: list[float] = []
        found = found_unordered = 0
        for _ in range(rounds):
            started = time.perf_counter()
            found = len(col.find_cards(text, order=due))
            times.append(time.perf_counter() - started)
            started = time.perf_counter()
            found_unordered = len(col.find_cards(text, order=False))
            unordered.append(time.perf_counter() - started)
        warm = sorted(times[1:])
        return {"first_seconds": times[0], "seconds": warm[len(warm) // 2],
                "runs_seconds": times, "unordered_seconds": sorted(unordered)[len(unordered) // 2],
                "found": found, "found_unordered": found_unordered}
    finally:
        col.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("task", choices=["import", "answer", "prepare", "counts", "find", "version"])
    parser.add_argument("--text", default="")
    parser.add_argument("--collection", type=Path)
    parser.add_argument("--notes", type=Path)
    parser.add_argument("--history", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    reason = unavailable()
    if reason is not None:
        print(reason, file=sys.stderr)
        return 3
    if args.task == "version":
        _emit({"version": anki_version()})
        return 0
    if args.collection is None:
        parser.error("--collection is required")
    os.makedirs(args.collection.parent, exist_ok=True)
    if args.task == "import":
        _emit(task_import(args.collection, args.notes))
    elif args.task == "answer":
        task_answer(args.collection, args.notes, args.seed)
    elif args.task == "prepare":
        _emit(task_prepare(args.collection, args.notes, args.history))
    elif args.task == "find":
        _emit(task_find(args.collection, args.text))
    else:
        _emit(task_counts(args.collection))
    return 0


if __name__ == "__main__":
    sys.exit(main())
