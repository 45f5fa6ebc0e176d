"""Command line: argument parsing; each command calls the application layer (`services`), the
app (`ui.app.run_app`) or plain mode's loop (`plain`).

Heavy imports (textual) happen only inside the command that needs them, so `check`, `stats` and
`--help` start fast. Every user-facing failure is one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from briefing_quiz import __version__
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.paths import Paths
from briefing_quiz.services.exit_codes import EXIT_OK, EXIT_PROBLEMS
from briefing_quiz.services.terminal import error_text, raw_stream, visible_output

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


# Examples shown at the end of each command's --help (clig.dev: lead with examples).
EXAMPLES: dict[str, str] = {
    "check": "  briefing-quiz check\n  briefing-quiz check decks/mine.toml\n"
             "  briefing-quiz check --lint --strict decks/mine.toml\n"
             "  briefing-quiz check --json --lint decks/\n"
             "  briefing-quiz check --watch decks/",
    "study": "  briefing-quiz study feb2022\n  briefing-quiz study --plain\n"
             "  briefing-quiz study --tag people\n  briefing-quiz study --search NATO --cram\n"
             "  briefing-quiz study feb2022 --briefing --plain\n"
             "  briefing-quiz study feb2022 --test 10",
    "stats": "  briefing-quiz stats\n  briefing-quiz stats --deck feb2022 --json",
    "log": "  briefing-quiz log --deck feb2022 | tail -5",
    "rebuild": "  briefing-quiz rebuild",
    "brief": "  briefing-quiz brief feb2022\n  briefing-quiz brief feb2022 --at \"thu 14:00\"\n"
             "  briefing-quiz brief feb2022 --at \"2026-12-03 14:00\" --json\n"
             "  briefing-quiz brief feb2022 --clear",
    "sheet": "  briefing-quiz sheet feb2022 > sheet.md\n  briefing-quiz sheet feb2022 --format txt\n"
             "  briefing-quiz sheet feb2022 --json",
    "new": "  briefing-quiz new decks/mine.toml --title \"My briefing\"",
    "import": "  briefing-quiz import cards.csv -o decks/cards.toml\n"
              "  briefing-quiz import anki.txt -o decks/anki.toml --partial\n"
              "  briefing-quiz import shared.apkg -o decks/shared.toml --with-progress",
    "export": "  briefing-quiz export feb2022 -o feb2022.apkg\n"
              "  briefing-quiz export feb2022 -o feb2022.csv",
    "draft": "  briefing-quiz draft memo.md -o decks/memo.toml --title \"Tuesday's memo\"",
    "coverage": "  briefing-quiz coverage decks/memo.toml\n  briefing-quiz coverage memo --json",
    "optimize": "  briefing-quiz optimize\n  briefing-quiz optimize --deck feb2022 --apply",
    "completion": "  briefing-quiz completion bash >> ~/.bashrc\n"
                  "  briefing-quiz completion zsh > ~/.zfunc/_briefing-quiz\n"
                  "  briefing-quiz completion fish > ~/.config/fish/completions/briefing-quiz.fish",
}


class _Parser(argparse.ArgumentParser):
    """argparse, with "did you mean" after a misspelt command or choice."""

    def error(self, message: str) -> Any:  # argparse's own signature returns NoReturn
        import re

        from briefing_quiz.services.suggest import did_you_mean

        match = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if match is not None:
            choices = re.findall(r"'([^']*)'", match[2]) or match[2].split(", ")
            message += did_you_mean(match[1], choices)
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="briefing-quiz",
        description="Study question decks with spaced repetition, and be ready on the day of your briefing.",
        epilog="With no command, opens the app. 'briefing-quiz COMMAND --help' describes each command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        examples = EXAMPLES.get(name)
        p = sub.add_parser(name, help=help_text, description=help_text,
                           epilog=f"examples:\n{examples}" if examples else None,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        _common_options(p, top=False)
        return p

    p = add("check", "validate deck files and list every problem with file and line")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="deck files or folders (default: every deck found)")
    p.add_argument("--watch", action="store_true",
                   help="check again whenever a deck file changes, until Ctrl-C")
    p.add_argument("--lint", action="store_true",
                   help="also list item-writing flaws (warnings; see docs/authoring.md)")
    p.add_argument("--strict", action="store_true",
                   help="like --lint, and fail (exit 1) when there is any warning")
    p.add_argument("--json", action="store_true",
                   help="one JSON object: problems and warnings with file, line, col, severity, "
                        "rule, message and card id")

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
    p.add_argument("--tag", metavar="TAG",
                   help="custom study: the cards with this tag, due or not (scheduled as usual)")
    p.add_argument("--search", metavar="TEXT",
                   help="custom study: the cards containing TEXT, due or not")
    p.add_argument("--cram", action="store_true",
                   help="with --tag/--search (or alone: every card): self-graded, nothing "
                        "scheduled or saved; Again brings a card back until known")

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
    p.add_argument("--at", metavar="TIME", help='local date and time, e.g. "2026-12-03 14:00", '
                   '"tomorrow 9:00", "thu 14:00", "in 3 days 10am"')
    p.add_argument("--clear", action="store_true", help="remove the briefing time")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = add("sheet", "print a deck's facts, weakest first, for reading before the briefing")
    p.add_argument("deck_id", metavar="DECK", help="deck id")
    p.add_argument("--format", choices=["md", "txt"], default="md", help="output format (default: md)")
    p.add_argument("--json", action="store_true", help="the facts as JSON, weakest first")

    p = add("optimize", "fit FSRS parameters to your own reviews (and --apply them)")
    p.add_argument("--deck", metavar="ID", help="only this deck's reviews, written to [decks.ID]")
    p.add_argument("--apply", action="store_true",
                   help="when they do better: fit them again on the whole log, write them "
                        "into the config file and recompute the memory states")

    p = add("new", "write a new deck skeleton with an example of every card type")
    p.add_argument("path", metavar="PATH", help="the deck file to create (replaced only with --force)")
    p.add_argument("--id", dest="deck_id", metavar="ID", help="deck id (default: from the file name)")
    p.add_argument("--title", metavar="TITLE", help="deck title")
    p.add_argument("--force", action="store_true", help="replace PATH if it is a file")

    p = add("import", "convert a CSV/TSV file, an Anki plain-text export or an Anki package "
                      "(.apkg, .colpkg) into a deck")
    p.add_argument("file", metavar="FILE", help="the file to import")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="the deck file to write")
    p.add_argument("--deck-id", metavar="ID", help="deck id (default: from the output file name)")
    p.add_argument("--title", metavar="TITLE", help="deck title")
    p.add_argument("--partial", action="store_true", help="write the good rows and list the bad ones")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.add_argument("--with-progress", action="store_true",
                   help="an Anki package: bring its review history into the progress file too")

    p = add("export", "export a deck to an Anki package (.apkg) or CSV")
    p.add_argument("deck_id", metavar="DECK", help="deck id")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write")
    p.add_argument("--format", choices=["apkg", "csv"], help="default: from the file extension")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")

    p = add("draft", "draft a deck from a text or Markdown source, offline, for you to review")
    p.add_argument("source", metavar="SOURCE", help="the source text (.txt or .md)")
    p.add_argument("-o", "--output", required=True, metavar="DECK", help="the deck file to write")
    p.add_argument("--id", dest="deck_id", metavar="ID", help="deck id (default: from the file name)")
    p.add_argument("--title", metavar="TITLE", help="deck title (default: the first heading)")
    p.add_argument("--force", action="store_true", help="replace DECK if it exists")

    p = add("coverage", "which sentences of a deck's source file its cards quote, and the facts of the rest")
    p.add_argument("deck", metavar="DECK", help="deck id or deck file")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = add("completion", "print the shell completion script for bash, zsh or fish")
    p.add_argument("shell", choices=["bash", "zsh", "fish"], help="the shell")
    return parser


def _app() -> Callable[..., int]:
    """The app's `run_app`, imported only by the commands that open the app (textual is heavy).

    The cyclic garbage collector is paused from here until the app's first deck load resumes it
    (`services.gc_policy`); the returned callable also resumes it when the app ends, so no
    failure before that load leaves it off.
    """
    from briefing_quiz.services import gc_policy

    gc_policy.pause_for_start_up()
    try:
        from briefing_quiz.ui.app import run_app
    except BaseException:
        gc_policy.resume_after_start_up()
        raise

    def run(*args: Any, **kwargs: Any) -> int:
        # The app writes its own escape sequences: it gets the streams under the command line's
        # filter (its widgets clean deck text themselves).
        streams = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = raw_stream(sys.stdout), raw_stream(sys.stderr)
        try:
            return run_app(*args, **kwargs)
        finally:
            sys.stdout, sys.stderr = streams
            gc_policy.resume_after_start_up()

    return run


def _cmd_app(args: argparse.Namespace, paths: Paths) -> int:
    return _app()(paths)


def _cmd_check(args: argparse.Namespace, paths: Paths) -> int:
    if getattr(args, "watch", False):
        if getattr(args, "json", False):
            raise BriefingQuizError("--json gives one report and --watch goes on reporting: "
                                    "use one of them")
        from briefing_quiz.authoring.cli import run_watch

        return run_watch(args, paths)
    from briefing_quiz.services.checking import check_decks

    return check_decks(args.paths, paths.deck_dirs, out=sys.stdout,
                       lint=getattr(args, "lint", False), strict=getattr(args, "strict", False),
                       as_json=getattr(args, "json", False))


def _custom(args: argparse.Namespace) -> Any:
    """`study --tag/--search/--cram`: (filter, cram), or None for an ordinary session."""
    tag, search = getattr(args, "tag", None), getattr(args, "search", None)
    cram = getattr(args, "cram", False)
    if not (tag or search or cram):
        return None
    if getattr(args, "briefing", False) or getattr(args, "test", None) is not None:
        raise BriefingQuizError("--tag, --search and --cram make a custom session: not with "
                                "--briefing or --test")
    from briefing_quiz.core.study.custom import CustomFilter

    return CustomFilter(tag=tag or None, search=search or None), cram


def _cmd_study(args: argparse.Namespace, paths: Paths) -> int:
    custom = _custom(args)
    if custom is not None:
        if not args.plain:
            return _app()(paths, custom=(args.deck_ids or None, *custom))
        from briefing_quiz import plain
        from briefing_quiz.services import study

        with study.opened_session(paths, args.deck_ids, seed=args.seed, stderr=sys.stderr,
                                  custom=custom) as session:
            return plain.run_plain(session, sys.stdin, sys.stdout)
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
        if len(set(args.deck_ids)) == 1:
            deck_id = args.deck_ids[0]
        else:
            from briefing_quiz.services.study_inputs import one_deck

            deck_id = one_deck(paths, args.deck_ids, what, sys.stderr)[1].id
        run_app = _app()
        if test is not None:
            return run_app(paths, mock_test=(deck_id, test))
        return run_app(paths, briefing=deck_id, threshold=args.threshold)
    if not args.plain:
        if args.deck_ids:  # `study DECK`: that deck, in the app; an unknown id is an error here
            from briefing_quiz.services.study_inputs import require_deck_ids

            require_deck_ids(paths, args.deck_ids, sys.stderr)
            return _app()(paths, study=args.deck_ids)
        return _app()(paths)
    from briefing_quiz import plain
    from briefing_quiz.plain.mock_test import run_mock_test
    from briefing_quiz.services import study

    if hasattr(sys.stdin, "reconfigure"):  # bytes that are not UTF-8: an error line, not a crash
        sys.stdin.reconfigure(errors="surrogateescape")

    if test is not None:
        with study.opened_mock_test(paths, args.deck_ids, test, seed=args.seed,
                                    stderr=sys.stderr) as mock:
            return run_mock_test(mock, sys.stdin, sys.stdout)
    if briefing:
        with study.opened_briefing_session(paths, args.deck_ids, seed=args.seed,
                                           threshold=args.threshold, stderr=sys.stderr) as session:
            return plain.run_plain(session, sys.stdin, sys.stdout)
    with study.opened_session(paths, args.deck_ids, seed=args.seed, stderr=sys.stderr) as session:
        return plain.run_plain(session, sys.stdin, sys.stdout)


def _cmd_stats(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.services import progress

    return progress.stats(paths, args.deck, as_json=args.json, out=sys.stdout, err=sys.stderr)


def _cmd_log(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.services import progress

    return progress.review_log(paths, args.deck, out=sys.stdout, err=sys.stderr)


def _cmd_rebuild(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.services import progress

    return progress.rebuild(paths, out=sys.stdout, err=sys.stderr)


def _cmd_brief(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.services import progress

    return progress.brief(paths, args.deck_id, at=args.at, clear=args.clear, out=sys.stdout,
                          err=sys.stderr, as_json=args.json)


def _cmd_sheet(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.services import progress

    return progress.sheet(paths, args.deck_id, fmt=args.format, out=sys.stdout, err=sys.stderr,
                          as_json=args.json)


def _cmd_optimize(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.services import optimize

    return optimize.optimize(paths, args.deck, apply=args.apply, out=sys.stdout, err=sys.stderr)


def _cmd_new(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.authoring.cli import run_new

    return run_new(args, paths)


def _cmd_import(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.authoring.cli import run_import

    return run_import(args, paths)


def _cmd_draft(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.authoring.cli import run_draft

    return run_draft(args, paths)


def _cmd_coverage(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.authoring.coverage_report import run_coverage

    return run_coverage(args.deck, list(paths.deck_dirs), as_json=args.json, out=sys.stdout)


def _cmd_export(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.authoring.cli import run_export

    return run_export(args, paths)


def _cmd_completion(args: argparse.Namespace, paths: Paths) -> int:
    from briefing_quiz.services.completion import completion_script

    sys.stdout.write(completion_script(args.shell))
    return EXIT_OK


COMMANDS: dict[str | None, Command] = {
    None: _cmd_app,
    "check": _cmd_check,
    "study": _cmd_study,
    "stats": _cmd_stats,
    "log": _cmd_log,
    "rebuild": _cmd_rebuild,
    "brief": _cmd_brief,
    "sheet": _cmd_sheet,
    "optimize": _cmd_optimize,
    "new": _cmd_new,
    "import": _cmd_import,
    "export": _cmd_export,
    "coverage": _cmd_coverage,
    "draft": _cmd_draft,
    "completion": _cmd_completion,
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
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions (services/completion.py)
        from briefing_quiz.services.completion import complete

        complete(build_parser())
    args = _app_options(sys.argv[1:] if argv is None else argv)
    try:
        if args is None:
            args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 for --help
        return int(exit_.code or 0)
    with visible_output():  # deck text and file names never reach the terminal as control bytes
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    paths = Paths.resolve(data=args.data, decks=args.decks, config=args.config)
    if args.command is not None:  # the app says so on its decks screen... or not at all: here
        from briefing_quiz.services.study_inputs import missing_deck_dirs

        missing_deck_dirs(args.decks, sys.stderr)
    try:
        return COMMANDS[args.command](args, paths)
    except BriefingQuizError as error:
        print(f"briefing-quiz: error: {error_text(error)}", file=sys.stderr)
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
