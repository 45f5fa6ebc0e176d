"""Command line: argument parsing and the non-interactive commands.

Heavy imports (textual) happen only inside the command that needs them, so `check`, `stats` and
`--help` start fast. Every user-facing failure is one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from briefing_quiz import __version__
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.paths import Paths

if TYPE_CHECKING:  # annotations only: the commands import what they use when they run
    from datetime import datetime

    from briefing_quiz.config import Config
    from briefing_quiz.core.model import Deck
    from briefing_quiz.core.study.readiness import Readiness

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

Command = Callable[[argparse.Namespace, Paths], int]


def _common_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Options accepted both before and after the command name.

    On sub-parsers the defaults are SUPPRESS so that a value given before the command is not
    overwritten by the sub-parser's default.
    """
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--data", metavar="PATH", default=default,
        help="progress file (default: progress.sqlite3 in the user data folder; env BRIEFING_QUIZ_DATA)",
    )
    parser.add_argument(
        "--decks", metavar="DIR", action="append", default=[] if top else argparse.SUPPRESS,
        help="also load the decks in DIR (repeatable; env BRIEFING_QUIZ_DECKS, a path list)",
    )
    parser.add_argument(
        "--config", metavar="PATH", default=default,
        help="settings file (default: config.toml in the user config folder; env BRIEFING_QUIZ_CONFIG)",
    )


def _percent(text: str) -> float:
    """'90' or '90%' -> 0.9, for --threshold."""
    try:
        value = float(text.strip().removesuffix("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage such as 90") from None
    if not 1.0 <= value <= 100.0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a percentage from 1 to 100, such as 90")
    return value / 100.0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing-quiz",
        description="Study question decks with spaced repetition, and be ready on the day of your briefing.",
        epilog="With no command, opens the app. 'briefing-quiz COMMAND --help' describes each command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _common_options(p, top=False)
        return p

    p = add("check", "validate deck files and list every problem with file and line")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="deck files or folders (default: every deck found)")
    p.add_argument("--watch", action="store_true",
                   help="check again whenever a deck file changes, until Ctrl-C")

    p = add("study", "study due cards (the app, or --plain for a line-by-line session)")
    p.add_argument("deck_ids", nargs="*", metavar="DECK", help="deck ids to study (default: all)")
    p.add_argument("--plain", action="store_true",
                   help="plain text session on stdin/stdout, no full-screen app")
    p.add_argument("--seed", type=int, metavar="N",
                   help="shuffle choices and order items with seed N (default: a new one each time)")
    p.add_argument("--briefing", action="store_true",
                   help="study what most raises recall at the deck's briefing time (see 'brief')")
    p.add_argument("--test", type=int, metavar="N",
                   help="a mock test of N auto-checked questions; does not change scheduling")
    p.add_argument("--threshold", type=_percent, metavar="PCT",
                   help="with --briefing: stop when readiness reaches PCT percent (default 90)")

    p = add("stats", "progress per deck")
    p.add_argument("--deck", metavar="ID", help="only this deck")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = add("log", "the review log as JSON lines, oldest first")
    p.add_argument("--deck", metavar="ID", help="only this deck")
    p.add_argument("--json", action="store_true",
                   help="JSON lines (the default; kept for symmetry with stats)")

    add("rebuild", "recompute every card's state from the review log")

    p = add("brief", "set, show or clear the time of a deck's briefing")
    p.add_argument("deck_id", metavar="DECK", help="deck id")
    p.add_argument("--at", metavar="TIME", help='local date and time, e.g. "2026-12-03 14:00"')
    p.add_argument("--clear", action="store_true", help="remove the briefing time")

    p = add("sheet", "print a deck's facts, weakest first, for reading before the briefing")
    p.add_argument("deck_id", metavar="DECK", help="deck id")
    p.add_argument("--format", choices=["md", "txt"], default="md", help="output format (default: md)")

    p = add("new", "write a new deck skeleton with an example of every card type")
    p.add_argument("path", metavar="PATH", help="the deck file to create (never overwritten)")
    p.add_argument("--id", dest="deck_id", metavar="ID", help="deck id (default: from the file name)")
    p.add_argument("--title", metavar="TITLE", help="deck title")

    p = add("import", "convert a CSV/TSV file or an Anki plain-text export into a deck")
    p.add_argument("file", metavar="FILE", help="the file to import")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="the deck file to write")
    p.add_argument("--deck-id", metavar="ID", help="deck id (default: from the output file name)")
    p.add_argument("--title", metavar="TITLE", help="deck title")
    p.add_argument("--partial", action="store_true", help="write the good rows and list the bad ones")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")

    p = add("export", "export a deck to an Anki package (.apkg) or CSV")
    p.add_argument("deck_id", metavar="DECK", help="deck id")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write")
    p.add_argument("--format", choices=["apkg", "csv"], help="default: from the file extension")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    return parser


