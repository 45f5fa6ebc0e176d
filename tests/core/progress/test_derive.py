"""Log -> item state: the stored state is fsrs' state, undo and rebuild give it back exactly, and
the shortcuts (the card's JSON text, the state made without a round trip) equal the plain way."""

from __future__ import annotations

import json
import random
from datetime import timedelta, timezone

import fsrs
import pytest
from fsrs import Rating

from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.derive import (
    apply_event,
    apply_review,
    as_read_back,
    card_from_json,
    card_to_json,
)
from briefing_quiz.core.progress.store import ItemState, Store
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings, fsrs_card_id
from tests.core.progress.conftest import KEY, PROGRESS_T0, review

SCRIPTS = [
    # (rating, minutes after PROGRESS_T0)
    [(Rating.Good, 0), (Rating.Good, 10), (Rating.Good, 60 * 24 * 3)],
    [(Rating.Again, 0), (Rating.Again, 1), (Rating.Hard, 3), (Rating.Easy, 20)],
    [(Rating.Easy, 0), (Rating.Again, 60 * 24 * 10), (Rating.Good, 60 * 24 * 10 + 15),
     (Rating.Again, 60 * 24 * 40), (Rating.Good, 60 * 24 * 41)],
    [(Rating.Hard, 0), (Rating.Hard, 5), (Rating.Hard, 11), (Rating.Good, 60 * 24 * 2)],
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_stored_state_is_fsrs_state_and_rebuild_is_identical(
        store: Store, script: list[tuple[Rating, int]]) -> None:
    settings = SchedulerSettings(enable_fuzzing=False)
    sched = Scheduler(settings)
    plain = fsrs.Scheduler(enable_fuzzing=False)  # the library itself, no adapter
    expected = fsrs.Card(card_id=fsrs_card_id(KEY), due=PROGRESS_T0)
    lapses = 0
    for rating, minutes in script:
        at = PROGRESS_T0 + timedelta(minutes=minutes)
        if expected.state == fsrs.State.Review and rating == Rating.Again:
            lapses += 1
        expected, _ = plain.review_card(expected, rating, at)
        saved = review(store, KEY, rating, at, sched)
        assert saved.state.card is not None
        assert saved.state.card.to_dict() == {**expected.to_dict(), "card_id": fsrs_card_id(KEY)}
    state = store.get(KEY)
    assert state is not None
    assert state.reps == len(script) and state.lapses == lapses
    assert state.first_review == PROGRESS_T0
    before = store.states()
    assert store.rebuild() == 1
    assert store.states() == before


def test_rebuild_restores_a_wiped_state_table(store: Store) -> None:
    for i, (rating, minutes) in enumerate(SCRIPTS[2]):
        at = PROGRESS_T0 + timedelta(minutes=minutes)
        review(store, ItemKey("deck", "a", 0), rating, at)
        review(store, ItemKey("deck", "b", i % 3), Rating.Good, at)
    store.suspend(ItemKey("deck", "a", 0), at=PROGRESS_T0)
    store.bury(ItemKey("deck", "new-one", 0), PROGRESS_T0 + timedelta(days=1), at=PROGRESS_T0)
    undone = review(store, ItemKey("deck", "a", 0), Rating.Again, PROGRESS_T0 + timedelta(days=60))
    store.undo_review(undone.review_id, at=PROGRESS_T0 + timedelta(days=60))
    before = store.states()
    store._conn.execute("DELETE FROM items")
    assert store.states() == {}
    assert store.rebuild() == len(before)
    assert store.states() == before


def test_undo_restores_previous_state_exactly_and_keeps_the_row(store: Store) -> None:
    first = review(store, KEY, Rating.Good, PROGRESS_T0)
    second = review(store, KEY, Rating.Again, PROGRESS_T0 + timedelta(minutes=10))
    restored = store.undo_review(second.review_id, at=PROGRESS_T0 + timedelta(minutes=11))
    assert restored == first.state == store.get(KEY)
    rows = list(store.reviews())
    assert [(r.id, r.undone) for r in rows] == [(first.review_id, False), (second.review_id, True)]
    # Undoing the first answer too brings the item back to new.
    assert store.undo_review(first.review_id, at=PROGRESS_T0) is None
    assert store.get(KEY) is None
    assert len(list(store.reviews())) == 2


def test_undo_keeps_suspension(store: Store) -> None:
    saved = review(store, KEY, Rating.Good, PROGRESS_T0)
    store.suspend(KEY, at=PROGRESS_T0)
    state = store.undo_review(saved.review_id, at=PROGRESS_T0)
    assert state == ItemState(key=KEY, suspended=True)


def test_suspend_bury_and_back(store: Store) -> None:
    until = PROGRESS_T0 + timedelta(hours=19)
    assert store.suspend(KEY, at=PROGRESS_T0).suspended
    assert not store.unsuspend(KEY, at=PROGRESS_T0).suspended
    state = store.bury(KEY, until, at=PROGRESS_T0)
    assert state.buried_until == until and state.is_buried(PROGRESS_T0)
    assert not state.is_buried(until)
    assert store.unbury(KEY, at=PROGRESS_T0).buried_until is None
    before = store.states()
    store.rebuild()
    assert store.states() == before


def test_clock_going_backwards_does_not_move_history_back(store: Store) -> None:
    first = review(store, KEY, Rating.Good, PROGRESS_T0)
    back = review(store, KEY, Rating.Good, PROGRESS_T0 - timedelta(hours=3))
    assert back.state.card is not None and first.state.card is not None
    # The scheduler counts it as made at the last review.
    assert back.state.card.last_review == PROGRESS_T0
    assert back.state.card.due >= first.state.card.due
    before = store.states()
    store.rebuild()
    assert store.states() == before


# -- no round trip, the same values ----------------------------------------------------------------


def test_returned_state_equals_what_a_reread_gives(store: Store) -> None:
    """record_review builds the returned card without a JSON round trip; it must not differ."""
    rng = random.Random(3)
    at = PROGRESS_T0
    for i in range(60):
        at += timedelta(seconds=rng.randint(1, 10**6), microseconds=rng.randint(0, 999_999))
        saved = review(store, ItemKey("deck", f"c{i % 5}", 0), Rating(rng.randint(1, 4)), at)
        assert saved.state == store.get(saved.state.key)


def test_card_json_is_the_encoders_text() -> None:
    """The format-string path of `card_to_json` writes exactly what json.dumps writes, for cards
    as fsrs makes them; anything unusual (an int stability, NaN, no stability) is encoded."""
    rng = random.Random(5)
    for _ in range(3000):
        due = PROGRESS_T0 + timedelta(microseconds=rng.randrange(10**14))
        last = rng.choice([None, due - timedelta(seconds=rng.randrange(10**7)),
                           due - timedelta(microseconds=rng.randrange(10**12))])
        card = fsrs.Card(card_id=rng.randrange(1, 2**63), state=rng.choice(list(fsrs.State)),
                         step=rng.choice([None, 0, 1, 3]),
                         stability=rng.choice([None, rng.random() * 100, 1e-300, 1e20, 3.0, 7,
                                               float("nan")]),
                         difficulty=rng.choice([None, rng.random() * 10, 5.0, float("inf")]),
                         due=due.astimezone(timezone(timedelta(hours=rng.choice([0, 2])))),
                         last_review=last)
        expected = json.dumps(card.to_dict(), separators=(",", ":"))
        assert card_to_json(card) == expected


def test_the_state_made_without_a_round_trip_equals_the_json_round_trip() -> None:
    """`as_read_back` (every answer) gives what writing the card's JSON and reading it gives."""
    rng = random.Random(8)
    for _ in range(2000):
        due = PROGRESS_T0 + timedelta(microseconds=rng.randrange(10**14))
        card = fsrs.Card(card_id=rng.randrange(1, 2**63), state=rng.choice(list(fsrs.State)),
                         step=rng.choice([None, 0, 2]),
                         stability=rng.choice([None, 0.0, rng.random() * 100, 3.0]),
                         difficulty=rng.choice([None, 0.0, rng.random() * 10]),
                         due=due.astimezone(timezone(timedelta(hours=rng.choice([0, -5])))),
                         last_review=rng.choice([None, due - timedelta(seconds=rng.randrange(10**7))]))
        direct, round_trip = as_read_back(card), card_from_json(card_to_json(card))
        assert vars(direct) == vars(round_trip)
        assert direct.due.tzinfo is round_trip.due.tzinfo is timezone.utc


def test_events_apply_to_the_fields_reviews_do_not_touch() -> None:
    reviewed = apply_review(ItemState(key=KEY), 7, int(Rating.Good), PROGRESS_T0, "h",
                            fsrs.Card(card_id=1, due=PROGRESS_T0))
    buried = apply_event(apply_event(reviewed, "suspend", None), "bury",
                         PROGRESS_T0 + timedelta(days=1))
    assert (buried.suspended, buried.buried_until) == (True, PROGRESS_T0 + timedelta(days=1))
    assert (buried.card, buried.reps, buried.last_review_id) == (reviewed.card, 1, 7)
    assert apply_event(apply_event(buried, "unsuspend", None), "unbury", None) == reviewed
    with pytest.raises(ValueError, match="unknown event"):
        apply_event(reviewed, "delete", None)
