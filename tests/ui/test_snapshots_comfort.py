"""Snapshots of the screens issue 18 changed or added, at 80×24 and 120×40: the study header's
counts, a typed card's answer line (only the keys that work there), its card keys after escape,
and card info with its forgetting curve. Regenerate as tests/ui/test_snapshots.py says."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from briefing_quiz.ui.app import QuizApp
from tests.ui.test_snapshots import (  # noqa: F401  (snap_app is a fixture)
    LARGE,
    SMALL,
    TO_TYPED,
    SnapCompare,
    after,
    snap_app,
)

SIZES = pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])


@SIZES
def test_typed_card_while_typing(snap_compare: SnapCompare, snap_app: Callable[[], QuizApp],  # noqa: F811
                                 size: tuple[int, int]) -> None:
    assert snap_compare(snap_app(), terminal_size=size, run_before=after(*TO_TYPED, *"13u"))


@SIZES
def test_typed_card_keys(snap_compare: SnapCompare, snap_app: Callable[[], QuizApp],  # noqa: F811
                         size: tuple[int, int]) -> None:
    assert snap_compare(snap_app(), terminal_size=size,
                        run_before=after(*TO_TYPED, *"13", "escape"))


@SIZES
def test_card_info(snap_compare: SnapCompare, snap_app: Callable[[], QuizApp],  # noqa: F811
                   size: tuple[int, int]) -> None:
    # basic-capital answered Easy, then card info from browse (it is the first row by due).
    keys = ("enter", "space", "4", "escape", "escape", "enter", "b", "i")
    assert snap_compare(snap_app(), terminal_size=size, run_before=after(*keys))


@SIZES
def test_preview_answer(snap_compare: SnapCompare, snap_app: Callable[[], QuizApp],  # noqa: F811
                        size: tuple[int, int]) -> None:
    assert snap_compare(snap_app(), terminal_size=size, run_before=after("b", "p", "space"))


@SIZES
def test_custom_study_dialog(snap_compare: SnapCompare,
                             snap_app: Callable[[], QuizApp],  # noqa: F811
                             size: tuple[int, int]) -> None:
    assert snap_compare(snap_app(), terminal_size=size, run_before=after("c", *"kyiv"))
