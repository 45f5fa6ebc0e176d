"""The study queue counted from the store's keys and read a page at a time as cards are shown.

What it buys: the plain build (`StudyQueue.build`) reads every due item of the deck as a Python
tuple, sorted, and filters them one by one before the first card: about 2,600 due reviews on the
10,000-card workload. Here a session start asks SQLite for the due items' keys as a few strings
(`core.progress.due_pages.due_keys`: no sort, no tuple per row), counts them against the deck by
builtins (one dict lookup per key, no Python code per row), and looks at cloze rows alone in
Python (the sibling rule); the learning and review lines are then read in pages of the
snapshot's own order (keyset pagination) when the session reaches them. What it buys, on the
cold "due counts" row of `benchmarks/run.py` (10,000 cards, 100,000 reviews): 17.7 -> 5.6 ms,
2.95x -> 0.93x Anki's `col.sched.counts()` (`benchmarks/README.md`, Part 1).

Why not a single SQL statement with the corrections in it: the deck lives in its TOML file, not
in the progress file (whose schema this does not change), so SQL would have to be handed the
deck's 11,666 keys (`json_each` of a parameter) and today's reviews per cloze card; measured on
the workload, that query took 15-19 ms of CPU against 3 ms for the keys read here.

What it falls back to: the plain build, for a deck listed twice, and for a progress file of
schema 3 or older (opened read-only). Counts and order are the plain
build's: an item is shown, skipped or claimed (the cloze sibling rule) by the same functions
(`queue._queued`, `_new_slots`, `spaced_apart`); each deck's pages come in its snapshot's order,
and several decks' lines are merged as the plain build merges them (learning by due time,
reviews by rank and due time, ties in deck order). One difference by design: an item another
window changes while the session runs is read as it is when its page is read, not as it was at
the start (the plain build read everything at the start and checked each item again when
shown, as this does too); the counts are then recomputed from what is queued once every page
is in.

While a card is shown, the study screen calls `prefetch`, which reads the pages the next `pop`
would read first (same pages, same order, sooner): a page read (0.3-3 ms) no longer lands between
a grade key and the next card (issue 16 part 4: `bench_ui.py` p99 48.0/83.7/57.6 ->
42.8/60.5/37.6 ms in 3 alternating rounds of 300 answers, loaded machine).

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
from briefing_quiz.core.progress.store import Store, to_us
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
_MIN = -(1 << 63)


def build(decks: Sequence[Deck], settings: dict[str, SchedulerSettings], store: Store,
          now: datetime, tz: tzinfo, *, due_only: bool = False) -> LazyQueue | None:
    """The lazy queue of `decks` at `now`, or None where the plain build is used (see above)."""
    if not ENABLED or not decks or len({deck.id for deck in decks}) != len(decks):
        return None
    sources: list[_Source] = []
    for index, deck in enumerate(decks):
        hour = settings[deck.id].day_starts_at_hour
        before = next_day_start(now, tz, hour)
        keys = due_pages.read_due_keys(store, deck.id, now=now, due_before=before,
                                       day_start=study_day_start(now, tz, hour),
                                       due_only=due_only)
        if keys is None:
            return None
        sources.append(_Source(index, deck, before, keys, due_only))
    return LazyQueue(sources, settings, store, now, due_only)


class _Source:
    """One deck's part of the lazy queue: its due keys, and how far its pages have been read."""

    def __init__(self, index: int, deck: Deck, before: datetime, keys: due_pages.DueKeys,
                 due_only: bool) -> None:
        self.index, self.deck, self.before, self.keys = index, deck, before, keys
        by_id, seen = deck._by_id, keys.seen_today
        # The cloze cards the learning line claims (one of their items allowed): a review
        # sibling never takes them, whichever item the learning pages then show.
        self.learning_cards = _cloze_cards(by_id, seen, keys.cloze_learning)
        self.review_cards = _cloze_cards(by_id, seen, keys.cloze_reviews) - self.learning_cards
        # `due_only`: the learning items due by now (a card counts when one of its allowed
        # items is: the first of them in due order, the one that claims it, is then too).
        self.learning = _plain(deck, keys.learning_ids) + len(
            _cloze_cards(by_id, seen, keys.cloze_learning_now) if due_only
            else self.learning_cards)
        self.review = _plain(deck, keys.review_ids) + len(self.review_cards)
        # Where each line goes on, how many rows its next page asks for, whether it is all read.
        self.after: dict[str, due_pages.PageKey | None] = {"learning": None, "review": None}
        self.size = {"learning": FIRST_PAGE, "review": FIRST_PAGE}
        self.done = {"learning": False, "review": False}
        # The heap order of this deck's learning rows (after any row of an earlier deck with
        # the same due time, as the plain build merges them), and of its last row read: the
        # rows not read come after it.
        self.seq = _INITIAL_SEQ + (index << 40)
        self.frontier: tuple[int, int] = (_MIN, _MIN)
        # The reviews read and kept, with what the decks' reviews are merged by.
        self.reviews: deque[tuple[float, int, _Slot]] = deque()


