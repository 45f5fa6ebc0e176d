"""The garbage-collector policy while studying (services/gc_policy.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from briefing_quiz.services import gc_policy as heap


@pytest.fixture(autouse=True)
def thresholds() -> Iterator[None]:
    saved = gc.get_threshold()
    yield
    heap.release_full_collections()
    gc.set_threshold(*saved)


def test_no_automatic_full_collection_while_studying_then_as_before() -> None:
    gc.set_threshold(700, 10, 100)
    heap.hold_full_collections()
    heap.hold_full_collections()  # a second study screen changes nothing
    assert gc.get_threshold()[:2] == (700, 10)
    assert gc.get_threshold()[2] >= 100_000
    heap.release_full_collections()
    assert gc.get_threshold() == (700, 10, 100)


def test_a_full_collection_while_reading_only_when_due() -> None:
    gc.collect()
    for _ in range(heap.FULL_EVERY - 1):
        gc.collect(1)  # each one counts towards the next full collection
    due = gc.get_count()[2]
    assert due == heap.FULL_EVERY - 1
    heap.collect_while_reading()
    assert gc.get_count()[2] == due  # not due yet: nothing scanned
    gc.collect(1)
    heap.collect_while_reading()
    assert gc.get_count()[2] == 0  # a full collection ran
