"""Briefing mode over the store: readiness of stored histories, the briefing session, the mock test,
the target a user types. Every time comes from an injected clock."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs
import pytest
from fsrs import Rating
from fsrs.scheduler import DEFAULT_PARAMETERS

from briefing_quiz.config import Config
from briefing_quiz.core.cloze import parse_cloze
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    Deck,
    ItemKey,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler, fsrs_card_id
from briefing_quiz.core.study.briefing_session import (
    BriefingSession,
    MockTest,
    NoTargetError,
    answer_times,
    briefing_status,
    change_text,
    deck_readiness,
    percent_text,
    set_briefing,
)
from briefing_quiz.core.study.readiness import (
    AnswerTimes,
    Candidate,
    TargetError,
    TargetPassedError,
    expected_gain,
    format_countdown,
    parse_target,
)
from briefing_quiz.core.study.session import StudySession, collect_stats

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TARGET = T0 + timedelta(days=3, hours=5)  # Thursday 14:00 UTC
W = DEFAULT_PARAMETERS
DECAY = -W[20]
FACTOR = 0.9 ** (1 / DECAY) - 1


def hand_r(elapsed_days: int, stability: float) -> float:
    """FSRS-6 retrievability, written out: R(t, S) = (1 + FACTOR * t / S) ** DECAY."""
    return float((1 + FACTOR * elapsed_days / stability) ** DECAY)


class Clock:
    """A clock that stands still until the test moves it."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def typed(card_id: str, *tags: str) -> TypedCard:
    return TypedCard(id=card_id, deck_id="d", tags=tags, question=f"{card_id}?", answer=card_id)


def choice(card_id: str, *tags: str) -> ChoiceCard:
    return ChoiceCard(id=card_id, deck_id="d", tags=tags, question=f"{card_id}?",
                      choices=("yes", "no", "maybe"), answers=("yes",))


def cloze(card_id: str, text: str, *tags: str) -> ClozeCard:
    return ClozeCard(id=card_id, deck_id="d", tags=tags, text=text, deletions=parse_cloze(text))


def make_deck(*cards: Card) -> Deck:
    return Deck(id="d", title="D", path=None, cards=tuple(cards))


def key(card_id: str, item: int = 0) -> ItemKey:
    return ItemKey("d", card_id, item)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "p.sqlite3")
    yield s
    s.close()


def review(store: Store, k: ItemKey, rating: Rating, at: datetime, duration_ms: int = 8000) -> None:
    """A review as any session records it: the scheduler's state after the stored one."""
    sched = Scheduler()

    def schedule(prev: fsrs.Card | None) -> fsrs.Card:
        return sched.review(prev or sched.new_card(fsrs_card_id(k)), rating, at, duration_ms)

    store.record_review(k, rating, reviewed_at=at, duration_ms=duration_ms, content_hash="h",
                        schedule=schedule)


def items_table(path: Path) -> list[tuple[object, ...]]:
    raw = sqlite3.connect(path)
    try:
        return raw.execute("SELECT * FROM items ORDER BY deck_id, card_id, item").fetchall()
    finally:
        raw.close()


# ------------------------------------------------------------------------------------ readiness


def test_readiness_of_a_stored_history_equals_the_fsrs_formula(store: Store) -> None:
    deck = make_deck(typed("a", "army"), typed("b", "army", "gas"), typed("c", "gas"),
                     cloze("g", "{{c1::x}} and {{c2::y}}", "gas"))
    review(store, key("a"), Rating.Good, T0 - timedelta(days=2))   # S = w2, 5 days before TARGET
    review(store, key("b"), Rating.Again, T0 - timedelta(days=2))  # S = w0
    review(store, key("g", 1), Rating.Good, T0 - timedelta(days=2))
    store.set_briefing_target("d", TARGET, now=T0)
    r_good, r_again = hand_r(5, W[2]), hand_r(5, W[0])

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
    deck = make_deck(typed("a"))
    assert briefing_status(deck, store, Config(), now=T0) is None
    assert briefing_status(deck, None, Config(), now=T0) is None
    (stats,) = collect_stats([deck], store, Config(), now=T0, tz=UTC).decks
    assert stats.briefing_at is None and stats.to_json()["readiness"] is None
    with pytest.raises(NoTargetError, match=r'briefing-quiz brief d --at "YYYY-MM-DD HH:MM"'):
        BriefingSession(deck, store, Config(), clock=Clock())


