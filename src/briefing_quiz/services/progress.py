"""The command line's progress commands: `stats`, `log`, `rebuild`, `brief` and `sheet`.

Each takes what the parsed arguments say (no argparse here), prints its report on `out` (and
notes on `err`), and returns the exit code; a user-facing failure is a BriefingQuizError, which
the command line prints as one line. The read-only commands never create the progress file.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Literal, TextIO

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.visible import one_line
from briefing_quiz.paths import Paths
from briefing_quiz.services.clock import local_zone, utc_now
from briefing_quiz.services.study_inputs import load_study_inputs, one_deck

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime

    from briefing_quiz.config import Config
    from briefing_quiz.core.model import Card, Deck
    from briefing_quiz.core.progress.marks import Flag
    from briefing_quiz.core.progress.store import Store
    from briefing_quiz.core.study.briefing_session import BriefingStatus
    from briefing_quiz.core.study.readiness import Readiness
    from briefing_quiz.core.study.statistics import Calibration, DeckStats, StatsReport

__all__ = ["brief", "rebuild", "review_log", "sheet", "stats"]

from briefing_quiz.services.exit_codes import EXIT_OK


def _no_progress(paths: Paths, err: TextIO, more: str = "") -> None:
    print(f"briefing-quiz: no progress yet ({one_line(str(paths.data_file))} does not exist){more}", file=err)


def _readonly_store(paths: Paths) -> Store | None:
    """The progress file opened read-only; None when it does not exist."""
    from briefing_quiz.core.progress.store import NoProgressError, Store

    try:
        return Store.open(paths.data_file, readonly=True)
    except NoProgressError:
        return None


def _report_unreadable(store: Store, err: TextIO) -> None:
    """Name each log row the command skipped because it could not be read (written by hand,
    damaged): by id, so that it can be found; the rest of the report is still right."""
    for row_id, why in sorted(store.unreadable.items()):
        print(f"briefing-quiz: warning: {one_line(str(store.path))}: log row {row_id} cannot be "
              f"read ({one_line(why)}); skipped", file=err)


def _count(n: int, noun: str) -> str:
    """'1 review', '2 reviews'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _weakest(ready: Readiness) -> str:
    """'diplomacy 31%, figures 40%': the weakest tags, rounded down."""
    return ", ".join(f"{tag} {math.floor(value * 100 + 1e-9)}%" for tag, value in ready.weakest)


def briefing_line(at: datetime, ready: Readiness | None, now: datetime) -> str:
    """'briefing in 2d 3h: readiness 64% — weakest: diplomacy 31%, figures 40%' (stats)."""
    from briefing_quiz.core.study.formatting import format_countdown, format_local

    if at <= now or ready is None:
        return (f"briefing {format_local(at)} has passed ({format_countdown(at - now, short=True)} "
                "ago)")
    weakest = _weakest(ready)
    return (f"briefing in {format_countdown(at - now, short=True)}: readiness {ready.text}"
            + (f" — weakest: {weakest}" if weakest else ""))


def parameters_line(own: tuple[float, ...] | None, fitted: datetime | None) -> str:
    """'FSRS parameters: your own, fitted Mon 2026-12-07 06:00' (stats)."""
    from briefing_quiz.core.study.formatting import format_local

    if own is None:
        return "FSRS parameters: fsrs' defaults (briefing-quiz optimize fits your own)"
    when = "set in the config" if fitted is None else f"fitted {format_local(fitted)}"
    return f"FSRS parameters: your own, {when}"


def calibration_line(fared: Calibration) -> str:
    """'forecasts: 130 reviews, predicted 88%, answered right 84%, calibration error 4.1
    points' (stats)."""
    if not fared.reviews or fared.predicted is None or fared.right is None or fared.ece is None:
        return "forecasts: no review yet of an item already studied"
    return (f"forecasts: {fared.reviews} reviews, predicted {fared.predicted:.0%}, answered "
            f"right {fared.right:.0%}, calibration error {fared.ece * 100:.1f} points")


