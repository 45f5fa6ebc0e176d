"""Answer checking: what counts as the same answer, and what must stay wrong."""

from __future__ import annotations

import pytest
from fsrs import Rating

from briefing_quiz.core.grading import (
    CheckResult,
    check_answer,
    check_choice,
    check_cloze,
    check_order,
    check_truefalse,
    check_typed,
    normalize_answer,
    outcome,
    parse_number,
    parse_truefalse,
)
from briefing_quiz.core.model import (
    BasicCard,
    ChoiceCard,
    ClozeCard,
    OrderCard,
    Tolerance,
    TrueFalseCard,
    TypedCard,
)


def typed(answer: str, *accept: str, tolerance: Tolerance | None = None) -> TypedCard:
    return TypedCard(id="t", deck_id="d", question="?", answer=answer, accept=accept,
                     tolerance=tolerance)


def cloze(text: str) -> ClozeCard:
    # deletions are not needed by the checker, which reads the text through core.cloze
    return ClozeCard(id="c", deck_id="d", text=text, deletions=())


PCT5 = Tolerance(5.0, relative=True)
ABS500 = Tolerance(500.0, relative=False)

# (expected answer, accept alternatives, tolerance, given, right?)
TYPED_CASES: list[tuple[str, tuple[str, ...], Tolerance | None, str, bool]] = [
    # case, spaces, surrounding punctuation, quotes, dashes, accents
    ("Steven Pifer", (), None, "  steven   PIFER. ", True),
    ("Steven Pifer", (), None, "“Steven Pifer”", True),
    ("Steven Pifer", (), None, "StevenPifer", False),
    ("Kyiv", (), None, "Kyïv", True),
    ("Zelensky", (), None, "Zelenskyy", False),
    ("Russia–NATO", (), None, "russia-nato", True),
    ("Russia-NATO", (), None, "Russia — NATO", True),
    ("Minsk II", (), None, "minsk-ii", True),
    ("Putin's demands", (), None, "Putin’s demands", True),
    ("Putin's demands", (), None, "Putins demands", True),
    ("U.S.", (), None, "US", True),
    ("U.S.", (), None, "u.s", True),
    ("Bosnia & Herzegovina", (), None, "Bosnia and Herzegovina", True),
    # leading articles
    ("the Kremlin", (), None, "Kremlin", True),
    ("Kremlin", (), None, "The Kremlin", True),
    ("a corner", (), None, "corner", True),
    ("into a corner", (), None, "into corner", False),
    # the whole answer must match, no more, no less
    ("Poland", (), None, "Poland and Romania", False),
    ("Poland and Romania", (), None, "Poland", False),
    ("Poland and Romania", (), None, "Romania and Poland", False),
    ("Romania", (), None, "Romania.", True),
    ("NATO", (), None, "", False),
    ("NATO", (), None, "   ", False),
    # accept alternatives
    ("Steven Pifer", ("Pifer",), None, "pifer", True),
    ("Steven Pifer", ("Pifer",), None, "Steven", False),
    ("three", ("3", "three months"), None, "3 months", True),
    # numbers: formats
    ("130,000", (), None, "130000", True),
    ("130,000", (), None, "130 000", True),
    ("130,000", (), None, "130k", True),
    ("130,000", (), None, "130K", True),
    ("130,000", (), None, "130 thousand", True),
    ("130,000", (), None, "one hundred and thirty thousand", True),
    ("130,000", (), None, "about 130,000", True),
    ("130,000", (), None, "130.000", False),  # "." is a decimal point: 130
    ("130.000", (), None, "130", True),
    ("1.5 million", (), None, "1.5m", True),
    ("1.5 million", (), None, "1,500,000", True),
    ("1.5m", (), None, "1.5 mn", True),
    ("$1.5bn", (), None, "1.5 billion dollars", True),
    ("$1.5bn", (), None, "€1.5bn", False),
    ("3,000", (), None, "3000", True),
    ("3000", (), None, "3,000", True),
    ("3000", (), None, "3 000", True),
    ("1700", (), None, "17000", False),
    ("1700", (), None, "170", False),
    ("1700", (), None, "1,700", True),
    ("1700", (), None, "1.7k", True),
    ("1700", (), None, "seventeen hundred", True),
    ("1,5", (), None, "1.5", False),  # not a number: compared as text
    ("0.5", (), None, ".5", True),
    ("-5", (), None, "minus 5", True),
    ("-5", (), None, "5", False),
    ("5%", (), None, "5 percent", True),
    ("5%", (), None, "5 per cent", True),
    ("5%", (), None, "5", True),
    ("5%", (), None, "6%", False),
    # numbers in words and ordinals
    ("five", (), None, "5", True),
    ("5", (), None, "Five", True),
    ("21", (), None, "twenty-one", True),
    ("21", (), None, "twenty one", True),
    ("20", (), None, "twenty-one", False),
    ("third", (), None, "3rd", True),
    ("3rd", (), None, "third", True),
    ("3rd", (), None, "3", True),
    ("12th", (), None, "twelfth", True),
    ("One Belt One Road", (), None, "1", False),
    ("One Belt One Road", (), None, "one belt, one road", True),
    # words beside a number
    ("190,000 troops", (), None, "190k", True),
    ("190,000 troops", (), None, "190,000 soldiers", True),  # the same kind of thing
    ("190,000 troops", (), None, "190,000 tanks", False),
    ("1700", (), None, "1700 troops", True),
    ("3 weeks", (), None, "3 days", False),
    ("3 weeks", (), None, "3", True),
    ("14,000 lives", (), None, "14000 and 15000", False),
    ("1000", (), None, "1000 or 2000", False),
    # dates
    ("February 11", ("Feb 11", "11 February"), None, "february 11", True),
    ("February 11", (), None, "Feb. 11", True),
    ("February 11", (), None, "11 February", True),
    ("February 11", (), None, "11th Feb", True),
    ("February 11", (), None, "Feb 11th", True),
    ("February 11", (), None, "February 12", False),
    ("February 11", (), None, "11", False),
    ("February 11", (), None, "11 March", False),
    ("24 February 2022", (), None, "February 24, 2022", True),
    ("24 February 2022", (), None, "24", False),
    ("24 February 2022", (), None, "24 February 2021", False),
    ("2014", (), None, "2104", False),
    # tolerance
    ("130,000", (), PCT5, "125,000", True),
    ("130,000", (), PCT5, "136,500", True),
    ("130,000", (), PCT5, "137,000", False),
    ("130,000", (), PCT5, "120k", False),
    ("130,000", ("around 130 thousand",), PCT5, "131k", True),
    ("3000", (), ABS500, "3500", True),
    ("3000", (), ABS500, "3501", False),
    ("Kremlin", (), PCT5, "Kremlins", False),
]


