"""The command bodies as the command line calls them (services/progress.py, services/checking.py):
plain values in, the report on the given streams, the exit code out. The full behaviour of each
command is tested through `cli.main` in tests/test_cli_*.py."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.paths import Paths
from briefing_quiz.services import progress
from briefing_quiz.services.checking import check_decks


def test_read_only_commands_never_create_the_progress_file(paths: Paths) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert progress.stats(paths, None, as_json=True, out=out, err=err) == 0
    report = json.loads(out.getvalue())
    assert report["progress"] is False and [d["deck_id"] for d in report["decks"]] == ["small"]
    assert "no progress yet" in err.getvalue()
    assert progress.review_log(paths, None, out=out, err=err) == 0
    assert progress.rebuild(paths, out=out, err=err) == 0
    assert "nothing to rebuild" in err.getvalue()
    out = io.StringIO()
    assert progress.sheet(paths, "small", fmt="txt", out=out, err=err) == 0
    assert "Q?" in out.getvalue()
    assert not paths.data_file.exists()


def test_brief_sets_shows_and_clears(paths: Paths) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert progress.brief(paths, "small", at=None, clear=False, out=out, err=err) == 0
    assert out.getvalue().startswith("small: no briefing time set")
    with pytest.raises(BriefingQuizError, match="not both"):
        progress.brief(paths, "small", at="2999-01-01 10:00", clear=True, out=out, err=err)
    out = io.StringIO()
    assert progress.brief(paths, "small", at="2999-01-01 10:00", clear=False, out=out,
                          err=err) == 0
    assert out.getvalue().startswith("small: briefing set to ")
    out = io.StringIO()
    assert progress.brief(paths, "small", at=None, clear=True, out=out, err=err) == 0
    assert out.getvalue() == "small: briefing time cleared\n"


def test_check_reports_each_path_in_place(paths: Paths, tmp_path: Path) -> None:
    out = io.StringIO()
    assert check_decks([], paths.deck_dirs, out=out) == 0
    assert out.getvalue().endswith("1 deck, 2 cards: OK\n")
    out = io.StringIO()
    missing = tmp_path / "missing.toml"
    assert check_decks([str(missing), str(paths.deck_dirs[0])], paths.deck_dirs, out=out) == 1
    lines = out.getvalue().splitlines()
    assert "no such file or folder" in lines[0]
    assert lines[-1] == "1 of 2 decks has errors (1 problem)"
