"""Statistics of one deck at a time: readiness at the briefing, the due forecast for 30 days,
reviews per day over the past 8 weeks and true retention per week.

Numbers come from `core.study.statistics` and `core.study.briefing_session` (through
`services.briefing`).
Charts are Textual's own widgets: a `Sparkline` for each daily series (the same whole number
of columns for every day, as many as the terminal's width allows, so days line up with the
axis labels under them and the charts grow with the terminal), a `ProgressBar` for readiness and a
`DataTable` for the weekly retention (a rate per week is read better as numbers than as bar
heights scaled between their own minimum and maximum). Every chart also says its numbers in
words, so nothing depends on reading bar heights or colours. The calibration chart (forecast
recall against the share answered right, per bin of forecasts) is a `PlotextPlot`
(textual-plotext, a maintained Textual widget over plotext): a scatter against the diagonal.
Below them, `MoreCharts`
(ui/widgets/more_charts.py, data from services/more_stats.py): answers by grade, the interval
and stability distributions, reviews by hour of day and a calendar, as wide as the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, ProgressBar, Sparkline, Static
from textual_plotext import PlotextPlot

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.services.briefing import DeckCharts, deck_charts_sync
from briefing_quiz.services.more_stats import more_stats_sync
from briefing_quiz.ui.text import assemble, lines, one_line, plain
from briefing_quiz.ui.widgets.keybar import KeyBar
from briefing_quiz.ui.widgets.more_charts import MoreCharts

if TYPE_CHECKING:
    from briefing_quiz.core.study.statistics import Calibration, DayCount, RetentionWeek
    from briefing_quiz.services.backend import Backend

#: Columns per day of the forecast sparkline (30 days: 60 columns, within 80); a wider
#: terminal gives each day more (`columns_per_day`), so the two daily charts grow with it.
FORECAST_COLUMNS_PER_DAY = 2


def columns_per_day(days: int, width: int, least: int) -> int:
    """Whole columns per day for `days` days in `width` columns, at least `least`: each day
    keeps the same width, so the days stay under their axis labels."""
    return max(least, width // days) if days else least


def _day(day: date) -> str:
    return f"{day:%b} {day.day}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def axis(left: str, right: str, width: int) -> str:
    """`left` and `right` at the two ends of a `width`-column axis."""
    gap = max(1, width - len(left) - len(right))
    return left + " " * gap + right


def forecast_text(forecast: Sequence[DayCount]) -> Content:
    """'Due, next 30 days: 4 today · 9 in 7 days · 12 in all · most on Mar 3 (5)' (today's
    count includes the overdue)."""
    if not forecast:
        return Content("")
    today = forecast[0].count
    week = sum(d.count for d in forecast[:7])
    total = sum(d.count for d in forecast)
    busiest = max(forecast, key=lambda d: d.count)
    parts = [f"{today} today", f"{week} in 7 days", f"{total} in all"]
    if busiest.count and busiest is not forecast[0]:
        parts.append(f"most on {_day(busiest.day)} ({busiest.count})")
    return assemble((f"Due, next {len(forecast)} days: ", "bold"), " · ".join(parts))


def reviews_text(reviews: Sequence[DayCount]) -> Content:
    """'Reviews, last 8 weeks: 230 on 12 days · most 45 on Feb 2 · 10 today'."""
    total = sum(d.count for d in reviews)
    days = sum(1 for d in reviews if d.count)
    head = (f"Reviews, last {len(reviews) // 7} weeks: ", "bold")
    if not total:
        return assemble(head, "none yet")
    most = max(reviews, key=lambda d: d.count)
    return assemble(head, f"{total} on {_plural(days, 'day')} · most {most.count} on "
                          f"{_day(most.day)} · {reviews[-1].count} today")


def retention_text(weeks: Sequence[RetentionWeek]) -> Content:
    """'True retention, last 8 weeks: 87% of 120 reviews of learned cards' (recalled: graded
    Hard, Good or Easy)."""
    reviews = sum(w.reviews for w in weeks)
    passed = sum(w.passed for w in weeks)
    head = (f"True retention, last {len(weeks)} weeks: ", "bold")
    if not reviews:
        return assemble(head, "no reviews of learned cards yet")
    return assemble(head, f"{passed * 100 // reviews}% recalled of "
                          f"{_plural(reviews, 'review')} of learned cards")


def calibration_text(fared: Calibration | None) -> Content:
    """'Forecasts vs your answers: 130 reviews · forecast 88%, right 84% · calibration error 4.1
    points' (the chart shows it per bin)."""
    head = ("Forecasts vs your answers: ", "bold")
    if fared is None or not fared.reviews or fared.predicted is None or fared.right is None \
            or fared.ece is None:
        return assemble(head, "no review yet of an item already studied")
    return assemble(head, f"{_plural(fared.reviews, 'review')} · forecast {fared.predicted:.0%}, "
                          f"right {fared.right:.0%} · calibration error "
                          f"{fared.ece * 100:.1f} points")


