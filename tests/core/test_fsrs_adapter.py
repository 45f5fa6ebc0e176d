"""The fsrs adapter: every hook present in the installed fsrs, the drift check, the fallbacks, and
differential tests of the card copy and the SQL curve against fsrs' own behaviour."""

from __future__ import annotations

import copy
import math
import os
import random
import re
import sqlite3
import subprocess
import sys
import textwrap
import types
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import fsrs.scheduler
import pytest

from briefing_quiz.core import fsrs_adapter
from briefing_quiz.core.fsrs_adapter import (
    CHECKED_VERSIONS,
    FsrsHookMissing,
    SeededFuzz,
    check_fsrs,
    copy_card,
    recall_curve,
    recall_sql,
)
from briefing_quiz.core.progress import queries
from briefing_quiz.core.progress.derive import to_us
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

UTC = timezone.utc
T0 = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def _mature(card_id: int = 1) -> fsrs.Card:
    """A card in review whose next interval is long enough to be fuzzed."""
    return fsrs.Card(card_id=card_id, state=fsrs.State.Review, stability=40.0, difficulty=5.0,
                     due=T0, last_review=T0 - timedelta(days=30))


# -- the installed fsrs -----------------------------------------------------------------------------


def test_the_installed_fsrs_has_everything_the_adapter_relies_on() -> None:
    problems = check_fsrs()
    assert not problems, (
        "The installed fsrs changed what core/fsrs_adapter.py relies on:\n- "
        + "\n- ".join(problems))


def test_the_fsrs_pin_covers_the_checked_versions_and_nothing_older() -> None:
    """pyproject's fsrs range starts at the oldest checked release and stays below the next
    major, where the internals are free to change."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (pin,) = [d for d in project["project"]["dependencies"] if re.match(r"fsrs\s*[<>=~!]", d)]
    match = re.fullmatch(r"fsrs>=([\d.]+),<(\d+)", pin.replace(" ", ""))
    assert match, f"expected fsrs>=X,<Y in pyproject.toml, found {pin!r}"
    low, major = tuple(map(int, match[1].split("."))), int(match[2])

    def version(text: str) -> tuple[int, ...]:
        return tuple(map(int, text.split(".")[:3]))

    checked = sorted(map(version, CHECKED_VERSIONS))
    assert checked[0][:len(low)] == low, "the pin's lower bound is the oldest checked release"
    assert all(v[0] < major for v in checked)


def _fsrs_without_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Imitate an fsrs that copies cards without its module global `copy`: the name is gone from
    fsrs.scheduler, while `review_card` keeps its own view of the globals, so fsrs still works."""
    review_card = fsrs.Scheduler.review_card
    own_globals = dict(vars(fsrs.scheduler))
    monkeypatch.setattr(fsrs.Scheduler, "review_card", types.FunctionType(
        review_card.__code__, own_globals, review_card.__name__, review_card.__defaults__))
    monkeypatch.delattr(fsrs.scheduler, "copy")


# -- the drift check --------------------------------------------------------------------------------


def test_a_missing_fuzz_global_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(fsrs.scheduler, "random")
    (problem,) = check_fsrs()
    assert "fsrs.scheduler.random" in problem and "FsrsHookMissing" in problem
    assert "core/fsrs_adapter.py" in problem and "pyproject.toml" in problem


def test_a_missing_copy_global_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    _fsrs_without_copy(monkeypatch)
    (problem,) = check_fsrs()
    assert "fsrs.scheduler.copy" in problem and "core/fsrs_adapter.py" in problem


