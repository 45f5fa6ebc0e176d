"""Fixtures for the application layer's tests: paths in tmp_path with one small deck, and the
garbage collector put back as it was after each test."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing_quiz.paths import Paths
from briefing_quiz.services import gc_policy
from tests.conftest import DeckWriter

SMALL_DECK = '''\
format = 1

[deck]
id = "small"
title = "Small"

[[cards]]
id = "one"
type = "basic"
question = "Q?"
answer = "A"

[[cards]]
id = "two"
type = "truefalse"
statement = "True?"
answer = true
'''


@pytest.fixture
def paths(tmp_path: Path, write_deck: DeckWriter) -> Paths:
    write_deck(SMALL_DECK, "small.toml")
    return Paths(data_file=tmp_path / "progress.sqlite3", config_file=tmp_path / "config.toml",
                 deck_dirs=(tmp_path / "decks",), user_decks_dir=tmp_path / "user-decks",
                 cache_dir=tmp_path / "cache")


@pytest.fixture(autouse=True)
def collector() -> Iterator[None]:
    """Whatever a test does to the collector is undone (a test that fails mid-pause included)."""
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc_policy.release_full_collections()
    gc_policy._before_start_up = None
    gc.set_threshold(*thresholds)
    if enabled:
        gc.enable()
    else:
        gc.disable()
