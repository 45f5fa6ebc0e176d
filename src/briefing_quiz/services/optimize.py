"""`briefing-quiz optimize [--deck ID] [--apply]`: FSRS-6 parameters fitted to one's own reviews.

The fit is fsrs-rs' (`fsrs-rs-python`, the Rust optimiser Anki uses: a small wheel, no torch). The
review log becomes fsrs-rs items in the core (`core.study.fitting`: study days, the time split);
here they are wrapped, fitted on the earlier reviews and evaluated on the later ones (log loss and
RMSE over recall bins, fsrs-rs' own `evaluate`) against fsrs' defaults and the parameters in use,
so what is printed is how each set predicts reviews it was not fitted on. `--apply` writes only
when the parameters fitted on the earlier reviews predict the later ones better than those in use,
as Anki does; what it writes is then fitted again on the whole log (`refit`: the latest reviews are
the most telling ones to leave out), and the memory states of the decks concerned are recomputed
from the log with them (`services.memory_states`; due dates kept).

`--apply` writes them into the config file with tomlkit, which keeps its comments and layout:
`parameters` and `parameters_fitted` under `[scheduler]`, or `[decks.ID]` with `--deck`. The new
text is checked by the config loader before it replaces the file (atomically).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.visible import one_line
from briefing_quiz.paths import Paths
from briefing_quiz.services.clock import local_zone, utc_now
from briefing_quiz.services.exit_codes import EXIT_OK, EXIT_PROBLEMS

if TYPE_CHECKING:
    from briefing_quiz.core.study.fitting import FitItem

__all__ = ["Evaluation", "FitResult", "Report", "fit", "optimize", "optimize_report", "refit",
           "write_parameters"]


#: Said after --apply, once the memory states are recomputed.
RECOMPUTED_NOTE = (
    "Memory states recomputed from the review log with them ({decks}): readiness and statistics "
    "use them now; due dates are kept, and each card's next interval follows the new "
    "parameters.")


@dataclass(frozen=True, slots=True)
class Evaluation:
    """How well one set of parameters predicts the test reviews (lower is better)."""

    log_loss: float
    rmse: float


@dataclass(frozen=True, slots=True)
class FitResult:
    parameters: tuple[float, ...]  # fitted on `train` reviews, clamped to fsrs' bounds
    train: int
    test: int
    default: Evaluation
    fitted: Evaluation
    in_use: Evaluation | None  # the config's own parameters, when it has some


def _rs_items(items: Sequence[FitItem]) -> list[object]:
    from fsrs_rs_python import FSRSItem, FSRSReview

    return [FSRSItem(reviews=[FSRSReview(rating, delta) for rating, delta in item.reviews])
            for item in items]


def fit(items: Sequence[FitItem], *, in_use: Sequence[float] | None = None,
        min_items: int | None = None) -> FitResult:
    """Fit on the earlier items, evaluate on the later ones (`core.study.fitting.time_split`).
    Raises BriefingQuizError when there are fewer than `min_items` (default `MIN_ITEMS`)."""
    from fsrs_rs_python import FSRS

    from briefing_quiz.core import fsrs_adapter
    from briefing_quiz.core.study.fitting import MIN_ITEMS, time_split

    least = MIN_ITEMS if min_items is None else min_items
    if len(items) < least:
        raise BriefingQuizError(
            f"too few reviews to fit parameters of your own: {len(items)} reviews made a day or "
            f"more after the previous one, at least {least} are needed. Keep studying (the "
            "default parameters serve meanwhile) and run optimize again later")
    train, test = time_split(items)
    train_rs, test_rs = _rs_items(train), _rs_items(test)
    defaults = fsrs_adapter.default_parameters()
    raw = FSRS(defaults).compute_parameters(train_rs)  # type: ignore[arg-type]
    fitted = _clamped(raw, fsrs_adapter.parameter_bounds())

    def judge(parameters: Sequence[float]) -> Evaluation:
        result = FSRS(parameters).evaluate(test_rs)  # type: ignore[arg-type]
        return Evaluation(float(result.log_loss), float(result.rmse_bins))

    return FitResult(fitted, len(train), len(test), judge(defaults), judge(fitted),
                     None if in_use is None else judge(in_use))


def refit(items: Sequence[FitItem]) -> tuple[float, ...]:
    """Parameters fitted on every item (what `--apply` writes, after `fit` judged the method on
    the time split), clamped and rounded as `fit`'s."""
    from fsrs_rs_python import FSRS

    from briefing_quiz.core import fsrs_adapter

    raw = FSRS(fsrs_adapter.default_parameters()).compute_parameters(
        _rs_items(items))  # type: ignore[arg-type]
    return _clamped(raw, fsrs_adapter.parameter_bounds())


def _clamped(values: Sequence[float],
             bounds: tuple[tuple[float, ...], tuple[float, ...]] | None) -> tuple[float, ...]:
    """fsrs-rs' parameters within py-fsrs' bounds (the two keep the same ones; this guards a
    drift), rounded to 4 decimals as Anki shows them."""
    out = [float(w) for w in values]
    if bounds is not None and len(bounds[0]) == len(out):
        out = [min(max(w, low), high) for w, low, high in zip(out, *bounds, strict=True)]
    return tuple(round(w, 4) for w in out)


@dataclass(frozen=True, slots=True)
class Report:
    """What `optimize` says: `lines` for stdout, `problem` (not written, why) for stderr."""

    lines: list[str]
    written: bool
    problem: str | None = None


