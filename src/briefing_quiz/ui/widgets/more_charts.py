"""Text charts of the statistics screen's second half (`services.more_stats`): horizontal bars
that grow with the terminal's width, and a calendar of reviews shaded by count. Each chart also
says its numbers (bars carry their counts), so nothing depends on colour or bar length."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from textual import events
from textual.content import Content
from textual.widgets import Static

from briefing_quiz.services.more_stats import BUCKETS, CALENDAR_WEEKS, MoreStats
from briefing_quiz.ui.text import assemble, lines

SHADES = " ░▒▓█"
GRADES = ("Again", "Hard", "Good", "Easy")
GRADE_STYLES = ("$text-error", "$text-warning", "$text-success", "$text-primary")


def bars(labels: Sequence[str], counts: Sequence[int], width: int,
         styles: Sequence[str] = ()) -> list[Content]:
    """One line a label: `label  ████████ 12 (40%)`, the longest bar filling the width left."""
    total = sum(counts) or 1
    top = max(counts, default=0) or 1
    pad = max((len(label) for label in labels), default=0)
    room = max(4, width - pad - 14)
    out = []
    for i, (label, n) in enumerate(zip(labels, counts, strict=True)):
        style = styles[i] if i < len(styles) else "$primary"
        bar = "█" * round(room * n / top) if n else ""
        out.append(assemble(f"  {label:>{pad}} ", (bar, style), f" {n} ({n / total:.0%})"))
    return out


BLOCKS = " ▁▂▃▄▅▆▇█"


def hours_chart(by_hour: Sequence[int]) -> list[Content]:
    """The 24 hours as one row of block columns (two cells an hour), an axis, and the busiest."""
    top = max(by_hour, default=0) or 1
    row = "".join(BLOCKS[0 if not n else max(1, round(8 * n / top))] * 2 for n in by_hour)
    axis = "".join(f"{h:02}" + " " * 10 for h in range(0, 24, 6)).rstrip()
    busiest = max(range(24), key=lambda h: by_hour[h])
    said = (f"most at {busiest:02}h ({by_hour[busiest]} of {sum(by_hour)} reviews)"
            if any(by_hour) else "no reviews yet")
    return [assemble("  ", (row, "$primary")), Content("  " + axis), Content(f"  {said}")]


def calendar(stats: MoreStats) -> list[Content]:
    """Weeks as columns, Monday to Sunday as rows, shaded by the day's reviews."""
    top = max(stats.calendar.values(), default=0) or 1
    end = stats.today
    start = end - timedelta(days=end.weekday()) - timedelta(weeks=CALENDAR_WEEKS - 1)
    rows = []
    for weekday, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")):
        cells = []
        for week in range(CALENDAR_WEEKS):
            day = start + timedelta(weeks=week, days=weekday)
            n = stats.calendar.get(day, 0)
            cells.append(" " if day > end else SHADES[0 if not n else 1 + min(3, 3 * n // top)])
        rows.append(assemble(f"  {name} ", ("".join(cells), "$success")))
    days = sum(1 for n in stats.calendar.values() if n)
    rows.append(Content(f"  {CALENDAR_WEEKS} weeks to today: reviews on {days} days, "
                        f"at most {max(stats.calendar.values(), default=0)} a day "
                        f"(shades {SHADES[1:]} from few to most)"))
    return rows


def more_content(stats: MoreStats, width: int) -> Content:
    labels = [label for _upper, label in BUCKETS]
    out: list[Content] = [
        Content.styled("Answers by grade", "bold"),
        *bars(GRADES, [stats.answers[r] for r in (1, 2, 3, 4)], width, GRADE_STYLES),
        Content(""), Content.styled("Review intervals (cards in review)", "bold"),
        *bars(labels, stats.intervals, width),
        Content(""), Content.styled("Stability (days until recall falls to 90%)", "bold"),
        *bars(labels, stats.stability, width),
        Content(""), Content.styled("Reviews by hour of day", "bold"),
        *hours_chart(stats.by_hour),
        Content(""), Content.styled("Calendar of reviews", "bold"),
        *calendar(stats),
    ]
    return lines(out)


class MoreCharts(Static):
    """The charts above, redrawn to the width they get."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stats: MoreStats | None = None

    def show(self, stats: MoreStats) -> None:
        self.stats = stats
        self.update(more_content(stats, self.content_region.width or 80))

    def on_resize(self, event: events.Resize) -> None:
        if self.stats is not None:
            self.update(more_content(self.stats, event.size.width))
