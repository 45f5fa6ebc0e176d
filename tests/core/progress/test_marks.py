"""Anki's everyday card actions in the progress file (schema 6, `marks`): flags with a note,
forget and set due date are logged append-only and survive `rebuild`; a version-5 file is
migrated to them."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from fsrs import Rating

from briefing_quiz.core import fsrs_adapter
from briefing_quiz.core.errors import StoreError
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress import schema
from briefing_quiz.core.progress.replay import replay_memory
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings
from tests.core.progress.conftest import KEY, PROGRESS_T0, review

OTHER_KEY = ItemKey("deck", "other", 0)


def test_flag_with_a_note_unflag_and_flag_again_are_read_from_the_log(store: Store) -> None:
    store.marks.flag(KEY, "answer wrong", at=PROGRESS_T0)
    store.marks.flag(OTHER_KEY, "", at=PROGRESS_T0 + timedelta(minutes=1))
    flags = store.marks.flags()
    assert list(flags) == [KEY, OTHER_KEY]
    assert flags[KEY].note == "answer wrong" and flags[KEY].at == PROGRESS_T0
    store.marks.flag(KEY, None, at=PROGRESS_T0 + timedelta(minutes=2))
    assert list(store.marks.flags()) == [OTHER_KEY]
    store.marks.flag(OTHER_KEY, "typo in the source", at=PROGRESS_T0 + timedelta(minutes=3))
    assert store.marks.flags("deck")[OTHER_KEY].note == "typo in the source"
    assert store.marks.flags("elsewhere") == {}
    # A flag schedules nothing: no item row appears for it.
    assert store.states() == {}
    store.rebuild()
    assert store.marks.flags()[OTHER_KEY].note == "typo in the source"


def test_forget_puts_the_item_back_to_new_and_keeps_its_history(store: Store) -> None:
    review(store, KEY, Rating.Good, PROGRESS_T0)
    review(store, KEY, Rating.Again, PROGRESS_T0 + timedelta(days=3))
    before = store.get(KEY)
    assert before is not None and before.card is not None and before.reps == 2
    state = store.marks.forget(KEY, at=PROGRESS_T0 + timedelta(days=4)).state
    assert state.is_new and state.phase == "new" and state.first_review is None
    assert state.reps == 2 and state.lapses == before.lapses
    assert store.get(KEY) == state
    assert len(store.history(KEY)) == 2  # the log is kept
    assert store.rebuild() == 1
    assert store.get(KEY) == state


def test_a_review_after_a_forget_starts_from_a_new_card_and_rebuilds_the_same(store: Store) -> None:
    review(store, KEY, Rating.Easy, PROGRESS_T0)
    review(store, KEY, Rating.Easy, PROGRESS_T0 + timedelta(days=10))
    store.marks.forget(KEY, at=PROGRESS_T0 + timedelta(days=11))
    after = review(store, KEY, Rating.Good, PROGRESS_T0 + timedelta(days=12)).state
    fresh = Scheduler().review(Scheduler().new_card(1), Rating.Good,
                               PROGRESS_T0 + timedelta(days=12))
    assert after.card is not None
    assert after.card.stability == pytest.approx(fresh.stability)
    assert after.first_review == PROGRESS_T0 + timedelta(days=12)
    assert after.reps == 3
    rows_before = store.states()
    store.rebuild()
    assert store.states() == rows_before


def test_set_due_moves_the_due_date_keeps_the_memory_and_survives_rebuild(store: Store) -> None:
    review(store, KEY, Rating.Good, PROGRESS_T0)
    before = store.get(KEY)
    assert before is not None and before.card is not None
    due = PROGRESS_T0 + timedelta(days=20)
    state = store.marks.set_due(KEY, due, at=PROGRESS_T0 + timedelta(hours=1)).state
    assert state.due == due and state.card is not None
    assert state.card.stability == before.card.stability and state.reps == 1
    store.rebuild()
    assert store.get(KEY) == state
    # A later review schedules from the stored card as usual.
    later = review(store, KEY, Rating.Good, due).state
    assert later.due is not None and later.due > due


def test_set_due_on_a_new_item_is_refused_and_writes_nothing(store: Store) -> None:
    with pytest.raises(StoreError, match="is new"):
        store.marks.set_due(KEY, PROGRESS_T0 + timedelta(days=1), at=PROGRESS_T0)
    with pytest.raises(ValueError):
        store.marks.set_due(KEY, (PROGRESS_T0 + timedelta(days=1)).replace(tzinfo=None), at=PROGRESS_T0)
    assert store.get(KEY) is None
    raw = sqlite3.connect(store.path)
    assert raw.execute("SELECT count(*) FROM marks").fetchone()[0] == 0
    raw.close()


def test_the_mark_log_is_append_only(store: Store) -> None:
    store.marks.flag(KEY, "x", at=PROGRESS_T0)
    raw = sqlite3.connect(store.path)
    try:
        for sql in ("UPDATE marks SET note = 'y'", "DELETE FROM marks"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                raw.execute(sql)
        with pytest.raises(sqlite3.IntegrityError):  # a set_due needs its due time
            raw.execute("INSERT INTO marks (deck_id, card_id, item, action, at, after_review) "
                        "VALUES ('d', 'c', 0, 'set_due', 'x', 0)")
    finally:
        raw.close()


def test_a_forget_replays_only_the_reviews_after_it_with_other_parameters(store: Store) -> None:
    review(store, KEY, Rating.Easy, PROGRESS_T0)
    review(store, KEY, Rating.Easy, PROGRESS_T0 + timedelta(days=8))
    store.marks.forget(KEY, at=PROGRESS_T0 + timedelta(days=9))
    review(store, KEY, Rating.Hard, PROGRESS_T0 + timedelta(days=10))
    params = tuple(w * (0.5 if i < 4 else 1.0)
                   for i, w in enumerate(fsrs_adapter.default_parameters()))
    sched = Scheduler(SchedulerSettings(parameters=params, enable_fuzzing=False))
    store.recompute_memory("deck", sched, at=PROGRESS_T0 + timedelta(days=10))
    expected = replay_memory(sched, KEY, [(int(Rating.Hard), PROGRESS_T0 + timedelta(days=10))])
    state = store.get(KEY)
    assert state is not None and state.card is not None
    assert state.card.stability == pytest.approx(expected.stability)


def test_a_version_5_file_is_migrated_to_marks_and_keeps_its_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "v5.sqlite3"
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 5)
    with Store.open(path) as s:
        review(s, KEY, Rating.Good, PROGRESS_T0)
        before = s.states()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 5
    assert not schema.has_table(raw, "marks")
    raw.close()
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 6)
    # Read-only, a version-5 file is read as it is: no flags, nothing written.
    with Store.open(path, readonly=True) as s:
        assert s.marks.flags() == {} and s.states() == before
    with Store.open(path) as s:
        assert s.states() == before and len(s.review_rows()) == 1
        s.marks.flag(KEY, "answer wrong", at=PROGRESS_T0 + timedelta(hours=1))
        s.marks.set_due(KEY, PROGRESS_T0 + timedelta(days=9), at=PROGRESS_T0 + timedelta(hours=1))
        assert s.marks.flags()[KEY].note == "answer wrong"
        assert s.rebuild() == 1
        assert s.get(KEY) is not None and s.get(KEY).due == PROGRESS_T0 + timedelta(days=9)  # type: ignore[union-attr]
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 6
    raw.close()


def test_undo_of_a_forget_or_set_due_restores_the_state_and_survives_rebuild(
        store: Store) -> None:
    review(store, KEY, Rating.Good, PROGRESS_T0)
    review(store, KEY, Rating.Good, PROGRESS_T0 + timedelta(days=3))
    before = store.get(KEY)
    moved = store.marks.set_due(KEY, PROGRESS_T0 + timedelta(days=40), at=PROGRESS_T0)
    forgot = store.marks.forget(KEY, at=PROGRESS_T0)
    assert store.marks.undo(forgot.mark_id, at=PROGRESS_T0) == moved.state
    assert store.marks.undo(moved.mark_id, at=PROGRESS_T0) == before
    assert store.get(KEY) == before
    with pytest.raises(StoreError, match="undone already"):
        store.marks.undo(moved.mark_id, at=PROGRESS_T0)
    store.marks.flag(KEY, "x", at=PROGRESS_T0)
    with pytest.raises(StoreError, match="no forget or set due date"):
        store.marks.undo(forgot.mark_id + 3, at=PROGRESS_T0)
    store.rebuild()
    assert store.get(KEY) == before
