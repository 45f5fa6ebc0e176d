"""The home screen: every deck with its counts, the decks that failed to load, what to do next."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.ui.screens import quiz_app
from briefing_quiz.ui.text import assemble, clean, lines, plain
from briefing_quiz.ui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from briefing_quiz.core.model import Deck
    from briefing_quiz.core.session import DeckStats
    from briefing_quiz.ui.app import QuizApp
    from briefing_quiz.ui.backend import Loaded

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
    """'2d 3h · 63%': the countdown to the deck's briefing and the readiness then ('—': none)."""
    from briefing_quiz.core.briefing import format_countdown

    if stats.briefing_at is None:
        return "—"
    if stats.briefing_at <= now or stats.readiness is None:
        return "passed"
    countdown = format_countdown(stats.briefing_at - now, short=True)
    return f"{countdown} · {stats.readiness.percent}%"


class DecksScreen(Screen[None]):
    """Decks with new / learning / due / total and mean recall."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "study", "Study deck", priority=True),
        Binding("a", "study_all", "Study all due"),
        Binding("b", "browse", "Browse"),
        Binding("s", "stats", "Stats"),
        Binding("t", "target", "Briefing time"),
        Binding("g", "briefing", "Briefing study"),
        Binding("m", "mock_test", "Mock test", show=False),
        Binding("r", "reload", "Reload"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    # Nothing to focus before the decks are listed (show_loaded does it): focusing the page
    # first restyled it twice around the first frame (~10 ms of CSS work, profile).
    AUTO_FOCUS = ""
    #: Seconds between two refreshes of the briefing countdowns.
    COUNTDOWN_REFRESH: ClassVar[float] = 60.0

    def __init__(self) -> None:
        super().__init__(id="decks")
        self.loaded: Loaded | None = None
        self.stats: dict[str, DeckStats] = {}

    @property
    def quiz(self) -> QuizApp:
        return quiz_app(self)

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
    def show_loaded(self, loaded: Loaded, stats: Sequence[DeckStats] | None = None) -> None:
        """Fill the screen from a load; counts show as … until `stats` come."""
        self.loaded = loaded
        if stats is not None:
            self.stats = {s.deck_id: s for s in stats}
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
        self._show_status(loaded)
        self._show_failures(loaded)

    def _fill_table(self, table: DataTable[Text], decks: Sequence[Deck]) -> None:
        """Put one row per deck in the table, the selected deck kept selected.

        Every column gets its width here, measured from its label and cells, as DataTable
        would measure it: DataTable measures new rows only when idle, and a row painted before
        that (behind a dialog that repaints, say) stayed cached with the old widths until the
        dialog closed ("3d 4h · " for "3d 4h · 50%").
        """
        selected = self.selected_deck_id()
        now = self.quiz.clock()
        rows = [self._cells(deck, self.stats.get(deck.id), now) for deck in decks]
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
        now = self.quiz.clock()
        shown = [str(table.get_cell(d.id, "briefing")) for d in loaded.decks]
        wanted = [str(self._cells(d, self.stats.get(d.id), now)[6]) for d in loaded.decks]
        if shown != wanted:
            self._fill_table(table, loaded.decks)

    @staticmethod
    def _cells(deck: Deck, stats: DeckStats | None, now: datetime) -> list[Text]:
        if stats is None:
            total = sum(len(card.items) for card in deck.cards)  # 10,000 cards: ~5 ms
            counts = ["…", "…", "…", str(total), "…", "…"]
        else:
            counts = [str(n) for n in (stats.new, stats.learning, stats.due_now, stats.items)]
            counts.append(recall_text(stats.mean_retrievability))
            counts.append(briefing_cell(stats, now))
        return [
            Text(clean(deck.id), no_wrap=True, overflow="ellipsis"),
            *(Text(c, justify="right") for c in counts),
            Text(clean(deck.title), no_wrap=True, overflow="ellipsis"),
        ]

    def _show_status(self, loaded: Loaded) -> None:
        status = self.query_one("#decks-status", Static)
        parts: list[Content] = []
        if loaded.store_error is not None:
            parts.append(assemble(("✗ Progress file: ", "bold $text-error"),
                                  str(loaded.store_error)))
        if self.quiz.backend.config_error is not None:
            parts.append(assemble(("✗ Settings ignored, defaults used: ", "bold $text-error"),
                                  str(self.quiz.backend.config_error)))
        if not loaded.decks:
            dirs = ", ".join(str(d) for d in self.quiz.paths.deck_dirs)
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
        if self.quiz.backend.store is None and self.quiz.backend.store_error is not None:
            self.notify("The progress file could not be opened, so studying is off. "
                        "See the message on the screen.", severity="error")
            return False
        return True

    def action_study(self) -> None:
        deck_id = self.selected_deck_id()
        if self._ready() and deck_id is not None:
            self.quiz.start_study([deck_id])

    @on(DataTable.RowSelected, "#decks-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_study()

    def action_study_all(self) -> None:
        if self._ready():
            self.quiz.start_study(None)

    def action_browse(self) -> None:
        if self._ready():
            self.quiz.open_browse()

    def action_stats(self) -> None:
        if self._ready():
            self.quiz.open_stats(self.selected_deck_id())

    def action_target(self) -> None:
        deck_id = self.selected_deck_id()
        if self._ready() and deck_id is not None:
            self.quiz.open_target(deck_id)

    def action_briefing(self) -> None:
        deck_id = self.selected_deck_id()
        if self._ready() and deck_id is not None:
            self.quiz.start_briefing(deck_id)

    def action_mock_test(self) -> None:
        deck_id = self.selected_deck_id()
        if self._ready() and deck_id is not None:
            self.quiz.open_mock_test(deck_id)

    def action_reload(self) -> None:
        self.reload()

    @work(exclusive=True, group="load-decks")
    async def reload(self, *, quiet: bool = False) -> None:
        """Load the decks from disk again (the app's first load goes through here too).

        Two steps, so the decks are listed (and can be opened) before the slower counting of
        their progress is done; at start-up the app reads its settings between them.
        """
        backend = self.quiz.backend
        status = self.query_one("#decks-status", Static)
        if self.loaded is not None:
            status.update(Content("Reloading decks…"))
        loaded = await backend.call(backend.load_sync)
        self.show_loaded(loaded)
        # The store thread's next work (opening the store, reading the settings, counting)
        # holds the GIL: it waits until the listed decks are painted. Every call made from now
        # on, by any screen, comes after the store's opening.
        painted = threading.Event()
        backend.hold(painted)
        self.call_after_refresh(painted.set)
        store_error = await backend.call(backend.open_store_sync)
        if store_error is not loaded.store_error:
            loaded.store_error = store_error
            self._show_status(loaded)
        self.quiz.decks_loaded()
        if not quiet:
            bad = len(loaded.failures)
            self.notify(f"Reloaded {len(loaded.decks)} deck{'s' if len(loaded.decks) != 1 else ''}"
                        + (f"; {bad} could not be loaded" if bad else "") + ".", timeout=3)
        await self.quiz.load_settings()
        await self.refresh_stats()

    async def refresh_stats(self) -> None:
        """Recount after loading, studying or suspending (decks are not re-read)."""
        loaded = self.loaded
        if loaded is None:
            return
        try:
            stats = await self.quiz.backend.call(self.quiz.backend.deck_stats_sync)
        except BriefingQuizError as error:
            self.notify(f"Cannot count progress: {error}", severity="error", timeout=10)
            return
        self.show_loaded(loaded, stats)
