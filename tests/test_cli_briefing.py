"""Briefing mode through `cli.main`: brief, stats readiness, study --briefing / --test, sheet.

The CLI reads the real clock and the machine's time zone, so targets are set relative to now.
"""

from __future__ import annotations

import io
import json
import re
import sys
import textwrap
from datetime import datetime, timedelta, timezone
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
    tags = ["geo"]
    question = "Capital of Ukraine?"
    answer = "Kyiv"

    [[cards]]
    id = "troops"
    type = "typed"
    tags = ["army"]
    question = "How many troops?"
    answer = "130,000"
    source = "some 130,000 troops"

    [[cards]]
    id = "year"
    type = "truefalse"
    tags = ["dates"]
    statement = "The crisis was in 2022."
    answer = true

    [[cards]]
    id = "cz"
    type = "cloze"
    tags = ["geo"]
    text = "{{c1::Kyiv}} is on the {{c2::Dnipro}}"
    """)

Env = dict[str, Path]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "mini.toml").write_text(DECK)
    config = tmp_path / "config.toml"
    config.write_text("")
    monkeypatch.delenv("BRIEFING_QUIZ_DATA", raising=False)
    monkeypatch.delenv("BRIEFING_QUIZ_DECKS", raising=False)
    return {"decks": decks, "config": config, "data": tmp_path / "progress.sqlite3"}


def cli(env: Env, *args: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main([*args, "--decks", str(env["decks"]), "--config", str(env["config"]),
                 "--data", str(env["data"])])
    out, err = capsys.readouterr()
    return code, out, err


def local_text(delta: timedelta, sep: str = " ", seconds: bool = False) -> str:
    """The machine's local wall time `delta` from now, as a user would type it."""
    moment = (datetime.now(timezone.utc) + delta).astimezone()  # that moment's local offset
    return moment.strftime(f"%Y-%m-%d{sep}%H:%M" + (":%S" if seconds else ""))


def stored_target(env: Env) -> datetime | None:
    with Store.open(env["data"], readonly=True) as store:
        return store.briefing_target("mini")


IN_2D3H = timedelta(days=2, hours=3, minutes=30)