def parameters_text(own: tuple[float, ...] | None, fitted: datetime | None,
                    tz: tzinfo | None) -> Content:
    """Which FSRS parameters are in use (and when they were fitted)."""
    from briefing_quiz.core.study.formatting import format_local

    if own is None:
        return plain("FSRS parameters: fsrs' defaults (palette: Fit FSRS parameters)")
    when = "set in the config" if fitted is None else f"fitted {format_local(fitted, tz)}"
    return plain(f"FSRS parameters: your own, {when}")


def briefing_content(charts: DeckCharts, tz: tzinfo | None) -> Content:
    from briefing_quiz.core.study.formatting import format_local, percent_text
    from briefing_quiz.ui.screens.briefing import weakest_text

    status = charts.status
    if status is None:
        return assemble(("Briefing: ", "bold"), "no time set · press t to set one")
    out = [assemble(("Briefing: ", "bold"), format_local(status.at, tz), "  ·  ",
                    (status.countdown(), "bold"))]
    if status.passed or status.readiness is None:
        out.append(plain("It has passed: press t to set the next one."))
    else:
        ready = status.readiness
        weakest = weakest_text(ready)
        band = "" if ready.band is None else f" ± {round(ready.band * 100)}"
        out.append(assemble(("Readiness then: ", "bold"), (percent_text(ready.overall) + band,
                                                           "bold"),
                            f" (expected recall of {_plural(ready.items, 'item')})",
                            f"  ·  {weakest}" if weakest else ""))
    return lines(out)


