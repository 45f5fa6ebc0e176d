"""Command palette: every key binding active on the current screen is also a command.

Built from the bindings themselves rather than a second list, so a new key can never be missing
from the palette. Bindings without a description, and the hidden ones of Textual's own widgets
(a table's cursor moves, an input's editing keys), are left out.
`ToolCommands` adds what has no key: fitting FSRS parameters (`briefing-quiz optimize`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode


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
            if not binding.show and type(active.node).__module__.startswith("textual."):
                continue  # a widget's own moves (table cursor, input editing): not commands

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
