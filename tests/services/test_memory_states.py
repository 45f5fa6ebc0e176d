"""Memory states recomputed when a deck's FSRS parameters change (`services.memory_states`), on
opening the progress file (the app's store thread) and after `optimize --apply`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fsrs import Rating

from briefing_quiz.config import load_config
from briefing_quiz.core import fsrs_adapter
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.store import Store
from briefing_quiz.paths import Paths
from briefing_quiz.services.backend import Backend
from briefing_quiz.services.memory_states import follow_parameters
from tests.conftest import T0, DeckWriter, FrozenClock
from tests.core.progress.conftest import review

DECK = ('format = 1\n[deck]\nid = "d"\ntitle = "D"\n\n[[cards]]\nid = "a"\ntype = "truefalse"\n'
        'statement = "s"\nanswer = true\n')
KEY = ItemKey("d", "a", 0)
OTHER = [round(w * (0.4 if i < 4 else 1.0), 4)
         for i, w in enumerate(fsrs_adapter.default_parameters())]


def _reviewed(path: Path) -> float | None:
    with Store.open(path) as store:
        for day, rating in enumerate((Rating.Good, Rating.Good, Rating.Again, Rating.Good)):
            review(store, KEY, rating, T0 + timedelta(days=3 * day))
        card = store.states()[KEY].card
    assert card is not None
    return card.stability


def _stability(path: Path) -> float | None:
    with Store.open(path, readonly=True) as store:
        card = store.states()[KEY].card
    assert card is not None
    return card.stability


def test_follow_parameters_recomputes_once_and_back(tmp_path: Path) -> None:
    data, config_file = tmp_path / "p.sqlite3", tmp_path / "config.toml"
    logged = _reviewed(data)
    with Store.open(data) as store:
        assert follow_parameters(store, load_config(config_file), ["d"], now=T0) == []
    config_file.write_text(f"[decks.d]\nparameters = {OTHER}\n", encoding="utf-8")
    with Store.open(data) as store:
        assert follow_parameters(store, load_config(config_file), ["d"], now=T0) == ["d"]
        assert follow_parameters(store, load_config(config_file), ["d"], now=T0) == []
    assert _stability(data) != logged
    config_file.write_text("", encoding="utf-8")  # back to the defaults: back to the log's states
    with Store.open(data) as store:
        assert follow_parameters(store, load_config(config_file), [], now=T0) == ["d"]
    assert _stability(data) == logged


def test_a_hand_edited_config_is_followed_on_opening_once(
        tmp_path: Path, write_deck: DeckWriter, clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    deck = write_deck(DECK)
    paths = Paths(data_file=tmp_path / "progress.sqlite3", config_file=tmp_path / "config.toml",
                  deck_dirs=(deck.parent,), user_decks_dir=tmp_path / "user-decks")
    logged = _reviewed(paths.data_file)
    paths.config_file.write_text(f"# mine\n[scheduler]\nparameters = {OTHER}\n",
                                 encoding="utf-8")
    calls: list[str] = []
    real = Store.recompute_memory

    def counting(self: Store, deck_id: str, *args: Any, **kwargs: Any) -> int:
        calls.append(deck_id)
        return real(self, deck_id, *args, **kwargs)

    monkeypatch.setattr(Store, "recompute_memory", counting)

    def open_app() -> None:
        backend = Backend(paths, clock=clock, seed=1)
        backend.load_sync()  # in start-up's order (tests/services/test_startup.py)
        assert backend.open_store_sync() is None
        backend.load_config_sync()
        assert backend.store_error is None
        backend.shutdown()

    open_app()
    assert calls == ["d"] and _stability(paths.data_file) != logged
    open_app()
    assert calls == ["d"]  # nothing changed since: not again
    paths.config_file.write_text("[scheduler\n", encoding="utf-8")  # invalid: left as they are
    open_app()
    assert calls == ["d"]
