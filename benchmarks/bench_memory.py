"""Peak memory (VmHWM) of the app, A/B: the memory row of `run.py`, alternating sides.

The app runs on a pty as in `run.app_peak_memory`: the decks screen with the workload's deck
(10,000 cards, 100,000 reviews) and its counts, then a study session opened ("a", first card
shown); its VmHWM is read then. Each side is a set of environment variables (e.g. a
`BRIEFING_QUIZ_NO_...=1` switch) or another copy of the package's source (`--source`, e.g. a
`git archive` of an older commit); sides alternate within each round. `--cache cold` (as the
row in `run.py`, where this is the deck file's first launch) gives each launch an empty parse
cache; `--cache warm` one filled by an untimed launch first (a user's every launch but the
first). With the `anki` package, Anki's counts process (`peer_anki.py counts`) on the same
collection runs once a round too.

    python benchmarks/bench_memory.py [--rounds N] [--cache cold|warm]
        [--side NAME=VAR=VALUE,...] [--source NAME=PATH]

Prints every run, then the median per side (and its ratio to Anki's median).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import bench_ui  # noqa: E402
import peer_anki  # noqa: E402
import workload  # noqa: E402


@dataclass
class Side:
    name: str
    env: dict[str, str] = field(default_factory=dict)
    peaks: list[float] = field(default_factory=list)


def app_peak(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    """VmHWM (MB) of the app once the decks screen's counts and then a study session are shown."""
    term = bench_ui.Terminal(argv, cwd, env)
    try:
        term.wait_for(re.compile(r"\d+ due now and \d+ new across"), timeout=120)
        term.send("a")
        term.wait_for(re.compile(r"\b0 done\b"), timeout=120)
        with open(f"/proc/{term.process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM")
    finally:
        term.close()


def parse_sides(specs: list[str], sources: list[str]) -> list[Side]:
    sides = [Side("default")] if not specs and not sources else []
    for spec in specs:
        name, _, rest = spec.partition("=")
        env = dict(pair.split("=", 1) for pair in rest.split(",") if pair)
        sides.append(Side(name, env))
    for spec in sources:
        name, _, path = spec.partition("=")
        sides.append(Side(name, {"PYTHONPATH": str(Path(path).resolve())}))
    return sides


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cache", choices=["cold", "warm"], default="cold")
    parser.add_argument("--side", action="append", default=[], metavar="NAME=VAR=VALUE,...")
    parser.add_argument("--source", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--no-anki", action="store_true")
    args = parser.parse_args(argv)
    sides = parse_sides(args.side, args.source)
    anki_missing = "skipped" if args.no_anki else peer_anki.unavailable()
    anki: list[float] = []
    bench_ui.compile_package()
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        folder = Path(tmp)
        deck_path, store_path, deck, history = workload.build(
            folder / "workload", cards=args.cards, reviews=args.reviews,
            now=datetime.now(timezone.utc), seed=0)
        collection = folder / "anki" / "collection.anki2"
        collection.parent.mkdir()
        if anki_missing is None:
            notes = folder / "notes.json"
            notes.write_text(json.dumps(workload.notes_for_anki(deck)), encoding="utf-8")
            history_file = folder / "history.json"
            history_file.write_text(json.dumps(workload.history_for_anki(deck, history)),
                                    encoding="utf-8")
            peer_anki.task_prepare(collection, notes, history_file)
        del deck, history
        config = folder / "config.toml"
        config.write_text("", encoding="utf-8")
        # Private XDG folders, as run.py gives its children: no user setting or state is read.
        private = {}
        for name in ("DATA", "CONFIG", "CACHE", "STATE"):
            (folder / "xdg" / name.lower()).mkdir(parents=True)
            private[f"XDG_{name}_HOME"] = str(folder / "xdg" / name.lower())
        argv_app = bench_ui.app_argv(deck_path.parent, store_path, config)
        for number in range(args.rounds):
            order = sides if number % 2 == 0 else sides[::-1]
            for side in order:
                cache = folder / f"cache-{side.name}"
                shutil.rmtree(cache, ignore_errors=True)
                env = {**private, "BRIEFING_QUIZ_CACHE": str(cache), **side.env}
                if args.cache == "warm":
                    app_peak(argv_app, folder, env)
                # A fresh copy of the progress file: opening a session writes nothing, but
                # the WAL and a rebuilt summary must not carry over between sides.
                store = folder / "run.sqlite3"
                shutil.copyfile(store_path, store)
                peak = app_peak(bench_ui.app_argv(deck_path.parent, store, config), folder, env)
                side.peaks.append(peak)
                print(f"round {number + 1} {side.name}: {peak:.1f} MB", flush=True)
            if anki_missing is None:
                done = subprocess.run([sys.executable, str(HERE / "peer_anki.py"), "counts",
                                       "--collection", str(collection)],
                                      capture_output=True, text=True, check=True)
                peak = json.loads(done.stdout.strip().splitlines()[-1])["peak_mb"]
                anki.append(peak)
                print(f"round {number + 1} anki: {peak:.1f} MB", flush=True)
    anki_median = statistics.median(anki) if anki else None
    for side in sides:
        median = statistics.median(side.peaks)
        ratio = "" if anki_median is None else f", {median / anki_median:.3f}× Anki"
        runs = ", ".join(f"{p:.1f}" for p in side.peaks)
        print(f"{side.name}: median {median:.1f} MB ({runs}){ratio}")
    if anki_median is not None:
        print(f"anki: median {anki_median:.1f} MB ({', '.join(f'{p:.1f}' for p in anki)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
