"""What `check --lint` adds to `check`: the lint of a deck vs `tomli.loads` of the same text.

Generates the deck of bench_deck_load.py (seeded, every card type), loads it once (untimed), then
times, in alternating rounds (best of each):
  - tomli: `tomli.loads(text)`, the floor every deck-loading row is compared with;
  - lint:  `services.checking.deck_warnings(deck)`, exactly what `check --lint` does per deck
    after `check` has loaded it: read the file again, run every rule (`core.lint`), place each
    warning at its line (`core.lint.fast.locator`, given the cards' header lines the load found,
    or `core.deckfile.locate_keys` with BRIEFING_QUIZ_NO_FAST_LINT=1). Each lint round is cold:
    the lint's word cache is emptied before it, as in a new `check` process (only compiled
    patterns stay between runs; the leak relation kept by digest is the study queue's, not the
    lint's).
Target: lint <= 0.3 x tomli (issue 12). The generated deck is a hard case for the lint: its text
is drawn from 21 words, so every answer is also written all over the deck (each a topic word,
which the leak pass must find cheaply) and it has thousands of warnings to place.

The clock is CPU time of this process by default (`--clock cpu`), as in bench_deck_load.py.

    python benchmarks/bench_lint.py [--cards N] [--rounds N] [--seed N] [--clock cpu|wall]

`measure()` returns the numbers for a benchmark runner.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

import tomli

from bench_deck_load import CLOCKS, _paused, _timed, generate_deck
from briefing_quiz.core.deckfile import load_deck
from briefing_quiz.core.lint.text import tokens
from briefing_quiz.services.checking import deck_warnings

TARGET_RATIO = 0.3


@dataclass(frozen=True, slots=True)
class LintResult:
    cards: int
    bytes: int
    warnings: int
    tomli_seconds: float  # best round
    lint_seconds: float   # best round

    @property
    def ratio(self) -> float:
        return self.lint_seconds / self.tomli_seconds

    @property
    def ok(self) -> bool:
        return self.ratio <= TARGET_RATIO


def measure(cards: int = 10_000, rounds: int = 5, seed: int = 0,
            clock: str = "cpu") -> LintResult:
    """Time both on the same generated deck, alternating rounds."""
    timer = CLOCKS[clock]
    text = generate_deck(cards, seed)
    with tempfile.TemporaryDirectory(prefix="bench-lint-") as folder:
        path = Path(folder) / "bench.toml"
        path.write_text(text, encoding="utf-8")
        deck = load_deck(path)
        warnings = len(deck_warnings(deck))  # also warms what the first call imports
        tomli_best = lint_best = float("inf")
        for _ in range(rounds):
            tomli_best = min(tomli_best, _timed(lambda: tomli.loads(text), timer))
            # Cold, as in a `check` process: no word list left over from the previous round.
            tokens.cache_clear()
            # `check` runs under the collector pause of services/gc_policy.py.
            lint_best = min(lint_best, _timed(lambda: _paused(deck_warnings, deck), timer))
    return LintResult(cards=cards, bytes=len(text.encode()), warnings=warnings,
                      tomli_seconds=tomli_best, lint_seconds=lint_best)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cards", type=int, default=10_000, help="cards in the generated deck")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (best one counts)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated deck")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                        help="cpu: CPU time of this process (default); wall: elapsed time")
    args = parser.parse_args(argv)
    if args.cards < 1 or args.rounds < 1:
        parser.error("--cards and --rounds must be at least 1")
    result = measure(args.cards, args.rounds, args.seed, args.clock)
    print(f"deck: {result.cards:,} cards, {result.bytes / 1e6:.2f} MB, {result.warnings:,} "
          f"warnings; {args.clock} time, best of {args.rounds}")
    print(f"tomli.loads : {result.tomli_seconds * 1000:8.1f} ms")
    print(f"lint        : {result.lint_seconds * 1000:8.1f} ms")
    verdict = "OK" if result.ok else "TOO SLOW"
    print(f"ratio {result.ratio:.2f}x (target <= {TARGET_RATIO}x): {verdict}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
