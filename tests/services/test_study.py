"""The plain-mode session openers (services/study.py): built paused, on the real clock, store
closed after the block."""

from __future__ import annotations

import gc
import io
from datetime import datetime, timedelta, timezone

import pytest

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.paths import Paths
from briefing_quiz.services import study
from tests.conftest import DeckWriter
from tests.services.conftest import SMALL_DECK


def test_a_study_session_is_built_paused_on_the_real_clock(
        paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    import briefing_quiz.core.study.session as session_module

    seen: list[bool] = []
    real = session_module.StudySession

    class Recording(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            seen.append(gc.isenabled())
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(session_module, "StudySession", Recording)
    gc.enable()
    with study.opened_session(paths, (), seed=3, stderr=io.StringIO()) as session:
        assert session.seed == 3
        assert abs(session.clock() - datetime.now(timezone.utc)) < timedelta(seconds=5)
        assert session.counts.total == 2
        store = session.store
    assert seen == [False]
    assert gc.isenabled()
    with pytest.raises(Exception):  # noqa: B017 - closed: any use fails
        store.states()


def test_no_decks_is_an_error(paths: Paths) -> None:
    for deck in paths.deck_dirs[0].iterdir():
        deck.unlink()
    with pytest.raises(BriefingQuizError, match="no decks to study"), study.opened_session(
            paths, (), seed=None, stderr=io.StringIO()):
        pass


def test_a_mock_test_and_a_briefing_need_one_deck(paths: Paths, write_deck: DeckWriter) -> None:
    with study.opened_mock_test(paths, (), 1, seed=1, stderr=io.StringIO()) as test:
        assert test.planned == 1 and test.deck.id == "small"  # the only deck
    write_deck(SMALL_DECK.replace('id = "small"', 'id = "other"'), "other.toml")
    with pytest.raises(BriefingQuizError, match=r"--test works on one deck: name it \(decks: "
                                                r"other, small\)"), \
            study.opened_mock_test(paths, (), 1, seed=1, stderr=io.StringIO()):
        pass
    with pytest.raises(BriefingQuizError, match="--briefing works on one deck"), \
            study.opened_briefing_session(paths, (), seed=1, threshold=None, stderr=io.StringIO()):
        pass
    with pytest.raises(BriefingQuizError, match="has no briefing time"), \
            study.opened_briefing_session(paths, ["small"], seed=1, threshold=0.8,
                                          stderr=io.StringIO()):
        pass


def test_seeds() -> None:
    assert study.new_seed(5) == 5
    assert 0 <= study.new_seed(None) < 2**31
