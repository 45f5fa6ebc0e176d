"""The study queue: what is due, in which order, with its counts. `StudySession` drives it.

Built when a session starts (times from the session's clock, days from `study_day_start` in `tz`
with each deck's `day_starts_at_hour`):

1. learning and relearning items that are due now, earliest first — they are checked before every
   card, so items that come due during the session come back in it;
2. review items due before the next study-day start, most overdue relative to their interval first
   ((now - due) / (due - last review));
3. new items in deck order, at most `new_cards_per_day` per deck, minus those introduced since the
   study day began;
4. when nothing else is left, learning items due within `learn_ahead` (20 minutes, as Anki).

New cards that leak each other's answers (`core.lint.deck_relation`: one's question, choices,
source or explain holds the other's answer) are kept more than `LEAK_GAP` new cards apart;
one that cannot be waits for a later session.

Suspended and buried items are left out. Siblings: two items (cloze deletions) of one card are never
shown on the same study day — an item is skipped when another item of its card was reviewed since
the day began or is already in today's queue. Items whose card was removed from the deck
(orphans) are kept in the store but never shown.

Also here: the seeded order in which a queue entry's choices or items are shown
(`shuffled_choices`, `shuffled_items`), shared by study sessions and mock tests; a session
shuffles anew each time it shows an item again (`showing`).
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import partial
from itertools import compress, count, repeat
from operator import itemgetter
from typing import Literal, NamedTuple, Protocol

from briefing_quiz.core.model import Card as DeckCard
from briefing_quiz.core.model import ChoiceCard, ClozeCard, Deck, ItemKey, OrderCard
from briefing_quiz.core.progress.store import DeckSnapshot, DueItem, Store, lkey, to_us
from briefing_quiz.core.scheduler import SchedulerSettings, study_day_start

__all__ = [
    "LEAK_GAP",
    "Kind",
    "QueueCounts",
    "QueueEntry",
    "SettingsSource",
    "StudyQueue",
    "next_day_start",
    "shuffled_choices",
    "shuffled_items",
]

Kind = Literal["new", "learning", "review"]


class SettingsSource(Protocol):
    """What a session needs from the configuration (`config.Config` has it)."""

    def for_deck(self, deck_id: str) -> SchedulerSettings: ...


@dataclass(frozen=True)
class QueueEntry:
    """One item to show. `lapses`/`leech`/`due` describe its stored state when it was queued."""

    key: ItemKey
    card: DeckCard
    kind: Kind
    changed_since_seen: bool
    lapses: int = 0
    leech: bool = False
    due: datetime | None = None


@dataclass(frozen=True)
class QueueCounts:
    """What is left in the session (the current entry included), by kind."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


class _Slot(NamedTuple):
    """A queued item, cheap to create in bulk; turned into a QueueEntry when it is shown."""

    deck_id: str
    card_id: str
    item: int
    kind: str
    due_us: int  # 0 for new items
    last_review_id: int | None
    cloze: bool  # a cloze card: its items are siblings


_slot: Callable[[tuple[str, str, int, str, int, int | None, bool]], _Slot] = partial(
    tuple.__new__, _Slot)  # a _Slot from a tuple, without the cost of NamedTuple.__new__
_NO_ITEMS: frozenset[int] = frozenset()
# New items are first looked for among this many cards of a deck, by primary key.
_NEW_PROBE = 256
#: Two new cards that leak each other's answers have at least this many cards between them.
LEAK_GAP = 10


def next_day_start(now: datetime, tz: tzinfo, hour: int = 4) -> datetime:
    """The start of the study day after the one containing `now` (aware UTC)."""
    start = study_day_start(now, tz, hour)
    # A local day lasts 23 to 25 hours, so 25 hours after its start always falls in the next day.
    return study_day_start(start + timedelta(hours=25), tz, hour)


