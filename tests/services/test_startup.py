"""The start-up sequence (services/startup.py): its steps, in order, as a view sees them."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from briefing_quiz.config import Config
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.progress import schema, soundness
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.study.statistics import DeckStats
from briefing_quiz.paths import Paths
from briefing_quiz.services.backend import Backend, Listed, Loaded
from briefing_quiz.services.startup import StartUp
from tests.conftest import DeckWriter, FrozenClock

DECK = ('format = 1\n[deck]\nid = "d"\ntitle = "D"\n\n[[cards]]\nid = "a"\ntype = "truefalse"\n'
        'statement = "s"\nanswer = true\n')


class View:
    """A `DecksView` that writes down what it is shown (and paints at once)."""

    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.loaded: Loaded | None = None

    def show_reloading(self) -> None:
        self.log.append("view: reloading")

    def show_listed(self, listed: Listed) -> None:
        self.log.append("view: listed")

    def show_loaded(self, loaded: Loaded, stats: Sequence[DeckStats] | None = None) -> None:
        self.loaded = loaded
        self.log.append("view: loaded" if stats is None else "view: counted")

    def decks_usable(self) -> None:
        self.log.append("view: usable")

    def show_status(self, loaded: Loaded) -> None:
        self.log.append("view: status")

    def show_reloaded(self, loaded: Loaded) -> None:
        self.log.append("view: reloaded")

    def show_count_error(self, error: BriefingQuizError) -> None:
        self.log.append("view: count error")

    def after_paint(self, callback: Callable[[], object]) -> None:
        self.log.append("view: painted")
        callback()


@pytest.fixture
def backend(tmp_path: Path, write_deck: DeckWriter, clock: FrozenClock) -> Backend:
    deck = write_deck(DECK)
    paths = Paths(data_file=tmp_path / "progress.sqlite3", config_file=tmp_path / "config.toml",
                  deck_dirs=(deck.parent,), user_decks_dir=tmp_path / "user-decks",
                  cache_dir=tmp_path / "cache")
    return Backend(paths, clock=clock, seed=1)


def logged(backend: Backend, log: list[str]) -> None:
    """Write down each store-thread step of `backend` as it runs."""

    def wrap(name: str, call: Callable[..., object]) -> Callable[..., object]:
        def step(*args: object, **kwargs: object) -> object:
            log.append(name)
            return call(*args, **kwargs)
        return step

    for name in ("list_sync", "load_sync", "open_store_sync", "load_config_sync",
                 "deck_stats_sync", "hold", "start_check_sync", "verify_store_sync"):
        setattr(backend, name, wrap(name, getattr(backend, name)))


def make(backend: Backend, log: list[str]) -> StartUp:
    return StartUp(backend, decks_loaded=lambda loaded: log.append("app: decks loaded"),
                   settings_read=lambda config: log.append("app: settings"))


async def test_the_first_load_then_a_reload(backend: Backend,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    log: list[str] = []
    logged(backend, log)
    begin = soundness.Verdict.begin

    def begin_logged(verdict: soundness.Verdict) -> None:
        idle = verdict._thread is None
        begin(verdict)
        if idle and verdict._thread is not None:
            log.append("quick_check started")

    monkeypatch.setattr(soundness, "ENABLED", True)
    monkeypatch.setattr(soundness.Verdict, "begin", begin_logged)
    Store.open(backend.paths.data_file).close()  # in WAL mode: checked in the thread
    view = View(log)
    startup = make(backend, log)
    try:
        await startup.load(view)
        assert log == [
            "list_sync",  # no parse cache yet: nothing to list before the load
            "load_sync", "view: loaded",
            "hold", "view: painted",  # the store thread waits for the listing's frame
            "view: usable",  # before the store's opening is submitted
            "open_store_sync", "app: decks loaded",
            "load_config_sync", "app: settings",
            "deck_stats_sync", "view: counted",
            # quick_check only once the counts are painted: beside them, it slowed them
            "hold", "view: painted", "start_check_sync", "quick_check started",
            "verify_store_sync",
        ]
        log.clear()
        await startup.load(view, quiet=False)
        assert log == [
            "view: reloading", "load_sync", "view: loaded", "hold", "view: painted",
            "view: usable", "open_store_sync", "app: decks loaded", "view: reloaded",
            "deck_stats_sync", "view: counted",  # the settings are read once
            "hold", "view: painted", "start_check_sync", "verify_store_sync",  # known
        ]
    finally:
        backend.shutdown()


async def test_a_cached_listing_comes_first_and_its_frame_is_waited_for(
        backend: Backend) -> None:
    from briefing_quiz.core.deckfile import find_deck_files, load_decks
    from briefing_quiz.core.deckfile.cache import DeckCache

    paths = backend.paths
    assert load_decks(find_deck_files(paths.deck_dirs), DeckCache(paths.cache_dir)).decks
    log: list[str] = []
    logged(backend, log)
    try:
        await make(backend, log).load(View(log))
        assert log[:8] == ["list_sync", "view: listed", "hold", "view: painted",
                           "load_sync", "view: loaded", "view: usable", "open_store_sync"]
    finally:
        backend.shutdown()


async def test_a_failed_count_is_shown_and_a_recount_needs_a_load(backend: Backend) -> None:
    log: list[str] = []
    view = View(log)
    startup = make(backend, log)

    def broken() -> list[DeckStats]:
        raise BriefingQuizError("the progress file is locked")

    try:
        await startup.count(view)
        assert log == []  # nothing loaded: nothing to count
        await startup.load(view)
        backend.deck_stats_sync = broken  # type: ignore[method-assign]
        log.clear()
        await startup.count(view)
        assert log == ["view: count error"]
    finally:
        backend.shutdown()


async def test_the_settings_are_handed_to_the_app(backend: Backend) -> None:
    got: list[Config] = []
    startup = StartUp(backend, decks_loaded=lambda loaded: None, settings_read=got.append)
    backend.paths.config_file.write_text('theme = "nord"\n', encoding="utf-8")
    try:
        await startup.load(View([]))
        assert [c.theme for c in got] == ["nord"] and startup.settings is got[0]
    finally:
        backend.shutdown()



async def test_the_store_thread_is_free_while_the_check_runs(
        backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check is waited for off the store thread: a study asked for meanwhile (a read of the
    store) need not wait for it; a write does (tests/core/progress/test_soundness.py)."""
    Store.open(backend.paths.data_file).close()  # in WAL mode: checked in the thread
    monkeypatch.setattr(soundness, "ENABLED", True)
    started, release = threading.Event(), threading.Event()
    check = schema.check_sound

    def slow(conn: sqlite3.Connection, where: Path) -> None:
        started.set()
        release.wait(10)
        check(conn, where)

    monkeypatch.setattr(schema, "check_sound", slow)
    loading = asyncio.create_task(make(backend, []).load(View([])))
    try:
        for _ in range(500):
            if started.is_set():
                break
            await asyncio.sleep(0.01)
        assert started.is_set()
        stats = await asyncio.wait_for(backend.call(backend.deck_stats_sync), 5)
        assert [s.deck_id for s in stats] == ["d"] and not loading.done()
        release.set()
        await asyncio.wait_for(loading, 10)
        assert backend.store is not None and backend.store_error is None
    finally:
        release.set()
        backend.shutdown()
