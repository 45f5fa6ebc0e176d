"""The study screen's fast paint (ui/fast_paint.py): in step with the installed Textual, on when
switched on, out of the way when switched off.

The first tests fail when a Textual upgrade changes what the fast path relies on: each says what
to re-check in ui/fast_paint.py before the pin in pyproject.toml is moved.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import textual
from fsrs import Rating
from textual import events
from textual.app import App
from textual.screen import Screen

from briefing_quiz.core.progress.store import Store
from briefing_quiz.paths import Paths
from briefing_quiz.ui import fast_paint
from briefing_quiz.ui.app import QuizApp
from briefing_quiz.ui.screens.study import StudyScreen
from tests.ui.conftest import press, ready, screen_text

MakeApp = Callable[..., QuizApp]

RECHECK = (
    "Textual {version} changed what ui/fast_paint.py relies on. Read the installed "
    "textual/screen.py: `PaintWhenReady._on_idle` must paint (by calling `_on_timer_update`) "
    "exactly when Textual's `Screen._on_idle` would resume its `_update_timer`, "
    "`fast_paint.frame_wanted` must test what `Screen._on_idle` tests, and "
    "`Screen._on_timer_update` called outside the timer must still paint the frame and pause "
    "the timer. Then update the pinned text in this test and the textual bound in pyproject.toml."
)

#: Textual's `Screen._on_idle` and `Screen._on_timer_update` as checked (8.0.0 to 8.2.8, the
#: same in each), without docstrings; compared as syntax trees, so formatting does not count.
CHECKED_ON_IDLE = """
async def _on_idle(self, event: events.Idle) -> None:
    event.prevent_default()
    if not self.app._batch_count and self.is_current:
        if (self._layout_required or self._scroll_required or self._repaint_required
                or self._recompose_required or self._dirty_widgets):
            self._update_timer.resume()
            return
    await self._invoke_and_clear_callbacks()
"""

CHECKED_ON_TIMER_UPDATE = """
def _on_timer_update(self) -> None:
    self._update_timer.pause()
    if self.is_current and not self.app._batch_count:
        if self._layout_required:
            self._refresh_layout(scroll=self._scroll_required)
            self._layout_required = False
            self._dirty_widgets.clear()
        elif self._scroll_required:
            self._refresh_layout(scroll=True)
        self._scroll_required = False
        if self._repaint_required:
            self._dirty_widgets.clear()
            self._dirty_widgets.add(self)
            self._repaint_required = False
        if self._dirty_widgets:
            self._compositor.update_widgets(self._dirty_widgets)
            self._compositor_refresh()
        if self._recompose_required:
            self._recompose_required = False
            self.call_next(self.recompose)
    if self._callbacks:
        self.call_next(self._invoke_and_clear_callbacks)
"""


def recheck() -> str:
    return RECHECK.format(version=textual.__version__)


def function_tree(function: Callable[..., Any]) -> ast.FunctionDef | ast.AsyncFunctionDef:
    """The function's syntax tree, without its docstring."""
    node = ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    if node.body and isinstance(node.body[0], ast.Expr) and isinstance(
            node.body[0].value, ast.Constant) and isinstance(node.body[0].value.value, str):
        node.body = node.body[1:]
    return node


def normalised(source: str) -> str:
    return ast.unparse(ast.parse(textwrap.dedent(source)))


def attribute_names(node: ast.AST) -> set[str]:
    return {child.attr for child in ast.walk(node) if isinstance(child, ast.Attribute)}


def timer_resume_guard(function: Callable[..., Any]) -> set[str]:
    """The attribute names tested by the `if`s around `self._update_timer.resume()`."""
    found: list[set[str]] = []

    def visit(node: ast.AST, guards: tuple[ast.expr, ...]) -> None:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "resume" and "_update_timer" in attribute_names(node.func):
            found.append(set().union(*(attribute_names(guard) for guard in guards)))
        for child in ast.iter_child_nodes(node):
            inner = (*guards, node.test) if isinstance(node, ast.If) and child in node.body \
                else guards
            visit(child, inner)

    visit(function_tree(function), ())
    assert len(found) == 1, recheck()
    return found[0]


# -- in step with the installed Textual ------------------------------------------------------------
def test_textual_screen_idle_and_tick_are_the_code_that_was_checked() -> None:
    assert normalised(ast.unparse(function_tree(Screen._on_idle))) \
        == normalised(CHECKED_ON_IDLE), recheck()
    assert normalised(ast.unparse(function_tree(Screen._on_timer_update))) \
        == normalised(CHECKED_ON_TIMER_UPDATE), recheck()


