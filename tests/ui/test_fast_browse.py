"""`ui/fast_browse.py` gives exactly what browse's plain filter and sort give.

Randomised rows (ties in every sort column, shared words, NUL bytes in texts, flagged and
suspended cards in several decks and tags) and randomised queries: for every sort column and
direction, the fast path's rows, cells, keys, counts and kept position equal the plain path's.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress import browse_rows
from briefing_quiz.ui import fast_browse
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.browse import (
    COLUMNS,
    BrowseRow,
    BrowseScreen,
    parse_query,
    plain_shown,
)
from tests.ui.conftest import hold, press, ready, screen_text, settle

MakeApp = Callable[..., QuizApp]

WORDS = ["cease", "fire", "ceasefire", "kyiv", "é", "Straße", "strasse", "\0", "is:flagged",
         "a", "b", "ab", "x y", "  "]
DECKS = ["alpha", "beta", "gamma"]
TAGS = ["war", "law", "map", "ßig"]


@dataclass
class FakeCardRow:
    """The fields of a `CardRow` that filtering, sorting and counting read."""

    key: ItemKey
    suspended: bool
    flag: str | None


def random_rows(rng: random.Random, n: int) -> list[BrowseRow]:
    rows = []
    for i in range(n):
        key = ItemKey(rng.choice(DECKS), f"c{rng.randrange(n)}", i)
        flag = rng.choice([None, None, "", "check"])
        tags = frozenset(rng.sample(TAGS, rng.randrange(3)))
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(6)))
        sort_keys = tuple(rng.choice([rng.randrange(3), rng.randrange(3)]) for _ in COLUMNS)
        cells = tuple(str(k) for k in sort_keys)
        row = FakeCardRow(key, rng.random() < 0.2, flag)
        rows.append(BrowseRow(row, cells, sort_keys, text.casefold(), tags))  # type: ignore[arg-type]
    return rows


def random_query(rng: random.Random) -> fast_browse.Query:
    text = " ".join(rng.choice([*WORDS, "is:suspended", "IS:FLAGGED", "Cease"])
                    for _ in range(rng.randrange(4)))
    return parse_query(text, rng.choice([None, None, *DECKS, "nowhere"]),
                       rng.choice([None, None, *TAGS, "nowhere"]))


def same(fast: fast_browse.Shown, plain: fast_browse.Shown) -> None:
    assert [id(r) for r in fast.rows] == [id(r) for r in plain.rows]
    assert list(fast.cells) == list(plain.cells)
    assert fast.keys == plain.keys
    assert (fast.suspended, fast.flagged, fast.kept_at) == (
        plain.suspended, plain.flagged, plain.kept_at)


@pytest.mark.parametrize("seed", range(12))
def test_fast_path_shows_what_the_plain_path_shows(seed: int) -> None:
    rng = random.Random(seed)
    rows = random_rows(rng, rng.choice([0, 1, 7, 60, 300]))
    index = fast_browse.BrowseIndex(rows)
    for _ in range(40):
        query = random_query(rng)
        column, reverse = rng.randrange(len(COLUMNS)), rng.random() < 0.5
        keep = (rng.choice(rows).row.key if rows and rng.random() < 0.7
                else ItemKey("nowhere", "x"))
        plain = fast_browse.plain_result(plain_shown(rows, query, column, reverse), keep)
        same(index.shown(query, column, reverse, keep), plain)


def test_text_search_finds_each_matching_row_once_and_in_order() -> None:
    texts = ["ceasefire ceasefire", "fire", "", "\0cease\0fire", "ceasefire", "cease"]
    rows = [BrowseRow(FakeCardRow(ItemKey("d", f"c{i}"), False, None),  # type: ignore[arg-type]
                      (str(i),), (i,) * len(COLUMNS), t, frozenset()) for i, t in enumerate(texts)]
    index = fast_browse.BrowseIndex(rows)
    shown = index.shown(parse_query("CeaseFire", None, None), 0, False)
    assert shown.keys == [ItemKey("d", "c0"), ItemKey("d", "c4")]
    assert index.shown(parse_query("fire", None, None), 0, True).keys == [
        ItemKey("d", f"c{i}") for i in (4, 3, 1, 0)]
    assert index.shown(parse_query("e\0f", None, None), 0, False).keys == [ItemKey("d", "c3")]


def test_switch_reads_the_environment() -> None:
    assert fast_browse.enabled_by({})
    assert fast_browse.enabled_by({"BRIEFING_QUIZ_NO_FAST_BROWSE": "0"})
    assert not fast_browse.enabled_by({"BRIEFING_QUIZ_NO_FAST_BROWSE": "1"})


@pytest.mark.parametrize("fast", [True, False])
async def test_a_search_shows_the_highlighted_cards_details_and_history(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, fast: bool) -> None:
    """With the fast path, the details come with the filtered list (one frame); without, from
    the highlight's worker: either way they are the highlighted card's, history included."""
    monkeypatch.setattr(fast_browse, "ENABLED", fast)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space", "3", "escape", "escape", "enter", "b")
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        reviewed = next(r.row for r in screen.shown if r.row.reps)
        started: list[str] = []  # the detail workers the highlight starts
        show_detail = screen.show_detail
        screen.show_detail = lambda row: (started.append(row.key.card_id),  # type: ignore[method-assign]
                                          show_detail(row))[1]
        await press(pilot, "slash")
        for word, card in ((reviewed.key.card_id, reviewed.key.card_id),
                           ("poland", "truefalse-poland")):
            await press(pilot, "ctrl+u", *word)
            await settle(pilot)
            assert [r.row.key.card_id for r in screen.shown][:1] == [card]
            text = screen_text(app)
            assert f"mini/{card}" in text and "Review history:" in text
            assert "loading…" not in text
            assert ("2022-02-14 09:30  Good" in text) == (card == reviewed.key.card_id)
            assert ("never reviewed" in text) == (card != reviewed.key.card_id)
        # Fast: the details came with the list, so the highlight started no worker of its own.
        # Plain: one worker per change of the list (each keystroke's).
        assert (started == []) if fast else (started[-1] == "truefalse-poland")


async def _browse_screens(make_app: MakeApp, size: tuple[int, int],
                          words: list[str]) -> list[str]:
    """The screen's text after browse is opened and after each word is typed into its search
    (pasted at once, as one burst of keystrokes)."""
    app = make_app()
    seen: list[str] = []
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space", "3", "escape", "escape", "enter", "b", "slash")
        seen.append(screen_text(app))
        for word in words:
            await pilot.press("ctrl+u", *word)  # no settling in between: one burst
            await settle(pilot)
            seen.append(screen_text(app))
        await press(pilot, "escape", "pagedown")  # the list scrolled: its scroll bar moves
        seen.append(screen_text(app))
        for key in ("o", "o", "o", "O", "o", "o", "o", "O"):  # other sort orders, reversed
            await press(pilot, key)
            seen.append(screen_text(app))
    return seen


@pytest.mark.parametrize("size", [(100, 30), (80, 24), (120, 40)])
async def test_a_typed_search_paints_what_the_plain_path_paints(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]) -> None:
    """The fast search's one frame (held frames, the history waited for, heights set without a
    layout) ends on the very screen the plain path ends on: list, count, scroll bars, details.
    The rows read lean (`core/progress/browse_rows.py`), their cells, sort keys and haystacks
    made when first read, show what the rows read through the card JSON and made at once show,
    in every sort order."""
    words = ["poland", "zzz-nothing", "mini", "", "ÉTAT", "kyiv poland"]
    monkeypatch.setattr(fast_browse, "ENABLED", True)
    monkeypatch.setattr(browse_rows, "ENABLED", True)
    fast = await _browse_screens(make_app, size, words)
    monkeypatch.setattr(fast_browse, "ENABLED", False)
    monkeypatch.setattr(browse_rows, "ENABLED", False)
    plain = await _browse_screens(make_app, size, words)
    assert fast == plain
    assert any("truefalse-poland" in text for text in fast)  # the searches did find cards
    assert "No card matches the filters." in fast[2]


async def test_the_detail_panel_scrolls_its_text(make_app: MakeApp) -> None:
    """Details longer than the panel: it shows them from the top, a scroll bar at its side,
    and scrolls them with the keys once focused (tab), as the VerticalScroll it replaced."""
    from briefing_quiz.ui.widgets.detail import DetailPanel

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space", "3", "escape", "escape", "enter", "b")
        panel = app.screen.query_one("#detail", DetailPanel)
        assert panel.virtual_size.height > panel.scrollable_content_region.height
        assert panel.show_vertical_scrollbar and panel.scroll_y == 0
        first = screen_text(app)
        panel.focus()
        await press(pilot, "pagedown")
        assert panel.scroll_y > 0
        assert screen_text(app) != first
        await press(pilot, "home")
        assert panel.scroll_y == 0 and screen_text(app) == first


@pytest.mark.parametrize("rows", [0, 3, 40, 400])
async def test_set_lines_sizes_a_view_as_the_plain_path_does(rows: int) -> None:
    """`fast_browse.set_lines` (no layout while the scroll bar stays) leaves the table with the
    height, scroll bar size, scroll position and screen the plain assignment gives."""
    from textual.app import App, ComposeResult

    from briefing_quiz.ui.widgets.table import Column, VirtualTable

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield VirtualTable[int]([Column("n", 6)], id="t")

    async def after_refills(fast: bool) -> tuple[object, ...]:
        fast_browse.ENABLED = fast
        app = One()
        async with app.run_test(size=(30, 12)) as pilot:
            table: VirtualTable[int] = app.query_one("#t", VirtualTable)
            for n in (200, rows, 150):
                table.set_rows([(str(i),) for i in range(n)], list(range(n)), at=n // 2)
                await pilot.pause()
            bar = table.vertical_scrollbar
            lines = "\n".join(s.text for s in app.screen._compositor.render_strips())
            return (table.virtual_size, table.scroll_y, table.show_vertical_scrollbar,
                    bar.window_virtual_size, bar.position, lines)

    try:
        assert await after_refills(True) == await after_refills(False)
    finally:
        fast_browse.ENABLED = fast_browse.enabled_by({})


def test_every_character_one_line_replaces_is_unprintable() -> None:
    """`cell_text` skips the translation of printable texts: sound only while every character
    `one_line` changes is one `str.isprintable` rejects (a test to fail if one is added)."""
    from briefing_quiz.ui import text

    changed = [c for c in range(0x110000) if text.one_line(chr(c), 5) != chr(c)]
    assert changed and 0x0A in changed and 0x202E in changed
    assert not any(chr(c).isprintable() for c in changed)


@pytest.mark.parametrize("seed", range(8))
def test_cell_text_is_one_line(seed: int) -> None:
    from briefing_quiz.ui.text import one_line

    rng = random.Random(seed)
    pieces = ["a", "Straße", "é", "e\u0301", "🇺🇦", " ", "\t", "\n", "\r\n", "\x1b[31m", "\x7f",
              "\x85", "\u202e", "\u2028", "\udc80", "[b]x[/b]", "…", "中文", "\u200b"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 40)))
        limit = rng.choice([1, 2, 5, 10, 40, 80])
        assert fast_browse.cell_text(text, limit) == one_line(text, limit), (text, limit)


async def test_held_frames_are_released_by_time_and_when_browse_closes(
        make_app: MakeApp) -> None:
    """A burst whose last keystroke never comes (or browse closed mid-burst) cannot leave the
    app's frames held: the hold ends after `HOLD_AT_MOST` and when the screen goes."""
    import asyncio

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await press(pilot, "b")
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        screen._hold_frames()
        assert screen._held is not None
        await asyncio.sleep(fast_browse.HOLD_AT_MOST + 0.1)
        await pilot.pause()
        assert screen._held is None
        screen._hold_frames()
        await press(pilot, "escape")
        assert not isinstance(app.screen, BrowseScreen) and screen._held is None
        before = screen_text(app)
        await press(pilot, "b")  # the app still paints: browse is shown again
        assert screen_text(app) != before


async def test_a_search_does_not_wait_long_for_a_busy_store(make_app: MakeApp) -> None:
    """The store busy (the history held): the search still shows the filtered list and the
    card's details after at most `DETAIL_WAIT`, "loading…" in place of the history, which the
    highlight's worker shows once the store answers."""
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await press(pilot, "b", "slash")
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        gate = hold(app, "history_sync")
        for key in "poland":
            await pilot.press(key)
        for _ in range(20):
            await pilot.pause(0.02)
            if "truefalse-poland" in screen_text(app):
                break
        text = screen_text(app)
        assert "mini/truefalse-poland" in text and "loading…" in text
        assert [r.row.key.card_id for r in screen.shown][:1] == ["truefalse-poland"]
        gate.set()
        await settle(pilot)
        text = screen_text(app)
        assert "Review history:" in text and "never reviewed" in text and "loading…" not in text
