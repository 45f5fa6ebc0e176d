"""Statistics: a deck's progress at one moment (`collect_stats`, for the decks screen and `stats`)
and over time (due forecast, reviews per day, true retention per week, for the statistics screen).
Readiness at a briefing target is `core.study.briefing_session.briefing_status`.

Days are *study days* in the user's zone `tz`, starting at the deck's `day_starts_at_hour` (as
the queue counts them: at 01:30 with hour 4 it is still "yesterday"). `collect_stats` needs a
`tzinfo`; the functions over time also take None (the machine's zone).
Nothing here reads the clock.

    collect_stats(decks, store, config, *, now, tz, deck_id=None) -> StatsReport
    due_forecast(store, deck, days, *, now, tz, hour=4) -> list[DayCount]
    reviews_per_day(store, deck, days, *, now, tz, hour=4) -> list[DayCount]
    true_retention(store, deck, weeks, *, now, tz, hour=4) -> list[RetentionWeek]
    calibration(store.recall_log(deck), scheduler) -> Calibration  (forecasts against answers)
    deck_scale(store, deck, scheduler) -> MemoryScale  (what readiness averages over: forecast.py)
    readiness_band(readiness, reviews) -> float       (the uncertainty of readiness)
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo

import fsrs

from briefing_quiz.core import fsrs_adapter
from briefing_quiz.core.model import ClozeCard, Deck, ItemKey
from briefing_quiz.core.progress.derive import lkey, split_lkey
from briefing_quiz.core.progress.store import Store, from_us
from briefing_quiz.core.scheduler import Scheduler, study_day_start
from briefing_quiz.core.study.forecast import (
    MIN_EVIDENCE_DAYS,
    MemoryScale,
    evidence_bin,
    memory_scale,
)
from briefing_quiz.core.study.open_share import weigh_open
from briefing_quiz.core.study.queue import SettingsSource, next_day_start
from briefing_quiz.core.study.readiness import Readiness, summarize_readiness

__all__ = ["BAND_PRIOR_REVIEWS", "Calibration", "CalibrationBin", "DayCount", "DeckStats",
           "RetentionWeek", "StatsReport", "calibration", "collect_stats", "deck_scale", "due_forecast",
           "readiness_band", "reviews_per_day", "study_date", "true_retention"]

_REVIEW = int(fsrs.State.Review)
_LEARNING = (int(fsrs.State.Learning), int(fsrs.State.Relearning))


@dataclass(frozen=True, slots=True)
class DayCount:
    """A count for one study day."""

    day: date
    count: int


@dataclass(frozen=True, slots=True)
class RetentionWeek:
    """Reviews of items already in the review phase during one week (Monday first), and how many
    were not forgotten (any grade but Again): Anki's "true retention"."""

    start: date
    reviews: int
    passed: int

    @property
    def rate(self) -> float | None:
        """passed / reviews; None for a week without such reviews."""
        return self.passed / self.reviews if self.reviews else None


