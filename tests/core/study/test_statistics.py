"""Statistics: a deck's progress at one moment (`collect_stats`) and over time (due forecast,
reviews per day, true retention per week).

`collect_stats` aggregates in SQL (`Store.stat_summary`): it must give what counting item by item
gives. The reference below is the per-item loop it replaced (an fsrs.Card and
`Scheduler.retrievability` per stored item), run on stores with every kind of state and orphan."""

from __future__ import annotations

import math
import random
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

import fsrs
import pytest
from fsrs import Rating

import briefing_quiz.core.progress.schema as schema_module
import briefing_quiz.core.progress.store as store_module
from briefing_quiz.config import Config
from briefing_quiz.core.model import Card, ClozeCard, Deck, ItemKey, TypedCard
from briefing_quiz.core.progress.store import Store, from_us, to_us
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings, fsrs_card_id
from briefing_quiz.core.study.forecast import memory_scale
from briefing_quiz.core.study.queue import next_day_start
from briefing_quiz.core.study.readiness import summarize_readiness
from briefing_quiz.core.study.statistics import (
    DayCount,
    DeckStats,
    RetentionWeek,
    calibration,
    collect_stats,
    due_forecast,
    reviews_per_day,
    study_date,
    true_retention,
)
from tests.conftest import FrozenClock, StoreFactory
from tests.core.study.conftest import basic, cloze, cloze_gaps, k, make_deck, review, session

UTC = timezone.utc
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)  # a Monday
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LEARNING = (int(fsrs.State.Learning), int(fsrs.State.Relearning))


DECK = make_deck(TypedCard(id=c, deck_id="d", question=f"{c}?", answer=c) for c in "abcdefgxyz")


def local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=PARIS)


def set_due(store: Store, card_id: str, due: datetime, deck: str = "d") -> None:
    """An item in the review phase, due at `due` (its state written as a review would)."""
    k = ItemKey(deck, card_id)
    card = fsrs.Card(card_id=fsrs_card_id(k), state=fsrs.State.Review, stability=5.0,
                     difficulty=5.0, due=due.astimezone(UTC),
                     last_review=(due - timedelta(days=5)).astimezone(UTC))
    store.record_review(k, Rating.Good, reviewed_at=due - timedelta(days=5), duration_ms=1,
                        content_hash="h", schedule=lambda _prev: card)


def test_study_date_starts_at_the_hour() -> None:
    assert study_date(local(3, 3, 3, 59), PARIS) == date(2026, 3, 2)
    assert study_date(local(3, 3, 4, 0), PARIS) == date(2026, 3, 3)
    assert study_date(local(3, 3, 0, 30), PARIS, hour=0) == date(2026, 3, 3)


def test_due_forecast(store: Store) -> None:
    set_due(store, "a", local(3, 3, 2, 30))   # before 4 am: still today's study day
    set_due(store, "b", local(3, 3, 5, 0))    # tomorrow
    set_due(store, "c", local(2, 20, 9, 0))   # overdue: today
    set_due(store, "d", local(3, 5, 12, 0))   # in three days, but suspended
    store.suspend(ItemKey("d", "d"), at=NOW)
    set_due(store, "g", local(3, 5, 18, 0))   # in three days
    set_due(store, "e", local(5, 1, 12, 0))   # beyond the forecast
    set_due(store, "gone", local(3, 2, 12, 0))  # a card no longer in the deck
    set_due(store, "a", local(3, 2, 12, 0), deck="other")
    forecast = due_forecast(store, DECK, 30, now=NOW, tz=PARIS)
    assert len(forecast) == 30
    assert forecast[0] == DayCount(date(2026, 3, 2), 2)
    assert forecast[:4] == [DayCount(date(2026, 3, 2), 2), DayCount(date(2026, 3, 3), 1),
                            DayCount(date(2026, 3, 4), 0), DayCount(date(2026, 3, 5), 1)]
    assert sum(d.count for d in forecast) == 4
    assert forecast[-1].day == date(2026, 3, 31)