@pytest.mark.parametrize(("answer", "accept", "tolerance", "given", "right"), TYPED_CASES)
def test_check_typed(answer: str, accept: tuple[str, ...], tolerance: Tolerance | None,
                     given: str, right: bool) -> None:
    result = check_typed(typed(answer, *accept, tolerance=tolerance), given)
    assert result.correct is right, (answer, given)
    assert result.suggested == (Rating.Good if right else Rating.Again)
    assert result.expected == answer and result.given == given


def test_tolerance_detail() -> None:
    result = check_typed(typed("130,000", tolerance=PCT5), "128,000")
    assert result.correct and result.detail == "within 5% of 130,000"
    exact = check_typed(typed("130,000", tolerance=PCT5), "130k")
    assert exact.correct and exact.detail == ""
    assert check_typed(typed("3000", tolerance=ABS500), "3400").detail == "within 500 of 3000"
    assert check_typed(typed("x"), "").detail == "no answer given"


@pytest.mark.parametrize(("text", "normal"), [
    ("  The  Kremlin!! ", "kremlin"),
    ("“Russia—NATO”", "russia nato"),
    ("U.S.-led", "us led"),
    ("Feb 11th, 2022", "11 february 2022"),
    ("130,000 troops.", "130,000 troops"),
    ("Ελλάδα", "ελλαδα"),
    ("ŁÓDŹ", "lodz"),
    ("Straße", "strasse"),
    ("5%", "5 percent"),
    ("$5", "$ 5"),
    ("the", "the"),
    ("?!", ""),
])
def test_normalize_answer(text: str, normal: str) -> None:
    assert normalize_answer(text) == normal


@pytest.mark.parametrize(("text", "value"), [
    ("130,000", 130000), ("1.5m", 1.5e6), ("130k troops", 130000), ("twenty", 20),
    ("-3.5", -3.5), ("5%", 5), ("$1.5bn", 1.5e9), ("a million", 1e6), ("first", 1),
    ("11 February", None), ("Poland", None), ("1,5", None), ("10:30", None), ("", None),
    ("9" * 400, None), ("1e5", None), ("one belt one road", None),
])
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


# ------------------------------------------------------------------------------------------
# cloze

