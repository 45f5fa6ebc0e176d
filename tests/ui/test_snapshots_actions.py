"""Snapshots of Anki's everyday card actions (issue 18 item 4), at 80×24 and 120×40: browse with
a flagged card (the ⚑ column, the note in the detail panel, the count), the flag dialog, the
set-due-date dialog with the date understood echoed back, and the forget confirmation.
Regenerate as tests/ui/test_snapshots.py says."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from briefing_quiz.ui.app import QuizApp
from tests.ui.test_snapshots import (  # noqa: F401  (snap_app is a fixture)
    LARGE,
    SMALL,
    SnapCompare,
    after,
    snap_app,
)

SIZES = pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
NOTE = ("a", "n", "s", "w", "e", "r", "space", "w", "r", "o", "n", "g")
# basic-capital answered Easy, then browse (it is the first row by due).
STUDIED = ("enter", "space", "4", "escape", "escape", "enter", "b")


@SIZES
def test_browse_with_a_flagged_card(snap_compare: SnapCompare,
                                    snap_app: Callable[[], QuizApp],  # noqa: F811
                                    size: tuple[int, int]) -> None:
    assert snap_compare(snap_app(), terminal_size=size,
                        run_before=after("b", "asterisk", *NOTE, "enter"))


@SIZES
def test_flag_dialog(snap_compare: SnapCompare, snap_app: Callable[[], QuizApp],  # noqa: F811
                     size: tuple[int, int]) -> None:
    assert snap_compare(snap_app(), terminal_size=size, run_before=after("b", "asterisk", *NOTE))


@SIZES
def test_set_due_dialog_echoes_the_date(snap_compare: SnapCompare,
                                        snap_app: Callable[[], QuizApp],  # noqa: F811
                                        size: tuple[int, int]) -> None:
    keys = (*STUDIED, "D", "i", "n", "space", "3", "space", "d", "a", "y", "s")
    assert snap_compare(snap_app(), terminal_size=size, run_before=after(*keys))


@SIZES
def test_forget_confirmation(snap_compare: SnapCompare,
                             snap_app: Callable[[], QuizApp],  # noqa: F811
                             size: tuple[int, int]) -> None:
    assert snap_compare(snap_app(), terminal_size=size, run_before=after(*STUDIED, "N"))
