"""A deck's source file (`[deck.source] file`): read it, and check every card's `source` quote
against it (`briefing-quiz check`), and list the cards whose facts are past their `valid_until`.

The matching itself is pure (`core/evidence.py`); reading the file, with every way it can be
bad named in one message, is here.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefing_quiz.core.errors import BriefingQuizError, Problem
from briefing_quiz.core.evidence import SourceText
from briefing_quiz.core.model import Card, Deck, stale_since
from briefing_quiz.core.visible import one_line

if TYPE_CHECKING:
    from briefing_quiz.core.coverage import Coverage

__all__ = ["MAX_SOURCE_BYTES", "SourceCheck", "SourceFileError", "check_evidence", "coverage_figure",
           "deck_coverage", "read_deck_source", "read_source", "source_path",
           "stale_cards"]

#: A source is an essay, a memo or a report: far below this (1 MB is a long book). Bigger is
#: refused unread; sentence splitting runs at about 100-200 KB a second, so this bounds
#: `coverage`, `draft` and the statistics screen to seconds whatever a shared deck names.
MAX_SOURCE_BYTES = 1024 * 1024


class SourceFileError(BriefingQuizError):
    """A source file that cannot be used (missing, empty, huge, not UTF-8 text)."""


def source_path(deck: Deck) -> Path | None:
    """The deck's source file, relative to the deck file; None when the deck names none."""
    if deck.source is None or deck.source.file is None:
        return None
    named = Path(deck.source.file)  # no ~: a shared deck names no file of the user's home
    base = deck.path.parent if deck.path is not None else Path.cwd()
    return named if named.is_absolute() else base / named


def _size_of(path: Path) -> str:
    """The size with one decimal, "1.1 MB is " (1,200,000 bytes is not "1 MB"); empty if unknown."""
    try:
        return f"{path.stat().st_size / 2**20:.1f} MB is "
    except OSError:
        return ""


def read_source(path: Path) -> str:
    """The text of a source file; raises SourceFileError saying what is wrong with it.

    Only a regular file is read, and never past the cap: a deck is shared, and its `file` may
    name /dev/zero, a FIFO (which would wait for a writer forever) or a huge file."""
    from briefing_quiz.core.files import FileTooBigError, NotRegularFileError, read_regular

    shown = one_line(str(path))
    try:
        data = read_regular(path, MAX_SOURCE_BYTES)
    except FileNotFoundError:
        # Shown without its `..` steps: the bundled deck names the essay beside the project,
        # which an installed copy does not have.
        raise SourceFileError(f"{one_line(os.path.normpath(path))}: no such file") from None
    except NotRegularFileError as error:
        what = "is a folder, not a text file" if path.is_dir() else error.strerror
        raise SourceFileError(f"{shown}: {what}") from None
    except FileTooBigError:
        raise SourceFileError(f"{shown}: {_size_of(path)}too big for a source text (at most "
                              f"{MAX_SOURCE_BYTES / 2**20:g} MB)") from None
    except OSError as error:
        raise SourceFileError(f"{shown}: cannot be read ({error.strerror or error})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise SourceFileError(f"{shown}:{line}: not UTF-8 text (byte {error.start}); save it as "
                              "UTF-8, or as plain text or Markdown") from None
    if "\x00" in text:
        raise SourceFileError(f"{shown}: a binary file, not plain text or Markdown")
    if not text.strip():
        raise SourceFileError(f"{shown}: the source file is empty")
    return text.replace("\r\n", "\n")


