"""What a deck load leaves alive: only the deck. The app freezes whatever is alive after its first
load (`services.gc_policy.settle_heap`), so garbage in a reference cycle would be kept for good."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from briefing_quiz.core.deckfile import fast as fast_module
from briefing_quiz.core.deckfile import loads_deck
from briefing_quiz.core.deckfile.validate import _Locator, _Validator
from tests.core.deckfile.generated import generate_deck


@pytest.fixture
def collector_off() -> Iterator[None]:
    """The collector off, as during the app's loads, after freeing what earlier tests left."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _alive(cls: type) -> int:
    return sum(1 for thing in gc.get_objects() if type(thing) is cls)


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast", "plain"])
@pytest.mark.usefixtures("collector_off")
def test_a_load_leaves_no_validator_and_no_text_behind(
        fast_path: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_module, "ENABLED", fast_path)
    deck = loads_deck(generate_deck(40, seed=5).encode())
    assert len(deck.cards) == 40
    # Freed by reference counting alone: nothing of the load is in a cycle.
    assert _alive(_Validator) == 0
    assert _alive(_Locator) == 0
