"""The brief-back (`open`) cards of the bundled deck, checked by the real checker: for each card
an answer in other words than the deck's (good), one that makes fewer points than needed (half),
and one that is wrong, often in the card's own terms used in the wrong sense. The verdict is the
suggested grade: Good, Hard and Again (issue 14: Good when `min_points` are made, Hard when at
least half of them).
"""

from __future__ import annotations

import pytest
from fsrs import Rating

from briefing_quiz.core.deckfile import load_deck
from briefing_quiz.core.model import OpenCard
from briefing_quiz.core.open_answer import check_open
from tests.test_feb2022_deck import DECK_PATH

GOOD, HALF, WRONG = Rating.Good, Rating.Hard, Rating.Again

ANSWERS: list[tuple[str, str, Rating]] = [
    ("brief-thesis", "By piling up troops on Ukraine's borders and brushing off every diplomatic "
     "offer from Washington and NATO, Putin has backed himself into a corner. He can now only "
     "attack Ukraine or back down and be embarrassed.", GOOD),
    ("brief-thesis", "The Kremlin has trapped itself. It keeps threatening Ukraine.", HALF),
    ("brief-thesis", "The Kremlin is in a strong position: the West has given in to its demands, "
     "and it can choose freely among many options.", WRONG),

    ("brief-why-now", "Enlargement is old: the last NATO member touching Russia's border came in "
     "back in 2004. What is new is that Ukraine is drifting toward Europe, and Moscow is afraid "
     "of losing it for good.", GOOD),
    ("brief-why-now", "Because the last ally on Russia's border joined in 2004, NATO enlargement "
     "can't explain why now.", HALF),
    ("brief-why-now", "NATO has just admitted several new members on Russia's border, so the "
     "crisis is a direct reply to fresh enlargement.", WRONG),

    ("brief-about-ukraine", "Moscow created this crisis itself, and its troops are lined up "
     "around Ukraine, not facing any NATO ally. NATO is in no hurry to take Ukraine in, and "
     "Moscow knows it.", GOOD),
    ("brief-about-ukraine", "The Kremlin manufactured the crisis.", HALF),
    ("brief-about-ukraine", "Because Ukraine is about to join NATO next year, and the alliance "
     "is eager to admit it.", WRONG),

    ("brief-moscow-wants", "Moscow wants more than Ukraine outside NATO: it wants Ukraine under "
     "its sway, and it wants to deny Kyiv the freedom to choose its own partners.", GOOD),
    ("brief-moscow-wants", "Moscow wants Ukraine in its sphere of influence.", HALF),
    ("brief-moscow-wants", "Moscow just wants a written promise that Ukraine will never join "
     "NATO; nothing more.", WRONG),

    ("brief-drafts-published", "Moscow put the drafts out in public almost immediately, which "
     "is not how you negotiate in earnest; it looks like posturing.", GOOD),
    ("brief-drafts-published", "It published them right away.", HALF),
    ("brief-drafts-published", "Moscow kept the drafts secret, a sign that it was serious about "
     "negotiating.", WRONG),

    ("brief-western-responses", "They refused to promise that NATO would stop enlarging and "
     "refused to pull troops out of the members that joined after 1997. Instead they proposed "
     "arms control and steps to reduce military risks, taking up ideas from Moscow's own "
     "drafts.", GOOD),
    ("brief-western-responses", "They turned down a halt to enlargement and offered arms control "
     "talks.", HALF),
    ("brief-western-responses", "They accepted Moscow's demand to freeze enlargement and agreed "
     "to withdraw forces from Poland and the Baltics.", WRONG),

    ("brief-moscow-reply", "Moscow said the replies only dealt with side issues and ignored what "
     "mattered most to it. Putin also claimed his demand about offensive missiles had been "
     "ignored, though both the U.S. and NATO had said they were ready to negotiate on "
     "missiles.", GOOD),
    ("brief-moscow-reply", "Putin complained that the West ignored his demand on missiles.", HALF),
    ("brief-moscow-reply", "Moscow welcomed the replies as a real step forward, and Putin thanked "
     "the West for meeting his demands.", WRONG),

    ("brief-deterrence", "They warned of much tougher sanctions, promised more weapons and "
     "military aid for Kyiv, and sent more NATO troops to the allies on the eastern flank.",
     GOOD),
    ("brief-deterrence", "They threatened harsh sanctions and sent arms to Kyiv.", HALF),
    ("brief-deterrence", "They promised Moscow that no NATO troops would move east and that no "
     "sanctions would follow.", WRONG),

    ("brief-western-unity", "Quite united: Washington worked closely with its allies and with "
     "Kyiv, and the West held together better than Moscow had counted on.", GOOD),
    ("brief-western-unity", "On the whole the West stood together.", HALF),
    ("brief-western-unity", "Deeply divided: the Europeans went their own way and Washington "
     "acted alone, just as the Kremlin expected.", WRONG),

    ("brief-macron-peskov", "A day after Macron claimed a deal to avoid escalation, Putin's "
     "spokesman flatly denied it, saying France doesn't lead NATO. Moscow wants to talk only to "
     "Washington and treats the Europeans with contempt, a bad omen for diplomacy.", GOOD),
    ("brief-macron-peskov", "The Kremlin contradicted Macron the very next day.", HALF),
    ("brief-macron-peskov", "It shows that Moscow respects France as an equal partner and takes "
     "European mediation seriously.", WRONG),

    ("brief-war-costs-russia", "Ukraine's army would fight back hard and partisans would harass "
     "the invaders, so Russia could get stuck in a quagmire; on top of that come Western "
     "sanctions, and the world would brand Russia an aggressor.", GOOD),
    ("brief-war-costs-russia", "Ukrainians would resist.", HALF),
    ("brief-war-costs-russia", "Because Russia's army would win in a few days and Ukraine would "
     "offer no resistance, the costs would be small.", WRONG),

    ("brief-climbdown-bluff", "Pulling back after all that build-up would make it look as if "
     "Putin had been bluffing all along and the West had called it, and he hates to look weak.",
     GOOD),
    ("brief-climbdown-bluff", "It would look like a bluff.", HALF),
    ("brief-climbdown-bluff", "Because the offers are worthless to Russia, and Putin could back "
     "down at no political cost.", WRONG),

    ("brief-conclusion", "He is gloomy: the Kremlin keeps boxing itself in more tightly, though "
     "the door to talks is still ajar. He hopes Moscow will see that an attack would cost more "
     "than it could gain and turn to diplomacy, even if backing down is awkward.", GOOD),
    ("brief-conclusion", "He thinks the Kremlin is cornered.", HALF),
    ("brief-conclusion", "He concludes that war is certain and that Moscow should press on with "
     "its attack until Kyiv gives in.", WRONG),
]


