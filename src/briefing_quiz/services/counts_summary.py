"""The decks screen's counts at launch from a summary kept in the parse cache's folder, shown
with the decks listed, before the decks are loaded, the store opened and anything counted.

What it buys: launch to the counts shown on the 10,000-card, 100,000-review workload
(`benchmarks/bench_ui.py --starts`, a pty, alternating on and off): see `benchmarks/README.md`,
"Part 3", for the measured ratios. The full start-up still runs behind it and its counts replace
the summary's, silently: they are the same numbers.

After each count of the decks (`Backend.deck_stats_sync`, at start-up and every recount), once
it is shown, `save` writes one JSON file for the progress file, `counts-<digest of its
path>.json`: per deck its new, learning and due counts and the digest of the deck file's bytes
that were counted (`DeckSummary.digest`'s), and what else the counts depend on: the settings
file's digest (taken before it was read), the progress file's log mark
(`core.progress.log_mark`, read *before* counting: a write during the count makes the mark old,
never the counts), the time zone, the code (the version and the counting modules' files), the
moment counted and the first moment after it at which the counts change other than by a
learning item falling due (the study day's end, a burial's end). Learning items fall due every
second or so on a big collection, so each deck also keeps the due times of those that fall due
before then: each adds one to the due count once passed, as the full count would.

`read` (on the start-up's listing; it imports `sqlite3` and nothing of the core's counting)
gives the counts of the decks whose every key matches now, nothing otherwise. So every write
through `Store` (answer, undo, suspend, bury, flag, forget, set due, memory states, by this
process or another), a deck edit, a settings change, the day's rollover, a change of time zone
and the clock moving back make it miss; `briefing-quiz rebuild` deletes it (`forget`).

How to switch it off: `BRIEFING_QUIZ_NO_COUNTS_SUMMARY=1` (neither read nor written), or
`ENABLED = False`. tests/services/test_counts_summary.py drives random histories and checks that
every count the summary gives equals the full count at that moment (and that it is given).
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import NamedTuple, Protocol

__all__ = ["ENABLED", "Counted", "SummaryCounts", "forget", "read", "save", "settings_digest",
           "summary_file", "to_us", "zone_key"]

ENABLED = os.environ.get("BRIEFING_QUIZ_NO_COUNTS_SUMMARY", "") in ("", "0")

FORMAT = 1
_CAP = 1024 * 1024  # the settings file: as the settings reader's cap
_PACKAGE = Path(__file__).resolve().parent.parent
#: The modules whose code decides the counts: an edited one (a new version) makes a miss.
_COUNTING_CODE = ("core/study/statistics.py", "core/progress/queries.py",
                  "core/progress/derive.py", "core/progress/log_mark.py",
                  "services/counts_summary.py", "core/model.py", "core/cloze.py")


class SummaryCounts(NamedTuple):
    """A deck's counts as the decks screen shows them (`DeckStats`' names)."""

    new: int
    learning: int
    due_now: int


class Counted(Protocol):
    """What `save` needs of one deck's counts (a `DeckStats`)."""

    @property
    def deck_id(self) -> str: ...
    @property
    def new(self) -> int: ...
    @property
    def learning(self) -> int: ...
    @property
    def due_now(self) -> int: ...


