"""Memory states following the parameters in use (`core.progress.replay`): replaying a deck's
review log through fsrs with other parameters changes only the derived item states."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from fsrs import Rating

from briefing_quiz.core import fsrs_adapter
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress import schema
from briefing_quiz.core.progress.replay import default_fingerprint, fingerprint, replay_memory
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings
from tests.conftest import StoreFactory
from tests.core.progress.conftest import PROGRESS_T0, review

OTHER = tuple(w * (0.5 if i < 4 else 1.0) for i, w in enumerate(fsrs_adapter.default_parameters()))


def _study(store: Store, deck: str = "deck", items: int = 12, seed: int = 3
           ) -> dict[ItemKey, list[tuple[int, datetime]]]:
    """Reviews of `items` items over a few weeks (same-day steps, lapses, odd hours), recorded
    through the real scheduler with fuzz on; the log per item."""
    rng = random.Random(seed)
    sched = Scheduler()
    log: dict[ItemKey, list[tuple[int, datetime]]] = {}
    for i in range(items):
        key = ItemKey(deck, f"c{i}", i % 2)
        at = PROGRESS_T0 + timedelta(hours=rng.randrange(48))
        for _ in range(rng.randrange(2, 9)):
            rating = rng.choice([Rating.Again, Rating.Hard, Rating.Good, Rating.Good, Rating.Easy])
            recorded = review(store, key, rating, at, sched)
            log.setdefault(key, []).append((int(rating), at))
            assert recorded.state.card is not None
            at = max(at + timedelta(minutes=rng.randrange(1, 90)), recorded.state.card.due
                     + timedelta(hours=rng.randrange(-30, 30)))
    return log


def test_replay_with_default_parameters_gives_the_stored_states_exactly(store: Store) -> None:
    log = _study(store)
    stored = store.states("deck")
    for key, reviews in log.items():
        card = stored[key].card
        assert card is not None
        assert replay_memory(Scheduler(), key, reviews).to_dict() == card.to_dict()
    before = [r.to_json() for r in store.reviews()]
    changed = store.recompute_memory("deck", Scheduler(SchedulerSettings(enable_fuzzing=False)),
                                     at=PROGRESS_T0)
    assert changed == 0 and store.states("deck") == stored
    assert [r.to_json() for r in store.reviews()] == before


def test_other_parameters_change_stabilities_keep_due_dates_and_leave_the_log(
        store: Store) -> None:
    log = _study(store)
    _study(store, deck="other")
    key = next(iter(log))
    last = store.history(key)[-1]
    store.undo_review(last.id, at=PROGRESS_T0 + timedelta(days=90))
    log[key] = log[key][:-1]
    stored, others, before = store.states("deck"), store.states("other"), list(store.reviews())
    sched = Scheduler(SchedulerSettings(parameters=OTHER, enable_fuzzing=False))
    changed = store.recompute_memory("deck", sched, at=PROGRESS_T0)
    now = store.states("deck")
    assert changed == len(stored) == len(now)
    for k in now:
        new_card, old_card = now[k].card, stored[k].card
        assert new_card is not None and old_card is not None
        assert new_card.stability != old_card.stability
        # The new state is the replay's (the undone review left out) ...
        expected = replay_memory(sched, k, log[k])
        assert (new_card.stability, new_card.difficulty) == (expected.stability,
                                                            expected.difficulty)
        # ... and everything else of the stored state is kept: due dates, phase, counts.
        assert (new_card.due, new_card.state, new_card.step, new_card.last_review) == (
            old_card.due, old_card.state, old_card.step, old_card.last_review)
        assert replace(now[k], card=None) == replace(stored[k], card=None)
        assert store.get(k) == now[k]  # the copied columns (stability) follow the card
    assert store.states("other") == others and list(store.reviews()) == before
    assert store.memory_fingerprints() == {"deck": fingerprint(OTHER)}
    # rebuild restores the logged states and forgets the fingerprints (recomputed on opening)
    store.rebuild()
    assert store.states("deck") == stored and store.memory_fingerprints() == {}


def test_fingerprint_names_the_values() -> None:
    defaults = fsrs_adapter.default_parameters()
    assert fingerprint(None) == default_fingerprint() == fingerprint([float(w) for w in defaults])
    assert fingerprint(OTHER) != default_fingerprint()
    assert fingerprint([round(w, 4) + 1e-9 for w in OTHER]) == fingerprint(
        [round(w, 4) for w in OTHER])


def test_a_version_3_file_opens_and_gets_the_table(open_store: StoreFactory,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 3)
    with open_store() as s:
        path = s.path
        review(s, ItemKey("deck", "a", 0), Rating.Good, PROGRESS_T0)
        states = s.states()
    monkeypatch.undo()  # the newest schema again
    with Store.open(path, readonly=True) as s:  # read as it is: no fingerprints, nothing written
        assert s.memory_fingerprints() == {} and s.states() == states
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 3
    with Store.open(path) as s:
        assert s.memory_fingerprints() == {} and s.states() == states
        s.recompute_memory("deck", Scheduler(SchedulerSettings(parameters=OTHER)),
                           at=PROGRESS_T0)
        assert s.memory_fingerprints() == {"deck": fingerprint(OTHER)}
        assert s.states()[ItemKey("deck", "a", 0)].card != states[ItemKey("deck", "a", 0)].card


def test_an_unreadable_review_time_is_left_out_not_a_crash(store: Store) -> None:
    _study(store, items=2)
    store._conn.execute("DROP TRIGGER reviews_no_update")
    store._conn.execute("UPDATE reviews SET reviewed_at = 'yesterday' WHERE id = 1")
    store.recompute_memory("deck", Scheduler(SchedulerSettings(parameters=OTHER)),
                           at=PROGRESS_T0)
    assert "yesterday" in store.unreadable[1]
    assert store.memory_fingerprints() == {"deck": fingerprint(OTHER)}


def test_an_undo_after_a_recompute_restores_the_state_of_the_parameters_in_use(
        store: Store) -> None:
    log = _study(store, items=3)
    sched = Scheduler(SchedulerSettings(parameters=OTHER, enable_fuzzing=False))
    store.recompute_memory("deck", sched, at=PROGRESS_T0)
    key = next(iter(log))
    recomputed = store.states("deck")[key]
    assert recomputed.card is not None
    later = recomputed.card.due + timedelta(days=1)
    made = review(store, key, Rating.Good, later, Scheduler(SchedulerSettings(parameters=OTHER)))
    restored = store.undo_review(made.review_id, at=later)
    # The log's card_after of the review before is fsrs' defaults'; the undo gives OTHER's.
    assert restored == recomputed == store.get(key)
    assert restored.card is not None and restored.card.stability == replay_memory(
        sched, key, log[key]).stability
