"""The home screen: every deck with its counts, the decks that failed to load, what to do next.

It shows what the start-up sequence (`services.startup`, run by the app) gives it, step by step,
and asks the app, with a message, for whatever opens another screen or reloads the decks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from briefing_quiz.ui.text import assemble, clean, lines, plain
from briefing_quiz.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from briefing_quiz.core.deckfile.cache import DeckSummary
    from briefing_quiz.core.errors import BriefingQuizError
    from briefing_quiz.core.model import Deck
    from briefing_quiz.core.study.custom import CustomFilter
    from briefing_quiz.core.study.statistics import DeckStats
    from briefing_quiz.services.backend import Backend, Listed, Loaded
    from briefing_quiz.services.counts_summary import SummaryCounts

# The table's columns (keys: the names in lower case): the numbers first and the title last,
# so a narrow terminal cuts the title, not them.
COLUMNS = ("Deck", "New", "Learning", "Due", "Total", "Recall", "Briefing", "Title")
NUMBERS = frozenset(COLUMNS[1:-1])  # right-aligned

WELCOME = (
    "Welcome to briefing-quiz! Pick a deck with ↑/↓ and press enter to study it, or press a to "
    "study everything due. Answers are saved as you grade them. Press ? for every key, q to quit."
)


def recall_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def briefing_cell(stats: DeckStats, now: datetime) -> str:
    """'2d 3h · 63% ± 9': the countdown to the deck's briefing and the readiness then, with its
    band when known ('—': none)."""
    from briefing_quiz.core.study.formatting import format_countdown

    if stats.briefing_at is None:
        return "—"
    if stats.briefing_at <= now or stats.readiness is None:
        return "passed"
    countdown = format_countdown(stats.briefing_at - now, short=True)
    return f"{countdown} · {stats.readiness.text}"


class DecksScreen(Screen[None]):
    """Decks with new / learning / due / total and mean recall (a `services.startup.DecksView`)."""

    # The app's handlers for these messages open the screens (messages up). Written out rather
    # than as dataclasses: this module is imported before the first frame, and building a
    # dataclass costs ~0.25 ms (seven of them ~1.7 ms, timed); the other screens' are dataclasses.
    class StudyRequested(Message):
        """Study these decks (None: every deck); `due_only`: what is due now, no new cards."""

        def __init__(self, deck_ids: list[str] | None, due_only: bool = False,
                     custom: tuple[CustomFilter, bool] | None = None) -> None:
            super().__init__()
            self.deck_ids = deck_ids
            self.due_only = due_only
            self.custom = custom  # custom study: (which cards, cram)

    class BrowseRequested(Message):
        """Browse every card."""

    class StatsRequested(Message):
        """The statistics, starting at this deck (None: the first)."""

        def __init__(self, deck_id: str | None) -> None:
            super().__init__()
            self.deck_id = deck_id

    class DeckRequest(Message):
        """An action on one deck (the base of the three below)."""

        def __init__(self, deck_id: str) -> None:
            super().__init__()
            self.deck_id = deck_id

    class TargetRequested(DeckRequest):
        """Set this deck's briefing time."""

    class BriefingRequested(DeckRequest):
        """A briefing session on this deck."""

    class MockTestRequested(DeckRequest):
        """A mock test of this deck."""

    class ReloadRequested(Message):
        """Read the decks from disk again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Short labels, m early: every key fits at 120 columns, and m wherever it can (issue 18).
        Binding("enter", "study", "Study", priority=True, tooltip="Study deck", id="decks.study"),
        Binding("a", "study_all", "All due", tooltip="Study all due", id="decks.study_all"),
        Binding("b", "browse", "Browse", id="decks.browse"),
        Binding("s", "stats", "Stats", id="decks.stats"),
        Binding("m", "mock_test", "Mock test", id="decks.mock_test"),
        Binding("t", "target", "Briefing time", id="decks.target"),
        Binding("g", "briefing", "Briefing", tooltip="Briefing study", id="decks.briefing"),
        Binding("c", "custom_study", "Custom", tooltip="Custom study", id="decks.custom_study"),
        Binding("r", "reload", "Reload", id="decks.reload"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    # Nothing to focus before the decks are listed (show_loaded does it): focusing the page
    # first restyled it twice around the first frame (~10 ms of CSS work, profile).
    AUTO_FOCUS = ""
    #: Seconds between two refreshes of the briefing countdowns.
    COUNTDOWN_REFRESH: ClassVar[float] = 60.0

    def __init__(self, backend: Backend) -> None:
        super().__init__(id="decks")
        self.backend = backend
        self.loaded: Loaded | None = None
        #: The first load's decks as listed from the parse cache's summaries, before `loaded`.
        self.listed: Listed | None = None
        # An action asked for on a row listed from a summary: it runs once the decks are loaded.
        self._deferred: Callable[[], object] | None = None
        self.stats: dict[str, DeckStats] = {}
        #: Counts kept from the last run's count (`services.counts_summary`), shown on the listed
        #: rows until the decks are counted.
        self.kept_counts: dict[str, SummaryCounts] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="decks-body"):
            yield Static(id="welcome", markup=False)
            yield DataTable(id="decks-table", cursor_type="row", zebra_stripes=True)
            yield Static(Content("Loading decks…"), id="decks-status")
            yield Static(id="failures")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#decks-table", DataTable)
        table.display = False
        self.query_one("#welcome").display = False
        self.query_one("#failures").display = False
        # The app starts the first load once the first frame is painted: the store thread's
        # work holds the GIL and would delay it.
        self.set_interval(self.COUNTDOWN_REFRESH, self._refresh_countdowns,
                          name="briefing countdowns")

    # -- data -------------------------------------------------------------------------------------
    def show_listed(self, listed: Listed) -> None:
        """Fill the screen from the summaries, as `show_loaded` would from the decks they stand
        for (no failures among them, counts …); the actions wait for the load."""
        self.listed = listed
        self.kept_counts = dict(listed.counts)
        table = self.query_one("#decks-table", DataTable)
        self._fill_table(table, listed.decks)
        table.display = True
        if self.focused is not table:
            table.focus()
        welcome = self.query_one("#welcome", Static)
        welcome.update(plain(WELCOME))
        welcome.display = listed.first_run
        self.query_one("#decks-status", Static).update(Content("Counting…"))

    def show_loaded(self, loaded: Loaded, stats: Sequence[DeckStats] | None = None) -> None:
        """Fill the screen from a load; counts show as … until `stats` come."""
        first, self.loaded = self.loaded is None, loaded
        if stats is not None:
            self.stats = {s.deck_id: s for s in stats}
        elif first and loaded.as_listed and self.listed is not None:
            return  # the summaries' listing on the screen shows this load already
        self.kept_counts = {}  # counted now, or not the decks they were kept for
        table = self.query_one("#decks-table", DataTable)
        self._fill_table(table, loaded.decks)
        table.display = bool(loaded.decks)
        # The table, or the page when there is no deck (its failures may need scrolling).
        focus = table if table.display else self.query_one("#decks-body")
        if self.focused is not focus:
            focus.focus()
        welcome = self.query_one("#welcome", Static)
        welcome.update(plain(WELCOME))
        welcome.display = loaded.first_run and bool(loaded.decks)
        self.show_status(loaded)
        self._show_failures(loaded)

    def _fill_table(self, table: DataTable[Text], decks: Sequence[Deck | DeckSummary]) -> None:
        """Put one row per deck in the table, the selected deck kept selected.

        Every column gets its width here, measured from its label and cells, as DataTable
        would measure it: DataTable measures new rows only when idle, and a row painted before
        that (behind a dialog that repaints, say) stayed cached with the old widths until the
        dialog closed ("3d 4h · " for "3d 4h · 50%").
        """
        selected = self.selected_deck_id()
        now = self.backend.clock()
        rows = [self._cells(deck, self.stats.get(deck.id), now, self.kept_counts.get(deck.id))
                for deck in decks]
        table.clear(columns=True)
        for i, name in enumerate(COLUMNS):
            label = Text(name, justify="right" if name in NUMBERS else "left")
            width = max([label.cell_len, *(row[i].cell_len for row in rows)])
            table.add_column(label, key=name.lower(), width=width)
        for deck, row in zip(decks, rows, strict=True):
            table.add_row(*row, key=deck.id)
        if selected is not None and selected in {d.id for d in decks}:
            table.move_cursor(row=table.get_row_index(selected))

    def _refresh_countdowns(self) -> None:
        """Each minute: the Briefing column counts down (and says "passed" when it has)."""
        loaded = self.loaded
        if loaded is None or not any(s.briefing_at is not None for s in self.stats.values()):
            return
        table = self.query_one("#decks-table", DataTable)
        now = self.backend.clock()
        shown = [str(table.get_cell(d.id, "briefing")) for d in loaded.decks]
        wanted = [str(self._cells(d, self.stats.get(d.id), now)[6]) for d in loaded.decks]
        if shown != wanted:
            self._fill_table(table, loaded.decks)

    @staticmethod
    def _cells(deck: Deck | DeckSummary, stats: DeckStats | None, now: datetime,
               kept: SummaryCounts | None = None) -> list[Text]:
        if stats is None:
            # A summary (a named tuple: its class is not imported here) says its total.
            total = (deck.items if isinstance(deck, tuple)
                     else sum(len(card.items) for card in deck.cards))  # 10,000 cards: ~5 ms
            # Recall and readiness change with the clock: they wait for the count.
            known = ["…", "…", "…"] if kept is None else [str(n) for n in kept]
            counts = [*known, str(total), "…", "…"]
        else:
            counts = [str(n) for n in (stats.new, stats.learning, stats.due_now, stats.items)]
            counts.append(recall_text(stats.mean_retrievability))
            counts.append(briefing_cell(stats, now))
        return [
            Text(clean(deck.id), no_wrap=True, overflow="ellipsis"),
            *(Text(c, justify="right") for c in counts),
            Text(clean(deck.title), no_wrap=True, overflow="ellipsis"),
        ]

    def show_status(self, loaded: Loaded) -> None:
        status = self.query_one("#decks-status", Static)
        parts: list[Content] = []
        if loaded.store_error is not None:
            parts.append(assemble(("✗ Progress file: ", "bold $text-error"),
                                  str(loaded.store_error)))
        if self.backend.config_error is not None:
            parts.append(assemble(("✗ Settings ignored, defaults used: ", "bold $text-error"),
                                  str(self.backend.config_error)))
        if not loaded.decks:
            dirs = ", ".join(str(d) for d in self.backend.paths.deck_dirs)
            parts.append(assemble(("No decks found. ", "bold"),
                                  f"Put deck files (*.toml) in one of: {dirs} — then press r."))
        elif not parts:
            stats = [self.stats[d.id] for d in loaded.decks if d.id in self.stats]
            n = len(loaded.decks)
            if len(stats) < n:
                parts.append(Content("Counting…"))
            else:
                due = sum(s.due_now for s in stats)
                new = sum(s.new for s in stats)
                parts.append(Content(f"{due} due now and {new} new across {n} "
                                     f"deck{'s' if n != 1 else ''}."))
        status.update(lines(parts))

    def _show_failures(self, loaded: Loaded) -> None:
        failures = self.query_one("#failures", Static)
        if not loaded.failures:
            failures.display = False
            return
        n = len(loaded.failures)
        out = [assemble((f"✗ {n} deck file{'s' if n != 1 else ''} could not be loaded "
                         "(the other decks work; fix the file and press r):", "bold $text-error"))]
        for error in loaded.failures:
            out.extend(plain(f"  {problem}") for problem in error.problems)
        failures.update(lines(out))
        failures.display = True

    def selected_deck_id(self) -> str | None:
        table = self.query_one("#decks-table", DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)

    # -- actions ----------------------------------------------------------------------------------
    def _ready(self) -> bool:
        if self.loaded is None:
            self.notify("Still loading the decks…", timeout=2)
            return False
        # Not opened yet (a moment after the decks are listed) is fine: the store thread opens
        # it before it runs any call made from here.
        if self.backend.store is None and self.backend.store_error is not None:
            self.notify("The progress file could not be opened, so studying is off. "
                        "See the message on the screen.", severity="error")
            return False
        return True

    def _when_loaded(self, action: Callable[[], object], deck_id: str | None = None) -> None:
        """Run `action` (on the deck `deck_id`, if any) when the decks can be used. On rows listed
        from the cache's summaries, it runs once the decks are loaded (a moment later), unless
        its deck then failed to load."""
        if self.loaded is None and self.listed is not None:
            self._deferred = partial(self._run_when_loaded, action, deck_id)
        elif self._ready():
            action()

    def _run_when_loaded(self, action: Callable[[], object], deck_id: str | None) -> None:
        loaded = self.loaded
        if loaded is None or (deck_id is not None
                              and deck_id not in {d.id for d in loaded.decks}):
            return  # it failed to load: the screen now lists it among the failures
        if self._ready():
            action()

    def _on_deck(self, act: Callable[[str], object]) -> None:
        """`act` on the selected deck, when there is one and the decks can be used."""
        deck_id = self.selected_deck_id()
        if deck_id is None:
            self._ready()  # nothing to act on; says so while the decks are still loading
        else:
            self._when_loaded(partial(act, deck_id), deck_id)

    def action_study(self) -> None:
        self._on_deck(lambda deck_id: self.post_message(self.StudyRequested([deck_id])))

    @on(DataTable.RowSelected, "#decks-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_study()

    def action_study_all(self) -> None:
        # What is due now in every deck, as "due now" counts it: no new cards (a deck's enter
        # has them). The session, not these counts, decides: time passes on this screen.
        self._when_loaded(lambda: self.post_message(self.StudyRequested(None, due_only=True)))

    def action_browse(self) -> None:
        self._when_loaded(lambda: self.post_message(self.BrowseRequested()))

    def action_stats(self) -> None:
        deck_id = self.selected_deck_id()
        self._when_loaded(lambda: self.post_message(self.StatsRequested(deck_id)), deck_id)

    def action_target(self) -> None:
        self._on_deck(lambda deck_id: self.post_message(self.TargetRequested(deck_id)))

    def action_briefing(self) -> None:
        self._on_deck(lambda deck_id: self.post_message(self.BriefingRequested(deck_id)))

    def action_mock_test(self) -> None:
        self._on_deck(lambda deck_id: self.post_message(self.MockTestRequested(deck_id)))

    def action_custom_study(self) -> None:
        """Custom study of the selected deck: by tag or text, scheduled or crammed."""
        from briefing_quiz.ui.screens.custom_study import CustomStudyScreen

        def chosen(choice: tuple[CustomFilter, bool] | None) -> None:
            if choice is not None and deck_id is not None:
                self.post_message(self.StudyRequested([deck_id], custom=choice))

        deck_id = self.selected_deck_id()
        loaded = self.loaded
        deck = next((d for d in loaded.decks if d.id == deck_id), None) if loaded else None
        if deck is None:
            self._ready()
            return
        tags = sorted({tag for card in deck.cards for tag in card.tags})
        self.app.push_screen(CustomStudyScreen(deck.id, tags), chosen)

    def action_reload(self) -> None:
        self.post_message(self.ReloadRequested())

    # -- the start-up sequence's steps (services.startup.DecksView) --------------------------------
    def show_reloading(self) -> None:
        self.query_one("#decks-status", Static).update(Content("Reloading decks…"))

    def decks_usable(self) -> None:
        # An action asked for on the summaries' listing runs now.
        deferred, self._deferred = self._deferred, None
        if deferred is not None:
            self.call_later(deferred)

    def show_reloaded(self, loaded: Loaded) -> None:
        bad = len(loaded.failures)
        warned = [f"{clean(deck_id)} {n}" for deck_id, n in sorted(loaded.lint_warnings.items())
                  if n]
        lint = f" Lint warnings (check --lint): {', '.join(warned)}." if warned else ""
        self.notify(f"Reloaded {len(loaded.decks)} deck{'s' if len(loaded.decks) != 1 else ''}"
                    + (f"; {bad} could not be loaded" if bad else "") + "." + lint,
                    timeout=6 if warned else 3, markup=False)

    def show_count_error(self, error: BriefingQuizError) -> None:
        self.notify(f"Cannot count progress: {error}", severity="error", timeout=10)

    def after_paint(self, callback: Callable[[], object]) -> None:
        self.call_after_refresh(callback)