def test_frame_wanted_tests_what_textual_tests_before_resuming_its_timer() -> None:
    textual_names = timer_resume_guard(Screen._on_idle)
    ours = attribute_names(function_tree(fast_paint.frame_wanted))
    assert ours == textual_names, (
        f"Textual tests {sorted(textual_names - ours)} that frame_wanted does not, and "
        f"frame_wanted tests {sorted(ours - textual_names)} that Textual does not. " + recheck())


def test_every_private_textual_name_used_is_declared_and_exists() -> None:
    source = inspect.getsource(fast_paint)
    used = {name for name in attribute_names(ast.parse(source))
            if name.startswith("_") and not name.startswith("__")} - {"_last_frame"}
    declared = {name for names in fast_paint.TEXTUAL_PRIVATE_NAMES.values() for name in names}
    assert used <= declared, f"declare {sorted(used - declared)} in TEXTUAL_PRIVATE_NAMES"

    instances: dict[str, object] = {"Screen": Screen(), "App": App()}
    for owner, names in fast_paint.TEXTUAL_PRIVATE_NAMES.items():
        missing = [name for name in names if not hasattr(instances[owner], name)]
        assert not missing, f"{owner} has no {missing}. " + recheck()


def test_the_overrides_replace_textual_handlers_of_the_same_shape() -> None:
    # Textual dispatches `_on_idle` by name down the MRO, and the timer calls
    # `_on_timer_update` by name: a renamed or reshaped one would leave ours dead.
    for name in ("_on_idle", "_on_timer_update"):
        theirs, ours = Screen.__dict__.get(name), fast_paint.PaintWhenReady.__dict__[name]
        assert theirs is not None, f"Screen.{name} is gone. " + recheck()
        assert inspect.iscoroutinefunction(theirs) == inspect.iscoroutinefunction(ours), recheck()
        assert list(inspect.signature(theirs).parameters) \
            == list(inspect.signature(ours).parameters), recheck()


# -- the switch ------------------------------------------------------------------------------------
def test_the_environment_variable_switches_it_off() -> None:
    assert fast_paint.enabled_by({})
    assert fast_paint.enabled_by({"BRIEFING_QUIZ_NO_FAST_PAINT": ""})
    assert fast_paint.enabled_by({"BRIEFING_QUIZ_NO_FAST_PAINT": "0"})
    assert not fast_paint.enabled_by({"BRIEFING_QUIZ_NO_FAST_PAINT": "1"})
    env = {**os.environ, "BRIEFING_QUIZ_NO_FAST_PAINT": "1"}
    # Both tricks follow the variable: the idle paint and the focus repaint (a class attribute).
    code = ("from briefing_quiz.ui import fast_paint\n"
            "print(fast_paint.ENABLED, fast_paint.PaintWhenReady.focused._repaint)")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["False", "True"]


# -- in the study screen ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Frame:
    """One of the study screen's frames: who painted it, and the card it showed."""

    painter: str  # "fast path", "timer" or "pilot" (Pilot.pause paints at once)
    card_id: str | None


def painter(frame: FrameType | None) -> str:
    idle = fast_paint.PaintWhenReady._on_idle.__code__
    while frame is not None:
        if frame.f_code is idle:
            return "fast path"
        if Path(frame.f_code.co_filename).name == "pilot.py":
            return "pilot"
        frame = frame.f_back
    return "timer"


@pytest.fixture
def frames(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Frame]]:
    """Every frame Textual paints for the study screen (its `_on_timer_update` is the paint)."""
    painted: list[Frame] = []
    paint = Screen._on_timer_update

    def spy(self: Screen[Any]) -> None:
        if isinstance(self, StudyScreen):
            card = self.entry.key.card_id if self.entry is not None else None
            painted.append(Frame(painter(inspect.currentframe()), card))
        paint(self)

    monkeypatch.setattr(Screen, "_on_timer_update", spy)
    yield painted


def reviews(paths: Paths) -> list[tuple[str, Rating]]:
    with Store.open(paths.data_file, readonly=True) as store:
        return [(str(review.key), review.rating) for review in store.reviews()]


async def grade_then_wait_for_next_card(pilot: Any, frames: list[Frame], key: str,
                                        next_card: str) -> list[Frame]:
    """Grade as a reader does (the last frame well in the past), then wait, without the pilot
    painting, until a frame shows the next card; the frames painted meanwhile."""
    await asyncio.sleep(3 * fast_paint.FRAME_PERIOD)
    start = len(frames)
    await pilot.press(key)
    for _ in range(500):
        if any(frame.card_id == next_card for frame in frames[start:]):
            return frames[start:]
        await asyncio.sleep(0.01)
    raise AssertionError(f"{next_card} was never painted: {frames[start:]}")


