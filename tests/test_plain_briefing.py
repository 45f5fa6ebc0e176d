"""The plain briefing loop and mock-test loop, in-process with a fake clock."""

from __future__ import annotations

import io
import math
from datetime import datetime, timedelta, timezone

import pytest

from briefing_quiz.config import Config
from briefing_quiz.core.model import Deck, TrueFalseCard, TypedCard
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.study.briefing_session import BriefingSession
from briefing_quiz.core.study.mock_test import MockTest
from briefing_quiz.core.study.statistics import readiness_band
from briefing_quiz.plain import run_plain
from briefing_quiz.plain.mock_test import run_mock_test
from tests.conftest import FrozenClock, StoreFactory

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def ticking_clock(now: datetime = T0) -> FrozenClock:
    """Every look at the clock: two seconds later."""
    return FrozenClock(now, step=timedelta(seconds=2))


DECK = Deck(id="d", title="D", path=None, cards=(
    TypedCard(id="a", deck_id="d", tags=("x",), question="A?", answer="a"),
    TrueFalseCard(id="b", deck_id="d", tags=("y",), statement="B.", answer=True),
))


@pytest.fixture
def store(open_store: StoreFactory) -> Store:
    s = open_store()
    s.set_briefing_target("d", T0 + timedelta(days=5, hours=5), now=T0)
    return s


def run(store: Store, typed: str) -> tuple[int, list[str]]:
    session = BriefingSession(DECK, store, Config(), clock=ticking_clock(), tz=UTC)
    out = io.StringIO()
    code = run_plain(session, io.StringIO(typed), out)
    return code, out.getvalue().splitlines()


def test_undo_takes_readiness_back(store: Store) -> None:
    code, lines = run(store, "a\n\n:u\nq\n")
    assert code == 0
    assert lines[0] == ("BRIEFING d at Sat 2026-03-07 14:00 (in 5 days 4 hours): readiness 0.0%, "
                        "the session stops at 90%. q quits, :h lists the commands.")
    assert lines[1] == "CARD 1/2 d/a typed"
    saved = next(i for i, line in enumerate(lines) if line.startswith("SAVED d/a 3 due "))
    up = lines[saved + 1]
    assert up.startswith("READINESS ") and up.endswith(")") and "(+" in up
    points = up.split("(")[1].rstrip(")")
    assert lines[lines.index("UNDONE d/a") + 1] == f"READINESS 0.0% (-{points[1:]})"
    assert lines[-1] == "READINESS 0.0% -> 0.0%; weakest: x 0%, y 0%"
    assert [r.undone for r in store.reviews()] == [True]


def test_the_loop_says_why_it_stopped(store: Store) -> None:
    # Both items answered: each waits 10 minutes before it may be asked again.
    code, lines = run(store, "a\n\nt\n\n")
    assert code == 0
    done = next(line for line in lines if line.startswith("DONE"))
    assert done == ("DONE what is left to study gains more a little later; come back after "
                    "Mon 2026-03-02 09:10")
    assert lines[-2].startswith("SUMMARY answered 2: again 0, hard 0, good 2, easy 0; right 2 of 2")


def test_mock_test_loop_help_and_commands(store: Store) -> None:
    test = MockTest(DECK, store, 2, clock=ticking_clock(), seed=1)
    first = test.entries[0].card
    right = "a" if isinstance(first, TypedCard) else "t"
    out = io.StringIO()
    code = run_mock_test(test, io.StringIO(f":h\n:u\n{right}\n"), out)
    lines = out.getvalue().splitlines()
    assert code == 0
    assert any(line.startswith("A mock test: answer each question") for line in lines)
    assert "Not in a mock test: it changes nothing. q ends it." in lines
    assert "SCORE 1 of 1 right (100%); 1 not answered" in lines
    assert lines[-1] == "RECORDED mock test 1; your schedule is unchanged"
    assert store.states() == {}


def test_the_opening_line_gives_readiness_its_band(store: Store) -> None:
    run(store, "a\n\nq\n")  # one card answered: readiness above 0
    session = BriefingSession(DECK, store, Config(), clock=ticking_clock(), tz=UTC)
    band = math.floor(readiness_band(session.readiness.overall, session.forecast_reviews) * 100
                      + 0.5)
    _code, lines = run(store, "q\n")
    assert band > 0 and f"% ± {band}, the session stops at 90%" in lines[0]
