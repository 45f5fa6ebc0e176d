"""Time of one durable answer, as a ratio to a bare SQLite insert-and-commit (target: <= 2x).

An answer is what the app and the plain loop do between the grade key and the next card on screen:
`StudySession.answer` (schedule with FSRS, append the log row and update the item state in one
committed BEGIN IMMEDIATE transaction) followed by `StudySession.next` (re-read the next item's
state, build its entry). The floor, measured in the same run and folder, is a bare `sqlite3`
connection with the same settings (WAL, synchronous=FULL) doing one INSERT of a row of the same
shape and a COMMIT. With synchronous=FULL both wait for the disk (fsync), so the ratio says how
much the program adds on top of the one unavoidable cost. Also printed, untimed: the pages
(WAL frames) each answer's commit writes (`wal_pages`). Data lives in a temporary folder.

    python benchmarks/bench_answer.py [--answers N]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fsrs import Rating

from briefing_quiz.core.model import BasicCard, Deck
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import SchedulerSettings
from briefing_quiz.core.study.session import StudySession

UTC = timezone.utc
TARGET_RATIO = 2.0
RATINGS = (Rating.Good, Rating.Again, Rating.Easy, Rating.Hard)


class _Settings:
    def for_deck(self, deck_id: str) -> SchedulerSettings:
        return SchedulerSettings(new_cards_per_day=10_000)


class _Clock:
    """Five seconds per look: answers spread out as a user's would, never in the same instant."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=5)
        return self.now


class _Bare:
    """A bare connection (WAL, synchronous=FULL) writing log-shaped rows, one commit each."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute(
            "CREATE TABLE reviews (id INTEGER PRIMARY KEY, deck_id TEXT, card_id TEXT, "
            "item INTEGER, rating INTEGER, given TEXT, correct INTEGER, reviewed_at TEXT, "
            "duration_ms INTEGER, content_hash TEXT, card_after TEXT)")
        self.card = json.dumps({"card_id": 1, "state": 1, "step": 1, "stability": 2.3065,
                                "difficulty": 2.118, "due": "2026-03-02T10:10:00+00:00",
                                "last_review": "2026-03-02T10:00:00+00:00"})
        self.i = 0

    def commit_one(self) -> None:
        self.i += 1
        self.conn.execute("BEGIN")
        self.conn.execute(
            "INSERT INTO reviews (deck_id, card_id, item, rating, given, correct, reviewed_at, "
            "duration_ms, content_hash, card_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ("deck", f"c{self.i}", 0, 3, None, None, "2026-03-02T10:00:00+00:00", 4000,
             "0123456789abcdef", self.card))
        self.conn.execute("COMMIT")


def wal_pages(answers: int = 100) -> float:
    """WAL frames (pages) each answer's commit writes: the WAL's growth over `answers` answers on a
    fresh store, with automatic checkpoints off so that the file only grows. The bare row writes
    one. A measure for schema work (each index an answer touches adds about one), not a timing."""
    deck = Deck(id="deck", title="Deck", path=None, cards=tuple(
        BasicCard(id=f"c{i}", deck_id="deck", question=f"Q{i}", answer=f"A{i}")
        for i in range(2 * answers + 10)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "progress.sqlite3"
        with Store.open(path) as store:
            session = StudySession([deck], store, _Settings(), clock=_Clock(), tz=UTC)
            session.next()
            for i in range(answers):  # a store with some history first: splits settle
                session.answer(RATINGS[i % len(RATINGS)], duration_ms=4000)
                session.next()
            with sqlite3.connect(path) as probe:
                probe.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                page = probe.execute("PRAGMA page_size").fetchone()[0]
            probe.close()
            # Per connection: it must be the store's own (a probe, not the app's API).
            store._conn.execute("PRAGMA wal_autocheckpoint = 0")
            wal = Path(f"{path}-wal")
            start = wal.stat().st_size
            for i in range(answers):
                session.answer(RATINGS[i % len(RATINGS)], duration_ms=4000)
                session.next()
            grown = wal.stat().st_size - max(start, 32)  # 32: the WAL header
    return grown / (page + 24) / answers  # each frame: a 24-byte header and the page


def run(answers: int = 300, block: int = 50) -> dict[str, float]:
    """Bare commits and answers in alternating blocks of `block`, so that disk weather hits both
    alike (alternating single operations would make each fsync pay for the other file too)."""
    deck = Deck(id="deck", title="Deck", path=None, cards=tuple(
        BasicCard(id=f"c{i}", deck_id="deck", question=f"Q{i}", answer=f"A{i}")
        for i in range(answers + 10)))
    bare_times: list[float] = []
    answer_times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        bare = _Bare(Path(tmp) / "bare.sqlite3")
        with Store.open(Path(tmp) / "progress.sqlite3") as store:
            session = StudySession([deck], store, _Settings(), clock=_Clock(), tz=UTC)
            session.next()
            done = 0
            while done < answers:
                for _ in range(block):
                    started = time.perf_counter()
                    bare.commit_one()
                    bare_times.append(time.perf_counter() - started)
                for _ in range(min(block, answers - done)):
                    started = time.perf_counter()
                    session.answer(RATINGS[done % len(RATINGS)], duration_ms=4000)
                    session.next()
                    answer_times.append(time.perf_counter() - started)
                    done += 1
        bare.conn.close()
    bare_ms = statistics.median(bare_times) * 1000
    answer_ms = statistics.median(answer_times) * 1000
    return {"answers": float(answers), "bare_ms": bare_ms, "answer_ms": answer_ms,
            "ratio": answer_ms / bare_ms, "target_ratio": TARGET_RATIO,
            "wal_pages": wal_pages(max(10, min(100, answers)))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=300)
    args = parser.parse_args(argv)
    result = run(args.answers)
    print(f"bare INSERT + COMMIT (WAL, synchronous=FULL): median {result['bare_ms']:.2f} ms")
    print(f"durable answer + next card:                  median {result['answer_ms']:.2f} ms")
    print(f"ratio {result['ratio']:.2f} (target <= {TARGET_RATIO:.1f})")
    print(f"pages written per answer (WAL frames): {result['wal_pages']:.1f} (the bare row: 1)")
    ok = result["ratio"] <= TARGET_RATIO
    print("OK" if ok else "SLOWER THAN TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
