"""A reload the user asks for counts each deck's lint warnings for the decks screen; start-up
does not run the lint."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_quiz.paths import Paths
from briefing_quiz.services.backend import Backend
from briefing_quiz.services.startup import StartUp
from tests.conftest import DeckWriter, FrozenClock
from tests.services.test_startup import View

FLAWED = ('format = 1\n[deck]\nid = "d"\ntitle = "D"\n\n[[cards]]\nid = "a"\ntype = "truefalse"\n'
          'statement = "Russia only wanted talks."\nanswer = false\n')


@pytest.fixture
def backend(tmp_path: Path, write_deck: DeckWriter, clock: FrozenClock) -> Backend:
    deck = write_deck(FLAWED)
    paths = Paths(data_file=tmp_path / "progress.sqlite3", config_file=tmp_path / "config.toml",
                  deck_dirs=(deck.parent,), user_decks_dir=tmp_path / "user-decks",
                  cache_dir=tmp_path / "cache")
    return Backend(paths, clock=clock, seed=1)


async def test_a_reload_counts_lint_warnings_and_start_up_does_not(backend: Backend) -> None:
    log: list[str] = []
    view = View(log)
    startup = StartUp(backend, decks_loaded=lambda loaded: None, settings_read=lambda c: None)
    try:
        await startup.load(view)
        assert view.loaded is not None and view.loaded.lint_warnings == {}
        await startup.load(view, quiet=False)
        assert view.loaded.lint_warnings == {"d": 1}
    finally:
        backend.shutdown()
