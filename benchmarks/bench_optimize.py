"""`briefing-quiz optimize` on the standard workload against a direct fsrs-rs-python call.

Ours: `services.optimize.optimize_report` (no --apply): read the review log from the progress file,
turn it into fsrs-rs items (`core.study.fitting`), fit on the earlier 80%, evaluate the defaults and
the fitted parameters on the later 20%. The floor: the same log read with one plain SQL query,
turned into the same items, and one `FSRS.compute_parameters` call on all of them, which is what
any program fitting with fsrs-rs must do. Both in this process, CPU-bound, best of `repeat`.
Target (issue 13): ours <= 1.3x the floor.

    python benchmarks/bench_optimize.py STORE [--repeat N]
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

UTC = timezone.utc
TARGET = 1.3


def direct(store_path: Path) -> float:
    """Seconds: read (item, rating, time) from the log, build the items, compute_parameters."""
    from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview

    from briefing_quiz.core.study.fitting import fit_items

    started = time.perf_counter()
    with sqlite3.connect(f"file:{store_path}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT deck_id, card_id, item, rating, reviewed_at FROM reviews "
                            "ORDER BY id").fetchall()
    log = [((d, c, i), rating, datetime.fromisoformat(at)) for d, c, i, rating, at in rows]
    items = fit_items(log, UTC)
    rs = [FSRSItem(reviews=[FSRSReview(r, d) for r, d in item.reviews]) for item in items]
    FSRS(DEFAULT_PARAMETERS).compute_parameters(rs)
    return time.perf_counter() - started


def ours(store_path: Path, config_path: Path) -> float:
    """Seconds of `optimize` without --apply, log reading included."""
    from briefing_quiz.paths import Paths
    from briefing_quiz.services.optimize import optimize_report

    paths = Paths(data_file=store_path, config_file=config_path, deck_dirs=(),
                  user_decks_dir=store_path.parent)
    started = time.perf_counter()
    optimize_report(paths, None, apply=False, now=datetime.now(UTC), min_items=2)  # --tiny too
    return time.perf_counter() - started


def run(store_path: Path, repeat: int = 3) -> dict[str, float]:
    config = store_path.parent / "no-config.toml"
    mine, floor = [], []
    for _ in range(repeat):  # alternated, so that load on the machine hits both alike
        floor.append(direct(store_path))
        mine.append(ours(store_path, config))
    return {"ours_s": min(mine), "floor_s": min(floor), "ratio": min(mine) / min(floor)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("store", type=Path, help="a progress file (e.g. the workload's)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    result = run(args.store, args.repeat)
    print(f"optimize {result['ours_s']:.2f} s, direct compute_parameters {result['floor_s']:.2f} s: "
          f"{result['ratio']:.2f}x (target <= {TARGET}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
