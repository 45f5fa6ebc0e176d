"""A copy of a bundled deck in the user's decks folder shadows the bundled file at every launch
(`paths.without_shadowed`), so the two never clash over their deck id (issue 18 item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

import briefing_quiz.paths as paths_module
from briefing_quiz.paths import Paths


def test_a_user_copy_shadows_the_bundled_file(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    bundled, data = tmp_path / "bundled", tmp_path / "data"
    bundled.mkdir()
    for name in ("a.toml", "b.toml"):
        (bundled / name).write_text("", encoding="utf-8")
    monkeypatch.setattr(paths_module, "bundled_decks_dir", lambda: bundled)
    monkeypatch.setattr(paths_module, "user_data_dir", lambda: data)
    assert Paths.resolve(env={}).deck_dirs[0] == bundled  # nothing copied: the folder as it is
    (data / "decks").mkdir(parents=True)
    (data / "decks" / "a.toml").write_text("", encoding="utf-8")
    dirs = Paths.resolve(env={}).deck_dirs
    assert dirs[:2] == (bundled / "b.toml", data / "decks")
    assert bundled not in dirs and bundled / "a.toml" not in dirs
