"""Checking open answers: real answers about the feb2022 essay, written both ways (the point made
in other words; the terms named in the wrong sense, negated, or in another sentence)."""

from __future__ import annotations

import pytest
from fsrs import Rating

from briefing_quiz.core.grading import check_answer
from briefing_quiz.core.model import OpenCard, OpenPoint
from briefing_quiz.core.open_answer import check_open, phrase_found, suggested_grade, verdicts

# (answer, term, made?)
CASES: list[tuple[str, str, bool]] = [
    # -- made: the same point in other words, forms, order and spelling of case and accents ----
    ("The Kremlin has painted itself into a corner.", "painted into a corner", True),
    ("Moscow keeps painting itself ever tighter into a corner", "painted into a corner", True),
    ("A corner the Kremlin painted itself into.", "painted into a corner", True),
    ("THE KREMLIN PAINTED ITSELF INTO A CORNER", "painted into a corner", True),
    ("Russia is cornered.", "cornered", True),
    ("Putin is left with war or an embarrassing climb-down.", "war or climb-down", True),
    ("It must choose: climb down, or go to war.", "war or climb-down", True),
    ("Either it goes to war, or it climbs down", "war or climb-down", True),
    ("Moscow fears that Ukraine is falling out of its orbit.", "Ukraine out of its orbit", True),
    ("Kyiv is slipping out of Moscow's orbit - that is what Russia fears.",
     "Kyiv out of orbit", True),
    ("The last bordering ally joined in 2004, so enlargement is old news.", "2004", True),
    ("NATO's eastern flank will be bolstered with more forces.", "NATO eastern flank", True),
    ("More troops go to NATO's eastern flank.", "NATO eastern flank", True),
    ("They threatened far more painful sanctions.", "sanctions", True),
    ("The West would sanction Russia much harder", "sanction", True),
    ("Washington will give Kyiv more military assistance.", "military assistance to Kyiv", True),
    ("Kyiv would receive increased military assistance", "military assistance to Kyiv", True),
    ("Moscow published the drafts at once.", "published the drafts", True),
    ("The drafts were published right away", "published the drafts", True),
    ("It was not a serious negotiating move.", "not serious", True),
    ("The Russians weren't serious about negotiating", "not serious", True),
    ("This isn't about NATO membership at all.", "not about NATO membership", True),
    ("The allies show little enthusiasm for Ukraine's membership.",
     "little enthusiasm for Ukraine membership", True),
    # no synonym is guessed ("united" is not "unified"): a deck gives both as terms
    ("The West was more united than the Kremlin expected.", "more unified than expected", False),
    ("The West was more unified than the Kremlin expected.", "more unified than expected", True),
    ("Peskov refuted Macron's claim the next day.", "Peskov refuted Macron", True),
    ("The next day the Kremlin spokesman, Peskov, refuted what Macron had claimed.",
     "Peskov refuted Macron", True),
    ("A climb-down would be embarrassing: the build-up would look like a bluff that was called.",
     "bluff called", True),
    ("It would look as if his bluff had been called.", "bluff called", True),
    ("Putin does not want others to think he bluffs, yet backing down would show a bluff called",
     "bluff called", True),
    ("The main costs would come from the Ukrainian military and partisans.",
     "Ukrainian military and partisans", True),
    ("Ukrainians would fight; partisan operations would bog the Russians down in a quagmire.",
     "quagmire", True),
    ("About 130,000 troops are near Ukraine.", "130000 troops", True),
    ("Some 130 000 Russian troops", "130,000 troops", True),
    ("Moscow's real aim: Ukraine in a Russian sphere of influence.", "sphere of influence", True),
    ("Russia wants to deny Kyiv the right to choose its own foreign policy.",
     "deny Kyiv the right to choose", True),
    ("It's about Ukraine more than about NATO.", "about Ukraine", True),
    ("Not only about NATO: it is about Ukraine too", "NATO", True),
    ("It is not just NATO enlargement that worries Moscow", "NATO enlargement", True),
    ("The crisis is about Ukraine, not NATO.", "about Ukraine", True),
    ("Sanctions, yes; but no troops in Ukraine.", "sanctions", True),
    ("Mácron met Pútin for five hours", "Macron met Putin", True),
    ("The responses offered talks on arms control and risk reduction.", "arms control", True),
    ("Weapons for the Ukrainian army.", "weapons to Ukraine", True),
    ("Russian troops massed near the border", "Russia's troops", True),
    ("They proposed negotiations on arms-control.", "arms control", True),
    # -- not made: negated, in the wrong sense, split over sentences, or simply absent ----------
    ("It is not about NATO.", "about NATO", False),
    ("This crisis is not about NATO enlargement.", "NATO enlargement", False),
    ("The crisis is about Ukraine rather than NATO.", "NATO", False),
    ("It is about Ukraine instead of NATO.", "NATO", False),
    ("Russia will never back down.", "back down", False),
    ("Moscow won't climb down.", "climb down", False),
    ("Neither sanctions nor aid were mentioned.", "sanctions", False),
    ("Neither sanctions nor military aid were mentioned.", "military aid", False),
    ("They went ahead without sanctions.", "sanctions", False),
    ("The West offered no military assistance to Kyiv.", "military assistance to Kyiv", False),
    ("There is nothing to suggest the West is unified.", "West unified", False),
    ("Russia is not cornered at all.", "cornered", False),
    ("The Kremlin did not publish the drafts.", "published the drafts", False),
    ("Ukraine is no longer in Russia's orbit", "Ukraine in Russia's orbit", False),
    ("The West hardly imposed sanctions", "sanctions", False),
    ("The Kremlin painted the town red. The corner shop closed.", "painted into a corner", False),
    ("War is likely. A climb-down is not.", "war or climb-down", False),
    ("NATO is strong. Ukraine is weak.", "Ukraine out of its orbit", False),
    ("The drafts were serious proposals.", "not serious", False),
    ("It is about NATO membership.", "not about NATO membership", False),
    ("Russia wants Ukraine in NATO.", "deny Kyiv the right to choose", False),
    ("The last ally joined in 2009.", "2004", False),
    ("Some 13,000 troops", "130000 troops", False),
    ("Macron was refuted by nobody.", "Peskov refuted Macron", False),
    ("Sanction-free diplomacy is what the West proposed", "military assistance to Kyiv", False),
    ("", "sanctions", False),
    # one content word and small words: the small words make the sense
    ("Publishing them showed Moscow was serious.", "for show", False),
    ("The drafts were published for show.", "for show", True),
    ("Moscow is boxed in.", "boxed in", True),
    ("Moscow put itself in a box.", "boxed in", False),
    ("Moscow is not boxed in.", "boxed in", False),
    ("This is a crisis of Moscow's making.", "the crisis", True),
    # one reflexive pronoun as another: the Kremlin "itself", Putin "himself" (tmux trial)
    ("Putin has trapped himself.", "trapped itself", True),
    ("The Kremlin leaders have boxed themselves in.", "boxed itself in", True),
    ("Putin painted himself into a corner.", "painted itself into a corner", True),
    ("Putin has not trapped himself.", "trapped itself", False),
    ("Putin trapped the opposition, not himself.", "trapped itself", False),
    # a negation reaches five words back, small words not counted (tmux trial: "does not want
    # Ukraine in its sphere of influence" made the point)
    ("Moscow does not want Ukraine in its sphere of influence.", "sphere of influence", False),
    ("Moscow has no wish to deny Kyiv the right to choose its own foreign policy.",
     "choose its own foreign policy", False),
    ("Moscow has no wish to deny Kyiv the right to choose its own foreign policy.",
     "right to choose", False),
    ("Nothing has done more than Kremlin policy to push Ukraine toward the West.",
     "toward the West", True),
    ("Moscow will not rest until Ukraine sits in a Russian sphere of influence.",
     "sphere of influence", True),
    # "not hesitate", "never fail", "no doubt" undo the negation
    ("The West did not hesitate to threaten painful sanctions.", "sanctions", True),
    ("Washington never failed to consult its allies.", "consult allies", True),
    ("There is no doubt the Kremlin is cornered.", "cornered", True),
    ("The West did not threaten painful sanctions.", "sanctions", False),
    ("The costs would fall on the West, and Russia would gain", "Ukrainian military and partisans",
     False),
]