def _app() -> Callable[..., int]:
    """The app's `run_app`, imported only by the commands that open the app (textual is heavy).

    The cyclic garbage collector is paused from here until the app's first deck load resumes it
    (`ui.backend`): importing Textual and starting the app allocate a lot and free little, and
    the collections that found nothing to free took ~6% of the imports' time.
    """
    import gc

    gc.disable()
    from briefing_quiz.ui.app import run_app

    return run_app


def _cmd_app(args: argparse.Namespace, paths: Paths) -> int:
    return _app()(paths)


def _cmd_check(args: argparse.Namespace, paths: Paths) -> int:
    if getattr(args, "watch", False):
        from briefing_quiz.authoring.cli import run_watch

        return run_watch(args, paths)
    from pathlib import Path

    from briefing_quiz.authoring.watch import deck_summary
    from briefing_quiz.core.deckfile import find_deck_files, load_decks
    from briefing_quiz.core.errors import DeckError, Problem

    # A named path that does not exist, or a folder without decks, is a problem of that path
    # (exit 1), reported in its place among the others.
    early: dict[Path, DeckError] = {}
    files: list[Path] = []
    if args.paths:
        for target in (Path(p).expanduser() for p in args.paths):
            if target.is_dir():
                found = find_deck_files([target])
                files.extend(found)
                if not found:
                    message = "no deck files (*.toml) in this folder"
                    early[target] = DeckError([Problem(target, message)])
                    files.append(target)
            elif not target.exists() and not target.is_symlink():
                early[target] = DeckError([Problem(target, "no such file or folder")])
                files.append(target)
            else:
                files.append(target)
    else:
        files = find_deck_files(paths.deck_dirs)
        if not files:
            searched = ", ".join(str(d) for d in paths.deck_dirs) or "nowhere"
            print(f"no deck files (*.toml) found; searched: {searched}")
            return EXIT_PROBLEMS
    loaded = load_decks(f for f in files if f not in early)
    decks = {deck.path: deck for deck in loaded.decks}
    failures = dict(early)
    failures.update((error.problems[0].path, error) for error in loaded.failures
                    if error.problems and error.problems[0].path is not None)
    seen: set[str] = set()
    checked = problems = failed = cards = 0
    for path in files:
        real = os.path.realpath(path)
        if real in seen:
            continue  # the same file named twice is checked once
        seen.add(real)
        checked += 1
        if path in failures:
            failed += 1
            problems += len(failures[path].problems)
            for problem in failures[path].problems:
                print(problem)
        elif path in decks:
            cards += len(decks[path].cards)
            print(deck_summary(decks[path], path))
    noun = "deck" if checked == 1 else "decks"
    if failed:
        verb = "has" if failed == 1 else "have"
        plural = "" if problems == 1 else "s"
        print(f"{failed} of {checked} {noun} {verb} errors ({problems} problem{plural})")
        return EXIT_PROBLEMS
    print(f"{checked} {noun}, {cards} card{'' if cards == 1 else 's'}: OK")
    return EXIT_OK


