"""Where deck files are found: every `*.toml` below the deck folders.

A module of its own, importing nothing of the loader, so that the app can list decks from the parse
cache (`core.deck_cache`) before the loader is imported.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["distinct_files", "find_deck_files"]


def find_deck_files(dirs: Iterable[Path]) -> list[Path]:
    """Every `*.toml` file below each folder (recursively), sorted per folder, without repeats.

    Missing folders are skipped. A path that is a file is returned as it is (so a command line may
    mix files and folders). Hidden files and folders (name starting with '.') are skipped: editors
    keep lock and backup files there. Linked folders are followed (a deck folder linked into the
    user's decks folder is found), each real folder once, so a link loop ends.
    """
    found: dict[str, Path] = {}
    for base in dirs:
        if base.is_file():
            found.setdefault(os.path.realpath(base), base)
            continue
        if not base.is_dir():
            continue
        batch: list[Path] = []
        visited = {os.path.realpath(base)}
        for root, subdirs, files in os.walk(base, followlinks=True):
            subdirs[:] = [d for d in subdirs if not d.startswith(".")
                          and _first_visit(visited, os.path.join(root, d))]
            batch.extend(
                Path(root, name) for name in files
                if name.endswith(".toml") and not name.startswith(".")
            )
        for path in sorted(batch):
            found.setdefault(os.path.realpath(path), path)
    return list(found.values())


def _first_visit(visited: set[str], folder: str) -> bool:
    real = os.path.realpath(folder)
    if real in visited:
        return False
    visited.add(real)
    return True


def distinct_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Each path with its real path, skipping a file already given (directly or through a link)."""
    seen: set[str] = set()
    for path in paths:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            yield path, real