def test_fuzz_no_longer_drawn_through_the_global_is_reported(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The name still there but no longer used (fsrs drawing fuzz some other way) would silently
    unseed the fuzz: the check reviews a card to see the draw."""
    def unfuzzed(self: fsrs.Scheduler, *args: timedelta, **kwargs: timedelta) -> timedelta:
        return args[0] if args else kwargs["interval"]

    monkeypatch.setattr(fsrs.Scheduler, "_get_fuzzed_interval", unfuzzed)
    (problem,) = check_fsrs()
    assert "fsrs.scheduler.random" in problem


def test_missing_curve_constants_are_reported_and_computed_as_fsrs_does(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for retention in (0.8, 0.9, 0.97):
        scheduler = fsrs.Scheduler(desired_retention=retention)
        expected = recall_curve(scheduler)
        del scheduler._FACTOR, scheduler._DECAY
        assert recall_curve(scheduler) == expected  # the same floats, from the parameters
    real_init = fsrs.Scheduler.__init__

    def init(self: fsrs.Scheduler, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        del self._FACTOR, self._DECAY

    monkeypatch.setattr(fsrs.Scheduler, "__init__", init)
    # (fsrs' own reviews need the constants too, so the review probes of the other hooks fail
    # as well in this crude imitation of a release that renamed them.)
    assert any("_FACTOR" in problem and "_DECAY" in problem for problem in check_fsrs())


def test_a_card_that_is_not_a_plain_attribute_class_is_reported(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fsrs.Card, "__copy__", lambda self: self, raising=False)
    (problem,) = check_fsrs()
    assert "fsrs.Card as a plain attribute class" in problem


_WITHOUT_HOOKS = """
import importlib, pkgutil, sys
import types
import fsrs, fsrs.scheduler
{breakage}
import briefing_quiz
for module in pkgutil.walk_packages(briefing_quiz.__path__, "briefing_quiz."):
    if module.name != "briefing_quiz.__main__":
        importlib.import_module(module.name)
from datetime import datetime, timezone
from briefing_quiz.core import fsrs_adapter
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings
at = datetime(2024, 1, 1, tzinfo=timezone.utc)
card = Scheduler(SchedulerSettings(enable_fuzzing=False)).review(
    Scheduler().new_card(1), fsrs.Rating.Good, at)
try:
    Scheduler().review(card, fsrs.Rating.Good, at)
    print("FUZZED")
except BriefingQuizError as error:
    print("REFUSED", error)
for problem in fsrs_adapter.check_fsrs():
    print("PROBLEM", problem)
"""


@pytest.mark.parametrize(("breakage", "missing"), [
    ("review_card = fsrs.Scheduler.review_card\n"
     "fsrs.Scheduler.review_card = types.FunctionType(review_card.__code__, "
     "dict(vars(fsrs.scheduler)), review_card.__name__, review_card.__defaults__)\n"
     "del fsrs.scheduler.random, fsrs.scheduler.copy",
     ["fsrs.scheduler.random", "fsrs.scheduler.copy"]),
    ('sys.modules["fsrs.scheduler"] = None', ["the module fsrs.scheduler"]),
], ids=["module-globals", "module"])
def test_without_the_hooks_every_module_still_imports(breakage: str, missing: list[str]) -> None:
    """Every module of the program imports; a review without fuzz works; a fuzzed review is
    refused with the fix named; the check lists what is missing."""
    script = _WITHOUT_HOOKS.format(breakage=breakage)
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("REFUSED") and "fuzz = false" in lines[0], lines
    problems = [line for line in lines if line.startswith("PROBLEM")]
    for name in missing:
        assert any(name in problem for problem in problems), (name, problems)


# -- fallbacks at run time --------------------------------------------------------------------------


def test_fuzz_without_the_global_raises_only_when_a_fuzzed_review_is_made(
        monkeypatch: pytest.MonkeyPatch) -> None:
    card = _mature()
    monkeypatch.delattr(fsrs.scheduler, "random")
    plain = Scheduler(SchedulerSettings(enable_fuzzing=False))
    assert plain.review(card, fsrs.Rating.Good, T0).due > T0
    with pytest.raises(FsrsHookMissing, match=r"fsrs\.scheduler\.random.*fuzz = false"):
        Scheduler().review(card, fsrs.Rating.Good, T0)
    with pytest.raises(FsrsHookMissing), SeededFuzz(lambda: "x"):
        pass  # pragma: no cover - not reached


def test_without_the_copy_global_reviews_give_the_same_states(
        monkeypatch: pytest.MonkeyPatch) -> None:
    ratings = [fsrs.Rating(1 + i % 4) for i in range(12)]
    with_hook = Scheduler().replay(5, [(r, T0 + timedelta(days=3 * i)) for i, r in
                                       enumerate(ratings)])
    _fsrs_without_copy(monkeypatch)
    without = Scheduler().replay(5, [(r, T0 + timedelta(days=3 * i)) for i, r in
                                     enumerate(ratings)])
    assert without == with_hook


# -- fuzz seeding -----------------------------------------------------------------------------------


def test_seeded_fuzz_is_deterministic_and_restores_fsrs() -> None:
    before_random, before_copy = fsrs.scheduler.random, fsrs.scheduler.copy  # type: ignore[attr-defined]
    scheduler = fsrs.Scheduler(enable_fuzzing=True)

    def fuzzed(seed: str) -> datetime:
        with SeededFuzz(lambda: seed):
            return scheduler.review_card(_mature(), fsrs.Rating.Good, T0)[0].due

    assert fuzzed("a") == fuzzed("a")
    assert len({fuzzed(f"seed {i}") for i in range(30)}) > 3
    assert fsrs.scheduler.random is before_random  # type: ignore[attr-defined]
    assert fsrs.scheduler.copy is before_copy  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError), SeededFuzz(lambda: "a"):
        raise RuntimeError
    assert fsrs.scheduler.random is before_random  # type: ignore[attr-defined]


class _RefusingGlobals(dict[str, object]):
    """Stands in for fsrs.scheduler's globals: binding `refused` to anything new raises `error`
    (what an interruption in the middle of the swap would do)."""

    def __init__(self, refused: str, error: BaseException) -> None:
        super().__init__(random=random.random, copy=copy.copy)
        self.original = dict(self)
        self.refused, self.error = refused, error

    def __setitem__(self, name: str, value: object) -> None:
        if name == self.refused and value is not self.original[name]:
            raise self.error
        super().__setitem__(name, value)


@pytest.mark.parametrize(("refused", "error"), [
    ("random", RuntimeError("swap")), ("copy", KeyboardInterrupt()),
], ids=["random", "copy-interrupted"])
def test_a_failure_while_entering_seeded_fuzz_leaves_the_lock_free_and_fsrs_restored(
        monkeypatch: pytest.MonkeyPatch, refused: str, error: BaseException) -> None:
    names = _RefusingGlobals(refused, error)
    monkeypatch.setattr(fsrs_adapter, "_NAMES", names)
    monkeypatch.setattr(fsrs_adapter, "FAST_CARD_COPY", True)
    with pytest.raises(type(error)), SeededFuzz(lambda: "a"):
        pass  # pragma: no cover - not reached
    leaked = fsrs_adapter._FUZZ_LOCK.locked()
    if leaked:  # free it, so that this failure does not hang every later fuzzed review
        fsrs_adapter._FUZZ_LOCK.release()
    assert not leaked
    assert dict(names) == names.original  # what was swapped before the failure is put back
    monkeypatch.undo()
    with SeededFuzz(lambda: "a"):  # the lock can be taken again
        assert fsrs_adapter._FUZZ_LOCK.locked()
    assert not fsrs_adapter._FUZZ_LOCK.locked()


# -- differential tests -----------------------------------------------------------------------------


def _random_card(rng: random.Random) -> fsrs.Card:
    due = T0 + timedelta(microseconds=rng.randrange(10**14))
    return fsrs.Card(card_id=rng.randrange(1, 2**63), state=rng.choice(list(fsrs.State)),
                     step=rng.choice([None, 0, 1, 3]),
                     stability=rng.choice([None, rng.random() * 100, 0.0]),
                     difficulty=rng.choice([None, rng.random() * 10]), due=due,
                     last_review=rng.choice([None, due - timedelta(days=rng.random() * 90)]))


def test_the_fast_card_copy_equals_copy_copy() -> None:
    rng = random.Random(11)
    for _ in range(500):
        card = _random_card(rng)
        fast, plain = copy_card(card), copy.copy(card)
        assert fast is not card and type(fast) is type(plain) is fsrs.Card
        assert vars(fast) == vars(plain) and fast == plain
        fast.stability = -1.0  # a shallow copy: changing it leaves the original alone
        assert card.stability != -1.0
    # Anything that is not exactly an fsrs.Card goes through copy.copy.
    values: list[object] = [[1, 2], {"a": 1}, fsrs.Rating.Good]
    for value in values:
        assert copy_card(value) == copy.copy(value)


def test_the_card_copy_switch_defers_to_copy_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(fsrs_adapter, "copy", lambda value: calls.append(value) or value)
    card = _mature()
    copy_card(card)
    assert calls == []
    monkeypatch.setattr(fsrs_adapter, "FAST_CARD_COPY", False)
    copy_card(card)
    assert calls == [card]


@pytest.mark.parametrize(("value", "expected"), [("1", "False"), ("0", "True"), ("", "True")])
def test_the_environment_switches_the_card_copy_off(value: str, expected: str) -> None:
    code = "from briefing_quiz.core import fsrs_adapter; print(fsrs_adapter.FAST_CARD_COPY)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True,
                         env={**os.environ, "BRIEFING_QUIZ_NO_FAST_COPY": value})
    assert out.stdout.strip() == expected, value


@pytest.mark.parametrize("builtin_pow", [True, False], ids=["sqlite-pow", "python-pow"])
def test_the_sql_curve_equals_scheduler_retrievability(builtin_pow: bool) -> None:
    rng = random.Random(7)
    conn = sqlite3.connect(":memory:")
    if not builtin_pow:
        conn.create_function("pow", 2, math.pow, deterministic=True)
    queries.ensure_pow(conn)
    conn.execute("CREATE TABLE items (last_review_us INTEGER, stability REAL)")
    at_us = to_us(T0)
    own = list(Scheduler().settings.parameters or fsrs.Scheduler().parameters)
    own[20] = 0.42  # a decay of one's own: another curve
    for retention, parameters in ((0.8, None), (0.9, None), (0.97, tuple(own))):
        scheduler = Scheduler(SchedulerSettings(desired_retention=retention,
                                                parameters=parameters))
        factor, decay = scheduler.recall_curve
        sql = f"SELECT {recall_sql('?', '?', '?')} FROM items"
        for _ in range(1000):
            stability = rng.choice([rng.uniform(0.01, 2), rng.uniform(2, 40000)])
            last = T0 - timedelta(microseconds=rng.randrange(-2 * 86400 * 10**6,
                                                             4000 * 86400 * 10**6))
            card = fsrs.Card(card_id=1, state=fsrs.State.Review, stability=stability,
                             difficulty=5.0, due=T0, last_review=last)
            conn.execute("DELETE FROM items")
            conn.execute("INSERT INTO items VALUES (?, ?)", (to_us(last), stability))
            (value,) = conn.execute(sql, (factor, at_us, decay)).fetchone()
            assert value == scheduler.retrievability(card, T0), (stability, last)
    conn.close()


def test_fast_copies_bind_the_copy_for_a_batch_and_put_everything_back() -> None:
    names = vars(fsrs.scheduler)
    before = names["copy"]
    with fsrs_adapter.FastCopies():
        assert names["copy"] is fsrs_adapter.copy_card
        card = fsrs.Card(card_id=1, state=fsrs.State.Review, stability=5.0, difficulty=5.0,
                         due=T0, last_review=T0 - timedelta(days=5))
        inside, _ = fsrs.Scheduler(enable_fuzzing=False).review_card(card, fsrs.Rating.Good, T0)
    assert names["copy"] is before
    outside, _ = fsrs.Scheduler(enable_fuzzing=False).review_card(card, fsrs.Rating.Good, T0)
    assert inside.to_dict() == outside.to_dict()
    with SeededFuzz(lambda: "x"):  # the lock was released
        pass


def test_a_ranking_is_the_same_with_and_without_the_fast_copy(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing_quiz.core.model import ItemKey
    from briefing_quiz.core.study.briefing_rule import Candidate, choose_next

    rng = random.Random(5)
    candidates = []
    for i in range(200):
        last = T0 - timedelta(days=rng.randint(1, 30), minutes=rng.randint(0, 1439))
        state = None if i % 5 == 0 else fsrs.Card(
            card_id=i + 1, state=fsrs.State.Review, stability=rng.uniform(0.5, 60.0),
            difficulty=rng.uniform(1.0, 10.0), due=last + timedelta(days=3), last_review=last)
        candidates.append(Candidate(ItemKey("d", f"c{i}"), "typed", state))
    target = T0 + timedelta(days=3, hours=5)

    def ranking() -> list[tuple[str, float]]:
        return [(c.candidate.key.card_id, c.gain)
                for c in choose_next(candidates, target, T0, scheduler=Scheduler())]

    fast = ranking()
    monkeypatch.setattr(fsrs_adapter, "FAST_CARD_COPY", False)
    assert ranking() == fast
