"""The benchmark runner keeps working: `benchmarks/run.py --tiny` produces every figure.

Never a timing: at this size the numbers mean nothing, only their presence is checked. The Anki
peer is optional: without the `anki` package its figures must say so, and the rest must still run.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "benchmarks" / "run.py"
EXPECTED = {
    "launch", "launch_counts", "deck_unchanged", "deck_changed", "deck_in_process", "import", "answer_anki",
    "answer_bare", "counts", "memory", "key_median", "key_p99", "queue", "briefing",
    "draft",
    "lint",
    "forecast", "ranking", "optimize",
    "key_typed", "browse", "browse_search", "browse_search_cold",
}
# figures whose reference is Anki
PEER = {"import", "answer_anki", "counts", "memory", "browse_search", "browse_search_cold"}
FIELDS = {"figure", "ours", "reference", "ratio", "target", "met"}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[dict[str, object]]]:
    out = tmp_path_factory.mktemp("bench") / "rows.json"
    done = subprocess.run([sys.executable, str(RUN), "--tiny", "--json", str(out)],
                          capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(rows, list)
    return done.stdout, rows


def test_every_figure_is_produced(tiny_run: tuple[str, list[dict[str, object]]]) -> None:
    _stdout, rows = tiny_run
    by_key = {row["key"]: row for row in rows}
    assert set(by_key) == EXPECTED
    anki_missing = importlib.util.find_spec("anki") is None
    for key, row in by_key.items():
        assert set(row) >= FIELDS, key
        assert isinstance(row["met"], bool), key
        assert "failed" not in str(row["note"]), f"{key}: {row['note']}"
        assert isinstance(row["ours"], (int, float)) and row["ours"] > 0, key
        if anki_missing and key in PEER:
            assert row["reference"] is None and row["ratio"] is None, key
            assert row["met"] is False and "anki" in str(row["note"]).lower(), key
        else:
            assert isinstance(row["reference"], (int, float)) and row["reference"] > 0, key
            assert row["ratio"] == pytest.approx(row["ours"] / row["reference"]), key


def test_the_table_is_printed(tiny_run: tuple[str, list[dict[str, object]]]) -> None:
    stdout, rows = tiny_run
    assert "figure" in stdout and "floor or peer" in stdout and "machine: cores" in stdout
    for row in rows:
        assert str(row["figure"]) in stdout
