"""Every benchmark of the project in one run, as ratios to floors and to Anki measured alongside.

    python benchmarks/run.py [--quick | --tiny] [--json FILE] [--no-anki]

Prints one table — figure, ours, the floor or peer, the ratio, the target, met or not — and with
`--json` writes the same rows as a JSON list (`figure`, `ours`, `reference`, `ratio`, `target`,
`met`, plus `unit`, `reference_name` and `note`). A figure that could not be measured (the `anki`
package missing, a benchmark failing) has `ours` or `reference` null, `met` false and a note
saying why; the rest still runs. Exit status 0 either way: a missed target is a finding, not an
error (2 for bad arguments).

Sizes: the default (full) run is the issue's workload — a 10,000-card deck, 100,000 reviews,
10,000 answers a side — in under ten minutes on 2 cores; `--quick` keeps the workload's size but
repeats less (under two minutes once bench_ui's cached store exists); `--tiny` shrinks everything
so that the CI test can check that every figure is produced (timings at that size mean nothing).

All data is generated from fixed seeds into a temporary folder that is removed afterwards; child
processes get their own XDG folders inside it, so no user setting, deck or cache is read or left.
Which benchmark measures what, and how, is in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the bench_* modules sit beside this file
    sys.path.insert(0, str(HERE))

import peer_anki  # noqa: E402  (after the path set-up above)
import workload  # noqa: E402

UTC = timezone.utc
Mode = Literal["full", "quick", "tiny"]
Compare = Literal["le", "lt", "gt", "ge"]


@dataclass(frozen=True)
class Sizes:
    cards: int
    reviews: int
    answers: int          # answers a side in the peer comparison
    chunk: int            # answers per alternating chunk
    rounds: int           # fresh-process rounds for deck loads, imports and counts
    ui_answers: int       # grade-key timings in bench_ui
    ui_starts: int
    bare_answers: int     # bench_answer
    queue_items: int      # bench_queue
    queue_repeat: int
    deck_rounds: int      # bench_deck_load (in process)
    briefing_seeds: int
    briefing_items: int
    briefing_days: int
    briefing_minutes: float
    draft_words: int = 10_000  # bench_draft (issue 15)


SIZES: dict[Mode, Sizes] = {
    "full": Sizes(cards=10_000, reviews=100_000, answers=10_000, chunk=500, rounds=5,
                  ui_answers=1_000, ui_starts=3, bare_answers=300, queue_items=100_000,
                  queue_repeat=7, deck_rounds=7, briefing_seeds=8, briefing_items=200,
                  briefing_days=7, briefing_minutes=10.0),
    "quick": Sizes(cards=10_000, reviews=100_000, answers=2_000, chunk=500, rounds=2,
                   ui_answers=200, ui_starts=2, bare_answers=200, queue_items=100_000,
                   queue_repeat=3, deck_rounds=3, briefing_seeds=3, briefing_items=100,
                   briefing_days=7, briefing_minutes=10.0),
    "tiny": Sizes(cards=60, reviews=400, answers=20, chunk=10, rounds=1, ui_answers=12,
                  ui_starts=1, bare_answers=10, queue_items=500, queue_repeat=1, deck_rounds=1,
                  briefing_seeds=1, briefing_items=20, briefing_days=2, briefing_minutes=2.0,
                  draft_words=1_000),
}


# --------------------------------------------------------------------------------------------------
# Rows


@dataclass
class Row:
    """One line of the table. `ratio` is ours / reference; `met` compares it with `bound`."""

    key: str                    # stable name of the figure (the `figure` text shows sizes)
    figure: str
    unit: str                   # of `ours` and `reference`: "ms", "MB", "recall"
    reference_name: str         # the floor or the peer
    target: str                 # as printed, e.g. "≤ 1.5×"
    bound: float
    compare: Compare
    ours: float | None = None
    reference: float | None = None
    note: str = ""
    condition: bool = True      # a further condition of the target (briefing: every seed)
    ratio: float | None = field(default=None, init=False)
    met: bool = field(default=False, init=False)

    def settle(self) -> Row:
        if self.ours is not None and self.reference not in (None, 0.0):
            assert self.reference is not None
            self.ratio = self.ours / self.reference
            self.met = self.condition and {
                "le": self.ratio <= self.bound, "lt": self.ratio < self.bound,
                "gt": self.ratio > self.bound, "ge": self.ratio >= self.bound}[self.compare]
        return self

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["bound"], data["compare"], data["condition"]
        return data


#: Every figure of the table, in order: (key, figure, unit, reference, target, bound, compare).
FIGURES: list[tuple[str, str, str, str, str, float, Compare]] = [
    ("launch", "launch to interactive decks screen, deck listed ({cards} cards, {reviews} "
     "reviews)", "ms", "minimal Textual app, launch to first frame", "≤ 1.5×", 1.5, "le"),
    ("launch_counts", "launch to decks screen with the deck's counts shown", "ms",
     "minimal Textual app, launch to first frame", "≤ 1.3×", 1.3, "le"),  # issue 16
    ("deck_unchanged", "load an unchanged {cards}-card deck at start-up", "ms",
     "tomli.loads of the same bytes", "≤ 0.3×", 0.3, "le"),
    ("deck_changed", "load a changed {cards}-card deck at start-up", "ms",
     "tomli.loads of the same bytes", "≤ 1.3×", 1.3, "le"),
    ("deck_in_process", "load and validate a {cards}-card deck, in process (issue 2)", "ms",
     "tomli.loads of the same text", "≤ 1.3×", 1.3, "le"),
    ("lint", "check --lint: the lint of a {cards}-card deck (issue 12)", "ms",
     "tomli.loads of the same text", "≤ 0.3×", 0.3, "le"),
    ("import", "import {cards} cards (ours: first load of the new deck file)", "ms",
     "Anki: col.add_notes of the same cards", "≤ 1.0× (our own bar)", 1.0, "le"),
    ("answer_anki", "one durable answer: schedule, commit, next card ready", "ms",
     "Anki: get_queued_cards → build_answer → answer_card", "≤ 0.6×", 0.6, "le"),
    ("answer_bare", "one durable answer + next card (issue 3)", "ms",
     "bare sqlite3 INSERT + COMMIT, WAL, synchronous=FULL", "≤ 2×", 2.0, "le"),
    ("counts", "due counts, {cards} cards with {reviews} reviews (cold, after opening)", "ms",
     "Anki: col.sched.counts()", "≤ 1.0×", 1.0, "le"),
    ("memory", "peak memory, that collection open in the app", "MB",
     "Anki: process holding the same collection", "≤ 0.6×", 0.6, "le"),  # issue 16
    ("key_median", "grade key to next card painted, median", "ms",
     "minimal Textual app, key to repaint, median", "≤ 1.5×", 1.5, "le"),
    ("key_p99", "grade key to next card painted, p99", "ms",
     "minimal Textual app, key to repaint, p99", "≤ 1.5×", 1.5, "le"),
    ("key_typed", "grade key to next card painted, typed cards, median", "ms",
     "minimal Textual app, key to repaint, median", "≤ 1.5×", 1.5, "le"),
    ("browse_search", "browse's text search, library call, warm: {cards} cards filtered, "
     "sorted by due", "ms", "Anki: col.find_cards, same text, by Due, median after the first",
     "≤ 1.0×", 1.0, "le"),
    ("browse_search_cold", "browse's text search, library call, cold: first in a fresh process "
     "(rows built)", "ms", "Anki: first col.find_cards after opening", "≤ 1.0×", 1.0, "le"),
    ("browse", "browse: a word typed into its search field to the filtered list painted", "ms",
     "minimal Textual app, key to repaint, same timing", "≤ 1.5×", 1.5, "le"),
    ("queue", "study queue + counts for {queue_items} items (issue 3)", "ms",
     "the target itself, 50 ms", "< 50 ms", 1.0, "lt"),
    ("briefing", "recall at the briefing, briefing mode, mean of 4 scenarios (issue 13)",
     "recall", "best of due-first / weakest-first / round-robin, same minutes",
     "≥ 1× (every scenario)", 1.0, "ge"),
    ("forecast", "forecast error at the briefing: mean |readiness − true recall| (issue 13)",
     "points", "the target itself, 3 points", "≤ 1× (and never > +5)", 1.0, "le"),
    ("ranking", "rank 10k items by the briefing rule, CPU (median of 3)", "ms",
     "fsrs floor: 2 reviews + 4 recalls an item", "≤ 2×", 2.0, "le"),
    ("optimize", "optimize on {reviews} reviews, log read included (issue 13)", "ms",
     "fsrs-rs-python compute_parameters, same items, log read", "≤ 1.3×", 1.3, "le"),
    ("draft", "draft a deck from a {draft_words}-word source, checked and written (issue 15)",
     "ms", "the target itself, 2 s", "< 2 s", 1.0, "lt"),
]


def _short(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


class Table:
    def __init__(self, sizes: Sizes) -> None:
        names = {"cards": _short(sizes.cards), "reviews": _short(sizes.reviews),
                 "queue_items": _short(sizes.queue_items),
                 "draft_words": _short(sizes.draft_words)}
        self.rows = {key: Row(key, figure.format(**names), unit, ref, target, bound, compare)
                     for key, figure, unit, ref, target, bound, compare in FIGURES}

    def set(self, key: str, ours: float | None, reference: float | None, note: str = "") -> None:
        row = self.rows[key]
        row.ours, row.reference = ours, reference
        if note:
            row.note = f"{row.note}; {note}" if row.note else note

    def fail(self, keys: Sequence[str], why: str) -> None:
        for key in keys:
            row = self.rows[key]
            row.note = f"{row.note}; {why}" if row.note else why

    def settled(self) -> list[Row]:
        return [row.settle() for row in self.rows.values()]


# --------------------------------------------------------------------------------------------------
# Child processes


@dataclass
class Context:
    folder: Path
    sizes: Sizes
    env: dict[str, str]
    anki_missing: str | None
    seed: int = 0
    log: Callable[[str], None] = print


def child_env(folder: Path) -> dict[str, str]:
    """The environment of every child: XDG folders inside `folder`, nothing of the user's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BRIEFING_QUIZ_", "XDG_", "TEXTUAL"))}
    for name in ("DATA", "CONFIG", "CACHE", "STATE"):
        path = folder / "xdg" / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name}_HOME"] = str(path)
    env["HOME"] = str(folder / "home")
    (folder / "home").mkdir(exist_ok=True)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(HERE), env.get("PYTHONPATH", "")) if p)
    return env