#: Answers written in the app (tmux, issue 14's trial), kept with the verdict found fair.
TRIED_IN_THE_APP: list[tuple[str, str, Rating]] = [
    ("brief-thesis", "Putin has got himself stuck: he keeps massing forces on Ukraine's borders "
     "yet refuses the talks the Americans and NATO propose, so he is left to choose between "
     "invading and a humiliating retreat.", GOOD),
    ("brief-why-now", "The last time NATO took in a country bordering Russia was 2004, so "
     "enlargement cannot be what changed.", HALF),
    ("brief-about-ukraine", "Because NATO is about to let Ukraine join, and Russia is simply "
     "defending itself against an alliance that keeps moving east.", WRONG),
    # Judged Hard (1 of 3) in the trial, though it makes all three points: terms added.
    ("brief-moscow-wants", "Russia wants to keep Ukraine under its thumb, in its own sphere of "
     "influence, and to take away Kyiv's right to pick its own partners; keeping it out of NATO "
     "is not enough for Moscow.", GOOD),
]


@pytest.fixture(scope="module")
def open_cards() -> dict[str, OpenCard]:
    return {c.id: c for c in load_deck(DECK_PATH).cards if isinstance(c, OpenCard)}


def test_every_open_card_has_a_good_a_half_and_a_wrong_answer(
        open_cards: dict[str, OpenCard]) -> None:
    grades = {(card_id, grade) for card_id, _answer, grade in ANSWERS}
    assert grades == {(card_id, g) for card_id in open_cards for g in (GOOD, HALF, WRONG)}
    assert len(ANSWERS) == 3 * len(open_cards)


@pytest.mark.parametrize(("card_id", "answer", "grade"), ANSWERS + TRIED_IN_THE_APP,
                         ids=[f"{c}-{g.name}" for c, _a, g in ANSWERS + TRIED_IN_THE_APP])
