"""A one-line key bar: the active bindings of the screen, drawn as a single piece of text.

Textual's Footer recomposes a widget per key whenever focus or bindings change, which costs more
than the rest of a card change put together; this bar repaints one line instead. Clicking a key
runs its action, as with the Footer.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content, Span
from textual.dom import DOMNode
from textual.widgets import Static


class KeyBar(Static):
    """Keys of the current screen's shown bindings: `key description` pairs, then ^p palette."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="keybar")
        self._targets: list[tuple[int, int, DOMNode, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        parts: list[Content] = []
        targets: list[tuple[int, int, DOMNode, str]] = []
        position = 0
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding: Binding = active.binding
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            key = binding.key_display or self.app.get_key_display(binding)
            style = "bold $footer-key-foreground" if active.enabled else "dim"
            piece = Content.assemble(
                (f" {key} ", style),
                (binding.description, "" if active.enabled else "dim"), " ")
            targets.append((position, position + len(piece.plain), active.node, binding.action))
            parts.append(piece)
            position += len(piece.plain)
        palette = Content.assemble((" ^p ", "bold $footer-key-foreground"), "palette ")
        if self.app.ENABLE_COMMAND_PALETTE:
            targets.append((position, position + len(palette.plain), self.app,
                            "command_palette"))
            parts.append(palette)
        self._targets = targets
        content = Content("").join(parts)
        # One line whatever the keys: no layout pass needed.
        self.update(Content(content.plain, [Span(s.start, s.end, s.style)
                                            for s in content.spans]), layout=False)

    async def on_click(self, event: events.Click) -> None:
        for start, end, node, action in self._targets:
            if start <= event.x < end:
                event.stop()
                await self.app.run_action(action, node)
                return
