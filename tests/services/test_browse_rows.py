"""core/progress/browse_rows.py: browse's rows read lean equal the rows read through the card JSON.

The differential test drives random stores (answers of every grade, so new, learning, review and
relearning items; undos, suspensions, burials, flags, forgets, set due dates; cloze siblings;
cards taken out of the deck, whose items are orphans; the clock moving on and back; a deck with
FSRS parameters of its own, so another forgetting curve) and checks at every step that
`Backend.card_rows_sync` gives equal rows with the lean read on and off.
"""

from __future__ import annotations

import importlib
import random
from datetime import timedelta
from pathlib import Path

import fsrs
import pytest

from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress import browse_rows
from briefing_quiz.core.progress.store import Store
from briefing_quiz.services.backend import CardRow
from tests.conftest import FrozenClock
from tests.core.progress.conftest import review
from tests.services.test_counts_summary import NOW, World, _act, deck_text

#: FSRS-6's defaults with another decay (the 21st parameter): the "still" deck's own curve.
STILL_PARAMETERS = [*fsrs.Scheduler().parameters[:20], 0.35]


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path, FrozenClock(NOW))


def rows_both_ways(world: World) -> tuple[list[CardRow], list[CardRow]]:
    """`card_rows_sync` of a fresh start-up, lean and plain, at the same moment."""
    backend = world.backend()
    try:
        backend.load_sync()
        assert backend.open_store_sync() is None
        backend.load_config_sync()
        lean = backend.card_rows_sync()
        browse_rows.ENABLED = False
        try:
            plain = backend.card_rows_sync()
        finally:
            browse_rows.ENABLED = True
    finally:
        backend.shutdown()
    return lean, plain


@pytest.mark.parametrize("seed", range(4))
def test_lean_rows_equal_the_rows_read_through_the_card_json(world: World, seed: int) -> None:
    rng = random.Random(seed)
    cards = [6]
    world.write_deck("deck", deck_text("deck", cards[0]))
    world.write_deck("still", deck_text("still", 3))
    settings = ", ".join(map(repr, STILL_PARAMETERS))
    world.paths.config_file.write_text(f"[decks.still]\nparameters = [{settings}]\n",
                                       encoding="utf-8")
    seen: set[object] = set()
    reviews: list[int] = []
    with Store.open(world.paths.data_file) as store:
        review(store, ItemKey("still", "card", 0), fsrs.Rating.Good, world.clock.now)
        review(store, ItemKey("still", "gaps", 2), fsrs.Rating.Again, world.clock.now)
        for orphan in (ItemKey("deck", "gone", 0), ItemKey("no-such-deck", "card", 0)):
            review(store, orphan, fsrs.Rating.Good, world.clock.now)
        # Buried until this very moment: no longer buried, both ways.
        store.bury(ItemKey("still", "other", 0), world.clock.now + timedelta(minutes=1),
                   at=world.clock.now)
        world.clock.advance(timedelta(minutes=1))
        lean, plain = rows_both_ways(world)
        assert lean == plain
        assert not any(r.buried for r in lean)
        for step in range(150):
            action = _act(world, rng, store, reviews, cards)
            if action == "settings":  # `_act` wrote the whole file: the still deck's curve back
                world.paths.config_file.write_text(
                    world.paths.config_file.read_text(encoding="utf-8")
                    + f"[decks.still]\nparameters = [{settings}]\n", encoding="utf-8")
            seen.add(action)
            seen.update(f"state {s.card.state.name}" for s in store.states().values()
                        if s.card is not None)
            if step % 3:
                continue
            lean, plain = rows_both_ways(world)
            assert lean == plain, world.clock.now
            seen.update(r.phase for r in lean)
            seen.update(f"recall {r.key.deck_id}" for r in lean if r.recall)
            seen.update(name for r in lean for name, on in (
                ("suspended", r.suspended), ("buried", r.buried), ("flagged", r.flag is not None),
                ("sibling", r.key.item == 2 and r.phase != "new")) if on)
            keys = {r.key for r in lean}
            seen.update("orphan" for key in store.states() if key not in keys)
    wanted = {"new", "learning", "review", "state Relearning", "suspended", "buried", "flagged",
              "forget", "set_due", "sibling", "orphan", "recall deck", "recall still", "back"}
    assert wanted <= seen, wanted - seen


def test_the_switch_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        monkeypatch.setenv("BRIEFING_QUIZ_NO_LEAN_BROWSE", "1")
        assert not importlib.reload(browse_rows).ENABLED
        monkeypatch.setenv("BRIEFING_QUIZ_NO_LEAN_BROWSE", "0")
        assert importlib.reload(browse_rows).ENABLED
    finally:
        monkeypatch.delenv("BRIEFING_QUIZ_NO_LEAN_BROWSE")
        importlib.reload(browse_rows)
