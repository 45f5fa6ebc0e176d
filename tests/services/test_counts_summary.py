"""services/counts_summary.py: the decks screen's counts at launch from the last count.

The differential test drives random histories (answers, undos, suspensions, burials, marks, deck
edits, settings changes, the clock moving on, back and past the day's end, a second store
writing) and checks at every launch that each count the summary gives equals the full count at
that moment, and that it does give some. The others check that each kind of change makes it
miss, and that switched off it is neither written nor read."""

from __future__ import annotations

import os
import random
from datetime import timedelta, timezone, tzinfo
from pathlib import Path

import pytest
from fsrs import Rating

from briefing_quiz.core.errors import StoreError
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress import log_mark, queries
from briefing_quiz.core.progress.store import Store
from briefing_quiz.paths import Paths
from briefing_quiz.services import counts_summary
from briefing_quiz.services.backend import Backend
from briefing_quiz.services.counts_summary import SummaryCounts
from tests.conftest import FrozenClock
from tests.core.progress.conftest import KEY, review
from tests.core.progress.test_soundness import LATER, WRITES, _sound_file

UTC = timezone.utc
NOW = LATER + timedelta(hours=2)
#: Writes that change nothing the decks screen counts: the summary may stay. (`rebuild` derives
#: the same states again from the log unless they were damaged; `briefing-quiz rebuild`
#: deletes the summary: test_rebuild_deletes_it.)
NOT_COUNTED = {"set_briefing_target", "clear_briefing_target", "record_mock_test", "rebuild"}


def deck_text(deck_id: str, cards: int, *, cloze: bool = True, title: str = "T") -> str:
    """`cards` true/false cards (the first named "card", the second "other", as the soundness
    tests' keys) and a cloze card with two items."""
    names = ["card", "other", *(f"c{i}" for i in range(2, cards))][:cards]
    text = f'format = 1\n[deck]\nid = "{deck_id}"\ntitle = "{title}"\n'
    for name in names:
        text += (f'\n[[cards]]\nid = "{name}"\ntype = "truefalse"\nstatement = "{name} is so"\n'
                 "answer = true\n")
    if cloze:
        text += ('\n[[cards]]\nid = "gaps"\ntype = "cloze"\n'
                 'text = "The {{c1::first}} and the {{c2::second}}."\n')
    return text


class World:
    """A progress file, deck files, settings and a parse cache, seen by launches at `clock`."""

    def __init__(self, tmp_path: Path, clock: FrozenClock, tz: tzinfo = UTC) -> None:
        self.paths = Paths(data_file=tmp_path / "progress.sqlite3",
                           config_file=tmp_path / "config.toml",
                           deck_dirs=(tmp_path / "decks",), user_decks_dir=tmp_path / "user",
                           cache_dir=tmp_path / "cache")
        (tmp_path / "decks").mkdir()
        self.clock = clock
        self.tz = tz

    def write_deck(self, deck_id: str, text: str) -> None:
        (self.paths.deck_dirs[0] / f"{deck_id}.toml").write_text(text, encoding="utf-8")

    def backend(self) -> Backend:
        return Backend(self.paths, clock=self.clock, seed=1, tz=self.tz)

    def launch(self) -> dict[str, SummaryCounts]:
        """The counts the next launch shows with its listing (before anything is loaded)."""
        listed = self.backend().list_sync()
        return {} if listed is None else listed.counts

    def count(self, *, save: bool = True) -> dict[str, SummaryCounts]:
        """The full start-up's counts (and the summary kept, as the app keeps it)."""
        backend = self.backend()
        try:
            backend.list_sync()
            backend.load_sync()
            assert backend.open_store_sync() is None
            backend.load_config_sync()
            stats = backend.deck_stats_sync()
            if save:
                backend.save_counts_summary_sync()
        finally:
            backend._close_sync()
        return {s.deck_id: SummaryCounts(s.new, s.learning, s.due_now) for s in stats}


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path, FrozenClock(NOW))


def test_learning_phases_are_the_stores() -> None:
    assert log_mark.LEARNING_PHASES == queries._LEARNING_PHASES


# -- the differential test ---------------------------------------------------------------------

def _keys(cards: int) -> list[ItemKey]:
    names = ["card", "other", *(f"c{i}" for i in range(2, cards))][:cards]
    return [ItemKey("deck", n, 0) for n in names] + [ItemKey("deck", "gaps", 1),
                                                    ItemKey("deck", "gaps", 2)]