def read_deck_source(deck: Deck, path: Path) -> str:
    """`read_source` of the file a deck names, refusing the files a shared deck has no business
    reading: `check` prints the closest passage of the source to a misquote and `coverage` its
    sentences, so a deck naming ~/.aws/credentials, a key in ~/.ssh or a .env file (directly or
    through a link in a shared folder) would put them in a terminal or a CI log. Refused: a name
    starting with ~, a hidden file or folder on the way from the deck's folder to the file (as
    named, and as resolved from where the deck's folder and the file part), and /proc, /sys,
    /dev."""
    import os

    shown = one_line(str(path))
    named = deck.source.file if deck.source is not None and deck.source.file else str(path)
    if named.startswith("~"):
        raise SourceFileError(f"{shown}: a source file is named relative to the deck file, or by "
                              "its full path; not from ~")
    folder = os.path.realpath(deck.path.parent if deck.path is not None else Path.cwd())
    try:
        real = os.path.realpath(path)
        common = os.path.commonpath([real, folder])
    except (OSError, ValueError):
        real, common = str(path), ""
    beyond = Path(os.path.relpath(real, common)).parts if common else Path(real).parts
    hidden = [part for part in (*Path(named).parts, *beyond)
              if part.startswith(".") and part not in (".", "..")]
    if hidden or any(real == root or real.startswith(root + os.sep)
                     for root in ("/proc", "/sys", "/dev")):
        raise SourceFileError(f"{shown}: a hidden or system file is never read as a deck's "
                              "source (it may hold secrets); keep the source text beside the deck")
    return read_source(path)


@dataclass
class SourceCheck:
    """What checking one deck's quotes found: errors (quotes not in the source) and notes (the
    file cannot be read, so nothing was checked)."""

    errors: list[Problem]
    notes: list[str]
    checked: int = 0


_KEY_LINE = re.compile(r"[ \t]*source[ \t]*=")


def _source_line(deck_lines: list[str], card: Card) -> int | None:
    """The line of the card's `source` key, found below its `[[cards]]` header."""
    if card.line is None:
        return None
    for number in range(card.line, len(deck_lines)):
        text = deck_lines[number]
        if text.strip() == "[[cards]]":
            break
        if _KEY_LINE.match(text):
            return number + 1
    return card.line


def check_evidence(deck: Deck, deck_text: str | None = None) -> SourceCheck:
    """Every card's quote looked up in the deck's source file (nothing to do without one)."""
    path = source_path(deck)
    if path is None:
        return SourceCheck([], [])
    try:
        source = SourceText(read_deck_source(deck, path))
    except SourceFileError as error:
        return SourceCheck([], [f"{error}; the cards' quotes were not checked"])
    if deck_text is None and deck.path is not None:
        try:
            deck_text = deck.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            deck_text = ""
    lines = (deck_text or "").split("\n")
    errors: list[Problem] = []
    checked = 0
    for card in deck.cards:
        if card.source is None:
            continue
        checked += 1
        if source.contains(card.source):
            continue
        near = source.closest(card.source)
        hint = (f"; did you mean “{near.text}” (line {near.line} of {path.name})"
                if near is not None else "")
        errors.append(Problem(deck.path, f"'source' is not in {path.name}{hint}",
                              _source_line(lines, card), None, card.id))
    return SourceCheck(errors, [], checked)


def stale_cards(deck: Deck, today: dt.date) -> list[tuple[Card, dt.date]]:
    """The cards whose `valid_until` is past on `today`, with the day each went stale."""
    out: list[tuple[Card, dt.date]] = []
    for card in deck.cards:
        since = stale_since(card, today)
        if since is not None:
            out.append((card, since))
    return out


def deck_coverage(deck: Deck) -> Coverage | None:
    """How much of the deck's source file its cards quote; None when the deck names no source.
    Raises SourceFileError when the file cannot be read."""
    from briefing_quiz.services.coverage_memo import coverage_of

    path = source_path(deck)
    if path is None:
        return None
    return coverage_of(read_deck_source(deck, path), (c.source for c in deck.cards if c.source))


def coverage_figure(deck: Deck) -> str | None:
    """One line for the statistics screen ("source coverage 85% of 40 fact-bearing sentences"),
    or None when the deck names no source; a source that cannot be read is said, not raised."""
    try:
        found = deck_coverage(deck)
    except SourceFileError as error:
        path = source_path(deck)
        if path is not None and not os.path.lexists(path):
            # The bundled deck names its essay beside a checkout of the project; an installed
            # copy has none, and a long site-packages path says nothing useful.
            return f"source coverage: the source file {one_line(path.name)} is not here"
        return f"source coverage: cannot read the source ({error})"
    if found is None:
        return None
    if found.percent is None:
        return "source coverage: the source has no numbers, dates or names"
    return (f"source coverage {found.percent:.0f}%: {found.covered} of {found.fact_bearing} "
            "fact-bearing sentences quoted by a card")
