"""Loading the settings and decks to study (services/study_inputs.py)."""

from __future__ import annotations

import gc
import io

import pytest

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.paths import Paths
from briefing_quiz.services.study_inputs import load_study_inputs, one_deck
from tests.conftest import DeckWriter


def test_every_deck_or_those_named(paths: Paths, write_deck: DeckWriter) -> None:
    write_deck('format = 1\n[deck]\nid = "other"\ntitle = "Other"\n[[cards]]\nid = "x"\n'
               'type = "basic"\nquestion = "Q"\nanswer = "A"\n', "other.toml")
    err = io.StringIO()
    _config, decks = load_study_inputs(paths, (), err)
    assert sorted(d.id for d in decks) == ["other", "small"]
    _config, decks = load_study_inputs(paths, ["small", "other", "small"], err)
    assert [d.id for d in decks] == ["small", "other"]
    assert err.getvalue() == ""


def test_a_broken_deck_is_skipped_and_named(paths: Paths, write_deck: DeckWriter) -> None:
    write_deck("format = 1\n[deck]\nid = \n", "broken.toml")
    err = io.StringIO()
    _config, decks = load_study_inputs(paths, (), err)
    assert [d.id for d in decks] == ["small"]
    assert err.getvalue().startswith("briefing-quiz: skipped deck: ")
    assert "broken.toml" in err.getvalue()


def test_an_unknown_id_names_the_known_ones(paths: Paths) -> None:
    with pytest.raises(BriefingQuizError, match=r"no deck with id 'nope' \(decks: small\)"):
        load_study_inputs(paths, ["nope"], io.StringIO())
    assert one_deck(paths, ["small"], "sheet", io.StringIO())[1].id == "small"


def test_decks_load_with_the_collector_paused(paths: Paths,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import briefing_quiz.core.deckfile as deckfile

    seen: list[bool] = []
    real = deckfile.load_decks

    def recording(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(deckfile, "load_decks", recording)
    gc.enable()
    load_study_inputs(paths, (), io.StringIO())
    assert seen == [False]
    assert gc.isenabled()
