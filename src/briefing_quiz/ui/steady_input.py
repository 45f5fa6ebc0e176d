"""An answer field whose typing is a repaint of its line, not a layout of the screen.

Textual's `Input` sets its `virtual_size` from `content_width` (the text's width plus one cell
for the cursor, or the placeholder's width while empty) on every change of its value, and
`virtual_size` is a reactive that asks the screen for a layout when it changes. So every key
that types or deletes a character lays out the whole screen, and Textual repaints the whole
screen after any layout. On the study screen a typed card's first key was such a frame.

What it buys: `SteadyInput.content_width` moves in steps of the field's visible width (the
text's width rounded up to a whole number of widths), so the virtual size, and with it the
layout, changes only when the text grows past a step: for any answer shorter than the line,
typing is a repaint of the field alone. Grade key to the next card after a typed card
(`benchmarks/bench_ui.py`, a 100x30 pty): see `benchmarks/README.md`, the typed row.

What is the same: the text, the cursor, the selection and the scroll that follows the cursor
are `Input`'s own code. The text is rendered for a wider width than it needs (not wrapped, not
justified: the same segments), and the cursor scrolls the field only as far as it needs, as
before, and is held within the text's width when the text shrinks (`watch_value`), as Input's
shrinking virtual width held it; only a mouse wheel could scroll further, into blank cells.
`tests/ui/test_steady_input.py` types the same random keys with the switch on and off and
compares each line drawn and each scroll offset.

How to switch it off: `BRIEFING_QUIZ_NO_STEADY_INPUT=1` in the environment (read at import; the
module's `ENABLED` is read on every use, so a test may flip it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from textual import events
from textual.geometry import Size
from textual.widgets import Input

#: The environment variable that switches the steady width off ("1", or any value but "0").
SWITCH_OFF_VARIABLE = "BRIEFING_QUIZ_NO_STEADY_INPUT"


def enabled_by(environ: Mapping[str, str]) -> bool:
    """Whether the environment leaves the steady width on."""
    return environ.get(SWITCH_OFF_VARIABLE, "") in ("", "0")


ENABLED: bool = enabled_by(os.environ)


class SteadyInput(Input):
    """An `Input` whose virtual width changes in steps of its visible width."""

    def _view_width(self) -> int:
        # As `Widget.max_scroll_x` counts it.
        return self.container_size.width - self.scrollbar_size_vertical

    @property
    def content_width(self) -> int:
        width = super().content_width
        step = self._view_width()
        if not ENABLED or step <= 0:  # off, or not laid out yet: Input's own width
            return width
        return -(-width // step) * step

    def on_resize(self, event: events.Resize) -> None:
        # A new view width is a new step: take it now (a resize is a layout already), not at
        # the next key, which would then lay the screen out once more.
        if ENABLED:
            self.virtual_size = Size(self.content_width, 1)

    # Input's own virtual width shrinks with the text and holds the scroll within it (the
    # largest scroll is the virtual width less the view's); the steady width does not, so the
    # scroll is held here after each change of the text (value) and of the cursor (selection,
    # whose private watcher, Input's, scrolls to the cursor first).
    def watch_value(self) -> None:
        self._hold_scroll()

    def watch_selection(self) -> None:
        self._hold_scroll()

    def _hold_scroll(self) -> None:
        if ENABLED:
            limit = max(0, super().content_width - self._view_width())
            if self.scroll_x > limit:
                self.scroll_x = limit