def test_reviews_per_day(store: Store) -> None:
    review(store, k("a"), Rating.Good, local(3, 1, 3, 0))     # study day Feb 28
    review(store, k("b"), Rating.Good, local(3, 1, 5, 0))     # Mar 1
    review(store, k("c"), Rating.Good, local(3, 2, 9, 0))     # today
    review(store, k("d"), Rating.Again, local(3, 2, 9, 30))   # today
    undone = review(store, k("e"), Rating.Good, local(3, 2, 9, 40))
    store.undo_review(undone, at=local(3, 2, 9, 41))
    review(store, k("a", deck="other"), Rating.Good, local(3, 2, 9, 0))
    review(store, k("f"), Rating.Good, local(2, 1, 9, 0))     # long ago
    days = reviews_per_day(store, DECK, 3, now=NOW, tz=PARIS)
    assert days == [DayCount(date(2026, 2, 28), 1), DayCount(date(2026, 3, 1), 1),
                    DayCount(date(2026, 3, 2), 2)]


def test_true_retention_counts_reviews_of_items_in_review(store: Store) -> None:
    # x: learned Feb 16 (two learning answers, not counted), forgotten in review Feb 24 (counted,
    # failed), relearned (not counted), recalled Mar 2 (counted, passed).
    review(store, k("x"), Rating.Good, local(2, 16, 10, 0))
    review(store, k("x"), Rating.Good, local(2, 16, 10, 15))
    assert store.get(ItemKey("d", "x")).phase == "review"  # type: ignore[union-attr]
    review(store, k("x"), Rating.Again, local(2, 24, 10, 0))
    review(store, k("x"), Rating.Good, local(2, 24, 10, 20))
    review(store, k("x"), Rating.Good, local(3, 2, 9, 0))
    # y: learned before the window, recalled Feb 17 (Hard still passes).
    review(store, k("y"), Rating.Good, local(2, 5, 10, 0))
    review(store, k("y"), Rating.Good, local(2, 5, 10, 15))
    review(store, k("y"), Rating.Hard, local(2, 17, 10, 0))
    # z: a review that was undone counts for nothing.
    review(store, k("z"), Rating.Good, local(2, 5, 10, 0))
    review(store, k("z"), Rating.Good, local(2, 5, 10, 15))
    store.undo_review(review(store, k("z"), Rating.Again, local(3, 2, 9, 30)), at=NOW)
    weeks = true_retention(store, DECK, 3, now=NOW, tz=PARIS)
    assert weeks == [RetentionWeek(date(2026, 2, 16), 1, 1), RetentionWeek(date(2026, 2, 23), 1, 0),
                     RetentionWeek(date(2026, 3, 2), 1, 1)]
    assert [w.rate for w in weeks] == [1.0, 0.0, 1.0]
    assert RetentionWeek(date(2026, 3, 2), 0, 0).rate is None


# -- progress at one moment ------------------------------------------------------------------------


def test_stats_counts(store: Store) -> None:
    deck = make_deck([basic(1), basic(2), basic(3), cloze("z", "{{c1::a}} {{c2::b}}")])
    clock = FrozenClock(T0)
    s = session(deck, store, clock)
    s.next()
    s.answer(Rating.Easy, duration_ms=1)  # c1 -> review
    s.next()
    s.answer(Rating.Again, duration_ms=1)  # c2 -> learning, due in a minute
    s.next()
    s.suspend()  # c3
    clock.advance(timedelta(minutes=2))
    stats = collect_stats([deck], store, Config(), now=clock(), tz=UTC).decks[0]
    assert (stats.cards, stats.items) == (4, 5)
    assert (stats.new, stats.learning, stats.review, stats.suspended) == (2, 1, 1, 1)
    assert stats.due_now == 1 and stats.reviews_today == 2 and stats.leeches == 0
    assert stats.mean_retrievability is not None and 0.9 < stats.mean_retrievability <= 1.0
    empty = collect_stats([deck], None, Config(), now=clock(), tz=UTC).decks[0]
    assert (empty.new, empty.reviews_today, empty.mean_retrievability) == (5, 0, None)


