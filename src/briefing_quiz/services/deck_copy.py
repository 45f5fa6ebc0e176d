"""Editing a deck that came with the app: copy it to the user's decks folder first.

The bundled decks live inside the installed package (site-packages), where an edit is lost at the
next install. `e` on one of their cards offers to copy the file to the user's decks folder and edit
the copy (ui/editor.py). The copy then shadows the bundled file (`paths.without_shadowed`): it is
the one loaded, now and at every launch, and progress is kept (it is keyed by deck and card id).
Store-thread calls, as `services.briefing`.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from briefing_quiz.core.errors import BriefingQuizError, DeckError, Problem
from briefing_quiz.paths import bundled_decks_dir, without_shadowed
from briefing_quiz.services.gc_policy import paused_collector

if TYPE_CHECKING:
    from briefing_quiz.core.model import Deck
    from briefing_quiz.services.backend import Backend

__all__ = ["copy_to_user_decks_sync", "is_bundled", "load_copy_sync"]


def is_bundled(path: Path) -> bool:
    """Whether `path` is a deck file inside the bundled decks folder."""
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(bundled_decks_dir()))
    except OSError:
        return False


def copy_to_user_decks_sync(backend: Backend, deck: Deck) -> Path:
    """Copy `deck`'s file to the user's decks folder (an existing copy is kept, never
    overwritten) and make the copy the one listed from now on; its path."""
    if deck.path is None:
        raise BriefingQuizError(f"deck {deck.id!r} has no file to copy")
    source = Path(deck.path)
    paths = backend.paths
    target = paths.user_decks_dir / source.name
    try:
        paths.user_decks_dir.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copyfile(source, target)
    except OSError as error:
        raise BriefingQuizError(f"cannot copy {source} to {target}: "
                                f"{error.strerror or error}") from error
    dirs = without_shadowed(paths.deck_dirs, paths.user_decks_dir)
    if paths.user_decks_dir not in dirs:
        dirs = (*dirs, paths.user_decks_dir)
    backend.paths = dataclasses.replace(paths, deck_dirs=dirs)
    return target


def load_copy_sync(backend: Backend, old: Deck, path: Path) -> Deck:
    """Load the copy at `path` in place of `old` among the loaded decks (as
    `services.briefing.reread_deck_sync` does for the same file)."""
    from briefing_quiz.core.deckfile import load_deck

    with paused_collector():
        new = load_deck(path)
    if new.id != old.id:
        raise DeckError([Problem(path, f"the deck id changed from {old.id!r} to {new.id!r}; "
                                       "keeping the loaded version")])
    index = next((i for i, d in enumerate(backend.decks) if d.id == old.id), None)
    if index is None:
        raise BriefingQuizError(f"deck {old.id!r} is no longer loaded")
    backend.decks[index] = new
    return new