# ----------------------------------------------------------------------------- the briefing session


def oracle(deck: Deck, store: Store, now: datetime, times: AnswerTimes) -> tuple[float, ItemKey]:
    """The gain rule written out: every item not answered in the last 10 minutes, scored alone by
    `expected_gain`; the best priority wins, ties to the first in deck order."""
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
                               scheduler=Scheduler(), times=times)
        if best is None or choice.priority > best[0]:
            best = (choice.priority, index, k)
    assert best is not None
    return best[0], best[2]


def test_the_session_orders_items_as_the_gain_rule_says(store: Store) -> None:
    cards: list[Card] = [typed("t1"), choice("c1"), typed("t2"), choice("c2"), typed("t3"),
                         typed("t4")]
    deck = make_deck(*cards)
    # Different histories: one learned well long ago, one forgotten once, one just yesterday.
    review(store, key("t2"), Rating.Good, T0 - timedelta(days=9))
    review(store, key("c2"), Rating.Again, T0 - timedelta(days=4))
    review(store, key("t3"), Rating.Good, T0 - timedelta(days=1, hours=1))
    review(store, key("t3"), Rating.Good, T0 - timedelta(hours=20))
    times = AnswerTimes(by_type={"typed": 8.0, "choice": 30.0})  # choice cards cost more
    store.set_briefing_target("d", TARGET, now=T0)
    clock = Clock()
    session = BriefingSession(deck, store, Config(), clock=clock, tz=UTC, times=times,
                              threshold=0.99)
    shown = []
    for step in range(30):
        priority, expected = oracle(deck, store, clock.now, times)
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
        clock.advance(minutes=4)
    else:
        pytest.fail("the session did not stop")
    # Not deck order (t1 c1 t2 c2 t3 t4): the fast new typed cards before the costly choice
    # cards; t3, reviewed twice in the last day, waits for its day.
    assert shown == ["t1", "t4", "t2", "c1", "c2"]


def test_readiness_rises_after_right_answers_and_matches_the_store(store: Store) -> None:
    deck = make_deck(*(typed(f"t{i}", "even" if i % 2 else "odd") for i in range(8)),
                     cloze("z", "{{c1::a}} {{c2::b}}", "odd"))
    store.set_briefing_target("d", TARGET, now=T0)
    clock = Clock()
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
        clock.advance(minutes=1)
    assert session.trail[0] == 0.0 and session.trail[-1] == session.readiness.overall
    assert len(session.trail) == 10 and session.next() is None


def test_briefing_answers_are_ordinary_reviews(store: Store) -> None:
    deck = make_deck(typed("a"), typed("b"))
    store.set_briefing_target("d", TARGET, now=T0)
    clock = Clock()
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
    deck = make_deck(typed("a"), typed("b"), typed("c"))
    store.set_briefing_target("d", T0 + timedelta(hours=6), now=T0)
    clock = Clock()
    session = BriefingSession(deck, store, Config(), clock=clock, tz=UTC, threshold=0.6)
    answered = 0
    while session.next() is not None:
        session.answer(Rating.Good, duration_ms=3000)
        answered += 1
        clock.advance(minutes=1)
    # Reviewed the same day as the briefing: fsrs counts whole days, so each is 100% then.
    assert (session.stop_reason, answered) == ("ready", 2)
    assert session.readiness.overall == pytest.approx(2 / 3)
    assert "has reached the 60% threshold" in session.stop_text()
    assert session.remaining == 1


def test_the_session_waits_when_everything_was_just_answered(store: Store) -> None:
    deck = make_deck(typed("a"), cloze("z", "{{c1::x}} {{c2::y}}"))
    store.set_briefing_target("d", TARGET, now=T0)
    clock = Clock()
    session = BriefingSession(deck, store, Config(), clock=clock, tz=UTC)
    first = session.next()
    assert first is not None
    session.answer(Rating.Good, duration_ms=3000)
    clock.advance(minutes=1)
    second = session.next()
    assert second is not None and second.key.card_id != first.key.card_id
    session.answer(Rating.Good, duration_ms=3000)
    clock.advance(minutes=1)
    # Left: the other gap of the cloze card (its sibling was just answered) and a just-answered
    # card: nothing to ask for now.
    keys = {first.key, second.key}
    assert session.next() is None
    assert session.stop_reason == "wait"
    assert session.resume_at == T0 + timedelta(minutes=10)
    assert "come back after" in session.stop_text()
    clock.advance(minutes=9)
    third = session.next()
    assert third is not None and third.key not in keys


