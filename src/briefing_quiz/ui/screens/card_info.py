"""Card info (`i` while studying or browsing, as in Anki): one item's memory and its history.

Stability, difficulty, recall now and at the deck's briefing, due date, lapses, every review, and
the forgetting curve since the last review drawn with `textual-plotext`. The data comes from
`services.card_info` on the store thread; this screen only draws it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static
from textual_plotext import PlotextPlot

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.scheduler import format_interval
from briefing_quiz.services.card_info import CardInfo, card_info_sync
from briefing_quiz.ui.text import assemble, lines, one_line
from briefing_quiz.ui.widgets.cards import TYPE_LABELS, prompt_content
from briefing_quiz.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from briefing_quiz.core.model import ItemKey
    from briefing_quiz.services.backend import Backend


def _when(at: datetime, tz: tzinfo | None) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _relative(at: datetime, now: datetime) -> str:
    delta = at - now
    if abs(delta) < timedelta(minutes=1):
        return "now"
    return f"in {format_interval(delta)}" if delta > timedelta(0) else \
        f"{format_interval(-delta)} ago"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def facts_content(info: CardInfo, tz: tzinfo | None) -> Content:
    """The card and its memory state, one fact a line."""
    card, key, state, now = info.card, info.key, info.state, info.now
    out: list[Content] = [
        assemble((f"{TYPE_LABELS[card.type]} ", "bold"), "· ", one_line(str(key), 120), "  ",
                 (one_line(info.deck.title, 60), "dim")),
        prompt_content(card, key.item),
        Content(""),
    ]
    rows: list[tuple[str, str]] = []
    if state is None or state.card is None:
        rows.append(("State", "new: forgotten (back to new), reviewed before" if info.history
                     else "new: never reviewed"))
    else:
        rows.append(("State", state.phase + (" · suspended" if state.suspended else "")
                     + (" · buried" if state.is_buried(now) else "")))
        rows.append(("Due", f"{_when(state.card.due, tz)} ({_relative(state.card.due, now)})"))
        rows.append(("Stability", f"{state.card.stability or 0:.1f} days"
                     " (recall falls to 90% after that long)"))
        rows.append(("Difficulty", f"{state.card.difficulty or 0:.1f} of 10"))
        rows.append(("Recall now", _percent(info.recall_now)))
    if info.briefing_at is not None:
        at = f"{_when(info.briefing_at, tz)} ({_relative(info.briefing_at, now)})"
        rows.append(("Briefing", f"{at}: recall then {_percent(info.recall_at_briefing)}"
                     if info.briefing_at > now else f"{at}: passed"))
    if state is not None:
        rows.append(("Reviews", f"{state.reps} · lapses {state.lapses}"))
        if state.first_review is not None:
            rows.append(("First review", _when(state.first_review, tz)))
    if info.flag is not None:
        rows.append(("Flagged", one_line(info.flag, 200) or "(no note)"))
    out.extend(assemble((f"{name:<13}", "bold"), value) for name, value in rows)
    return lines(out)


def history_content(info: CardInfo, tz: tzinfo | None) -> Content:
    """Every review of the item, oldest first (undone ones marked)."""
    out: list[Content] = [Content.styled("Review history", "bold")]
    if not info.history:
        out.append(Content.styled("  never reviewed", "italic"))
    for record in info.history:
        verdict = {True: ("✓ right", "$text-success"), False: ("✗ wrong", "$text-error"),
                   None: ("self-graded", "")}[record.correct]
        after = record.card_after
        parts: list[str | Content | tuple[str, str]] = [
            f"  {_when(record.reviewed_at, tz)}  {record.rating.name:<5}  ", verdict,
            f"  next {format_interval(after.due - record.reviewed_at)}",
            f"  S {after.stability or 0:.1f}d D {after.difficulty or 0:.1f}",
            f"  {record.duration_ms / 1000:.0f}s",
        ]
        if record.given:
            parts.extend(["  answer: ", one_line(record.given, 60)])
        if record.undone:
            parts.append(("  (undone)", "italic"))
        out.append(assemble(*parts))
    return lines(out)


class CardInfoScreen(Screen[None]):
    """Card info of one item; esc, i or q goes back where it was opened."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,i,q", "close", "Back"),
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    DEFAULT_CSS = """
    CardInfoScreen #info-body { padding: 0 1; }
    CardInfoScreen #info-curve { height: 14; min-height: 10; margin: 1 0; }
    """

    def __init__(self, backend: Backend, key: ItemKey) -> None:
        super().__init__(id="card-info")
        self.backend = backend
        self.key = key
        self.info: CardInfo | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="info-body"):
            yield Static(Content.styled("Loading…", "italic"), id="info-facts")
            yield PlotextPlot(id="info-curve")
            yield Static(id="info-history")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#info-curve").display = False
        self.query_one("#info-body").focus()
        self.load()

    @work(exclusive=True, group="card-info")
    async def load(self) -> None:
        try:
            info = await self.backend.call(card_info_sync, self.backend, self.key)
        except BriefingQuizError as error:
            self.query_one("#info-facts", Static).update(
                assemble(("✗ No card info: ", "bold $text-error"), str(error)))
            return
        self.show(info)

    def show(self, info: CardInfo) -> None:
        self.info = info
        tz = self.backend.tz
        self.query_one("#info-facts", Static).update(facts_content(info, tz))
        self.query_one("#info-history", Static).update(history_content(info, tz))
        plot = self.query_one("#info-curve", PlotextPlot)
        plot.display = bool(info.curve)
        if info.curve:
            self._draw_curve(plot, info)

    @staticmethod
    def _draw_curve(plot: PlotextPlot, info: CardInfo) -> None:
        state = info.state
        assert state is not None and state.card is not None and state.card.last_review
        last = state.card.last_review
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title("Forgetting curve since the last review (recall %)")
        plt.xlabel("days since the last review")
        plt.ylim(0, 100)
        days = [t for t, _r in info.curve]
        plt.plot(days, [r * 100 for _t, r in info.curve], marker="braille")
        marks = [("now", info.now), ("due", state.card.due)]
        if info.briefing_at is not None and info.briefing_at > info.now:
            marks.append(("briefing", info.briefing_at))
        # Labels low in the plot, each at its own height: the curve is high, and "now" and
        # "due" are often a few minutes apart (a learning card).
        for (name, at), color, y in zip(marks, ("red", "green", "orange"), (6, 18, 30),
                                        strict=False):
            x = (at - last) / timedelta(days=1)
            if 0 <= x <= days[-1]:
                plt.vline(x, color)
                plt.text(name, x=x, y=y, color=color, alignment="left")
        plot.refresh()

    def action_close(self) -> None:
        self.dismiss(None)