def run_child(argv: Sequence[str], env: dict[str, str], timeout: float = 600.0) -> dict[str, Any]:
    """Run a child that prints one JSON line; return what it printed."""
    done = subprocess.run(list(argv), capture_output=True, text=True, env=env, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[1:3])} failed ({done.returncode}): "
                           f"{done.stderr.strip()[-1500:]}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{' '.join(argv[1:3])} printed no result: {done.stdout[-500:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a running process, in MB (see `peer_anki.peak_rss_mb`)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


class Server:
    """A child answering chunks: write N, read one JSON line back."""

    def __init__(self, argv: Sequence[str], env: dict[str, str]) -> None:
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self.process = subprocess.Popen(list(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.errors, env=env, text=True, bufsize=1)
        self.hello = self._read()

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            self.errors.seek(0)
            raise RuntimeError(f"answer server ended: {self.errors.read().decode()[-1500:]}")
        result: dict[str, Any] = json.loads(line)
        return result

    def chunk(self, n: int) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{n}\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.errors.close()


def py(script: str, *args: str) -> list[str]:
    return [sys.executable, str(HERE / script), *args]


@contextmanager
def step(ctx: Context, table: Table, name: str, keys: Sequence[str]) -> Iterator[None]:
    """Run one benchmark; on failure, note it on its rows and go on with the others."""
    ctx.log(f"· {name} …")
    started = time.perf_counter()
    try:
        yield
    except Exception as error:  # reported on its rows and on stderr, never hidden
        traceback.print_exc()
        table.fail(keys, f"{name} failed: {type(error).__name__}: {error}"[:300])
    ctx.log(f"  {name}: {time.perf_counter() - started:.1f} s")


# --------------------------------------------------------------------------------------------------
# The benchmarks


@dataclass
class Data:
    deck_path: Path
    store_path: Path
    notes: Path
    history: Path
    items: int


def prepare(ctx: Context) -> Data:
    s = ctx.sizes
    folder = ctx.folder / "workload"
    deck_path, store_path, deck, history = workload.build(
        folder, cards=s.cards, reviews=s.reviews, now=datetime.now(UTC), seed=ctx.seed)
    notes = folder / "notes.json"
    notes.write_text(json.dumps(workload.notes_for_anki(deck)), encoding="utf-8")
    history_file = folder / "history.json"
    history_file.write_text(json.dumps(workload.history_for_anki(deck, history)),
                            encoding="utf-8")
    return Data(deck_path, store_path, notes, history_file, len(deck.item_keys()))


def bench_deck_start(ctx: Context, table: Table, data: Data) -> None:
    """Changed and unchanged deck loads in fresh processes; Anki's import alongside."""
    folder = ctx.folder / "deck-start"
    folder.mkdir()
    path = folder / "bench.toml"
    text = data.deck_path.read_text(encoding="utf-8")
    title = re.search(r'^title = "(.*)"$', text, re.MULTILINE)
    assert title is not None
    changed: list[float] = []
    unchanged: list[float] = []
    first: list[float] = []
    floor: list[float] = []
    anki: list[float] = []
    questions = [m.start() for m in re.finditer(r'^question = "', text, re.MULTILINE)]
    assert questions
    path.write_text(text, encoding="utf-8")  # loaded once untimed: every round is then an edit
    run_child(py("ours.py", "deck-load", "--deck", str(path)), ctx.env)
    for r in range(ctx.sizes.rounds):
        # As an author's save: a new title and one card's question edited each round, so the
        # file is never one loaded before (what may be reused is at most the unchanged cards).
        at = questions[(r * 7919) % len(questions)] + len('question = "')
        edited = f"{text[:at]}Edited r{r:03d}: {text[at:]}"
        edited = edited.replace(title.group(0), f'title = "{title.group(1)} r{r:03d}"', 1)
        # The same text in a file never loaded before: nothing in the cache to reuse (the
        # import row, and the fully rewritten deck in the note).
        new_file = folder / f"new-{r:03d}.toml"
        new_file.write_text(edited, encoding="utf-8")
        result = run_child(py("ours.py", "deck-load", "--deck", str(new_file)), ctx.env)
        first.append(result["seconds"])
        floor.append(result["tomli_seconds"])
        path.write_text(edited, encoding="utf-8")
        result = run_child(py("ours.py", "deck-load", "--deck", str(path)), ctx.env)
        changed.append(result["seconds"])
        floor.append(result["tomli_seconds"])
        result = run_child(py("ours.py", "deck-load", "--deck", str(path)), ctx.env)
        unchanged.append(result["seconds"])
        floor.append(result["tomli_seconds"])
        if ctx.anki_missing is None:
            collection = folder / f"anki-import-{r}" / "collection.anki2"
            result = run_child(py("peer_anki.py", "import", "--collection", str(collection),
                                     "--notes", str(data.notes)), ctx.env)
            anki.append(result["seconds"])
    best_floor = min(floor) * 1000
    new_ms = min(first) * 1000
    table.set("deck_changed", min(changed) * 1000, best_floor,
              f"best of {len(changed)} fresh processes; title and one card edited each round; "
              f"a new file (nothing cached) {new_ms:.0f} ms, {new_ms / best_floor:.2f}×")
    table.set("deck_unchanged", min(unchanged) * 1000, best_floor,
              f"best of {len(unchanged)} fresh processes")
    if ctx.anki_missing is None:
        table.set("import", new_ms, min(anki) * 1000, f"best of {len(anki)}")
    else:
        table.set("import", new_ms, None, ctx.anki_missing)


def bench_deck_in_process(ctx: Context, table: Table) -> None:
    import bench_deck_load

    result = bench_deck_load.measure(ctx.sizes.cards, ctx.sizes.deck_rounds, ctx.seed)
    table.set("deck_in_process", result.loader_seconds * 1000, result.tomli_seconds * 1000,
              f"CPU time, best of {ctx.sizes.deck_rounds} (bench_deck_load.py)")


def bench_lint_figure(ctx: Context, table: Table) -> None:
    import bench_lint

    result = bench_lint.measure(ctx.sizes.cards, ctx.sizes.deck_rounds, ctx.seed)
    table.set("lint", result.lint_seconds * 1000, result.tomli_seconds * 1000,
              f"CPU time, best of {ctx.sizes.deck_rounds} cold rounds; {result.warnings} warnings "
              "placed (bench_lint.py)")


@dataclass
class Side:
    """One side of the answer benchmark: its server and the per-answer seconds of each chunk."""

    server: Server
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def run(self, n: int) -> None:
        result = self.server.chunk(n)
        if result["answered"] != n:
            raise RuntimeError(f"only {result['answered']} of {n} cards were due")
        self.wall.append(result["seconds"] / n)
        self.cpu.append(result["cpu_seconds"] / n)


def bench_answer_peer(ctx: Context, table: Table, data: Data) -> None:
    """Our answers and Anki's in alternating chunks (disk weather then hits both alike)."""
    s = ctx.sizes
    folder = ctx.folder / "answer"
    folder.mkdir()
    sides: list[Side] = []
    try:
        sides.append(Side(Server(py("ours.py", "answer", "--deck", str(data.deck_path), "--store",
                                    str(folder / "progress.sqlite3"), "--seed", str(ctx.seed)),
                                 ctx.env)))
        if ctx.anki_missing is None:
            sides.append(Side(Server(py("peer_anki.py", "answer", "--collection",
                                        str(folder / "anki" / "collection.anki2"), "--notes",
                                        str(data.notes), "--seed", str(ctx.seed)), ctx.env)))
        done = 0
        while done < s.answers:
            n = min(s.chunk, s.answers - done)
            for side in sides if (done // s.chunk) % 2 == 0 else sides[::-1]:
                side.run(n)
            done += n
    finally:
        for side in sides:
            side.server.close()
    ours = sides[0]
    note = (f"median of {len(ours.wall)} chunks of {s.chunk}, {done} answers a side; CPU per "
            f"answer: ours {statistics.median(ours.cpu) * 1000:.3f} ms")
    if len(sides) == 2:
        anki = sides[1]
        hello = anki.server.hello
        note += (f", Anki {statistics.median(anki.cpu) * 1000:.3f} ms; Anki's SQLite: "
                 f"journal_mode={hello.get('journal_mode')}, synchronous={hello.get('synchronous')}"
                 " (2 = FULL)")
        table.set("answer_anki", statistics.median(ours.wall) * 1000,
                  statistics.median(anki.wall) * 1000, note)
    else:
        table.set("answer_anki", statistics.median(ours.wall) * 1000, None,
                  f"{note}; {ctx.anki_missing}")


def bench_counts_memory(ctx: Context, table: Table, data: Data) -> None:
    """Cold counts in fresh processes, alternating; peak memory of Anki's counts process."""
    folder = ctx.folder / "counts"
    folder.mkdir()
    collection = folder / "anki" / "collection.anki2"
    if ctx.anki_missing is None:
        run_child(py("peer_anki.py", "prepare", "--collection", str(collection), "--notes",
                     str(data.notes), "--history", str(data.history)), ctx.env)
    ours: list[float] = []
    anki: list[float] = []
    anki_memory: list[float] = []
    counts_note = ""
    for _ in range(ctx.sizes.rounds):
        result = run_child(py("ours.py", "counts", "--deck", str(data.deck_path), "--store",
                                 str(data.store_path)), ctx.env)
        ours.append(result["counts_seconds"])
        counts_note = f"ours {result['new']}/{result['learning']}/{result['review']}"
        if ctx.anki_missing is None:
            peer = run_child(py("peer_anki.py", "counts", "--collection", str(collection)),
                             ctx.env)
            anki.append(peer["counts_seconds"])
            anki_memory.append(peer["peak_mb"])
            counts_note += f", Anki {peer['new']}/{peer['learning']}/{peer['review']}"
    note = f"median of {len(ours)} fresh processes; new/learning/review: {counts_note}"
    if ctx.anki_missing is None:
        table.set("counts", statistics.median(ours) * 1000, statistics.median(anki) * 1000, note)
    else:
        table.set("counts", statistics.median(ours) * 1000, None, f"{note}; {ctx.anki_missing}")
    app_memory = app_peak_memory(ctx, data)
    if ctx.anki_missing is None:
        table.set("memory", app_memory, statistics.median(anki_memory),
                  "peak RSS (VmHWM): our app on a pty, decks screen then a study session open, "
                  "the deck file's first launch (its parse cache empty); Anki: Collection + "
                  "counts + top card, no GUI (A/B runs: bench_memory.py)")
    else:
        table.set("memory", app_memory, None, ctx.anki_missing)


def app_peak_memory(ctx: Context, data: Data) -> float:
    """Peak RSS (MB) of the app on a pty: decks screen loaded, then a study session started.

    Nothing before this loaded the workload's deck file through the parse cache, so the app
    parses it and writes its cache entry: the load's transient peak counts (bench_memory.py
    measures this launch, and one with the cache filled, as alternating A/B runs)."""
    import bench_ui

    config = ctx.folder / "memory-config.toml"
    config.write_text("", encoding="utf-8")
    argv = bench_ui.app_argv(data.deck_path.parent, data.store_path, config)
    term = bench_ui.Terminal(argv, ctx.folder)
    try:
        term.wait_for(re.compile(r"\d+ due now and \d+ new across"), timeout=120)
        term.send("a")  # study everything due: the queue is built and the first card shown
        term.wait_for(re.compile(r"\b0 done\b"), timeout=120)
        return peak_rss_mb(term.process.pid)
    finally:
        term.close()


def bench_ui_figures(ctx: Context, table: Table) -> None:
    import bench_ui

    s = ctx.sizes
    result = bench_ui.measure(cards=s.cards, reviews=s.reviews, answers=s.ui_answers,
                              starts=s.ui_starts)
    where = f"median of {s.ui_starts} launches on a {bench_ui.COLUMNS}×{bench_ui.LINES} pty " \
            "(bench_ui.py)"
    # bench_ui times up to three marks: first frame, deck listed (it can be opened: the screen
    # is interactive), counts shown. Older versions timed only the counts.
    counts = getattr(result, "start_counts", None)
    frame = getattr(result, "start_frame", None)
    first = "" if frame is None else f"; first frame after {frame * 1000:.0f} ms"
    table.set("launch", result.start_app * 1000, result.start_minimal * 1000, where + first)
    table.set("launch_counts", (result.start_app if counts is None else counts) * 1000,
              result.start_minimal * 1000, where)
    note = f"{s.ui_answers} answers, each with a durable commit (bench_ui.py)"
    table.set("key_median", result.grade_median * 1000, result.minimal_median * 1000, note)
    table.set("key_p99", result.grade_p99 * 1000, result.minimal_p99 * 1000, note)
    typed = getattr(result, "typed_median", None)
    table.set("key_typed", None if typed is None else typed * 1000,
              result.minimal_median * 1000,
              f"the {getattr(result, 'typed_answers', 0)} typed cards of those answers")


#: The browse rows' search text: a word of the generated deck's sentences (and of its tags).
BROWSE_TEXT = "ceasefire"
#: Rounds of the painted browse row, each side (typed word, minimal app's key), alternating.
BROWSE_PAINTS = 5


def bench_browse_search(ctx: Context, table: Table, data: Data) -> None:
    """Like for like with Anki: browse's search as a library call (`bench_browse.py`: the rows
    matching the text in browse's default order, by due) against `col.find_cards` of the same
    text sorted by Anki's Due column; each side in fresh processes, alternating, both cold (the
    first search after opening) and warm (the median of the searches after it)."""
    cold: list[float] = []
    warm: list[float] = []
    rows: list[float] = []
    anki_cold: list[float] = []
    anki_warm: list[float] = []
    ours: dict[str, Any] = {}
    peer: dict[str, Any] = {}
    collection = ctx.folder / "counts" / "anki" / "collection.anki2"
    for _ in range(ctx.sizes.rounds):
        ours = run_child(py("bench_browse.py", "--decks", str(data.deck_path.parent), "--store",
                            str(data.store_path), "--text", BROWSE_TEXT), ctx.env)
        cold.append(ours["cold_seconds"] * 1000)
        warm.append(ours["warm_seconds"] * 1000)
        rows.append(ours["rows_seconds"] * 1000)
        if ctx.anki_missing is None:
            peer = run_child(py("peer_anki.py", "find", "--collection", str(collection),
                                "--text", BROWSE_TEXT), ctx.env)
            anki_cold.append(peer["first_seconds"] * 1000)
            anki_warm.append(peer["seconds"] * 1000)

    def runs(values: list[float]) -> str:
        return "/".join(f"{v:.1f}" for v in values)

    note = (f"median of {len(cold)} fresh processes each side, alternating; ours "
            f"{ours['found']} of {ours['of']} cards")
    cold_note = (f"{note}; ours {runs(cold)} ms, of which building browse's rows "
                 f"{runs(rows)} ms")
    warm_note = f"{note}; ours {runs(warm)} ms"
    if ctx.anki_missing is None:
        found = (f"; Anki {peer['found']} cards (its search reads the note's fields, ours the "
                 "deck, id, tags, question and answer)")
        table.set("browse_search", statistics.median(warm), statistics.median(anki_warm),
                  f"{warm_note}, Anki {runs(anki_warm)} ms (unordered: "
                  f"{peer['unordered_seconds'] * 1000:.1f} ms){found}")
        table.set("browse_search_cold", statistics.median(cold), statistics.median(anki_cold),
                  f"{cold_note}, Anki {runs(anki_cold)} ms{found}")
    else:
        table.set("browse_search", statistics.median(warm), None,
                  f"{warm_note}; {ctx.anki_missing}")
        table.set("browse_search_cold", statistics.median(cold), None,
                  f"{cold_note}; {ctx.anki_missing}")


def bench_browse(ctx: Context, table: Table, data: Data) -> None:
    """Painted, against the floor the grade rows use: the app on a pty with the workload, browse
    opened, then the word typed at once into its search field, until the filtered list's last
    paint; alternating with the minimal Textual app (`bench_ui.MINIMAL_APP`, open alongside)
    repainting its line on a key, timed the same way (to its last output, 0.3 s quiet after)."""
    import bench_ui

    config = ctx.folder / "browse-config.toml"
    config.write_text("", encoding="utf-8")
    term = bench_ui.Terminal(bench_ui.app_argv(data.deck_path.parent, data.store_path, config),
                             ctx.folder)
    minimal = bench_ui.Terminal([sys.executable, "-c", bench_ui.MINIMAL_APP], ctx.folder)
    shown = re.compile(r"[\d,]+ of [\d,]+ cards shown")
    times: list[float] = []
    floor: list[float] = []
    try:
        minimal.wait_for(re.compile("READY 0 done"), timeout=120)
        term.wait_for(re.compile(r"\d+ due now and \d+ new across"), timeout=120)
        sent = term.send("b")
        opened = term.wait_for(shown, timeout=120) - sent
        term.send("/")  # the search field keeps the focus from here on
        term.settle(0.2)
        for _ in range(BROWSE_PAINTS):
            sent = term.send(BROWSE_TEXT)
            times.append(term.last_change() - sent)
            found = (re.findall(r"([\d,]+) of [\d,]+ cards", term.since_send()) or ["?"])[-1]
            term.send("\x7f" * len(BROWSE_TEXT))  # cleared again, untimed
            term.settle(0.3)
            sent = minimal.send(" ")
            floor.append(minimal.last_change() - sent)
    finally:
        term.close()
        minimal.close()
    table.set("browse", statistics.median(times) * 1000, statistics.median(floor) * 1000,
              f"median of {len(times)} each, alternating; ours "
              f"{'/'.join(f'{t * 1000:.1f}' for t in times)} ms, minimal app "
              f"{'/'.join(f'{t * 1000:.1f}' for t in floor)} ms; opening browse took "
              f"{opened * 1000:.0f} ms; ours: {found} cards shown")


def bench_answer_bare(ctx: Context, table: Table) -> None:
    import bench_answer

    block = max(1, min(50, ctx.sizes.bare_answers // 2))
    result = bench_answer.run(ctx.sizes.bare_answers, block)
    table.set("answer_bare", result["answer_ms"], result["bare_ms"],
              f"median of {ctx.sizes.bare_answers}, alternating blocks; "
              f"{result['wal_pages']:.1f} pages written per answer (bench_answer.py)")


def bench_queue_figure(ctx: Context, table: Table) -> None:
    import bench_queue

    result = bench_queue.run(ctx.sizes.queue_items, ctx.sizes.queue_repeat)
    table.set("queue", result["median_ms"], bench_queue.TARGET_MS,
              f"{int(result['items']):,} items, median of {ctx.sizes.queue_repeat} "
              "(bench_queue.py)")


def bench_briefing_figure(ctx: Context, table: Table) -> None:
    import bench_briefing

    s = ctx.sizes
    scenarios = bench_briefing.SCENARIOS
    if s.briefing_items < 100:  # --tiny: one small scenario, to check that the figure is made
        scenarios = (bench_briefing.Scenario("tiny", s.briefing_days, s.briefing_minutes,
                                             s.briefing_items),)
    summaries = [bench_briefing.Summary(sc, bench_briefing.compare(
        range(1, s.briefing_seeds + 1), sc)) for sc in scenarios]
    ours = statistics.fmean(x.mean["briefing"] for x in summaries)
    best = statistics.fmean(x.best_baseline[1] for x in summaries)
    below = [x.scenario.name for x in summaries if not x.met]
    table.set("briefing", ours, best,
              f"{s.briefing_seeds} students a scenario: "
              + ", ".join(f"{x.scenario.name} {(x.mean['briefing'] - x.best_baseline[1]) * 100:+.1f}"
                          for x in summaries) + " points vs the best baseline (bench_briefing.py)"
              + (f"; below it in {', '.join(below)}" if below else ""))
    table.rows["briefing"].condition = not below
    errors = [e for x in summaries for e in x.errors(False)]
    after = bench_briefing.forecast_figures([e for x in summaries for e in x.errors(True)])
    figures = bench_briefing.forecast_figures(errors)
    if figures is not None:
        mae, worst = figures
        table.set("forecast", mae, 3.0,
                  f"default parameters; worst over-confidence {worst:+.1f} points"
                  + ("" if after is None else
                     f"; after optimize --apply (states recomputed) MAE {after[0]:.1f}, worst "
                     f"{after[1]:+.1f}"))
        table.rows["forecast"].condition = worst <= 5.0
    n = 2_000 if s.briefing_items < 100 else 10_000
    runs = sorted(bench_briefing.ranking_speed(n) for _ in range(3))
    full, _top, floor = runs[1]
    table.set("ranking", full * 1000, floor * 1000, f"{n:,} items, 4 in 5 with a review state")


def bench_optimize_figure(ctx: Context, table: Table, data: Data) -> None:
    import bench_optimize

    result = bench_optimize.run(data.store_path, 1 if ctx.sizes.rounds < 2 else 3)
    table.set("optimize", result["ours_s"] * 1000, result["floor_s"] * 1000,
              "best of alternated runs (bench_optimize.py); ours fits 80% and evaluates on 20%")


def bench_draft_figure(ctx: Context, table: Table) -> None:
    import bench_draft

    result = bench_draft.run(ctx.sizes.draft_words, 3)
    table.set("draft", result["median_ms"], bench_draft.TARGET_MS,
              f"{int(result['words']):,} words, {int(result['cards']):,} cards, median of 3; "
              f"first run {result['first_ms']:.0f} ms (bench_draft.py)")


# --------------------------------------------------------------------------------------------------
# Output


def machine() -> dict[str, str]:
    versions = {}
    for name in ("textual", "rich", "tomli", "fsrs", "anki"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    return {"cores": str(os.cpu_count()), "cpu": cpu or "unknown",
            "python": platform.python_version(), "os": platform.platform(terse=True),
            "sqlite": sqlite3.sqlite_version, **versions}


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "recall":
        return f"{value:.3f}"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "points":
        return f"{value:.1f} points"
    return f"{value:.3f} ms" if value < 1 else f"{value:.1f} ms" if value < 100 else \
        f"{value:.0f} ms"


def format_table(rows: Sequence[Row]) -> str:
    head = ("figure", "ours", "floor or peer", "ratio", "target", "met")
    body = [(r.figure, _number(r.ours, r.unit), _number(r.reference, r.unit),
             "—" if r.ratio is None else f"{r.ratio:.2f}×", r.target,
             "yes" if r.met else "NO" if r.ratio is not None else "—") for r in rows]
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(head, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True))
              for line in body]
    lines.append("")
    lines += [f"[{i}] {r.figure}: vs {r.reference_name}" + (f" — {r.note}" if r.note else "")
              for i, r in enumerate(rows, 1)]
    return "\n".join(lines)


def format_markdown(rows: Sequence[Row], info: dict[str, str], title: str) -> str:
    """The table as Markdown, with the machine (for benchmarks/README.md)."""
    lines = [title, "", "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()) + ".", "",
             "| figure | ours | floor or peer | ratio | target | met |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        met = "yes" if r.met else "**no**" if r.ratio is not None else "—"
        lines.append(f"| {r.figure} | {_number(r.ours, r.unit)} | {_number(r.reference, r.unit)} "
                     f"({r.reference_name}) | "
                     f"{'—' if r.ratio is None else f'{r.ratio:.2f}×'} | {r.target} | {met} |")
    lines.append("")
    lines += [f"- {r.figure}: {r.note}" for r in rows if r.note]
    return "\n".join(lines) + "\n"


def run(mode: Mode, *, use_anki: bool = True, seed: int = 0,
        log: Callable[[str], None] = print) -> tuple[list[Row], dict[str, str]]:
    sizes = SIZES[mode]
    # Our package compiled as `pip install` leaves it, for every child below (bench_ui.py's
    # compile_package says why: PYTHONDONTWRITEBYTECODE=1 would make each one recompile it).
    import bench_ui

    bench_ui.compile_package()
    anki_missing = peer_anki.unavailable() if use_anki else "Anki peer skipped (--no-anki)"
    table = Table(sizes)
    with tempfile.TemporaryDirectory(prefix="briefing-quiz-bench-") as tmp:
        folder = Path(tmp)
        ctx = Context(folder, sizes, child_env(folder), anki_missing, seed, log)
        # bench_ui starts its children with this process's environment: give it the same
        # private folders, so that no user deck, setting or cache is read.
        saved = dict(os.environ)
        os.environ.update({k: v for k, v in ctx.env.items() if k.startswith("XDG_")})
        if anki_missing is not None:
            log(f"· Anki: {anki_missing}; its figures are left empty")
        data: Data | None = None
        with step(ctx, table, "workload", [k for k, *_ in FIGURES]):
            data = prepare(ctx)
            log(f"  {sizes.cards:,} cards ({data.items:,} items), {sizes.reviews:,} reviews")
        if data is not None:
            with step(ctx, table, "deck loads at start-up and import",
                      ["deck_changed", "deck_unchanged", "import"]):
                bench_deck_start(ctx, table, data)
            with step(ctx, table, "answers, ours and Anki's", ["answer_anki"]):
                bench_answer_peer(ctx, table, data)
            with step(ctx, table, "due counts and memory", ["counts", "memory"]):
                bench_counts_memory(ctx, table, data)
            with step(ctx, table, "optimize", ["optimize"]):
                bench_optimize_figure(ctx, table, data)
            with step(ctx, table, "browse search, library call",
                      ["browse_search", "browse_search_cold"]):
                bench_browse_search(ctx, table, data)
            with step(ctx, table, "browse search painted", ["browse"]):
                bench_browse(ctx, table, data)
        with step(ctx, table, "deck load in process", ["deck_in_process"]):
            bench_deck_in_process(ctx, table)
        with step(ctx, table, "lint of a deck", ["lint"]):
            bench_lint_figure(ctx, table)
        with step(ctx, table, "app launch and grade keys",
                  ["launch", "launch_counts", "key_median", "key_p99", "key_typed"]):
            bench_ui_figures(ctx, table)
        with step(ctx, table, "answer vs bare commit", ["answer_bare"]):
            bench_answer_bare(ctx, table)
        with step(ctx, table, "queue", ["queue"]):
            bench_queue_figure(ctx, table)
        with step(ctx, table, "briefing", ["briefing", "forecast", "ranking"]):
            bench_briefing_figure(ctx, table)
        with step(ctx, table, "draft", ["draft"]):
            bench_draft_figure(ctx, table)
        os.environ.clear()
        os.environ.update(saved)
    return table.settled(), machine()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="the same workload, fewer repeats")
    size.add_argument("--tiny", action="store_true",
                      help="everything tiny: checks that every figure is produced (CI)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the rows as JSON")
    parser.add_argument("--markdown", type=Path, metavar="FILE",
                        help="also write the table as Markdown, with the machine")
    parser.add_argument("--no-anki", action="store_true", help="leave the Anki figures empty")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated data")
    args = parser.parse_args(argv)
    mode: Mode = "quick" if args.quick else "tiny" if args.tiny else "full"
    started = time.perf_counter()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    rows, info = run(mode, use_anki=not args.no_anki, seed=args.seed, log=log)
    print(f"briefing-quiz benchmarks, {mode} run, {time.perf_counter() - started:.0f} s")
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print()
    print(format_table(rows))
    if args.markdown is not None:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        args.markdown.write_text(format_markdown(
            rows, info, f"`python benchmarks/run.py{' --' + mode if mode != 'full' else ''}`, "
            f"{stamp}, {time.perf_counter() - started:.0f} s"), encoding="utf-8")
    if args.json is not None:
        args.json.write_text(json.dumps([r.to_json() for r in rows], indent=2) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
