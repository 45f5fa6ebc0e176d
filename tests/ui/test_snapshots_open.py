"""Snapshots of an open card: the question with its answer area, and the checklist once checked,
at 80×24 and 120×40 (deterministic as in test_snapshots.py)."""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from datetime import timezone
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from tests.conftest import FrozenClock
from tests.ui.conftest import press, ready

OPEN_DECK = Path(__file__).resolve().parents[1] / "data" / "open-cards.toml"
SIZES = [(80, 24), (120, 40)]
# The first card (the thesis), made in part: two of three points, one of them negated away.
PARTLY = "The Kremlin is cornered but it will never back down"


@pytest.fixture
def snap_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], QuizApp]:
    monkeypatch.chdir(tmp_path)
    Path("decks").mkdir()
    shutil.copy(OPEN_DECK, "decks/open-cards.toml")
    paths = Paths(data_file=Path("progress.sqlite3"), config_file=Path("config.toml"),
                  deck_dirs=(Path("decks"),), user_decks_dir=Path("user-decks"))
    return lambda: QuizApp(paths, clock=FrozenClock(), seed=7, tz=timezone.utc)


def after(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await press(pilot, *keys)
    return run


def typed(text: str) -> tuple[str, ...]:
    return tuple("space" if c == " " else c for c in text)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_open_question(snap_compare: Callable[..., bool], snap_app: Callable[[], QuizApp],
                       size: tuple[int, int]) -> None:
    keys = ("enter", *typed("Moscow has painted itself"))
    assert snap_compare(snap_app(), terminal_size=size, run_before=after(*keys))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_open_checklist(snap_compare: Callable[..., bool], snap_app: Callable[[], QuizApp],
                        size: tuple[int, int]) -> None:
    keys = ("enter", *typed(PARTLY), "ctrl+s")
    assert snap_compare(snap_app(), terminal_size=size, run_before=after(*keys))
