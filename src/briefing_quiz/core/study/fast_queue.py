"""The study queue counted from the store's keys and read a page at a time as cards are shown.

What it buys: the plain build (`StudyQueue.build`) reads every due item of the deck as a Python
tuple, sorted, and filters them one by one before the first card: about 2,600 due reviews on the
10,000-card workload. Here a session start asks SQLite for the due items' keys as a few strings
(`core.progress.due_pages.due_keys`: no sort, no tuple per row), counts them against the deck by
set operations in C, and looks at cloze rows alone in Python (the sibling rule); the learning and
review lines are then read in pages of the snapshot's own order (keyset pagination) when the
session reaches them. The cold "due counts" row of `benchmarks/run.py` measures what it buys
(the ratio is in `benchmarks/README.md` and the commit that made it).

Why not a single SQL statement with the corrections in it: the deck lives in its TOML file, not
in the progress file (whose schema this does not change), so SQL would have to be handed the
deck's 11,666 keys (`json_each` of a parameter) and today's reviews per cloze card; measured on
the workload, that query took 15-19 ms of CPU against 3 ms for the keys read here.

What it falls back to: the plain build, for several decks at once, for `due_only` sessions, and
for a progress file of schema 3 or older (opened read-only). Counts and order are the plain
build's: an item is shown, skipped or claimed (the cloze sibling rule) by the same functions
(`queue._queued`, `_new_slots`, `spaced_apart`), and the pages come in the snapshot's order.
One difference by design: an item another window changes while the session runs is read as it
is when its page is read, not as it was at the start (the plain build read everything at the
start and checked each item again when shown, as this does too); the counts are then
recomputed from what is queued once the last page is in.

How to switch it off: `BRIEFING_QUIZ_NO_FAST_QUEUE=1` in the environment, or `ENABLED = False`.
tests/core/study/test_fast_queue.py drives both through random stores, decks and answers and
checks that they show the same items in the same order with the same counts.
"""

from __future__ import annotations

import heapq
import os
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from briefing_quiz.core.model import Card, ClozeCard, Deck
from briefing_quiz.core.progress import due_pages
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import SchedulerSettings, study_day_start
from briefing_quiz.core.study.queue import (
    LEAK_GAP,
    StudyQueue,
    _blocked,
    _new_slots,
    _queued,
    _Slot,
    next_day_start,
    spaced_apart,
)

__all__ = ["ENABLED", "LazyQueue", "build"]

#: Whether a study session counts from the keys and reads its queue in pages (see above).
ENABLED = os.environ.get("BRIEFING_QUIZ_NO_FAST_QUEUE", "") in ("", "0")

#: Rows of the first page of each line, and the most of any page (each page doubles).
FIRST_PAGE = 32
LAST_PAGE = 1024
_INITIAL_SEQ = -(1 << 62)  # the first learning rows' heap order: before any requeued slot


def build(decks: Sequence[Deck], settings: dict[str, SchedulerSettings], store: Store,
          now: datetime, tz: tzinfo, *, due_only: bool = False) -> LazyQueue | None:
    """The lazy queue of `decks` at `now`, or None where the plain build is used (see above)."""
    if not ENABLED or due_only or len(decks) != 1:
        return None
    deck = decks[0]
    deck_settings = settings[deck.id]
    hour = deck_settings.day_starts_at_hour
    before = next_day_start(now, tz, hour)
    keys = due_pages.read_due_keys(store, deck.id, now=now, due_before=before,
                                   day_start=study_day_start(now, tz, hour))
    if keys is None:
        return None
    return LazyQueue(deck, deck_settings, store, now, before, keys)


