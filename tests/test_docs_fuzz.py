"""docs/configuration.md states fsrs' fuzz as the installed fsrs applies it (issue 17 bug 8: the
docs said 'a day either way' where Easy on a new card came out anywhere from 6 to 11 days)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import fsrs
import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def fuzz_bounds(days: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """The shortest and the longest interval fsrs' fuzz makes of `days` (its draw at 0 and ~1)."""
    scheduler = fsrs.Scheduler(enable_fuzzing=True, maximum_interval=36500)
    found = []
    for draw in (0.0, 0.999999):
        monkeypatch.setattr(fsrs.scheduler, "random", lambda d=draw: d)
        found.append(scheduler._get_fuzzed_interval(interval=timedelta(days=days)).days)
    return found[0], found[1]


def test_the_fuzz_examples_in_the_docs_are_what_fsrs_does(monkeypatch: pytest.MonkeyPatch) -> None:
    row = next(line for line in DOC.read_text(encoding="utf-8").splitlines()
               if line.startswith("| `fuzz` |"))
    examples = re.findall(r"(\d+) days?(?: \([^)]*\))? as (\d+) to (\d+)", row)
    assert len(examples) >= 5, row
    for days, low, high in examples:
        assert fuzz_bounds(int(days), monkeypatch) == (int(low), int(high)), days
    assert "a day either way" not in row
