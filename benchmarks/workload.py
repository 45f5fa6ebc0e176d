"""The shared, seeded workload of `run.py`: a deck, a review history, and both made into files.

Everything is derived from a seed and a reference time `now`, so two runs with the same sizes get
the same cards, the same ratings and the same intervals (shifted to the time of the run, because
Anki schedules against the real clock and cannot be given another one).

* `write_deck`: the generated deck of `bench_deck_load.generate_deck` (every card type).
* `simulate_history`: `reviews` reviews spread over 85% of the deck's review items, made with
  `fsrs` (no fuzz): each item is reviewed when it falls due (up to a few days late), graded
  Again/Hard/Good/Easy with fixed odds, and its whole history is then shifted so that its last
  review lies between "just now" and 1.3 intervals ago; about a fifth of the reviewed items are
  therefore due, some of them overdue, a few in (re)learning.
* `write_store`: that history as our progress file. The review rows are inserted straight into the
  `reviews` table in one transaction (100,000 durable `record_review` calls would take minutes of
  fsyncs and measure nothing), then `Store.rebuild` derives every item's state from the log,
  exactly as `briefing-quiz rebuild` does.
* `notes_for_anki` / `history_for_anki`: the same cards and reviews in a JSON-ready shape for the
  Anki peer (`peer_anki.py`), which inserts the history as revlog rows.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs

from bench_deck_load import generate_deck
from briefing_quiz.core.deckfile import load_deck
from briefing_quiz.core.model import (
    ChoiceCard,
    ClozeCard,
    Deck,
    ItemKey,
    OrderCard,
    TrueFalseCard,
)
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import fsrs_card_id

UTC = timezone.utc
DECK_FILE = "bench.toml"
REVIEWED_SHARE = 0.85
#: Odds of Again, Hard, Good, Easy for a new item and for a later review.
FIRST_ODDS = (0.15, 0.15, 0.60, 0.10)
LATER_ODDS = (0.08, 0.10, 0.74, 0.08)
MAX_INTERVAL_DAYS = 365
RATINGS = (fsrs.Rating.Again, fsrs.Rating.Hard, fsrs.Rating.Good, fsrs.Rating.Easy)


@dataclass(frozen=True, slots=True)
class Review:
    """One review of the history: of item number `item` (index into `Deck.item_keys()`)."""

    item: int
    at: datetime
    rating: fsrs.Rating
    duration_ms: int
    before: fsrs.State | None  # None: the item was new
    card_after: fsrs.Card


def write_deck(folder: Path, cards: int, seed: int = 0) -> Path:
    """The generated deck of `cards` cards, written as `folder/bench.toml`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DECK_FILE
    path.write_text(generate_deck(cards, seed), encoding="utf-8")
    return path


def _shifted(card: fsrs.Card, shift: timedelta) -> fsrs.Card:
    return fsrs.Card(card_id=card.card_id, state=card.state, step=card.step,
                     stability=card.stability, difficulty=card.difficulty,
                     due=card.due + shift,
                     last_review=None if card.last_review is None else card.last_review + shift)


def _counts(rng: random.Random, items: int, reviews: int) -> dict[int, int]:
    """How many reviews each reviewed item gets: at least one, `reviews` in all, skewed."""
    chosen = sorted(rng.sample(range(items), max(1, min(items, round(items * REVIEWED_SHARE)))))
    chosen = chosen[:reviews]
    counts = dict.fromkeys(chosen, 1)
    weights = [min(3.0, rng.lognormvariate(0.0, 0.6)) for _ in chosen]
    extra = Counter(rng.choices(chosen, weights, k=max(0, reviews - len(chosen))))
    for item, n in extra.items():
        counts[item] += n
    return counts


