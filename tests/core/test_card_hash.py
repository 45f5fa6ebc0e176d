"""The fast content hash (`core.card_hash`) against `Card.content_hash`, the plain path: the same
hash for every card and item of random cards, generated decks, mutated decks and the bundled
decks; the switch; and the session's hash of a card after an edit of its deck."""

from __future__ import annotations

import json
import json.encoder
import math
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fsrs import Rating
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from briefing_quiz.core import card_hash
from briefing_quiz.core.cloze import ClozeSyntaxError, parse_cloze
from briefing_quiz.core.deckfile.load import load_deck, loads_deck
from briefing_quiz.core.errors import DeckError
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    Deck,
    OpenCard,
    OpenPoint,
    OrderCard,
    Tolerance,
    TrueFalseCard,
    TypedCard,
)
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import SchedulerSettings
from briefing_quiz.core.study.session import StudySession
from briefing_quiz.paths import bundled_decks_dir
from tests.core.deckfile.generated import PATH, generate_deck, mutated_documents

# Any text but lone surrogates (no deck can hold one: the file is UTF-8); quotes, backslashes,
# control characters and non-ASCII letters included.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
TEXTS = st.lists(TEXT, max_size=4).map(tuple)
FLOATS = st.floats() | st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0, 1e300, 5.0])


def both(card: Card) -> None:
    """The fast hash is the plain one for every item of `card`, and for an item it lacks."""
    assert card_hash.ENABLED
    for item in (*card.items, 7):
        assert card_hash.content_hash(card, item) == card.content_hash(item)


def cloze_text(parts: list[tuple[str, int, str, str | None]]) -> str:
    gaps = "".join(f"{before}{{{{c{n}::{answer}{'' if hint is None else '::' + hint}}}}}"
                   for before, n, answer, hint in parts)
    return gaps + " end"


SAFE = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="{}:"), max_size=12)


@st.composite
def cards(draw: st.DrawFn) -> Card:
    common = {"id": draw(TEXT), "deck_id": "d", "tags": draw(TEXTS), "source": draw(TEXT),
              "explain": draw(st.none() | TEXT), "weight": draw(st.floats(0.1, 3))}
    kind = draw(st.sampled_from(["basic", "typed", "choice", "truefalse", "cloze", "order",
                                 "open"]))
    if kind == "basic":
        return BasicCard(question=draw(TEXT), answer=draw(TEXT), **common)
    if kind == "typed":
        tolerance = draw(st.none() | st.builds(Tolerance, FLOATS, st.booleans()))
        return TypedCard(question=draw(TEXT), answer=draw(TEXT), accept=draw(TEXTS),
                         tolerance=tolerance, **common)
    if kind == "choice":
        return ChoiceCard(question=draw(TEXT), choices=draw(TEXTS), answers=draw(TEXTS),
                          multiple=draw(st.booleans()), **common)
    if kind == "truefalse":
        return TrueFalseCard(statement=draw(TEXT), answer=draw(st.booleans()), **common)
    if kind == "order":
        return OrderCard(question=draw(TEXT), items_in_order=draw(TEXTS), **common)
    if kind == "open":
        points = draw(st.lists(st.builds(OpenPoint, TEXT, TEXTS), max_size=3).map(tuple))
        return OpenCard(question=draw(TEXT), points=points, answer=draw(TEXT),
                        min_points=draw(st.integers(0, 3)), **common)
    filled = SAFE.filter(str.strip)  # a blank answer is no deletion (`parse_cloze` refuses it)
    parts = draw(st.lists(st.tuples(SAFE, st.integers(1, 4), filled, st.none() | filled),
                          min_size=1, max_size=4))
    text = cloze_text(parts)
    try:
        deletions = parse_cloze(text)
    except ClozeSyntaxError:
        assume(False)  # not a card any deck can hold
    return ClozeCard(text=text, deletions=deletions, **common)


@settings(deadline=None, max_examples=400)
@given(cards())
def test_the_fast_hash_is_the_plain_hash_of_random_cards(card: Card) -> None:
    both(card)


