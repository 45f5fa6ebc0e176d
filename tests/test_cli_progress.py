"""The progress commands through `cli.main`: study --plain, stats, log, rebuild."""

from __future__ import annotations

import io
import json
import sys
import textwrap
import types
from pathlib import Path

import pytest

from briefing_quiz.cli import main
from briefing_quiz.core.progress.store import Store

DECK = textwrap.dedent("""\
    format = 1
    [deck]
    id = "mini"
    title = "Mini deck"

    [[cards]]
    id = "capital"
    type = "basic"
    question = "Capital of Ukraine?"
    answer = "Kyiv"

    [[cards]]
    id = "troops"
    type = "typed"
    question = "How many troops?"
    answer = "130,000"

    [[cards]]
    id = "year"
    type = "truefalse"
    statement = "The crisis was in 2022."
    answer = true

    [[cards]]
    id = "cz"
    type = "cloze"
    text = "{{c1::Kyiv}} is on the {{c2::Dnipro}}"
    """)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "mini.toml").write_text(DECK)
    config = tmp_path / "config.toml"
    config.write_text("[scheduler]\nnew_cards_per_day = 50\n")
    monkeypatch.delenv("BRIEFING_QUIZ_DATA", raising=False)
    monkeypatch.delenv("BRIEFING_QUIZ_DECKS", raising=False)
    return {"decks": decks, "config": config, "data": tmp_path / "sub" / "progress.sqlite3"}


