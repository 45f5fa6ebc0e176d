"""`briefing-quiz check --watch`: re-validate deck files whenever they change, until Ctrl-C.

Polling (size, modification time and inode of every deck file, every half second) needs no new
dependency and works on every file system, network shares included. A change is checked once the
files have stayed the same for one more poll, so an editor that writes a file in two steps does not
produce a burst of errors about a half-written file.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from briefing_quiz.core.visible import one_line
from briefing_quiz.services.checking import deck_summary
from briefing_quiz.services.evidence import check_evidence
from briefing_quiz.services.gc_policy import paused_collector

__all__ = ["check_files", "snapshot", "watch"]

Snapshot = dict[Path, tuple[int, int, int]]


def snapshot(targets: Sequence[Path]) -> Snapshot:
    """(size, mtime in ns, inode) of every deck file under `targets` (files or folders)."""
    from briefing_quiz.core.deckfile import find_deck_files

    out: Snapshot = {}
    for path in find_deck_files(targets):
        try:
            info = os.stat(path)
        except OSError:
            continue  # removed between listing and stat: the next poll sees it gone
        out[path] = (info.st_size, info.st_mtime_ns, info.st_ino)
    return out


def check_files(files: Sequence[Path]) -> dict[Path, list[str]]:
    """The report lines of each file: an OK line, or one line per problem (`PATH:LINE:COL: ...`)."""
    from briefing_quiz.core.deckfile import load_decks

    with paused_collector():
        loaded = load_decks(files)
    report: dict[Path, list[str]] = {}
    for deck in loaded.decks:
        if deck.path is not None:
            found = check_evidence(deck)  # quotes against `[deck.source] file`, as `check` does
            report[deck.path] = ([str(p) for p in found.errors] if found.errors else
                                 [deck_summary(deck, deck.path),
                                  *(f"warning: {note}" for note in found.notes)])
    for failure in loaded.failures:
        paths = [p.path for p in failure.problems if p.path is not None]
        if paths:
            report[paths[0]] = [str(p) for p in failure.problems]
    return report


def watch(
    targets: Sequence[Path],
    *,
    out: TextIO,
    sleep: Callable[[float], None] = time.sleep,
    interval: float = 0.5,
    polls: int | None = None,
    stop: Callable[[], bool] | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> int:
    """Check the decks under `targets` now and after every change; returns 0 when stopped.

    Stops after `polls` polls or when `stop()` is true (tests), or on Ctrl-C (quietly). Only the
    files that changed, or whose result changed (e.g. a duplicate deck id elsewhere was fixed), are
    reported again.
    """
    shown = ", ".join(one_line(str(t)) for t in targets) or "nothing"
    checked: Snapshot | None = None
    previous: Snapshot | None = None
    last_report: dict[Path, list[str]] = {}
    count = 0
    try:
        print(f"Watching deck files in {shown}; press Ctrl-C to stop.", file=out, flush=True)
        while True:
            current = snapshot(targets)
            # Check at start, then once a change has held still for one poll.
            if checked is None or (current != checked and current == previous):
                last_report = _report(current, checked, last_report, out, clock)
                checked = current
            previous = current
            count += 1
            if (polls is not None and count >= polls) or (stop is not None and stop()):
                return 0
            sleep(interval)
    except KeyboardInterrupt:
        return 0


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _report(current: Snapshot, before: Snapshot | None, last: dict[Path, list[str]],
            out: TextIO, clock: Callable[[], dt.datetime] | None) -> dict[Path, list[str]]:
    report = check_files(list(current))
    lines: list[str] = []
    for path in sorted(set(before or ()) - set(current)):
        lines.append(f"{one_line(str(path))}: removed")
    for path in sorted(report):
        changed = before is None or before.get(path) != current.get(path)
        if changed or report[path] != last.get(path):
            lines.extend(report[path])
    failed = [r for r in report.values() if not r[0].startswith("OK ")]
    problems = sum(len(r) for r in failed)
    stamp = f"[{clock().strftime('%H:%M:%S')}] " if clock is not None else ""
    if not current:
        summary = "no deck files (*.toml) found yet"
    elif failed:
        summary = _plural(problems, "problem")
        if len(report) > 1:
            summary += f" in {len(failed)} of {len(report)} deck files"
    else:
        summary = f"all {len(report)} deck files OK" if len(report) > 1 else "OK"
    for line in lines:
        print(line, file=out)
    print(f"{stamp}{summary}", file=out, flush=True)
    return report
