"""Briefing mode over the store: readiness of stored histories, the briefing session (also with a
deck read again), the target a user types. Every time comes from an injected clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from fsrs import Rating

from briefing_quiz.config import Config
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.model import (
    Card,
    Deck,
    ItemKey,
    TrueFalseCard,
)
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler, fsrs_card_id
from briefing_quiz.core.study.briefing_rule import AnswerTimes, Candidate, expected_gain
from briefing_quiz.core.study.briefing_session import (
    BriefingSession,
    NoTargetError,
    answer_times,
    briefing_status,
    deck_readiness,
    set_briefing,
)
from briefing_quiz.core.study.forecast import MemoryScale, memory_scale
from briefing_quiz.core.study.readiness import TargetError, TargetPassedError, parse_target
from briefing_quiz.core.study.session import StudySession
from briefing_quiz.core.study.statistics import collect_stats
from tests.conftest import FrozenClock, StoreFactory
from tests.core.study.conftest import (
    C2_ONLY,
    A,
    B,
    C,
    W,
    choice,
    cloze,
    hand_r,
    make_deck,
    read_deck,
    review,
    typed,
)
from tests.core.study.conftest import k as key

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TARGET = T0 + timedelta(days=3, hours=5)  # Thursday 14:00 UTC

# -- readiness -------------------------------------------------------------------------------------


def test_readiness_of_a_stored_history_equals_the_fsrs_formula(store: Store) -> None:
    deck = make_deck([typed("a", "army"), typed("b", "army", "gas"), typed("c", "gas"),
                     cloze("g", "{{c1::x}} and {{c2::y}}", "gas")])
    review(store, key("a"), Rating.Good, T0 - timedelta(days=2))   # S = w2, 5 days 5 h before TARGET
    review(store, key("b"), Rating.Again, T0 - timedelta(days=2))  # S = w0
    review(store, key("g", 1), Rating.Good, T0 - timedelta(days=2))
    store.set_briefing_target("d", TARGET, now=T0)
    # Readiness averages each forecast over the stability scale (forecast.py); no review with a
    # forecast yet: the prior's.
    prior = memory_scale((), Scheduler().recall_curve[1])
    r_good = prior.expected(hand_r(5 + 5 / 24, W[2]))
    r_again = prior.expected(hand_r(5 + 5 / 24, W[0]))

    ready = deck_readiness(deck, store, Config(), TARGET)
    assert ready.items == 5
    assert ready.overall == pytest.approx((r_good + r_again + 0 + r_good + 0) / 5, abs=1e-12)
    assert ready.by_tag["army"] == pytest.approx((r_good + r_again) / 2, abs=1e-12)
    assert ready.by_tag["gas"] == pytest.approx((r_again + 0 + r_good + 0) / 4, abs=1e-12)

    # The same through `stats` (collect_stats) and `brief` (briefing_status).
    (stats,) = collect_stats([deck], store, Config(), now=T0, tz=UTC).decks
    assert stats.briefing_at == TARGET and stats.readiness is not None
    assert stats.readiness.overall == pytest.approx(ready.overall, abs=1e-12)
    assert stats.readiness.by_tag == pytest.approx(ready.by_tag, abs=1e-12)
    assert stats.to_json()["readiness"] == ready.to_json()
    assert stats.to_json()["briefing_at"] == TARGET.isoformat()
    status = briefing_status(deck, store, Config(), now=T0)
    assert status is not None and status.readiness is not None
    assert status.readiness.overall == pytest.approx(ready.overall, abs=1e-12)
    assert status.countdown() == "in 3 days 5 hours"
    assert status.countdown(short=True) == "in 3d 5h"
    # Once the briefing has passed: no readiness, the countdown says "ago".
    later = briefing_status(deck, store, Config(), now=TARGET + timedelta(hours=2))
    assert later is not None and later.passed and later.readiness is None
    assert later.countdown() == "2 hours ago"
    (stats,) = collect_stats([deck], store, Config(), now=TARGET + timedelta(hours=2), tz=UTC).decks
    assert stats.readiness is None and stats.to_json()["readiness"] is None


def test_no_target_no_readiness(store: Store) -> None:
    deck = make_deck([typed("a")])
    assert briefing_status(deck, store, Config(), now=T0) is None
    assert briefing_status(deck, None, Config(), now=T0) is None
    (stats,) = collect_stats([deck], store, Config(), now=T0, tz=UTC).decks
    assert stats.briefing_at is None and stats.to_json()["readiness"] is None
    with pytest.raises(NoTargetError, match=r'briefing-quiz brief d --at "YYYY-MM-DD HH:MM"'):
        BriefingSession(deck, store, Config(), clock=FrozenClock(T0))


# -- the briefing session --------------------------------------------------------------------------


def oracle(deck: Deck, store: Store, now: datetime, times: AnswerTimes,
           scale: MemoryScale | None = None) -> tuple[float, ItemKey]:
    """The gain rule written out: every item not answered in the last 10 minutes, scored alone by
    `expected_gain` (recall averaged over `scale`, as the session's); the best priority wins, ties
    to the first in deck order."""
    states = store.states("d")
    best: tuple[float, int, ItemKey] | None = None
    for index, k in enumerate(deck.item_keys()):
        stored = states.get(k)
        card = stored.card if stored is not None else None
        if card is not None and card.last_review is not None and \
                now - card.last_review < timedelta(minutes=10):
            continue
        card_type = deck.card(k.card_id).type  # type: ignore[union-attr]
        choice = expected_gain(Candidate(k, card_type, card), TARGET, now,
                               scheduler=Scheduler(), times=times, scale=scale)
        if best is None or choice.priority > best[0]:
            best = (choice.priority, index, k)
    assert best is not None
    return best[0], best[2]


def test_the_session_orders_items_as_the_gain_rule_says(store: Store) -> None:
    cards: list[Card] = [typed("t1"), choice("c1"), typed("t2"), choice("c2"), typed("t3"),
                         typed("t4")]
    deck = make_deck(cards)
    # Different histories: one learned well long ago, one forgotten once, one just yesterday.
    review(store, key("t2"), Rating.Good, T0 - timedelta(days=9))
    review(store, key("c2"), Rating.Again, T0 - timedelta(days=4))
    review(store, key("t3"), Rating.Good, T0 - timedelta(days=1, hours=1))
    review(store, key("t3"), Rating.Good, T0 - timedelta(hours=20))
    times = AnswerTimes(by_type={"typed": 8.0, "choice": 30.0})  # choice cards cost more
    store.set_briefing_target("d", TARGET, now=T0)
    clock = FrozenClock(T0)
    session = BriefingSession(deck, store, Config(), clock=clock, tz=UTC, times=times,
                              threshold=0.99)
    shown = []
    for step in range(30):
        priority, expected = oracle(deck, store, clock.now, times, session.scale)
        entry = session.next()
        if entry is None:
            # It stops when the best item gains more by waiting for its day than by study now.
            assert priority <= 0 and session.stop_reason == "wait", session.stop_text()
            break
        assert entry.key == expected, f"step {step}"
        assert session.choice is not None and session.choice.candidate.key == expected
        assert session.choice.priority == pytest.approx(priority)
        shown.append(entry.key.card_id)
        session.answer(Rating.Good if step % 3 else Rating.Again, duration_ms=9000)
        clock.advance(timedelta(minutes=4))
    else:
        pytest.fail("the session did not stop")
    # Not deck order (t1 c1 t2 c2 t3 t4): the fast new typed cards before the costly choice
    # cards; t3, reviewed twice in the last day, waits for its day.
    assert shown == ["t1", "t4", "t2", "c1", "c2"]


def test_readiness_rises_after_right_answers_and_matches_the_store(store: Store) -> None:
    deck = make_deck([*(typed(f"t{i}", "even" if i % 2 else "odd") for i in range(8)),
                     cloze("z", "{{c1::a}} {{c2::b}}", "odd")])
    store.set_briefing_target("d", TARGET, now=T0)
    clock = FrozenClock(T0)
    session = BriefingSession(deck, store, Config(), clock=clock, tz=UTC)
    assert session.readiness.overall == 0.0 and session.remaining == 10
    previous = session.readiness.overall
    for _ in range(9):  # every item but the second gap, which waits 10 minutes for its sibling
        entry = session.next()
        assert entry is not None
        session.answer(Rating.Good, duration_ms=5000, correct=True)
        assert session.readiness.overall > previous
        assert session.readiness_change == pytest.approx(session.readiness.overall - previous)
        fresh = deck_readiness(deck, store, Config(), TARGET)
        assert session.readiness.overall == pytest.approx(fresh.overall, abs=1e-12)
        assert session.readiness.by_tag == pytest.approx(fresh.by_tag, abs=1e-12)
        previous = session.readiness.overall
        clock.advance(timedelta(minutes=1))
    assert session.trail[0] == 0.0 and session.trail[-1] == session.readiness.overall
    assert len(session.trail) == 10 and session.next() is None


def test_briefing_answers_are_ordinary_reviews(store: Store) -> None:
    deck = make_deck([typed("a"), typed("b")])
    store.set_briefing_target("d", TARGET, now=T0)
    clock = FrozenClock(T0)
    session = BriefingSession(deck, store, Config(), clock=clock, tz=UTC)
    entry = session.next()
    assert entry is not None and entry.kind == "new"
    saved = session.answer(Rating.Good, duration_ms=4000, given="a", correct=True)
    (record,) = list(store.reviews())
    assert (record.id, record.key, record.rating, record.given, record.duration_ms) == (
        saved.review_id, entry.key, Rating.Good, "a", 4000)
    # FSRS as usual: the stored state is what the deck's scheduler gives, and the log rebuilds it.
    expected = Scheduler().review(Scheduler().new_card(fsrs_card_id(entry.key)), Rating.Good, T0)
    state = store.get(entry.key)
    assert state is not None and state.card is not None
    assert (state.card.stability, state.card.due) == (expected.stability, expected.due)
    before = store.states()
    store.rebuild()
    assert store.states() == before
    # Undo is the session's undo: the review is marked undone and readiness falls back.
    undone = session.undo()
    assert undone is not None and undone.key == entry.key
    assert session.readiness.overall == 0.0 and store.get(entry.key) is None
    assert [r.undone for r in store.reviews()] == [True]


def test_the_session_stops_at_the_threshold(store: Store) -> None:
    deck = make_deck([typed("a"), typed("b"), typed("c")])
    store.set_briefing_target("d", T0 + timedelta(hours=6), now=T0)
    clock = FrozenClock(T0)
    session = BriefingSession(deck, store, Config(), clock=clock, tz=UTC, threshold=0.6)
    answered = 0
    while session.next() is not None:
        session.answer(Rating.Good, duration_ms=3000)
        answered += 1
        clock.advance(timedelta(minutes=1))
    # Reviewed hours before the briefing: each is a little below 100% then (continuous time),
    # two of three reach 60%.
    assert (session.stop_reason, answered) == ("ready", 2)
    assert 0.6 < session.readiness.overall < 2 / 3
    assert "has reached the 60% threshold" in session.stop_text()
    assert session.remaining == 1


def test_the_session_waits_when_everything_was_just_answered(store: Store) -> None:
    deck = make_deck([typed("a"), cloze("z", "{{c1::x}} {{c2::y}}")])
    store.set_briefing_target("d", TARGET, now=T0)
    clock = FrozenClock(T0)
    session = BriefingSession(deck, store, Config(), clock=clock, tz=UTC)
    first = session.next()
    assert first is not None
    session.answer(Rating.Good, duration_ms=3000)
    clock.advance(timedelta(minutes=1))
    second = session.next()
    assert second is not None and second.key.card_id != first.key.card_id
    session.answer(Rating.Good, duration_ms=3000)
    clock.advance(timedelta(minutes=1))
    # Left: the other gap of the cloze card (its sibling was just answered) and a just-answered
    # card: nothing to ask for now.
    keys = {first.key, second.key}
    assert session.next() is None
    assert session.stop_reason == "wait"
    assert session.resume_at == T0 + timedelta(minutes=10)
    assert "come back after" in session.stop_text()
    clock.advance(timedelta(minutes=9))
    third = session.next()
    assert third is not None and third.key not in keys


def test_the_session_stops_when_the_briefing_comes(store: Store) -> None:
    deck = make_deck([typed("a"), typed("b")])
    store.set_briefing_target("d", T0 + timedelta(minutes=30), now=T0)
    clock = FrozenClock(T0)
    session = BriefingSession(deck, store, Config(), clock=clock, tz=UTC)
    assert session.next() is not None
    clock.advance(timedelta(minutes=31))
    assert session.next() is None and session.stop_reason == "passed"
    with pytest.raises(TargetPassedError, match="has passed: set a new time"):
        BriefingSession(deck, store, Config(), clock=clock, tz=UTC)
    with pytest.raises(BriefingQuizError, match="threshold"):
        BriefingSession(deck, store, Config(), clock=FrozenClock(T0), tz=UTC, threshold=1.5)


def test_the_users_answer_times_come_from_the_log(store: Store) -> None:
    deck = make_deck([typed("a"), choice("b"), typed("c")])
    review(store, key("a"), Rating.Good, T0 - timedelta(days=3), duration_ms=4000)
    review(store, key("c"), Rating.Good, T0 - timedelta(days=3), duration_ms=6000)
    review(store, key("b"), Rating.Good, T0 - timedelta(days=3), duration_ms=40000)
    review(store, ItemKey("d", "gone"), Rating.Good, T0 - timedelta(days=3), duration_ms=99000)
    times = answer_times(store, deck)
    assert times.by_type == {"typed": 5.0, "choice": 40.0}
    store.set_briefing_target("d", TARGET, now=T0)
    session = BriefingSession(deck, store, Config(), clock=FrozenClock(T0), tz=UTC)
    assert session.times == times
    assert session.next() is not None
    session.answer(Rating.Good, duration_ms=20000)
    assert session.times.by_type["typed"] == 6.0  # the median of 4, 6 and 20 seconds


def test_the_session_sees_answers_given_in_another_window(store: Store,
                                                          open_store: StoreFactory) -> None:
    deck = make_deck([typed("a"), typed("b")])
    store.set_briefing_target("d", TARGET, now=T0)
    clock = FrozenClock(T0)
    session = BriefingSession(deck, store, Config(), clock=clock, tz=UTC)
    other = open_store(store.path)
    review(other, key("a"), Rating.Good, T0)
    clock.advance(timedelta(minutes=1))
    entry = session.next()
    assert entry is not None and entry.key == key("b")
    assert session.readiness.overall == pytest.approx(
        deck_readiness(deck, store, Config(), TARGET).overall)


def test_a_briefing_session_is_a_study_session(store: Store) -> None:
    # The app's study screen drives it through the StudySession interface.
    deck = make_deck([choice("c"), TrueFalseCard(id="tf", deck_id="d", statement="s", answer=True)])
    store.set_briefing_target("d", TARGET, now=T0)
    session = BriefingSession(deck, store, Config(), clock=FrozenClock(T0), tz=UTC, seed=3)
    assert isinstance(session, StudySession)
    entry = session.next()
    assert entry is not None
    result = session.check(["yes"] if entry.card.type == "choice" else True)
    assert result is not None and result.correct
    assert set(session.preview()) == set(Rating)
    session.suspend()
    assert store.get(entry.key) is not None and store.get(entry.key).suspended  # type: ignore[union-attr]
    following = session.next()
    assert following is not None and following.key != entry.key


def test_a_briefing_session_counts_readiness_over_the_new_cards(store: Store) -> None:
    store.set_briefing_target("d", T0 + timedelta(hours=3), now=T0)
    session = BriefingSession(read_deck(), store, Config(), clock=FrozenClock(T0), tz=UTC)
    entry = session.next()
    assert entry is not None
    session.answer(Rating.Good, duration_ms=1000)
    assert session.readiness.items == 4
    before = session.readiness.overall
    studied = {"a": A, "b": B, "c": C2_ONLY if entry.key.item == 2 else C}[entry.key.card_id]
    session.replace_deck(read_deck(studied))
    assert session.readiness.items == len(session.deck.cards[0].items)
    assert session.readiness.overall > before  # only the studied card is left
    assert session.trail[-1] == session.readiness.overall


# -- briefing target -------------------------------------------------------------------------------


def test_parse_target_forms_and_zones() -> None:
    paris = ZoneInfo("Europe/Paris")
    winter = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
    for text in ("2026-12-03 14:00", "2026-12-03T14:00", "2026-12-03 14:00:00",
                 " 2026-12-03T14:00:00 "):
        assert parse_target(text, now=T0, tz=paris) == winter
    # Summer time comes from the date, not from today.
    assert parse_target("2026-07-03 14:00", now=T0, tz=paris) == datetime(2026, 7, 3, 12, 0,
                                                                          tzinfo=UTC)
    assert parse_target("2026-12-03T14:00+01:00", now=T0) == winter
    assert parse_target("2026-12-03T13:00Z", now=T0, tz=paris) == winter


@pytest.mark.parametrize(("text", "error", "message"), [
    ("tomorrow", TargetError, "such as \"2026-12-03 14:00\""),
    ("2026-12-03", TargetError, "no time of day"),
    ("2026-02-30 10:00", TargetError, "not a real date"),
    ("2026-12-03 25:00", TargetError, "not a real date"),
    ("2026-03-02 09:59", TargetPassedError, "is in the past"),
    ("2026-03-02 10:00", TargetPassedError, "is in the past"),
])
def test_parse_target_refuses(text: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        parse_target(text, now=T0 + timedelta(hours=1), tz=UTC)


def test_set_briefing_stores_the_parsed_target(store: Store) -> None:
    at = set_briefing(store, "d", "2026-12-03 14:00", now=T0, tz=ZoneInfo("Europe/Paris"))
    assert at == store.briefing_target("d") == datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
    with pytest.raises(TargetPassedError):
        set_briefing(store, "d", "2026-01-03 14:00", now=T0, tz=UTC)
    assert store.briefing_target("d") == at  # a refused time changes nothing
