"""The coverage memo (services/coverage_memo.py) gives what measuring gives, and measures again
whenever the source text or the quotes change."""

from __future__ import annotations

import random

import pytest

from briefing_quiz.core import coverage as core_coverage
from briefing_quiz.services import coverage_memo

SENTENCES = [
    "On 11 February 2022, Jake Sullivan warned that an invasion could begin at any time.",
    "Russia had massed some 130,000 troops near Ukraine's borders.",
    "The United States ordered 3,000 more soldiers to Poland and Romania.",
    "Macron met Putin in Moscow for five hours on 7 February.",
    "Nothing here has a number.",
    "Peskov said only Washington could settle the matter.",
    "In 2014 Russia seized Crimea and backed fighters in the Donbas.",
]


@pytest.fixture(autouse=True)
def empty_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(coverage_memo.SWITCH_OFF_VARIABLE, raising=False)
    coverage_memo._kept.clear()


def counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = core_coverage.measure_coverage

    def measure(text: str, quotes: object) -> core_coverage.Coverage:
        calls.append(1)
        return real(text, quotes)  # type: ignore[arg-type]

    monkeypatch.setattr(core_coverage, "measure_coverage", measure)
    return calls


def test_the_memo_gives_what_measuring_gives_on_random_sources() -> None:
    rng = random.Random(12)
    for _ in range(40):
        text = "\n\n".join(rng.sample(SENTENCES, rng.randint(1, len(SENTENCES))))
        quotes = [s.split(",")[0] for s in rng.sample(SENTENCES, rng.randint(0, 3))]
        expected = core_coverage.measure_coverage(text, quotes)
        assert coverage_memo.coverage_of(text, quotes) == expected
        assert coverage_memo.coverage_of(text, iter(quotes)) == expected  # from the memo


def test_a_second_call_is_not_measured_but_an_edit_is(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting(monkeypatch)
    text, quotes = "\n\n".join(SENTENCES), ["Russia had massed some 130,000 troops"]
    first = coverage_memo.coverage_of(text, quotes)
    assert coverage_memo.coverage_of(text, quotes) is first and len(calls) == 1
    edited = coverage_memo.coverage_of(text.replace("130,000", "100,000"), quotes)
    assert len(calls) == 2 and edited != first
    requoted = coverage_memo.coverage_of(text, [*quotes, "Macron met Putin in Moscow"])
    assert len(calls) == 3 and requoted.covered == first.covered + 1


def test_switched_off_every_call_measures(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting(monkeypatch)
    monkeypatch.setenv(coverage_memo.SWITCH_OFF_VARIABLE, "1")
    for _ in range(3):
        coverage_memo.coverage_of(SENTENCES[0], [])
    assert len(calls) == 3 and not coverage_memo._kept


def test_at_most_kept_results_are_held(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = counting(monkeypatch)
    for i in range(coverage_memo.KEPT + 3):
        coverage_memo.coverage_of(f"Sentence number {i} of 2022.", [])
    assert len(coverage_memo._kept) == coverage_memo.KEPT
    coverage_memo.coverage_of("Sentence number 0 of 2022.", [])  # dropped first: measured again
    assert len(calls) == coverage_memo.KEPT + 4
