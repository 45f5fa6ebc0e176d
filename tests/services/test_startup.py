"""The start-up sequence (services/startup.py): each step in order, one result each."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.paths import Paths
from briefing_quiz.services.backend import Backend, Listed, Loaded
from briefing_quiz.services.startup import Counted, SettingsRead, StartupStep, StoreOpened, start_up
from tests.conftest import FrozenClock


async def _steps(backend: Backend, **options: bool) -> list[StartupStep]:
    try:
        return [step async for step in start_up(backend, **options)]
    finally:
        await backend.call(backend._close_sync)


async def test_the_steps_come_in_order(paths: Paths) -> None:
    backend = Backend(paths, clock=FrozenClock(), seed=1)
    try:
        steps = await _steps(backend)
    finally:
        backend.shutdown()
    # Nothing cached yet: no listing from summaries; the decks are loaded, then the rest.
    assert [type(s) for s in steps] == [Loaded, StoreOpened, SettingsRead, Counted]
    loaded, opened, settings, counted = steps
    assert isinstance(loaded, Loaded) and [d.id for d in loaded.decks] == ["small"]
    assert opened == StoreOpened(None)
    assert isinstance(settings, SettingsRead) and settings.error is None
    assert isinstance(counted, Counted) and counted.error is None
    assert [s.deck_id for s in counted.stats or []] == ["small"]


async def test_decks_unchanged_since_cached_are_listed_first(paths: Paths) -> None:
    first = Backend(paths, clock=FrozenClock(), seed=1)
    try:
        await _steps(first)  # fills the parse cache
    finally:
        first.shutdown()
    backend = Backend(paths, clock=FrozenClock(), seed=1)
    try:
        steps = await _steps(backend)
    finally:
        backend.shutdown()
    assert [type(s) for s in steps] == [Listed, Loaded, StoreOpened, SettingsRead, Counted]
    listed, loaded = steps[0], steps[1]
    assert isinstance(listed, Listed) and [s.id for s in listed.decks] == ["small"]
    assert isinstance(loaded, Loaded) and loaded.as_listed


async def test_a_reload_skips_the_listing_and_the_settings(paths: Paths) -> None:
    backend = Backend(paths, clock=FrozenClock(), seed=1)
    try:
        steps = await _steps(backend, list_first=False, read_settings=False)
    finally:
        backend.shutdown()
    assert [type(s) for s in steps] == [Loaded, StoreOpened, Counted]


async def test_a_step_runs_only_when_asked_for(paths: Paths) -> None:
    """The consumer may hold the store thread between two steps: the next one waits for it."""
    backend = Backend(paths, clock=FrozenClock(), seed=1)
    order: list[str] = []
    try:
        steps = start_up(backend)
        loaded = await anext(steps)
        assert isinstance(loaded, Loaded)
        painted = threading.Event()
        backend.hold(painted)
        order.append("held")
        painted.set()
        assert isinstance(await anext(steps), StoreOpened)
        order.append("opened")
        await steps.aclose()  # leaving early: nothing more runs
        assert backend.store is not None
    finally:
        await backend.call(backend._close_sync)
        backend.shutdown()
    assert order == ["held", "opened"]


async def test_errors_are_results_not_exceptions(tmp_path: Path, paths: Paths,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config.toml").write_text("this is not = = toml", encoding="utf-8")
    backend = Backend(paths, clock=FrozenClock(), seed=1)

    def no_counts() -> None:
        raise BriefingQuizError("cannot count")

    monkeypatch.setattr(backend, "deck_stats_sync", no_counts)
    try:
        steps = await _steps(backend)
    finally:
        backend.shutdown()
    settings, counted = steps[-2], steps[-1]
    assert isinstance(settings, SettingsRead) and settings.error is not None
    assert isinstance(counted, Counted) and counted.stats is None
    assert str(counted.error) == "cannot count"