def _banded(status: BriefingStatus | None, store: Store, config: Config) -> BriefingStatus | None:
    """`status` with its readiness given its band (from the deck's reviews with a forecast)."""
    import dataclasses

    from briefing_quiz.core.scheduler import Scheduler
    from briefing_quiz.core.study.statistics import calibration, readiness_band

    if status is None or status.readiness is None or status.readiness.band is not None:
        return status  # (`deck_readiness` gives it its band)
    fared = calibration(store.recall_log(status.deck_id), Scheduler(config.for_deck(status.deck_id)))
    band = readiness_band(status.readiness.overall, fared.reviews)
    return dataclasses.replace(status, readiness=dataclasses.replace(status.readiness, band=band))


def _calibrations(report: StatsReport, store: Store | None,
                  config: Config) -> dict[str, Calibration]:
    """Each reported deck's calibration, and its readiness given its band (in place)."""
    import dataclasses

    from briefing_quiz.core.scheduler import Scheduler
    from briefing_quiz.core.study.statistics import Calibration, calibration, readiness_band

    out: dict[str, Calibration] = {}
    for index, d in enumerate(report.decks):
        fared = (Calibration((), 0, None, None, None) if store is None else
                 calibration(store.recall_log(d.deck_id), Scheduler(config.for_deck(d.deck_id))))
        out[d.deck_id] = fared
        if d.readiness is not None:
            ready = dataclasses.replace(
                d.readiness, band=readiness_band(d.readiness.overall, fared.reviews))
            report.decks[index] = dataclasses.replace(d, readiness=ready)
    return out


def banded(report: StatsReport, store: Store | None, config: Config) -> list[DeckStats]:
    """The decks of `report`, those with a readiness (a briefing ahead) given its band: their
    logs only are read, not every deck's (the decks screen)."""
    import dataclasses

    from briefing_quiz.core.scheduler import Scheduler
    from briefing_quiz.core.study.statistics import calibration, readiness_band

    out = list(report.decks)
    for index, d in enumerate(out):
        if d.readiness is not None and d.readiness.band is None and store is not None:
            fared = calibration(store.recall_log(d.deck_id), Scheduler(config.for_deck(d.deck_id)))
            out[index] = dataclasses.replace(d, readiness=dataclasses.replace(
                d.readiness, band=readiness_band(d.readiness.overall, fared.reviews)))
    return out


def stats(paths: Paths, deck_id: str | None, *, as_json: bool, out: TextIO, err: TextIO) -> int:
    """Progress per deck (every deck, or `deck_id`), as text or as one JSON object."""
    from briefing_quiz.core.study.statistics import collect_stats

    config, decks = load_study_inputs(paths, (), err)
    now = utc_now()
    store = _readonly_store(paths)
    if store is None:
        _no_progress(paths, err)
    try:
        known = {d.id for d in decks}
        from briefing_quiz.services.suggest import did_you_mean

        if deck_id and store is not None and deck_id not in known | set(store.deck_ids()):
            raise BriefingQuizError(f"no deck with id {deck_id!r} and no progress for it"
                                    f"{did_you_mean(deck_id, known)}")
        if deck_id and store is None and deck_id not in known:
            raise BriefingQuizError(f"no deck with id {deck_id!r}{did_you_mean(deck_id, known)}")
        report = collect_stats(decks, store, config, now=now, tz=local_zone(now), deck_id=deck_id)
        fared = _calibrations(report, store, config)
        flags = [] if store is None else list(store.marks.flags(deck_id).values())
    finally:
        if store is not None:
            _report_unreadable(store, err)
            store.close()
    stale = _stale(decks, deck_id, now)
    if as_json:
        print(json.dumps({
            "data_file": str(paths.data_file), "progress": store is not None,
            "decks": [{**d.to_json(), "calibration": fared[d.deck_id].to_json()}
                      for d in report.decks],
            "orphaned": [str(k) for k in report.orphaned],
            "flagged": [f.to_json() for f in flags],
            "stale": {deck: [{"card": c.id, "since": since.isoformat()} for c, since in cards]
                      for deck, cards in stale.items()}}, ensure_ascii=False), file=out)
        return EXIT_OK
    for d in report.decks:
        recall = "-" if d.mean_retrievability is None else f"{d.mean_retrievability:.0%}"
        print(f"{d.deck_id}  {d.title}\n"
              f"  cards {d.cards}  items {d.items}  new {d.new}  learning {d.learning}  "
              f"review {d.review}  suspended {d.suspended}\n"
              f"  due now {d.due_now}  leeches {d.leeches}  reviews today {d.reviews_today}  "
              f"recall now {recall}", file=out)
        if d.briefing_at is not None:
            print(f"  {briefing_line(d.briefing_at, d.readiness, now)}", file=out)
        print(f"  {parameters_line(d.parameters, d.parameters_fitted)}", file=out)
        print(f"  {calibration_line(fared[d.deck_id])}", file=out)
        if stale.get(d.deck_id):
            listed = ", ".join(f"{c.id} (since {since})" for c, since in stale[d.deck_id])
            print(f"  stale facts (past their valid_until) {len(stale[d.deck_id])}: {listed}",
                  file=out)
    _print_flags(flags, out)
    if report.orphaned:
        shown = ", ".join(str(k) for k in report.orphaned[:10])
        more = f" and {len(report.orphaned) - 10} more" if len(report.orphaned) > 10 else ""
        print(f"orphaned items (progress kept, card no longer in a deck): "
              f"{len(report.orphaned)}: {shown}{more}", file=out)
    if not report.decks and not report.orphaned:
        print("no decks", file=out)
    return EXIT_OK


