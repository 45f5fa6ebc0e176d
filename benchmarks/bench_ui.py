"""App speed in a real terminal (a pty), against a minimal Textual app measured in the same run.

1. Start-up, with a 10,000-card deck and a progress file of 100,000 reviews, from launch to: the
   first frame (the decks screen, keys live, "Loading decks…"); the deck listed (it can be
   opened); its counts shown (new / learning / due, computed from the 100,000 reviews, or kept
   from the last run's count while nothing they depend on changed: services/counts_summary.py;
   the recall column may come later). Floor: a minimal Textual app showing one line. Target:
   deck listed ≤ 1.5× the floor. The deck is unchanged since an earlier launch (an untimed one
   first, left running a second after its counts, as any earlier session would have been), as
   on a user's every start but the deck's first; its parse and the counts summary are kept in
   the temporary folder, not in the user's cache.
2. Grading: over N answers, from the grade key to the next card painted (the header's "k done"
   arriving on the terminal); floor: the minimal app repainting a line on a key. Target: median
   ≤ 1.5× (p99 reported). The grade path includes the durable commit of the answer (SQLite,
   synchronous=FULL) on the file system of the temporary folder; that part is printed apart.

Both apps run as child processes on a pseudo-terminal of 100×30; times are wall clock, from writing
the key to reading the awaited text. The 100,000 reviews take about half a minute to generate once
(through `Store.record_review`, on /dev/shm when it exists); they are cached in the temporary folder.

    python benchmarks/bench_ui.py [--answers N] [--starts N] [--cards N] [--reviews N]

`measure()` returns the numbers for a benchmark runner.
"""

from __future__ import annotations

import argparse
import compileall
import fcntl
import hashlib
import os
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fsrs import Rating

import briefing_quiz
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress import store as store_module
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import Scheduler, fsrs_card_id

TARGET_START = 1.5
TARGET_GRADE_MEDIAN = 1.5
COLUMNS, LINES = 100, 30
TYPES = ("basic", "typed", "choice", "truefalse", "cloze", "order")
ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")

MINIMAL_APP = """
import sys
from textual.app import App
from textual.binding import Binding
from textual.widgets import Static

class Minimal(App):
    BINDINGS = [Binding("space", "bump", "bump")]
    count = 0

    def compose(self):
        yield Static("READY 0 done", id="line")

    def action_bump(self):
        self.count += 1
        self.query_one("#line", Static).update(f"READY {self.count} done")

Minimal().run()
"""


# -- data -------------------------------------------------------------------------------------------
def deck_text(cards: int) -> str:
    """A deck of `cards` cards cycling through the six types; card i's prompt starts with Q<i>."""
    out = ['format = 1\n\n[deck]\nid = "bench"\ntitle = "Bench deck"\n']
    for i in range(cards):
        kind = TYPES[i % len(TYPES)]
        head = f'\n[[cards]]\nid = "c{i}"\ntype = "{kind}"\ntags = ["t{i % 50}"]\n'
        q = f"Q{i} which value belongs to item {i} of the bench deck?"
        if kind == "basic":
            body = f'question = "{q}"\nanswer = "A{i}"\n'
        elif kind == "typed":
            body = f'question = "{q}"\nanswer = "{i}"\n'
        elif kind == "choice":
            body = f'question = "{q}"\nchoices = ["{i}", "x{i}", "y{i}", "z{i}"]\nanswer = "{i}"\n'
        elif kind == "truefalse":
            body = f'statement = "{q} It is {i}."\nanswer = true\n'
        elif kind == "cloze":
            body = f'text = "Q{i} the value of item {i} is {{{{c1::{i}}}}}."\n'
        else:
            body = f'question = "{q}"\nitems = ["a{i}", "b{i}", "c{i}", "d{i}"]\n'
        out.append(head + body)
    return "".join(out)