def test_the_verdict_is_fair(open_cards: dict[str, OpenCard], card_id: str, answer: str,
                             grade: Rating) -> None:
    result = check_open(open_cards[card_id], answer)
    made = [label for label, ok in result.points if ok]
    assert result.suggested == grade, (made, result.detail)
    assert result.correct == (grade == GOOD)


def test_each_model_answer_makes_every_point_of_its_card(open_cards: dict[str, OpenCard]) -> None:
    for card in open_cards.values():
        result = check_open(card, card.answer)
        assert [label for label, made in result.points if not made] == [], card.id


#: A second trial in the app (tmux, 100x30): the answers as typed, and the checklist found fair
#: (✓ made / ✗ missed per point, in the card's order). The first missed "painted into a corner"
#: for "Putin has trapped himself" (the term says "trapped itself"): reflexive pronouns now
#: compare alike in the checker, so it makes all three.
TRIED_AGAIN: list[tuple[str, str, tuple[bool, ...]]] = [
    ("brief-thesis", "Putin has trapped himself. He keeps massing soldiers near Ukraine yet has "
     "turned down every diplomatic exit Washington and the alliance proposed, so all he has left "
     "is an invasion or a humiliating retreat.", (True, True, True)),
    ("brief-why-now", "Enlargement cannot explain the timing: the last country on Russia's border "
     "entered the alliance back in 2004, nearly twenty years earlier.", (True, False, False)),
    # the card's own terms ("manufactured ... Kremlin", "aimed at Ukraine") named and negated
    ("brief-about-ukraine", "He doesn't really: the crisis was not manufactured by the Kremlin "
     "and the troops are not aimed at Ukraine. It is about NATO, whose members are eager to let "
     "Kyiv join soon.", (False, False, False)),
    # at 80x24
    ("brief-thesis", "Putin has trapped himself: he masses troops on the border and shrugs off the "
     "talks the West offered, which leaves him to invade or to climb down.", (True, True, True)),
    ("brief-why-now", "Enlargement is stale news: no country bordering Russia has joined since "
     "2004. The real trigger is that Ukraine is turning to the West, and the Kremlin dreads "
     "losing it for good.", (True, True, True)),
    ("brief-about-ukraine", "The Kremlin created the crisis itself; NATO is only its pretext.",
     (True, False, False)),
    # The opposite of the author's reading in the card's own terms: judged Right (2 of 3) in the
    # trial, the negations being five and eight words back; the reach now counts content words.
    ("brief-moscow-wants", "Moscow does not want Ukraine in its sphere of influence and has no wish "
     "to deny Kyiv the right to choose its own foreign policy; it only wants Ukraine kept out of "
     "NATO.", (False, False, False)),
    # the same card answered well after the change: "Not just" is no negation, the reach ends at ";"
    ("brief-moscow-wants", "Not just keeping Kyiv out of the alliance; Moscow wants more than that. "
     "It wants Ukraine back in Russia's orbit and denied the freedom to pick its own alliances.",
     (True, True, True)),
]


@pytest.mark.parametrize(("card_id", "answer", "made"), TRIED_AGAIN,
                         ids=[c for c, _a, _m in TRIED_AGAIN])
def test_the_checklist_of_the_second_trial(open_cards: dict[str, OpenCard], card_id: str,
                                           answer: str, made: tuple[bool, ...]) -> None:
    result = check_open(open_cards[card_id], answer)
    assert tuple(ok for _label, ok in result.points) == made


def test_the_negations_alone_unmade_the_wrong_answer(open_cards: dict[str, OpenCard]) -> None:
    # Without its "not"s the wrong answer of the second trial makes the two points it negated:
    # the verdict was Wrong because of the negation, not because the terms were absent.
    card = open_cards["brief-about-ukraine"]
    answer = ("the crisis was manufactured by the Kremlin and the troops are aimed at Ukraine.")
    assert [ok for _label, ok in check_open(card, answer).points] == [True, False, True]