def _print_flags(flags: Sequence[Flag], out: TextIO) -> None:
    """The flagged cards (browse `*`, study `*`), one a line with its note, oldest first."""
    from briefing_quiz.core.visible import one_line

    if flags:
        print(f"flagged cards {len(flags)}:", file=out)
    for flag in flags:
        note = f"  {one_line(flag.note[:200])}" if flag.note else ""
        print(f"  {one_line(str(flag.key))}{note}  (flagged {flag.at:%Y-%m-%d})", file=out)


def review_log(paths: Paths, deck_id: str | None, *, out: TextIO, err: TextIO) -> int:
    """The review log (of every deck, or `deck_id`) as JSON lines, oldest first."""
    store = _readonly_store(paths)
    if deck_id is not None and (store is None or deck_id not in store.deck_ids()):
        # As stats does: an id that is neither a deck nor in the progress file is a mistake.
        _config, decks = load_study_inputs(paths, (), err)
        if deck_id not in {d.id for d in decks}:
            if store is not None:
                store.close()
            raise BriefingQuizError(f"no deck with id {deck_id!r} and no progress for it")
    if store is None:
        _no_progress(paths, err)
        return EXIT_OK
    with store:
        for record in store.reviews(deck_id):
            out.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")
        _report_unreadable(store, err)
    return EXIT_OK


def rebuild(paths: Paths, *, out: TextIO, err: TextIO) -> int:
    """Recompute every item's state from the review log; say how many differed."""
    from briefing_quiz.core.errors import StoreError
    from briefing_quiz.core.progress.store import NoProgressError, Store

    try:
        store = Store.open(paths.data_file, create=False, check=False)  # checks fully below
    except NoProgressError:
        _no_progress(paths, err, "; nothing to rebuild")
        return EXIT_OK
    with store:
        check = store.integrity_check()
        if check != "ok":
            detail = next((ln for ln in check.splitlines() if not ln.startswith("***")), "?")
            raise StoreError(f"{paths.data_file} is damaged ({detail[:200]}): its pages, not only "
                             "the item states, so rebuilding cannot help; restore a backup")
        try:
            before = store.states()
        except StoreError:  # the derived table is what is damaged: the log alone rebuilds it
            print(f"briefing-quiz: the stored item states of {one_line(str(paths.data_file))} "
                  "cannot be read; rebuilding them from the review log alone", file=err)
            before = {}
        from briefing_quiz.services.counts_summary import forget

        forget(paths.cache_dir, paths.data_file)  # item states rewritten without a log row
        count = store.rebuild()
        _report_unreadable(store, err)
        after = store.states()
        differed = sum(1 for key in before.keys() | after.keys()
                       if before.get(key) != after.get(key))
        reviews = sum(1 for _ in store.reviews())
    print(f"rebuilt {_count(count, 'item')} from {_count(reviews, 'review')} in "
          f"{one_line(str(paths.data_file))}; {differed} differed from the stored state", file=out)
    return EXIT_OK


