"""`study --tag/--search [--cram] --plain` (issue 18 item 5) through `cli.main`."""

from __future__ import annotations

import pytest

from briefing_quiz.core.progress.store import Store
from tests.test_cli_briefing import Env, cli, env  # noqa: F401  (env is a fixture)


def test_study_by_tag_schedules_and_cram_saves_nothing(
        env: Env, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
        capsys: pytest.CaptureFixture[str]) -> None:
    # Cram the two "geo" cards (capital, then the cloze's two gaps): nothing saved.
    code, out, err = cli(env, "study", "--plain", "--tag", "geo", "--cram", "--seed", "1",
                         stdin="\n3\nKyiv\n3\nDnipro\n3\n", monkeypatch=monkeypatch,
                         capsys=capsys)
    assert code == 0, err
    assert out.startswith("STUDY 3 due: 3 new")
    assert [line.split()[2] for line in out.splitlines() if line.startswith("CARD")] == [
        "mini/capital", "mini/cz#1", "mini/cz#2"]
    assert "CRAMMED mini/capital 3 not saved, not scheduled" in out and "SAVED" not in out
    with Store.open(env["data"], readonly=True) as store:  # opened for suspend/bury: no review
        assert list(store.reviews()) == []
    # The same cards by text, scheduled as usual.
    code, out, err = cli(env, "study", "--plain", "--search", "capital of", stdin="\n3\n",
                         monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    assert "SAVED mini/capital 3 due" in out
    with Store.open(env["data"], readonly=True) as store:
        assert [r.key.card_id for r in store.reviews()] == ["capital"]


def test_custom_flags_do_not_mix_with_briefing(env: Env, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = cli(env, "study", "mini", "--plain", "--briefing", "--tag", "geo",
                          monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "not with --briefing or --test" in err
