"""The `new`, `import`, `export` and `check --watch` commands (called from `briefing_quiz.cli`).

Kept here so `cli.py` stays a thin dispatcher and these commands are tested without a subprocess.
Results go to stdout; problems and warnings to stderr, one line each, as `PATH:LINE: message`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from briefing_quiz.authoring.toml_writer import CardDraft
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.model import CARD_TYPES
from briefing_quiz.core.visible import one_line
from briefing_quiz.paths import Paths
from briefing_quiz.services.clock import local_now, utc_now

__all__ = ["run_draft", "run_export", "run_import", "run_new", "run_watch"]

from briefing_quiz.services.exit_codes import EXIT_OK, EXIT_PROBLEMS


def _study_hint(path: Path, deck_id: str, paths: Paths) -> str:
    """How to study a deck at `path`: plain when its folder is searched already, else --decks."""
    folder = path.resolve().parent
    searched = any(_is_within(folder, d) for d in paths.deck_dirs)
    flag = "" if searched else f"--decks {_quote(str(path.parent))} "
    return f"briefing-quiz {flag}study {deck_id}"


def _is_within(folder: Path, base: Path) -> bool:
    try:
        folder.relative_to(base.expanduser().resolve())
    except (ValueError, OSError):
        return False
    return True


def _quote(text: str) -> str:
    import shlex

    return one_line(shlex.quote(text))  # a hint stays on its line, whatever the name holds


def _refuse_taken_id(deck_id: str, output: Path, paths: Paths, flag: str) -> None:
    """Two decks with one id cannot be loaded together: say so before writing the second."""
    from briefing_quiz.core.deckfile import find_deck_files, load_decks
    from briefing_quiz.services.gc_policy import paused_collector

    mine = output.resolve()
    others = [p for p in find_deck_files(paths.deck_dirs) if p.resolve() != mine]
    with paused_collector():
        loaded = load_decks(others)
    for deck in loaded.decks:
        if deck.id == deck_id:
            raise BriefingQuizError(f"deck id '{deck_id}' is already used by "
                                    f"{one_line(str(deck.path))}; "
                                    f"choose another with {flag}")


def run_new(args: argparse.Namespace, paths: Paths, *, out: TextIO | None = None) -> int:
    from briefing_quiz.authoring.ids import slugify
    from briefing_quiz.authoring.scaffold import write_skeleton

    out = out or sys.stdout
    path = Path(args.path).expanduser()
    _refuse_taken_id(args.deck_id or slugify(path.stem), path, paths, "--id")
    deck_id = write_skeleton(path, deck_id=args.deck_id, title=args.title,
                             force=bool(getattr(args, "force", False)))
    print(f"Wrote {one_line(str(path))}: deck '{deck_id}' with one example card of each type.", file=out)
    print(f"Edit it, checking as you go: briefing-quiz check --watch {_quote(str(path))}", file=out)
    print(f"Study it:                    {_study_hint(path, deck_id, paths)}", file=out)
    return EXIT_OK


def _count(n: int, noun: str) -> str:
    """'1 card', '2 cards'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _per_type(types: list[str]) -> str:
    counts = Counter(types)
    return ", ".join(f"{counts[t]} {t}" for t in CARD_TYPES if counts[t])


def run_import(args: argparse.Namespace, paths: Paths, *, out: TextIO | None = None,
               err: TextIO | None = None) -> int:
    from briefing_quiz.authoring.ids import slugify
    from briefing_quiz.authoring.importers import import_file, write_import

    out = out or sys.stdout
    err = err or sys.stderr
    src = Path(args.file).expanduser()
    output = Path(args.output).expanduser()
    force = bool(getattr(args, "force", False))
    shown = one_line(str(output))
    if output.suffix != ".toml":
        raise BriefingQuizError(f"{shown}: deck files end in .toml (try -o {shown}.toml)")
    if output.exists() and not force:
        raise BriefingQuizError(f"{shown}: already exists; choose another name, or add --force "
                                "to replace it")
    deck_id = args.deck_id or slugify(output.stem)
    if not deck_id:
        raise BriefingQuizError(f"no deck id can be made from '{one_line(output.name)}'; give --deck-id")
    _refuse_taken_id(deck_id, output, paths, "--deck-id")
    result = import_file(src, deck_id=deck_id, title=args.title, partial=args.partial,
                         out_path=output)
    for warning in result.warnings:
        print(f"briefing-quiz: warning: {one_line(warning)}", file=err)
    for problem in result.problems:
        print(problem.format(src), file=err)
    if result.text is None:
        good = result.card_count
        bad = len(result.problems)
        if not good:
            print(f"briefing-quiz: error: no card could be imported: {_count(bad, 'bad row')}, "
                  "each listed above", file=err)
            return EXIT_PROBLEMS
        print(f"briefing-quiz: error: nothing written: {bad} bad row{'s' if bad != 1 else ''}; "
              f"fix {'them' if bad != 1 else 'it'}, or add --partial to write the {good} good "
              f"row{'s' if good != 1 else ''}", file=err)
        return EXIT_PROBLEMS
    if getattr(args, "with_progress", False):
        from briefing_quiz.authoring.apkg_progress import refuse_existing_progress

        if src.suffix.lower() not in (".apkg", ".colpkg"):
            raise BriefingQuizError(f"{one_line(str(src))}: --with-progress reads the review history of an "
                                    "Anki package (.apkg or .colpkg) only")
        refuse_existing_progress(deck_id, paths.data_file)
    write_import(result, output, force=force)
    types = [str(c.get("type")) for c in result.draft.cards]
    left_out = len(result.problems)
    skipped = f"; {_count(left_out, 'bad row')} left out (listed above)" if left_out else ""
    print(f"Wrote {shown}: deck '{deck_id}', {_count(len(types), 'card')} ({_per_type(types)})"
          f"{skipped}.", file=out)
    if getattr(args, "with_progress", False):
        _import_history(src, output, result.draft.cards, paths, out)
    print(f"Study it: {_study_hint(output, deck_id, paths)}", file=out)
    return EXIT_OK


