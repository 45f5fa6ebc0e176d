"""Open cards through authoring: a CSV `points` column in, CSV and Anki out."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from briefing_quiz.authoring.csv_table import read_csv
from briefing_quiz.authoring.draft import build_draft
from briefing_quiz.authoring.exporters import csv_text
from briefing_quiz.authoring.toml_writer import render_deck
from briefing_quiz.core.deckfile import load_deck, loads_deck
from briefing_quiz.core.model import OpenCard, OpenPoint

DATA = Path(__file__).resolve().parents[1] / "data"

TABLE = ("question,answer,points,min points\n"
         'What is the thesis?,"Painted into a corner: war or climb-down.",'
         '"painted into a corner :: cornered; boxed in | war or climb-down; two choices",1\n'
         "Why now?,Ukraine is drifting away.,Ukraine out of its orbit,\n")


def imported(text: str) -> tuple[list[OpenCard], list[str]]:
    parsed = read_csv(text, Path("t.csv"))
    draft, problems = build_draft(parsed, deck_id="t", title="T")
    if problems:
        return [], [f"{p.line}: {p.message}" for p in problems]
    deck = loads_deck(render_deck(draft)[0].encode())
    return [c for c in deck.cards if isinstance(c, OpenCard)], []


def test_a_points_column_makes_open_cards() -> None:
    cards, problems = imported(TABLE)
    assert problems == []
    thesis, why = cards
    assert thesis.points == (
        OpenPoint("painted into a corner", ("cornered", "boxed in")),
        OpenPoint("war or climb-down", ("war or climb-down", "two choices")))
    assert thesis.min_points == 1 and thesis.answer == "Painted into a corner: war or climb-down."
    assert why.points == (OpenPoint("Ukraine out of its orbit", ("Ukraine out of its orbit",)),)
    assert why.min_points == 1  # all (one) points


def test_bad_points_are_row_problems() -> None:
    _, problems = imported("question,answer,points,min_points\nQ?,A.,x :: ; | y,3\nQ2?,,z\n")
    assert problems == ["2: point 'x :: ;' has no terms: write 'label :: term; other term'",
                        "3: no answer: an open card needs a model answer"]
    _, problems = imported("question,answer,points,min_points\nQ?,A.,x | y,3\n")
    assert problems == ["2: min_points '3' must be 1 to 2"]


def test_export_then_import_gives_the_same_points() -> None:
    deck = load_deck(DATA / "open-cards.toml")
    rows = list(csv.DictReader(io.StringIO(csv_text(deck))))
    assert rows[0]["type"] == "open" and rows[0]["min_points"] == "2"
    assert rows[0]["points"].startswith("painted into a corner :: painted into a corner; cornered")
    cards, problems = imported(csv_text(deck))
    assert problems == []
    assert [(c.question, c.points, c.min_points, c.answer) for c in cards] == [
        (c.question, c.points, c.min_points, c.answer) for c in deck.cards
        if isinstance(c, OpenCard)]