class LazyQueue(StudyQueue):
    """A `StudyQueue` of one deck whose learning heap and main line are filled a page at a time.

    The main line is `main` (reviews read so far, and slots put back in front) followed by the
    reviews not read yet, then `back` (the new items, then the slots skipped for now)."""

    def __init__(self, deck: Deck, settings: SchedulerSettings, store: Store, now: datetime,
                 before: datetime, keys: due_pages.DueKeys) -> None:
        super().__init__()
        self.deck = deck
        self._store, self._now, self._before = store, now, before
        self._seen = {deck.id: keys.seen_today}
        by_id, seen = deck._by_id, keys.seen_today
        # The cloze cards the learning line claims (one of their items allowed): a review
        # sibling never takes them, whichever item the learning pages then show.
        self._learning_cards = _cloze_cards(by_id, seen, keys.cloze_learning)
        review_cards = _cloze_cards(by_id, seen, keys.cloze_reviews) - self._learning_cards
        learning = _plain(deck, keys.learning_ids) + len(self._learning_cards)
        review = _plain(deck, keys.review_ids) + len(review_cards)
        # Claims as the pages are read: the first item allowed of each cloze card.
        self._claimed: dict[tuple[str, str], int] = {}
        self.back: deque[_Slot] = deque()
        limit = settings.new_cards_per_day - keys.new_today
        if limit > 0:
            claimed = dict.fromkeys(((deck.id, card_id) for card_id in
                                     self._learning_cards | review_cards), 0)
            new = _new_slots(deck, limit, _blocked(store, deck, now), keys.seen_today, claimed)
            if len(new) > 1:  # one slot is never held back: the lint only when it can matter
                from briefing_quiz.core.lint import deck_relation

                new = spaced_apart(new, deck_relation(deck), LEAK_GAP)
            self.back.extend(new)
        self.counts = {"new": len(self.back), "learning": learning, "review": review}
        # The pages: where each line goes on, how many rows the next page asks for, which items
        # were read (a row read again is an item this session changed since), and the learning
        # heap's last row read (the rows not read come after it).
        self._after: dict[str, due_pages.PageKey | None] = {"learning": None, "review": None}
        self._done = {"learning": False, "review": False}
        self._size = {"learning": FIRST_PAGE, "review": FIRST_PAGE}
        # New items are read too: once answered, one may be in a learning page.
        self._read: set[tuple[str, int]] = {(slot.card_id, slot.item) for slot in self.back}
        self._frontier: tuple[int, int] = (0, 0)
        self._rows = 0

    # -- reading pages ----------------------------------------------------------------------------

    def _page(self, line: str) -> None:
        """Read the next page of `line` and queue the slots the plain build would have queued of
        its rows (`queue._queued`: orphans left out, the cloze sibling rule)."""
        size = self._size[line]
        rows, after = due_pages.read_page(self._store, line, self.deck.id, now=self._now,
                                          due_before=self._before, after=self._after[line],
                                          size=size)
        self._size[line] = min(size * 2, LAST_PAGE)
        self._after[line] = after
        self._done[line] = len(rows) < size
        read = self._read
        fresh = [row for row in rows if (row[0], row[1]) not in read]
        read.update((row[0], row[1]) for row in fresh)
        if line == "review" and self._learning_cards:
            fresh = [row for row in fresh if not row[1] or row[0] not in self._learning_cards]
        slots = _queued(self.deck, fresh, line, self._claimed, self._seen)
        if line == "learning":
            first = _INITIAL_SEQ + self._rows
            seq = {(row[0], row[1]): first + i for i, row in enumerate(rows)}
            for slot in slots:
                heapq.heappush(self.learning, (slot.due_us, seq[(slot.card_id, slot.item)],
                                               slot))
            self._rows += len(rows)
            if rows:
                self._frontier = (rows[-1][2], first + len(rows) - 1)
        else:
            self.main.extend(slots)
        if self._done["learning"] and self._done["review"]:
            self._recount()

    def _fill_learning(self) -> None:
        """Read learning pages until the heap's first entry is the first of the whole line."""
        while not self._done["learning"] and (
                not self.learning or self.learning[0][:2] > self._frontier):
            self._page("learning")

    def _fill_main(self) -> None:
        while not self.main and not self._done["review"]:
            self._page("review")

    def _recount(self) -> None:
        """Once every page is in: the counts of what is queued (the same as the counts made at
        the start unless another window changed an item meanwhile)."""
        counts = {"new": 0, "learning": len(self.learning), "review": 0}
        for slot in (*self.main, *self.back):
            counts[slot.kind] += 1
        self.counts = counts

    def _read_all(self) -> None:
        while not self._done["learning"]:
            self._page("learning")
        while not self._done["review"]:
            self._page("review")

    # -- the queue --------------------------------------------------------------------------------

    def pop(self, now_us: int, learn_ahead_us: int) -> _Slot | None:
        self._fill_learning()
        if self.learning and self.learning[0][0] <= now_us:
            slot = heapq.heappop(self.learning)[2]
        else:
            self._fill_main()
            if self.main:
                slot = self.main.popleft()
            elif self.back:
                slot = self.back.popleft()
            elif self.learning and self.learning[0][0] <= now_us + learn_ahead_us:
                slot = heapq.heappop(self.learning)[2]
            else:
                return None
        self.counts[slot.kind] -= 1
        return slot

    def skip(self, slot: _Slot) -> None:
        if slot.kind == "learning":
            self.push_learning(slot)
        else:
            self.back.append(slot)
            self.counts[slot.kind] += 1

    def keep(self, kept: Callable[[_Slot], bool]) -> None:
        """As `StudyQueue.keep`, once every page is read (a re-read deck: rare)."""
        self._read_all()
        main = [slot for slot in self.main if kept(slot)]
        back = [slot for slot in self.back if kept(slot)]
        self.main, self.back = deque(main), deque(back)
        self.learning = [entry for entry in self.learning if kept(entry[2])]
        heapq.heapify(self.learning)
        self._recount()


def _cloze_cards(by_id: dict[str, Card], seen: dict[str, frozenset[int]],
                 lkeys: list[str]) -> set[str]:
    """The cloze cards with an item among `lkeys` that is still in the card and not held back by
    a sibling seen today (`queue._queued`'s rules, per card rather than per row)."""
    cards: set[str] = set()
    for lkey in lkeys:
        card_id, _sep, number = lkey.partition("\x1f")
        if card_id in cards:
            continue
        card = by_id.get(card_id)
        if type(card) is not ClozeCard:
            continue  # orphaned: gone, or no longer a cloze card
        item = int(number)
        for deletion in card.deletions:
            if deletion.number == item:
                break
        else:
            continue  # orphaned: that gap is no longer in the card
        done = seen.get(card_id)
        if not done or (len(done) == 1 and item in done):
            cards.add(card_id)
    return cards


def _plain(deck: Deck, card_ids: list[str]) -> int:
    """How many of `card_ids` (of due items 0) are cards of `deck` that are not cloze cards: as
    `queue._queued` keeps them, by builtins over the whole list (one lookup per id)."""
    types = list(map(type, map(deck._by_id.get, card_ids)))
    return len(types) - types.count(_NONE) - types.count(ClozeCard)


_NONE = type(None)
