"""Custom study (issue 18 item 5): the cards matching a tag or a text, due or not; scheduled as
usual by `CustomSession`, left alone by `CramSession`."""

from __future__ import annotations

from datetime import timedelta

from fsrs import Rating

from briefing_quiz.config import Config
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.study.custom import CramSession, CustomFilter, CustomSession, card_matches
from briefing_quiz.core.study.session import StudySession
from tests.conftest import FrozenClock
from tests.core.study.conftest import basic, make_deck

DECK = make_deck([basic(1, tags=("people",)), basic(2, tags=("figures",)),
                  basic(3, tags=("People", "x")), basic(4)])


def keys(session: StudySession) -> list[str]:
    shown = []
    while (entry := session.next()) is not None:
        shown.append(entry.key.card_id)
        session.answer(Rating.Easy, duration_ms=1)
    return shown


def test_filter_matches_tags_case_blind_and_any_text() -> None:
    assert [c.id for c in DECK.cards if card_matches(c, CustomFilter(tag="people"))] == ["c1", "c3"]
    assert [c.id for c in DECK.cards if card_matches(c, CustomFilter(search="A4"))] == ["c4"]
    assert [c.id for c in DECK.cards
            if card_matches(c, CustomFilter(tag="people", search="q3"))] == ["c3"]
    assert CustomFilter(tag="people", search="NATO").describe() == 'tag people, "NATO"'


def test_custom_session_takes_matching_cards_due_or_not_and_schedules_them(store: Store) -> None:
    clock = FrozenClock()
    assert keys(StudySession([DECK], store, Config(), clock=clock)) == ["c1", "c2", "c3", "c4"]
    clock.advance(timedelta(hours=1))  # nothing is due now: Easy put every card days away
    assert StudySession([DECK], store, Config(), clock=clock).next() is None
    custom = CustomSession([DECK], store, Config(), wanted=CustomFilter(tag="people"),
                           clock=clock)
    assert (custom.counts.review, custom.counts.new) == (2, 0)
    assert keys(custom) == ["c1", "c3"]
    assert [r.key.card_id for r in store.reviews()] == ["c1", "c2", "c3", "c4", "c1", "c3"]


def test_cram_writes_nothing_and_again_brings_a_card_back(store: Store) -> None:
    clock = FrozenClock()
    cram = CramSession([DECK], store, Config(), wanted=CustomFilter(tag="people"), clock=clock)
    assert not cram.records and cram.counts.new == 2
    first = cram.next()
    assert first is not None and first.key.card_id == "c1"
    cram.answer(Rating.Again, duration_ms=1)
    assert cram.counts.total == 2  # c3, then c1 again
    assert cram.undo() is not None and cram.counts.total == 2  # c1 current again, c3 queued
    cram.answer(Rating.Again, duration_ms=1)
    shown = []
    while (entry := cram.next()) is not None:
        shown.append(entry.key.card_id)
        cram.answer(Rating.Good, duration_ms=1)
    assert shown == ["c3", "c1"]
    assert [a.rating for a in cram.answered] == [Rating.Again, Rating.Good, Rating.Good]
    assert list(store.reviews()) == [] and store.states() == {}