def build_store(path: Path, cards: int, reviews: int) -> None:
    """`reviews` reviews spread over the first cards (10 each), a year back, through the store API."""
    sched = Scheduler()
    start = datetime.now(timezone.utc) - timedelta(days=365)
    store = Store.open(path)
    try:
        per_card = 10
        reviewed = max(1, min(cards, reviews // per_card))
        for n in range(reviews):
            card = n % reviewed
            at = start + timedelta(days=(n // reviewed) * 30, seconds=card)
            key = ItemKey("bench", f"c{card}", 1 if card % len(TYPES) == 4 else 0)
            rating = Rating.Good if n % 7 else Rating.Again

            def schedule(prev: object, key: ItemKey = key, at: datetime = at,
                         rating: Rating = rating) -> object:
                base = prev if prev is not None else sched.new_card(fsrs_card_id(key))
                return sched.review(base, rating, at)  # type: ignore[arg-type]

            store.record_review(key, rating, reviewed_at=at, duration_ms=3000,
                                content_hash="bench", schedule=schedule)  # type: ignore[arg-type]
    finally:
        store.close()


def prepare(cards: int, reviews: int, folder: Path) -> tuple[Path, Path, Path]:
    """Deck folder, progress file (a fresh copy of the cached one) and config file in `folder`."""
    cache_root = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    # Keyed by the progress package's source too (schema, derivation, store): a cached file from
    # an older schema must not be reused.
    source = b"".join(path.read_bytes()
                      for path in sorted(Path(store_module.__file__).parent.glob("*.py")))
    version = hashlib.blake2b(source, digest_size=4).hexdigest()
    cached = cache_root / f"briefing-quiz-bench-{cards}-{reviews}-{version}.sqlite3"
    if not cached.exists():
        print(f"generating {reviews:,} reviews (once; cached at {cached}) ...", file=sys.stderr)
        partial = cached.with_suffix(".partial")
        for leftover in cached.parent.glob(partial.name + "*"):
            leftover.unlink()
        build_store(partial, cards, reviews)
        partial.rename(cached)
    decks = folder / "decks"
    decks.mkdir()
    (decks / "bench.toml").write_text(deck_text(cards), encoding="utf-8")
    data = folder / "progress.sqlite3"
    shutil.copyfile(cached, data)
    config = folder / "config.toml"
    config.write_text("[scheduler]\nnew_cards_per_day = 10000\n", encoding="utf-8")
    return decks, data, config


# -- a child process on a pty -----------------------------------------------------------------------
class Terminal:
    """A command running on a pseudo-terminal; `wait_for` reads its output until a pattern shows."""

    def __init__(self, argv: list[str], cwd: Path, extra_env: dict[str, str] | None = None) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
        env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES))
        env.update(extra_env or {})
        self.started = time.perf_counter()
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd,
                                        env=env, start_new_session=True, close_fds=True)
        os.close(slave)
        self.fd = master
        self.text = ""
        self.mark = 0

    def send(self, data: str) -> float:
        """Write `data` as typed keys; output from now on is what the next `wait_for` looks at."""
        # Keep the buffer short: appending to a long string would cost the harness time inside
        # the measured interval.
        self.text = self.text[-20_000:]
        self.mark = len(self.text)
        os.write(self.fd, data.encode())
        return time.perf_counter()

    def wait_for(self, pattern: re.Pattern[str], timeout: float = 60.0) -> float:
        """Read until `pattern` matches the output since the last `send`; the time it did."""
        deadline = time.perf_counter() + timeout
        while True:
            if pattern.search(self.text, self.mark):
                return time.perf_counter()
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no {pattern.pattern!r} on the screen; last output:\n"
                                   f"{self.text[-2000:]}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise RuntimeError(f"the program ended; last output:\n{self.text[-2000:]}")
                self.text += ANSI.sub(" ", chunk.decode("utf-8", "replace"))

    def since_send(self) -> str:
        return self.text[self.mark:]

    def settle(self, quiet: float = 0.05) -> None:
        """Read until nothing more arrives for `quiet` seconds (the screen is complete)."""
        while select.select([self.fd], [], [], quiet)[0]:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return
            self.text += ANSI.sub(" ", chunk.decode("utf-8", "replace"))

    def last_change(self, quiet: float = 0.3, timeout: float = 30.0) -> float:
        """Read until nothing arrives for `quiet` s (after something did); the time of the last
        chunk: when the screen reached its final state."""
        last = -1.0
        deadline = time.perf_counter() + timeout
        while select.select([self.fd], [], [], quiet if last > 0 else
                            max(0.0, deadline - time.perf_counter()))[0]:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                break
            self.text += ANSI.sub(" ", chunk.decode("utf-8", "replace"))
            last = time.perf_counter()
        return last

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        os.close(self.fd)


def compile_package() -> None:
    """Write the package's .pyc files, as `pip install` does.

    The editable install used in development has none, and PYTHONDONTWRITEBYTECODE=1 (set in
    this environment) keeps Python from writing them: every launch would then compile our
    sources again, a cost no installed copy pays (and Textual, the floor's only code, is
    installed compiled). Stale or missing files only: an unchanged tree is left as it is.
    """
    compileall.compile_dir(Path(briefing_quiz.__file__).parent, quiet=1)


def app_argv(decks: Path, data: Path, config: Path) -> list[str]:
    return [sys.executable, "-m", "briefing_quiz", "--data", str(data), "--config", str(config),
            "--decks", str(decks)]


# -- measurements ----------------------------------------------------------------------------------
def time_start(argv: list[str], marks: list[re.Pattern[str]], cwd: Path,
               extra_env: dict[str, str] | None = None, linger: float = 0.0) -> list[float]:
    """Seconds from launch until each of `marks` (in order) has been painted; `linger`: seconds
    the program is left running after that (its start-up's work after the counts finishes)."""
    term = Terminal(argv, cwd, extra_env)
    try:
        times = [term.wait_for(mark) - term.started for mark in marks]
        if linger:
            time.sleep(linger)
            term.settle()
        return times
    finally:
        term.close()


ANSWER_KEYS = {"basic": " ", "typed": "x\r", "choice": "1", "truefalse": "t", "cloze": " ",
               "order": "\r"}
ANSWERED = re.compile(r"Grade yourself|✓ Right|✗ Wrong")
CARD = re.compile(r"Q(\d+) ")


def time_grades(decks: Path, data: Path, config: Path, answers: int, cwd: Path,
                extra_env: dict[str, str] | None = None,
                kinds: list[str] | None = None) -> list[float]:
    """Grade key to next card painted, per answer; `kinds` (when given) gets each answered
    card's type, in the same order."""
    term = Terminal(app_argv(decks, data, config), cwd, extra_env)
    times: list[float] = []
    try:
        term.wait_for(re.compile(r"bench\s+\d+\s"))
        term.send("a")  # study all due
        term.wait_for(re.compile(r"0 done[^\n]*"))
        for done in range(answers):
            # Not timed: let the screen finish, then the last card id painted is the one shown.
            term.wait_for(CARD)
            term.settle()
            kind = TYPES[int(CARD.findall(term.text)[-1]) % len(TYPES)]
            term.send(ANSWER_KEYS[kind])
            term.wait_for(ANSWERED)
            sent = term.send("3")
            times.append(term.wait_for(re.compile(rf"\b{done + 1} done\b")) - sent)
            if kinds is not None:
                kinds.append(kind)
    finally:
        term.close()
    return times


def time_minimal_keys(answers: int, cwd: Path) -> list[float]:
    term = Terminal([sys.executable, "-c", MINIMAL_APP], cwd)
    times: list[float] = []
    try:
        term.wait_for(re.compile("READY 0 done"))
        for n in range(1, answers + 1):
            sent = term.send(" ")
            times.append(term.wait_for(re.compile(rf"READY {n} done")) - sent)
    finally:
        term.close()
    return times


@dataclass(frozen=True, slots=True)
class UIResult:
    start_frame: float  # the app's first frame
    start_app: float  # the deck listed
    start_counts: float  # its counts shown
    start_minimal: float
    grade_median: float
    grade_p99: float
    minimal_median: float
    minimal_p99: float
    typed_median: float | None = None  # the grade key after a typed card (lays out twice)
    typed_answers: int = 0

    @property
    def start_ratio(self) -> float:
        return self.start_app / self.start_minimal

    @property
    def grade_ratio(self) -> float:
        return self.grade_median / self.minimal_median


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def measure(*, cards: int = 10_000, reviews: int = 100_000, answers: int = 1000,
            starts: int = 3) -> UIResult:
    compile_package()
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as tmp:
        folder = Path(tmp)
        decks, data, config = prepare(cards, reviews, folder)
        # The deck's row: with "…" while counting, then with its numbers (other columns may follow).
        # When the counts come before the row was painted, the first frame with the row already
        # has them: that one is the listing too.
        counts_row = rf"bench\s+\d+\s+\d+\s+\d+\s+{cards}\s"
        marks = [re.compile("Loading decks"), re.compile(rf"bench[ …]+ {cards} |{counts_row}"),
                 re.compile(counts_row)]
        app_starts: list[list[float]] = []
        minimal_starts: list[float] = []
        cache = {"BRIEFING_QUIZ_CACHE": str(folder / "deck-cache")}
        # Parses the new deck, and keeps its counts for the next launch (services/
        # counts_summary.py), as any earlier session would have: it is left running a second.
        time_start(app_argv(decks, data, config), marks, folder, cache, linger=1.0)
        for _ in range(starts):  # alternate, so load on the machine hits both alike
            minimal_starts += time_start([sys.executable, "-c", MINIMAL_APP],
                                         [re.compile("READY 0 done")], folder)
            app_starts.append(time_start(app_argv(decks, data, config), marks, folder, cache))
        kinds: list[str] = []
        grades = time_grades(decks, data, config, answers, folder, cache, kinds)
        keys = time_minimal_keys(answers, folder)
    frame, listed, counted = (statistics.median(t[i] for t in app_starts) for i in range(3))
    return UIResult(
        start_frame=frame, start_app=listed, start_counts=counted,
        start_minimal=statistics.median(minimal_starts),
        grade_median=statistics.median(grades), grade_p99=p99(grades),
        minimal_median=statistics.median(keys), minimal_p99=p99(keys),
        typed_median=statistics.median(typed) if (typed := [
            t for t, kind in zip(grades, kinds, strict=True) if kind == "typed"]) else None,
        typed_answers=len(typed),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args(argv)
    r = measure(cards=args.cards, reviews=args.reviews, answers=args.answers, starts=args.starts)
    ms = 1000
    floor = r.start_minimal
    print(f"start-up, {args.cards:,} cards and {args.reviews:,} reviews (minimal Textual app: "
          f"{floor:.2f} s): first frame {r.start_frame:.2f} s ({r.start_frame / floor:.2f}x), "
          f"deck listed {r.start_app:.2f} s ({r.start_ratio:.2f}x, target <= {TARGET_START} "
          f"{'OK' if r.start_ratio <= TARGET_START else 'OVER'}), counts shown "
          f"{r.start_counts:.2f} s ({r.start_counts / floor:.2f}x)")
    print(f"grade key to next card painted, {args.answers} answers: median "
          f"{r.grade_median * ms:.1f} ms, p99 {r.grade_p99 * ms:.1f} ms; minimal app key to "
          f"repaint: median {r.minimal_median * ms:.1f} ms, p99 {r.minimal_p99 * ms:.1f} ms; "
          f"median ratio {r.grade_ratio:.2f} (target <= {TARGET_GRADE_MEDIAN}) "
          f"{'OK' if r.grade_ratio <= TARGET_GRADE_MEDIAN else 'OVER'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