#: Answers to the other cards, written by hand after the tmux trial (good, half or wrong, in
#: words unlike the model answer's), with the checklist judged fair. Terms were added where a good
#: answer missed a point it made: 'not really trying to bargain; theatre', 'stop growing', 'Russia's
#: own proposals', 'send Kyiv more weapons', 'eastern border', 'minor matters', 'central demands',
#: 'not much room for optimism'.
BY_HAND: list[tuple[str, str, tuple[bool, ...]]] = [
    ("brief-drafts-published",
     'Handing the texts over and then immediately releasing them to the press shows Moscow'
     ' was not really trying to bargain; it was theatre for the public.',
     (True, True)),
    ("brief-drafts-published",
     'Moscow kept the drafts secret, which shows it was negotiating seriously.',
     (False, False)),
    ("brief-western-responses",
     'They refused to promise that NATO would stop growing and refused to pull troops back'
     ' from the members that joined after 1997. Instead they proposed talks on arms '
     "control, on reducing risks and on confidence-building, taking up some of Russia's "
     'own proposals.',
     (True, True, True, True)),
    ("brief-western-responses",
     'They accepted that NATO would never enlarge again and agreed to withdraw forces from'
     ' Poland and the Baltics.',
     (False, False, False, False)),
    ("brief-moscow-reply",
     'The Kremlin said the replies dealt only with minor matters and ignored its central '
     'demands. Putin also complained they ignored his point about offensive missiles, '
     'though both Washington and NATO had said they were willing to negotiate on that.',
     (True, True, True)),
    ("brief-moscow-reply",
     'Moscow welcomed the answers and Putin thanked the West for meeting his missile '
     'concerns.',
     (False, False, False)),
    ("brief-deterrence",
     'They warned of much tougher sanctions, promised to send Kyiv more weapons, and said '
     'NATO would strengthen its presence along its eastern border.',
     (True, True, True)),
    ("brief-deterrence",
     'They threatened sanctions.',
     (True, False, False)),
    ("brief-western-unity",
     'Quite united: Washington kept consulting its allies, the EU and Kyiv, and the West '
     'held together better than Moscow expected.',
     (True, True, True)),
    ("brief-western-unity",
     'The West was divided and Washington acted alone without talking to its allies.',
     (False, False, False)),
    ("brief-macron-peskov",
     'Macron claimed Putin had agreed not to escalate, but the next day Peskov denied it, '
     'saying France does not lead NATO. Moscow only wants to deal with the Americans, and '
     'this rude treatment is a bad sign for diplomacy.',
     (True, True, True)),
    ("brief-macron-peskov",
     'Peskov confirmed the deal with Macron, showing Moscow respects France as a partner.',
     (False, False, False)),
    ("brief-war-costs-russia",
     "Ukraine's army would fight back and ordinary Ukrainians are arming, so Russian "
     'troops could get stuck in a quagmire facing partisans, on top of Western sanctions.',
     (True, True, True, False)),
    ("brief-war-costs-russia",
     'Ukraine would not resist and there would be no sanctions, so a war would be quick '
     'and cheap for Russia.',
     (False, False, False, False)),
    ("brief-climbdown-bluff",
     "Accepting the offers now would make it look as if the West called Putin's bluff, and"
     ' he hates appearing to bluff; he would lose face.',
     (True, True)),
    ("brief-climbdown-bluff",
     "There is no bluff involved and Putin's credibility would not suffer at all.",
     (False, False)),
    ("brief-conclusion",
     'Not much room for optimism: the Kremlin is trapping itself ever more tightly. It can'
     ' attack, and be seen as an aggressor, or back down. Pifer hopes Moscow decides the '
     'costs of war outweigh the gains and returns to realistic diplomacy.',
     (True, True, True, True)),
    ("brief-conclusion",
     'He is optimistic: Russia is not cornered, and the costs of war would not outweigh '
     'what it gains.',
     (False, False, False, False)),
]


@pytest.mark.parametrize(("card_id", "answer", "made"), BY_HAND,
                         ids=[f"{c}-{i}" for i, (c, _a, _m) in enumerate(BY_HAND)])
def test_the_checklist_of_answers_written_by_hand(open_cards: dict[str, OpenCard], card_id: str,
                                                  answer: str, made: tuple[bool, ...]) -> None:
    result = check_open(open_cards[card_id], answer)
    assert tuple(ok for _label, ok in result.points) == made


@pytest.mark.xfail(strict=True, reason="a verb of refusal ('ruled out', 'refused to') is no "
                   "negation: cards ask what was rejected ('rejected the offers')")
def test_ruling_out_the_costs_makes_none_of_them(open_cards: dict[str, OpenCard]) -> None:
    answer = "They ruled out sanctions, refused to arm Kyiv, and would not reinforce NATO."
    assert [ok for _l, ok in check_open(open_cards["brief-deterrence"], answer).points] == [
        False, False, False]