@dataclass
class World:
    decks: list[Deck]  # as loaded now (cards removed, gaps removed, a card turned cloze)
    store: Store


def build(open_store: StoreFactory, tmp_path: Path, seed: int) -> World:
    """Two decks reviewed over 60 days with lapses, undos, suspensions and burials; then the
    decks change under the stored progress, and a third deck's file is gone."""
    rng = random.Random(seed)
    before: dict[str, list[Card]] = {}
    for deck_id in ("a", "b", "gone"):
        before[deck_id] = [
            cloze_gaps(f"z{i}", tuple(range(1, rng.randint(1, 3) + 1)), deck=deck_id)
            if i % 3 == 0 else basic(i, deck_id) for i in range(40)]
    store = open_store(tmp_path / f"p{seed}.sqlite3")
    keys = [ItemKey(deck_id, card.id, item) for deck_id, cards in before.items()
            for card in cards for item in card.items]
    for key in rng.sample(keys, 80):
        at = T0 - timedelta(days=rng.uniform(0, 60))
        for _ in range(rng.randint(1, 6)):
            if at >= T0:
                break
            rid = review(store, key, rng.choice(list(Rating)), at)
            if rng.random() < 0.05:
                store.undo_review(rid, at=at + timedelta(seconds=5))
            state = store.get(key)
            if state is None or state.card is None:
                break  # its only review was undone
            at = max(at + timedelta(minutes=1), state.card.due + timedelta(
                hours=rng.uniform(-30, 30)))
        roll = rng.random()
        if roll < 0.08:
            store.suspend(key, at=T0 - timedelta(hours=1))
        elif roll < 0.16:
            store.bury(key, T0 + timedelta(hours=rng.choice([-2, 5])), at=T0 - timedelta(hours=3))
    # Orphans to be: a card that will be removed, one that will turn cloze, a gap to remove.
    wide = next(card for card in before["b"] if len(card.items) > 1)
    for key in (ItemKey("a", "c2"), ItemKey("a", "c7"), ItemKey("b", wide.id, 2)):
        review(store, key, Rating.Good, T0 - timedelta(days=2))
    # Never reviewed but suspended: a stored row in phase 0.
    store.suspend(ItemKey("a", "c1"), at=T0 - timedelta(hours=2))
    a = [card for card in before["a"] if card.id not in ("c2", "c4", "c5")]  # removed cards
    # A basic card that became a cloze card (its item 0 orphaned).
    a.append(cloze_gaps("c7", (1, 2), deck="a"))
    a = [card for card in a if card.id != "c7" or type(card) is ClozeCard]
    b = [cloze_gaps(card.id, (1,), deck="b") if isinstance(card, ClozeCard) else card
         for card in before["b"]]  # gaps 2, 3 removed
    return World([make_deck(a, "a"), make_deck(b, "b")], store)


