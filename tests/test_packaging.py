"""A non-editable install must still find the bundled decks: the wheel carries them."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(not (ROOT / "pyproject.toml").exists(), reason="needs the source tree")
def test_wheel_ships_bundled_decks(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(tmp_path)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("briefing_quiz-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.name for p in (ROOT / "decks").glob("*.toml")}
    assert shipped, "the source tree has no bundled decks"
    for name in shipped:
        assert f"briefing_quiz/decks/{name}" in names
    assert "briefing_quiz/py.typed" in names
    assert "briefing_quiz/cli.py" in names


def test_bundled_decks_dir_is_found() -> None:
    from briefing_quiz.paths import bundled_decks_dir

    assert any(bundled_decks_dir().glob("*.toml"))