THESIS = "the {{c1::Kremlin::who?}} painted itself {{c2::into a corner}}."
MANY = ("Seizure of {{c1::Crimea}} in {{c2::2014}}, then {{c1::Donbas}}, "
        "{{c3::14,000}} lives and {{c1::Luhansk}}.")


@pytest.mark.parametrize(("text", "item", "given", "right", "detail"), [
    (THESIS, 1, "kremlin", True, ""),
    (THESIS, 1, "the Kremlin.", True, ""),
    (THESIS, 1, "Moscow", False, ""),
    (THESIS, 2, "Into a corner", True, ""),
    (MANY, 2, "2014", True, ""),
    (MANY, 3, "14000", True, ""),
    (MANY, 3, "14k", True, ""),
    (MANY, 1, "Crimea; Donbas; Luhansk", True, "3 of 3 gaps right"),
    (MANY, 1, "crimea, donbas, luhansk", True, "3 of 3 gaps right"),
    (MANY, 1, "Crimea, Donbas and Luhansk", True, "3 of 3 gaps right"),
    (MANY, 1, "Crimea; Luhansk; Donbas", False, "1 of 3 gaps right"),
    (MANY, 1, "Crimea; Donbas", False, "give 3 answers separated by ';'"),
    (MANY, 1, "Crimea; ; Luhansk", False, "2 of 3 gaps right"),
])
def test_check_cloze(text: str, item: int, given: str, right: bool, detail: str) -> None:
    result = check_cloze(cloze(text), item, given)
    assert result.correct is right
    assert result.detail == detail
    assert result.suggested == (Rating.Good if right else Rating.Again)


def test_cloze_numbers_with_commas_split_correctly() -> None:
    card = cloze("{{c1::3,000}} to {{c1::Poland}} and {{c1::1,000}} to Romania")
    assert check_cloze(card, 1, "3,000, Poland, 1,000").correct
    assert check_cloze(card, 1, "3000; poland; 1000").correct
    result = check_cloze(card, 1, "1,000, Poland, 3,000")
    assert not result.correct and result.detail == "1 of 3 gaps right"
    assert result.expected == "3,000; Poland; 1,000"


def test_cloze_single_gap_keeps_commas() -> None:
    card = cloze("The separatists hold {{c1::Donetsk, Luhansk}}.")
    assert check_cloze(card, 1, "donetsk, luhansk").correct
    with pytest.raises(ValueError, match="no deletion c2"):
        check_cloze(card, 2, "x")


# ------------------------------------------------------------------------------------------
# choice, true/false, order

CHOICE = ChoiceCard(id="ch", deck_id="d", question="?", choices=("NATO", "EU", "OSCE", "UN"),
                    answers=("NATO",))
MULTI = ChoiceCard(id="mc", deck_id="d", question="?", choices=("Poland", "Germany", "Romania"),
                   answers=("Romania", "Poland"), multiple=True)


@pytest.mark.parametrize(("card", "selected", "right", "given", "detail"), [
    (CHOICE, ["NATO"], True, "NATO", ""),
    (CHOICE, ["EU"], False, "EU", ""),
    (CHOICE, [], False, "", ""),
    (CHOICE, ["NATO", "EU"], False, "NATO; EU", ""),
    (MULTI, ["Romania", "Poland"], True, "Poland; Romania", "2 of 2 right choices"),
    (MULTI, {"Poland"}, False, "Poland", "1 of 2 right choices"),
    (MULTI, ["Poland", "Germany", "Romania"], False, "Poland; Germany; Romania",
     "2 of 2 right choices, 1 wrong"),
    (MULTI, ["nato?"], False, "nato?", "0 of 2 right choices, 1 wrong"),
])
def test_check_choice(card: ChoiceCard, selected: list[str], right: bool, given: str,
                      detail: str) -> None:
    result = check_choice(card, selected)
    assert result.correct is right
    assert result.given == given and result.detail == detail
    assert result.expected == ("NATO" if card is CHOICE else "Poland; Romania")


def test_check_truefalse_and_parse() -> None:
    card = TrueFalseCard(id="tf", deck_id="d", statement="s", answer=False)
    right, wrong = check_truefalse(card, False), check_truefalse(card, True)
    assert right.correct and right.expected == "False" and right.given == "False"
    assert not wrong.correct and wrong.suggested == Rating.Again and wrong.given == "True"
    assert [parse_truefalse(t) for t in ("T", "yes", " True. ", "n", "FALSE", "maybe", "")] == [
        True, True, True, False, False, None, None]


