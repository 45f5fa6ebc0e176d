"""Pilot test: the decks screen shows the counts kept by the last run (services/counts_summary)
with its listing, before the decks are loaded, and the full count then takes their place."""

from __future__ import annotations

import dataclasses
import re
from datetime import timezone
from pathlib import Path

import pytest

from briefing_quiz.paths import Paths
from briefing_quiz.services import counts_summary
from briefing_quiz.ui.app import QuizApp
from tests.conftest import FrozenClock
from tests.ui.conftest import ready, screen_text, settle
from tests.ui.test_start import held_load, listed

# The mini deck's row with its counts kept (7 new items) and recall still to come.
KEPT = re.compile(r"^  mini +7 +0 +0 +7 +… +… +Mini deck: one card of each type$", re.M)
COUNTED = re.compile(r"^  mini +7 +0 +0 +7 +— +— +Mini deck: one card of each type$", re.M)


async def _first_run(paths: Paths, clock: FrozenClock) -> None:
    app = QuizApp(paths, clock=clock, seed=7, tz=timezone.utc)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        for _ in range(100):
            await settle(pilot)
            if list((paths.cache_dir or Path()).glob("counts-*.json")):
                break
        assert COUNTED.search(screen_text(app))


@pytest.mark.parametrize("enabled", [True, False])
async def test_the_kept_counts_come_with_the_listing(
        paths: Paths, tmp_path: Path, clock: FrozenClock, enabled: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(counts_summary, "ENABLED", enabled)
    cached = dataclasses.replace(paths, cache_dir=tmp_path / "cache")
    await _first_run(cached, clock)
    app = QuizApp(cached, clock=clock, seed=7, tz=timezone.utc)
    gate = held_load(app)
    async with app.run_test(size=(100, 30)) as pilot:
        decks = await listed(pilot)
        await pilot.pause()
        assert decks.loaded is None  # not loaded yet
        text = screen_text(app)
        assert bool(KEPT.search(text)) is enabled, text
        gate.set()
        await ready(pilot)
        await settle(pilot)
        assert COUNTED.search(screen_text(app)) and not decks.kept_counts
