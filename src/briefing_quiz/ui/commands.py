"""Command palette: every key binding active on the current screen is also a command.

Built from the bindings themselves rather than a second list, so a new key can never be missing
from the palette. Bindings without a description, and the hidden ones of Textual's own widgets
(a table's cursor moves, an input's editing keys), are left out.
`ToolCommands` adds what has no key: fitting FSRS parameters (`briefing-quiz optimize`).
`AppCommands`, the app's one provider, lists them in that order and Textual's own commands
(theme, keys, screenshot, quit) after them: with several providers the palette shows whichever
answers first.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from functools import lru_cache, partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.system_commands import SystemCommandsProvider

#: Actions of hidden bindings that move within a widget (the browse table, a choice list).
NAVIGATION = frozenset({"move", "page", "jump", "cursor", "select", "scroll_card"})


@lru_cache(maxsize=64)
def _textual_actions(node_type: type) -> frozenset[str]:
    """The actions bound by the Textual classes `node_type` derives from (scrolling, focus
    moves, copying, a cursor's moves)."""
    actions: set[str] = set()
    for cls in node_type.__mro__:
        if cls.__module__.startswith("textual."):
            for binding in cls.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding):
                    actions.add(binding.action)
                elif isinstance(binding, tuple) and len(binding) > 1:
                    actions.add(str(binding[1]))
    return frozenset(actions)


class ScreenCommands(Provider):
    """The actions of the screen the palette was opened from (and of the app)."""

    def _commands(self) -> Iterator[tuple[str, str, DOMNode, str]]:
        seen: set[tuple[int, str]] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.description or not active.enabled:
                continue
            if binding.action.startswith("command_palette"):
                continue
            if not binding.show and (binding.action in _textual_actions(type(active.node))
                                     or binding.action.split("(", 1)[0] in NAVIGATION):
                continue  # moves within a widget (a table's cursor, scrolling, focus): not
                # commands; those Textual's classes declare, and our table's and card's

            ident = (id(active.node), binding.action)
            if ident in seen:
                continue
            seen.add(ident)
            shown = binding.key_display or self.app.get_key_display(binding)
            # The tooltip, when a binding has one, is the longer name (the key bar's is short).
            title = binding.tooltip or binding.description
            yield title, f"key: {shown or key}", active.node, binding.action

    async def discover(self) -> Hits:
        for title, help_text, node, action in self._commands():
            yield DiscoveryHit(title, partial(self._run, node, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, node, action in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, node, action),
                          help=help_text)

    async def _run(self, node: DOMNode, action: str) -> None:
        await self.app.run_action(action, node)


#: (title, help, apply): the palette's entries for `briefing-quiz optimize`.
_OPTIMIZE = (
    ("Fit FSRS parameters to your reviews", "optimize: compare them with those in use", False),
    ("Fit and apply FSRS parameters", "optimize --apply: write them into the config file", True),
)


class ToolCommands(Provider):
    """Commands without a key: `optimize` (its body is the application layer's, run off the UI
    thread; the result is shown as a notification)."""

    async def discover(self) -> Hits:
        for title, help_text, apply in _OPTIMIZE:
            yield DiscoveryHit(title, partial(self._optimize, apply), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, apply in _OPTIMIZE:
            score = max(matcher.match(title), matcher.match(help_text))
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._optimize, apply),
                          help=help_text)

    async def _optimize(self, apply: bool) -> None:
        self.app.run_worker(self._fit(apply), group="optimize", exclusive=True)

    async def _fit(self, apply: bool) -> None:
        from briefing_quiz.core.errors import BriefingQuizError
        from briefing_quiz.services.optimize import optimize_report
        from briefing_quiz.ui.text import clean

        app = self.app
        backend = getattr(app, "backend", None)
        if backend is None:
            return
        app.notify("Fitting FSRS parameters to your reviews…", title="optimize", markup=False)
        try:
            report = await asyncio.to_thread(optimize_report, backend.paths, None, apply=apply,
                                             now=backend.clock())
        except BriefingQuizError as error:
            app.notify(clean(str(error)), title="optimize", severity="warning", timeout=15,
                       markup=False)
            return
        if report.written:
            await backend.call(backend.load_config_sync)  # new sessions use them
        text = "\n".join([*report.lines, *([report.problem] if report.problem else [])])
        app.notify(clean(text), title="optimize", timeout=30, markup=False,
                   severity="warning" if report.problem else "information")


#: How much less a match among Textual's own commands counts than one among the app's: when
#: both match what is typed, the app's come first.
SYSTEM_WEIGHT = 0.5


class AppCommands(Provider):
    """The palette's commands in one order: this screen's (its keys), the tools, then
    Textual's own (theme, keys, screenshot, quit)."""

    def _parts(self) -> tuple[Provider, Provider, Provider]:
        return (ScreenCommands(self.screen, self.match_style),
                ToolCommands(self.screen, self.match_style),
                SystemCommandsProvider(self.screen, self.match_style))

    async def discover(self) -> Hits:
        *own, system = self._parts()
        titles: set[str] = set()
        for part in own:
            async for hit in part.discover():
                titles.add(str(hit.text))
                yield hit
        async for hit in system.discover():
            if str(hit.text) not in titles:  # Textual's "Quit" beside the screen's own
                yield hit

    async def search(self, query: str) -> Hits:
        *own, system = self._parts()
        titles: set[str] = set()
        for part in own:
            async for hit in part.search(query):
                titles.add(str(hit.text))
                yield hit
        async for hit in system.search(query):
            if str(hit.text) not in titles:
                yield dataclasses.replace(hit, score=hit.score * SYSTEM_WEIGHT) \
                    if isinstance(hit, Hit) else hit