class StudyQueue:
    """The learning heap (by due time) and the main line (reviews, then new items), with counts
    by kind of what they hold."""

    def __init__(self) -> None:
        self.learning: list[tuple[int, int, _Slot]] = []  # heap of (due_us, seq, slot)
        self.main: deque[_Slot] = deque()
        self.counts = {"new": 0, "learning": 0, "review": 0}
        self._seq = 0

    def build(self, decks: Sequence[Deck], settings: dict[str, SchedulerSettings], store: Store,
              now: datetime, tz: tzinfo, *, due_only: bool = False) -> None:
        """Queue what is due at `now` in `decks` (in that order), as the module docstring says.

        `due_only`: no new items, and learning items only when due by `now`: exactly what the
        decks screen counts as "due now" (`StatSummary.due_now`)."""
        snaps: list[tuple[Deck, DeckSnapshot]] = []
        seen: dict[str, dict[str, frozenset[int]]] = {}
        for deck in decks:
            hour = settings[deck.id].day_starts_at_hour
            snap = store.snapshot(deck.id, now=now, due_before=next_day_start(now, tz, hour),
                                  day_start=study_day_start(now, tz, hour),
                                  new_limit=settings[deck.id].new_cards_per_day,
                                  ranked=len(decks) > 1, with_blocked=False)
            snaps.append((deck, snap))
            seen[deck.id] = snap.seen_today
        # Learning first, then reviews, then new: an earlier kind wins a card's place for the day.
        claimed: dict[tuple[str, str], int] = {}  # (deck, card) -> the one item queued today
        if len(snaps) == 1:
            # One deck (the usual case): the same slots, made column-wise (see `_queued`).
            deck, snap = snaps[0]
            slots = _queued(deck, snap.learning, "learning", claimed, seen)
            # In (due, seq) order, so the list is already a valid heap: no heappush each.
            self.learning.extend(zip(map(_DUE_US, slots), count(self._seq + 1), slots))
            self._seq += len(slots)
            self.main.extend(_queued(deck, snap.reviews, "review", claimed, seen))
        else:
            learning = [_kept(deck, snap.learning) for deck, snap in snaps]
            reviews = [_kept(deck, snap.reviews) for deck, snap in snaps]
            for slot in _slots(snaps, learning, "learning"):
                if not slot.cloze or _claim(slot, claimed, seen):
                    self._seq += 1
                    self.learning.append((slot.due_us, self._seq, slot))
            self.main.extend([slot for slot in _slots(snaps, reviews, "review")
                              if not slot.cloze or _claim(slot, claimed, seen)])
        if due_only:
            now_us = to_us(now)
            self.learning = [entry for entry in self.learning if entry[0] <= now_us]
        self.counts["learning"] += len(self.learning)
        self.counts["review"] = len(self.main)
        from briefing_quiz.core.lint import deck_relation  # here: the lint is not on every path

        for deck, snap in ([] if due_only else snaps):
            limit = settings[deck.id].new_cards_per_day - snap.new_today
            if limit > 0:
                new = _new_slots(deck, limit, _blocked(store, deck, now), snap.seen_today, claimed)
                new = spaced_apart(new, deck_relation(deck), LEAK_GAP)
                self.main.extend(new)
                self.counts["new"] += len(new)

    def push_learning(self, slot: _Slot) -> None:
        self._seq += 1
        heapq.heappush(self.learning, (slot.due_us, self._seq, slot))
        self.counts["learning"] += 1

    def pop(self, now_us: int, learn_ahead_us: int) -> _Slot | None:
        """The next slot to show at `now_us` (None: nothing is due), taken out of the queue."""
        if self.learning and self.learning[0][0] <= now_us:
            slot = heapq.heappop(self.learning)[2]
        elif self.main:
            slot = self.main.popleft()
        elif self.learning and self.learning[0][0] <= now_us + learn_ahead_us:
            slot = heapq.heappop(self.learning)[2]
        else:
            return None
        self.counts[slot.kind] -= 1
        return slot

    def prefetch(self) -> None:
        """Read ahead what the next `pop` may need (a queue read in pages: `fast_queue`); this
        one holds everything already."""

    def unpop(self, slot: _Slot) -> None:
        """Put a slot back at the front of the queue (learning slots go back to the heap)."""
        if slot.kind == "learning":
            self.push_learning(slot)
        else:
            self.main.appendleft(slot)
            self.counts[slot.kind] += 1

    def skip(self, slot: _Slot) -> None:
        """Put a slot shown but not answered back, at the end (learning slots: to the heap)."""
        if slot.kind == "learning":
            self.push_learning(slot)
        else:
            self.main.append(slot)
            self.counts[slot.kind] += 1

    def drop_learning(self, slot: _Slot) -> None:
        """Take `slot` (this very object) out of the learning heap, if it is there."""
        for i, (_due, _seq, queued) in enumerate(self.learning):
            if queued is slot:
                self.learning.pop(i)
                heapq.heapify(self.learning)
                self.counts["learning"] -= 1
                return

    def keep(self, kept: Callable[[_Slot], bool]) -> None:
        """Leave only the slots for which `kept` is true, in their order; recount."""
        self.main = deque(slot for slot in self.main if kept(slot))
        self.learning = [entry for entry in self.learning if kept(entry[2])]
        heapq.heapify(self.learning)
        self.counts = {"new": 0, "learning": len(self.learning), "review": 0}
        for slot in self.main:
            self.counts[slot.kind] += 1


