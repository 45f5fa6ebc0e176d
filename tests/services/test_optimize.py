"""`briefing-quiz optimize`: the log as fsrs-rs items, the fit, and `--apply`."""

from __future__ import annotations

import math
import random
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest

from briefing_quiz.cli import main
from briefing_quiz.config import load_config
from briefing_quiz.core import fsrs_adapter
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.model import ItemKey
from briefing_quiz.core.progress.replay import fingerprint
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.study.fitting import FitItem, fit_items, time_split
from briefing_quiz.services.optimize import fit, write_parameters
from tests.conftest import StoreFactory
from tests.core.study.conftest import review

UTC = timezone.utc
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def student_log(seed: int, items: int = 120, days: int = 90) -> list[tuple[ItemKey, int, datetime]]:
    """A simulated student whose memory follows FSRS-6 (in continuous time) with parameters far
    from the defaults, reviewing each item when fsrs (default parameters) says it is due."""
    rng = random.Random(seed)
    low, high = fsrs_adapter.parameter_bounds() or ((), ())
    own = [min(max(w * math.exp(rng.gauss(0.0, 0.5)), lo), hi)
           for w, lo, hi in zip(fsrs_adapter.default_parameters(), low, high, strict=True)]
    own[0:4] = [w / 3 for w in own[0:4]]  # a student who forgets much faster than the defaults
    truth = fsrs.Scheduler(parameters=own, enable_fuzzing=False)
    factor, decay = fsrs_adapter.recall_curve(truth)
    schedule = fsrs.Scheduler(enable_fuzzing=False)
    log: list[tuple[ItemKey, int, datetime]] = []
    for i in range(items):
        key = ItemKey("d", f"c{i}")
        mine, theirs = fsrs.Card(card_id=i + 1), fsrs.Card(card_id=i + 1)
        at = START + timedelta(days=rng.randrange(20), minutes=rng.randrange(600))
        while at < START + timedelta(days=days):
            if theirs.last_review is None or theirs.stability is None:
                rating = fsrs.Rating.Good if rng.random() < 0.6 else fsrs.Rating.Again
            else:
                p = fsrs_adapter.recall((factor, decay), theirs.stability,
                                        fsrs_adapter.elapsed_days(theirs.last_review, at))
                rating = fsrs.Rating.Good if rng.random() < p else fsrs.Rating.Again
            theirs, _ = truth.review_card(theirs, rating, at)
            mine, _ = schedule.review_card(mine, rating, at)
            log.append((key, int(rating), at))
            at = max(mine.due, at + timedelta(minutes=1)) + timedelta(minutes=rng.randrange(240))
    log.sort(key=lambda row: row[2])
    return log


def test_log_to_items_counts_study_days_and_predicts_only_later_days() -> None:
    k = ItemKey("d", "a")
    day = START.replace(hour=10)
    rows = [(k, 1, day), (k, 3, day + timedelta(minutes=10)),   # learning steps, same day
            (k, 3, day + timedelta(days=1, hours=8)),           # next study day
            (k, 2, day + timedelta(days=4, hours=-9))]          # 01:00 three days on: day 2
    items = fit_items(rows, UTC, hour=4)
    assert [item.reviews for item in items] == [
        ((1, 0), (3, 0), (3, 1)),
        ((1, 0), (3, 0), (3, 1), (2, 2)),
    ]
    train, test = time_split([FitItem(START + timedelta(days=i), ()) for i in range(10)])
    assert [t.at.day for t in test] == [13, 14] and len(train) == 8


@pytest.mark.parametrize("seed", [3, 5])
def test_fitted_parameters_beat_the_defaults_for_a_student_unlike_them(seed: int) -> None:
    items = fit_items(student_log(seed, items=300, days=120), UTC)
    assert len(items) > 1000
    result = fit(items)
    assert result.train + result.test == len(items)
    assert result.fitted.log_loss < result.default.log_loss
    assert len(result.parameters) == 21
    assert result.parameters != tuple(round(w, 4) for w in fsrs_adapter.default_parameters())


def test_too_few_reviews_are_refused_with_a_clear_message() -> None:
    items = fit_items(student_log(seed=4, items=5, days=20), UTC)
    with pytest.raises(BriefingQuizError, match=r"too few reviews .* at least 200 are needed"):
        fit(items)