@pytest.mark.parametrize(("answer", "term", "made"), CASES,
                         ids=[f"{i}-{'made' if m else 'missed'}" for i, (_, _, m) in
                              enumerate(CASES)])
def test_phrase_found(answer: str, term: str, made: bool) -> None:
    assert phrase_found(answer, term) is made


def test_there_are_enough_cases_both_ways() -> None:
    assert len(CASES) >= 60
    assert sum(made for *_, made in CASES) >= 25 and sum(not made for *_, made in CASES) >= 25


THESIS = OpenCard(
    id="brief-thesis", deck_id="d", question="What is Pifer's thesis?",
    points=(OpenPoint("painted into a corner", ("painted into a corner", "cornered", "boxed in")),
            OpenPoint("war or climb-down", ("war or climb-down", "war or back down",
                                            "two choices")),
            OpenPoint("by its own doing", ("own doing", "self-inflicted", "own making")),
            OpenPoint("offers rejected", ("rejecting offers", "rejected the diplomatic path",
                                          "turned aside offers"))),
    answer="The Kremlin has painted itself into a corner: war or an embarrassing climb-down.",
    min_points=3)


@pytest.mark.parametrize(("answer", "made", "grade"), [
    ("By rejecting every Western offer, Moscow has boxed itself in, a predicament of its own "
     "making: it now has two choices, attack or back down, and both are bad.",
     [True, True, True, True], Rating.Good),
    ("Russia is cornered and faces war or a climb-down. It rejected the offers.",
     [True, True, False, True], Rating.Good),
    ("Russia is cornered, it seems.", [True, False, False, False], Rating.Again),
    ("Russia is cornered and must choose between war and backing down.",
     [True, True, False, False], Rating.Hard),
    ("Russia is not cornered and will never back down; the West did not reject anything.",
     [False, False, False, False], Rating.Again),
    ("Putin wants a deal on missiles.", [False, False, False, False], Rating.Again),
])
def test_the_verdict_lists_each_point_and_suggests_a_grade(answer: str, made: list[bool],
                                                           grade: Rating) -> None:
    result = check_open(THESIS, answer)
    assert [m for _, m in result.points] == made
    assert [label for label, _ in result.points] == [p.label for p in THESIS.points]
    assert result.in_place == sum(made) and result.total == 4
    assert result.suggested == grade and result.correct is (sum(made) >= 3)
    assert result.expected == THESIS.answer and result.given == answer
    assert result.detail == f"{sum(made)} of 4 points made, 3 needed"
    assert check_answer(THESIS, 0, answer) == result


def test_the_term_that_made_a_point_is_named() -> None:
    found = verdicts(THESIS.points, "Moscow is boxed in.")
    assert found[0].made and found[0].term == "boxed in"
    assert not found[1].made and found[1].term is None


@pytest.mark.parametrize(("made", "needed", "grade"), [
    (3, 3, Rating.Good), (4, 3, Rating.Good), (2, 3, Rating.Hard), (1, 3, Rating.Again),
    (1, 2, Rating.Hard), (0, 2, Rating.Again), (0, 1, Rating.Again), (1, 1, Rating.Good),
    (2, 4, Rating.Hard), (1, 4, Rating.Again)])
def test_suggested_grade(made: int, needed: int, grade: Rating) -> None:
    assert suggested_grade(made, needed) == grade


def test_an_open_card_takes_text() -> None:
    with pytest.raises(TypeError):
        check_answer(THESIS, 0, ["a list"])
