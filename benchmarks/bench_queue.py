"""Time to build the study queue and its counts for 100,000 review items (target: < 50 ms).

Five decks of 20,000 items each (cards of every kind the queue treats differently: basic cards and
cloze cards with two or three deletions). 70% of the items have a history, written as review rows
and turned into item state by `Store.rebuild`: most in review with due dates from a week ago to a
year ahead (`--backlog`: from 60 days ago), some relearning, 1% suspended or buried. What is timed
is what happens when a study session starts: `StudySession(...)` (reading the store and building
the queue) plus `.counts`. Deck loading is not included (see bench_deck_load.py). Data lives in a
temporary folder. Exits 1 when the best run of the typical case misses the target.

    python benchmarks/bench_queue.py [--items N] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs

from briefing_quiz.core.cloze import parse_cloze
from briefing_quiz.core.model import BasicCard, Card, ClozeCard, Deck, ItemKey
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import SchedulerSettings, fsrs_card_id
from briefing_quiz.core.study.session import StudySession
from briefing_quiz.services.gc_policy import paused_collector

UTC = timezone.utc
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
TARGET_MS = 50.0


@dataclass(frozen=True)
class Settings:
    def for_deck(self, deck_id: str) -> SchedulerSettings:
        return SchedulerSettings(new_cards_per_day=50)


def make_decks(items: int, decks: int = 5) -> list[Deck]:
    per_deck = items // decks
    out = []
    cloze2 = "{{c1::Kyiv}} is the capital of {{c2::Ukraine}}"
    cloze3 = "{{c1::Kyiv}} lies on the {{c2::Dnipro}} in {{c3::Ukraine}}"
    parsed2, parsed3 = parse_cloze(cloze2), parse_cloze(cloze3)
    for d in range(decks):
        deck_id = f"deck{d}"
        cards: list[Card] = []
        count = 0
        i = 0
        while count < per_deck:
            if i % 20 == 0 and count + 3 <= per_deck:
                cards.append(ClozeCard(id=f"z{i}", deck_id=deck_id, text=cloze3, deletions=parsed3))
                count += 3
            elif i % 10 == 0 and count + 2 <= per_deck:
                cards.append(ClozeCard(id=f"z{i}", deck_id=deck_id, text=cloze2, deletions=parsed2))
                count += 2
            else:
                cards.append(BasicCard(id=f"c{i}", deck_id=deck_id, question=f"Q{i}",
                                       answer=f"A{i}"))
                count += 1
            i += 1
        out.append(Deck(id=deck_id, title=deck_id, path=None, cards=tuple(cards)))
    return out


def populate(path: Path, decks: list[Deck], *, backlog: bool = False, reviewed: float = 0.7,
             seed: int = 1) -> int:
    """Write a review history for a share of the items straight into the log, then rebuild.

    Typical: reviews due from a week ago to a year ahead, 0.5% of items in learning. Backlog (back
    from two months away): due from 60 days ago, 5% in learning."""
    overdue_days, learning_share = (60.0, 0.05) if backlog else (7.0, 0.005)
    rng = random.Random(seed)
    Store.open(path).close()
    rows = []
    events = []
    for deck in decks:
        for key in deck.item_keys():
            if rng.random() >= reviewed:
                if rng.random() < 0.01:
                    events.append((*_key(key), "suspend", NOW.isoformat(), None, None))
                continue
            first = NOW - timedelta(days=rng.uniform(2, 300))
            if rng.random() < learning_share:  # relearning, due within the day
                state, step = fsrs.State.Relearning, 0
                due = NOW + timedelta(minutes=rng.uniform(-30, 60))
                last = due - timedelta(minutes=10)
            else:
                state, step = fsrs.State.Review, None
                due = NOW + timedelta(days=rng.uniform(-overdue_days, 365))
                last = min(NOW - timedelta(days=rng.uniform(0, 100)), due - timedelta(days=1))
            first = min(first, last)
            card = fsrs.Card(card_id=fsrs_card_id(key), state=state, step=step,
                             stability=rng.uniform(0.5, 200), difficulty=rng.uniform(1, 10),
                             due=due, last_review=last)
            # Two log rows per item: its introduction, and the review that gave today's state.
            rows.append((*_key(key), 3, None, None, first.isoformat(), 5000, "h",
                         json.dumps(card.to_dict())))
            rows.append((*_key(key), 3, None, None, last.isoformat(), 5000, "h",
                         json.dumps(card.to_dict())))
            if rng.random() < 0.01:
                events.append((*_key(key), "bury", NOW.isoformat(), None,
                               (NOW + timedelta(hours=12)).isoformat()))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")  # setup only
    conn.executemany(
        "INSERT INTO reviews (deck_id, card_id, item, rating, given, correct, reviewed_at, "
        "duration_ms, content_hash, card_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany(
        "INSERT INTO events (deck_id, card_id, item, action, at, review_id, until) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", events)
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        return store.rebuild()


def _key(key: ItemKey) -> tuple[str, str, int]:
    return key.deck_id, key.card_id, key.item


def run(items: int = 100_000, repeat: int = 15, *, backlog: bool = False) -> dict[str, float]:
    """Build the data, then time session starts; returns the numbers (milliseconds, counts)."""
    decks = make_decks(items)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "progress.sqlite3"
        stored = populate(path, decks, backlog=backlog)
        times = []
        counts = None
        with Store.open(path) as store:
            for _ in range(repeat):
                started = time.perf_counter()
                with paused_collector():  # as services/ builds every session
                    session = StudySession(decks, store, Settings(), clock=lambda: NOW, tz=UTC)
                counts = session.counts
                times.append((time.perf_counter() - started) * 1000)
    assert counts is not None
    return {
        "items": float(sum(len(d.item_keys()) for d in decks)),
        "stored_items": float(stored),
        "first_ms": times[0],
        "median_ms": statistics.median(times),
        "best_ms": min(times),
        "queue_new": float(counts.new),
        "queue_learning": float(counts.learning),
        "queue_review": float(counts.review),
        "target_ms": TARGET_MS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--backlog", action="store_true",
                        help="the heavy case: two months of overdue reviews (reported, not gated)")
    args = parser.parse_args(argv)
    result = run(args.items, args.repeat, backlog=args.backlog)
    print(f"{'backlog' if args.backlog else 'typical'}: items {result['items']:.0f} "
          f"(stored state for {result['stored_items']:.0f})")
    print(f"queue: {result['queue_learning']:.0f} learning, {result['queue_review']:.0f} review, "
          f"{result['queue_new']:.0f} new")
    print(f"build queue + counts: first {result['first_ms']:.1f} ms, median "
          f"{result['median_ms']:.1f} ms, best {result['best_ms']:.1f} ms "
          f"(target < {TARGET_MS:.0f} ms)")
    # Gated on the best run: on a shared machine the others measure the neighbours too.
    ok = result["best_ms"] < TARGET_MS
    print("OK" if ok else "SLOWER THAN TARGET")
    return 0 if ok or args.backlog else 1


if __name__ == "__main__":
    sys.exit(main())
