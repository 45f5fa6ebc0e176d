"""Snapshots of every screen and of each card type once answered, at 80×24 and 120×40.

Deterministic: frozen clock (elapsed time stays 0:00), seeded shuffles, UTC, no user config, and
relative paths (the tests run inside tmp_path) so no temporary folder name reaches the screen.
Regenerate with `pytest --snapshot-update tests/ui/test_snapshots.py` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timezone
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from briefing_quiz.paths import Paths
from briefing_quiz.ui.app import QuizApp
from tests.conftest import FrozenClock
from tests.ui.conftest import MINI_DECK, press, ready
from tests.ui.test_untrusted import hostile_deck

SMALL, LARGE = (80, 24), (120, 40)
Keys = tuple[str, ...]

# Keys from the decks screen to each card type's answered state (the mini deck's order: basic,
# typed, choice, true/false, cloze, order). Answers are wrong where that shows more.
TO_BASIC: Keys = ("enter",)
TO_TYPED: Keys = (*TO_BASIC, "space", "3")
TO_CHOICE: Keys = (*TO_TYPED, *"120k", "enter", "1")
TO_TRUEFALSE: Keys = (*TO_CHOICE, "2", "3")
TO_CLOZE: Keys = (*TO_TRUEFALSE, "f", "1")
TO_ORDER: Keys = (*TO_CLOZE, *"crimea", "enter", "3")
ANSWERED: dict[str, Keys] = {
    "basic": (*TO_BASIC, "space"),
    "typed": (*TO_TYPED, *"120k", "enter"),
    "choice": (*TO_CHOICE, "2"),
    "truefalse": (*TO_TRUEFALSE, "f"),
    "cloze": (*TO_CLOZE, *"krim", "enter"),
    "order": (*TO_ORDER, "J", "enter"),
}


@pytest.fixture
def snap_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], QuizApp]:
    monkeypatch.chdir(tmp_path)
    Path("decks").mkdir()
    Path("decks/mini.toml").write_text(MINI_DECK, encoding="utf-8")
    paths = Paths(data_file=Path("progress.sqlite3"), config_file=Path("config.toml"),
                  deck_dirs=(Path("decks"),), user_decks_dir=Path("user-decks"))
    return lambda: QuizApp(paths, clock=FrozenClock(), seed=7, tz=timezone.utc)


def after(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A `run_before` that waits for the decks, then presses `keys` one by one, settling each."""
    async def run(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await press(pilot, *keys)
    return run


SnapCompare = Callable[..., bool]


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_decks_first_run(snap_compare: SnapCompare, snap_app: Callable[[], QuizApp],
                         size: tuple[int, int]) -> None:
    assert snap_compare(snap_app(), terminal_size=size, run_before=after())


def test_decks_with_a_broken_deck(snap_compare: SnapCompare,
                                  snap_app: Callable[[], QuizApp]) -> None:
    Path("decks/broken.toml").write_text('format = 1\n[deck]\nid = "Broken Id"\n', encoding="utf-8")
    assert snap_compare(snap_app(), terminal_size=SMALL, run_before=after())


@pytest.mark.parametrize("kind", list(ANSWERED))
@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_card_answered(snap_compare: SnapCompare, snap_app: Callable[[], QuizApp], kind: str,
                       size: tuple[int, int]) -> None:
    assert snap_compare(snap_app(), terminal_size=size, run_before=after(*ANSWERED[kind]))


@pytest.mark.parametrize("keys", [TO_CHOICE, TO_ORDER], ids=["choice", "order"])
def test_card_question(snap_compare: SnapCompare, snap_app: Callable[[], QuizApp],
                       keys: Keys) -> None:
    assert snap_compare(snap_app(), terminal_size=SMALL, run_before=after(*keys))


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_summary(snap_compare: SnapCompare, snap_app: Callable[[], QuizApp],
                 size: tuple[int, int]) -> None:
    keys = (*ANSWERED["choice"], "1", "escape")
    assert snap_compare(snap_app(), terminal_size=size, run_before=after(*keys))


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_browse(snap_compare: SnapCompare, snap_app: Callable[[], QuizApp],
                size: tuple[int, int]) -> None:
    keys = (*TO_TYPED, "escape", "escape", "enter", "b", "down")  # esc: the answer line, then end
    assert snap_compare(snap_app(), terminal_size=size, run_before=after(*keys))


def test_help(snap_compare: SnapCompare, snap_app: Callable[[], QuizApp]) -> None:
    assert snap_compare(snap_app(), terminal_size=SMALL, run_before=after("question_mark"))


def test_hostile_card(snap_compare: SnapCompare, snap_app: Callable[[], QuizApp]) -> None:
    Path("decks/mini.toml").unlink()
    Path("decks/hostile.toml").write_text(hostile_deck(), encoding="utf-8")
    keys = ("enter", "space", "3", *"[b]x", "enter")
    assert snap_compare(snap_app(), terminal_size=SMALL, run_before=after(*keys))