def study_date(moment: datetime, tz: tzinfo | None, hour: int = 4) -> date:
    """The study day `moment` belongs to: its local date, counted from `hour` o'clock."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"moment must be aware, got {moment!r}")
    return (moment.astimezone(tz) - timedelta(hours=hour)).date()


def due_forecast(store: Store, deck: Deck, days: int, *, now: datetime, tz: tzinfo | None,
                 hour: int = 4) -> list[DayCount]:
    """Reviews due on each of the `days` study days from today: day 0 also holds everything
    overdue. Items of `deck` only (progress of removed cards is left out); suspended items are
    left out; new items are not due."""
    today = study_date(now, tz, hour)
    counts = [0] * max(days, 0)
    known = {(card.id, item) for card in deck.cards for item in card.items}
    for row in store.stat_rows(deck.id):
        if row.phase == 0 or row.suspended or row.due_us is None:
            continue
        if (row.card_id, row.item) not in known:
            continue
        offset = max(0, (study_date(from_us(row.due_us), tz, hour) - today).days)
        if offset < len(counts):
            counts[offset] += 1
    return [DayCount(today + timedelta(days=i), n) for i, n in enumerate(counts)]


def reviews_per_day(store: Store, deck: Deck, days: int, *, now: datetime, tz: tzinfo | None,
                    hour: int = 4) -> list[DayCount]:
    """Reviews made (undone ones not counted) on each of the last `days` study days, oldest first,
    today last."""
    today = study_date(now, tz, hour)
    first = today - timedelta(days=max(days, 0) - 1)
    counts = [0] * max(days, 0)
    for row in store.review_rows(deck.id):
        index = (study_date(row.reviewed_at, tz, hour) - first).days
        if 0 <= index < len(counts):
            counts[index] += 1
    return [DayCount(first + timedelta(days=i), n) for i, n in enumerate(counts)]


def true_retention(store: Store, deck: Deck, weeks: int, *, now: datetime, tz: tzinfo | None,
                   hour: int = 4) -> list[RetentionWeek]:
    """True retention per week for the last `weeks` weeks (Monday first), oldest first, the
    current week last. A review counts when its item was in the review phase just before it (so
    learning steps and first answers are left out); it passed unless graded Again."""
    today = study_date(now, tz, hour)
    this_week = today - timedelta(days=today.weekday())
    first = this_week - timedelta(weeks=max(weeks, 0) - 1)
    reviews = [0] * max(weeks, 0)
    passed = [0] * max(weeks, 0)
    phase: dict[ItemKey, int] = {}  # item -> its phase after its latest review so far
    for row in store.review_rows(deck.id):
        before = phase.get(row.key, 0)
        phase[row.key] = row.phase_after
        if before != _REVIEW:
            continue
        index = (study_date(row.reviewed_at, tz, hour) - first).days // 7
        if 0 <= index < len(reviews):
            reviews[index] += 1
            passed[index] += row.rating != int(fsrs.Rating.Again)
    return [RetentionWeek(first + timedelta(weeks=i), reviews[i], passed[i])
            for i in range(len(reviews))]


# -- calibration: predicted recall against what happened ----------------------------------------


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """Reviews whose predicted recall (at the moment of the review) fell in [low, high)."""

    low: float
    high: float
    reviews: int
    predicted: float  # mean predicted recall of these reviews
    right: float      # share of them not graded Again


@dataclass(frozen=True, slots=True)
class Calibration:
    """How the forecasts of recall compared with one's own answers: `bins` of predicted recall
    (empty ones left out), and `ece`, the expected calibration error: the mean over reviews of
    |predicted - share right| of their bin (None without reviews). `predicted` and `right` are
    the means over every review counted."""

    bins: tuple[CalibrationBin, ...]
    reviews: int
    predicted: float | None
    right: float | None
    ece: float | None
    #: What readiness learns from these reviews (`forecast.memory_scale`): (bin of F t / S,
    #: reviews, right) for those at least `forecast.MIN_EVIDENCE_DAYS` after the previous one.
    evidence: tuple[tuple[int, int, int], ...] = ()

    def scale(self, scheduler: Scheduler) -> MemoryScale:
        """The stability scale these reviews show, for `scheduler`'s curve (see
        `core.study.forecast`): what readiness averages its forecasts over."""
        return memory_scale(self.evidence, scheduler.recall_curve[1])

    def to_json(self) -> dict[str, object]:
        return {"reviews": self.reviews, "predicted": _rounded(self.predicted),
                "right": _rounded(self.right), "ece": _rounded(self.ece),
                "bins": [{"low": b.low, "high": b.high, "reviews": b.reviews,
                          "predicted": round(b.predicted, 4), "right": round(b.right, 4)}
                         for b in self.bins]}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def calibration(log: Iterable[tuple[Hashable, int, datetime, float | None, str | None]],
                scheduler: Scheduler, bins: int = 10) -> Calibration:
    """Every review of an item that already had a memory state: its recall as forecast at that
    moment from the state before it (in continuous time, with the deck's parameters) against
    whether it was answered right (any grade but Again). `log`: (item key, rating, time, the
    stability and the last review (ISO text) the review left), oldest first, undone reviews
    left out, as `Store.recall_log` gives it."""
    curve = scheduler.recall_curve
    before: dict[Hashable, tuple[float, datetime]] = {}
    sums = [[0, 0.0, 0] for _ in range(bins)]  # per bin: reviews, sum predicted, right
    evidence: dict[int, list[int]] = {}  # per bin of F t / S: reviews, right
    again = int(fsrs.Rating.Again)
    for key, rating, at, stability, last in log:
        previous = before.get(key)
        if stability is not None and last is not None:
            before[key] = (stability, datetime.fromisoformat(last))
        else:
            before.pop(key, None)
        if previous is None:
            continue
        days = fsrs_adapter.elapsed_days(previous[1], at)
        p = fsrs_adapter.recall(curve, previous[0], days)
        entry = sums[min(bins - 1, int(p * bins))]
        entry[0] += 1
        entry[1] += p
        entry[2] += rating != again
        if days >= MIN_EVIDENCE_DAYS:
            counts = evidence.setdefault(evidence_bin(curve[0] * days / previous[0]), [0, 0])
            counts[0] += 1
            counts[1] += rating != again
    made = tuple(CalibrationBin(i / bins, (i + 1) / bins, int(n), total / n, right / n)
                 for i, (n, total, right) in enumerate(sums) if n)
    count = sum(b.reviews for b in made)
    if not count:
        return Calibration((), 0, None, None, None)
    return Calibration(
        made, count,
        predicted=sum(b.predicted * b.reviews for b in made) / count,
        right=sum(b.right * b.reviews for b in made) / count,
        ece=sum(abs(b.predicted - b.right) * b.reviews for b in made) / count,
        evidence=tuple((b, n, right) for b, (n, right) in sorted(evidence.items())))


def deck_scale(store: Store, deck_id: str, scheduler: Scheduler) -> MemoryScale:
    """The stability scale the deck's own reviews show (`Calibration.scale`), which readiness
    averages its forecasts over (`core.study.forecast`)."""
    return calibration(store.recall_log(deck_id), scheduler).scale(scheduler)


#: How many reviews the model's own forecast is worth in `readiness_band`'s prior.
BAND_PRIOR_REVIEWS = 20


def readiness_band(overall: float, reviews: int) -> float:
    """Half the width of a 95% interval around readiness `overall`, given `reviews` of one's
    own reviews with a forecast (`Calibration.reviews`).

    Readiness is the model's forecast of a share of items recalled. How far one's true share may
    be from it is modelled as a Beta posterior of a recall rate whose prior is centred on the
    forecast and worth BAND_PRIOR_REVIEWS reviews, updated by the `reviews` one has answered:
    its standard deviation is about sqrt(R (1 - R) / (n0 + n)), and the band 1.96 times that.
    So ±21 points at 62% with no reviews, ±9 after 100, ±4 after 500: it narrows as one's own
    reviews show how the forecasts fare."""
    r = min(1.0, max(0.0, overall))
    return 1.96 * math.sqrt(r * (1.0 - r) / (BAND_PRIOR_REVIEWS + max(0, reviews)))


# -- progress at one moment -------------------------------------------------------------------


@dataclass(frozen=True)
class DeckStats:
    """Progress of one deck at `now`. Categories count items (a cloze card has one per deletion):
    new + learning + review + suspended == items."""

    deck_id: str
    title: str
    cards: int
    items: int
    new: int
    learning: int
    review: int
    due_now: int
    suspended: int
    buried: int
    leeches: int
    reviews_today: int
    mean_retrievability: float | None  # over reviewed items; None when none was reviewed
    briefing_at: datetime | None = None  # the deck's briefing target (aware UTC), if any
    readiness: Readiness | None = None   # at `briefing_at`, while it is to come
    parameters: tuple[float, ...] | None = None  # the config's own FSRS parameters; None: fsrs'
    parameters_fitted: datetime | None = None    # when `optimize --apply` fitted them

    def to_json(self) -> dict[str, object]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["briefing_at"] = None if self.briefing_at is None else self.briefing_at.isoformat()
        data["readiness"] = None if self.readiness is None else self.readiness.to_json()
        data["parameters"] = {
            "own": self.parameters is not None,
            "values": list(self.parameters) if self.parameters is not None else None,
            "fitted": (None if self.parameters_fitted is None
                       else self.parameters_fitted.isoformat())}
        del data["parameters_fitted"]
        return data


@dataclass(frozen=True)
class StatsReport:
    decks: list[DeckStats]
    orphaned: list[ItemKey] = field(default_factory=list)  # stored items no loaded deck has


def collect_stats(decks: Sequence[Deck], store: Store | None, config: SettingsSource, *,
                  now: datetime, tz: tzinfo, deck_id: str | None = None) -> StatsReport:
    """Per-deck progress (`store` None: no progress file yet, everything is new). A deck with a
    briefing target still to come gets its readiness then (see `core.study.readiness`).

    Paid at every launch before the decks screen shows counts, so the store aggregates in SQL
    (`Store.stat_summary`) and Python touches only the item keys, to tell orphans apart.
    """
    targets = {} if store is None else store.briefing_targets()
    chosen = [d for d in decks if deck_id is None or d.id == deck_id]
    report: list[DeckStats] = []
    orphaned: list[ItemKey] = []
    counted: set[str] = set()  # a deck id listed twice: its stored items count for the first
    today: dict[datetime, dict[str, int]] = {}  # reviews since a day start, per deck
    for deck in chosen:
        settings = config.for_deck(deck.id)
        curve = Scheduler(settings).recall_curve
        day_start = study_day_start(now, tz, settings.day_starts_at_hour)
        day_end = next_day_start(now, tz, settings.day_starts_at_hour)
        cloze, cloze_ids, items = _deck_lkeys(deck)
        counts = {"new": items, "learning": 0, "review": 0, "suspended": 0}
        due_now = buried = leeches = recalled = 0
        recall_sum = 0.0
        target = targets.get(deck.id)
        upcoming = target is not None and target > now
        if store is not None and deck.id not in counted:
            counted.add(deck.id)
            summary = store.stat_summary(deck.id, now=now, day_end=day_end,
                                         leech_lapses=settings.leech_lapses, curve=curve)
            lost = _orphans(deck, cloze, cloze_ids, summary.lkeys)
            if lost:
                orphaned.extend(sorted(ItemKey(deck.id, *split_lkey(key)) for key in lost))
                # Take the orphans' share back out: exact for counts, to rounding for recall.
                less = store.stat_summary(deck.id, now=now, day_end=day_end,
                                          leech_lapses=settings.leech_lapses, curve=curve,
                                          only=lost)
                for group, n in less.items.items():
                    summary.items[group] -= n
                summary = summary._replace(
                    due_now=summary.due_now - less.due_now, buried=summary.buried - less.buried,
                    leeches=summary.leeches - less.leeches,
                    recall_sum=summary.recall_sum - less.recall_sum,
                    recalled=summary.recalled - less.recalled)
            for (phase, suspended), n in summary.items.items():
                counts["new"] -= n  # stored: counted below by its phase
                counts["suspended" if suspended else "new" if not phase else
                       "learning" if phase in _LEARNING else "review"] += n
            due_now, buried, leeches = summary.due_now, summary.buried, summary.leeches
            recall_sum, recalled = summary.recall_sum, summary.recalled
        if settings.leech_lapses <= 0:
            leeches = 0
        readiness: Readiness | None = None
        if upcoming and target is not None:
            values = {} if store is None else store.recall_at(deck.id, target, curve)
            own = Scheduler(settings)
            fared = None if store is None else calibration(store.recall_log(deck.id), own)
            scale = None if fared is None else fared.scale(own)
            at_target = {ItemKey(deck.id, card_id, item):
                         value if scale is None else scale.expected(value)
                         for (card_id, item), value in values.items()}
            readiness = summarize_readiness(deck.cards, weigh_open(deck.cards, store, at_target),
                                            target)
            if fared is not None:  # its band, from the same reviews (read once)
                readiness = replace(readiness,
                                    band=readiness_band(readiness.overall, fared.reviews))
        report.append(DeckStats(
            deck_id=deck.id, title=deck.title, cards=len(deck.cards), items=items,
            new=counts["new"], learning=counts["learning"], review=counts["review"],
            due_now=due_now, suspended=counts["suspended"], buried=buried, leeches=leeches,
            reviews_today=_reviews_since(store, day_start, today).get(deck.id, 0),
            mean_retrievability=recall_sum / recalled if recalled else None,
            briefing_at=target, readiness=readiness, parameters=settings.parameters,
            parameters_fitted=settings.parameters_fitted))
    if store is not None and (deck_id is None or not chosen):
        # Decks with progress but no deck file loaded: every item of theirs is orphaned.
        for other in store.stored_decks():
            if other in counted or (deck_id is not None and other != deck_id):
                continue
            orphaned.extend(sorted(ItemKey(other, row.card_id, row.item)
                                   for row in store.stat_rows(other)))
    return StatsReport(decks=report, orphaned=orphaned)


def _deck_lkeys(deck: Deck) -> tuple[set[str], set[str], int]:
    """The lkeys of the deck's cloze items, the ids of its cloze cards, and how many items the
    deck has (any other card's one item has its card id as lkey)."""
    cloze_cards = [card for card in deck.cards if type(card) is ClozeCard]
    cloze = {lkey(card.id, d.number) for card in cloze_cards for d in card.deletions}
    return cloze, {card.id for card in cloze_cards}, len(deck.cards) - len(cloze_cards) + len(cloze)


def _orphans(deck: Deck, cloze: set[str], cloze_ids: set[str], stored: list[str]) -> set[str]:
    """The stored lkeys that are no item of `deck` (`cloze`, `cloze_ids`: from `_deck_lkeys`),
    by set operations: no Python loop per item."""
    rest = set(stored)
    rest -= cloze
    # Left: an lkey that is no card id (an unknown card, or a cloze gap no card has), or the
    # id of a card that is now a cloze card (whose items are numbered from 1).
    return (rest - deck._by_id.keys()) | (rest & cloze_ids)


def _reviews_since(store: Store | None, start: datetime,
                   cache: dict[datetime, dict[str, int]]) -> dict[str, int]:
    if store is None:
        return {}
    if start not in cache:
        cache[start] = store.review_counts(start)
    return cache[start]
