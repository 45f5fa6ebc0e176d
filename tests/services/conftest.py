"""Fixtures for the application layer's tests: paths in tmp_path with one small deck, and the
garbage collector put back as it was after each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_quiz.paths import Paths
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
def _collector_put_back(collector: None) -> None:
    """Every test here leaves the collector as it found it (tests/conftest.py's `collector`)."""
