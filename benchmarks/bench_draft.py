"""Time to draft a deck from a 10,000-word source (target: under 2 s), in process.

The text is the test memo `tests/data/source/harbour-memo.md` repeated, each copy with its figures
shifted so that no sentence repeats, up to the number of words asked. What is timed is
`authoring.drafting.write_draft`: reading the source, cutting it into sentences, finding the facts,
making the cards, rendering the deck, loading it and checking every quote against the source, and
writing it. The first run (which imports pysbd) is counted with the others.

    python benchmarks/bench_draft.py [--words N] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEMO = ROOT / "tests" / "data" / "source" / "harbour-memo.md"
TARGET_MS = 2000.0


def source_text(words: int) -> str:
    """The memo repeated until it has `words` words, every copy's numbers shifted."""
    memo = MEMO.read_text(encoding="utf-8")
    parts: list[str] = []
    count = copy = 0
    while count < words:
        copy += 1
        shifted = re.sub(r"\d+", lambda m, n=copy: str(int(m.group()) + n), memo)
        parts.append(shifted.replace("# ", f"# Part {copy}: ", 1))
        count += len(shifted.split())
    return "\n\n".join(parts)


def run(words: int = 10_000, repeat: int = 3) -> dict[str, float]:
    from briefing_quiz.authoring.drafting import write_draft

    timings: list[float] = []
    with tempfile.TemporaryDirectory(prefix="briefing-quiz-draft-") as tmp:
        folder = Path(tmp)
        src = folder / "source.md"
        text = source_text(words)
        src.write_text(text, encoding="utf-8")
        for _ in range(repeat):
            started = time.perf_counter()
            drafted = write_draft(src, folder / "draft.toml", deck_id="draft", title="Draft",
                                  force=True)
            timings.append((time.perf_counter() - started) * 1000)
    return {"median_ms": statistics.median(timings), "first_ms": timings[0],
            "words": float(len(text.split())), "cards": float(len(drafted.draft.cards))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    result = run(args.words, args.repeat)
    print(json.dumps(result))
    return 0 if result["median_ms"] < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
