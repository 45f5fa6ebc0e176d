"""`briefing-quiz check`: validate deck files and list every problem with its file and line.

One line per deck (its summary) or per problem, then a total; exit 1 when any deck has errors.
A named path that does not exist, or a folder without decks, is a problem of that path, reported
in its place among the others. With `lint`, each good deck's item-writing warnings follow its
summary (`core.lint`), one `PATH:LINE:COL: [rule-id] card ID: message; fix: ...` line each;
`strict` makes any warning fail the check (exit 1). With `as_json`, one JSON object instead
(`check_report.py`). A CSV, TSV, plain-text or Anki file named here is not a deck: the problem
says to `import` it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Sequence
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from briefing_quiz.core.visible import one_line
from briefing_quiz.services.check_report import CheckReport
from briefing_quiz.services.gc_policy import paused_collector

if TYPE_CHECKING:
    from briefing_quiz.core.lint import LintWarning
    from briefing_quiz.core.model import Deck

__all__ = ["check_decks", "deck_summary", "deck_warnings", "lint_counts"]

from briefing_quiz.services.exit_codes import EXIT_OK, EXIT_PROBLEMS

#: Files people pass to `check` that `import` reads: the problem says so, not a TOML error.
IMPORTABLE = (".csv", ".tsv", ".txt", ".apkg", ".colpkg")


def _not_a_deck(target: Path) -> str:
    return (f"not a deck file: {target.suffix} files are brought in with 'briefing-quiz import "
            f"{one_line(str(target))} -o DECK.toml', which writes a deck; check that deck")


def check_decks(targets: Sequence[str], deck_dirs: Sequence[Path], *, out: TextIO,
                today: dt.date | None = None, lint: bool = False, strict: bool = False,
                as_json: bool = False) -> int:
    """Check the deck files or folders in `targets` (none: every deck in `deck_dirs`); `today`
    (default: the local date) decides which cards are past their `valid_until`; with `lint`
    (implied by `strict`), list each deck's item-writing warnings too; `as_json`: one JSON
    object (`check_report`)."""
    lint = lint or strict
    report = CheckReport(out, as_json=as_json)
    from briefing_quiz.core.deckfile import find_deck_files, load_decks
    from briefing_quiz.core.errors import DeckError, Problem

    early: dict[Path, DeckError] = {}
    files: list[Path] = []
    warnings: list[str] = []
    if targets:
        for target in (Path(p).expanduser() for p in targets):
            if target.is_dir():
                found = find_deck_files([target], warnings)
                files.extend(found)
                if not found:
                    message = "no deck files (*.toml) in this folder"
                    early[target] = DeckError([Problem(target, message)])
                    files.append(target)
            elif not target.exists() and not target.is_symlink():
                early[target] = DeckError([Problem(target, "no such file or folder")])
                files.append(target)
            elif target.suffix.lower() in IMPORTABLE:
                early[target] = DeckError([Problem(target, _not_a_deck(target))])
                files.append(target)
            else:
                files.append(target)
    else:
        files = find_deck_files(deck_dirs, warnings)
        if not files:
            for warning in warnings:
                report.warning(warning, "files")
            searched = ", ".join(str(d) for d in deck_dirs) or "nowhere"
            return report.finish(f"no deck files (*.toml) found; searched: {searched}",
                                 EXIT_PROBLEMS, 0, 0)
    for warning in warnings:  # an unreadable or too deep folder: its decks are not checked
        report.warning(warning, "files")
    with paused_collector():
        loaded = load_decks(f for f in files if f not in early)
    decks = {deck.path: deck for deck in loaded.decks}
    failures = dict(early)
    failures.update((error.problems[0].path, error) for error in loaded.failures
                    if error.problems and error.problems[0].path is not None)
    seen: set[str] = set()
    checked = problems = failed = cards = warned = 0
    for path in files:
        real = os.path.realpath(path)
        if real in seen:
            continue  # the same file named twice is checked once
        seen.add(real)
        checked += 1
        if path in failures:
            failed += 1
            problems += len(failures[path].problems)
            rule = "path" if path in early else "deck"
            for problem in failures[path].problems:
                report.problem(problem, rule)
            report.deck(path, None, 0, False)
        elif path in decks:
            cards += len(decks[path].cards)
            bad = report_evidence(decks[path], report, today, deck_summary(decks[path], path))
            failed += bool(bad)
            problems += bad
            report.deck(path, decks[path].id, len(decks[path].cards), not bad)
            if lint:
                lint_warnings = deck_warnings(decks[path])
                warned += len(lint_warnings)
                for lint_warning in lint_warnings:
                    report.lint(lint_warning)
    noun = "deck" if checked == 1 else "decks"
    if failed:
        verb = "has" if failed == 1 else "have"
        plural = "" if problems == 1 else "s"
        return report.finish(f"{failed} of {checked} {noun} {verb} errors ({problems} "
                             f"problem{plural})", EXIT_PROBLEMS, checked, cards)
    if lint and warned:
        plural = "" if warned == 1 else "s"
        verdict = "failed (--strict)" if strict else "OK"
        return report.finish(f"{checked} {noun}, {cards} card{'' if cards == 1 else 's'}, "
                             f"{warned} lint warning{plural}: {verdict}",
                             EXIT_PROBLEMS if strict else EXIT_OK, checked, cards)
    return report.finish(f"{checked} {noun}, {cards} card{'' if cards == 1 else 's'}: OK",
                         EXIT_OK, checked, cards)


def deck_warnings(deck: Deck) -> list[LintWarning]:
    """The lint's warnings of a loaded deck, placed at their lines in its file (read again; a
    file that cannot be read gives warnings without lines)."""
    from briefing_quiz.core.lint import lint_deck
    from briefing_quiz.core.lint.fast import locator

    text = None
    if deck.path is not None:
        try:
            text = deck.path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            text = None
    # The loader's header lines (`Card.line`): the lint need not count them again.
    locate = None if text is None else locator(text, len(deck.cards),
                                               list(map(attrgetter("line"), deck.cards)))
    return lint_deck(deck, locate)


def lint_counts(decks: Sequence[Deck]) -> dict[str, int]:
    """The number of lint warnings of each deck, by deck id (for the app's decks screen)."""
    from briefing_quiz.core.lint import lint_deck

    return {deck.id: len(lint_deck(deck)) for deck in decks}


def deck_summary(deck: Deck, path: Path) -> str:
    """`OK PATH (id): 12 cards: 5 basic, 2 typed, ...` with the types in the format's order."""
    from briefing_quiz.core.model import CARD_TYPES

    counts = Counter(card.type for card in deck.cards)
    per_type = ", ".join(f"{counts[t]} {t}" for t in CARD_TYPES if counts[t])
    noun = "card" if len(deck.cards) == 1 else "cards"
    from briefing_quiz.core.visible import one_line

    return f"OK {one_line(str(path))} ({deck.id}): {len(deck.cards)} {noun}: {per_type}"


def report_evidence(deck: Deck, report: CheckReport, today: dt.date | None,
                    summary: str) -> int:
    """Report the deck's `summary` line (only when it has no error), check its quotes against
    its source file (errors, counted in the result), say once when that file cannot be read,
    and warn of each card past its `valid_until`."""
    from briefing_quiz.services.clock import local_now
    from briefing_quiz.services.evidence import check_evidence, source_path, stale_cards

    found = check_evidence(deck)
    if not found.errors:
        report.text(summary)
    for note in found.notes:
        report.warning(note, "source", path=deck.path)
    for problem in found.errors:
        report.problem(problem, "evidence")
    if found.checked and not found.errors:
        named = source_path(deck)
        report.text(f"   {found.checked} quote{'' if found.checked == 1 else 's'} found in "
                    f"{one_line(named.name) if named else 'the source'}")
    for card, since in stale_cards(deck, today or local_now().date()):
        message = f"stale since {since.isoformat()} (valid until {card.valid_until})"
        report.warning(message, "stale", path=deck.path, line=card.line, card=card.id,
                       text=f"{one_line(str(deck.path))}:{card.line}: [card {card.id}] "
                            f"warning: {message}")
    return len(found.errors)