def test_brief_sets_shows_and_clears_a_target(env: Env, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(env, "brief", "mini", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "mini: no briefing time set" in out
    assert 'briefing-quiz brief mini --at "YYYY-MM-DD HH:MM"' in out
    assert not env["data"].exists()  # showing never creates the progress file

    typed = local_text(IN_2D3H)
    code, out, err = cli(env, "brief", "mini", "--at", typed, monkeypatch=monkeypatch,
                         capsys=capsys)
    assert code == 0, err
    assert out.startswith("mini: briefing set to ") and typed in out
    assert "(in 2 days 3 hours)" in out
    assert "readiness 0% (5 items) — weakest: army 0%, dates 0%, geo 0%" in out
    target = stored_target(env)
    assert target is not None and target.tzinfo == timezone.utc
    assert target.astimezone().strftime("%Y-%m-%d %H:%M") == typed

    code, out, _err = cli(env, "brief", "mini", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "mini: briefing at " in out and "(in 2 days 3 hours)" in out

    # ISO forms, with seconds, replace it.
    iso = local_text(timedelta(hours=5), sep="T", seconds=True)
    code, out, _err = cli(env, "brief", "mini", "--at", iso, monkeypatch=monkeypatch,
                          capsys=capsys)
    assert code == 0 and "(in 4 hours 59 minutes)" in out  # seconds dropped: a little under 5h
    assert stored_target(env) != target

    code, out, _err = cli(env, "brief", "mini", "--clear", monkeypatch=monkeypatch,
                          capsys=capsys)
    assert (code, out) == (0, "mini: briefing time cleared\n") and stored_target(env) is None
    code, out, _err = cli(env, "brief", "mini", "--clear", monkeypatch=monkeypatch,
                          capsys=capsys)
    assert (code, out) == (0, "mini: no briefing time was set\n")


@pytest.mark.parametrize(("args", "message"), [
    (["brief", "nope", "--at", "2099-01-01 10:00"], "no deck with id 'nope' (decks: feb2022, mini)"),
    (["brief", "mini", "--at", "2020-01-01 10:00"], "is in the past"),
    (["brief", "mini", "--at", "next thursday"], 'such as "2026-12-03 14:00"'),
    (["brief", "mini", "--at", "2099-01-01"], "no time of day"),
    (["brief", "mini", "--at", "2099-01-01 10:00", "--clear"], "either --at TIME or --clear"),
])
def test_brief_refuses_with_one_clear_line(env: Env, args: list[str], message: str,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(env, *args, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("briefing-quiz: error: ") and message in err
    assert not env["data"].exists() or stored_target(env) is None


def test_stats_shows_readiness_per_deck_with_a_target(env: Env, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    cli(env, "brief", "mini", "--at", local_text(IN_2D3H), monkeypatch=monkeypatch, capsys=capsys)
    # Two right answers in a briefing session, then the readiness shows in stats.
    code, out, err = cli(env, "study", "mini", "--briefing", "--plain", stdin="\n\n130000\n\nq\n",
                         monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    code, out, _err = cli(env, "stats", monkeypatch=monkeypatch, capsys=capsys)
    line = next(x.strip() for x in out.splitlines() if "briefing in" in x)
    # Two reviews, none of them with a forecast yet: the widest band (issue 13).
    assert re.fullmatch(r"briefing in 2d 3h: readiness \d+% ± \d+ — weakest: dates 0%, geo \d+%, "
                        r"army \d+%", line), line
    code, out, _err = cli(env, "stats", "--json", monkeypatch=monkeypatch, capsys=capsys)
    decks = {d["deck_id"]: d for d in json.loads(out)["decks"]}
    assert decks["feb2022"]["readiness"] is None and decks["feb2022"]["briefing_at"] is None
    ready = decks["mini"]["readiness"]
    assert set(ready) == {"at", "overall", "by_tag", "band"}
    assert ready["band"] == pytest.approx(1.96 * (ready["overall"] * (1 - ready["overall"]) / 20)
                                          ** 0.5, abs=1e-4)  # no review with a forecast yet
    assert decks["mini"]["calibration"]["reviews"] == 0
    assert decks["mini"]["parameters"] == {"own": False, "values": None, "fitted": None}
    assert ready["at"] == decks["mini"]["briefing_at"] == stored_target(env).isoformat()  # type: ignore[union-attr]
    assert 0 < ready["overall"] < 1 and set(ready["by_tag"]) == {"army", "dates", "geo"}
    assert ready["by_tag"]["dates"] == 0


def test_briefing_session_prints_readiness_rising(env: Env, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(env, "study", "mini", "--briefing", "--plain", monkeypatch=monkeypatch,
                         capsys=capsys)
    assert code == 1 and out == ""
    assert "no briefing time: set one with briefing-quiz brief mini --at" in err
    cli(env, "brief", "mini", "--at", local_text(IN_2D3H), monkeypatch=monkeypatch, capsys=capsys)
    # Reveal + Good, a typed answer + Enter, t + Enter, then quit.
    code, out, err = cli(env, "study", "mini", "--briefing", "--plain", "--seed", "1",
                         stdin="\n\n130000\n\nt\n\nq\n", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("BRIEFING mini at ") and "(in 2 days 3 hours)" in lines[0]
    assert "readiness 0.0%, the session stops at 90%" in lines[0]
    readiness = [re.fullmatch(r"READINESS (\d+\.\d)% \(\+(\d+\.\d)\)", x) for x in lines
                 if x.startswith("READINESS") and "->" not in x]
    assert len(readiness) == 3 and all(readiness)
    values = [float(m.group(1)) for m in readiness if m]
    assert values == sorted(values) and values[0] > 0
    assert next(float(m.group(2)) for m in readiness if m) == values[0]
    assert lines[-1].startswith("READINESS 0.0% -> ")
    # Ordinary reviews: in the log, like any other study.
    code, out, _err = cli(env, "log", monkeypatch=monkeypatch, capsys=capsys)
    assert len(out.splitlines()) == 3


def test_briefing_threshold_ends_the_session(env: Env, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    # Same-day briefing: each right answer counts almost fully (recall a few hours on is a little
    # below 100%, in continuous time), so 2 of 5 items reach 35%, just under 40%.
    cli(env, "brief", "mini", "--at", local_text(timedelta(hours=3)), monkeypatch=monkeypatch,
        capsys=capsys)
    code, out, err = cli(env, "study", "mini", "--briefing", "--plain", "--threshold", "35%",
                         stdin="\n\n130000\n\nt\n\n", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    done = re.search(r"DONE readiness (\d+\.\d)% has reached the 35% threshold", out)
    assert done is not None and 39.0 <= float(done.group(1)) < 40.0
    assert out.count("SAVED") == 2


@pytest.mark.parametrize(("args", "message"), [
    (["study", "--briefing"], "works on one deck: name it (decks: feb2022, mini)"),
    (["study", "mini", "--test", "0"], "at least one question"),
    (["study", "mini", "--briefing", "--test", "3", "--plain"], "one of --briefing and --test"),
    (["study", "--briefing", "--plain"], "works on one deck: name it (decks: feb2022, mini)"),
    (["study", "mini", "--threshold", "80", "--plain"], "add --briefing"),
    (["study", "mini", "--test", "0", "--plain"], "at least one question"),
])
def test_study_modes_refuse_with_one_clear_line(env: Env, args: list[str], message: str,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(env, *args, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and out == "" and message in err and err.count("\n") == 1


def test_threshold_must_be_a_percentage(env: Env, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = cli(env, "study", "mini", "--briefing", "--plain", "--threshold", "0.9",
                          monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "give a percentage from 1 to 100" in err


def test_mock_test_scores_and_leaves_scheduling_alone(env: Env, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    cli(env, "study", "mini", "--plain", stdin="\n\n130000\n\nt\n\nq\n", monkeypatch=monkeypatch,
        capsys=capsys)
    with Store.open(env["data"], readonly=True) as store:
        before = repr(store.states()), [r.to_json() for r in store.reviews()]
    # Four auto-checked items (typed, true/false, two gaps), in a seeded order: "f" is wrong for
    # every one of them.
    code, out, err = cli(env, "study", "mini", "--test", "10", "--plain", "--seed", "4",
                         stdin="f\nf\nf\nf\n", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("TEST 4 questions from mini: a rehearsal")
    asked = [x.split()[2] for x in lines if x.startswith("QUESTION")]
    assert sorted(asked) == ["mini/cz#1", "mini/cz#2", "mini/troops", "mini/year"]
    assert "mini/capital" not in out  # a basic card is never in a test
    assert "SCORE 0 of 4 right (0%)" in lines
    assert len([x for x in lines if x.startswith("MISS ")]) == 4
    miss = lines.index("MISS mini/troops: How many troops?")
    assert lines[miss + 1:miss + 3] == ["  YOURS: f", "  ANSWER: 130,000"]
    miss = lines.index("MISS mini/cz#2: Kyiv is on the [...]")
    assert lines[miss + 1:miss + 3] == ["  YOURS: f", "  ANSWER: Dnipro"]
    assert lines[-1].startswith("RECORDED mock test 1;")
    with Store.open(env["data"], readonly=True) as store:
        assert (repr(store.states()), [r.to_json() for r in store.reviews()]) == before
        (test,) = store.mock_tests("mini")
        assert (test.planned, len(test.answers), test.right) == (4, 4, 0)


def test_mock_test_ended_early(env: Env, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = cli(env, "study", "mini", "--test", "3", "--plain", stdin="q\n",
                          monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "SCORE nothing answered; nothing recorded" in out


def test_sheet_prints_the_deck_weakest_first(env: Env, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = cli(env, "sheet", "mini", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and out.startswith("# Cheat sheet: Mini deck\n")
    assert "(no briefing to come)" in out and not env["data"].exists()
    assert "1. **Q:** Capital of Ukraine?\\" in out
    assert "**Kyiv** is on the **Dnipro**" in out
    cli(env, "study", "mini", "--plain", stdin="\n\n", monkeypatch=monkeypatch, capsys=capsys)
    cli(env, "brief", "mini", "--at", local_text(IN_2D3H), monkeypatch=monkeypatch, capsys=capsys)
    code, out, _err = cli(env, "sheet", "mini", "--format", "txt", monkeypatch=monkeypatch,
                          capsys=capsys)
    assert code == 0 and out.startswith("CHEAT SHEET: Mini deck\n")
    assert "weakest first by recall at the briefing" in out
    facts = re.findall(r"^\d+\. (.*)$", out, flags=re.MULTILINE)
    assert facts[-1] == "Q: Capital of Ukraine?"  # the one card studied is the strongest
    assert "[Kyiv] is on the [Dnipro]" in out and "recall" in out
    code, _out, err = cli(env, "sheet", "nope", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "no deck with id 'nope'" in err


def test_a_briefing_that_has_passed(env: Env, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    now = datetime.now(timezone.utc)
    with Store.open(env["data"]) as store:
        store.set_briefing_target("mini", now - timedelta(hours=3, minutes=5), now=now)
    code, out, _err = cli(env, "brief", "mini", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "(3 hours 5 minutes ago)" in out
    assert 'the briefing time has passed: set a new one with briefing-quiz brief mini --at' in out
    code, out, _err = cli(env, "stats", monkeypatch=monkeypatch, capsys=capsys)
    assert "has passed (3h 5m ago)" in out
    code, _out, err = cli(env, "study", "mini", "--briefing", "--plain", monkeypatch=monkeypatch,
                          capsys=capsys)
    assert code == 1 and "has passed: set a new time with briefing-quiz brief mini --at" in err


def test_brief_reads_times_as_people_type_them_and_says_what_it_understood(
        env: Env, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(env, "brief", "mini", "--at", "in 3 days 10am", monkeypatch=monkeypatch,
                         capsys=capsys)
    assert code == 0, err
    day = (datetime.now().astimezone() + timedelta(days=3)).strftime("%Y-%m-%d")
    assert f"{day} 10:00" in out and "read from 'in 3 days 10am'" in out
    code, out, err = cli(env, "brief", "mini", "--at", "thu at teatime", monkeypatch=monkeypatch,
                         capsys=capsys)
    assert code != 0 and "cannot read 'teatime' in 'thu at teatime'" in err