def test_apply_keeps_the_config_comments_and_layout(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    original = ('# my settings\ntheme = "nord"  # the app remembers it\n\n[scheduler]\n'
                "desired_retention = 0.92  # a little more\n\n[decks.feb2022]\nfuzz = false\n")
    path.write_text(original, encoding="utf-8")
    fitted = tuple(round(w * 1.1, 4) for w in fsrs_adapter.default_parameters())
    at = datetime(2026, 12, 7, 6, 0, 30, 123, tzinfo=UTC)
    write_parameters(path, "feb2022", fitted, at)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(original.rstrip("\n"))  # every line kept as written
    config = load_config(path)
    assert config.for_deck("feb2022").parameters == fitted
    assert config.for_deck("feb2022").parameters_fitted == at.replace(microsecond=0)
    assert config.scheduler.parameters is None and config.scheduler.desired_retention == 0.92
    write_parameters(path, None, fitted, at)
    assert load_config(path).scheduler.parameters == fitted
    assert "# the app remembers it" in path.read_text(encoding="utf-8")


def items_of(data: Path) -> list[FitItem]:
    with Store.open(data, readonly=True) as store:
        return fit_items(store.rating_log(None), None)


def test_the_command_fits_prints_and_applies(tmp_path: Path, open_store: StoreFactory,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    data, config = tmp_path / "progress.sqlite3", tmp_path / "config.toml"
    config.write_text("# mine\n[scheduler]\ndesired_retention = 0.9\n", encoding="utf-8")
    store = open_store(data)
    for key, rating, at in student_log(seed=5, items=300, days=120):
        review(store, key, fsrs.Rating(rating), at)
    store.close()
    common = ["--data", str(data), "--config", str(config), "--decks", str(tmp_path)]
    assert main(["optimize", *common]) == 0
    out = capsys.readouterr().out
    assert re.search(r"fitted to \d+ reviews of every deck, judged on the \d+ latest", out)
    default, fitted = (float(re.search(rf"{name} +(\d\.\d+)", out).group(1))  # type: ignore[union-attr]
                       for name in ("fsrs' defaults", "fitted"))
    assert fitted < default and "add --apply" in out
    assert load_config(config).scheduler.parameters is None
    logged = {k: s.card for k, s in open_store(data, readonly=True).states().items()}
    assert main(["optimize", "--deck", "d", "--apply", *common]) == 0
    out = capsys.readouterr().out
    assert "Written into" in out and "Memory states recomputed from the review log" in out
    evaluated, written = re.findall(r"^parameters = \[(.*)\]$", out, re.M)
    applied = load_config(config).for_deck("d").parameters
    assert applied is not None and ", ".join(f"{w:g}" for w in applied) == written
    assert written != evaluated  # fitted again, on the whole log
    assert f"Fitted again on all {len(items_of(data))} reviews" in out
    with open_store(data, readonly=True) as after:
        assert after.memory_fingerprints() == {"d": fingerprint(applied)}
        now = after.states()
    assert all(now[k].card.due == c.due and now[k].card.stability != c.stability  # type: ignore[union-attr]
               for k, c in logged.items() if c is not None)
    assert config.read_text(encoding="utf-8").startswith("# mine\n")
    assert main(["optimize", "--deck", "nope", *common]) == 1
    assert "no reviews of a deck with id 'nope'" in capsys.readouterr().err


def test_apply_through_a_linked_config_keeps_the_link(tmp_path: Path) -> None:
    """A config linked from a dotfiles folder: the file it names gets the parameters, the link
    stays a link (it was replaced by a regular file, and the dotfiles copy left unchanged)."""
    real = tmp_path / "dotfiles" / "config.toml"
    real.parent.mkdir()
    real.write_text("# mine\n", encoding="utf-8")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    fitted = tuple(round(w * 1.1, 4) for w in fsrs_adapter.default_parameters())
    write_parameters(link, None, fitted, datetime(2026, 12, 7, tzinfo=UTC))
    assert link.is_symlink()
    assert load_config(real).scheduler.parameters == fitted
    assert real.read_text(encoding="utf-8").startswith("# mine\n")


def test_apply_leaves_a_read_only_config_alone(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# frozen\n", encoding="utf-8")
    path.chmod(0o444)
    with pytest.raises(BriefingQuizError, match="read-only"):
        write_parameters(path, None, fsrs_adapter.default_parameters(),
                         datetime(2026, 12, 7, tzinfo=UTC))
    assert path.read_text(encoding="utf-8") == "# frozen\n"
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_apply_never_waits_on_a_fifo_config(tmp_path: Path) -> None:
    import os
    import threading

    path = tmp_path / "config.toml"
    os.mkfifo(path)
    caught: list[BaseException] = []

    def write() -> None:
        try:
            write_parameters(path, None, fsrs_adapter.default_parameters(),
                             datetime(2026, 12, 7, tzinfo=UTC))
        except BriefingQuizError as error:
            caught.append(error)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    writer.join(10)
    assert not writer.is_alive(), "write_parameters waited on a FIFO"
    assert caught and "not a settings file" in str(caught[0])


@pytest.mark.parametrize("deck_id", ["h\u202e", "h\x1b[2J", 'h"]\n[scheduler'])
def test_apply_writes_no_hostile_deck_id_into_the_config(tmp_path: Path, deck_id: str) -> None:
    """tomlkit escapes C0 controls in a key but writes U+202E raw: only a deck id is written."""
    path = tmp_path / "config.toml"
    with pytest.raises(BriefingQuizError, match="is not a deck id"):
        write_parameters(path, deck_id, fsrs_adapter.default_parameters(),
                         datetime(2026, 12, 7, tzinfo=UTC))
    assert not path.exists()


def test_a_fit_that_is_no_better_is_not_offered_for_apply(
        tmp_path: Path, open_store: StoreFactory, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen on a 600-review log: 'Not written (they do not predict ... better); add --apply to
    write them', and then --apply refused them. A fit no better than the parameters in use is
    said to be kept out, and --apply is not suggested."""
    from briefing_quiz.core import fsrs_adapter
    from briefing_quiz.services import optimize as module

    data, config = tmp_path / "progress.sqlite3", tmp_path / "config.toml"
    store = open_store(data)
    for key, rating, at in student_log(seed=5, items=300, days=120):
        review(store, key, fsrs.Rating(rating), at)
    store.close()
    defaults = tuple(fsrs_adapter.default_parameters())
    worse = module.FitResult(defaults, 200, 50, module.Evaluation(0.30, 0.05),
                             module.Evaluation(0.40, 0.07), None)
    monkeypatch.setattr(module, "fit", lambda *a, **k: worse)
    common = ["--data", str(data), "--config", str(config), "--decks", str(tmp_path)]
    assert main(["optimize", *common]) == 0
    out = capsys.readouterr().out
    assert "do not predict your later reviews better" in out and "--apply" not in out
    assert not config.exists()
