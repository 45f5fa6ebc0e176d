"""A one-line key bar: the active bindings of the screen, drawn as a single piece of text.

Textual's Footer recomposes a widget per key whenever focus or bindings change, which costs more
than the rest of a card change put together; this bar repaints one line instead, and works out
its keys only when it is painted (bindings change several times per card, the bar is painted
once). Clicking a key runs its action, as with the Footer.

When the keys do not fit the width, the palette key goes first; then the help and quit keys
stay (help lists every key), the others are kept in the screen's order while they fit, and "…"
marks that some were left out.
"""

from __future__ import annotations

from typing import NamedTuple

from textual import events
from textual.binding import Binding
from textual.content import Content, Span
from textual.dom import DOMNode
from textual.widget import Widget

#: Actions that stay when the keys do not fit: the way to every other key, and the way out.
ESSENTIAL = frozenset({"help", "app.help", "quit", "app.quit"})
MORE = Content.styled(" … ", "dim")


class Key(NamedTuple):
    """One key as drawn: its text, and what a click on it runs."""

    piece: Content
    node: DOMNode
    action: str
    essential: bool


def fit(keys: list[Key], palette: Key | None, width: int) -> list[Key | None]:
    """The keys to draw in `width` cells, in order; None where "…" stands for keys left out."""
    every = [*keys, palette] if palette is not None else list(keys)
    if width <= 0 or sum(k.piece.cell_length for k in every) <= width:
        return list(every)
    # Too long: the palette key goes first (it is the same on every screen, and in the help),
    # then the keys at the end that are not essential; the essential keys are never dropped.
    if sum(k.piece.cell_length for k in keys) <= width:
        return list(keys)
    room = width - sum(k.piece.cell_length for k in keys if k.essential) - MORE.cell_length
    kept: list[Key | None] = []
    for key in keys:
        if key.essential:
            continue
        if key.piece.cell_length > room:
            break
        room -= key.piece.cell_length
        kept.append(key)
    kept.append(None)
    kept.extend(k for k in keys if k.essential)
    return kept


class KeyBar(Widget):
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

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        # A repaint of this line only (no layout); the keys are worked out in `render`.
        self.refresh()

    def keys(self) -> tuple[list[Key], Key | None]:
        """The shown keys of the screen's active bindings, and the palette key (or None)."""
        keys: list[Key] = []
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
            keys.append(Key(piece, active.node, binding.action, binding.action in ESSENTIAL))
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE:
            palette = Key(Content.assemble((" ^p ", "bold $footer-key-foreground"), "palette "),
                          self.app, "command_palette", False)
        return keys, palette

    def render(self) -> Content:
        keys, palette = self.keys()
        parts: list[Content] = []
        targets: list[tuple[int, int, DOMNode, str]] = []
        position = 0
        for key in fit(keys, palette, self.content_region.width):
            piece = MORE if key is None else key.piece
            if key is not None:
                targets.append((position, position + len(piece.plain), key.node, key.action))
            parts.append(piece)
            position += len(piece.plain)
        self._targets = targets
        content = Content("").join(parts)
        return Content(content.plain, [Span(s.start, s.end, s.style) for s in content.spans])

    async def on_click(self, event: events.Click) -> None:
        for start, end, node, action in self._targets:
            if start <= event.x < end:
                event.stop()
                await self.app.run_action(action, node)
                return
