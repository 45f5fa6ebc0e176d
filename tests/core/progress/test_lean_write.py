"""Schema 4's fewer pages per answer: the lean UPDATE (`lean_write`) writes the rows the plain
UPSERT writes, today's items come out as the schema-3 index gave them, and a schema-3 file opens
(read-only, then migrated) with the same state."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest
from fsrs import Rating

from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress import lean_write, queries, schema, today
from briefing_quiz.core.progress.derive import (
    ItemState,
    as_read_back,
    card_from_json,
    card_to_json,
)
from briefing_quiz.core.progress.schema import SCHEMA_VERSION
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler
from tests.core.progress.conftest import PROGRESS_T0, review

KEYS = [ItemKey("d", f"c{i}", item) for i in range(6) for item in (0, 1, 2)] + [
    ItemKey("e", "x", 0)]


def _fields(state: ItemState) -> tuple[object, ...]:
    """Every field of `state`, its card's attributes with their types (fsrs.Card has no ==)."""
    card = None if state.card is None else {
        name: (value, type(value), getattr(value, "tzinfo", None))
        for name, value in vars(state.card).items()}
    return (*(getattr(state, name) for name in ItemState.__slots__ if name != "card"), card)


def _play(store: Store, seed: int, returned: list[tuple[object, ...]] | None = None) -> datetime:
    """Random answers, undos, suspensions and burials over two days; returns the last time. The
    states the answers returned go to `returned`, each with the state read back after it."""
    rng = random.Random(seed)
    at = PROGRESS_T0 - timedelta(days=1)
    last: dict[ItemKey, int] = {}
    for _ in range(120):
        at += timedelta(minutes=rng.choice((1, 7, 30, 200)))
        key = rng.choice(KEYS)
        roll = rng.random()
        if roll < 0.1 and key in last:
            state = store.get(key)
            if state is not None and state.last_review_id == last[key]:
                store.undo_review(last.pop(key), at=at)
        elif roll < 0.15:
            store.suspend(key, at=at)
        elif roll < 0.2:
            store.unsuspend(key, at=at)
        elif roll < 0.23:
            store.bury(key, at + timedelta(hours=3), at=at)
        else:
            rating = rng.choice((Rating.Again, Rating.Hard, Rating.Good, Rating.Easy))
            recorded = review(store, key, rating, at)
            last[key] = recorded.review_id
            if returned is not None:
                read = store.get(key)
                assert read is not None and _fields(read) == _fields(recorded.state)
                returned.append(_fields(recorded.state))
    return at


def _items(path: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT * FROM items ORDER BY deck_id, card_id, item").fetchall()


@pytest.mark.parametrize("seed", range(6))
def test_the_lean_update_writes_the_rows_of_the_plain_upsert(
        tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    paths, states = {}, {}
    for enabled in (True, False):
        monkeypatch.setattr(lean_write, "ENABLED", enabled)
        paths[enabled] = tmp_path / f"{enabled}.sqlite3"
        states[enabled] = []
        with Store.open(paths[enabled]) as store:
            _play(store, seed, states[enabled])
            assert store.integrity_check() == "ok"
    lean, plain = _items(paths[True]), _items(paths[False])
    assert lean == plain and len(lean) > 5
    assert states[True] == states[False] and len(states[True]) > 50  # the answers' states
    with Store.open(paths[True]) as store:
        store.rebuild()  # derived from the logs alone: the same rows again
    assert _items(paths[True]) == plain


@pytest.mark.parametrize("seed", range(6))
def test_todays_items_are_those_of_the_schema_3_index(tmp_path: Path, seed: int,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The same log in a schema-3 file (`items_today`) and a schema-4 one: for every day start,
    the same count of items introduced and the same items seen."""
    old, new = tmp_path / "v3.sqlite3", tmp_path / "v4.sqlite3"
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 3)
    with Store.open(old) as store:
        end = _play(store, seed)
    monkeypatch.undo()
    with Store.open(new) as store:
        _play(store, seed)
    with closing(sqlite3.connect(old)) as c3, closing(sqlite3.connect(new)) as c4:
        start = PROGRESS_T0 - timedelta(days=1)
        while start < end:
            for deck in ("d", "e"):
                assert today.items_today(c4, deck, start) == today.items_today_v3(
                    c3, deck, queries.to_us(start)), (deck, start)
            start += timedelta(minutes=97)


def test_a_schema_3_file_opens_with_the_same_state(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "v3.sqlite3"
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 3)
    with Store.open(path) as store:
        now = _play(store, 7)
        before = (store.states(), store.snapshot("d", now=now, due_before=now + timedelta(hours=9),
                                                 day_start=now - timedelta(hours=5)),
                  store.review_counts(now - timedelta(hours=5)))
    monkeypatch.undo()

    def state(store: Store) -> object:
        return (store.states(), store.snapshot("d", now=now, due_before=now + timedelta(hours=9),
                                               day_start=now - timedelta(hours=5)),
                store.review_counts(now - timedelta(hours=5)))

    with Store.open(path, readonly=True) as store:  # read as it is
        assert state(store) == before
    with Store.open(path) as store:  # migrated
        assert state(store) == before
        assert store.integrity_check() == "ok"
    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        names = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
        assert "items_today" not in names and "items_first" in names
        assert [row[2] for row in raw.execute("PRAGMA index_info(reviews_at)")] == [
            "reviewed_at", "deck_id", "card_id", "item"]


def test_a_reader_of_a_schema_3_file_goes_on_after_another_store_migrates_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "v3.sqlite3"
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 3)
    with Store.open(path) as store:
        now = _play(store, 3)
    monkeypatch.undo()
    window = {"now": now, "due_before": now + timedelta(hours=9),
              "day_start": now - timedelta(hours=5)}
    with Store.open(path, readonly=True) as reader:
        before = reader.snapshot("d", **window)
        with Store.open(path):  # migrated to schema 4 (items_today dropped) meanwhile
            pass
        assert reader.snapshot("d", **window) == before


def test_read_back_gives_what_as_read_back_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """`read_back` (every answer, no copy when nothing changes) against `as_read_back` and the
    JSON round trip, for fsrs' own results and for cards that need converting."""
    monkeypatch.setattr(lean_write, "ENABLED", True)
    rng = random.Random(3)
    sched = Scheduler()
    at = PROGRESS_T0
    for _ in range(1500):
        at += timedelta(minutes=rng.randrange(1, 5000), microseconds=rng.randrange(10**6))
        if rng.random() < 0.5:
            card = sched.review(sched.new_card(rng.randrange(1, 2**63)), rng.choice(list(Rating)),
                                at)
        else:
            card = fsrs.Card(card_id=rng.randrange(1, 2**63), state=rng.choice(list(fsrs.State)),
                             step=rng.choice([None, 0, 2]),
                             stability=rng.choice([None, 0.0, rng.random() * 100, 3]),
                             difficulty=rng.choice([None, 0.0, rng.random() * 10]),
                             due=at.astimezone(timezone(timedelta(hours=rng.choice([0, -5])))),
                             last_review=rng.choice([None, at - timedelta(seconds=9)]))
        before = vars(card).copy()
        expected = {name: (value, type(value), getattr(value, "tzinfo", None))
                    for name, value in vars(card_from_json(card_to_json(card))).items()}
        for made in (lean_write.read_back(card), as_read_back(card)):
            assert {name: (value, type(value), getattr(value, "tzinfo", None))
                    for name, value in vars(made).items()} == expected
        assert vars(card) == before  # never changed in place