async def test_with_the_switch_on_the_next_card_is_painted_without_the_timer(
        make_app: MakeApp, frames: list[Frame]) -> None:
    assert fast_paint.ENABLED
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space")
        since_key = await grade_then_wait_for_next_card(pilot, frames, "3", "typed-troops")
        # The grade key's first frame is the next card, painted at once by the fast path
        # (Textual's timer would paint it on its next tick, up to two frame periods later).
        assert since_key[0] == Frame("fast path", "typed-troops"), since_key
        assert "How many Russian troops" in screen_text(app)


async def test_with_the_switch_off_the_study_screen_still_works_on_the_timer(
        make_app: MakeApp, paths: Paths, frames: list[Frame],
        monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Screen[Any]] = []
    monkeypatch.setattr(fast_paint, "ENABLED", False)
    monkeypatch.setattr(fast_paint, "frame_wanted", asked.append)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space")
        since_key = await grade_then_wait_for_next_card(pilot, frames, "3", "typed-troops")
        assert since_key[0] == Frame("timer", "typed-troops"), since_key
        assert "How many Russian troops" in screen_text(app)
        for key in "130000":
            await pilot.press(key)
        await press(pilot, "enter", "enter")  # check, then the suggested grade
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen) and app.screen.entry is not None
        assert app.screen.entry.key.card_id == "choice-advisor"
        assert "Who was the U.S. National Security Advisor?" in screen_text(app)
    assert reviews(paths) == [("mini/basic-capital", Rating.Good),
                              ("mini/typed-troops", Rating.Good)]
    assert asked == [], "the switched-off fast path still ran"
    assert frames and all(frame.painter != "fast path" for frame in frames)


async def answer_just_after_a_frame(pilot: Any, frames: list[Frame]) -> list[Frame]:
    """On the typed card: a letter (its frame painted), enter within the frame period (as a
    quick typist's, or a paste's), then wait, without the pilot painting, for the verdict."""
    app = pilot.app
    await asyncio.sleep(3 * fast_paint.FRAME_PERIOD)
    start = len(frames)
    app.post_message(events.Key("1", "1"))
    for _ in range(500):  # the letter's frame, then at once the enter key
        if len(frames) > start:
            break
        await asyncio.sleep(0.001)
    assert [frame.card_id for frame in frames[start:]] == ["typed-troops"]
    start = len(frames)
    app.post_message(events.Key("enter", "\r"))
    for _ in range(500):
        screen = app.screen
        if (isinstance(screen, StudyScreen) and screen.phase == "answered"
                and screen.held_frames is None and len(frames) > start):
            return frames[start:]
        await asyncio.sleep(0.01)
    raise AssertionError(f"the verdict was never painted: {frames[start:]}")


@pytest.mark.parametrize("enabled", [True, False])
async def test_a_verdict_due_within_a_period_of_the_last_frame_is_held_for_the_fast_path(
        make_app: MakeApp, paths: Paths, frames: list[Frame], enabled: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_paint, "ENABLED", enabled)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await press(pilot, "enter", "space")
        await grade_then_wait_for_next_card(pilot, frames, "3", "typed-troops")
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        held: list[bool] = []
        hold = screen.hold_frames_until_ready

        def spied() -> None:
            hold()
            held.append(screen.held_frames is not None)

        monkeypatch.setattr(screen, "hold_frames_until_ready", spied)
        verdict_frames = await answer_just_after_a_frame(pilot, frames)
        assert held == [enabled]  # held only with the switch on
        if enabled:  # painted from idle once the period was over, not by Textual's timer
            assert verdict_frames[0] == Frame("fast path", "typed-troops"), verdict_frames
        assert "✗ Wrong" in screen_text(app) and "You wrote: 1" in screen_text(app)
        await press(pilot, "3")  # the grade key goes to the grades, as without the hold
        assert screen.entry is not None and screen.entry.key.card_id == "choice-advisor"
    assert reviews(paths) == [("mini/basic-capital", Rating.Good),
                              ("mini/typed-troops", Rating.Good)]


def test_the_focus_repaint_trick_lives_here_and_the_study_screen_has_it() -> None:
    # The study screen's other paint trick (no whole-screen repaint on a focus move) is defined by
    # the mixin, not by the screen: one module holds every paint trick.
    from briefing_quiz.ui.fast_paint import PaintWhenReady
    from briefing_quiz.ui.screens.study import StudyScreen

    assert "focused" in vars(PaintWhenReady)
    assert "focused" not in vars(StudyScreen)
    assert StudyScreen.focused is PaintWhenReady.focused  # type: ignore[comparison-overlap]
    # On (as here): no whole-screen repaint when the focus moves.
    assert PaintWhenReady.focused._repaint is (not fast_paint.ENABLED)