def _blocked(store: Store, deck: Deck, now: datetime) -> Iterator[tuple[DeckCard, frozenset[str]]]:
    """Each card of `deck` in order, with the lkeys of its items that cannot be new now.

    A day's new items are usually found among the first cards not studied yet, so the first
    cards are looked up by primary key; only if they are mostly studied (a deck learnt in
    order) is the whole deck's blocked set read, in one scan."""
    head = deck.cards[:_NEW_PROBE]
    blocked = store.blocked_among(deck.id, [card.id for card in head], now=now)
    for card in head:
        yield card, blocked
    if len(deck.cards) > _NEW_PROBE:
        blocked = store.blocked_among(deck.id, None, now=now)
        for card in deck.cards[_NEW_PROBE:]:
            yield card, blocked


# -- the per-deck row rules ------------------------------------------------------------------------


def _kept(deck: Deck, rows: list[DueItem]) -> list[DueItem]:
    """`rows` without orphans (items whose card, or cloze gap, is no longer in `deck`).

    The hot loop of a session start (a backlog can be thousands of rows): one dict lookup and a
    type check per row, nothing built but the list."""
    card_of = deck._by_id.get  # Deck.card without the method call per row (same dict)
    out: list[DueItem] = []
    keep = out.append
    for row in rows:
        card = card_of(row[0])
        if card is None:
            continue  # orphaned: the card was removed from the deck
        item = row[1]
        if item:
            if type(card) is not ClozeCard:
                continue  # orphaned: a non-cloze card has only item 0
            # `item in card.items` without building the sorted tuple for every row.
            for deletion in card.deletions:
                if deletion.number == item:
                    keep(row)
                    break
        elif type(card) is not ClozeCard:  # a cloze card's items are numbered from 1
            keep(row)
    return out


# By the type of what a card id looks up: False for no card or a cloze card (no item 0).
_NO_ITEM_0: dict[type, bool] = {type(None): False, ClozeCard: False}
_DUE_US = itemgetter(4)  # _Slot.due_us


def _queued(deck: Deck, rows: list[DueItem], kind: str, claimed: dict[tuple[str, str], int],
            seen: dict[str, dict[str, frozenset[int]]]) -> list[_Slot]:
    """The slots of one deck's due `rows` that join the queue, in the rows' order: what `_kept`,
    `_slots` and `_claim` give, column by column. A session start can have thousands of rows, and
    most are item 0 of a plain card: those are looked up, checked and turned into slots by
    builtins (map, zip, compress) without Python code per row; only cloze items (orphaned gaps,
    the sibling rule) are decided one by one."""
    if not rows:
        return []
    card_ids, items, dues, last_ids, _ranks = zip(*rows, strict=True)
    cards = list(map(deck._by_id.get, card_ids))  # Deck.card without a method call per row
    # Item 0 of a card in the deck that is not cloze: True; for now, the same for other items.
    keep = list(map(_NO_ITEM_0.get, map(type, cards), repeat(True)))
    deck_id = deck.id
    today = seen[deck_id]
    for i in [i for i, item in enumerate(items) if item]:
        keep[i] = False
        card, item = cards[i], items[i]
        if type(card) is not ClozeCard:
            continue  # orphaned: gone, or a non-cloze card (only item 0)
        # `item in card.items` without building the sorted tuple for every row.
        for deletion in card.deletions:
            if deletion.number == item:
                break
        else:
            continue  # orphaned: that gap is no longer in the card
        key = (deck_id, card_ids[i])  # the sibling rule, as `_claim`
        if claimed.get(key, item) != item:
            continue
        done = today.get(card_ids[i], _NO_ITEMS)
        if done and (len(done) > 1 or item not in done):
            continue
        claimed[key] = item
        keep[i] = True
    slots = map(_slot, zip(repeat(deck_id), card_ids, items, repeat(kind), dues, last_ids,
                           map(bool, items)))
    return list(compress(slots, keep))


def _slots(snaps: list[tuple[Deck, DeckSnapshot]], rows: list[list[DueItem]],
           kind: str) -> list[_Slot]:
    """Slots of every deck's kept rows of one kind, in queue order (by rank, then due time, then
    deck order and each deck's order). A kept row's item is non-zero exactly for cloze cards."""
    if len(rows) == 1:
        deck_id = snaps[0][0].id
        return [_slot((deck_id, card_id, item, kind, due_us, last_id, item != 0))
                for card_id, item, due_us, last_id, _rank in rows[0]]
    merged = heapq.merge(*[[(row, deck.id) for row in deck_rows]
                           for (deck, _snap), deck_rows in zip(snaps, rows, strict=True)],
                         key=_review_rank if kind == "review" else _due_rank)
    # heapq.merge is stable: ties keep deck order, and each deck's order.
    return [_slot((deck_id, card_id, item, kind, due_us, last_id, item != 0))
            for (card_id, item, due_us, last_id, _rank), deck_id in merged]


