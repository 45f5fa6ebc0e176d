"""Readiness as *expected* recall when the memory model may be off (issue 13).

FSRS forecasts an item's recall at a moment as a point: the curve of the parameters in use at the
item's stability S, R = (1 + F t / S) ** decay. Those parameters are a population's (fsrs'
defaults) or were fitted on a limited log, and a person's memory of a deck may last longer or
shorter than they say. Readiness therefore averages the forecast over a scale k of the
stabilities, R_k = (1 + F t / (k S)) ** decay, under k's posterior:

* prior: log k ~ Normal(0, PRIOR_SD ** 2): memories lasting about half to twice as long as the
  parameters say are plausible (two standard deviations: k in [0.37, 2.7]);
* evidence: the person's own reviews of the deck that came at least MIN_EVIDENCE_DAYS after the
  previous one (the span over which a briefing forecast forgets; answers minutes apart, learning
  steps, say little about it), each with x = F t / S from the state before it and whether it was
  answered right (any grade but Again): the likelihood of k is the product of R_k or 1 - R_k.

With no reviews the prior alone applies, and the average is below the point forecast wherever
recall is high (Jensen's inequality: R_k is concave in log k there), which is where
over-confidence costs most; for a very low forecast (below about 20%) it is a little above. As
reviews accumulate the posterior narrows around the scale they show: 1 when the parameters fit the
person, so readiness converges to the point forecast; otherwise it moves to what the reviews show
(the calibration of one's own answers, `statistics.calibration`). It is one number for the deck,
not per item: it corrects the parameters' overall optimism or pessimism, not an item's ease.

The expectation only needs the point forecast and the curve's decay (x = R ** (1 / decay) - 1),
so it applies to any point recall, however it was computed (Python or SQL). The posterior is
summarised by NODES equally likely values of k (its quantiles), so an item costs NODES powers.

Pure: no clock, no store; `statistics.calibration` collects the evidence from the review log.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import fsrs

from briefing_quiz.core import fsrs_adapter

__all__ = [
    "EVIDENCE_BINS_PER_E",
    "MIN_EVIDENCE_DAYS",
    "NODES",
    "PRIOR_SD",
    "TABLE_STEPS",
    "MemoryScale",
    "evidence_bin",
    "memory_scale",
]

#: The prior's standard deviation of log k (see the module docstring).
PRIOR_SD = 0.5
#: Reviews closer than this to the previous one (days) are not evidence (learning steps).
MIN_EVIDENCE_DAYS = 1 / 3
#: How many equally likely values of k stand for the posterior.
NODES = 9
#: Evidence is counted in bins of log x this many to a factor of e (x within 2.5% of the bin's).
EVIDENCE_BINS_PER_E = 20
#: Steps of `MemoryScale.expected`'s table over recall 0..1.
TABLE_STEPS = 4096
#: The grid of log k over which the posterior is computed: -4 to +4 prior deviations.
_GRID = tuple(PRIOR_SD * (i / 20.0 - 4.0) for i in range(161))
_EDGE = 1e-12  # a forecast is never taken as certain when weighing a wrong answer


def evidence_bin(x: float) -> int:
    """The bin of a review's x = F t / S (> 0) in the evidence (`memory_scale`)."""
    return round(math.log(x) * EVIDENCE_BINS_PER_E)


@dataclass(frozen=True)
class MemoryScale:
    """The posterior of the stability scale k as NODES equally likely values (`scales`), for a
    curve with `decay` (negative, `fsrs_adapter.recall_curve`); `reviews`: the reviews it rests on.
    """

    scales: tuple[float, ...]
    decay: float
    reviews: int = 0

    def expected(self, point: float) -> float:
        """The expected recall of an item whose point forecast is `point` (0 and 1 stay so), read
        from a table of `exact` (TABLE_STEPS steps, linear between them: within 1e-6 of it), since
        a briefing ranking asks four times an item (10,000 items: 1.9x the fsrs floor computed
        directly, 1.6x read from the table, as without a scale)."""
        if point <= 0.0 or point >= 1.0:
            return point
        at = point * TABLE_STEPS
        i = int(at)
        table = self._table
        low = table[i]
        return low + (at - i) * (table[i + 1] - low)

    def card_recall(self, curve: tuple[float, float]) -> Callable[[fsrs.Card, datetime], float]:
        """`fsrs_adapter.card_recall(curve)` followed by `expected`, as one closure (the same
        floats): what a briefing ranking calls four times an item."""
        point = fsrs_adapter.card_recall(curve)
        table = self._table
        steps = TABLE_STEPS

        def value(card: fsrs.Card, at: datetime) -> float:
            r = point(card, at)
            if r <= 0.0 or r >= 1.0:
                return r
            where = r * steps
            i = int(where)
            low = table[i]
            return low + (where - i) * (table[i + 1] - low)

        return value

    @cached_property
    def _table(self) -> list[float]:
        """`exact` at 0, 1/TABLE_STEPS, ..., 1."""
        return [self.exact(i / TABLE_STEPS) for i in range(TABLE_STEPS + 1)]

    def exact(self, point: float) -> float:
        """The expected recall of an item whose point forecast is `point`, computed: the mean of
        (1 + x / k) ** decay over the scales, x = F t / S = point ** (1 / decay) - 1."""
        if point <= 0.0 or point >= 1.0:
            return point
        decay = self.decay
        x = point ** (1.0 / decay) - 1.0  # F t / S
        total = 0.0
        for k in self.scales:
            total += (1.0 + x / k) ** decay
        return min(1.0, max(0.0, total / len(self.scales)))


def memory_scale(evidence: Iterable[tuple[int, int, int]], decay: float, *,
                 prior_sd: float = PRIOR_SD) -> MemoryScale:
    """k's posterior (see the module docstring) from `evidence`: (bin of x (`evidence_bin`),
    reviews, of which right) for the reviews that count, and the curve's `decay`."""
    counted = [(math.exp(b / EVIDENCE_BINS_PER_E), n, right) for b, n, right in evidence if n > 0]
    reviews = sum(n for _, n, _ in counted)
    grid = [u * prior_sd / PRIOR_SD for u in _GRID]
    log_post = []
    for u in grid:
        inv_k = math.exp(-u)
        total = -0.5 * (u / prior_sd) ** 2
        for x, n, right in counted:
            p = min(1.0 - _EDGE, max(_EDGE, (1.0 + x * inv_k) ** decay))
            total += right * math.log(p) + (n - right) * math.log1p(-p)
        log_post.append(total)
    top = max(log_post)
    mass = [math.exp(value - top) for value in log_post]
    whole = sum(mass)
    cumulative: list[float] = []
    running = 0.0
    for m in mass:
        running += m / whole
        cumulative.append(running)
    # Each grid point's mass spread evenly over its cell: the CDF at a cell's upper edge is
    # `cumulative`, linear within it; the NODES quantiles at (j + 1/2) / NODES.
    half = (grid[1] - grid[0]) / 2
    scales = []
    for j in range(NODES):
        q = (j + 0.5) / NODES
        i = next((i for i, c in enumerate(cumulative) if c >= q), len(grid) - 1)
        below = cumulative[i - 1] if i > 0 else 0.0
        share = (q - below) / (cumulative[i] - below) if cumulative[i] > below else 1.0
        scales.append(math.exp(grid[i] - half + share * 2 * half))
    return MemoryScale(tuple(scales), decay, reviews)
