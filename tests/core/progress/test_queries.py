"""The read-only SQL: the queue's snapshot, the lean review rows, and `review_counts` (today's
reviews per deck, exact at the boundary, undone ones left out).

`review_counts` pre-filters rows in SQL by the date part of their ISO time (two days of margin)
before comparing exact times in Python; its cases pin that the pre-filter never changes the answer.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest
from fsrs import Rating

from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress import log_reads, queries
from briefing_quiz.core.progress.derive import derive_all, lkey
from briefing_quiz.core.progress.schema import SCHEMA_VERSION
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler
from tests.conftest import StoreFactory
from tests.core.progress.conftest import KEY, PROGRESS_T0, review

SINCE = datetime(2026, 3, 2, 4, 0, tzinfo=timezone.utc)

UTC = timezone.utc


def _review_id(store: Store, key: ItemKey, at: datetime, rating: Rating = Rating.Good,
               duration_ms: int = 1000) -> int:
    return review(store, key, rating, at, duration_ms=duration_ms, content_hash="h").review_id


# -- the queue snapshot ----------------------------------------------------------------------------


def test_snapshot(store: Store) -> None:
    day_start = PROGRESS_T0 - timedelta(hours=5)
    review(store, ItemKey("deck", "learn", 0), Rating.Good, PROGRESS_T0)  # due in 10 min
    # Due long ago:
    review(store, ItemKey("deck", "old", 0), Rating.Easy, PROGRESS_T0 - timedelta(days=30))
    review(store, ItemKey("deck", "cz", 2), Rating.Good, PROGRESS_T0)
    store.suspend(ItemKey("deck", "sus", 0), at=PROGRESS_T0)
    store.bury(ItemKey("deck", "bur", 0), PROGRESS_T0 + timedelta(hours=1), at=PROGRESS_T0)
    review(store, ItemKey("other", "x", 0), Rating.Good, PROGRESS_T0)
    snap = store.snapshot("deck", now=PROGRESS_T0, due_before=PROGRESS_T0 + timedelta(hours=12),
                          day_start=day_start)
    # Same due time: in the order of `items_due` (then its last review id).
    assert [(d[0], d[1]) for d in snap.learning] == [("learn", 0), ("cz", 2)]
    assert [(d[0], d[1]) for d in snap.reviews] == [("old", 0)]
    assert snap.blocked == {"learn", "old", "cz\x1f2", "sus", "bur"}
    assert snap.new_today == 2  # learn and cz#2 were first reviewed today; old was not
    assert snap.seen_today == {"learn": {0}, "cz": {2}}
    later = store.snapshot("deck", now=PROGRESS_T0 + timedelta(hours=2),
                           due_before=PROGRESS_T0 + timedelta(hours=12), day_start=day_start)
    assert "bur" not in later.blocked  # the burial is over


# -- the log ---------------------------------------------------------------------------------------


def test_review_rows_leave_out_undone_reviews(open_store: StoreFactory) -> None:
    s = open_store()
    first = _review_id(s, KEY, PROGRESS_T0, Rating.Again, 4000)
    second = _review_id(s, KEY, PROGRESS_T0 + timedelta(minutes=5), Rating.Good, 3000)
    other = _review_id(s, ItemKey("other", "c"), PROGRESS_T0 + timedelta(minutes=6), Rating.Easy,
                       1500)
    s.undo_review(second, at=PROGRESS_T0 + timedelta(minutes=7))
    rows = s.review_rows()
    assert [r.id for r in rows] == [first, other]
    assert (rows[0].key, rows[0].rating, rows[0].reviewed_at, rows[0].duration_ms) == (
        KEY, 1, PROGRESS_T0, 4000)
    assert rows[0].phase_after == int(fsrs.State.Learning)
    assert rows[1].phase_after == int(fsrs.State.Review)
    assert [r.id for r in s.review_rows("other")] == [other]


# -- reviews counted per deck ----------------------------------------------------------------------


def test_counts_reviews_from_since_on_per_deck(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.sqlite3") as store:
        times = [SINCE - timedelta(days=3), SINCE - timedelta(days=1, hours=23),
                 SINCE - timedelta(microseconds=1), SINCE, SINCE + timedelta(hours=20),
                 SINCE + timedelta(days=1)]
        for n, at in enumerate(times):
            _review_id(store, ItemKey("a", f"c{n}"), at)
        _review_id(store, ItemKey("b", "x"), SINCE + timedelta(minutes=5))
    # Rows whose text carries another zone (the store writes UTC, but a file written elsewhere
    # could hold one) are compared as times, even where their local date is the day before.
    west = timezone(timedelta(hours=-9))
    with closing(sqlite3.connect(tmp_path / "p.sqlite3")) as conn, conn:
        for card_id, at in (("y", SINCE - timedelta(seconds=1)), ("z", SINCE + timedelta(hours=1))):
            conn.execute(
                "INSERT INTO reviews (deck_id, card_id, item, rating, reviewed_at, duration_ms, "
                "content_hash, card_after) VALUES ('b', ?, 0, 3, ?, 1000, 'h', '{}')",
                (card_id, at.astimezone(west).isoformat()))
    with Store.open(tmp_path / "p.sqlite3") as store:
        assert store.review_counts(SINCE) == {"a": 3, "b": 2}
        assert store.review_counts(SINCE + timedelta(days=1)) == {"a": 1}
        assert store.review_counts(SINCE - timedelta(days=5)) == {"a": 6, "b": 3}


def test_undone_reviews_are_not_counted(open_store: StoreFactory) -> None:
    store = open_store()
    kept = ItemKey("a", "kept")
    _review_id(store, kept, SINCE + timedelta(hours=1))
    undone = _review_id(store, ItemKey("a", "undone"), SINCE + timedelta(hours=2))
    store.undo_review(undone, at=SINCE + timedelta(hours=2, seconds=5))
    assert store.review_counts(SINCE) == {"a": 1}


# -- read-only -------------------------------------------------------------------------------------


def test_every_query_reads_only_and_gives_the_expected_answers(open_store: StoreFactory) -> None:
    """The functions of `queries` run on a connection SQLite refuses writes on (`query_only`), in
    one transaction of the caller, and answer what the log written here implies: the states as
    `derive_all` rebuilds them from the log, recall as fsrs computes it."""
    s = open_store()
    ratings = [Rating(1 + i % 4) for i in range(12)]
    for i, rating in enumerate(ratings):
        review(s, ItemKey("deck", f"c{i % 5}", i % 2), rating, PROGRESS_T0 + timedelta(hours=i))
    suspended = ItemKey("deck", "c1", 0)
    s.suspend(suspended, at=PROGRESS_T0)
    s.set_briefing_target("deck", PROGRESS_T0 + timedelta(days=9), now=PROGRESS_T0)
    s.record_mock_test("deck", started_at=PROGRESS_T0, finished_at=PROGRESS_T0, seed=1, planned=1,
                       answers=[])
    now, scheduler = PROGRESS_T0 + timedelta(days=2), Scheduler()
    curve = scheduler.recall_curve
    keys = {ItemKey("deck", f"c{n}", item) for n in range(5) for item in (0, 1)}
    lkeys = {lkey(key.card_id, key.item) for key in keys}
    conn = sqlite3.connect(s.path, isolation_level=None)
    try:
        conn.execute("PRAGMA query_only = ON")
        conn.execute("BEGIN")
        states = queries.states(conn)
        assert set(states) == keys and states == {st.key: st for st in derive_all(conn)}
        assert [key for key, st in states.items() if st.suspended] == [suspended]
        assert sum(st.reps for st in states.values()) == 12
        assert queries.get_state(conn, suspended) == states[suspended]
        assert queries.get_state(conn, KEY) is None  # never reviewed
        assert queries.deck_ids(conn) == queries.stored_decks(conn) == ["deck"]
        assert queries.integrity_check(conn) == "ok"
        rows = log_reads.review_rows(conn, "deck")
        assert [r.id for r in rows] == list(range(1, 13)) and [r.rating for r in rows] == ratings
        records = list(queries.review_records(conn, "1", ()))
        assert [(r.id, r.rating, r.undone) for r in records] == [
            (i + 1, rating, False) for i, rating in enumerate(ratings)]
        assert queries.review_counts(conn, PROGRESS_T0, schema=SCHEMA_VERSION) == {"deck": 12}

        snap = queries.snapshot(conn, "deck", now=now, due_before=now, day_start=PROGRESS_T0)
        due = sorted((st.due, key.card_id, key.item) for key, st in states.items()
                     if not st.suspended and st.due is not None and st.due < now)
        assert len(due) == 6
        assert [(d[0], d[1]) for d in snap.learning + snap.reviews] == [
            (card_id, item) for _due, card_id, item in due]
        assert snap.blocked == lkeys and snap.new_today == 10
        assert snap.seen_today == {f"c{n}": {0, 1} for n in range(5)}
        assert queries.blocked_among(conn, "deck", ["c1", "c2"], now=now) == {
            "c1", "c1\x1f1", "c2", "c2\x1f1"}

        assert {(r.card_id, r.item): (r.phase, r.suspended, r.lapses)
                for r in queries.stat_rows(conn)} == {
            (k.card_id, k.item): (0 if st.card is None else int(st.card.state), st.suspended,
                                  st.lapses) for k, st in states.items()}
        recall = {(k.card_id, k.item): scheduler.retrievability(st.card, now)
                  for k, st in states.items() if st.card is not None}
        assert len(recall) == 10 and queries.recall_at(conn, "deck", now, curve) == recall
        summary = queries.stat_summary(conn, "deck", now=now, day_end=now, leech_lapses=1,
                                       curve=curve)
        assert summary.items == Counter(
            (0 if st.card is None else int(st.card.state), st.suspended)
            for st in states.values())
        assert summary.due_now == sum(1 for st in states.values()
                                      if not st.suspended and st.due is not None
                                      and st.due <= now)
        assert (summary.buried, summary.recalled) == (0, 10)
        assert summary.leeches == sum(1 for st in states.values() if st.lapses >= 1)
        assert summary.recall_sum == pytest.approx(sum(recall.values()), rel=1e-12)
        assert sorted(summary.lkeys) == sorted(lkeys)

        assert queries.briefing_targets(conn) == {"deck": PROGRESS_T0 + timedelta(days=9)}
        (test,) = queries.mock_tests(conn)
        assert (test.deck_id, test.started_at, test.finished_at, test.seed, test.planned,
                test.answers) == ("deck", PROGRESS_T0, PROGRESS_T0, 1, 1, ())
        conn.execute("COMMIT")
    finally:
        conn.close()
