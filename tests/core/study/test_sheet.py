"""The cheat sheet: a snapshot of its output for a scripted history with a fixed clock.

The expected files are in tests/data/sheet/ and compared exactly. After a deliberate change of the
format, rewrite them with `BRIEFING_QUIZ_UPDATE_SNAPSHOTS=1 pytest tests/core/study/test_sheet.py`,
then read the diff before committing. (The recall figures come from fsrs' default parameters: an fsrs
release that changes them changes the snapshot too.)
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs
import pytest
from fsrs import Rating

from briefing_quiz.config import Config
from briefing_quiz.core.deckfile import load_deck
from briefing_quiz.core.model import Deck, ItemKey
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler, fsrs_card_id
from briefing_quiz.core.study.sheet import SheetFormat, build_sheet

DATA = Path(__file__).resolve().parents[3] / "tests" / "data" / "sheet"
UTC = timezone.utc
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TARGET = datetime(2026, 3, 5, 13, 0, tzinfo=UTC)  # Thursday 14:00 in Paris
UPDATE = os.environ.get("BRIEFING_QUIZ_UPDATE_SNAPSHOTS") == "1"


@pytest.fixture
def deck() -> Deck:
    return load_deck(DATA / "sheet.toml")


def review(store: Store, card_id: str, rating: Rating, at: datetime, item: int = 0) -> None:
    key = ItemKey("sheet", card_id, item)
    sched = Scheduler()

    def schedule(prev: fsrs.Card | None) -> fsrs.Card:
        return sched.review(prev or sched.new_card(fsrs_card_id(key)), rating, at)

    store.record_review(key, rating, reviewed_at=at, duration_ms=5000, content_hash="h",
                        schedule=schedule)


def scripted_history(store: Store) -> None:
    day = timedelta(days=1)
    review(store, "troops", Rating.Good, NOW - 6 * day)
    review(store, "poland", Rating.Good, NOW - 8 * day)
    review(store, "poland", Rating.Good, NOW - 8 * day + timedelta(minutes=15))
    review(store, "poland", Rating.Good, NOW - 2 * day)
    review(store, "enter", Rating.Again, NOW - 3 * day)
    review(store, "choices", Rating.Good, NOW - 2 * day, item=1)  # gap 2 never studied
    review(store, "capital", Rating.Easy, NOW - day)


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
    # Weakest first: the recall shown never decreases down the sheet (new cards count 0).
    shown = [int(value or 0) for value in re.findall(r"(?:recall (\d+)%|not studied yet)", text)]
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
