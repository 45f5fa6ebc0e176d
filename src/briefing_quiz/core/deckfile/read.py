"""Deck files as files: where they are found (every `*.toml` below the deck folders), how big
they may be, and how their bytes are read and decoded.

A module of its own, importing nothing of the loader, so that the app can list decks from the parse
cache (`deckfile.cache`) before the loader is imported; for the same reason the error classes are
imported only where a file is read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing_quiz.core.errors import Problem

__all__ = ["CARD_SEPARATOR", "MAX_DECK_BYTES", "decode_deck", "distinct_files", "find_deck_files",
           "read_deck_bytes"]

#: Decks are small text files; anything bigger than this is refused before it is read.
MAX_DECK_BYTES = 50 * 1024 * 1024
#: A card header line as `briefing-quiz new`, the docs and every generator write it: the fast
#: path cuts a deck's text at these (`fast._parse_simple`), and the deck cache keeps the text so
#: cut (`cache.DeckCache.previous`).
CARD_SEPARATOR = "\n[[cards]]\n"


#: Deck folders nested deeper than this below a deck folder are not searched (with a warning):
#: a tree thousands of levels deep is no deck collection, and its paths outgrow PATH_MAX.
MAX_FOLDER_DEPTH = 64

#: A search stops after this many folders, or this many deck files, with a warning: `--decks /`
#: must end in seconds, not walk every file system (a deck collection is far smaller).
MAX_FOLDERS = 20_000
MAX_DECK_FILES = 5_000

#: Kernel file systems: never decks, endless to walk (/proc links every process's folders).
_SYSTEM_FOLDERS = frozenset({"/proc", "/sys", "/dev"})


def find_deck_files(dirs: Iterable[Path], warnings: list[str] | None = None) -> list[Path]:
    """Every `*.toml` file below each folder (recursively), sorted per folder, without repeats.

    Missing folders are skipped. A path that is a file is returned as it is (so a command line may
    mix files and folders). Hidden files and folders (name starting with '.') are skipped: editors
    keep lock and backup files there. Linked folders are followed (a deck folder linked into the
    user's decks folder is found), each real folder once, so a link loop ends. A folder that
    cannot be read, or lies more than MAX_FOLDER_DEPTH levels down, is skipped with a line in
    `warnings` (when given): its decks are not silently missing. The walk is iterative (a deep
    tree cannot exhaust the stack), skips /proc, /sys and /dev, and stops with a warning after
    MAX_FOLDERS folders or MAX_DECK_FILES files (`--decks /` ends, and says why it stopped).
    """
    found: dict[str, Path] = {}
    folders = 0
    for base in dirs:
        if base.is_file():
            found.setdefault(_real(str(base)), base)
            continue
        if not base.is_dir():
            continue
        batch: list[Path] = []
        visited = {_real(str(base))} | _SYSTEM_FOLDERS
        stack: list[tuple[str, int]] = [(str(base), 0)]
        full = False  # a .toml file was left out: the file cap is reached
        while stack and not full and folders < MAX_FOLDERS:
            folders += 1
            folder, depth = stack.pop()
            try:
                with os.scandir(folder) as entries:
                    listed = [(e.name, _is_dir(e)) for e in entries if not e.name.startswith(".")]
            except OSError as error:
                if warnings is not None:
                    reason = error.strerror or type(error).__name__
                    warnings.append(f"{folder}: cannot read this folder ({reason}); its decks "
                                    "are skipped")
                continue
            for name, is_dir in sorted(listed, reverse=True):
                path = os.path.join(folder, name)
                if not is_dir:
                    if name.endswith(".toml"):
                        full = len(found) + len(batch) >= MAX_DECK_FILES
                        if not full:
                            batch.append(Path(path))
                elif depth >= MAX_FOLDER_DEPTH:
                    too_deep = f"{folder}: folders more than {MAX_FOLDER_DEPTH} levels deep are " \
                               "not searched for decks"
                    if warnings is not None and too_deep not in warnings[-1:]:
                        warnings.append(too_deep)
                elif _first_visit(visited, path):
                    stack.append((path, depth + 1))
        if (stack or full) and warnings is not None:
            warnings.append(f"{base}: stopped searching for decks after {folders} folders and "
                            f"{len(found) + len(batch)} .toml files; name the folder that holds "
                            "your decks")
        for deck in sorted(batch):
            found.setdefault(_real(str(deck)), deck)
    return list(found.values())


def _real(path: str) -> str:
    """`os.path.realpath`, or the absolute path when a link cannot be read (a process's
    /proc/N/cwd that ended while we walked raises FileNotFoundError)."""
    try:
        return os.path.realpath(path)
    except OSError:
        return os.path.abspath(path)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows links, as a linked deck folder is searched
    except OSError:
        return False


def _first_visit(visited: set[str], folder: str) -> bool:
    real = _real(folder)
    if real in visited:
        return False
    visited.add(real)
    return True


def distinct_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Each path with its real path, skipping a file already given (directly or through a link)."""
    seen: set[str] = set()
    for path in paths:
        real = _real(str(path))
        if real not in seen:
            seen.add(real)
            yield path, real


def read_deck_bytes(path: Path) -> bytes:
    """The bytes of a deck file; DeckError if it is missing, not a file, unreadable or too big."""
    from briefing_quiz.core.errors import DeckError, Problem
    from briefing_quiz.core.files import FileTooBigError, NotRegularFileError, read_regular

    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise DeckError([Problem(path, "this is a folder, not a deck file")])
        if not stat.S_ISREG(info.st_mode):
            raise DeckError([Problem(path, "not a regular file")])
        if info.st_size > MAX_DECK_BYTES:
            raise DeckError([too_big(path)])
        # Opened without blocking and checked again once open: a file swapped for a FIFO since
        # `stat` is refused, not waited on; one that grew past the cap since is refused too.
        data = read_regular(path, MAX_DECK_BYTES)
    except FileTooBigError:
        raise DeckError([too_big(path)]) from None
    except NotRegularFileError:
        raise DeckError([Problem(path, "not a regular file")]) from None
    except FileNotFoundError:
        raise DeckError([Problem(path, "no such file")]) from None
    except PermissionError:
        raise DeckError([Problem(path, "permission denied: the file cannot be read")]) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise DeckError([Problem(path, f"cannot read the file: {reason}")]) from None
    except ValueError as error:  # e.g. a path with a NUL byte in it
        raise DeckError([Problem(path, f"not a usable path: {error}")]) from None
    return data


def decode_deck(data: bytes, path: Path | None) -> str:
    """The text of a deck file's bytes, without a byte-order mark; DeckError if they are too many
    or not UTF-8 (with the line and column of the first byte that is not)."""
    from briefing_quiz.core.errors import DeckError, Problem

    if len(data) > MAX_DECK_BYTES:
        raise DeckError([too_big(path)])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(data, error.start)
        byte = data[error.start]
        message = f"the file is not UTF-8 text (byte 0x{byte:02x} cannot be read); save it as UTF-8"
        raise DeckError([Problem(path, message, line, column)]) from None
    if text.startswith("\ufeff"):  # a byte-order mark some editors add; TOML does not allow it
        text = text[1:]
    return text


def too_big(path: Path | None) -> Problem:
    from briefing_quiz.core.errors import Problem

    limit = MAX_DECK_BYTES // (1024 * 1024)
    return Problem(path, f"the file is larger than {limit} MB; a deck file should be far smaller")


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column
