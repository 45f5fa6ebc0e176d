"""The `new`, `import`, `export` and `check --watch` commands through `briefing_quiz.cli.main`."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from briefing_quiz.cli import main
from briefing_quiz.core.deckfile import load_deck
from tests.authoring.conftest import IMPORT_DATA


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No deck or setting of the machine's user leaks in."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("BRIEFING_QUIZ_DECKS", raising=False)
    monkeypatch.delenv("BRIEFING_QUIZ_DATA", raising=False)


def test_new_then_never_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "decks" / "nato-summit.toml"
    assert main(["new", str(path), "--title", "NATO summit"]) == 0
    out = capsys.readouterr().out
    assert "deck 'nato-summit'" in out and f"check --watch {path}" in out
    assert f"--decks {path.parent} study nato-summit" in out
    assert load_deck(path).title == "NATO summit"
    assert main(["new", str(path)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["new", str(tmp_path / "x.toml"), "--id", "Not OK"]) == 1
    assert "must be lower-case" in capsys.readouterr().err


def test_import_good_bad_partial_and_force(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "decks" / "capitals.toml"
    assert main(["import", str(IMPORT_DATA / "capitals.csv"), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"Wrote {out}: deck 'capitals', 7 cards (7 basic)" in printed
    assert load_deck(out).id == "capitals"

    assert main(["import", str(IMPORT_DATA / "capitals.csv"), "-o", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["import", str(IMPORT_DATA / "capitals.csv"), "-o", str(out), "--force",
                 "--deck-id", "caps", "--title", "Capitals"]) == 0
    capsys.readouterr()
    assert (load_deck(out).id, load_deck(out).title) == ("caps", "Capitals")

    bad = tmp_path / "bad.toml"
    assert main(["import", str(IMPORT_DATA / "malformed.csv"), "-o", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{IMPORT_DATA / 'malformed.csv'}:3: no question" in err
    assert "nothing written: 8 bad rows; fix them, or add --partial to write the 2 good rows" in err
    assert not bad.exists()
    assert main(["import", str(IMPORT_DATA / "malformed.csv"), "-o", str(bad), "--partial"]) == 0
    captured = capsys.readouterr()
    assert "8 bad rows left out" in captured.out and ":11: a quote opened" in captured.err
    assert len(load_deck(bad).cards) == 2

    assert main(["import", str(IMPORT_DATA / "capitals.csv"), "-o", str(tmp_path / "x.txt")]) == 1
    assert "deck files end in .toml" in capsys.readouterr().err


def test_export_by_id_and_by_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    decks = tmp_path / "decks"
    assert main(["new", str(decks / "demo.toml")]) == 0
    package = tmp_path / "demo.apkg"
    assert main(["--decks", str(decks), "export", "demo", "-o", str(package)]) == 0
    assert "as 7 Anki notes" in capsys.readouterr().out
    assert "collection.anki2" in zipfile.ZipFile(package).namelist()
    assert main(["export", str(decks / "demo.toml"), "-o", str(package)]) == 0  # replaces it
    sheet = tmp_path / "demo.txt"
    assert main(["export", str(decks / "demo.toml"), "-o", str(sheet), "--format", "csv"]) == 0
    assert sheet.read_text(encoding="utf-8-sig").startswith("id,type,question")
    capsys.readouterr()
    assert main(["--decks", str(decks), "export", "demo", "-o", str(sheet), "--format", "csv"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["--decks", str(decks), "export", "dmeo", "-o", str(tmp_path / "x.apkg")]) == 1
    assert "did you mean 'demo'" in capsys.readouterr().err


def test_check_watch_delegates_to_the_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import briefing_quiz.authoring.watch as watch_module

    real = watch_module.watch
    seen: list[list[Path]] = []

    def once(targets: list[Path], **kwargs: Any) -> int:
        seen.append(list(targets))
        return real(targets, out=kwargs["out"], polls=1)

    monkeypatch.setattr(watch_module, "watch", once)
    assert main(["new", str(tmp_path / "w.toml")]) == 0
    assert main(["check", "--watch", str(tmp_path / "w.toml")]) == 0
    assert seen == [[tmp_path / "w.toml"]]
    assert f"OK {tmp_path / 'w.toml'} (w): 7 cards" in capsys.readouterr().out
    assert main(["--decks", str(tmp_path), "check", "--watch"]) == 0
    assert tmp_path in seen[1]  # no PATH: every deck folder


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT semantics differ on Windows")
def test_ctrl_c_ends_watch_quietly(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefing_quiz", "check", "--watch", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()  # the loop is running once this line is out
    assert first.startswith("Watching deck files in")
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert err == ""


def test_a_deck_id_in_use_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    decks = tmp_path / "decks"
    assert main(["--decks", str(decks), "new", str(decks / "one.toml"), "--id", "shared"]) == 0
    assert main(["--decks", str(decks), "new", str(tmp_path / "two.toml"), "--id", "shared"]) == 1
    assert f"deck id 'shared' is already used by {decks / 'one.toml'}; choose another with --id" \
        in capsys.readouterr().err
    assert main(["--decks", str(decks), "import", str(IMPORT_DATA / "capitals.csv"),
                 "-o", str(tmp_path / "shared.toml")]) == 1
    assert "choose another with --deck-id" in capsys.readouterr().err
    assert not (tmp_path / "two.toml").exists() and not (tmp_path / "shared.toml").exists()
    # Replacing the deck that holds the id is fine.
    assert main(["--decks", str(decks), "import", str(IMPORT_DATA / "capitals.csv"),
                 "-o", str(decks / "one.toml"), "--deck-id", "shared", "--force"]) == 0
