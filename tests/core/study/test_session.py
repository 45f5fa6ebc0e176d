"""The study session: answering (the state fsrs gives), suspend, bury, undo, leeches, deck edits
and a deck read again mid-session, other windows, the clock."""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import fsrs
import pytest
from fsrs import Rating

from briefing_quiz.config import Config
from briefing_quiz.core.deckfile import loads_deck
from briefing_quiz.core.model import (
    ItemKey,
    OrderCard,
    TypedCard,
)
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings, fsrs_card_id
from briefing_quiz.core.study.queue import next_day_start
from briefing_quiz.core.study.session import StudySession
from briefing_quiz.core.study.statistics import collect_stats
from tests.conftest import FrozenClock, StoreFactory
from tests.core.study.conftest import (
    C2_ONLY,
    HEAD,
    A,
    B,
    C,
    basic,
    cloze,
    drain,
    k,
    make_deck,
    read_deck,
    session,
    shown,
)

UTC = timezone.utc
# 10:00 UTC; with tz=UTC and the day starting at 04:00, the study day began at 04:00 today.
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


# -- scheduling matches fsrs -----------------------------------------------------------------------

SCRIPTS = [
    [(Rating.Good, 0), (Rating.Good, 10), (Rating.Good, 60 * 24 * 3), (Rating.Again, 60 * 24 * 20)],
    [(Rating.Again, 0), (Rating.Again, 1), (Rating.Hard, 2), (Rating.Good, 12), (Rating.Easy, 30)],
    [(Rating.Easy, 0), (Rating.Hard, 60 * 24 * 9), (Rating.Again, 60 * 24 * 40),
     (Rating.Good, 60 * 24 * 40 + 10)],
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_answers_store_exactly_the_fsrs_state(store: Store,
                                              script: list[tuple[Rating, int]]) -> None:
    cfg = Config(SchedulerSettings(enable_fuzzing=False, new_cards_per_day=5))
    deck = make_deck([basic(1)])
    clock = FrozenClock(T0)
    plain = fsrs.Scheduler(enable_fuzzing=False)
    expected = fsrs.Card(card_id=fsrs_card_id(k("c1")), due=T0)
    for rating, minutes in script:
        clock.now = T0 + timedelta(minutes=minutes)
        s = session(deck, store, clock, cfg)
        entry = s.next()
        assert entry is not None and entry.key == k("c1")
        saved = s.answer(rating, duration_ms=800)
        expected, _ = plain.review_card(expected, rating, clock.now)
        state = store.get(k("c1"))
        assert state is not None and state.card is not None
        assert state.card.to_dict() == expected.to_dict()
        assert saved.due == expected.due
    before = store.states()
    store.rebuild()
    assert store.states() == before


def test_fuzzed_intervals_replay_exactly(store: Store) -> None:
    deck = make_deck([basic(1)])
    clock = FrozenClock(T0)
    times = [0, 10, 60 * 24 * 4, 60 * 24 * 20]
    for minutes in times:
        clock.now = T0 + timedelta(minutes=minutes)
        s = session(deck, store, clock)
        assert s.next() is not None
        s.answer(Rating.Good, duration_ms=500)
    replayed = Scheduler().replay(fsrs_card_id(k("c1")),
                                  [(Rating.Good, T0 + timedelta(minutes=m)) for m in times])
    state = store.get(k("c1"))
    assert state is not None and state.card == replayed


# -- suspend, bury, leeches ------------------------------------------------------------------------


def test_suspend_and_bury_exclude_and_undo_brings_back(store: Store) -> None:
    deck = make_deck([basic(1), basic(2), basic(3)])
    clock = FrozenClock(T0)
    s = session(deck, store, clock)
    assert shown(s) == k("c1")
    s.suspend()
    assert shown(s) == k("c2")
    s.bury()
    assert store.get(k("c2")).buried_until == next_day_start(T0, UTC)  # type: ignore[union-attr]
    assert shown(s) == k("c3")
    third = s.current
    undone = s.undo()  # the bury is taken back
    assert third is not None and undone == replace(third, key=k("c2"), card=deck.card("c2"))
    assert store.get(k("c2")).buried_until is None  # type: ignore[union-attr]
    s.answer(Rating.Easy, duration_ms=1)
    assert [e.key for e in iter(s.next, None) if s.answer(Rating.Easy, duration_ms=1)] == [k("c3")]
    # A new session the same day: c1 is suspended until unsuspended.
    assert drain(session(deck, store, clock)) == []
    store.unsuspend(k("c1"), at=clock())
    assert drain(session(deck, store, clock), Rating.Easy) == [k("c1")]


def test_leeches_are_tagged_and_reported(store: Store) -> None:
    cfg = Config(SchedulerSettings(leech_lapses=3, enable_fuzzing=False))
    deck = make_deck([basic(1)])
    clock = FrozenClock(T0)
    s = session(deck, store, clock, cfg)
    s.next()
    s.answer(Rating.Easy, duration_ms=1)
    for lapse in range(3):
        state = store.get(k("c1"))
        assert state is not None and state.card is not None
        clock.now = state.card.due  # due: answer Again (a lapse), then relearn
        s = session(deck, store, clock, cfg)
        entry = s.next()
        assert entry is not None and entry.lapses == lapse and entry.leech == (lapse >= 3)
        saved = s.answer(Rating.Again, duration_ms=1)
        assert saved.leech == (lapse + 1 >= 3)
        clock.advance(timedelta(minutes=10))
        s = session(deck, store, clock, cfg)
        s.next()
        s.answer(Rating.Easy, duration_ms=1)
    clock.now = store.get(k("c1")).card.due  # type: ignore[union-attr]
    s = session(deck, store, clock, cfg)
    entry = s.next()
    assert entry is not None and entry.leech and s.leeches == [k("c1")]
    stats = collect_stats([deck], store, cfg, now=clock(), tz=UTC)
    assert stats.decks[0].leeches == 1


# -- deck edits ------------------------------------------------------------------------------------


def test_edits_keep_progress_and_flag_changed_content(store: Store) -> None:
    card = basic(1)
    clock = FrozenClock(T0)
    s = session(make_deck([card]), store, clock)
    s.next()
    s.answer(Rating.Again, duration_ms=1)
    clock.advance(timedelta(minutes=2))
    # Editing only explain/tags: not a change the user must notice.
    cosmetic = replace(card, explain="because", tags=("x",))
    entry = session(make_deck([cosmetic]), store, clock).next()
    assert entry is not None and entry.kind == "learning" and not entry.changed_since_seen
    reworded = replace(card, answer="a different answer")
    entry = session(make_deck([reworded]), store, clock).next()
    assert entry is not None and entry.kind == "learning" and entry.changed_since_seen
    state = store.get(k("c1"))
    assert state is not None and state.reps == 1  # progress kept through the edit


def test_removed_card_keeps_history_and_is_orphaned(store: Store) -> None:
    clock = FrozenClock(T0)
    deck = make_deck([basic(1), basic(2)])
    drain(session(deck, store, clock), Rating.Again, limit=2)
    clock.advance(timedelta(minutes=5))
    smaller = make_deck([basic(2)])
    assert shown(session(smaller, store, clock)) == k("c2")
    stats = collect_stats([smaller], store, Config(), now=clock(), tz=UTC)
    assert stats.orphaned == [k("c1")]
    assert len(store.history(k("c1"))) == 1
    # A deck whose file is gone: all its stored items are orphans.
    assert collect_stats([], store, Config(), now=clock(), tz=UTC).orphaned == [k("c1"), k("c2")]


def test_adding_a_cloze_deletion_adds_an_item(store: Store) -> None:
    clock = FrozenClock(T0)
    one = make_deck([cloze("z", "{{c1::Kyiv}} is in Ukraine")])
    drain(session(one, store, clock), Rating.Easy)
    clock.now = T0 + timedelta(days=1)
    two = make_deck([cloze("z", "{{c1::Kyiv}} is in {{c2::Ukraine}}")])
    s = session(two, store, clock)
    entry = s.next()
    assert entry is not None and entry.key == k("z", 2) and entry.kind == "new"
    state = store.get(k("z", 1))
    assert state is not None and state.reps == 1


# -- answering, checking, undo ---------------------------------------------------------------------


def test_answer_is_durable_before_it_returns(store: Store, open_store: StoreFactory) -> None:
    s = session(make_deck([basic(1)]), store, FrozenClock(T0))
    s.next()
    saved = s.answer(Rating.Good, duration_ms=1234, given="x", correct=True)
    other = open_store(store.path)  # another connection sees it at once
    (row,) = list(other.reviews())
    assert row.id == saved.review_id and row.duration_ms == 1234 and row.correct is True


def test_check_suggests_and_the_users_grade_wins(store: Store) -> None:
    card = TypedCard(id="t", deck_id="d", question="How many?", answer="130,000")
    s = session(make_deck([card]), store, FrozenClock(T0))
    s.next()
    wrong = s.check("12")
    assert wrong is not None and not wrong.correct and wrong.suggested == Rating.Again
    right = s.check("130000")
    assert right is not None and right.correct and right.suggested == Rating.Good
    saved = s.answer(Rating.Hard, duration_ms=1, given="12", correct=False)
    (row,) = list(store.reviews())
    assert row.rating == Rating.Hard == saved.rating and row.given == "12" and row.correct is False


def test_order_partial_credit_still_suggests_again(store: Store) -> None:
    card = OrderCard(id="o", deck_id="d", question="Order", items_in_order=("a", "b", "c", "d"))
    s = session(make_deck([card]), store, FrozenClock(T0))
    s.next()
    result = s.check(["a", "b", "d", "c"])
    assert result is not None and not result.correct and result.suggested == Rating.Again
    assert (result.in_place, result.total) == (2, 4)


def test_undo_round_trips_state_queue_and_counters(store: Store) -> None:
    deck = make_deck([basic(1), basic(2)])
    clock = FrozenClock(T0)
    s = session(deck, store, clock)
    first = s.next()
    assert first is not None
    s.answer(Rating.Easy, duration_ms=1)
    before_second = store.get(k("c2"))
    second = s.next()
    assert second is not None and second.key == k("c2")
    clock.advance(timedelta(seconds=30))
    s.answer(Rating.Again, duration_ms=1)  # requeued as learning
    assert s.done == 2 and s.counts.learning == 1
    again = s.undo()
    assert again == second and s.current == second
    assert store.get(k("c2")) == before_second
    # Only the current entry is left, new again; its learning re-queue is gone with the answer.
    assert s.done == 1 and (s.counts.new, s.counts.learning, s.remaining) == (1, 0, 1)
    state_c1 = store.get(k("c1"))
    s.answer(Rating.Good, duration_ms=1)
    assert store.get(k("c1")) == state_c1
    assert [(r.key, r.undone) for r in store.reviews()] == [
        (k("c1"), False), (k("c2"), True), (k("c2"), False)]
    assert s.undo() is not None and s.undo() == first  # back to the very first card
    assert store.get(k("c1")) is None and s.undo() is None
    assert len(list(store.reviews())) == 3  # append-only: nothing deleted


def test_answer_needs_a_current_entry(store: Store) -> None:
    s = session(make_deck([basic(1)]), store, FrozenClock(T0))
    with pytest.raises(RuntimeError):
        s.answer(Rating.Good, duration_ms=1)
    s.next()
    s.answer(Rating.Good, duration_ms=1)
    with pytest.raises(RuntimeError):
        s.answer(Rating.Good, duration_ms=1)  # never the same answer twice


def test_preview_matches_what_answer_does(store: Store) -> None:
    clock = FrozenClock(T0)
    s = session(make_deck([basic(1)]), store, clock)
    s.next()
    preview = s.preview()
    assert set(preview) == set(Rating)
    saved = s.answer(Rating.Hard, duration_ms=1)
    assert saved.due - clock() == preview[Rating.Hard]


def test_store_error_leaves_the_entry_current(store: Store) -> None:
    s = session(make_deck([basic(1)]), store, FrozenClock(T0))
    entry = s.next()
    store._conn.execute("PRAGMA query_only = ON")
    with pytest.raises(Exception, match="read-only"):
        s.answer(Rating.Good, duration_ms=1)
    store._conn.execute("PRAGMA query_only = OFF")
    assert s.current == entry and s.done == 0 and s.answered == []
    s.answer(Rating.Good, duration_ms=1)
    assert s.done == 1


def test_another_window_answering_first_is_respected(open_store: StoreFactory) -> None:
    deck = make_deck([basic(1), basic(2)])
    clock = FrozenClock(T0)
    a = open_store()
    b = open_store(a.path)
    sa, sb = session(deck, a, clock), session(deck, b, clock)
    assert sa.next() is not None
    sa.answer(Rating.Easy, duration_ms=1)  # c1 answered in window A
    entry = sb.next()
    assert entry is not None and entry.key == k("c2")  # window B skips it


def test_another_window_suspending_a_queued_new_card_is_respected(
        open_store: StoreFactory) -> None:
    deck = make_deck([basic(1), basic(2), basic(3)])
    clock = FrozenClock(T0)
    a = open_store()
    b = open_store(a.path)
    sa = session(deck, a, clock)
    b.suspend(k("c1"), at=clock())  # after A built its queue
    assert shown(sa) == k("c2")
    sa.answer(Rating.Easy, duration_ms=1)
    b.record_review(k("c3"), Rating.Easy, reviewed_at=clock(), duration_ms=1,
                    content_hash="x",
                    schedule=lambda prev: Scheduler().review(
                        prev or Scheduler().new_card(1), Rating.Easy, clock()))
    assert sa.next() is None  # c3 was answered in B, and is not due again today


def test_clock_going_backwards_keeps_state_sane(store: Store) -> None:
    clock = FrozenClock(T0)
    deck = make_deck([basic(1)])
    s = session(deck, store, clock)
    s.next()
    s.answer(Rating.Good, duration_ms=1)
    clock.advance(timedelta(hours=-6))
    assert session(deck, store, clock).next() is None  # from 04:00, 10:10 is not due yet
    s = session(deck, store, clock, learn_ahead=timedelta(days=1))
    entry = s.next()
    assert entry is not None
    s.answer(Rating.Good, duration_ms=1)
    state = store.get(k("c1"))
    assert state is not None and state.card is not None and state.card.last_review == T0
    before = store.states()
    store.rebuild()
    assert store.states() == before


# -- a deck read again (edited in place) during a session ------------------------------------------


def test_the_current_card_shows_its_new_text_and_keeps_its_progress(store: Store) -> None:
    session = StudySession([read_deck()], store, Config(), clock=FrozenClock(T0), tz=UTC)
    first = session.next()
    assert first is not None and first.key == ItemKey("d", "a")
    session.answer(Rating.Again, duration_ms=1000)  # back in a minute, in this session
    before = store.get(ItemKey("d", "a"))
    edited = read_deck(A.replace("Question A?", "Edited A?"), B, C)
    assert session.replace_deck(edited) is None  # nothing was current
    assert store.get(ItemKey("d", "a")) == before  # progress untouched
    entry = session.next()
    assert entry is not None and entry.key == ItemKey("d", "b")
    entry = session.replace_deck(read_deck(A, B.replace("Question B?", "Edited B?"), C))
    assert entry is not None and entry.card.prompt == "Edited B?"
    assert session.current is entry
    session.answer(Rating.Good, duration_ms=1000)
    state = store.get(ItemKey("d", "b"))
    assert state is not None and state.last_hash == entry.card.content_hash(0)
    assert session.decks[0].card("b") is entry.card


def test_removed_cards_leave_the_queue_and_the_undo_steps(store: Store) -> None:
    clock = FrozenClock(T0)
    session = StudySession([read_deck()], store, Config(), clock=clock, tz=UTC)
    entry = session.next()
    assert entry is not None and entry.key.card_id == "a"
    session.answer(Rating.Again, duration_ms=1000)  # "a" is queued again (learning)
    entry = session.next()
    assert entry is not None and entry.key.card_id == "b"
    assert session.remaining == 3  # b (current), c#1, and a's learning step
    entry = session.replace_deck(read_deck(B, C2_ONLY))
    assert entry is not None and entry.key.card_id == "b"
    assert session.remaining == 1 and not session.can_undo
    session.answer(Rating.Good, duration_ms=1000)
    shown = []
    for _ in range(10):
        clock.advance(timedelta(minutes=30))
        entry = session.next()
        if entry is None:
            break
        shown.append(entry.key)
        session.answer(Rating.Easy, duration_ms=1000)
    # b's learning step only: a and c#1 are gone, and c#2 was never queued today.
    assert shown == [ItemKey("d", "b")] and session.counts.total == 0
    assert store.get(ItemKey("d", "a")) is not None  # its progress is kept all the same


def test_a_current_card_that_was_removed_is_dropped(store: Store) -> None:
    session = StudySession([read_deck()], store, Config(), clock=FrozenClock(T0), tz=UTC)
    session.next()
    assert session.replace_deck(read_deck(B, C)) is None and session.current is None
    entry = session.next()
    assert entry is not None and entry.key.card_id == "b"
    with pytest.raises(ValueError, match="not in this session"):
        session.replace_deck(loads_deck((HEAD.replace('"d"', '"other"') + A).encode()))


# -- the collector -------------------------------------------------------------------------------


def test_the_study_core_leaves_the_garbage_collector_to_the_application_layer(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pausing the collector around a session start is `services.gc_policy`'s job (that no core
    # module imports gc: tests/test_import_hygiene.py and the import-linter contract).
    for name in ("disable", "enable", "collect", "freeze"):
        monkeypatch.setattr(gc, name, lambda *_a, _n=name: pytest.fail(f"gc.{_n} called"))
    s = session(make_deck([basic(1), basic(2)]), store, FrozenClock(T0))
    assert s.counts.new == 2
