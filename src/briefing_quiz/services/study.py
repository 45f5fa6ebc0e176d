"""Sessions for the command line's plain mode: `study --plain`, `--briefing --plain`, `--test N
--plain`.

Each opener loads the settings and decks (`study_inputs`), opens the progress file, builds the
session on the real clock (a study queue inside `paused_collector()`, see `gc_policy`; a mock
test picks a few cards and needs no pause) and yields it; the store is closed when the block
ends. Plain mode's loop (`briefing_quiz.plain`) then drives it: this
module never reads or writes the terminal itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.paths import Paths
from briefing_quiz.services.clock import local_zone, utc_now
from briefing_quiz.services.gc_policy import paused_collector
from briefing_quiz.services.memory_states import follow_parameters
from briefing_quiz.services.study_inputs import load_study_inputs, one_deck

if TYPE_CHECKING:
    from briefing_quiz.core.study.briefing_session import BriefingSession
    from briefing_quiz.core.study.custom import CustomFilter
    from briefing_quiz.core.study.mock_test import MockTest
    from briefing_quiz.core.study.session import StudySession

__all__ = ["new_seed", "opened_briefing_session", "opened_mock_test", "opened_session"]


def new_seed(seed: int | None) -> int:
    """`seed`, or a new one each time (the shuffles of a session and its order of items)."""
    import random

    return seed if seed is not None else random.SystemRandom().randrange(2**31)


@contextmanager
def opened_session(paths: Paths, deck_ids: Sequence[str], *, seed: int | None,
                   stderr: TextIO, custom: tuple[CustomFilter, bool] | None = None,
                   ) -> Iterator[StudySession]:
    """A study session over `deck_ids` (default: every deck), due cards first; `custom`: a custom
    study session of the cards matching a filter, crammed (nothing saved) or not."""
    from briefing_quiz.core.progress.store import Store
    from briefing_quiz.core.study.session import StudySession

    config, decks = load_study_inputs(paths, deck_ids, stderr)
    if not decks:
        raise BriefingQuizError("no decks to study (add some with --decks DIR)")
    seed = new_seed(seed)
    with Store.open(paths.data_file) as store:
        follow_parameters(store, config, [d.id for d in decks], now=utc_now())
        with paused_collector():
            if custom is not None:
                from briefing_quiz.core.study.custom import CramSession, CustomSession

                kind = CramSession if custom[1] else CustomSession
                session: StudySession = kind(decks, store, config, wanted=custom[0],
                                             clock=utc_now, tz=local_zone(utc_now()), seed=seed)
            else:
                session = StudySession(decks, store, config, clock=utc_now,
                                       tz=local_zone(utc_now()), seed=seed)
        store.require_sound()  # a damaged file is refused before the first question
        yield session


@contextmanager
def opened_briefing_session(paths: Paths, deck_ids: Sequence[str], *, seed: int | None,
                            threshold: float | None, stderr: TextIO) -> Iterator[BriefingSession]:
    """A briefing session on the one deck named (`threshold`: readiness that ends it, default
    `DEFAULT_THRESHOLD`)."""
    from briefing_quiz.core.progress.store import Store
    from briefing_quiz.core.study.briefing_session import BriefingSession
    from briefing_quiz.core.study.readiness import DEFAULT_THRESHOLD

    config, deck = one_deck(paths, deck_ids, "--briefing", stderr)
    seed = new_seed(seed)
    with Store.open(paths.data_file) as store:
        follow_parameters(store, config, [deck.id], now=utc_now())
        with paused_collector():
            # tz None: the machine's zone, with the summer-time rule of each date shown.
            session = BriefingSession(deck, store, config, clock=utc_now, tz=None, seed=seed,
                                      threshold=DEFAULT_THRESHOLD if threshold is None
                                      else threshold)
        store.require_sound()  # a damaged file is refused before the first question
        yield session


@contextmanager
def opened_mock_test(paths: Paths, deck_ids: Sequence[str], n: int, *, seed: int | None,
                     stderr: TextIO) -> Iterator[MockTest]:
    """A mock test of `n` auto-checked questions of the one deck named."""
    from briefing_quiz.core.progress.store import Store
    from briefing_quiz.core.study.mock_test import MockTest

    _config, deck = one_deck(paths, deck_ids, "--test", stderr)
    seed = new_seed(seed)
    with Store.open(paths.data_file) as store:
        store.require_sound()  # a damaged file is refused before the first question
        yield MockTest(deck, store, n, clock=utc_now, seed=seed)