def reference(decks: list[Deck], store: Store, config: Config, *, now: datetime, tz: tzinfo,
              deck_id: str | None = None) -> tuple[list[DeckStats], list[ItemKey]]:
    """The item-by-item loop `collect_stats` ran before it aggregated in SQL."""
    from briefing_quiz.core.scheduler import study_day_start

    rows = store.stat_rows(deck_id)
    targets = store.briefing_targets()
    by_deck: dict[str, dict[tuple[str, int], store_module.StatRow]] = {}
    for stat in rows:
        by_deck.setdefault(stat.deck_id, {})[(stat.card_id, stat.item)] = stat
    chosen = [d for d in decks if deck_id is None or d.id == deck_id]
    report: list[DeckStats] = []
    orphaned: list[ItemKey] = []
    now_us = to_us(now)
    for deck in chosen:
        settings = config.for_deck(deck.id)
        sched = Scheduler(settings)
        day_start = study_day_start(now, tz, settings.day_starts_at_hour)
        day_end_us = to_us(next_day_start(now, tz, settings.day_starts_at_hour))
        stored = by_deck.pop(deck.id, {})
        counts = {"new": 0, "learning": 0, "review": 0, "suspended": 0}
        due_now = buried = leeches = items = 0
        recall: list[float] = []
        target = targets.get(deck.id)
        upcoming = target is not None and target > now
        at_target: dict[ItemKey, float] = {}
        for card in deck.cards:
            for item in card.items:
                items += 1
                row = stored.pop((card.id, item), None)
                if row is None:
                    counts["new"] += 1
                    continue
                is_buried = row.buried_until_us is not None and row.buried_until_us > now_us
                buried += is_buried
                if settings.leech_lapses > 0 and row.lapses >= settings.leech_lapses:
                    leeches += 1
                if row.phase and row.stability is not None and row.last_review_us is not None:
                    memory = fsrs.Card(card_id=1, state=fsrs.State(row.phase),
                                       stability=row.stability, difficulty=5.0,
                                       due=from_us(row.due_us or 0),
                                       last_review=from_us(row.last_review_us))
                    recall.append(sched.retrievability(memory, now))
                    if upcoming and target is not None:  # averaged over the deck's scale
                        at_target[ItemKey(deck.id, card.id, item)] = memory_scale(
                            calibration(store.recall_log(deck.id), sched).evidence,
                            sched.recall_curve[1]).expected(sched.retrievability(memory, target))
                if row.suspended:
                    counts["suspended"] += 1
                    continue
                phase = "new" if not row.phase else (
                    "learning" if row.phase in LEARNING else "review")
                counts[phase] += 1
                if phase != "new" and not is_buried and row.due_us is not None and (
                        row.due_us <= now_us if phase == "learning" else row.due_us < day_end_us):
                    due_now += 1
        orphaned.extend(ItemKey(deck.id, c, i) for c, i in sorted(stored))
        report.append(DeckStats(
            deck_id=deck.id, title=deck.title, cards=len(deck.cards), items=items,
            new=counts["new"], learning=counts["learning"], review=counts["review"],
            due_now=due_now, suspended=counts["suspended"], buried=buried, leeches=leeches,
            reviews_today=store.review_counts(day_start).get(deck.id, 0),
            mean_retrievability=sum(recall) / len(recall) if recall else None,
            briefing_at=target,
            readiness=(summarize_readiness(deck.cards, at_target, target)
                       if upcoming and target is not None else None)))
    if deck_id is None or not chosen:
        for other in sorted(by_deck):
            if deck_id is None or other == deck_id:
                orphaned.extend(ItemKey(other, c, i) for c, i in sorted(by_deck[other]))
    return report, orphaned


