"""Paint a screen's next frame as soon as it is ready, not on Textual's next timer tick.

Every override of Textual's private code in the program lives here, and the study screen's other
paint tricks: no whole-screen repaint when the focus moves, and changes asked for within a frame
period of the last frame, or told by a widget after the screen's idle, held until both are over
(`hold_frames_until_ready`, public `App.batch_update` only): painted in one frame, from idle.

How Textual paints: when a screen has something to lay out, scroll, repaint or recompose,
`Screen._on_idle` resumes a paused timer that ticks on a fixed grid of `1 / MAX_FPS` (60 Hz);
the tick (`Screen._on_timer_update`) paints the frame and pauses the timer again. After a late
frame (the first after a pause, as every frame of a user reading a card is) the timer skips a
slot, so the study screen's next card waited 17-33 ms for its frame after it was ready.

What it buys: `PaintWhenReady` paints from the idle event instead, as soon as Textual's own
test for resuming its timer holds and the last frame is at least one frame period old, so it
never paints faster than Textual would. Grade key to next card painted (`benchmarks/bench_ui.py`,
150 answers, commit 75c0651): median 36.6 ms -> 17.9 ms, from 2.20x to 1.06x the minimal
Textual app measured in the same run; p99 unchanged. The hold (3 alternating rounds of 300
answers, a 100x30 pty, commit ec30b79): the grade key after a typed card 29.5/29.2/28.1 ms ->
9.8/9.2/9.3 ms, p99 of all answers 36.0/34.2/34.9 -> 21.5/30.5/18.1 ms (the minimal app's
median 16.4-16.6 ms, p99 19.7-21.1 ms).

What it falls back to: Textual's own timer paint. When the switch is off, the last frame is
too recent, an update batch is open or the screen is not current, the idle event goes to
Textual's `Screen._on_idle` untouched. Either way the frame itself is painted by Textual's
`Screen._on_timer_update`; the fast path only calls it sooner.

How to switch it off: set `BRIEFING_QUIZ_NO_FAST_PAINT=1` in the environment (read at import):
the screen then paints as any Textual screen does. `ENABLED = False` at run time switches off the
idle paint and the hold only; the focus-repaint trick is a class attribute, fixed when this
module is imported.

Checked against: Textual 8.0.0 to 8.2.8, whose `Screen._on_idle` and `Screen._on_timer_update`
are the same (the pin in pyproject.toml). `tests/ui/test_fast_paint.py` fails, saying what to
re-check, when the installed Textual changes either of them or drops a private name used here.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from contextlib import ExitStack
from time import monotonic
from typing import Any

from textual import constants, events
from textual.reactive import Reactive
from textual.screen import Screen, ScreenResultType
from textual.widget import Widget

#: The environment variable that switches the fast path off ("1", or any value but "0").
SWITCH_OFF_VARIABLE = "BRIEFING_QUIZ_NO_FAST_PAINT"


def enabled_by(environ: Mapping[str, str]) -> bool:
    """Whether the environment leaves the fast path on."""
    return environ.get(SWITCH_OFF_VARIABLE, "") in ("", "0")


#: The switch, read by every idle event (so a test or a caller may flip it at run time).
ENABLED: bool = enabled_by(os.environ)

#: Textual's frame period: the fast path paints at most this often, as Textual's timer does.
FRAME_PERIOD = 1 / constants.MAX_FPS

#: Added to a hold (`hold_frames_until_ready`): a sleep that wakes a little early would leave
#: the last frame just under a period old, and the frame to Textual's timer.
HOLD_MARGIN = 0.001
#: Turns of the event loop a hold gives the widgets changed to tell the screen (each widget's
#: own task does it when next run; as `ui/fast_browse.py`'s search).
TELL_SCREEN_TURNS = 2

#: Textual's private names used here, by the class that has them (the test checks each one).
TEXTUAL_PRIVATE_NAMES: dict[str, tuple[str, ...]] = {
    "Screen": ("_on_idle", "_on_timer_update", "_layout_required", "_scroll_required",
               "_repaint_required", "_recompose_required", "_dirty_widgets"),
    "App": ("_batch_count",),
}


def frame_wanted(screen: Screen[Any]) -> bool:
    """Textual's own test, in `Screen._on_idle`, for resuming its frame timer.

    Textual decides inside `_on_idle` and acts on the answer at once: it resumes the timer,
    and pausing it again would not stop the tick already woken. So the test cannot be asked
    for; it is mirrored here and kept in step by the test module.
    """
    return bool(
        not screen.app._batch_count and screen.is_current
        and (screen._layout_required or screen._scroll_required or screen._repaint_required
             or screen._recompose_required or screen._dirty_widgets))


class PaintWhenReady(Screen[ScreenResultType]):
    """A screen that paints its next frame on idle instead of waiting for Textual's timer."""

    #: When the last frame was painted (`time.monotonic`); 0 before the first.
    _last_frame: float = 0.0

    # Textual's Screen repaints itself whole when the focus moves. On a study screen the focus
    # moves with every card, and the widgets gaining and losing it repaint themselves anyway
    # (their :focus styles); the screen's own repaint was requested at once, before the card's
    # updates, so a frame went out with the old card and the new one waited for the next. A
    # public reactive of Screen, so no private name; it follows the switch as read at import.
    focused: Reactive[Widget | None] = Reactive(None, repaint=not ENABLED)

    #: The frames held by `hold_frames_until_ready` (None: none held), and their release.
    held_frames: ExitStack | None = None
    held_release: asyncio.Task[None] | None = None

    def hold_frames_until_ready(self) -> None:
        """Hold the frames of the changes about to be made (`App.batch_update`) until every
        widget changed has told the screen (`TELL_SCREEN_TURNS` turns of the event loop) and
        the last frame is a frame period old, so that they are painted in one frame, from idle.

        Else Textual's timer paints some: a change told after the screen's idle event, or asked
        for within a period of the last frame, goes to the timer, which ticks at once after a
        pause and after such a late tick skips to the slot after next, so the frame wanted
        next (a grade key's card) waited 17-33 ms for it. Both happened at an answer: a typed
        letter's frame just before the verdict's, and the header's change told late (see
        `benchmarks/README.md`, the typed row). With the switch off, nothing is held.
        """
        if not ENABLED or self.held_frames is not None:
            return
        held = self.held_frames = ExitStack()
        held.enter_context(self.app.batch_update())
        self.held_release = asyncio.get_running_loop().create_task(self.release_when_ready(held))

    async def release_when_ready(self, held: ExitStack) -> None:
        try:
            for _ in range(TELL_SCREEN_TURNS):
                await asyncio.sleep(0)
            wait = self._last_frame + FRAME_PERIOD - monotonic()
            if wait > 0:
                await asyncio.sleep(wait + HOLD_MARGIN)
        finally:  # released whatever happens, or no frame would be painted again
            self.held_frames = None
            held.close()
            self.check_idle()  # the screen's idle event paints what was held

    def _on_timer_update(self) -> None:
        # Every frame comes through here, the timer's and the fast path's alike.
        self._last_frame = monotonic()
        super()._on_timer_update()

    async def _on_idle(self, event: events.Idle) -> None:
        if ENABLED and frame_wanted(self) and monotonic() - self._last_frame >= FRAME_PERIOD:
            # Textual calls every class's `_on_idle` down the MRO until one prevents the
            # default: this stops Screen's from resuming the timer for a frame already painted.
            event.prevent_default()
            self._on_timer_update()
            return
        await super()._on_idle(event)
