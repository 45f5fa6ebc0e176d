"""Readiness of open cards: recall × the share of points made at the last review."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Rating

from briefing_quiz.config import Config
from briefing_quiz.core.model import ItemKey, OpenCard, OpenPoint
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler
from briefing_quiz.core.study.briefing_session import BriefingSession, deck_readiness
from briefing_quiz.core.study.forecast import memory_scale
from briefing_quiz.core.study.open_share import open_share, weigh_open
from tests.conftest import FrozenClock
from tests.core.study.conftest import make_deck, typed

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TARGET = T0 + timedelta(days=3)
COSTS = OpenCard(id="costs", deck_id="d", question="Which costs?", answer="...", min_points=3,
                 points=tuple(OpenPoint(label, (label,)) for label in (
                     "sanctions", "military aid", "eastern flank", "diplomacy")))
HALF = "Sanctions and military aid."
KEY = ItemKey("d", "costs")


def answer(store: Store, key: ItemKey, given: str, at: datetime) -> int:
    scheduler = Scheduler()
    return store.record_review(
        key, Rating.Hard, reviewed_at=at, duration_ms=9000, content_hash="h", given=given,
        schedule=lambda prev: scheduler.review(prev or scheduler.new_card(1), Rating.Hard, at,
                                               9000)).review_id


def test_the_share_of_points_made() -> None:
    assert open_share(COSTS, HALF) == 0.5
    assert open_share(COSTS, "sanctions, military aid, the eastern flank, diplomacy") == 1.0
    assert open_share(COSTS, "no sanctions") == 0.0 and open_share(COSTS, None) == 0.0


def test_readiness_counts_an_open_card_by_recall_times_share(store: Store) -> None:
    deck = make_deck([COSTS, typed("t1")])
    answer(store, KEY, HALF, T0)
    state = store.get(KEY)
    assert state is not None and state.card is not None
    # Readiness averages the forecast over the stability scale (forecast.py): no reviews with a
    # forecast yet, so the prior's.
    recall = memory_scale((), Scheduler().recall_curve[1]).expected(
        Scheduler().retrievability(state.card, TARGET))
    ready = deck_readiness(deck, store, Config(), TARGET)
    assert ready.overall == pytest.approx(recall * 0.5 / 2)  # the typed card: never studied
    assert weigh_open(deck.cards, store, {KEY: recall, ItemKey("d", "t1"): 0.7}) == {
        KEY: pytest.approx(recall * 0.5), ItemKey("d", "t1"): 0.7}
    assert weigh_open(deck.cards, None, {KEY: recall}) == {KEY: recall}


def test_the_last_review_not_undone_counts(store: Store) -> None:
    deck = make_deck([COSTS])
    answer(store, KEY, "sanctions", T0)
    undone = answer(store, KEY, HALF, T0 + timedelta(minutes=10))
    store.undo_review(undone, at=T0 + timedelta(minutes=11))
    assert weigh_open(deck.cards, store, {KEY: 0.8}) == {KEY: pytest.approx(0.2)}


def test_a_briefing_session_weighs_an_open_answer_by_its_points(store: Store) -> None:
    deck = make_deck([COSTS])
    store.set_briefing_target("d", TARGET, now=T0)
    session = BriefingSession(deck, store, Config(), clock=FrozenClock(T0), tz=UTC)
    entry = session.next()
    assert entry is not None and entry.card is COSTS  # chosen like any card
    result = session.check(HALF)
    assert result is not None and result.suggested == Rating.Hard
    session.answer(result.suggested, duration_ms=9000, given=HALF, correct=result.correct)
    fresh = deck_readiness(deck, store, Config(), TARGET)
    assert session.readiness.overall == pytest.approx(fresh.overall)
    state = store.get(KEY)
    assert state is not None and state.card is not None
    own = Scheduler(Config().for_deck("d"))
    recall = memory_scale((), own.recall_curve[1]).expected(own.retrievability(state.card, TARGET))
    assert fresh.overall == pytest.approx(recall * 0.5)