def test_the_session_stops_when_the_briefing_comes(store: Store) -> None:
    deck = make_deck(typed("a"), typed("b"))
    store.set_briefing_target("d", T0 + timedelta(minutes=30), now=T0)
    clock = Clock()
    session = BriefingSession(deck, store, Config(), clock=clock, tz=UTC)
    assert session.next() is not None
    clock.advance(minutes=31)
    assert session.next() is None and session.stop_reason == "passed"
    with pytest.raises(TargetPassedError, match="has passed: set a new time"):
        BriefingSession(deck, store, Config(), clock=clock, tz=UTC)
    with pytest.raises(BriefingQuizError, match="threshold"):
        BriefingSession(deck, store, Config(), clock=Clock(), tz=UTC, threshold=1.5)


def test_the_users_answer_times_come_from_the_log(store: Store) -> None:
    deck = make_deck(typed("a"), choice("b"), typed("c"))
    review(store, key("a"), Rating.Good, T0 - timedelta(days=3), duration_ms=4000)
    review(store, key("c"), Rating.Good, T0 - timedelta(days=3), duration_ms=6000)
    review(store, key("b"), Rating.Good, T0 - timedelta(days=3), duration_ms=40000)
    review(store, ItemKey("d", "gone"), Rating.Good, T0 - timedelta(days=3), duration_ms=99000)
    times = answer_times(store, deck)
    assert times.by_type == {"typed": 5.0, "choice": 40.0}
    store.set_briefing_target("d", TARGET, now=T0)
    session = BriefingSession(deck, store, Config(), clock=Clock(), tz=UTC)
    assert session.times == times
    assert session.next() is not None
    session.answer(Rating.Good, duration_ms=20000)
    assert session.times.by_type["typed"] == 6.0  # the median of 4, 6 and 20 seconds


def test_the_session_sees_answers_given_in_another_window(store: Store, tmp_path: Path) -> None:
    deck = make_deck(typed("a"), typed("b"))
    store.set_briefing_target("d", TARGET, now=T0)
    clock = Clock()
    session = BriefingSession(deck, store, Config(), clock=clock, tz=UTC)
    with Store.open(tmp_path / "p.sqlite3") as other:
        review(other, key("a"), Rating.Good, T0)
    clock.advance(minutes=1)
    entry = session.next()
    assert entry is not None and entry.key == key("b")
    assert session.readiness.overall == pytest.approx(
        deck_readiness(deck, store, Config(), TARGET).overall)


def test_a_briefing_session_is_a_study_session(store: Store) -> None:
    # The app's study screen drives it through the StudySession interface.
    deck = make_deck(choice("c"), TrueFalseCard(id="tf", deck_id="d", statement="s", answer=True))
    store.set_briefing_target("d", TARGET, now=T0)
    session = BriefingSession(deck, store, Config(), clock=Clock(), tz=UTC, seed=3)
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


def test_readiness_text() -> None:
    assert percent_text(0.63249) == "63.2%" and percent_text(0.89999) == "89.9%"
    assert change_text(0.6285, 0.6324) == "+0.4" and change_text(0.5, 0.4871) == "-1.3"
    assert change_text(0.5, 0.5001) == "+0.0"


# ----------------------------------------------------------------------------------- mock test


def mock_deck() -> Deck:
    return make_deck(
        BasicCard(id="basic", deck_id="d", question="q", answer="a"),
        typed("t1", "army"), typed("t2", "gas"), choice("c1", "army"),
        TrueFalseCard(id="tf", deck_id="d", statement="Kyiv is the capital.", answer=True),
        cloze("z", "{{c1::Kyiv}} is on the {{c2::Dnipro}}", "geo"),
        OrderCard(id="o", deck_id="d", question="Order?", items_in_order=("x", "y", "z")),
    )


def right_response(card: Card, item: int) -> object:
    if isinstance(card, TypedCard):
        return card.answer
    if isinstance(card, ChoiceCard):
        return list(card.answers)
    if isinstance(card, TrueFalseCard):
        return card.answer
    if isinstance(card, OrderCard):
        return list(card.items_in_order)
    assert isinstance(card, ClozeCard)
    return {1: "Kyiv", 2: "Dnipro"}[item]