def simulate_history(deck: Deck, reviews: int, now: datetime, seed: int = 0) -> list[Review]:
    """`reviews` reviews of the deck's items, oldest first (see the module docstring)."""
    rng = random.Random(seed)
    keys = deck.item_keys()
    # Intervals capped at a year keep the longest histories (a few dozen reviews) in range.
    scheduler = fsrs.Scheduler(enable_fuzzing=False, maximum_interval=MAX_INTERVAL_DAYS)
    out: list[Review] = []
    origin = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)
    for item, n in sorted(_counts(rng, len(keys), reviews).items()):
        card = fsrs.Card(card_id=fsrs_card_id(keys[item]), due=origin)
        at = origin
        history: list[tuple[datetime, fsrs.Rating, int, fsrs.State | None, fsrs.Card]] = []
        for k in range(n):
            rating = rng.choices(RATINGS, FIRST_ODDS if k == 0 else LATER_ODDS)[0]
            before = None if k == 0 else card.state
            card, _log = scheduler.review_card(card, rating, at)
            history.append((at, rating, rng.randint(2_000, 30_000), before, card))
            late = (card.due - at) * rng.uniform(0.0, 0.3)
            at = card.due + min(late, timedelta(days=4))
        last_at, last_card = history[-1][0], history[-1][4]
        interval = last_card.due - last_at
        shift = (now - interval * rng.uniform(0.0, 1.3)) - last_at
        shift -= timedelta(microseconds=shift.microseconds)  # whole seconds, as logs keep them
        out.extend(Review(item, at + shift, rating, ms, before, _shifted(after, shift))
                   for at, rating, ms, before, after in history)
    out.sort(key=lambda r: (r.at, r.item))
    return out


def write_store(path: Path, deck: Deck, history: list[Review]) -> int:
    """Our progress file holding `history`; returns the number of items with stored state."""
    keys = deck.item_keys()
    Store.open(path).close()  # creates the schema
    hashes: dict[int, str] = {}
    rows = []
    for review in history:
        key = keys[review.item]
        if review.item not in hashes:
            card = deck.card(key.card_id)
            assert card is not None
            hashes[review.item] = card.content_hash(key.item)
        rows.append((key.deck_id, key.card_id, key.item, int(review.rating), None, None,
                     review.at.isoformat(), review.duration_ms, hashes[review.item],
                     json.dumps(review.card_after.to_dict(), separators=(",", ":"))))
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous = OFF")  # set-up only; the timed runs use the store's
        conn.executemany(
            "INSERT INTO reviews (deck_id, card_id, item, rating, given, correct, reviewed_at, "
            "duration_ms, content_hash, card_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.commit()
    finally:
        conn.close()
    with Store.open(path) as store:
        return store.rebuild()


def notes_for_anki(deck: Deck) -> list[list[str]]:
    """One Anki note per card: ["cloze", text] or ["basic", front, back], in deck order.

    Card i becomes note i; a cloze card's items c1, c2, ... become that note's cards 0, 1, ...
    """
    notes: list[list[str]] = []
    for card in deck.cards:
        if isinstance(card, ClozeCard):
            notes.append(["cloze", card.text])
        elif isinstance(card, ChoiceCard):
            notes.append(["basic", card.question + "<br>" + "<br>".join(card.choices),
                          "; ".join(card.answers)])
        elif isinstance(card, OrderCard):
            notes.append(["basic", card.question + "<br>" + "<br>".join(card.items_in_order),
                          " → ".join(card.items_in_order)])
        elif isinstance(card, TrueFalseCard):
            notes.append(["basic", card.statement, "true" if card.answer else "false"])
        else:
            notes.append(["basic", card.question, card.answer])
    return notes


def history_for_anki(deck: Deck, history: list[Review]) -> list[list[float]]:
    """Per review: [item, unix ms, rating, duration ms, state before (0 new), state after,
    due after (unix s), last review (unix s)]. Items are numbered as in `anki_item_order`."""
    return [[r.item, int(r.at.timestamp() * 1000), int(r.rating), r.duration_ms,
             0 if r.before is None else int(r.before), int(r.card_after.state),
             r.card_after.due.timestamp(), r.at.timestamp()] for r in history]


def anki_item_order(deck: Deck) -> list[ItemKey]:
    """Our items in the order of Anki's cards sorted by (note, template): the same as ours."""
    return deck.item_keys()


def build(folder: Path, *, cards: int, reviews: int, now: datetime,
          seed: int = 0) -> tuple[Path, Path, Deck, list[Review]]:
    """Deck file and progress file of the standard workload under `folder`."""
    deck_path = write_deck(folder / "decks", cards, seed)
    deck = load_deck(deck_path)
    history = simulate_history(deck, reviews, now, seed)
    store_path = folder / "progress.sqlite3"
    write_store(store_path, deck, history)
    return deck_path, store_path, deck, history
