"""What every command that studies or reports progress reads first: the settings and the decks.

Used by the command line (`study --plain`, `stats`, `brief`, `sheet`) and plain mode; the app's
backend loads the same way (`Backend.load_sync`). Decks load inside `paused_collector()`, as
every deck load of the program does, and the heap is settled after it (see `gc_policy`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.paths import Paths
from briefing_quiz.services.gc_policy import paused_collector, settle_heap

if TYPE_CHECKING:
    from briefing_quiz.config import Config
    from briefing_quiz.core.model import Deck

__all__ = ["load_study_inputs", "missing_deck_dirs", "one_deck", "print_warnings",
           "require_deck_ids"]


def require_deck_ids(paths: Paths, deck_ids: Sequence[str], stderr: TextIO) -> None:
    """A BriefingQuizError naming the known decks when one of `deck_ids` is not a deck, before
    the app opens (`study nosuch` said nothing). The parse cache's entry heads usually tell
    the ids without loading a deck; otherwise the decks are loaded as for plain mode."""
    from briefing_quiz.core.deckfile import find_deck_files
    from briefing_quiz.core.deckfile.cache import DeckCache

    cache = DeckCache.at(paths.cache_dir)
    summaries = None if cache is None else cache.summaries(find_deck_files(paths.deck_dirs))
    if summaries is None:
        load_study_inputs(paths, deck_ids, stderr)  # raises for an unknown id
        return
    known = {s.id for s in summaries}
    unknown = [d for d in deck_ids if d not in known]
    if unknown:
        raise BriefingQuizError(f"no deck with id {', '.join(map(repr, unknown))} "
                                f"(decks: {', '.join(sorted(known)) or 'none'})")


def print_warnings(warnings: Sequence[str], stderr: TextIO) -> None:
    """One `briefing-quiz: warning:` line each (file names in them made one line)."""
    from briefing_quiz.core.visible import one_line

    for warning in warnings:
        stderr.write(f"briefing-quiz: warning: {one_line(warning)}\n")


def missing_deck_dirs(named: Sequence[str], stderr: TextIO) -> None:
    """Warn about each deck folder the user named (--decks, BRIEFING_QUIZ_DECKS) that is not
    there: its decks would be missing without a word."""
    import os
    from pathlib import Path

    env = os.environ.get("BRIEFING_QUIZ_DECKS", "")
    listed = [*named, *(d for d in env.split(os.pathsep) if d)]
    print_warnings([f"{d}: no such deck folder (given with --decks or BRIEFING_QUIZ_DECKS)"
                    for d in dict.fromkeys(listed) if not Path(d).expanduser().exists()], stderr)


def load_study_inputs(paths: Paths, deck_ids: Sequence[str], stderr: TextIO) -> tuple[Config,
                                                                                      list[Deck]]:
    """The settings and the decks to study: every deck found, or those in `deck_ids` (in that
    order). Decks that fail to load are listed on `stderr`, one problem a line; the rest are used.
    An unknown deck id, or nothing to study, is a BriefingQuizError."""
    from briefing_quiz.config import load_config
    from briefing_quiz.core.deckfile import find_deck_files, load_decks
    from briefing_quiz.core.deckfile.cache import DeckCache

    config = load_config(paths.config_file)
    warnings: list[str] = []
    with paused_collector():
        loaded = load_decks(find_deck_files(paths.deck_dirs, warnings),
                            DeckCache.at(paths.cache_dir))
    settle_heap()  # as the app's backend does after a load: no pass over the decks mid-session
    print_warnings(warnings, stderr)
    for failure in loaded.failures:
        for problem in failure.problems:
            stderr.write(f"briefing-quiz: skipped deck: {problem}\n")
    by_id = {d.id: d for d in loaded.decks}
    unknown = [d for d in deck_ids if d not in by_id]
    if unknown:
        from briefing_quiz.services.suggest import did_you_mean

        known = ", ".join(sorted(by_id)) or "none"
        raise BriefingQuizError(f"no deck with id {', '.join(map(repr, unknown))}"
                                f"{did_you_mean(unknown[0], by_id)} (decks: {known})")
    decks = [by_id[d] for d in dict.fromkeys(deck_ids)] if deck_ids else loaded.decks
    return config, decks


def one_deck(paths: Paths, deck_ids: Sequence[str], what: str,
             stderr: TextIO) -> tuple[Config, Deck]:
    """The settings and the one deck a briefing command works on (an unknown id: an error naming
    the known ones; `what` names the command in the error)."""
    config, decks = load_study_inputs(paths, deck_ids, stderr)
    if len(decks) != 1:
        known = ", ".join(sorted(d.id for d in decks)) or "none"
        raise BriefingQuizError(f"{what} works on one deck: name it (decks: {known})")
    return config, decks[0]
