"""Open cards in the plain loop: lines up to an empty one, one POINT line per point, saved."""

from __future__ import annotations

import io
from datetime import timedelta

from fsrs import Rating

from briefing_quiz.config import Config
from briefing_quiz.core.model import Deck, OpenCard, OpenPoint
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.study.session import StudySession
from briefing_quiz.plain import run_plain
from tests.conftest import T0, FrozenClock, StoreFactory

CARD = OpenCard(
    id="thesis", deck_id="d", question="What is Pifer's thesis?",
    points=(OpenPoint("painted into a corner", ("painted into a corner", "cornered")),
            OpenPoint("war or climb-down", ("war or climb-down", "war or back down")),
            OpenPoint("offers rejected", ("rejected the offers", "turned aside offers"))),
    answer="Painted into a corner: war or a climb-down.", min_points=2, source="a quote")


def run(open_store: StoreFactory, typed: str, card: OpenCard = CARD) -> tuple[list[str], Store]:
    store = open_store()
    deck = Deck(id="d", title="D", path=None, cards=(card,))
    session = StudySession([deck], store, Config(), clock=FrozenClock(T0, step=timedelta(
        seconds=2)), tz=None, seed=7)
    out = io.StringIO()
    assert run_plain(session, io.StringIO(typed), out) == 0
    return out.getvalue().splitlines(), store


def test_a_good_answer_over_several_lines(open_store: StoreFactory) -> None:
    lines, store = run(open_store, "Moscow has cornered itself.\nIt can go to war,\n"
                                   "or back down.\n\n\n")
    prompt = lines.index("Write your answer in your own words; an empty line ends it:")
    assert lines[prompt + 1:prompt + 5] == [
        "POINT made painted into a corner", "POINT made war or climb-down",
        "POINT missed offers rejected", "RIGHT (2 of 3 points made, 2 needed)"]
    assert "ANSWER: Painted into a corner: war or a climb-down." in lines
    assert "SOURCE: “a quote”" in lines and "Grade 1-4 (Enter = 3 good):" in lines
    (row,) = list(store.reviews())
    assert row.given == "Moscow has cornered itself.\nIt can go to war,\nor back down."
    assert (row.correct, row.rating) == (True, Rating.Good)


def test_a_negated_answer_makes_no_point_and_the_users_grade_wins(
        open_store: StoreFactory) -> None:
    lines, store = run(open_store, "Russia is not cornered and will never back down.\n\n2\n")
    assert [line for line in lines if line.startswith("POINT")] == [
        "POINT missed painted into a corner", "POINT missed war or climb-down",
        "POINT missed offers rejected"]
    assert "WRONG (0 of 3 points made, 2 needed)" in lines
    assert "YOURS: Russia is not cornered and will never back down." in lines
    assert "Grade 1-4 (Enter = 1 again):" in lines
    (row,) = list(store.reviews())
    assert (row.correct, row.rating) == (False, Rating.Hard)


def test_half_the_points_suggests_hard(open_store: StoreFactory) -> None:
    lines, _ = run(open_store, "The Kremlin is cornered.\n\n\n")
    assert "PARTLY (1 of 3 points made, 2 needed)" in lines
    assert "Grade 1-4 (Enter = 2 hard):" in lines
    # the summary counts it as partly right, neither right nor wrong
    assert lines[-1].startswith("SUMMARY answered 1: again 0, hard 1, good 0, easy 0; "
                                "right 0, partly 1 of 1 checked;"), lines[-1]


def test_an_empty_first_line_is_an_empty_answer(open_store: StoreFactory) -> None:
    lines, _ = run(open_store, "\n\n")
    assert "WRONG (0 of 3 points made, 2 needed)" in lines and "YOURS: (nothing)" in lines


def test_q_as_the_first_line_quits(open_store: StoreFactory) -> None:
    lines, store = run(open_store, "q\n")
    assert not any(line.startswith("POINT") for line in lines) and list(store.reviews()) == []


def test_the_end_of_input_ends_the_answer(open_store: StoreFactory) -> None:
    lines, store = run(open_store, "war or back down")
    assert "POINT made war or climb-down" in lines
    assert list(store.reviews()) == []  # no grade was read: nothing saved


def test_a_label_stays_on_one_line_and_shows_its_controls(open_store: StoreFactory) -> None:
    card = OpenCard(id="x", deck_id="d", question="Q?", answer="A.", min_points=1,
                    points=(OpenPoint("two\nlines \x1b[31mred", ("red",)),))
    lines, _ = run(open_store, "red\n\n\n", card)
    assert "POINT made two lines ␛[31mred" in lines