class StatsScreen(Screen[None]):
    """Statistics of the decks, one at a time (← → to change deck)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "deck(-1)", "Previous deck", key_display="←"),
        Binding("right,l", "deck(1)", "Next deck", key_display="→"),
        Binding("t", "target", "Briefing time"),
        Binding("escape,q", "back", "Back", key_display="esc"),
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    def __init__(self, backend: Backend, deck_id: str | None = None) -> None:
        super().__init__(id="stats")
        self.backend = backend
        self.deck_id = deck_id
        self.charts: DeckCharts | None = None

    @property
    def deck_ids(self) -> list[str]:
        return [d.id for d in self.backend.decks]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats-body"):
            yield Static(id="stats-title")
            yield Static(Content.styled("Reading…", "italic"), id="stats-briefing")
            yield ProgressBar(total=100, show_eta=False, show_percentage=False,
                              id="stats-readiness")
            yield Static(id="stats-coverage")
            yield Static(id="forecast-title", classes="stats-heading")
            yield Sparkline([], id="forecast-chart")
            yield Static(id="forecast-axis", classes="stats-axis")
            yield Static(id="reviews-title", classes="stats-heading")
            yield Sparkline([], id="reviews-chart")
            yield Static(id="reviews-axis", classes="stats-axis")
            yield Static(id="retention-title", classes="stats-heading")
            yield DataTable(id="retention-table", cursor_type="none", show_cursor=False)
            yield Static(id="calibration-title", classes="stats-heading")
            yield PlotextPlot(id="calibration-chart")
            yield Static(id="parameters-line", classes="stats-axis")
            yield MoreCharts(id="more-charts")  # answers, intervals, stability, hours, calendar
        yield KeyBar()

    def on_mount(self) -> None:
        ids = self.deck_ids
        if self.deck_id not in ids:
            self.deck_id = ids[0] if ids else None
        self.query_one("#stats-readiness").display = False
        self.query_one("#stats-coverage").display = False
        self.query_one("#stats-body").focus()
        self.load()

    # -- data -------------------------------------------------------------------------------------
    @work(exclusive=True, group="stats-load")
    async def load(self) -> None:
        title = self.query_one("#stats-title", Static)
        if self.deck_id is None:
            title.update(plain("No decks are loaded: there is nothing to count."))
            self.query_one("#stats-briefing", Static).update(Content(""))
            return
        backend = self.backend
        try:
            charts = await backend.call(deck_charts_sync, backend, self.deck_id)
            more = await backend.call(more_stats_sync, backend, self.deck_id)
        except BriefingQuizError as error:
            self.query_one("#stats-briefing", Static).update(
                assemble(("✗ Cannot read the statistics: ", "bold $text-error"), str(error)))
            return
        self.show(charts)
        self.query_one(MoreCharts).show(more)

    def show(self, charts: DeckCharts) -> None:
        self.charts = charts
        ids = self.deck_ids
        deck = charts.deck
        position = (f"deck {ids.index(deck.id) + 1} of {len(ids)} (← →)"
                    if deck.id in ids and len(ids) > 1 else "")
        self.query_one("#stats-title", Static).update(assemble(
            ("Statistics · ", "bold"), (one_line(deck.id, 40), "bold"), " — ",
            one_line(deck.title, 60), f"   {position}" if position else ""))
        self.query_one("#stats-briefing", Static).update(
            briefing_content(charts, self.backend.tz))
        bar = self.query_one("#stats-readiness", ProgressBar)
        ready = charts.status.readiness if charts.status is not None else None
        bar.display = ready is not None
        if ready is not None:
            bar.update(progress=ready.overall * 100)
        coverage = self.query_one("#stats-coverage", Static)
        coverage.display = charts.coverage is not None  # only for a deck with a source file
        coverage.update(plain(charts.coverage or ""))

        self.query_one("#forecast-title", Static).update(forecast_text(charts.forecast))
        self.query_one("#forecast-chart", Sparkline).data = [d.count for d in charts.forecast]
        self.query_one("#reviews-title", Static).update(reviews_text(charts.reviews))
        self.query_one("#reviews-chart", Sparkline).data = [d.count for d in charts.reviews]
        self._size_daily_charts()

        self.query_one("#retention-title", Static).update(retention_text(charts.retention))
        self._retention_table(charts.retention)
        self._calibration(charts)

    def on_resize(self) -> None:
        self._size_daily_charts()

    def _size_daily_charts(self) -> None:
        """The two daily sparklines as wide as the screen allows, whole columns per day."""
        charts = self.charts
        if charts is None:
            return
        room = max(0, self.query_one("#stats-body").content_region.width - 2)
        forecast, reviews = charts.forecast, charts.reviews
        width = len(forecast) * columns_per_day(len(forecast), room, FORECAST_COLUMNS_PER_DAY)
        self.query_one("#forecast-chart", Sparkline).styles.width = width
        last = f"{_day(forecast[-1].day)}" if forecast else ""
        self.query_one("#forecast-axis", Static).update(plain(axis("today", last, width)))
        width = len(reviews) * columns_per_day(len(reviews), room, 1)
        self.query_one("#reviews-chart", Sparkline).styles.width = width
        first = _day(reviews[0].day) if reviews else ""
        self.query_one("#reviews-axis", Static).update(plain(axis(first, "today", width)))

    def _calibration(self, charts: DeckCharts) -> None:
        fared = charts.calibration
        self.query_one("#calibration-title", Static).update(calibration_text(fared))
        chart = self.query_one("#calibration-chart", PlotextPlot)
        chart.display = fared is not None and fared.reviews > 0
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        if fared is not None and fared.reviews:
            plt.plot([0, 1], [0, 1], marker="braille", label="perfect")
            plt.scatter([b.predicted for b in fared.bins], [b.right for b in fared.bins],
                        marker="dot", label="yours")
            plt.xlim(0, 1)
            plt.ylim(0, 1)
            plt.xlabel("forecast recall")
            plt.ylabel("answered right")
        chart.refresh()
        self.query_one("#parameters-line", Static).update(
            parameters_text(charts.parameters, charts.parameters_fitted, self.backend.tz))

    def _retention_table(self, weeks: Sequence[RetentionWeek]) -> None:
        table = self.query_one("#retention-table", DataTable)
        table.clear(columns=True)
        table.add_column("Week of", key="label")
        for i, week in enumerate(weeks):
            table.add_column(Text(_day(week.start), justify="right"), key=f"w{i}")
        table.add_row(Text("Reviews"), *(Text(str(w.reviews) if w.reviews else "—",
                                              justify="right") for w in weeks))
        table.add_row(Text("Recalled"), *(Text("—" if w.rate is None else f"{w.rate:.0%}",
                                               justify="right") for w in weeks))

    # -- actions ----------------------------------------------------------------------------------
    def action_deck(self, step: int) -> None:
        ids = self.deck_ids
        if not ids:
            return
        index = ids.index(self.deck_id) if self.deck_id in ids else 0
        self.deck_id = ids[(index + step) % len(ids)]
        self.load()

    def action_target(self) -> None:
        from briefing_quiz.ui.screens.briefing import TargetScreen

        if self.deck_id is None or self.charts is None:
            return

        def then(change: str | None) -> None:
            if change is not None:
                self.load()

        self.app.push_screen(TargetScreen(self.backend, self.deck_id, self.charts.deck.title),
                             then)

    def action_back(self) -> None:
        self.dismiss(None)