@settings(deadline=None, max_examples=300)
@given(TEXT)
def test_the_string_function_it_uses_is_what_dumps_gives(text: str) -> None:
    """The one function of `json` it relies on beyond the public API (see its docstring)."""
    assert card_hash._encode_str(text) == json.dumps(text, ensure_ascii=False)
    assert json.encoder.encode_basestring is card_hash._encode_str


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_fast_hash_is_the_plain_hash_of_generated_decks(seed: int) -> None:
    deck = loads_deck(generate_deck(300, seed).encode(), PATH)
    assert {card.type for card in deck.cards} >= {"basic", "typed", "choice", "truefalse",
                                                  "cloze", "order"}
    for card in deck.cards:
        both(card)


def test_the_fast_hash_is_the_plain_hash_of_the_bundled_decks() -> None:
    paths = sorted(bundled_decks_dir().glob("*.toml"))
    assert paths
    for path in paths:
        for card in load_deck(path).cards:
            both(card)


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_the_fast_hash_is_the_plain_hash_of_mutated_decks(text: str) -> None:
    try:
        deck = loads_deck(text.encode(), PATH)
    except DeckError:
        return
    for card in deck.cards:
        both(card)


def test_a_value_it_does_not_spell_falls_back_to_the_plain_path() -> None:
    # A list where the model keeps tuples: json spells both alike, and so must the fast path;
    # an object json cannot spell makes both raise the same way.
    card = BasicCard(id="x", deck_id="d", question="Q?", answer="A")
    odd = BasicCard(id="x", deck_id="d", question=["Q", 1, None, 2.5], answer="A")  # type: ignore[arg-type]
    both(card)
    both(odd)
    unspellable = BasicCard(id="x", deck_id="d", question=object(), answer="A")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        unspellable.content_hash()
    with pytest.raises(TypeError):
        card_hash.content_hash(unspellable)


def test_the_switch_gives_the_plain_path(monkeypatch: pytest.MonkeyPatch) -> None:
    card = BasicCard(id="x", deck_id="d", question="Q?", answer="A")
    calls: list[int] = []
    plain = BasicCard.content_hash

    def counted(self: BasicCard, item: int = 0) -> str:
        calls.append(item)
        return plain(self, item)

    monkeypatch.setattr(BasicCard, "content_hash", counted)
    monkeypatch.setattr(card_hash, "ENABLED", False)
    assert card_hash.content_hash(card, 0) == plain(card, 0) and calls == [0]


def test_the_environment_switches_the_fast_hash_off() -> None:
    import subprocess
    import sys

    code = "from briefing_quiz.core import card_hash; print(card_hash.ENABLED)"
    for value, expected in (("1", "False"), ("", "True"), ("0", "True")):
        env = {"BRIEFING_QUIZ_NO_FAST_CARD_HASH": value, "PATH": "/usr/bin:/bin"}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True).stdout.strip()
        assert out == expected


class _Config:
    def for_deck(self, deck_id: str) -> SchedulerSettings:
        return SchedulerSettings(new_cards_per_day=100)


def test_the_session_hashes_an_edited_card_anew(tmp_path: Path) -> None:
    """The session keeps a card's hash while it holds the same card object; after an edit of the
    deck (`replace_deck`) the answer is stored with the edited card's plain hash."""
    first = BasicCard(id="q", deck_id="d", question="Capital of Poland?", answer="Warsaw")
    edited = BasicCard(id="q", deck_id="d", question="Capital of Ukraine?", answer="Kyiv")
    clock = lambda: datetime(2024, 5, 1, 12, tzinfo=timezone.utc)  # noqa: E731
    with Store.open(tmp_path / "p.sqlite3") as store:
        session = StudySession([Deck("d", "D", None, (first,))], store, _Config(), clock=clock,
                               tz=timezone.utc)
        entry = session.next()
        assert entry is not None and entry.card is first
        session.replace_deck(Deck("d", "D", None, (edited,)))
        session.answer(Rating.Again, duration_ms=1000)
        state = store.get(entry.key)
        assert state is not None and state.last_hash == edited.content_hash(0)
        assert edited.content_hash(0) != first.content_hash(0)