def _act(world: World, rng: random.Random, store: Store, reviews: list[int],
         cards: list[int]) -> str:
    """One random change (or none) of what the counts depend on; its name."""
    now = world.clock.now
    key = rng.choice(_keys(max(cards[0], 3)))
    action = rng.choice(["answer"] * 6 + ["undo", "suspend", "unsuspend", "bury", "unbury",
                                          "flag", "forget", "set_due", "back", "day", "deck",
                                          "settings"] + ["wait"] * 6 + ["nothing"] * 2)
    try:
        if action == "answer":
            reviews.append(review(store, key, rng.choice(list(Rating)), now).review_id)
        elif action == "undo" and reviews:
            store.undo_review(reviews.pop(), at=now)
        elif action in ("suspend", "unsuspend", "unbury"):
            getattr(store, action)(key, at=now)
        elif action == "bury":
            store.bury(key, now + timedelta(minutes=rng.choice([1, 30, 600])), at=now)
        elif action == "flag":
            store.marks.flag(key, "note", at=now)
        elif action == "forget":
            store.marks.forget(key, at=now)
        elif action == "set_due":
            store.marks.set_due(key, now + timedelta(minutes=rng.choice([0, 2, 90])), at=now)
        elif action == "wait":
            world.clock.advance(timedelta(seconds=rng.choice([1, 20, 61, 300, 700, 3600])))
        elif action == "back":
            world.clock.advance(timedelta(seconds=-rng.choice([1, 90])))
        elif action == "day":
            world.clock.advance(timedelta(hours=rng.choice([12, 20, 24])))
        elif action == "deck":  # cards added or removed (orphans), or a title changed
            cards[0] = max(2, cards[0] + rng.choice([-1, 1, 0]))
            world.write_deck("deck", deck_text("deck", cards[0], title=rng.choice("AB")))
        elif action == "settings":
            steps = rng.choice(['["1m", "10m"]', '["5m"]', '["1m", "30m", "2h"]'])
            world.paths.config_file.write_text(
                f"[scheduler]\nlearning_steps = {steps}\nday_starts_at = {rng.choice([0, 4])}\n",
                encoding="utf-8")
    except StoreError:
        pass  # an undo of a review no longer the item's latest, say
    return action


@pytest.mark.parametrize("seed", range(4))
def test_counts_from_the_summary_equal_the_full_counts(world: World, seed: int) -> None:
    rng = random.Random(seed)
    cards = [6]
    world.write_deck("deck", deck_text("deck", cards[0]))
    world.write_deck("still", deck_text("still", 3, cloze=False))  # never written to
    with Store.open(world.paths.data_file) as store:
        review(store, ItemKey("still", "card", 0), Rating.Again, world.clock.now)
    world.count()
    hits = misses = 0
    reviews: list[int] = []
    with Store.open(world.paths.data_file) as store:  # another process's store, say
        for _ in range(120):
            _act(world, rng, store, reviews, cards)
            kept = world.launch()
            full = world.count(save=rng.random() < 0.8)  # not always kept: stale ones too
            for deck_id, counts in kept.items():
                assert counts == full[deck_id], (deck_id, world.clock.now)
            hits += len(kept)
            misses += len(full) - len(kept)
    assert hits > 50 and misses > 50, (hits, misses)


def test_learning_items_falling_due_are_counted_without_a_new_count(world: World) -> None:
    world.write_deck("deck", deck_text("deck", 4))
    with Store.open(world.paths.data_file) as store:
        for key in _keys(4):
            review(store, key, Rating.Again, world.clock.now)  # learning, due in a minute
    counted = world.count()
    world.clock.advance(timedelta(minutes=5))
    kept = world.launch()
    assert kept == world.count(save=False)
    assert kept["deck"].due_now > counted["deck"].due_now  # they fell due meanwhile


# -- what makes it miss -------------------------------------------------------------------------

@pytest.fixture
def kept(world: World) -> World:
    """A world whose summary was just kept, and is given at the next launch."""
    world.write_deck("deck", deck_text("deck", 4))
    _sound_file(world.paths.data_file)
    world.count()
    assert world.launch() == world.count()
    return world


@pytest.mark.parametrize("name", sorted(WRITES))
def test_every_write_to_the_store_makes_it_miss(kept: World, name: str) -> None:
    with Store.open(kept.paths.data_file) as store:
        WRITES[name](store)
    if name in NOT_COUNTED:  # nothing the screen counts: it may stay, and stays right
        assert kept.launch() == kept.count(save=False)
    else:
        assert kept.launch() == {}


def test_a_write_by_the_app_itself_makes_it_miss(kept: World) -> None:
    backend = kept.backend()
    backend.load_sync()
    backend.open_store_sync()
    backend.set_suspended_sync(KEY, True)
    backend._close_sync()
    assert kept.launch() == {}


