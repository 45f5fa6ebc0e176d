"""The garbage-collector policy (services/gc_policy.py): every pause is undone, whatever fails;
pauses nest; the switch leaves the collector alone."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import pytest

from briefing_quiz.paths import Paths
from briefing_quiz.services import gc_policy
from briefing_quiz.services.backend import Backend
from tests.conftest import FrozenClock

# The collector is restored after each test by the `collector` fixture of tests/services/conftest.py.


def test_no_automatic_full_collection_while_studying_then_as_before() -> None:
    gc.set_threshold(700, 10, 100)
    gc_policy.hold_full_collections()
    gc_policy.hold_full_collections()  # a second study screen changes nothing
    assert gc.get_threshold()[:2] == (700, 10)
    assert gc.get_threshold()[2] >= 100_000
    gc_policy.release_full_collections()
    assert gc.get_threshold() == (700, 10, 100)


def test_a_full_collection_while_reading_only_when_due() -> None:
    gc.collect()
    for _ in range(gc_policy.FULL_EVERY - 1):
        gc.collect(1)  # each one counts towards the next full collection
    due = gc.get_count()[2]
    assert due == gc_policy.FULL_EVERY - 1
    gc_policy.collect_while_reading()
    assert gc.get_count()[2] == due  # not due yet: nothing scanned
    gc.collect(1)
    gc_policy.collect_while_reading()
    assert gc.get_count()[2] == 0  # a full collection ran


def test_a_pause_is_undone_when_the_block_fails() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), gc_policy.paused_collector():
        assert not gc.isenabled()
        raise RuntimeError("a failing load")
    assert gc.isenabled()


def test_nested_pauses_restore_the_outer_state() -> None:
    gc.enable()
    with gc_policy.paused_collector():
        with gc_policy.paused_collector():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause found it off and leaves it off
    assert gc.isenabled()
    gc.disable()
    with gc_policy.paused_collector():
        pass
    assert not gc.isenabled()  # off before: off after


def _backend(paths: Paths) -> Backend:
    return Backend(paths, clock=FrozenClock(), seed=1)


def test_the_start_up_pause_ends_with_the_first_load(paths: Paths) -> None:
    gc.enable()
    gc_policy.pause_for_start_up()
    gc_policy.pause_for_start_up()  # a second pause changes nothing: one resume ends it
    assert not gc.isenabled()
    backend = _backend(paths)
    try:
        loaded = backend.load_sync()
    finally:
        backend.shutdown()
    assert [d.id for d in loaded.decks] == ["small"]
    assert gc.isenabled()


def test_the_start_up_pause_ends_when_the_first_load_fails(
        paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []

    def failing_load(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        raise RuntimeError("a failing deck load")

    monkeypatch.setattr("briefing_quiz.core.deckfile.load_decks", failing_load)
    gc.enable()
    gc_policy.pause_for_start_up()
    backend = _backend(paths)
    try:
        with pytest.raises(RuntimeError, match="a failing deck load"):
            backend.load_sync()
    finally:
        backend.shutdown()
    assert seen == [False]  # the load ran paused
    assert gc.isenabled()


def test_without_a_start_up_pause_a_load_leaves_the_collector_as_it_was(paths: Paths) -> None:
    gc.disable()  # someone else's choice: a load must not override it
    backend = _backend(paths)
    try:
        backend.load_sync()
    finally:
        backend.shutdown()
    assert not gc.isenabled()


def test_sessions_are_built_with_the_collector_paused(
        paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """The core no longer pauses it around the queue's build: the backend does."""
    import briefing_quiz.core.study.session as session_module

    seen: list[bool] = []
    real = session_module.StudySession

    class Recording(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            seen.append(gc.isenabled())  # before anything the core itself may do
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(session_module, "StudySession", Recording)
    gc.enable()
    backend = _backend(paths)
    try:
        backend.load_sync()
        backend.open_store_sync()
        backend.new_session_sync(None)
        backend._close_sync()
    finally:
        backend.shutdown()
    assert seen == [False]
    assert gc.isenabled()


def test_switched_off_nothing_changes_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gc_policy, "TUNED", False)
    gc.enable()
    gc.set_threshold(700, 10, 10)
    frozen = gc.get_freeze_count()
    with gc_policy.paused_collector():
        assert gc.isenabled()
    gc_policy.pause_for_start_up()
    assert gc.isenabled()
    gc_policy.resume_after_start_up()
    gc_policy.settle_heap()
    gc_policy.hold_full_collections()
    assert gc.get_threshold() == (700, 10, 10)
    gc_policy.release_full_collections()
    assert gc.get_freeze_count() == frozen
    gc.collect()
    for _ in range(gc_policy.FULL_EVERY):
        gc.collect(1)
    gc_policy.collect_while_reading()
    assert gc.get_count()[2] >= gc_policy.FULL_EVERY  # due, but no full collection ran
    assert gc.isenabled()
    assert gc.get_threshold() == (700, 10, 10)


@pytest.mark.parametrize(("value", "tuned"), [("1", False), ("", True), ("0", True)])
def test_the_environment_switch(value: str, tuned: bool) -> None:
    code = "from briefing_quiz.services import gc_policy; print(gc_policy.TUNED)"
    env = {**os.environ, "BRIEFING_QUIZ_GC_DEFAULT": value}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=env)
    assert out.stdout.strip() == str(tuned)


def test_the_plain_commands_settle_the_heap_after_loading_decks(paths: Paths,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 ) -> None:
    """`study --plain` and the other commands load decks through `load_study_inputs`: the decks
    are then frozen as the app's backend freezes them, so no collector pass over them lands
    between two cards (or in the cold counts)."""
    import io

    from briefing_quiz.services.study_inputs import load_study_inputs

    monkeypatch.setattr(gc_policy, "TUNED", True)
    gc.unfreeze()
    _config, decks = load_study_inputs(paths, (), io.StringIO())
    assert gc.get_freeze_count() > 0
    assert not any(gc.is_tracked(d) and d in gc.get_objects(0) for d in decks)
