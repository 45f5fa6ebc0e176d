"""Fixtures shared by every test: one frozen clock, one deck writer, one store factory.

Package-level `conftest.py` files add what only their tests need (the UI's app and pilot helpers).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from briefing_quiz.core.progress.store import Store
from briefing_quiz.services import gc_policy

#: The moment every frozen clock starts at: mid-February 2022, the bundled deck's time.
T0 = datetime(2022, 2, 14, 9, 30, tzinfo=timezone.utc)


class FrozenClock:
    """A clock the test moves by hand; with a `step`, every look at it moves it on by that much
    first (a session that reads the clock several times per answer then sees time pass)."""

    def __init__(self, now: datetime = T0, *, step: timedelta = timedelta(0)) -> None:
        self.now = now
        self.step = step

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


DeckWriter = Callable[..., Path]


@pytest.fixture
def write_deck(tmp_path: Path) -> DeckWriter:
    """`write_deck(text, name="deck.toml", folder=None)`: the deck file written (UTF-8) in
    `folder` (default `tmp_path / "decks"`, made when missing), its path returned."""

    def write(text: str, name: str = "deck.toml", folder: Path | None = None) -> Path:
        where = folder if folder is not None else tmp_path / "decks"
        where.mkdir(parents=True, exist_ok=True)
        path = where / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


StoreFactory = Callable[..., Store]


@pytest.fixture
def open_store(tmp_path: Path) -> Iterator[StoreFactory]:
    """`open_store(path=None, **kwargs)`: `Store.open` on `tmp_path / "progress.sqlite3"` (or
    `path`); every store it opened is closed when the test ends."""
    opened: list[Store] = []

    def open_(path: Path | None = None, **kwargs: object) -> Store:
        store = Store.open(path if path is not None else tmp_path / "progress.sqlite3", **kwargs)  # type: ignore[arg-type]
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()


@pytest.fixture
def collector() -> Iterator[None]:
    """Whatever a test does to the garbage collector is undone, a test that fails mid-pause
    included: enabled state, thresholds, frozen objects and the policy's own pending state."""
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc_policy.release_full_collections()
    gc_policy._before_start_up = None
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    if enabled:
        gc.enable()
    else:
        gc.disable()