def _review_rank(pair: tuple[DueItem, str]) -> tuple[float, int]:
    rank = pair[0][4]
    assert rank is not None  # asked for (`ranked`) whenever several decks are merged
    return rank, pair[0][2]


def _due_rank(pair: tuple[DueItem, str]) -> int:
    return pair[0][2]


def _claim(slot: _Slot, claimed: dict[tuple[str, str], int],
           seen: dict[str, dict[str, frozenset[int]]]) -> bool:
    """Sibling rule for a cloze item: False when another item of its card was seen today or is
    already queued."""
    key = (slot.deck_id, slot.card_id)
    if claimed.get(key, slot.item) != slot.item:
        return False
    today = seen[slot.deck_id].get(slot.card_id, _NO_ITEMS)
    if today and (len(today) > 1 or slot.item not in today):
        return False
    claimed[key] = slot.item
    return True


def _new_slots(deck: Deck, limit: int, cards: Iterator[tuple[DeckCard, frozenset[str]]],
               seen_today: dict[str, frozenset[int]],
               claimed: dict[tuple[str, str], int]) -> list[_Slot]:
    """The first `limit` new items of `deck` in deck order, one per card (cloze siblings wait).
    `cards`: the deck's cards in order, each with (at least) the blocked lkeys of its items."""
    out: list[_Slot] = []
    deck_id = deck.id
    for card, blocked in cards:
        if type(card) is not ClozeCard:
            if card.id not in blocked:
                out.append(_Slot(deck_id, card.id, 0, "new", 0, None, False))
                if len(out) >= limit:
                    break
            continue
        if card.id in seen_today or (deck_id, card.id) in claimed:
            continue
        for item in card.items:
            if lkey(card.id, item) not in blocked:
                out.append(_Slot(deck_id, card.id, item, "new", 0, None, True))
                claimed[(deck_id, card.id)] = item
                break
        if len(out) >= limit:
            break
    return out


def spaced_apart(slots: list[_Slot], related: Mapping[str, frozenset[str]],
                 gap: int) -> list[_Slot]:
    """`slots` in their order, except that a slot whose card is `related` to one placed less
    than `gap` + 1 slots before waits for the first place far enough from it; slots that find
    no such place are left out (they stay new, for a later session)."""
    if not related or not any(slot.card_id in related for slot in slots):
        return slots
    out: list[_Slot] = []
    placed: dict[str, int] = {}  # card id -> its index in `out`
    pending = list(slots)
    while pending:
        fits = (i for i, slot in enumerate(pending) if all(
            len(out) - placed[other] > gap
            for other in related.get(slot.card_id, ()) if other in placed))
        first = next(fits, None)
        if first is None:
            break  # every slot left is too close to one just placed, and nothing can fill in
        slot = pending.pop(first)
        placed[slot.card_id] = len(out)
        out.append(slot)
    return out


# -- the seeded presentation order ----------------------------------------------------------------


def shuffled_choices(seed: int, entry: QueueEntry, showing: int = 0) -> list[str]:
    """The choices of a choice card shuffled by `seed` ([] for other types); the same for the
    same seed, item and `showing` (the number of times the item was shown before in the
    session), so a returning card's options are in a new order (mock tests show each once)."""
    if not isinstance(entry.card, ChoiceCard):
        return []
    choices = list(entry.card.choices)
    random.Random(f"{seed}:{entry.key}:choices{_nth(showing)}").shuffle(choices)
    return choices


def shuffled_items(seed: int, entry: QueueEntry, showing: int = 0) -> list[str]:
    """The items of an order card shuffled by `seed` and `showing`, as `shuffled_choices`, never
    already in the right order ([] for other types)."""
    if not isinstance(entry.card, OrderCard):
        return []
    right = list(entry.card.items_in_order)
    items = list(right)
    random.Random(f"{seed}:{entry.key}:order{_nth(showing)}").shuffle(items)
    if items == right and len(set(right)) > 1:
        items = items[1:] + items[:1]  # a rotation of distinct items is never the identity
    return items


def _nth(showing: int) -> str:
    # The first showing keeps the seed text it always had: the same seed gives the same first order.
    return f":{showing}" if showing else ""