def test_a_deck_edit_makes_that_deck_miss(kept: World) -> None:
    kept.write_deck("other", deck_text("other", 2))
    kept.count()
    assert set(kept.launch()) == {"deck", "other"}
    kept.write_deck("deck", deck_text("deck", 4, title="Edited"))
    kept.count(save=False)  # the parse cache knows the new file; the summary does not
    assert set(kept.launch()) == {"other"}


def test_a_settings_change_makes_it_miss(kept: World) -> None:
    kept.paths.config_file.write_text('[scheduler]\nlearning_steps = ["5m"]\n', encoding="utf-8")
    assert kept.launch() == {}


def test_an_invalid_settings_file_keeps_no_summary(kept: World) -> None:
    kept.paths.config_file.write_text("[scheduler\n", encoding="utf-8")
    kept.count()
    assert kept.launch() == {}


def test_the_days_end_makes_it_miss(kept: World) -> None:
    # NOW is 11:00 UTC; the study day (from 4:00) ends at 4:00 tomorrow.
    kept.clock.now = NOW.replace(hour=3, minute=59) + timedelta(days=1)
    assert kept.launch() == kept.count(save=False)
    kept.count()
    kept.clock.now = NOW.replace(hour=4, minute=0) + timedelta(days=1)
    assert kept.launch() == {}


def test_a_burial_ending_makes_it_miss(kept: World) -> None:
    with Store.open(kept.paths.data_file) as store:
        store.bury(KEY, NOW + timedelta(minutes=10), at=NOW)
    kept.count()
    kept.clock.advance(timedelta(minutes=9))
    assert kept.launch() == kept.count(save=False)
    kept.clock.advance(timedelta(minutes=1))
    assert kept.launch() == {}


def test_the_clock_moving_back_makes_it_miss(kept: World) -> None:
    kept.clock.advance(timedelta(seconds=-1))
    assert kept.launch() == {}


def test_another_time_zone_makes_it_miss(kept: World) -> None:
    kept.tz = timezone(timedelta(hours=-5))
    assert kept.launch() == {}


def test_rebuild_deletes_it(kept: World) -> None:
    import io

    from briefing_quiz.services.progress import rebuild

    assert rebuild(kept.paths, out=io.StringIO(), err=io.StringIO()) == 0
    assert kept.launch() == {}


def test_a_damaged_summary_is_a_miss(kept: World) -> None:
    path = counts_summary.summary_file(kept.paths.cache_dir or Path(), kept.paths.data_file)
    for text in ("", "{", "[]", '{"format": 1}', path.read_text().replace("counts", "x")):
        path.write_text(text, encoding="utf-8")
        assert kept.launch() == {}
    path.unlink()
    os.mkfifo(path)  # refused, never waited on
    assert kept.launch() == {}
    kept.count()  # a new summary replaces it (renamed over the name, not written through it)
    assert path.is_file() and kept.launch()


def test_switched_off_it_is_neither_written_nor_read(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.write_deck("deck", deck_text("deck", 4))
    _sound_file(world.paths.data_file)
    monkeypatch.setattr(counts_summary, "ENABLED", False)
    world.count()
    assert not list((world.paths.cache_dir or Path()).glob("counts-*"))
    monkeypatch.setattr(counts_summary, "ENABLED", True)
    world.count()
    assert world.launch()
    monkeypatch.setattr(counts_summary, "ENABLED", False)
    assert world.launch() == {}


def test_the_listing_reads_no_counting_module(world: World) -> None:
    """The launch's reader imports `sqlite3` and the log mark, not the store nor fsrs."""
    import subprocess
    import sys

    world.write_deck("deck", deck_text("deck", 4))
    _sound_file(world.paths.data_file)
    world.count()
    script = (
        "import sys\nfrom datetime import datetime\nfrom pathlib import Path\n"
        "from briefing_quiz.paths import Paths\nfrom briefing_quiz.services.backend import Backend\n"
        f"p = Paths(data_file=Path({str(world.paths.data_file)!r}), "
        f"config_file=Path({str(world.paths.config_file)!r}), "
        f"deck_dirs=(Path({str(world.paths.deck_dirs[0])!r}),), user_decks_dir=Path('u'), "
        f"cache_dir=Path({str(world.paths.cache_dir)!r}))\n"
        f"now = datetime.fromisoformat({NOW.isoformat()!r})\n"
        "from datetime import timezone\n"
        "listed = Backend(p, clock=lambda: now, seed=1, tz=timezone.utc).list_sync()\n"
        "assert listed is not None and listed.counts, listed\n"
        "heavy = [m for m in ('fsrs', 'briefing_quiz.core.progress.store', "
        "'briefing_quiz.core.study.statistics', 'briefing_quiz.core.model') if m in sys.modules]\n"
        "print(heavy)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