ORDER = OrderCard(id="o", deck_id="d", question="?", items_in_order=("a", "b", "c", "d", "e"))


@pytest.mark.parametrize(("given", "right", "in_place"), [
    (["a", "b", "c", "d", "e"], True, 5),
    (["a", "b", "d", "c", "e"], False, 3),
    (["e", "d", "c", "b", "a"], False, 1),
    (["b", "c", "d", "e", "a"], False, 0),
    (["a", "b", "c", "d"], False, 4),
    (("a", "b", "c", "d", "e", "f"), False, 5),
])
def test_check_order(given: list[str], right: bool, in_place: int) -> None:
    result = check_order(ORDER, given)
    assert (result.correct, result.in_place, result.total) == (right, in_place, 5)
    assert result.detail == f"{in_place} of 5 in place"
    assert result.expected == "a → b → c → d → e"


# ------------------------------------------------------------------------------------------
# dispatch


def test_check_answer_dispatches_by_card_type() -> None:
    basic = BasicCard(id="b", deck_id="d", question="q", answer="a")
    tf = TrueFalseCard(id="tf", deck_id="d", statement="s", answer=True)
    assert check_answer(basic, 0, "anything") is None
    assert _ok(check_answer(typed("130,000"), 0, "130k"))
    assert _ok(check_answer(cloze(THESIS), 2, "into a corner"))
    assert _ok(check_answer(CHOICE, 0, "NATO"))
    assert _ok(check_answer(MULTI, 0, ("Poland", "Romania")))
    assert _ok(check_answer(tf, 0, True))
    assert _ok(check_answer(tf, 0, "yes"))
    assert _ok(check_answer(ORDER, 0, list("abcde")))


def _ok(result: CheckResult | None) -> bool:
    return result is not None and result.correct


@pytest.mark.parametrize(("card", "response"), [
    (typed("x"), 5), (cloze(THESIS), None), (CHOICE, 3), (CHOICE, [1]),
    (TrueFalseCard(id="tf", deck_id="d", statement="s", answer=True), 1),
    (ORDER, "abcde"), (ORDER, [1, 2]),
])
def test_check_answer_rejects_wrong_response_types(card: object, response: object) -> None:
    with pytest.raises(TypeError):
        check_answer(card, 1, response)  # type: ignore[arg-type]


def test_check_answer_rejects_unreadable_truefalse_text() -> None:
    card = TrueFalseCard(id="tf", deck_id="d", statement="s", answer=True)
    with pytest.raises(ValueError, match="not true or false"):
        check_answer(card, 0, "perhaps")


# -- how an answer went, for a session's summary ---------------------------------------------------

def _checked(correct: bool, points: tuple[tuple[str, bool], ...] = ()) -> CheckResult:
    return CheckResult(correct, "expected", "given", Rating.Good if correct else Rating.Again,
                       points=points)


@pytest.mark.parametrize(("checked", "rating", "expected"), [
    # self-graded (basic): Again is wrong; Hard, Good and Easy pass, as Anki counts them
    (None, Rating.Again, "wrong"), (None, Rating.Hard, "right"), (None, Rating.Good, "right"),
    (None, Rating.Easy, "right"),
    # checked right: the grade wins (Again: the user says they did not know it)
    (_checked(True), Rating.Again, "wrong"), (_checked(True), Rating.Hard, "right"),
    (_checked(True), Rating.Good, "right"),
    # checked wrong: Hard is partly, Good or Easy the user's override
    (_checked(False), Rating.Again, "wrong"), (_checked(False), Rating.Hard, "partly"),
    (_checked(False), Rating.Easy, "right"),
    # an open answer short of its pass, with some points: Hard (suggested) is partly
    (_checked(False, (("a", True), ("b", False))), Rating.Hard, "partly"),
    (_checked(False, (("a", True), ("b", False))), Rating.Again, "wrong"),
    (_checked(False, (("a", True), ("b", False))), Rating.Good, "right"),
    (_checked(True, (("a", True), ("b", False))), Rating.Hard, "right"),
], ids=["basic-again", "basic-hard", "basic-good", "basic-easy", "right-again", "right-hard",
        "right-good", "wrong-again", "wrong-hard", "wrong-easy", "open-partly-hard",
        "open-partly-again", "open-partly-good", "open-pass-hard"])
def test_outcome_of_an_answer(checked: CheckResult | None, rating: Rating,
                              expected: str) -> None:
    assert outcome(checked, rating) == expected
