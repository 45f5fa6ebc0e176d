"""A session goes on with a deck read again (edit in place): new card text, progress kept,
removed cards leave the queue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fsrs import Rating

from briefing_quiz.config import Config
from briefing_quiz.core.deckfile import loads_deck
from briefing_quiz.core.model import Deck, ItemKey
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.study.briefing_session import BriefingSession
from briefing_quiz.core.study.session import StudySession

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
HEAD = 'format = 1\n[deck]\nid = "d"\ntitle = "D"\n'
A = '[[cards]]\nid = "a"\ntype = "basic"\nquestion = "Question A?"\nanswer = "A"\n'
B = '[[cards]]\nid = "b"\ntype = "typed"\nquestion = "Question B?"\nanswer = "B"\n'
C = '[[cards]]\nid = "c"\ntype = "cloze"\ntext = "{{c1::one}} and {{c2::two}}"\n'
C2_ONLY = '[[cards]]\nid = "c"\ntype = "cloze"\ntext = "{{c2::two}}"\n'


def deck(*cards: str) -> Deck:
    return loads_deck("\n".join((HEAD, *(cards or (A, B, C)))).encode(), Path("d.toml"))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "p.sqlite3")
    yield s
    s.close()


def test_the_current_card_shows_its_new_text_and_keeps_its_progress(store: Store) -> None:
    session = StudySession([deck()], store, Config(), clock=lambda: T0, tz=UTC)
    first = session.next()
    assert first is not None and first.key == ItemKey("d", "a")
    session.answer(Rating.Again, duration_ms=1000)  # back in a minute, in this session
    before = store.get(ItemKey("d", "a"))
    edited = deck(A.replace("Question A?", "Edited A?"), B, C)
    assert session.replace_deck(edited) is None  # nothing was current
    assert store.get(ItemKey("d", "a")) == before  # progress untouched
    entry = session.next()
    assert entry is not None and entry.key == ItemKey("d", "b")
    entry = session.replace_deck(deck(A, B.replace("Question B?", "Edited B?"), C))
    assert entry is not None and entry.card.prompt == "Edited B?"
    assert session.current is entry
    session.answer(Rating.Good, duration_ms=1000)
    state = store.get(ItemKey("d", "b"))
    assert state is not None and state.last_hash == entry.card.content_hash(0)
    assert session.decks[0].card("b") is entry.card


def test_removed_cards_leave_the_queue_and_the_undo_steps(store: Store) -> None:
    clock = [T0]
    session = StudySession([deck()], store, Config(), clock=lambda: clock[0], tz=UTC)
    entry = session.next()
    assert entry is not None and entry.key.card_id == "a"
    session.answer(Rating.Again, duration_ms=1000)  # "a" is queued again (learning)
    entry = session.next()
    assert entry is not None and entry.key.card_id == "b"
    assert session.remaining == 3  # b (current), c#1, and a's learning step
    entry = session.replace_deck(deck(B, C2_ONLY))
    assert entry is not None and entry.key.card_id == "b"
    assert session.remaining == 1 and not session.can_undo
    session.answer(Rating.Good, duration_ms=1000)
    shown = []
    for _ in range(10):
        clock[0] += timedelta(minutes=30)
        entry = session.next()
        if entry is None:
            break
        shown.append(entry.key)
        session.answer(Rating.Easy, duration_ms=1000)
    # b's learning step only: a and c#1 are gone, and c#2 was never queued today.
    assert shown == [ItemKey("d", "b")] and session.counts.total == 0
    assert store.get(ItemKey("d", "a")) is not None  # its progress is kept all the same


def test_a_current_card_that_was_removed_is_dropped(store: Store) -> None:
    session = StudySession([deck()], store, Config(), clock=lambda: T0, tz=UTC)
    session.next()
    assert session.replace_deck(deck(B, C)) is None and session.current is None
    entry = session.next()
    assert entry is not None and entry.key.card_id == "b"
    with pytest.raises(ValueError, match="not in this session"):
        session.replace_deck(loads_deck((HEAD.replace('"d"', '"other"') + A).encode()))


def test_a_briefing_session_counts_readiness_over_the_new_cards(store: Store) -> None:
    store.set_briefing_target("d", T0 + timedelta(hours=3), now=T0)
    session = BriefingSession(deck(), store, Config(), clock=lambda: T0, tz=UTC)
    entry = session.next()
    assert entry is not None
    session.answer(Rating.Good, duration_ms=1000)
    assert session.readiness.items == 4
    before = session.readiness.overall
    studied = {"a": A, "b": B, "c": C2_ONLY if entry.key.item == 2 else C}[entry.key.card_id]
    session.replace_deck(deck(studied))
    assert session.readiness.items == len(session.deck.cards[0].items)
    assert session.readiness.overall > before  # only the studied card is left
    assert session.trail[-1] == session.readiness.overall
