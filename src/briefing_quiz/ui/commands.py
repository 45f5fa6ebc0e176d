"""Command palette: every key binding active on the current screen is also a command.

Built from the bindings themselves rather than a second list, so a new key can never be missing
from the palette. Bindings without a description, and the hidden ones of Textual's own widgets
(a table's cursor moves, an input's editing keys), are left out.
"""

from __future__ import annotations

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
