"""`benchmarks/bench_memory.py` (the memory row's A/B) keeps working: tiny sizes, two sides, both
cache states; only the presence of a figure per run and side is checked, never its size."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "bench_memory.py"


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_every_side_gets_a_peak_each_round(cache: str) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--cards", "30", "--reviews", "200", "--rounds", "2",
         "--no-anki", "--cache", cache, "--side", "plain=BRIEFING_QUIZ_NO_FAST_LOAD=1",
         "--side", "default="],
        capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    runs = re.findall(r"^round (\d) (\w+): ([\d.]+) MB$", done.stdout, re.MULTILINE)
    # Alternating: round 1 in the given order, round 2 reversed.
    assert [(number, side) for number, side, _ in runs] == [
        ("1", "plain"), ("1", "default"), ("2", "default"), ("2", "plain")]
    assert all(float(peak) > 0 for _, _, peak in runs)
    assert re.search(r"^default: median [\d.]+ MB", done.stdout, re.MULTILINE)