def _import_history(src: Path, output: Path, cards: list[CardDraft], paths: Paths,
                    out: TextIO) -> None:
    """`import --with-progress`: the package's review history into the progress file."""
    from briefing_quiz.authoring.apkg import read_apkg
    from briefing_quiz.authoring.apkg_progress import import_history
    from briefing_quiz.config import load_config
    from briefing_quiz.core.deckfile import load_deck

    deck = load_deck(output)
    settings = load_config(paths.config_file).for_deck(deck.id)
    done = import_history(read_apkg(src), cards, deck, paths.data_file, settings)
    left = f"; {done.skipped} left out (cards not imported)" if done.skipped else ""
    into = one_line(str(paths.data_file))
    print(f"Imported {done.reviews} reviews of {done.items} items into {into}{left}.", file=out)


def run_draft(args: argparse.Namespace, paths: Paths, *, out: TextIO | None = None) -> int:
    """`draft SOURCE -o DECK.toml`: a draft deck from a text or Markdown source."""
    from briefing_quiz.authoring.drafting import write_draft
    from briefing_quiz.authoring.ids import slugify

    out = out or sys.stdout
    src = Path(args.source).expanduser()
    output = Path(args.output).expanduser()
    force = bool(getattr(args, "force", False))
    shown = one_line(str(output))
    if output.suffix != ".toml":
        raise BriefingQuizError(f"{shown}: deck files end in .toml (try -o {shown}.toml)")
    if output.exists() and not force:
        raise BriefingQuizError(f"{shown}: already exists; choose another name, or add --force "
                                "to replace it")
    deck_id = args.deck_id or slugify(output.stem)
    if not deck_id:
        raise BriefingQuizError(f"no deck id can be made from '{one_line(output.name)}'; give --id")
    _refuse_taken_id(deck_id, output, paths, "--id")
    drafted = write_draft(src, output, deck_id=deck_id, title=args.title, force=force)
    types = [str(c.get("type")) for c in drafted.draft.cards]
    print(f"Wrote {shown}: DRAFT deck '{deck_id}', {len(types)} cards ({_per_type(types)}) for "
          f"{drafted.carded_sentences} of {drafted.fact_sentences} sentences with a number, a "
          "date or a name.", file=out)
    print(f"Review it in your editor: {_quote(str(output))} (every card is tagged 'draft')",
          file=out)
    print(f"Check it as you edit:     briefing-quiz check --watch {_quote(str(output))}", file=out)
    print(f"See what is left:         briefing-quiz coverage {_quote(str(output))}", file=out)
    print(f"Study it:                 {_study_hint(output, deck_id, paths)}", file=out)
    return EXIT_OK


def run_export(args: argparse.Namespace, paths: Paths, *, out: TextIO | None = None,
               clock: Callable[[], dt.datetime] = utc_now) -> int:
    from briefing_quiz.authoring.exporters import export_deck, export_format, find_deck

    out = out or sys.stdout
    output = Path(args.output).expanduser()
    fmt = export_format(output, args.format)
    deck = find_deck(args.deck_id, paths.deck_dirs)
    count = export_deck(deck, output, fmt=fmt, force=bool(getattr(args, "force", False)),
                        clock=clock)
    shown = one_line(str(output))
    if fmt == "apkg":
        print(f"Wrote {shown}: deck '{deck.id}' as {_count(count, 'Anki note')}. In Anki: "
              "File > Import. Importing a later export updates these notes.", file=out)
    else:
        print(f"Wrote {shown}: deck '{deck.id}' as {_count(count, 'CSV row')}.", file=out)
    return EXIT_OK


def run_watch(args: argparse.Namespace, paths: Paths, *, out: TextIO | None = None) -> int:
    from briefing_quiz.authoring.watch import watch

    targets = [Path(p).expanduser() for p in args.paths] or list(paths.deck_dirs)
    return watch(targets, out=out or sys.stdout, clock=local_now)
