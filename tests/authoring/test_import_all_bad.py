"""Issue 17 bug 4: an import whose every row is bad lists each row's problem; an unknown header
gets the closest column name."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_quiz.cli import main


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("BRIEFING_QUIZ_DECKS", raising=False)


@pytest.mark.parametrize("partial", [[], ["--partial"]])
def test_every_row_bad_lists_every_row(tmp_path: Path, partial: list[str],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("question,answer,type\nQ1,A1,weird\nQ2,,basic\n,A3,basic\n", encoding="utf-8")
    out = tmp_path / "bad.toml"
    assert main(["import", str(src), "-o", str(out), *partial]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{src}:2: unknown type 'weird'")
    assert err[1] == f"{src}:3: no answer" and err[2] == f"{src}:4: no question"
    assert err[3] == "briefing-quiz: error: no card could be imported: 3 bad rows, each listed above"
    assert not out.exists()


def test_an_unknown_header_gets_the_closest_column_name(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "typo.csv"
    src.write_text("questoin,anser\nQ1,A1\n", encoding="utf-8")
    assert main(["import", str(src), "-o", str(tmp_path / "typo.toml")]) == 1
    err = capsys.readouterr().err
    assert "'questoin': did you mean 'question'?" in err and "'anser': did you mean 'answer'?" in err
