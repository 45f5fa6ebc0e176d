"""Browse every card: filter by deck, tag and text, sort by any column, see one card's details and
review history, and suspend or unsuspend it; flag it with a note, forget it, set its due date or
preview it (Anki's everyday card actions). `is:flagged` (or `is:suspended`) in the search keeps
those cards only.

Rows are built once on the store thread; filtering and sorting work on plain lists (sorted once
per sort order by `ui/fast_browse.py`; `plain_shown` is the plain path), and the table draws only
what is on screen, so 10,000 cards stay responsive while typing a search.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.store import ReviewRecord
from briefing_quiz.services.backend import CardRow
from briefing_quiz.ui import fast_browse
from briefing_quiz.ui.screens.browse_detail import detail_content
from briefing_quiz.ui.screens.browse_row import BrowseRow, build_rows, make_row
from briefing_quiz.ui.text import assemble, lines, one_line
from briefing_quiz.ui.widgets.detail import DetailPanel
from briefing_quiz.ui.widgets.keybar import KeyBar
from briefing_quiz.ui.widgets.table import Column, VirtualTable

if TYPE_CHECKING:
    from briefing_quiz.services.backend import Backend

COLUMNS = (
    Column("Deck", 10),
    Column("Id", 12, flex=True),
    Column("Type", 9),
    Column("Tags", 8, flex=True),
    Column("Due", 6, right=True),
    Column("Stab", 6, right=True),
    Column("R", 4, right=True),
    Column("Lap", 3, right=True),
    Column("Susp", 4),
    Column("⚑", 1),  # flagged (the note: in the detail panel)
    Column("Question", 24, flex=True, hide_below=110),  # when there is room for it
)
#: How long a search waits for the highlighted card's history to paint it with the list (s).
DETAIL_WAIT = 0.05
#: How long after the list is shown the rows' search text is made on the store thread (s).
WARM_HAYSTACKS_AFTER = 0.2


def parse_query(text: str, deck: str | None, tag: str | None) -> fast_browse.Query:
    """The search field's text and the two filters as a query: `is:flagged` and
    `is:suspended` are words of their own; the other words, casefolded, are one needle."""
    words = text.casefold().split()
    return fast_browse.Query(
        deck, tag, "is:flagged" in words, "is:suspended" in words,
        " ".join(w for w in words if w not in ("is:flagged", "is:suspended")))


def plain_shown(rows: list[BrowseRow], query: fast_browse.Query, column: int,
                reverse: bool) -> list[BrowseRow]:
    """The rows `query` keeps, sorted by `column` (the plain path of `ui/fast_browse.py`)."""
    deck, tag, needle = query.deck, query.tag, query.needle
    shown = [r for r in rows
             if (deck is None or r.row.key.deck_id == deck)
             and (tag is None or tag in r.tags)
             and (not query.flagged or r.row.flag is not None)
             and (not query.suspended or r.row.suspended)
             and (not needle or needle in r.haystack)]
    shown.sort(key=lambda r: r.sort_keys[column], reverse=reverse)  # type: ignore[arg-type,return-value]
    return shown


class BrowseScreen(Screen[None]):
    """All cards in a sortable, filterable table with a detail panel."""

    @dataclass
    class Closed(Message):
        """Back to the decks, whose counts a suspension or an edit may have changed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="browse.search"),
        Binding("d", "focus_deck", "Deck filter"),
        Binding("t", "focus_tag", "Tag filter"),
        Binding("o", "sort_next", "Sort by next column"),
        Binding("O", "sort_reverse", "Reverse sort"),
        Binding("exclamation_mark", "toggle_suspend", "(Un)suspend", id="browse.suspend"),
        Binding("e", "edit", "Edit", id="browse.edit"),
        Binding("i", "card_info", "Info", id="browse.info"),
        Binding("p", "preview", "Preview", id="browse.preview"),
        Binding("asterisk", "flag", "Flag", key_display="*", id="browse.flag"),
        Binding("N", "forget", "Forget", id="browse.forget"),
        Binding("D", "set_due", "Set due", id="browse.set_due"),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    def __init__(self, backend: Backend) -> None:
        super().__init__(id="browse")
        self.backend = backend
        self.all_rows: list[BrowseRow] = []
        self._detail_row: CardRow | None = None  # whose details and history are shown in full
        self._index: fast_browse.BrowseIndex | None = None  # of all_rows, built on first filter
        self.shown: list[BrowseRow] = []
        self.sort_column = 4  # due
        self.sort_reverse = False
        self.deck_filter: str | None = None
        self.tag_filter: str | None = None
        self.text_filter = ""
        self.loaded = False
        self._held: ExitStack | None = None  # the frames held while a search is typed

    def compose(self) -> ComposeResult:
        with Horizontal(id="browse-filters"):
            yield Input(placeholder="/ search text, ids, tags", id="search", compact=True)
            yield Select[str]([], prompt="All decks (d)", id="deck-filter", compact=True)
            yield Select[str]([], prompt="All tags (t)", id="tag-filter", compact=True)
        yield VirtualTable[ItemKey](COLUMNS, empty_text="Loading cards…", id="cards")
        yield Static(id="browse-count")
        yield DetailPanel(id="detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#cards", VirtualTable).focus()
        self.load()

    @work(exclusive=True, group="browse-load")
    async def load(self) -> None:
        backend = self.backend
        now = self.backend.clock()
        try:
            rows = await backend.call(lambda: build_rows(backend.card_rows_sync(), now))
        except BriefingQuizError as error:
            self.query_one("#browse-count", Static).update(
                assemble(("✗ Cannot read the progress file: ", "bold $text-error"), str(error)))
            return
        self.all_rows = rows
        self.loaded = True
        decks = sorted({r.row.key.deck_id for r in rows})
        tags = sorted({t for r in rows for t in r.tags})
        # set_options clears a Select: the filters in use are put back (a reload after `e` left
        # the table filtered by nothing that exists, issue 17 bug 1).
        for name, values, kept in (("#deck-filter", decks, self.deck_filter),
                                   ("#tag-filter", tags, self.tag_filter)):
            select: Select[str] = self.query_one(name, Select)
            select.set_options((one_line(v, 40), v) for v in values)
            if kept in values:
                select.value = kept
        table: VirtualTable[ItemKey] = self.query_one("#cards", VirtualTable)
        table.empty_text = "No card matches the filters."
        self.apply()
        if fast_browse.ENABLED:
            # The rows' search text, made on the store thread before the first search needs it,
            # after the first card's details were read (they queue there too).
            await asyncio.sleep(WARM_HAYSTACKS_AFTER)
            with suppress(RuntimeError):  # the store thread was shut down: the search makes it
                await backend.call(lambda: [r.haystack for r in rows])

    # -- filtering and sorting --------------------------------------------------------------------
    def apply(self) -> None:
        """Filter, sort and show the rows, keeping the highlighted card when it is still shown."""
        self._show(self._result())

    def _result(self) -> fast_browse.Shown:
        """What the filters and the sort order show now (no widget is changed)."""
        table: VirtualTable[ItemKey] = self.query_one("#cards", VirtualTable)
        keep = table.current_key
        query = parse_query(self.text_filter, self.deck_filter, self.tag_filter)
        column = self.sort_column
        if fast_browse.ENABLED:
            if self._index is None or self._index.rows is not self.all_rows:
                self._index = fast_browse.BrowseIndex(self.all_rows)
            return self._index.shown(query, column, self.sort_reverse, keep)
        return fast_browse.plain_result(
            plain_shown(self.all_rows, query, column, self.sort_reverse), keep)

    def _show(self, result: fast_browse.Shown) -> None:
        table: VirtualTable[ItemKey] = self.query_one("#cards", VirtualTable)
        column = self.sort_column
        self.shown = shown = result.rows
        arrow = " ▼" if self.sort_reverse else " ▲"
        table.set_header_labels([c.label + (arrow if i == column else "")
                                 for i, c in enumerate(COLUMNS)])
        table.set_rows(result.cells, result.keys, at=result.kept_at)
        total = len(self.all_rows)
        suspended, flags = result.suspended, result.flagged
        self.query_one("#browse-count", Static).update(Content(
            f"{len(shown):,} of {total:,} cards shown · {suspended:,} suspended · "
            + (f"{flags:,} flagged · " if flags else "")
            + f"sorted by {COLUMNS[column].label}{arrow}"), layout=False)  # one line, always
        if not shown:
            self.query_one("#detail", DetailPanel).update(Content(""))

    @on(Input.Changed, "#search")
    async def _search(self, event: Input.Changed) -> None:
        fast = fast_browse.ENABLED and self.loaded
        if event.value != event.input.value:
            if fast:
                self._hold_frames()
            return  # a later keystroke is already in the field: its own event filters once
        self.text_filter = event.value
        if not fast:
            self._release_frames()
            if self.loaded:
                self.apply()
            return
        # One frame for the field, the list, its count and the highlighted card's details with
        # its history (ui/fast_browse.py): no frame is painted from the first keystroke of a
        # burst until the widgets changed have told the screen.
        self._hold_frames()
        try:
            result = self._result()
            first = result.rows[max(result.kept_at, 0)].row if result.rows else None
            history = None if first is None else self._history_now(first)
            self._show(result)
            if first is not None and history is not None:
                self.workers.cancel_group(self, "browse-detail")
                self._detail_row = first
                self.query_one("#detail", DetailPanel).update(
                    detail_content(first, history, self.backend.clock(), self.backend.tz))
            for _ in range(fast_browse.TELL_SCREEN_TURNS):
                await asyncio.sleep(0)
        finally:
            self._release_frames()

    def _hold_frames(self) -> None:
        """Hold the screen's frames (`App.batch_update`) until `_release_frames`, or
        `fast_browse.HOLD_AT_MOST` seconds at most."""
        if self._held is not None:
            return
        held = self._held = ExitStack()
        held.enter_context(self.app.batch_update())

        def release() -> None:
            if self._held is held:
                self._release_frames()

        self.set_timer(fast_browse.HOLD_AT_MOST, release)

    def _release_frames(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            held.close()

    def on_unmount(self) -> None:
        self._release_frames()

    def _history_now(self, row: CardRow) -> list[ReviewRecord] | None:
        """The card's review history if the store gives it within `DETAIL_WAIT`; else None
        (the `Highlighted` message's worker then shows the details as it always does)."""
        try:
            return self.backend.call_within(DETAIL_WAIT, self.backend.history_sync, row.key)
        except (TimeoutError, BriefingQuizError, RuntimeError):  # RuntimeError: shut down
            return None

    @on(Input.Submitted, "#search")
    def _search_done(self, event: Input.Submitted) -> None:
        self.query_one("#cards", VirtualTable).focus()

    @on(Select.Changed, "#deck-filter")
    def _deck(self, event: Select.Changed) -> None:
        self.deck_filter = None if event.select.is_blank() else str(event.value)
        if self.loaded:
            self.apply()

    @on(Select.Changed, "#tag-filter")
    def _tag(self, event: Select.Changed) -> None:
        self.tag_filter = None if event.select.is_blank() else str(event.value)
        if self.loaded:
            self.apply()

    @on(VirtualTable.HeaderClicked)
    def _header(self, event: VirtualTable.HeaderClicked) -> None:
        if event.column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = event.column, False
        self.apply()

    def action_sort_next(self) -> None:
        self.sort_column = (self.sort_column + 1) % len(COLUMNS)
        self.sort_reverse = False
        self.apply()

    def action_sort_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self.apply()

    # -- details ----------------------------------------------------------------------------------
    @on(VirtualTable.Highlighted)
    def _highlighted(self, event: VirtualTable.Highlighted) -> None:
        if 0 <= event.index < len(self.shown):
            row = self.shown[event.index].row
            if row is not self._detail_row:  # else its details are shown already, in full
                self.show_detail(row)

    # A description of its own: without one, Textual builds it from repr() of the arguments,
    # and a CardRow's repr spells out its whole deck (10,000 cards: ~15 ms on every highlight).
    @work(exclusive=True, group="browse-detail", description="card details")
    async def show_detail(self, row: CardRow) -> None:
        text = self.query_one("#detail", DetailPanel)
        now, tz = self.backend.clock(), self.backend.tz
        self._detail_row = None
        text.update(detail_content(row, None, now, tz))
        try:
            history = await self.backend.call(self.backend.history_sync, row.key)
        except BriefingQuizError as error:
            text.update(lines([detail_content(row, [], now, tz),
                               assemble(("✗ History unavailable: ", "bold $text-error"),
                                        str(error))]))
            return
        text.update(detail_content(row, history, now, tz))

    # -- actions ----------------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_deck(self) -> None:
        self.query_one("#deck-filter", Select).focus()

    def action_focus_tag(self) -> None:
        self.query_one("#tag-filter", Select).focus()

    def _current(self) -> CardRow | None:
        table: VirtualTable[ItemKey] = self.query_one("#cards", VirtualTable)
        if not self.shown or not 0 <= table.cursor < len(self.shown):
            return None
        return self.shown[table.cursor].row

    async def _change(self, key: ItemKey, fn: Callable[..., object], *args: object) -> bool:
        """Run a card action on the store thread, then show the card's new row; False when it
        failed (said in a notification)."""
        backend = self.backend
        try:
            await backend.call(fn, key, *args)
            fresh = await backend.call(backend.card_row_sync, key)
        except BriefingQuizError as error:
            self.notify(f"Could not change {key}: {error}", severity="error")
            return False
        if fresh is not None:
            new = make_row(fresh, self.backend.clock())
            self.all_rows = [new if r.row.key == key else r for r in self.all_rows]
            self.apply()
            self.show_detail(fresh)
        return True

    async def action_toggle_suspend(self) -> None:
        current = self._current()
        if current is None:
            return
        key, suspend = current.key, not current.suspended
        if await self._change(key, self.backend.set_suspended_sync, suspend):
            self.notify(f"{'Suspended' if suspend else 'Unsuspended'} {key}.", timeout=3)

    # -- Anki's everyday card actions: flag, forget, set due date (ui/screens/card_actions.py) ----
    # Each dialog answers through a callback (not a worker waiting on it): the screen stays idle
    # while the dialog is open.
    def action_flag(self) -> None:
        from briefing_quiz.ui.screens.card_actions import FlagChoice, FlagScreen

        current = self._current()
        if current is None:
            return
        key = current.key

        async def chosen(choice: FlagChoice | None) -> None:
            if choice is None:
                return
            what, note = choice
            if await self._change(key, self.backend.flag_sync, note if what == "flag" else None):
                self.notify(f"Flagged {key}" + (f": {one_line(note, 80)}" if note else ".")
                            if what == "flag" else f"Flag removed from {key}.", timeout=3)

        self.app.push_screen(FlagScreen(key, current.flag), chosen)

    def action_forget(self) -> None:
        from briefing_quiz.ui.screens.card_actions import ForgetScreen

        current = self._current()
        if current is None:
            return
        key = current.key
        if current.phase == "new":
            self.notify(f"{key} is new already.", timeout=3)
            return

        async def confirmed(yes: bool | None) -> None:
            if yes and await self._change(key, self.backend.forget_sync):
                self.notify(f"Forgot {key}: it is new again (its history is kept).", timeout=4)

        self.app.push_screen(ForgetScreen(key), confirmed)

    def action_set_due(self) -> None:
        from briefing_quiz.core.study.due_date import describe_due
        from briefing_quiz.ui.screens.card_actions import DueDateScreen

        current = self._current()
        if current is None:
            return
        key, tz = current.key, self.backend.tz
        if current.due is None:
            self.notify(f"{key} is new: it has no due date to set (study it first).", timeout=4)
            return

        async def given(text: str | None) -> None:
            if text is None or not await self._change(key, self.backend.set_due_sync, text):
                return
            fresh = next((r.row for r in self.all_rows if r.row.key == key), None)
            due = fresh.due if fresh is not None else None
            when = "?" if due is None else describe_due(due, now=self.backend.clock(), tz=tz)
            self.notify(f"{key} is due {when}.", timeout=4)

        shown = describe_due(current.due, now=self.backend.clock(), tz=tz)
        self.app.push_screen(DueDateScreen(self.backend, key, shown), given)

    def action_edit(self) -> None:
        table: VirtualTable[ItemKey] = self.query_one("#cards", VirtualTable)
        if self.shown and 0 <= table.cursor < len(self.shown):
            self.edit_card(self.shown[table.cursor].row)

    @work(exclusive=True, group="browse-edit", description="edit a card")
    async def edit_card(self, row: CardRow, line: int | None = None) -> None:
        """Edit the card in its deck file (ui/editor.py), then list the cards again."""
        from briefing_quiz.ui.editor import edit_in_place

        def again(at: int | None) -> None:
            self.edit_card(row, at)

        if await edit_in_place(self.app, self.backend, row.card, line=line, again=again) is None:
            return
        await self.load().wait()
        fresh = next((r.row for r in self.all_rows if r.row.key == row.key), None)
        if fresh is not None:
            self.show_detail(fresh)

    def action_card_info(self) -> None:
        """Card info of the highlighted card (ui/screens/card_info.py)."""
        from briefing_quiz.ui.screens.card_info import CardInfoScreen

        table: VirtualTable[ItemKey] = self.query_one("#cards", VirtualTable)
        if self.shown and 0 <= table.cursor < len(self.shown):
            self.app.push_screen(CardInfoScreen(self.backend, self.shown[table.cursor].row.key))

    def action_preview(self) -> None:
        """The highlighted card as it is asked, then its answer (ui/screens/preview.py)."""
        from briefing_quiz.ui.screens.preview import PreviewScreen

        table: VirtualTable[ItemKey] = self.query_one("#cards", VirtualTable)
        if self.shown and 0 <= table.cursor < len(self.shown):
            row = self.shown[table.cursor].row
            self.app.push_screen(PreviewScreen(row.card, row.key.item, row.deck.source))

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, (Input, Select)):
            self.query_one("#cards", VirtualTable).focus()
            return
        self.dismiss(None)
        # To the app: this screen is closing and would drop a message posted to itself.
        self.app.post_message(self.Closed())