def _cmd_study(args: argparse.Namespace, paths: Paths) -> int:
    briefing, test = bool(getattr(args, "briefing", False)), getattr(args, "test", None)
    if briefing and test is not None:
        raise BriefingQuizError("choose one of --briefing and --test")
    if getattr(args, "threshold", None) is not None and not briefing:
        raise BriefingQuizError("--threshold applies to a briefing session: add --briefing")
    if (briefing or test is not None) and not args.plain:
        what = "--briefing" if briefing else "--test"
        if test is not None and test < 1:
            raise BriefingQuizError(f"a mock test needs at least one question, not {test}")
        # One id named: the app loads the decks (not twice) and says so if it is not among them.
        # Otherwise the decks are read here, to name them (or to take the only one).
        deck_id = (args.deck_ids[0] if len(set(args.deck_ids)) == 1
                   else _one_deck(paths, args.deck_ids, what)[1].id)
        run_app = _app()
        if test is not None:
            return run_app(paths, mock_test=(deck_id, test))
        return run_app(paths, briefing=deck_id, threshold=args.threshold)
    if not args.plain:
        return _app()(paths)
    if briefing or test is not None:
        return _study_briefing(args, paths, test)
    import random

    from briefing_quiz.core.progress.store import Store
    from briefing_quiz.core.study.session import StudySession
    from briefing_quiz.plain import load_study_inputs, local_zone, run_plain, system_clock

    config, decks = load_study_inputs(paths, args.deck_ids, sys.stderr)
    if not decks:
        raise BriefingQuizError("no decks to study (add some with --decks DIR)")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    with Store.open(paths.data_file) as store:
        session = StudySession(decks, store, config, clock=system_clock,
                               tz=local_zone(system_clock()), seed=seed)
        return run_plain(session, sys.stdin, sys.stdout)


def _one_deck(paths: Paths, deck_ids: Sequence[str], what: str) -> tuple[Config, Deck]:
    """The settings and the one deck a briefing command works on (an unknown id: an error naming
    the known ones)."""
    from briefing_quiz.plain import load_study_inputs

    config, decks = load_study_inputs(paths, deck_ids, sys.stderr)
    if len(decks) != 1:
        known = ", ".join(sorted(d.id for d in decks)) or "none"
        raise BriefingQuizError(f"{what} works on one deck: name it (decks: {known})")
    return config, decks[0]


def _study_briefing(args: argparse.Namespace, paths: Paths, test: int | None) -> int:
    """`study DECK --briefing --plain` and `study DECK --test N --plain`."""
    import random

    from briefing_quiz.core.progress.store import Store
    from briefing_quiz.core.study.briefing_session import BriefingSession
    from briefing_quiz.core.study.mock_test import MockTest
    from briefing_quiz.core.study.readiness import DEFAULT_THRESHOLD
    from briefing_quiz.plain import run_mock_test, run_plain, system_clock

    config, deck = _one_deck(paths, args.deck_ids, "--test" if test is not None else "--briefing")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    with Store.open(paths.data_file) as store:
        if test is not None:
            mock = MockTest(deck, store, test, clock=system_clock, seed=seed)
            return run_mock_test(mock, sys.stdin, sys.stdout)
        threshold = args.threshold if args.threshold is not None else DEFAULT_THRESHOLD
        # tz None: the machine's zone, with the summer-time rule of each date shown.
        session = BriefingSession(deck, store, config, clock=system_clock, tz=None, seed=seed,
                                  threshold=threshold)
        return run_plain(session, sys.stdin, sys.stdout)


