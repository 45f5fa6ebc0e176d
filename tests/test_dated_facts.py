"""Dated facts where they are seen: plain study says "stale since …" for a card past its
`valid_until`, `stats` lists such cards, and the sheet prints "as of" beside figures."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest

from briefing_quiz.cli import main
from briefing_quiz.config import Config
from briefing_quiz.core.deckfile import loads_deck
from briefing_quiz.core.study.session import StudySession
from briefing_quiz.plain import run_plain
from tests.conftest import FrozenClock, StoreFactory

DECK = """format = 1

[deck]
id = "dated"
title = "Dated"

[deck.source]
as_of = 2022-02-12

[[cards]]
id = "troops"
type = "typed"
question = "How many troops?"
answer = "130000"
valid_until = 2000-02-24

[[cards]]
id = "capital"
type = "basic"
question = "Capital of Ukraine?"
answer = "Kyiv"
valid_until = 2999-12-31
"""


def test_plain_study_says_stale_since(open_store: StoreFactory) -> None:
    deck = loads_deck(DECK.encode())
    now = dt.datetime(2022, 3, 1, 9, tzinfo=dt.timezone.utc)
    session = StudySession([deck], open_store(), Config(), clock=FrozenClock(now),
                           tz=dt.timezone.utc, seed=1)
    out = io.StringIO()
    run_plain(session, io.StringIO("130000\n\n\n\nq\n"), out)
    lines = out.getvalue().splitlines()
    stale = [line for line in lines if line.startswith("STALE")]
    assert stale and set(stale) == {"STALE: stale since 2000-02-25 (valid until 2000-02-24); "
                                    "the fact may have changed"}
    shown = [lines[i - 1] for i, line in enumerate(lines) if line.startswith("STALE")]
    assert all(line.startswith("CARD") and "dated/troops" in line for line in shown)
    assert any(line.startswith("CARD") and "capital" in line for line in lines)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "dated.toml").write_text(DECK, encoding="utf-8")
    monkeypatch.delenv("BRIEFING_QUIZ_DATA", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    return ["--decks", str(decks), "--data", str(tmp_path / "p.sqlite3"),
            "--config", str(tmp_path / "none.toml")]


def test_stats_lists_stale_cards(env: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", *env]) == 0
    out = capsys.readouterr().out
    assert "stale facts (past their valid_until) 1: troops (since 2000-02-25)" in out
    assert main(["stats", "--json", *env]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["stale"] == {"dated": [{"card": "troops", "since": "2000-02-25"}]}


def test_the_sheet_prints_as_of_beside_figures(env: list[str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sheet", "dated", "--format", "txt", *env]) == 0
    out = capsys.readouterr().out
    troops = out[out.index("How many troops?"):].split("\n\n")[0]
    capital = out[out.index("Capital of Ukraine?"):].split("\n\n")[0]
    assert "(as of 2022-02-12)" in troops
    assert "as of" not in capital  # no figure, no date of its own