def test_a_mock_test_leaves_every_schedule_unchanged(store: Store, tmp_path: Path) -> None:
    deck = mock_deck()
    for i, k in enumerate(deck.item_keys()):
        review(store, k, Rating.Good if i % 2 else Rating.Again, T0 - timedelta(days=i + 1))
    store.suspend(key("t2"), at=T0)
    before_states = repr(store.states())
    before_rows = items_table(tmp_path / "p.sqlite3")
    before_log = [r.to_json() for r in store.reviews()]
    clock = Clock()
    test = MockTest(deck, store, 5, clock=clock, seed=11)
    asked = []
    while (entry := test.next()) is not None:
        asked.append(entry.key)
        clock.advance(seconds=7)
        wrong = len(asked) == 2
        result = test.answer("nonsense" if wrong and entry.card.type in ("typed", "cloze")
                             else right_response(entry.card, entry.key.item))
        assert result.correct != (wrong and entry.card.type in ("typed", "cloze"))
    assert len(asked) == 5 and key("basic") not in asked and len(set(asked)) == 5
    outcome = test.finish()
    assert test.finish() is outcome  # recorded once
    assert repr(store.states()) == before_states
    assert items_table(tmp_path / "p.sqlite3") == before_rows
    assert [r.to_json() for r in store.reviews()] == before_log
    (stored,) = store.mock_tests("d")
    assert stored.id == outcome.test_id and stored.planned == 5 and stored.seed == 11
    assert [a.key for a in stored.answers] == asked
    assert all(a.duration_ms == 7000 for a in stored.answers)
    assert stored.right == outcome.right == outcome.answered - len(outcome.misses)


def test_mock_test_score_and_misses(store: Store) -> None:
    deck = mock_deck()
    test = MockTest(deck, store, 20, clock=Clock(), seed=1)
    assert test.planned == 7  # every auto-checked item, never the basic card
    entry = test.next()
    assert entry is not None
    wrong = {"typed": "no", "choice": ["no"], "truefalse": False, "cloze": "no",
             "order": ["z", "y", "x"]}[entry.card.type]
    test.answer(wrong, duration_ms=1000)
    entry2 = test.next()
    assert entry2 is not None
    test.answer(right_response(entry2.card, entry2.key.item), duration_ms=1000)
    result = test.finish()
    assert (result.answered, result.right, result.percent) == (2, 1, 50)
    assert [t.id for t in store.mock_tests()] == [result.test_id]
    (miss,) = result.misses
    assert miss.key == entry.key and miss.given and miss.expected
    if entry.card.type == "cloze":
        assert "[...]" in miss.question


def test_mock_test_needs_auto_checked_cards(store: Store) -> None:
    deck = make_deck(BasicCard(id="b", deck_id="d", question="q", answer="a"))
    with pytest.raises(BriefingQuizError, match="no auto-checked cards"):
        MockTest(deck, store, 3, clock=Clock())
    test = MockTest(mock_deck(), store, 3, clock=Clock())
    assert test.finish().test_id is None and store.mock_tests() == []  # nothing answered


def test_mock_test_shuffles_like_a_session_with_the_same_seed(store: Store) -> None:
    deck = mock_deck()
    test = MockTest(deck, store, 20, clock=Clock(), seed=5)
    session = StudySession([deck], store, Config(), clock=Clock(), tz=UTC, seed=5)
    for entry in test.entries:
        assert test.choice_order(entry) == session.choice_order(entry)
        assert test.order_items(entry) == session.order_items(entry)


# ------------------------------------------------------------------------------ briefing target


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


@pytest.mark.parametrize(("delta", "long", "short"), [
    (timedelta(days=2, hours=3, minutes=59), "2 days 3 hours", "2d 3h"),
    (timedelta(days=1, minutes=5), "1 day", "1d"),
    (timedelta(hours=5, minutes=1), "5 hours 1 minute", "5h 1m"),
    (timedelta(hours=1), "1 hour", "1h"),
    (timedelta(minutes=8, seconds=59), "8 minutes", "8m"),
    (timedelta(seconds=59), "less than a minute", "<1m"),
    (-timedelta(hours=3), "3 hours", "3h"),
])
def test_format_countdown(delta: timedelta, long: str, short: str) -> None:
    assert format_countdown(delta) == long and format_countdown(delta, short=True) == short
