"""`new`: the skeleton is a valid deck with every card type, and no file is ever replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_quiz.authoring.scaffold import skeleton, write_skeleton
from briefing_quiz.core.deckfile import load_deck, loads_deck
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.model import CARD_TYPES


def test_skeleton_is_valid_and_shows_every_card_type() -> None:
    deck = loads_deck(skeleton("nato-2026", 'NATO "summit" 2026').encode("utf-8"))
    assert deck.id == "nato-2026"
    assert deck.title == 'NATO "summit" 2026'
    assert sorted(c.type for c in deck.cards) == sorted(CARD_TYPES)
    assert deck.source is not None


def test_skeleton_comments_every_card(tmp_path: Path) -> None:
    text = skeleton("d", "D", str(tmp_path / "d.toml"))
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line == "[[cards]]":
            assert lines[number - 1].startswith("# "), f"card at line {number + 1} has no comment"
    assert f"check --watch {tmp_path / 'd.toml'}" in text


def test_write_skeleton_creates_parents_and_takes_the_id_from_the_name(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "Munich Security Conference.toml"
    assert write_skeleton(path) == "munich-security-conference"
    deck = load_deck(path)
    assert deck.id == "munich-security-conference"
    assert deck.title == "Munich security conference"


def test_write_skeleton_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "deck.toml"
    path.write_text("my work", encoding="utf-8")
    with pytest.raises(BriefingQuizError, match="already exists"):
        write_skeleton(path, deck_id="x")
    assert path.read_text(encoding="utf-8") == "my work"


@pytest.mark.parametrize(("name", "kwargs", "message"), [
    ("deck.txt", {}, "end in .toml"),
    ("---.toml", {}, "give one with --id"),
    ("d.toml", {"deck_id": "Bad Id"}, "must be lower-case"),
    ("d.toml", {"title": "  "}, "title must not be empty"),
])
def test_write_skeleton_refuses_bad_input(tmp_path: Path, name: str, kwargs: dict[str, str],
                                          message: str) -> None:
    with pytest.raises(BriefingQuizError, match=message):
        write_skeleton(tmp_path / name, **kwargs)
    assert not (tmp_path / name).exists()


def test_write_skeleton_refuses_a_folder(tmp_path: Path) -> None:
    (tmp_path / "d.toml").mkdir()
    with pytest.raises(BriefingQuizError, match="is a folder"):
        write_skeleton(tmp_path / "d.toml")