def assert_same(got: list[DeckStats], want: list[DeckStats]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        if w.mean_retrievability is None:
            assert g.mean_retrievability is None
        else:
            assert g.mean_retrievability == pytest.approx(w.mean_retrievability, rel=1e-12)
        if w.readiness is None:
            assert g.readiness is None
        else:
            assert g.readiness is not None
            assert g.readiness.overall == pytest.approx(w.readiness.overall, rel=1e-12)
            assert g.readiness.by_tag == pytest.approx(w.readiness.by_tag, rel=1e-12)
            assert g.readiness.items == w.readiness.items
        exact = {name: getattr(g, name) for name in DeckStats.__dataclass_fields__
                 if name not in ("mean_retrievability", "readiness")}
        assert exact == {name: getattr(w, name) for name in exact}


@pytest.mark.parametrize("seed", range(4))
def test_same_as_counting_item_by_item(open_store: StoreFactory, tmp_path: Path, seed: int) -> None:
    world = build(open_store, tmp_path, seed)
    leech_low = Config(SchedulerSettings(leech_lapses=1),
                       MappingProxyType({"b": SchedulerSettings(leech_lapses=0,
                                                                day_starts_at_hour=0)}))
    with world.store as store:
        store.set_briefing_target("b", T0 + timedelta(days=3), now=T0)
        store.set_briefing_target("a", T0 - timedelta(days=1), now=T0 - timedelta(days=2))
        for config in (Config(), leech_low):
            for now in (T0, T0 + timedelta(hours=7), T0 + timedelta(days=9)):
                for deck_id in (None, "a", "b", "gone", "nowhere"):
                    got = collect_stats(world.decks, store, config, now=now, tz=UTC,
                                        deck_id=deck_id)
                    want, orphaned = reference(world.decks, store, config, now=now, tz=UTC,
                                               deck_id=deck_id)
                    assert_same(got.decks, want)
                    assert got.orphaned == orphaned
        report = collect_stats(world.decks, store, Config(), now=T0, tz=UTC)
        # The world really has what the comparison is about.
        assert {ItemKey("a", "c2"), ItemKey("a", "c7")} <= set(report.orphaned)
        assert {key.deck_id for key in report.orphaned} == {"a", "b", "gone"}
        assert any(s.suspended for s in report.decks) and any(s.due_now for s in report.decks)


def test_many_orphans_are_taken_out_in_chunks(store: Store) -> None:
    # More orphans than one statement's variables: they are subtracted chunk by chunk.
    cards: list[Card] = [basic(i) for i in range(1200)]
    for card in cards:
        store.suspend(ItemKey("d", card.id), at=T0)
        store.bury(ItemKey("d", card.id), T0 + timedelta(days=1), at=T0)
    deck = make_deck(cards[:150], "d")
    (stats,) = collect_stats([deck], store, Config(), now=T0, tz=UTC).decks
    assert (stats.items, stats.suspended, stats.buried, stats.new) == (150, 150, 150, 0)
    assert len(collect_stats([deck], store, Config(), now=T0, tz=UTC).orphaned) == 1050


def test_recall_without_sqlite_math_functions(open_store: StoreFactory, tmp_path: Path) -> None:
    # Where SQLite lacks pow(), the store registers C's pow through Python: the same numbers.
    world = build(open_store, tmp_path, 7)
    with world.store as store:
        want = collect_stats(world.decks, store, Config(), now=T0, tz=UTC)
        store._conn.create_function("pow", 2, math.pow, deterministic=True)
        got = collect_stats(world.decks, store, Config(), now=T0, tz=UTC)
    assert got == want


def test_recall_curve_is_fsrs_retrievability() -> None:
    rng = random.Random(3)
    for settings in (SchedulerSettings(), SchedulerSettings(desired_retention=0.8)):
        sched = Scheduler(settings)
        plain = fsrs.Scheduler(desired_retention=settings.desired_retention)
        factor, decay = sched.recall_curve
        for _ in range(2000):
            stability = rng.choice([rng.uniform(0.01, 2), rng.uniform(2, 40000)])
            last = T0 - timedelta(seconds=rng.uniform(-86400 * 2, 86400 * 4000))
            card = fsrs.Card(card_id=1, state=fsrs.State.Review, stability=stability,
                             difficulty=5.0, due=T0, last_review=last)
            days = max(0, (to_us(T0) - to_us(last)) // 86_400_000_000)
            assert (1 + factor * days / stability) ** decay == plain.get_card_retrievability(
                card, T0)


def test_stats_from_a_version_2_file_read_only_and_after_migration(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.sqlite3"
    deck = make_deck([basic(1), basic(2), cloze_gaps("z", (1, 2))], "d")
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", 2)
    with Store.open(path) as store:
        review(store, ItemKey("d", "c1"), Rating.Good, T0 - timedelta(days=3))
        review(store, ItemKey("d", "c1"), Rating.Again, T0 - timedelta(hours=1))
        undone = review(store, ItemKey("d", "z", 2), Rating.Good, T0 - timedelta(minutes=5))
        store.undo_review(undone, at=T0)
        review(store, ItemKey("d", "c2"), Rating.Easy, T0 - timedelta(minutes=1))
        old = collect_stats([deck], store, Config(), now=T0, tz=UTC)
    monkeypatch.undo()
    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 2
    with Store.open(path, readonly=True) as store:
        assert collect_stats([deck], store, Config(), now=T0, tz=UTC) == old
    with Store.open(path) as store:
        assert collect_stats([deck], store, Config(), now=T0, tz=UTC) == old
    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == schema_module.SCHEMA_VERSION
        columns = [row[2] for row in raw.execute("PRAGMA index_info(items_blocked)")]
        assert columns[:3] == ["deck_id", "phase", "suspended"] and "stability" in columns
        indexes = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
        assert {"reviews_at", "reviews_odd_at"} <= indexes
    assert old.decks[0].reviews_today == 2 and old.decks[0].learning == 1


# -- calibration and the readiness band (issue 13) --------------------------------------------


def test_calibration_bins_the_forecast_at_each_review_against_the_answers(
        store: Store) -> None:
    from briefing_quiz.core.study.statistics import calibration

    scheduler = Scheduler()
    start = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    card = scheduler.new_card(1)
    key = ItemKey("d", "a")
    moments = [start, start + timedelta(days=3), start + timedelta(days=13, hours=5)]
    ratings = [fsrs.Rating.Good, fsrs.Rating.Good, fsrs.Rating.Again]
    forecasts = []
    for i, (at, rating) in enumerate(zip(moments, ratings, strict=True)):
        if i:
            forecasts.append(scheduler.retrievability(card, at))
        card = scheduler.review(card, rating, at)
        review(store, key, rating, at)
    undone = review(store, key, fsrs.Rating.Good, moments[-1] + timedelta(minutes=1))
    store.undo_review(undone, at=moments[-1] + timedelta(minutes=2))
    fared = calibration(store.recall_log("d"), scheduler)
    assert fared.reviews == 2  # the first answer had no forecast; the undone one does not count
    assert fared.predicted == pytest.approx(sum(forecasts) / 2)
    assert fared.right == 0.5
    by_bin = {int(b.low * 10): b for b in fared.bins}
    assert sum(b.reviews for b in fared.bins) == 2
    for p, right in zip(forecasts, (1.0, 0.0), strict=True):
        assert by_bin[int(p * 10)].right == right
    errors = [abs(p - r) for p, r in zip(forecasts, (1, 0), strict=True)]
    assert fared.ece == pytest.approx(sum(errors) / 2)
    assert calibration([], scheduler).ece is None


def test_the_readiness_band_narrows_with_reviews() -> None:
    from briefing_quiz.core.study.statistics import readiness_band

    assert round(readiness_band(0.62, 100) * 100) == 9
    assert readiness_band(0.62, 0) > readiness_band(0.62, 100) > readiness_band(0.62, 500)
    assert readiness_band(1.0, 3) == 0.0


def test_stats_say_which_parameters_are_in_use_and_when_fitted() -> None:
    own = tuple(float(w) for w in fsrs.Scheduler().parameters)
    fitted = datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc)
    deck = Deck(id="d", title="D", path=None, cards=(TypedCard(id="a", deck_id="d", question="q",
                                                             answer="a"),))
    config = Config(deck_overrides=MappingProxyType(
        {"d": SchedulerSettings(parameters=own, parameters_fitted=fitted)}))
    now = datetime(2026, 12, 8, tzinfo=timezone.utc)
    mine = collect_stats([deck], None, config, now=now, tz=timezone.utc).decks[0].to_json()
    assert mine["parameters"] == {"own": True, "values": list(own),
                                  "fitted": "2026-12-07T06:00:00+00:00"}
    plain = collect_stats([deck], None, Config(), now=now, tz=timezone.utc).decks[0].to_json()
    assert plain["parameters"] == {"own": False, "values": None, "fitted": None}
