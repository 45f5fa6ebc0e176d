"""The command palette (issue 18 item 8): the app's own commands first, Textual's after them,
and no table-navigation commands; searching ranks the app's commands above Textual's."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import CommandList, CommandPalette

from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.commands import AppCommands
from tests.ui.conftest import press, ready

MakeApp = Callable[..., QuizApp]


def listed(app: QuizApp) -> list[str]:
    options = app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(options.option_count)]


async def test_the_palette_lists_the_apps_commands_first(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        titles = [str(hit.text) async for hit in AppCommands(app.screen).discover()]
        own = titles.index("Study deck")
        assert own == 0
        system = [titles.index(t) for t in ("Theme", "Keys", "Screenshot")]
        assert min(system) > titles.index("Fit and apply FSRS parameters")
        assert titles.count("Quit") == 1  # the screen's q; Textual's own Quit left out
        assert not any("ursor" in t or "Scroll" in t for t in titles)
        # The palette itself, opened with ctrl+p, shows them in that order.
        await pilot.press("ctrl+p")
        for _ in range(20):
            await pilot.pause(0.05)
        assert isinstance(app.screen, CommandPalette)
        shown = listed(app)
        assert shown[0].startswith("Study deck"), shown[:5]
        assert shown.index("Theme") > shown.index("Quit") > shown.index("Browse")


async def test_a_search_ranks_the_apps_command_above_textuals(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        hits = [hit async for hit in AppCommands(app.screen).search("quit")]
        both = [hit async for hit in AppCommands(app.screen).search("s")]
        texts = [str(h.text) for h in sorted(both, key=lambda h: -h.score)]
        assert "Screenshot" in texts and texts.index("Screenshot") > texts.index("Stats")
        best = max(hits, key=lambda h: h.score)
        assert str(best.text) == "Quit" and len(hits) == 1  # the decks screen's q only
        await press(pilot, "b")
        titles = [str(hit.text) async for hit in AppCommands(app.screen).discover()]
        assert titles[0] == "Search" and "Flag" in titles and "Forget" in titles
        assert not any(t in ("Up", "Down", "Page up", "First", "Last") for t in titles)
