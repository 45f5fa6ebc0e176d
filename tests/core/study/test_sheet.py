"""The cheat sheet: a snapshot of its output for a scripted history with a fixed clock, and the
order of its facts (`card_strengths`, `weakest_first`).

The expected files are in tests/data/sheet/ and compared exactly. After a deliberate change of the
format, rewrite them with `BRIEFING_QUIZ_UPDATE_SNAPSHOTS=1 pytest tests/core/study/test_sheet.py`,
then read the diff before committing. (The recall figures come from fsrs' default parameters: an
fsrs release that changes them changes the snapshot too.)
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fsrs import Rating

from briefing_quiz.config import Config
from briefing_quiz.core.deckfile import load_deck
from briefing_quiz.core.model import Deck, ItemKey
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler
from briefing_quiz.core.study.sheet import SheetFormat, build_sheet, card_strengths, weakest_first
from tests.conftest import DeckWriter
from tests.core.study.conftest import W, cloze_gaps, hand_r, history, key_of, review, typed

DATA = Path(__file__).resolve().parents[2] / "data" / "sheet"
UTC = timezone.utc
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TARGET = datetime(2026, 3, 5, 13, 0, tzinfo=UTC)  # Thursday 14:00 in Paris
UPDATE = os.environ.get("BRIEFING_QUIZ_UPDATE_SNAPSHOTS") == "1"


@pytest.fixture
def deck() -> Deck:
    return load_deck(DATA / "sheet.toml")


def scripted_history(store: Store) -> None:
    day = timedelta(days=1)
    review(store, k("troops"), Rating.Good, NOW - 6 * day)
    review(store, k("poland"), Rating.Good, NOW - 8 * day)
    review(store, k("poland"), Rating.Good, NOW - 8 * day + timedelta(minutes=15))
    review(store, k("poland"), Rating.Good, NOW - 2 * day)
    review(store, k("enter"), Rating.Again, NOW - 3 * day)
    review(store, k("choices", 1), Rating.Good, NOW - 2 * day)  # gap 2 never studied
    review(store, k("capital"), Rating.Easy, NOW - day)


def k(card_id: str, item: int = 0) -> ItemKey:
    return ItemKey("sheet", card_id, item)


def check_snapshot(text: str, name: str) -> None:
    path = DATA / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("fmt", "name"), [("md", "expected.md"), ("txt", "expected.txt")])
def test_sheet_snapshot_at_the_briefing(deck: Deck, store: Store, fmt: SheetFormat,
                                        name: str) -> None:
    scripted_history(store)
    store.set_briefing_target("sheet", TARGET, now=NOW)
    text = build_sheet(deck, store, Config(), now=NOW, tz=PARIS, fmt=fmt)
    check_snapshot(text, name)
    # Weakest first: the recall shown never decreases down the sheet (new cards count 0, and so
    # does a card with a gap not studied yet).
    shown = [0 if partial else int(value or 0) for value, partial in re.findall(
        r"(?:recall (\d+)%(; \d of \d gaps not studied yet)?|(?<!gaps )not studied yet)", text)]
    assert len(shown) == len(deck.cards) and shown == sorted(shown)


def test_sheet_snapshot_without_a_briefing(deck: Deck, store: Store) -> None:
    scripted_history(store)
    check_snapshot(build_sheet(deck, store, Config(), now=NOW, tz=PARIS, fmt="md"),
                   "expected-now.md")
    # A briefing that has passed: the sheet is for now, as without one.
    store.set_briefing_target("sheet", NOW - timedelta(hours=1), now=NOW)
    assert build_sheet(deck, store, Config(), now=NOW, tz=PARIS) == (
        DATA / "expected-now.md").read_text(encoding="utf-8")


def test_sheet_without_progress_lists_the_deck_in_order(deck: Deck) -> None:
    text = build_sheet(deck, None, Config(), now=NOW, tz=PARIS, fmt="txt")
    questions = re.findall(r"^\d+\. (.*)$", text, flags=re.MULTILINE)
    assert len(questions) == len(deck.cards)
    assert questions[0] == "Q: About how many Russian troops were arrayed near Ukraine?"
    assert text.count("not studied yet") == len(deck.cards)


# -- the order of the facts ------------------------------------------------------------------------


def test_weakest_first_is_stable() -> None:
    items = [("a", 0.5), ("b", 0.1), ("c", 0.5), ("d", 0.0), ("e", 0.1)]
    assert weakest_first(items) == [("d", 0.0), ("b", 0.1), ("e", 0.1), ("a", 0.5), ("c", 0.5)]


def test_card_strengths_take_the_weakest_item(scheduler: Scheduler) -> None:
    gaps, plain = cloze_gaps("g", (1, 2)), typed("a")
    states = {
        key_of(gaps, 1): history(scheduler, 1, [(Rating.Good, NOW)]),
        key_of(gaps, 2): history(scheduler, 2, [(Rating.Again, NOW)]),
        key_of(plain): history(scheduler, 3, [(Rating.Good, NOW)]),
    }
    at = NOW + timedelta(days=4)
    strengths = card_strengths([gaps, plain, typed("never")], states, at, scheduler=scheduler)
    assert [(c.id, round(v, 12)) for c, v in strengths] == [
        ("g", round(hand_r(4, W[0]), 12)),
        ("a", round(hand_r(4, W[2]), 12)),
        ("never", 0.0),
    ]
    assert [c.id for c, _ in weakest_first(strengths)] == ["never", "g", "a"]


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_the_sheet_prints_an_open_cards_model_answer_and_points(fmt: SheetFormat) -> None:
    open_deck = load_deck(Path(__file__).resolve().parents[2] / "data" / "open-cards.toml")
    text = build_sheet(open_deck, None, Config(), now=NOW, tz=PARIS, fmt=fmt)
    bold = "**" if fmt == "md" else ""
    assert (f"{bold}A:{bold} By building up troops around Ukraine while rejecting the diplomatic "
            "path the U.S. and NATO offered") in text
    end = "\\\n" if fmt == "md" else "\n"  # a Markdown line break, or a new line
    assert (f"{bold}Points:{bold} painted into a corner; two choices: war or climb-down; "
            f"by its own doing{end}") in text


def test_a_cloze_card_half_studied_is_rated_by_its_studied_gap(scheduler: Scheduler) -> None:
    """Issue 17 bug 7: one gap studied and one not rated the card 0%, and deck order put it ahead
    of cards never studied. Its recall is now its studied gap's, the other gap is said apart,
    and it comes after every card never studied, before every card studied whole."""
    from briefing_quiz.core.progress.store import ItemState
    from briefing_quiz.core.study.sheet import render_sheet, sheet_facts

    deck = load_deck(DATA / "sheet.toml")
    by_id = {c.id: c for c in deck.cards}
    weak = history(scheduler, 3, [(Rating.Again, NOW - timedelta(days=30))])
    states = {k("choices", 1): ItemState(key=k("choices", 1),
                                         card=history(scheduler, 1, [(Rating.Good, NOW)])),
              k("capital"): ItemState(key=k("capital"), card=weak)}
    facts = sheet_facts(deck, states, NOW + timedelta(days=1), scheduler=scheduler)
    order = [f.card.id for f in facts]
    never = [c.id for c in deck.cards if c.id not in ("choices", "capital")]
    assert order == [*never, "choices", "capital"]
    half = facts[order.index("choices")]
    assert half.studied and half.unstudied == 1 and half.recall > 0.5
    assert len(by_id["choices"].items) == 2
    text = render_sheet(deck, facts, at=NOW, tz=UTC, readiness=None, fmt="txt")
    assert "recall 0%" not in text and "; 1 of 2 gaps not studied yet" in text


def test_the_sheet_shows_a_card_weight_other_than_one(write_deck: DeckWriter,
                                                      store: Store) -> None:
    path = write_deck('format = 1\n[deck]\nid = "w"\ntitle = "W"\n\n'
                      '[[cards]]\nid = "troops"\ntype = "basic"\nquestion = "Troops?"\n'
                      'answer = "130,000"\nweight = 3\n\n'
                      '[[cards]]\nid = "city"\ntype = "basic"\nquestion = "City?"\nanswer = "Kyiv"\n')
    weighted = load_deck(path)
    review(store, ItemKey("w", "troops", 0), Rating.Good, NOW - timedelta(days=1))
    text = build_sheet(weighted, store, Config(), now=NOW, tz=PARIS, fmt="txt")
    assert re.search(r"^   recall \d+%, weight 3$", text, flags=re.MULTILINE)
    assert "not studied yet\n" in text and text.count("weight") == 1