def to_us(moment: datetime) -> int:
    delta = moment - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _code_key() -> str:
    from briefing_quiz import __version__

    parts = [__version__, str(FORMAT)]
    for name in _COUNTING_CODE:
        try:
            info = os.stat(_PACKAGE / name)
            parts.append(f"{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            parts.append("-")
    return " ".join(parts)


def summary_file(cache_dir: Path, data_file: Path) -> Path:
    name = hashlib.blake2b(os.fsencode(os.path.realpath(data_file)), digest_size=16)
    return cache_dir / f"counts-{name.hexdigest()}.json"


def settings_digest(config_file: Path) -> str | None:
    """A digest of the settings file's bytes ("absent": no file); None when it cannot be read.
    Taken *before* the settings are read: an edit in between makes the summary miss."""
    from briefing_quiz.core.files import read_regular

    try:
        data = read_regular(config_file, _CAP)
    except FileNotFoundError:
        return "absent"
    except OSError:
        return None
    return hashlib.sha256(data).hexdigest()


def zone_key(tz: tzinfo | None, now: datetime) -> str:
    """The time zone the day boundaries were computed in (the system's at `now` when None)."""
    zone = tz if tz is not None else now.astimezone().tzinfo
    return f"{zone!r} {now.astimezone(zone).utcoffset()}"


def read(cache_dir: Path | None, data_file: Path, config_file: Path,
         decks: Iterable[tuple[str, str]], *, now: datetime, zone: str) -> dict[str, SummaryCounts]:
    """The counts of the decks `decks` ((deck id, digest of its file's bytes) pairs) kept by the
    last `save` for `data_file`, of those whose every key matches at `now`; {} otherwise."""
    if not ENABLED or cache_dir is None:
        return {}
    from briefing_quiz.core.files import read_regular

    try:  # a FIFO planted at its name is refused, not waited on
        kept = json.loads(read_regular(summary_file(cache_dir, data_file), _CAP))
        now_us = to_us(now)
        if (not isinstance(kept, dict) or kept.get("format") != FORMAT
                or kept.get("progress") != os.path.realpath(data_file)
                or kept.get("zone") != zone or kept.get("code") != _code_key()
                or not kept["counted_us"] <= now_us < kept["valid_until_us"]
                or kept.get("settings") != settings_digest(config_file)):
            return {}
        from briefing_quiz.core.progress.log_mark import read_log_mark

        if kept.get("mark") != read_log_mark(data_file):
            return {}
        found: dict[str, SummaryCounts] = {}
        for deck_id, digest in decks:
            entry = kept["decks"].get(deck_id)
            if entry is not None and entry["digest"] == digest:
                new, learning, due = entry["counts"]
                # The learning items fallen due since: as the full count's `due_us <= now`.
                due += bisect.bisect_right(entry["learning_due_us"], now_us)
                counts = SummaryCounts(new, learning, due)
                if all(type(n) is int for n in counts):
                    found[deck_id] = counts
        return found
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def save(cache_dir: Path | None, data_file: Path, *, mark: str | None, settings: str | None,
         zone: str, counted_at: datetime, changes_us: Sequence[int],
         decks: Mapping[str, str], stats: Sequence[Counted],
         learning_due: Mapping[str, Sequence[int]]) -> None:
    """Keep `stats` (counted at `counted_at` from the file whose log mark, read before counting,
    was `mark`, under the settings `settings`, the decks' file digests `decks`) for the next
    launch, until the first of `changes_us` (each deck's day end, each burial's end). A deck's
    `learning_due` lists the due times (µs, ascending) of its learning items that fall due
    until then: each adds one to its due count once passed. Nothing is kept when a key is
    unknown (a deck without `learning_due` is left out); a failure to write is a miss."""
    if not ENABLED or cache_dir is None:
        return
    path = summary_file(cache_dir, data_file)
    counted = [s for s in stats if s.deck_id in decks and s.deck_id in learning_due]
    if mark is None or settings is None or not counted or not changes_us:
        forget(cache_dir, data_file)
        return
    kept = {
        "format": FORMAT, "progress": os.path.realpath(data_file), "zone": zone,
        "code": _code_key(), "settings": settings, "mark": mark,
        "counted_us": to_us(counted_at), "valid_until_us": min(changes_us),
        "decks": {s.deck_id: {"digest": decks[s.deck_id],
                              "counts": [s.new, s.learning, s.due_now],
                              "learning_due_us": list(learning_due[s.deck_id])}
                  for s in counted},
    }
    import tempfile

    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        # A new file of our own (never written through a link planted at its name), then
        # renamed over the old one: whole or not at all.
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=cache_dir)
    except OSError:
        forget(cache_dir, data_file)
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(json.dumps(kept))
        os.replace(temporary, path)
    except OSError:
        forget(cache_dir, data_file)
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def forget(cache_dir: Path | None, data_file: Path) -> None:
    """Delete the summary of `data_file` (`rebuild`: item states rewritten without a log row)."""
    if cache_dir is None:
        return
    with contextlib.suppress(OSError):
        summary_file(cache_dir, data_file).unlink()