def cli(env: dict[str, Path], *args: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    argv = [*args, "--decks", str(env["decks"]), "--config", str(env["config"]),
            "--data", str(env["data"])]
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# Answers for the mini deck in deck order: reveal + Good, a typed answer + Enter, t + Enter.
THREE_ANSWERS = "\n\n130000\n\nt\n\nq\n"


def test_read_commands_on_a_missing_file_create_nothing(env: dict[str, Path],
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(env, "stats", "--json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "no progress yet" in err
    mini = next(d for d in json.loads(out)["decks"] if d["deck_id"] == "mini")
    assert (mini["cards"], mini["items"], mini["new"], mini["reviews_today"]) == (4, 5, 5, 0)
    code, out, err = cli(env, "log", monkeypatch=monkeypatch, capsys=capsys)
    assert (code, out) == (0, "") and "no progress yet" in err
    code, out, err = cli(env, "rebuild", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "nothing to rebuild" in err
    assert not env["data"].exists() and not env["data"].parent.exists()


def test_study_then_log_stats_and_rebuild(env: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(env, "study", "mini", "--plain", "--seed", "3", stdin=THREE_ANSWERS,
                         monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    saved = [line for line in out.splitlines() if line.startswith("SAVED")]
    assert [line.split()[1:3] for line in saved] == [
        ["mini/capital", "3"], ["mini/troops", "3"], ["mini/year", "3"]]
    assert env["data"].exists()  # created with its folder

    code, out, _err = cli(env, "log", monkeypatch=monkeypatch, capsys=capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["card"] for r in rows] == ["capital", "troops", "year"]
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)  # oldest first
    assert rows[1]["given"] == "130000" and rows[1]["correct"] is True
    assert rows[0]["correct"] is None and rows[2]["given"] == "true"
    assert all(r["reviewed_at"].endswith("+00:00") and not r["undone"] for r in rows)

    code, out, _err = cli(env, "stats", "--json", monkeypatch=monkeypatch, capsys=capsys)
    mini = next(d for d in json.loads(out)["decks"] if d["deck_id"] == "mini")
    assert (mini["new"], mini["learning"], mini["reviews_today"]) == (2, 3, 3)
    assert mini["mean_retrievability"] is not None

    code, out, _err = cli(env, "stats", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "mini  Mini deck" in out and "reviews today 3" in out

    code, out, _err = cli(env, "rebuild", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "rebuilt 3 items from 3 reviews" in out and "0 differed" in out


def test_data_option_before_or_after_the_command_and_env(env: dict[str, Path],
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path) -> None:
    data = tmp_path / "elsewhere.sqlite3"
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n\nq\n"))
    assert main(["--data", str(data), "--decks", str(env["decks"]), "--config",
                 str(env["config"]), "study", "mini", "--plain"]) == 0
    capsys.readouterr()
    assert main(["log", "--data", str(data)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    monkeypatch.setenv("BRIEFING_QUIZ_DATA", str(data))
    assert main(["log", "--deck", "mini"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert main(["log", "--deck", "other"]) == 1  # neither a deck nor in the file (issue 17)
    assert "no deck with id 'other'" in capsys.readouterr().err


def test_bad_decks_are_listed_and_the_rest_studied(env: dict[str, Path],
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (env["decks"] / "broken.toml").write_text("format = 1\n[deck\nid = 'x'\n")
    code, out, err = cli(env, "study", "--plain", stdin="q\n", monkeypatch=monkeypatch,
                         capsys=capsys)
    assert code == 0
    assert "broken.toml" in err and "skipped deck" in err
    assert "CARD 1/" in out


def test_unknown_deck_is_one_clear_line(env: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(env, "study", "nope", "--plain", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("briefing-quiz: error: no deck with id 'nope'")
    code, _out, err = cli(env, "stats", "--deck", "nope", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "no deck with id 'nope'" in err.splitlines()[-1]


def test_removed_card_is_reported_orphaned(env: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    cli(env, "study", "mini", "--plain", stdin=THREE_ANSWERS, monkeypatch=monkeypatch,
        capsys=capsys)
    deck = env["decks"] / "mini.toml"
    text = deck.read_text()
    start = text.index('[[cards]]\nid = "troops"')
    end = text.index("[[cards]]", start + 1)
    deck.write_text(text[:start] + text[end:])
    code, out, _err = cli(env, "stats", "--json", "--deck", "mini", monkeypatch=monkeypatch,
                          capsys=capsys)
    report = json.loads(out)
    assert report["orphaned"] == ["mini/troops"] and report["decks"][0]["cards"] == 3
    code, out, _err = cli(env, "stats", "--deck", "mini", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    assert "orphaned items (progress kept, card no longer in a deck): 1: mini/troops" in out
    _code, out, _err = cli(env, "log", monkeypatch=monkeypatch, capsys=capsys)
    assert "troops" in out  # the history stays


def test_study_without_plain_opens_the_app(env: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    calls = []
    fake = types.ModuleType("briefing_quiz.ui.app")
    fake.run_app = lambda paths: calls.append(paths) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "briefing_quiz.ui.app", fake)
    code, _out, _err = cli(env, "study", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and calls and calls[0].data_file == env["data"]


@pytest.mark.parametrize("command", [["stats"], ["log"], ["rebuild"], ["study", "--plain"]])
def test_corrupt_file_is_one_line_and_unchanged(env: dict[str, Path], command: list[str],
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    env["data"].parent.mkdir()
    env["data"].write_bytes(b"SQLite format 3\x00" + b"\x07" * 3000)
    before = env["data"].read_bytes(), env["data"].stat().st_mtime_ns
    code, out, err = cli(env, *command, stdin="\n\n", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "SAVED" not in out
    assert err.count("\n") == 1 and err.startswith("briefing-quiz: error: ")
    assert str(env["data"]) in err and "Traceback" not in err
    assert (env["data"].read_bytes(), env["data"].stat().st_mtime_ns) == before


def test_stats_when_the_deck_file_is_gone(env: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    cli(env, "study", "mini", "--plain", stdin=THREE_ANSWERS, monkeypatch=monkeypatch,
        capsys=capsys)
    (env["decks"] / "mini.toml").unlink()
    code, out, _err = cli(env, "stats", "--json", "--deck", "mini", monkeypatch=monkeypatch,
                          capsys=capsys)
    report = json.loads(out)
    assert code == 0 and report["decks"] == []
    assert report["orphaned"] == ["mini/capital", "mini/troops", "mini/year"]
    with Store.open(env["data"], readonly=True) as store:
        assert len(list(store.reviews())) == 3


def test_log_of_an_unknown_deck_is_an_error_like_stats(env: dict[str, Path],
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17 bug 6: `log --deck nosuch` printed nothing and exited 0."""
    code, _out, err = cli(env, "log", "--deck", "nope", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "no deck with id 'nope'" in err.splitlines()[-1]
    cli(env, "study", "mini", "--plain", stdin=THREE_ANSWERS, monkeypatch=monkeypatch,
        capsys=capsys)
    code, _out, err = cli(env, "log", "--deck", "nope", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "no deck with id 'nope'" in err.splitlines()[-1]
    code, out, _err = cli(env, "log", "--deck", "mini", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and len(out.splitlines()) == 3
    (env["decks"] / "mini.toml").unlink()  # a deck that is gone but has progress: still logged
    code, out, _err = cli(env, "log", "--deck", "mini", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and len(out.splitlines()) == 3


def test_stats_lists_flagged_cards_with_their_notes_plain_and_json(
        env: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import datetime, timezone

    from briefing_quiz.core.model import ItemKey

    at = datetime(2026, 3, 1, 9, tzinfo=timezone.utc)
    env["data"].parent.mkdir()
    with Store.open(env["data"]) as store:
        store.marks.flag(ItemKey("mini", "capital", 0), "answer wrong\x1b[31m", at=at)
        store.marks.flag(ItemKey("mini", "cz", 2), "", at=at)
        store.marks.flag(ItemKey("mini", "year", 0), "typo", at=at)
        store.marks.flag(ItemKey("mini", "year", 0), None, at=at)  # unflagged
    code, out, _err = cli(env, "stats", "--json", monkeypatch=monkeypatch, capsys=capsys)
    flagged = json.loads(out)["flagged"]
    assert code == 0
    assert [(f["card"], f["item"], f["note"]) for f in flagged] == [
        ("capital", 0, "answer wrong\x1b[31m"), ("cz", 2, "")]
    assert flagged[0]["flagged_at"] == at.isoformat()
    code, out, _err = cli(env, "stats", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "flagged cards 2:" in out
    assert "  mini/capital  answer wrong" in out and "\x1b" not in out  # made visible
    assert "  mini/cz#2  (flagged 2026-03-01)" in out and "mini/year" not in out
