"""The store's schema-2 parts: briefing targets, mock tests, the lean review rows, and migration."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest
from fsrs import Rating

from briefing_quiz.core.errors import StoreError
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress import store as store_module
from briefing_quiz.core.progress.store import MockAnswerRecord, Store
from briefing_quiz.core.scheduler import Scheduler, fsrs_card_id

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = ItemKey("deck", "card", 0)


def review(store: Store, key: ItemKey, rating: Rating, at: datetime, duration_ms: int = 1500) -> int:
    sched = Scheduler()

    def schedule(prev: fsrs.Card | None) -> fsrs.Card:
        return sched.review(prev or sched.new_card(fsrs_card_id(key)), rating, at)

    return store.record_review(key, rating, reviewed_at=at, duration_ms=duration_ms,
                               content_hash="h", schedule=schedule).review_id


def test_briefing_targets_set_replace_clear(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    paris = timezone(timedelta(hours=1))
    with Store.open(path) as s:
        assert s.briefing_targets() == {} and s.briefing_target("deck") is None
        s.set_briefing_target("deck", datetime(2026, 12, 3, 14, 0, tzinfo=paris), now=T0)
        s.set_briefing_target("other", T0 + timedelta(days=1), now=T0)
        s.set_briefing_target("deck", datetime(2026, 12, 4, 14, 0, tzinfo=paris), now=T0)
    with Store.open(path, readonly=True) as s:
        targets = s.briefing_targets()
        assert targets == {"deck": datetime(2026, 12, 4, 13, 0, tzinfo=UTC),
                           "other": T0 + timedelta(days=1)}
        assert all(t.tzinfo == UTC for t in targets.values())
    with Store.open(path) as s:
        assert s.clear_briefing_target("deck") is True
        assert s.clear_briefing_target("deck") is False
        assert list(s.briefing_targets()) == ["other"]
        with pytest.raises(ValueError, match="aware"):
            s.set_briefing_target("deck", datetime(2026, 12, 3, 14, 0), now=T0)


def test_mock_tests_are_stored_apart_and_append_only(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.sqlite3") as s:
        review(s, KEY, Rating.Good, T0)
        states, log = s.states(), [r.to_json() for r in s.reviews()]
        answers = [MockAnswerRecord(KEY, "x", "y", False, 2000),
                   MockAnswerRecord(ItemKey("deck", "cz", 2), None, "Kyiv", True, -5)]
        test_id = s.record_mock_test("deck", started_at=T0, finished_at=T0 + timedelta(minutes=3),
                                     seed=7, planned=3, answers=answers)
        assert s.states() == states and [r.to_json() for r in s.reviews()] == log
        (stored,) = s.mock_tests()
        assert (stored.id, stored.deck_id, stored.seed, stored.planned, stored.right) == (
            test_id, "deck", 7, 3, 1)
        assert stored.started_at == T0 and stored.finished_at == T0 + timedelta(minutes=3)
        assert stored.answers == (answers[0], MockAnswerRecord(ItemKey("deck", "cz", 2), None,
                                                               "Kyiv", True, 0))
        assert s.mock_tests("other") == []
        with pytest.raises(StoreError, match="append-only"):
            s._write(lambda conn: conn.execute("DELETE FROM mock_tests"))


def test_review_rows_leave_out_undone_reviews(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.sqlite3") as s:
        first = review(s, KEY, Rating.Again, T0, 4000)
        second = review(s, KEY, Rating.Good, T0 + timedelta(minutes=5), 3000)
        other = review(s, ItemKey("other", "c"), Rating.Easy, T0 + timedelta(minutes=6))
        s.undo_review(second, at=T0 + timedelta(minutes=7))
        rows = s.review_rows()
        assert [r.id for r in rows] == [first, other]
        assert (rows[0].key, rows[0].rating, rows[0].reviewed_at, rows[0].duration_ms) == (
            KEY, 1, T0, 4000)
        assert rows[0].phase_after == int(fsrs.State.Learning)
        assert rows[1].phase_after == int(fsrs.State.Review)
        assert [r.id for r in s.review_rows("other")] == [other]


def test_a_version_1_file_is_migrated_and_keeps_its_log(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "v1.sqlite3"
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 1)
    with Store.open(path) as s:
        review(s, KEY, Rating.Good, T0)
        before = s.states()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'briefings'").fetchone()[
        0] == 0
    raw.close()
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 2)
    # Read-only, a version-1 file is read as it is: no targets, no mock tests, nothing written.
    with Store.open(path, readonly=True) as s:
        assert s.briefing_targets() == {} and s.mock_tests() == [] and s.states() == before
    with Store.open(path) as s:
        assert s.states() == before and len(s.review_rows()) == 1
        s.set_briefing_target("deck", T0 + timedelta(days=2), now=T0)
        assert s.briefing_target("deck") == T0 + timedelta(days=2)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 2
    raw.close()