def brief(paths: Paths, deck_id: str, *, at: str | None, clear: bool, out: TextIO,
          err: TextIO, as_json: bool = False) -> int:
    """Set (`at`, local time), clear, or show the time of a deck's briefing and its readiness."""
    from briefing_quiz.core.progress.store import NoProgressError, Store
    from briefing_quiz.core.study.briefing_session import briefing_status, set_briefing
    from briefing_quiz.core.study.formatting import format_local

    if at is not None and clear:
        raise BriefingQuizError("give either --at TIME or --clear, not both")
    config, deck = one_deck(paths, [deck_id], "brief", err)
    now = utc_now()
    how = f'briefing-quiz brief {deck.id} --at "YYYY-MM-DD HH:MM"'
    if clear:
        try:
            store = Store.open(paths.data_file, create=False)
        except NoProgressError:
            print(f"{deck.id}: no briefing time was set", file=out)
            return EXIT_OK
        with store:
            cleared = store.clear_briefing_target(deck.id)
        print(f"{deck.id}: briefing time cleared" if cleared
              else f"{deck.id}: no briefing time was set", file=out)
        return EXIT_OK
    if at is not None:
        with Store.open(paths.data_file) as store:
            set_briefing(store, deck.id, at, now=now)  # local time of this machine
            status = _banded(briefing_status(deck, store, config, now=now), store, config)
    else:
        readonly = _readonly_store(paths)
        status = None
        if readonly is not None:
            with readonly:
                status = _banded(briefing_status(deck, readonly, config, now=now), readonly,
                                 config)
    if as_json:
        from briefing_quiz.services.json_output import brief_json

        brief_json(deck.id, status, typed=at, out=out)
        return EXIT_OK
    if status is None:
        print(f"{deck.id}: no briefing time set; set one with: {how}", file=out)
        return EXIT_OK
    verb = "set to" if at is not None else "at"
    typed = f", read from {at!r}" if at is not None else ""  # the exact time understood
    print(f"{deck.id}: briefing {verb} {format_local(status.at)} ({status.countdown()}){typed}",
          file=out)
    if status.readiness is None:
        print(f"the briefing time has passed: set a new one with {how}", file=out)
        return EXIT_OK
    ready = status.readiness
    weakest = _weakest(ready)
    print(f"readiness {ready.text} ({_count(ready.items, 'item')})"
          + (f" — weakest: {weakest}" if weakest else ""), file=out)
    return EXIT_OK


def sheet(paths: Paths, deck_id: str, *, fmt: Literal["md", "txt"], out: TextIO, err: TextIO,
          as_json: bool = False) -> int:
    """A deck's facts, weakest first, as Markdown (`md`) or text (`txt`), or JSON."""
    from briefing_quiz.core.study.sheet import build_sheet

    config, deck = one_deck(paths, [deck_id], "sheet", err)
    store = _readonly_store(paths)  # None: nothing studied yet, every fact is shown as new
    try:
        if as_json:
            from briefing_quiz.services.json_output import sheet_json

            sheet_json(deck, store, config, now=utc_now(), out=out)
            return EXIT_OK
        text = build_sheet(deck, store, config, now=utc_now(), fmt=fmt)
    finally:
        if store is not None:
            _report_unreadable(store, err)
            store.close()
    out.write(text)
    return EXIT_OK


def _stale(decks: Sequence[Deck], deck_id: str | None,
           now: datetime) -> dict[str, list[tuple[Card, date]]]:
    """Per deck, its cards past their `valid_until` on today's local date."""
    from briefing_quiz.services.evidence import stale_cards

    today = now.astimezone(local_zone(now)).date()
    found = {deck.id: stale_cards(deck, today) for deck in decks
             if deck_id is None or deck.id == deck_id}
    return {key: cards for key, cards in found.items() if cards}
