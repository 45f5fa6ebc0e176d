"""What only the study tests share: one deck builder, the progress file they study in, and the
helpers that drive a `StudySession` through the queue (`session`, `drain`, `shown`, `force`),
card builders, `review` (one answer recorded as a session records it) and `read_deck` (a deck
read from the TOML card texts `A`, `B`, `C`, `C2_ONLY`).

Importable as `from tests.core.study.conftest import make_deck, ...`; the clock is
`tests.conftest.FrozenClock`, started at each test module's own `T0`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path

import fsrs
import pytest
from fsrs import Rating
from fsrs.scheduler import DEFAULT_PARAMETERS

from briefing_quiz.config import Config
from briefing_quiz.core.cloze import parse_cloze
from briefing_quiz.core.deckfile import loads_deck
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    ClozeDeletion,
    Deck,
    ItemKey,
    TypedCard,
)
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings, fsrs_card_id
from briefing_quiz.core.study.session import StudySession
from tests.conftest import FrozenClock, StoreFactory

UTC = timezone.utc
W = DEFAULT_PARAMETERS
DECAY = -W[20]
FACTOR = 0.9 ** (1 / DECAY) - 1


def hand_r(elapsed_days: float, stability: float) -> float:
    """FSRS-6 retrievability, written out to check our values by hand (the only copy of the
    formula in the tests): R(t, S) = (1 + FACTOR * t / S) ** DECAY."""
    return float((1 + FACTOR * elapsed_days / stability) ** DECAY)


@pytest.fixture
def scheduler() -> Scheduler:
    return Scheduler()


def history(
    scheduler: Scheduler, card_id: int, reviews: list[tuple[fsrs.Rating, datetime]]
) -> fsrs.Card:
    """The fsrs state after `reviews`, answered in order from a new card."""
    card = scheduler.new_card(card_id)
    for rating, at in reviews:
        card = scheduler.review(card, rating, at)
    return card


def make_deck(cards: Iterable[Card], deck_id: str = "d") -> Deck:
    """A deck of `cards` that no file holds; its title is its id in capitals."""
    return Deck(id=deck_id, title=deck_id.upper(), path=None, cards=tuple(cards))


@pytest.fixture
def store(open_store: StoreFactory) -> Store:
    """A new progress file in the test's folder (`store.path`), closed when the test ends."""
    return open_store()


def basic(i: int | str, deck: str = "d", **kw: object) -> BasicCard:
    return BasicCard(id=f"c{i}", deck_id=deck, question=f"q{i}", answer=f"a{i}", **kw)  # type: ignore[arg-type]


def cloze(card_id: str, text: str, *tags: str, deck: str = "d") -> ClozeCard:
    return ClozeCard(id=card_id, deck_id=deck, tags=tags, text=text, deletions=parse_cloze(text))


def cloze_gaps(card_id: str, numbers: tuple[int, ...], *tags: str, deck: str = "d") -> ClozeCard:
    """A cloze card with gaps numbered `numbers` (their positions in the text are not needed)."""
    text = " ".join(f"{{{{c{n}::a{n}}}}}" for n in numbers)
    deletions = tuple(ClozeDeletion(n, f"a{n}", None, 0, 0) for n in numbers)
    return ClozeCard(id=card_id, deck_id=deck, tags=tags, text=text, deletions=deletions)


def typed(card_id: str, *tags: str, deck: str = "d") -> TypedCard:
    return TypedCard(id=card_id, deck_id=deck, tags=tags, question=f"{card_id}?", answer=card_id)


def choice(card_id: str, *tags: str) -> ChoiceCard:
    return ChoiceCard(id=card_id, deck_id="d", tags=tags, question=f"{card_id}?",
                      choices=("yes", "no", "maybe"), answers=("yes",))


def k(card: str, item: int = 0, deck: str = "d") -> ItemKey:
    return ItemKey(deck, card, item)


def key_of(card: Card, item: int = 0) -> ItemKey:
    return ItemKey(card.deck_id, card.id, item)


def session(decks: Sequence[Deck] | Deck, store: Store, clock: FrozenClock,
            cfg: Config | None = None, **kw: object) -> StudySession:
    """A study session in UTC over `decks` (default configuration unless `cfg`)."""
    deck_list = [decks] if isinstance(decks, Deck) else list(decks)
    return StudySession(deck_list, store, cfg or Config(), clock=clock, tz=UTC, **kw)  # type: ignore[arg-type]


def drain(s: StudySession, rating: Rating = Rating.Good, limit: int = 1000) -> list[ItemKey]:
    """Answer every entry (with `rating`) until the session is done; the keys in order shown."""
    keys: list[ItemKey] = []
    while (entry := s.next()) is not None and len(keys) < limit:
        keys.append(entry.key)
        s.answer(rating, duration_ms=1000)
    return keys


def shown(s: StudySession) -> ItemKey | None:
    entry = s.next()
    return None if entry is None else entry.key


def force(store: Store, key: ItemKey, last: datetime, due: datetime,
          rating: Rating = Rating.Easy) -> None:
    """Record one review at `last` whose resulting card is due at `due`."""
    sched = Scheduler(SchedulerSettings(enable_fuzzing=False))

    def schedule(prev: fsrs.Card | None) -> fsrs.Card:
        card = sched.review(prev or sched.new_card(fsrs_card_id(key)), rating, last)
        card.due = due
        return card

    store.record_review(key, rating, reviewed_at=last, duration_ms=1, content_hash="x",
                        schedule=schedule)


def review(store: Store, key: ItemKey, rating: Rating, at: datetime, *, duration_ms: int = 8000,
           settings: SchedulerSettings | None = None) -> int:
    """A review as any session records it: the scheduler's state (default settings unless
    `settings`) after the stored one. Returns its review id (for `Store.undo_review`)."""
    sched = Scheduler() if settings is None else Scheduler(settings)

    def schedule(prev: fsrs.Card | None) -> fsrs.Card:
        return sched.review(prev or sched.new_card(fsrs_card_id(key)), rating, at, duration_ms)

    return store.record_review(key, rating, reviewed_at=at, duration_ms=duration_ms,
                               content_hash="h", schedule=schedule).review_id


# -- a deck read from TOML text (as a deck file edited in place is read again) ---------------------

HEAD = 'format = 1\n[deck]\nid = "d"\ntitle = "D"\n'
A = '[[cards]]\nid = "a"\ntype = "basic"\nquestion = "Question A?"\nanswer = "A"\n'
B = '[[cards]]\nid = "b"\ntype = "typed"\nquestion = "Question B?"\nanswer = "B"\n'
C = '[[cards]]\nid = "c"\ntype = "cloze"\ntext = "{{c1::one}} and {{c2::two}}"\n'
C2_ONLY = '[[cards]]\nid = "c"\ntype = "cloze"\ntext = "{{c2::two}}"\n'


def read_deck(*cards: str) -> Deck:
    """Deck "d" of the card texts `cards` (default: A, B and C), read as from d.toml."""
    return loads_deck("\n".join((HEAD, *(cards or (A, B, C)))).encode(), Path("d.toml"))
