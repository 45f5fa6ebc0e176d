"""The plain study loop, driven in-process through text streams with a fake clock."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fsrs import Rating

from briefing_quiz.config import Config
from briefing_quiz.core.cloze import parse_cloze
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    Deck,
    ItemKey,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)
from briefing_quiz.core.progress.store import Store
from briefing_quiz.core.scheduler import SchedulerSettings
from briefing_quiz.core.study.session import StudySession
from briefing_quiz.plain import run_plain
from tests.conftest import FrozenClock, StoreFactory

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SAVED = re.compile(r"^SAVED (\S+) ([1-4]) due (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00)$")


def ticking_clock(now: datetime = T0) -> FrozenClock:
    """Every look at the clock: two seconds later."""
    return FrozenClock(now, step=timedelta(seconds=2))


@pytest.fixture
def store(open_store: StoreFactory) -> Store:
    return open_store()


def deck(*cards: Card) -> Deck:
    return Deck(id="d", title="D", path=None, cards=tuple(cards))


def run(store: Store, cards: Sequence[Card] | Deck, typed: str, *, seed: int = 7,
        cfg: Config | None = None) -> tuple[int, list[str]]:
    d = cards if isinstance(cards, Deck) else deck(*cards)
    session = StudySession([d], store, cfg or Config(), clock=ticking_clock(), tz=UTC, seed=seed)
    out = io.StringIO()
    code = run_plain(session, io.StringIO(typed), out)
    return code, out.getvalue().splitlines()


def verdict(lines: list[str]) -> str:
    return next(line for line in lines if line.startswith(("RIGHT", "WRONG")))


def numbered(lines: list[str]) -> dict[str, int]:
    """The '  N) text' lines of the output, as text -> number."""
    found = {}
    for line in lines:
        m = re.match(r"^  (\d+)\) (.*)$", line)
        if m:
            found[m.group(2)] = int(m.group(1))
    return found


BASIC = BasicCard(id="b", deck_id="d", question="Capital of Ukraine?", answer="Kyiv",
                  explain="Since 1934.", source="the capital, Kyiv")
TYPED = TypedCard(id="t", deck_id="d", question="How many troops?", answer="130,000",
                  accept=("130000",))


def test_basic_card_reveal_and_default_grade(store: Store) -> None:
    code, lines = run(store, [BASIC], "\n\n")
    assert code == 0
    assert lines[0].startswith("STUDY 1 due: 1 new")
    assert lines[1] == "CARD 1/1 d/b basic new 1 learning 0 review 0"
    assert lines[2] == "Capital of Ukraine?"
    assert "ANSWER: Kyiv" in lines and "EXPLAIN: Since 1934." in lines
    assert "SOURCE: “the capital, Kyiv”" in lines
    grades = next(line for line in lines if line.startswith("GRADES "))
    assert re.fullmatch(r"GRADES 1:\S+ 2:\S+ 3:\S+ 4:\S+", grades)
    assert "Grade 1-4 (Enter = 3 good):" in lines
    saved = [SAVED.match(line) for line in lines if line.startswith("SAVED")]
    assert len(saved) == 1 and saved[0] is not None
    assert saved[0].group(1, 2) == ("d/b", "3")
    (row,) = list(store.reviews())
    assert row.rating == Rating.Good and row.card_after.due.isoformat(timespec="seconds") == \
        saved[0].group(3)
    assert any(line.startswith("DONE") for line in lines) or "SUMMARY" in lines[-1]


def test_typed_wrong_suggests_again_and_the_users_grade_wins(store: Store) -> None:
    _code, lines = run(store, [TYPED], "120000\n4\n")
    assert verdict(lines).startswith("WRONG")
    assert "YOURS: 120000" in lines and "ANSWER: 130,000" in lines
    assert "Grade 1-4 (Enter = 1 again):" in lines
    assert any(line.startswith("SAVED d/t 4 due ") for line in lines)
    (row,) = list(store.reviews())
    assert (row.given, row.correct, row.rating) == ("120000", False, Rating.Easy)


def test_typed_right_then_enter_takes_good(store: Store) -> None:
    _code, lines = run(store, [TYPED], "130000\n\n")
    assert lines[lines.index("Type your answer:") + 1].startswith("RIGHT")
    assert any(line.startswith("SAVED d/t 3 ") for line in lines)


def test_choice_numbers_follow_the_shuffled_order(store: Store) -> None:
    card = ChoiceCard(id="c", deck_id="d", question="Which?", choices=("A", "B", "C", "D"),
                      answers=("C",))
    # Learn the shuffled numbering of this seed from a first run that quits at the prompt.
    _code, lines = run(store, [card], "q\n")
    number = numbered(lines)["C"]
    assert sorted(numbered(lines)) == ["A", "B", "C", "D"]
    _code, lines = run(store, [card], f"9\nx\n{number}\n\n")
    assert lines.count("Please type one number from 1 to 4.") == 2
    assert verdict(lines).startswith("RIGHT")
    assert any(line.startswith("SAVED d/c 3 ") for line in lines)


def test_choice_with_several_answers(store: Store) -> None:
    card = ChoiceCard(id="m", deck_id="d", question="Which?", choices=("A", "B", "C"),
                      answers=("A", "C"), multiple=True)
    _code, lines = run(store, [card], "q\n")
    nums = numbered(lines)
    _code, lines = run(store, [card], f"{nums['C']} {nums['A']}\n\n")
    assert "Choose the right numbers, e.g. 1 3:" in lines and verdict(lines).startswith("RIGHT")


def test_truefalse_reprompts_then_checks(store: Store) -> None:
    card = TrueFalseCard(id="tf", deck_id="d", statement="Kyiv is in Ukraine.", answer=True)
    _code, lines = run(store, [card], "maybe\nf\n\n")
    assert "Please type t (true) or f (false)." in lines
    assert verdict(lines).startswith("WRONG") and "Grade 1-4 (Enter = 1 again):" in lines
    assert any(line.startswith("SAVED d/tf 1 ") for line in lines)


def test_order_partial_credit_and_right_order(store: Store) -> None:
    card = OrderCard(id="o", deck_id="d", question="Oldest first?",
                     items_in_order=("1991", "2014", "2022"))
    _code, lines = run(store, [card], "q\n")
    nums = numbered(lines)
    swapped = f"{nums['1991']} {nums['2022']} {nums['2014']}"
    _code, lines = run(store, [card], f"1 1 2\n{swapped}\n\n")
    assert "Please type each number from 1 to 3 once, in order." in lines
    assert "WRONG (1 of 3 in place)" in lines and "Grade 1-4 (Enter = 1 again):" in lines
    right = f"{nums['1991']} {nums['2014']} {nums['2022']}"
    store2 = Store.open(store.path.with_name("q.sqlite3"))
    _code, lines = run(store2, [card], f"{right}\n\n")
    store2.close()
    assert "RIGHT (3 of 3 in place)" in lines


def test_cloze_shows_the_gap_and_the_full_text(store: Store) -> None:
    text = "{{c1::Kyiv}} is the capital of {{c2::Ukraine}}"
    card = ClozeCard(id="z", deck_id="d", text=text, deletions=parse_cloze(text))
    _code, lines = run(store, [card], "Kyiv\n\n")
    assert "CARD 1/1 d/z#1 cloze new 1 learning 0 review 0" in lines
    assert "[...] is the capital of Ukraine" in lines
    assert verdict(lines).startswith("RIGHT") and "FULL: Kyiv is the capital of Ukraine" in lines
    assert any(line.startswith("SAVED d/z#1 3 ") for line in lines)


def test_invalid_grade_is_asked_again_and_words_work(store: Store) -> None:
    _code, lines = run(store, [BASIC], "\n9\nbest\nea\n")
    assert lines.count("Please type 1 (again), 2 (hard), 3 (good) or 4 (easy), or Enter.") == 2
    assert any(line.startswith("SAVED d/b 4 ") for line in lines)


def test_q_and_end_of_input_end_with_a_summary(store: Store) -> None:
    cards = [replace(BASIC, id=f"b{i}") for i in range(3)]
    code, lines = run(store, cards, "\n1\nq\n")
    assert code == 0 and lines[-1].startswith("SUMMARY answered 1: again 1, hard 0, good 0")
    assert lines[-1].endswith("3 left")  # the Again card comes back, and two new ones
    code, lines = run(store, cards, "\n")  # input ends at the grade prompt: nothing saved
    assert code == 0 and lines[-1].startswith("SUMMARY answered 0")
    assert not any(line.startswith("SAVED") for line in lines)


def test_changed_and_leech_lines(store: Store) -> None:
    cfg = Config(SchedulerSettings(leech_lapses=1))
    run(store, [BASIC], "\n4\n", cfg=cfg)  # Easy: in review
    state = store.get(ItemKey("d", "b", 0))
    assert state is not None and state.card is not None

    def later() -> FrozenClock:
        return ticking_clock(state.card.due)  # type: ignore[union-attr]

    session = StudySession([deck(BASIC)], store, cfg, clock=later(), tz=UTC)
    out = io.StringIO()
    run_plain(session, io.StringIO("\n1\n\n1\n"), out)  # a lapse: a leech at 1 lapse
    edited = replace(BASIC, question="What is the capital of Ukraine?")
    session = StudySession([deck(edited)], store, cfg, clock=later(), tz=UTC,
                           learn_ahead=timedelta(days=1))
    out = io.StringIO()
    run_plain(session, io.StringIO("\n\nq\n"), out)
    lines = out.getvalue().splitlines()
    assert "CHANGED: this card changed since you last saw it" in lines
    assert any(line.startswith("LEECH: forgotten 1 times") for line in lines)
    assert lines[-1] == "LEECHES d/b"


def test_undo_suspend_and_bury_commands(store: Store) -> None:
    cards = [replace(BASIC, id=f"b{i}") for i in range(3)]
    _code, lines = run(store, cards, "\n\n:u\n\n4\n:s\n:b\n")
    assert "UNDONE d/b0" in lines and "SUSPENDED d/b1" in lines and "BURIED d/b2" in lines
    assert [line.split()[1] for line in lines if line.startswith("CARD")] == [
        "1/3", "2/3", "1/3", "2/3", "3/3"]  # i: the card's place among those shown
    rows = list(store.reviews())
    assert [(r.key.card_id, int(r.rating), r.undone) for r in rows] == [
        ("b0", 3, True), ("b0", 4, False)]
    assert store.get(ItemKey("d", "b1", 0)).suspended  # type: ignore[union-attr]


def test_undo_takes_back_what_the_answer_added_to_the_summary(store: Store) -> None:
    typed = [replace(TYPED, id=f"t{i}") for i in range(3)]
    # t0 right (Good), then :u, t0 wrong (Again), :s suspends t1 and :u takes the suspension
    # back (the summary's counts must not move), t1 right, then quit.
    _code, lines = run(store, typed, "130000\n\n:u\n1\n\n:s\n:u\n130000\n\nq\n")
    assert "UNDONE d/t0" in lines and "UNDONE d/t1" in lines
    assert lines[-1] == ("SUMMARY answered 2: again 1, hard 0, good 1, easy 0; "
                         "right 1 of 2 checked; 3 left")


def test_forget_and_due_date_commands_change_the_schedule_and_undo_takes_them_back(
        store: Store) -> None:
    cards = [replace(BASIC, id=f"b{i}") for i in range(2)]
    # b0: :forget while new is refused; answered Easy (a review); b1 answered Easy. A second
    # session (the clock 30 days on: both due) forgets b0, undoes that, sets b0 due in 3 days,
    # then refuses a date it cannot read for b1 and forgets it.
    run(store, cards, ":forget\n:d 3\n\n4\n\n4\n")
    assert all(s is not None and not s.is_new
               for s in (store.get(ItemKey("d", f"b{i}", 0)) for i in range(2)))
    later = T0 + timedelta(days=30)
    session = StudySession([deck(*cards)], store, Config(), clock=ticking_clock(later), tz=UTC,
                           seed=7)
    out = io.StringIO()
    run_plain(session, io.StringIO(":forget\n:u\n:d 3\n:d someday\n:forget\nq\n"), out)
    lines = out.getvalue().splitlines()
    assert "FORGOTTEN d/b0: it is new again; its history is kept" in lines
    assert "UNDONE d/b0" in lines
    due_line = next(line for line in lines if line.startswith("DUE d/b0 "))
    assert due_line == "DUE d/b0 2026-04-04T04:00:00+00:00"  # 3 days on, at the day's start
    assert any(line.startswith("NOT SET: cannot read the due date") for line in lines)
    assert "FORGOTTEN d/b1: it is new again; its history is kept" in lines
    b0, b1 = (store.get(ItemKey("d", f"b{i}", 0)) for i in range(2))
    assert b0 is not None and b0.due == datetime(2026, 4, 4, 4, 0, tzinfo=UTC)
    assert b1 is not None and b1.is_new
    assert len([r for r in store.reviews() if not r.undone]) == 2  # the history is kept


def test_forget_and_due_date_on_a_new_card_change_nothing(store: Store) -> None:
    _code, lines = run(store, [BASIC], ":forget\n:d 3\nq\n")
    assert "NEW ALREADY d/b" in lines
    assert "NEW d/b: it has no due date to set (answer it first)" in lines
    assert store.get(ItemKey("d", "b", 0)) is None


def test_flag_command_flags_the_card_with_a_note_and_asks_it_again(store: Store) -> None:
    cards = [replace(BASIC, id=f"b{i}") for i in range(2)]
    _code, lines = run(store, cards, ":f answer wrong\n:F\n\n\nq\n")
    assert "FLAGGED d/b0: answer wrong" in lines and "FLAGGED d/b0" in lines
    assert [line.split()[2] for line in lines if line.startswith("CARD")][:2] == ["d/b0", "d/b0"]
    flags = store.marks.flags()
    assert list(flags) == [ItemKey("d", "b0", 0)] and flags[ItemKey("d", "b0", 0)].note == ""
    assert [r.key.card_id for r in store.reviews()] == ["b0"]  # then answered as usual


def test_multiline_card_text_stays_one_item(store: Store) -> None:
    card = replace(BASIC, question="Line one\nSAVED d/x 3 due fake")
    _code, lines = run(store, [card], "q\n")
    assert "  SAVED d/x 3 due fake" in lines  # indented: never mistaken for a protocol line


def test_failed_save_is_not_reported_as_saved(store: Store) -> None:
    store._conn.execute("PRAGMA query_only = ON")  # SQLite refuses every write, as read-only
    code, lines = run(store, [BASIC], "\n\n")
    store._conn.execute("PRAGMA query_only = OFF")
    assert code == 1
    assert not any(line.startswith("SAVED") for line in lines)
    assert any(line.startswith("NOT SAVED d/b: ") and "read-only" in line for line in lines)
    assert list(store.reviews()) == []


def test_plain_study_never_imports_textual(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "mini.toml").write_text(textwrap.dedent("""\
        format = 1
        [deck]
        id = "mini"
        title = "Mini"
        [[cards]]
        id = "one"
        type = "basic"
        question = "Q?"
        answer = "A"
        """))
    code = (
        "import sys\n"
        "from briefing_quiz.cli import main\n"
        f"rc = main(['study', 'mini', '--plain', '--decks', {str(decks)!r}, "
        f"'--data', {str(tmp_path / 'p.sqlite3')!r}])\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in {'textual', 'rich'})\n"
        "print('RC', rc, 'UI', ','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], input="\n\n", capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.splitlines()[-1] == "RC 0 UI ", result.stderr
    assert "SAVED mini/one 3 due " in result.stdout


def test_a_line_that_is_not_utf8_is_an_error_line_and_the_session_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17: a Latin-1 terminal typing 'é' ended the session with an internal error."""
    from briefing_quiz import cli

    decks = tmp_path / "latin1-decks"
    decks.mkdir()
    (decks / "d.toml").write_text(
        'format = 1\n[deck]\nid = "d"\ntitle = "D"\n'
        '[[cards]]\nid = "a"\ntype = "typed"\nquestion = "Q?"\nanswer = "café"\n'
        '[[cards]]\nid = "b"\ntype = "basic"\nquestion = "Q2?"\nanswer = "A2"\n', encoding="utf-8")
    typed = "caf\xe9\n".encode("latin-1") + "café\n3\n\n3\nq\n".encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(typed), encoding="utf-8"))
    code = cli.main(["--data", str(tmp_path / "p.sqlite3"), "--config", str(tmp_path / "n.toml"),
                     "--decks", str(decks), "study", "d", "--plain", "--seed", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "NOT UTF-8: that line is not UTF-8 text" in out.out
    assert "SAVED d/a" in out.out and "SAVED d/b" in out.out and "internal error" not in out.err


def test_card_line_total_is_stable_and_counts_fall(store: Store) -> None:
    """A learning step coming back is not a new card: n stays 2, the counts say what is left."""
    cards = [replace(BASIC, id=f"b{i}") for i in range(2)]
    # b0: Again (back in a minute), b1: Good (learning too), then the clock reaches b0's step.
    session = StudySession([deck(*cards)], store, Config(), clock=ticking_clock(), tz=UTC,
                           learn_ahead=timedelta(days=1))
    out = io.StringIO()
    run_plain(session, io.StringIO("\n1\n\n3\n\n3\n\n3\nq\n"), out)
    lines = out.getvalue().splitlines()
    card_lines = [line for line in lines if line.startswith("CARD")]
    assert card_lines[:3] == [
        "CARD 1/2 d/b0 basic new 2 learning 0 review 0",
        "CARD 2/2 d/b1 basic new 1 learning 1 review 0",
        "CARD 1/2 d/b0 basic new 0 learning 2 review 0",
    ]


def test_quitting_before_the_grade_says_the_answer_is_not_saved(store: Store) -> None:
    _code, lines = run(store, [BASIC], "\nq\n")
    assert "NOT GRADED d/b: this answer is not saved; the card stays due" in lines
    assert list(store.reviews()) == []
