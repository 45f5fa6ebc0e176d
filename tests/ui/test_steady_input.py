"""ui/steady_input.py: typing into the field draws what Input draws, without a layout per key."""

from __future__ import annotations

import random

import pytest
from textual.app import App, ComposeResult

from briefing_quiz.ui import steady_input
from briefing_quiz.ui.steady_input import SteadyInput, enabled_by
from tests.ui.conftest import count_layouts

KEYS = ["a", "b", "w", "space", "full_stop", "ü", "日", "backspace", "delete", "left", "right",
        "home", "end", "shift+left", "shift+right"]


class FieldApp(App[None]):
    CSS = "SteadyInput { width: 24; height: 1; padding: 0 2; border: none; }"

    def compose(self) -> ComposeResult:
        yield SteadyInput(placeholder="type here", compact=True)


async def typed_lines(keys: list[str]) -> list[tuple[str, str, int, int]]:
    """Each line drawn (text, styles), the scroll offset and the cursor, after each key."""
    app = FieldApp()
    drawn: list[tuple[str, str, int, int]] = []
    async with app.run_test(size=(40, 3)) as pilot:
        field = app.query_one(SteadyInput)
        field.focus()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            line = field.render_line(0)
            drawn.append((line.text, "".join(str(s.style) for s in line),
                          field.scroll_offset.x, field.cursor_position))
    return drawn


@pytest.mark.parametrize("seed", range(4))
async def test_the_steady_field_draws_what_the_plain_input_draws(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    # Mostly characters, so that the text grows past the field's width and scrolls.
    keys = [rng.choice(KEYS[:7]) if rng.random() < 0.7 else rng.choice(KEYS[7:])
            for _ in range(60)]
    monkeypatch.setattr(steady_input, "ENABLED", False)
    plain = await typed_lines(keys)
    monkeypatch.setattr(steady_input, "ENABLED", True)
    steady = await typed_lines(keys)
    assert steady == plain
    assert max(offset for _, _, offset, _ in plain) > 0  # the scrolled case was met


@pytest.mark.parametrize("enabled", [True, False])
async def test_typing_a_short_answer_lays_out_nothing_unless_switched_off(
        enabled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    layouts = count_layouts(monkeypatch)
    monkeypatch.setattr(steady_input, "ENABLED", enabled)
    app = FieldApp()
    async with app.run_test(size=(40, 3)) as pilot:
        app.query_one(SteadyInput).focus()
        await pilot.pause()
        layouts.clear()
        await pilot.press("k", "y", "i", "v", "backspace", "v")
        assert app.query_one(SteadyInput).value == "kyiv"
        assert (layouts == []) is enabled


def test_the_switch_reads_the_environment() -> None:
    assert enabled_by({}) and enabled_by({"BRIEFING_QUIZ_NO_STEADY_INPUT": "0"})
    assert not enabled_by({"BRIEFING_QUIZ_NO_STEADY_INPUT": "1"})
