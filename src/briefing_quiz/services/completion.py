"""Shell completion for bash, zsh and fish, through argcomplete (kept by its authors for a
decade, and the one generator that covers fish as well; shtab has no fish).

`briefing-quiz completion SHELL` prints the script to source (`completion_script`); the shell
then runs `briefing-quiz` with `_ARGCOMPLETE` set, and `cli.main` hands the parser to `complete`
before anything else, which prints the candidates and exits. Deck ids are offered for the
arguments that take one, read from the parse cache's summaries (no deck is parsed: a completion
must answer in a few milliseconds).
"""

from __future__ import annotations

import argparse
import os
from typing import Any

__all__ = ["complete", "completion_script", "deck_ids"]

PROG = "briefing-quiz"


def completion_script(shell: str) -> str:
    """The script that registers completion of `briefing-quiz` in `shell` (bash, zsh, fish)."""
    from argcomplete.shell_integration import shellcode

    return str(shellcode([PROG], shell=shell))


def deck_ids(**_kwargs: Any) -> list[str]:
    """The ids of the decks found, for completing a DECK argument ([] when they cannot be read:
    a completion never fails loudly)."""
    try:
        from briefing_quiz.core.deckfile import find_deck_files, load_decks
        from briefing_quiz.core.deckfile.cache import DeckCache
        from briefing_quiz.paths import Paths

        paths = Paths.resolve(data=None, decks=[], config=None)
        loaded = load_decks(find_deck_files(paths.deck_dirs), DeckCache.at(paths.cache_dir))
        return sorted(d.id for d in loaded.decks)
    except Exception:  # see the docstring
        return []


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request (exits), with deck ids for DECK arguments."""
    import argcomplete

    for action in _actions(parser):
        if action.metavar in ("DECK", "ID") and action.dest in ("deck_ids", "deck_id", "deck"):
            action.completer = deck_ids  # type: ignore[attr-defined]
    argcomplete.autocomplete(parser, exit_method=os._exit)


def _actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    found = list(parser._actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found.extend(_actions(sub))
    return found