def _cmd_stats(args: argparse.Namespace, paths: Paths) -> int:
    import json

    from briefing_quiz.core.progress.store import NoProgressError, Store
    from briefing_quiz.core.study.statistics import collect_stats
    from briefing_quiz.plain import load_study_inputs, local_zone, system_clock

    config, decks = load_study_inputs(paths, (), sys.stderr)
    now = system_clock()
    try:
        store: Store | None = Store.open(paths.data_file, readonly=True)
    except NoProgressError:
        store = None  # a read-only command never creates the file
        print(f"briefing-quiz: no progress yet ({paths.data_file} does not exist)",
              file=sys.stderr)
    try:
        if args.deck and store is not None and args.deck not in {d.id for d in decks} | set(
                store.deck_ids()):
            raise BriefingQuizError(f"no deck with id {args.deck!r} and no progress for it")
        if args.deck and store is None and args.deck not in {d.id for d in decks}:
            raise BriefingQuizError(f"no deck with id {args.deck!r}")
        report = collect_stats(decks, store, config, now=now, tz=local_zone(now),
                               deck_id=args.deck)
    finally:
        if store is not None:
            store.close()
    if args.json:
        print(json.dumps({
            "data_file": str(paths.data_file), "progress": store is not None,
            "decks": [d.to_json() for d in report.decks],
            "orphaned": [str(k) for k in report.orphaned]}, ensure_ascii=False))
        return EXIT_OK
    for d in report.decks:
        recall = "-" if d.mean_retrievability is None else f"{d.mean_retrievability:.0%}"
        print(f"{d.deck_id}  {d.title}\n"
              f"  cards {d.cards}  items {d.items}  new {d.new}  learning {d.learning}  "
              f"review {d.review}  suspended {d.suspended}\n"
              f"  due now {d.due_now}  leeches {d.leeches}  reviews today {d.reviews_today}  "
              f"recall now {recall}")
        if d.briefing_at is not None:
            print(f"  {_briefing_line(d.briefing_at, d.readiness, now)}")
    if report.orphaned:
        shown = ", ".join(str(k) for k in report.orphaned[:10])
        more = f" and {len(report.orphaned) - 10} more" if len(report.orphaned) > 10 else ""
        print(f"orphaned items (progress kept, card no longer in a deck): "
              f"{len(report.orphaned)}: {shown}{more}")
    if not report.decks and not report.orphaned:
        print("no decks")
    return EXIT_OK


def _cmd_log(args: argparse.Namespace, paths: Paths) -> int:
    import json

    from briefing_quiz.core.progress.store import NoProgressError, Store

    try:
        store = Store.open(paths.data_file, readonly=True)
    except NoProgressError:
        print(f"briefing-quiz: no progress yet ({paths.data_file} does not exist)",
              file=sys.stderr)
        return EXIT_OK
    with store:
        for record in store.reviews(args.deck):
            sys.stdout.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")
    return EXIT_OK