class LazyQueue(StudyQueue):
    """A `StudyQueue` whose learning heap and main line are filled a page at a time.

    The main line is `main` (reviews taken so far, and slots put back in front), then the
    reviews not taken yet (each deck's pages, merged as the plain build merges them: by rank,
    then due time, then deck order), then `back` (the new items, then the slots skipped)."""

    def __init__(self, sources: list[_Source], settings: dict[str, SchedulerSettings],
                 store: Store, now: datetime, due_only: bool = False) -> None:
        super().__init__()
        self._sources, self._store, self._now = sources, store, now
        # `due_only`: no new items, and learning items only when due by `now` (as the plain
        # build, which drops the others after they claimed their card).
        self._due_by = to_us(now) if due_only else None
        self._seen = {source.deck.id: source.keys.seen_today for source in sources}
        # Claims as the pages are read: the first item allowed of each cloze card.
        self._claimed: dict[tuple[str, str], int] = {}
        self.back: deque[_Slot] = deque()
        for source in [] if due_only else sources:
            deck, keys = source.deck, source.keys
            limit = settings[deck.id].new_cards_per_day - keys.new_today
            if limit > 0:
                claimed = dict.fromkeys(((deck.id, card_id) for card_id in
                                         source.learning_cards | source.review_cards), 0)
                new = _new_slots(deck, limit, _blocked(store, deck, now), keys.seen_today,
                                 claimed)
                if len(new) > 1:  # one slot is never held back: the lint only when it can matter
                    from briefing_quiz.core.lint import deck_relation

                    new = spaced_apart(new, deck_relation(deck), LEAK_GAP)
                self.back.extend(new)
        self.counts = {"new": len(self.back),
                       "learning": sum(source.learning for source in sources),
                       "review": sum(source.review for source in sources)}
        # Items read (a row read again is an item this session changed since). New items too:
        # once answered, one may be in a learning page.
        self._read: set[tuple[str, str, int]] = {
            (slot.deck_id, slot.card_id, slot.item) for slot in self.back}
        self._all_read = False
        self._recounted = False  # the counts made again once every page was in (once)

    # -- reading pages ----------------------------------------------------------------------------

    def _page(self, source: _Source, line: str) -> None:
        """Read the next page of `line` of `source` and queue the slots the plain build would
        have queued of its rows (`queue._queued`: orphans left out, the cloze sibling rule)."""
        deck_id = source.deck.id
        size = source.size[line]
        rows, after = due_pages.read_page(self._store, line, deck_id, now=self._now,
                                          due_before=source.before, after=source.after[line],
                                          size=size)
        source.size[line] = min(size * 2, LAST_PAGE)
        source.after[line] = after
        source.done[line] = len(rows) < size
        read = self._read
        fresh = [row for row in rows if (deck_id, row[0], row[1]) not in read]
        read.update((deck_id, row[0], row[1]) for row in fresh)
        if line == "review" and source.learning_cards:
            fresh = [row for row in fresh if not row[1] or row[0] not in source.learning_cards]
        slots = _queued(source.deck, fresh, line, self._claimed, self._seen)
        if line == "learning" and self._due_by is not None:
            slots = [slot for slot in slots if slot.due_us <= self._due_by]
        if line == "learning":
            seq = {(row[0], row[1]): source.seq + i for i, row in enumerate(rows)}
            for slot in slots:
                heapq.heappush(self.learning, (slot.due_us, seq[(slot.card_id, slot.item)],
                                               slot))
            if rows:
                source.frontier = (rows[-1][2], source.seq + len(rows) - 1)
            source.seq += len(rows)
        else:
            # NULL (no last review: a hand-made row) sorts first, as in SQL.
            rank = {(row[0], row[1]): -1e308 if row[4] is None else row[4] for row in fresh}
            source.reviews.extend((rank[(slot.card_id, slot.item)], slot.due_us, slot)
                                  for slot in slots)
        if all(all(other.done.values()) for other in self._sources):
            self._all_read = True

    def _fill_learning(self) -> None:
        """Read learning pages until the heap's first entry is the first of the whole line."""
        for source in self._sources:
            while not source.done["learning"] and (
                    not self.learning or self.learning[0][:2] > source.frontier):
                self._page(source, "learning")

    def _fill_main(self) -> None:
        """Put the next review of the merged line in `main`, if there is one."""
        if self.main:
            return
        best: _Source | None = None
        for source in self._sources:
            while not source.reviews and not source.done["review"]:
                self._page(source, "review")
            if source.reviews and (best is None or
                                   source.reviews[0][:2] < best.reviews[0][:2]):
                best = source
        if best is not None:
            self.main.append(best.reviews.popleft()[2])
        if (self._all_read and not self._recounted
                and not any(source.reviews for source in self._sources)):
            self._recounted = True
            self._recount()

    def _recount(self) -> None:
        """Once every page is in: the counts of what is queued (the same as the counts made at
        the start unless another window changed an item meanwhile)."""
        counts = {"new": 0, "learning": len(self.learning), "review": 0}
        for slot in (*self.main, *self.back):
            counts[slot.kind] += 1
        self.counts = counts

    def _read_all(self) -> None:
        """Every page of every line read, the whole merged review line in `main`."""
        for source in self._sources:
            while not source.done["learning"]:
                self._page(source, "learning")
        while True:
            before = len(self.main)
            self.main, waiting = deque(), self.main  # `_fill_main` fills an empty `main` only
            self._fill_main()
            waiting.extend(self.main)
            self.main = waiting
            if len(self.main) == before:
                break

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

    def prefetch(self) -> None:
        """Read now the pages the next `pop` would read first (the learning line's, then the
        review line's of each deck whose read reviews are used up), so that a page read lands
        while a card is shown, not between a grade key and the next card. The same pages in
        the same order as `pop` reads them, only sooner: what is queued does not change."""
        self._fill_learning()
        if self.main:
            return
        for source in self._sources:
            while not source.reviews and not source.done["review"]:
                self._page(source, "review")

    def skip(self, slot: _Slot) -> None:
        if slot.kind == "learning":
            self.push_learning(slot)
        else:
            self.back.append(slot)
            self.counts[slot.kind] += 1

    def keep(self, kept: Callable[[_Slot], bool]) -> None:
        """As `StudyQueue.keep`, once every page is read (a re-read deck: rare)."""
        self._read_all()
        self.main = deque(slot for slot in self.main if kept(slot))
        self.back = deque(slot for slot in self.back if kept(slot))
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
