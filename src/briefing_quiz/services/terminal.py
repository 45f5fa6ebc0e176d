"""Every command's output made safe for a terminal, in one place.

The command line prints deck text, titles, sources and file names (check's report, plain mode,
the cheat sheet, statistics, errors). Rather than trusting each print to clean what it prints,
`visible_output()` puts a filter in front of stdout and stderr for the length of a command: every
control character but newline and tab is written as a visible stand-in (`core.visible`). JSON
output is unaffected (json escapes control characters itself; the stand-ins for the others are
valid JSON escapes). The app is not filtered: Textual writes its own escape sequences, and its
widgets clean deck text themselves (`ui.text`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO, cast

from briefing_quiz.core.visible import one_line, visible


class VisibleWriter:
    """A text stream that writes to `raw` with every control character made visible."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(visible(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding, ...
        return getattr(self.raw, name)


@contextmanager
def visible_output() -> Iterator[None]:
    """Filter stdout and stderr (see the module docstring) until the block ends."""
    saved = sys.stdout, sys.stderr
    errors = [_backslash_replace(stream) for stream in saved]
    if sys.stdout is not None:
        sys.stdout = cast(TextIO, VisibleWriter(sys.stdout))
    if sys.stderr is not None:
        sys.stderr = cast(TextIO, VisibleWriter(sys.stderr))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        for stream, old in zip(saved, errors, strict=True):
            if old is not None:
                cast(Any, stream).reconfigure(errors=old)


def _backslash_replace(stream: TextIO | None) -> str | None:
    """Make `stream` write what its encoding cannot (a Latin-1 or ASCII terminal: '—', '␛') as
    a backslash escape instead of failing the command; its previous setting, to restore."""
    old = getattr(stream, "errors", None)
    try:
        cast(Any, stream).reconfigure(errors="backslashreplace")
    except (AttributeError, ValueError, TypeError):
        return None
    return old


def raw_stream(stream: TextIO) -> TextIO:
    """The stream under the filter (for the app, which writes its own escape sequences)."""
    return stream.raw if isinstance(stream, VisibleWriter) else stream


def error_text(error: BaseException) -> str:
    """An error's message for the terminal: one line per problem when it lists problems (each
    made one line by `Problem`), else its message on one line, whatever file or key name it
    quotes (a newline in one could forge a `file:1:1:` line)."""
    problems = getattr(error, "problems", None)
    if isinstance(problems, list) and problems:
        return "\n".join(str(p) for p in problems)
    return one_line(str(error))