def _cmd_rebuild(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.core.errors import StoreError
    from briefing_quiz.core.progress.store import NoProgressError, Store

    try:
        store = Store.open(paths.data_file, create=False)
    except NoProgressError:
        print(f"briefing-quiz: no progress yet ({paths.data_file} does not exist); "
              "nothing to rebuild", file=sys.stderr)
        return EXIT_OK
    with store:
        check = store.integrity_check()
        if check != "ok":
            raise StoreError(f"{paths.data_file} is damaged ({check.splitlines()[0]}); "
                             "restore a backup before rebuilding")
        before = store.states()
        count = store.rebuild()
        after = store.states()
        differed = sum(1 for key in before.keys() | after.keys()
                       if before.get(key) != after.get(key))
        reviews = sum(1 for _ in store.reviews())
    print(f"rebuilt {count} items from {reviews} reviews in {paths.data_file}; "
          f"{differed} differed from the stored state")
    return EXIT_OK


def _briefing_line(at: datetime, ready: Readiness | None, now: datetime) -> str:
    """'briefing in 2d 3h: readiness 64% — weakest: diplomacy 31%, figures 40%' (stats)."""
    from briefing_quiz.core.study.formatting import format_countdown, format_local

    if at <= now or ready is None:
        return (f"briefing {format_local(at)} has passed ({format_countdown(at - now, short=True)} "
                "ago)")
    weakest = ", ".join(f"{tag} {math.floor(value * 100 + 1e-9)}%" for tag, value in ready.weakest)
    return (f"briefing in {format_countdown(at - now, short=True)}: readiness {ready.percent}%"
            + (f" — weakest: {weakest}" if weakest else ""))


def _cmd_brief(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.core.progress.store import NoProgressError, Store
    from briefing_quiz.core.study.briefing_session import briefing_status, set_briefing
    from briefing_quiz.core.study.formatting import format_local
    from briefing_quiz.plain import system_clock

    if args.at is not None and args.clear:
        raise BriefingQuizError("give either --at TIME or --clear, not both")
    config, deck = _one_deck(paths, [args.deck_id], "brief")
    now = system_clock()
    how = f'briefing-quiz brief {deck.id} --at "YYYY-MM-DD HH:MM"'
    if args.clear:
        try:
            store = Store.open(paths.data_file, create=False)
        except NoProgressError:
            print(f"{deck.id}: no briefing time was set")
            return EXIT_OK
        with store:
            cleared = store.clear_briefing_target(deck.id)
        print(f"{deck.id}: briefing time cleared" if cleared
              else f"{deck.id}: no briefing time was set")
        return EXIT_OK
    if args.at is not None:
        with Store.open(paths.data_file) as store:
            set_briefing(store, deck.id, args.at, now=now)  # local time of this machine
            status = briefing_status(deck, store, config, now=now)
    else:
        try:
            store = Store.open(paths.data_file, readonly=True)
        except NoProgressError:
            status = None
        else:
            with store:
                status = briefing_status(deck, store, config, now=now)
    if status is None:
        print(f"{deck.id}: no briefing time set; set one with: {how}")
        return EXIT_OK
    verb = "set to" if args.at is not None else "at"
    print(f"{deck.id}: briefing {verb} {format_local(status.at)} ({status.countdown()})")
    if status.readiness is None:
        print(f"the briefing time has passed: set a new one with {how}")
        return EXIT_OK
    ready = status.readiness
    weakest = ", ".join(f"{tag} {math.floor(value * 100 + 1e-9)}%" for tag, value in ready.weakest)
    print(f"readiness {ready.percent}% ({ready.items} items)"
          + (f" — weakest: {weakest}" if weakest else ""))
    return EXIT_OK


def _cmd_sheet(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.core.progress.store import NoProgressError, Store
    from briefing_quiz.core.study.sheet import build_sheet
    from briefing_quiz.plain import system_clock

    config, deck = _one_deck(paths, [args.deck_id], "sheet")
    try:
        store: Store | None = Store.open(paths.data_file, readonly=True)
    except NoProgressError:
        store = None  # nothing studied yet: every fact is shown as new
    try:
        text = build_sheet(deck, store, config, now=system_clock(), fmt=args.format)
    finally:
        if store is not None:
            store.close()
    sys.stdout.write(text)
    return EXIT_OK


def _cmd_new(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.authoring.cli import run_new

    return run_new(args, paths)


def _cmd_import(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.authoring.cli import run_import

    return run_import(args, paths)


def _cmd_export(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.authoring.cli import run_export

    return run_export(args, paths)


COMMANDS: dict[str | None, Command] = {
    None: _cmd_app,
    "check": _cmd_check,
    "study": _cmd_study,
    "stats": _cmd_stats,
    "log": _cmd_log,
    "rebuild": _cmd_rebuild,
    "brief": _cmd_brief,
    "sheet": _cmd_sheet,
    "new": _cmd_new,
    "import": _cmd_import,
    "export": _cmd_export,
}


_COMMON = ("--data", "--decks", "--config")


def _app_options(argv: Sequence[str]) -> argparse.Namespace | None:
    """What the full parser would make of `argv` when it holds only the common options, each
    spelled out with its value (`briefing-quiz --data F --decks D`: the app's launch); None for
    anything else (a command, help, an abbreviation...), which the full parser handles. Building
    every command's parser takes ~5 ms, at every launch of the app."""
    args = argparse.Namespace(data=None, decks=[], config=None, command=None)
    tokens = iter(argv)
    for token in tokens:
        name, equals, value = token.partition("=")
        if name not in _COMMON:
            return None
        if not equals:
            value = next(tokens, "-")
        if value.startswith("-"):
            return None  # argparse reads it as an option: let it say what is wrong
        if name == "--decks":
            args.decks.append(value)
        else:
            setattr(args, name[2:], value)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _app_options(sys.argv[1:] if argv is None else argv)
    try:
        if args is None:
            args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 for --help
        return int(exit_.code or 0)
    paths = Paths.resolve(data=args.data, decks=args.decks, config=args.config)
    try:
        return COMMANDS[args.command](args, paths)
    except BriefingQuizError as error:
        print(f"briefing-quiz: error: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `briefing-quiz log | head`: the reader went away; nothing was lost.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:  # last resort: a bug must still not print a traceback at the user
        if os.environ.get("BRIEFING_QUIZ_DEBUG"):
            raise
        print(
            f"briefing-quiz: internal error: {type(error).__name__}: {error}\n"
            "Answers already reported as saved are safe. Set BRIEFING_QUIZ_DEBUG=1 for details.",
            file=sys.stderr,
        )
        return 70