def optimize(paths: Paths, deck_id: str | None, *, apply: bool, out: TextIO,
             err: TextIO) -> int:
    """The command: fit, print the comparison, and with `apply` write the parameters."""
    report = optimize_report(paths, deck_id, apply=apply, now=utc_now())
    for line in report.lines:
        print(line, file=out)
    if report.problem is not None:
        print(report.problem, file=err)
        return EXIT_PROBLEMS
    return EXIT_OK


def optimize_report(paths: Paths, deck_id: str | None, *, apply: bool, now: datetime,
                    min_items: int | None = None) -> Report:
    """Fit, compare and (with `apply`) write: the command's body, shared with the app's palette.
    A user-facing failure (no progress, too few reviews, a bad config) is a BriefingQuizError."""
    from briefing_quiz.config import load_config
    from briefing_quiz.core.progress.store import NoProgressError, Store
    from briefing_quiz.core.study.fitting import fit_items

    config = load_config(paths.config_file)
    settings = config.for_deck(deck_id) if deck_id else config.scheduler
    try:
        store = Store.open(paths.data_file, readonly=True)
    except NoProgressError:
        raise BriefingQuizError(f"no progress yet ({paths.data_file} does not exist): study "
                                "first, then fit parameters to your reviews") from None
    with store:
        if deck_id is not None and deck_id not in store.deck_ids():
            raise BriefingQuizError(f"no reviews of a deck with id {deck_id!r} in "
                                    f"{paths.data_file}")
        rows = store.rating_log(deck_id)
    items = fit_items(rows, local_zone(now), settings.day_starts_at_hour)
    result = fit(items, in_use=settings.parameters, min_items=min_items)
    whose = f"deck {deck_id}" if deck_id else "every deck"
    out = [f"FSRS-6 parameters fitted to {result.train} reviews of {whose}, judged on the "
           f"{result.test} latest ones (not used for the fit; lower is better):",
           f"  {'':<22}{'log loss':>9}{'RMSE':>9}"]
    shown = [("fsrs' defaults", result.default)]
    if result.in_use is not None:
        shown.append(("in use (your config)", result.in_use))
    shown.append(("fitted", result.fitted))
    out += [f"  {name:<22}{ev.log_loss:>9.4f}{ev.rmse:>9.4f}" for name, ev in shown]
    out.append("parameters = [" + ", ".join(f"{w:g}" for w in result.parameters) + "]")
    current = result.in_use or result.default
    better = result.fitted.log_loss < current.log_loss
    table = f"[decks.{deck_id}]" if deck_id else "[scheduler]"
    if not apply:
        if better:
            out.append(f"Not written; add --apply to write them into "
                       f"{one_line(str(paths.config_file))} under {table}.")
        else:  # --apply would refuse them too: do not suggest it
            out.append("Not written: they do not predict your later reviews better than those "
                       "in use; keep these, and run optimize again when you have more reviews.")
        return Report(out, written=False)
    if not better:
        return Report(out, written=False, problem=(
            "Not written: the fitted parameters do not predict your later reviews better than "
            f"those in use; {one_line(str(paths.config_file))} is unchanged."))
    final = refit(items)
    out.append(f"Fitted again on all {len(items)} reviews (the figures above judge the fit on "
               "the earlier ones):")
    out.append("parameters = [" + ", ".join(f"{w:g}" for w in final) + "]")
    write_parameters(paths.config_file, deck_id, final, now)
    out.append(f"Written into {one_line(str(paths.config_file))} under {table}.")
    out.append(RECOMPUTED_NOTE.format(decks=", ".join(_recompute(paths, now)) or "none stored"))
    return Report(out, written=True)


def _recompute(paths: Paths, now: datetime) -> list[str]:
    """Recompute the memory states of every deck whose parameters in use changed."""
    from briefing_quiz.config import load_config
    from briefing_quiz.core.progress.store import Store
    from briefing_quiz.services.memory_states import follow_parameters

    with Store.open(paths.data_file, create=False) as store:
        return follow_parameters(store, load_config(paths.config_file), store.deck_ids(), now=now)


def write_parameters(path: Path, deck_id: str | None, parameters: Sequence[float],
                     fitted_at: datetime) -> None:
    """Set `parameters` and `parameters_fitted` under [scheduler] (or [decks.ID]) of the config
    file, keeping every other line, comment and the layout (tomlkit); the file is created when
    missing. The result must load (`loads_config`) before it replaces the file."""
    import tomlkit

    from briefing_quiz.config import loads_config, read_config_text, replace_config
    from briefing_quiz.core.deckfile.rules import is_slug

    if deck_id is not None and not is_slug(deck_id):  # never a raw control or bidi in the file
        raise BriefingQuizError(f"{one_line(repr(deck_id))} is not a deck id")
    old = read_config_text(path) or ""  # a FIFO or /dev/zero refused, never waited on
    doc = tomlkit.parse(old)
    if deck_id is None:
        table = doc.setdefault("scheduler", tomlkit.table())
    else:
        decks = doc.setdefault("decks", tomlkit.table(is_super_table=True))
        table = decks.setdefault(deck_id, tomlkit.table())
    values = tomlkit.array()
    values.extend(float(w) for w in parameters)
    table["parameters"] = values
    table["parameters_fitted"] = fitted_at.replace(microsecond=0)
    text = tomlkit.dumps(doc)
    loads_config(text, path)  # raises ConfigError, naming the file, before anything is written
    replace_config(path, text, doing="write the fitted parameters")
