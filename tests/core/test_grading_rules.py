"""The grading rules, each both ways, on real cards of the bundled deck (decks/feb2022.toml).

The cards are copied here as they were written (question, answer, accept), so that these tables
keep testing the rules while the deck itself is rewritten; a separate test checks that every
answer of the deck as it is now passes its own card.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing_quiz.core.cloze import cloze_answers, parse_cloze
from briefing_quiz.core.deckfile import load_deck
from briefing_quiz.core.grading import check_answer, check_cloze, check_typed, deck_year
from briefing_quiz.core.model import Card, ClozeCard, Tolerance, TypedCard

DECK = Path(__file__).resolve().parents[2] / "decks" / "feb2022.toml"


def _typed(card_id: str, question: str, answer: str, *accept: str,
           tolerance: Tolerance | None = None) -> TypedCard:
    return TypedCard(id=card_id, deck_id="feb2022", question=question, answer=answer,
                     accept=accept, tolerance=tolerance)


def _cloze(card_id: str, text: str) -> ClozeCard:
    return ClozeCard(id=card_id, deck_id="feb2022", text=text, deletions=parse_cloze(text))


def _date_card(card_id: str, question: str, day: int) -> TypedCard:
    return _typed(card_id, question, f"February {day}", f"Feb {day}", f"Feb. {day}",
                  f"{day} February", f"{day} Feb", f"February {day}th", f"{day}th February",
                  str(day))


CARDS: dict[str, Card] = {c.id: c for c in (
    _typed("author", "Who wrote the February 2022 essay arguing that the Kremlin had painted "
           "itself into a corner over Ukraine?", "Steven Pifer", "Pifer"),
    _typed("crisis-duration", "According to Pifer, writing in mid-February 2022, over how many "
           "months had the crisis between Russia, NATO and Ukraine developed?", "three", "3",
           "three months", "3 months"),
    _typed("troops-near-ukraine", "As of mid-February 2022, roughly how many Russian troops were "
           "arrayed near Ukraine, according to Pifer?", "130,000",
           tolerance=Tolerance(5.0, relative=True)),
    _date_card("sullivan-warning-date", "On what date in February 2022 did National Security "
               "Advisor Sullivan warn of a possible Russian assault and urge Americans to leave "
               "Ukraine?", 11),
    _typed("sullivan-who", "Which U.S. National Security Advisor warned on February 11, 2022 of "
           "the possibility of a Russian assault on Ukraine?", "Sullivan", "Jake Sullivan"),
    _typed("troops-to-poland", "How many U.S. soldiers did the Pentagon order to Poland on "
           "February 11, 2022?", "3000"),
    _typed("troops-already-poland", "How many U.S. troops were already deployed in Poland, to be "
           "augmented by the 3000 soldiers ordered there on February 11, 2022?", "1700"),
    _typed("troops-germany-romania", "How many U.S. troops had the U.S. military moved from "
           "Germany to Romania, as of mid-February 2022?", "1000"),
    _typed("last-bordering-ally-year", "According to Pifer, in what year did the last NATO ally "
           "that borders on Russian territory join the alliance?", "2004"),
    _typed("crimea-seizure-year", "In what year did Russia seize Crimea militarily?", "2014"),
    _typed("donbas-deaths", "According to Pifer (February 2022), how many lives had the conflict "
           "in Donbas taken?", "14,000"),
    _typed("withdrawal-cutoff-year", "Russia demanded that NATO pull its forces out of the allies "
           "that joined after which year?", "1997"),
    _date_card("macron-visit-date", "On what date in February 2022 did French President Macron "
               "visit Moscow?", 7),
    _typed("macron-who", "Which French President visited Moscow on February 7, 2022 and met "
           "Putin for five hours?", "Macron", "Emmanuel Macron"),
    _typed("macron-meeting-length", "How many hours did Macron's meeting with Putin in Moscow on "
           "February 7, 2022 last?", "five", "5", "five hours", "5 hours"),
    _date_card("refutation-date", "The Kremlin spokesperson refuted Macron's claim of a "
               "no-escalation agreement the day after Macron's Moscow visit. On what date was "
               "that?", 8),
    _date_card("truss-lavrov-date", "On what date in February 2022 did British Foreign Secretary "
               "Truss meet Russian Foreign Minister Lavrov?", 10),
    _typed("lavrov-who", "Which Russian Foreign Minister held a frosty meeting with British "
           "Foreign Secretary Truss on February 10, 2022?", "Lavrov", "Sergei Lavrov",
           "Sergey Lavrov"),
    _typed("truss-who", "Which British Foreign Secretary made no headway with Lavrov on "
           "February 10, 2022?", "Truss", "Liz Truss"),
    _date_card("biden-call-date", "On what date in February 2022 did President Biden speak to "
               "Putin, according to Pifer?", 12),
    _typed("biden-call-count", "Biden's February 12, 2022 conversation with Putin was their ___ "
           "conversation in two months. (Fill in the ordinal.)", "third", "3rd", "3"),
    _typed("biden-call-window", "Biden and Putin's February 12, 2022 call was their third in how "
           "many months?", "two", "2", "two months", "2 months"),
    _date_card("scholz-date", "On what date was German Chancellor Scholz due to meet Putin in "
               "Moscow, as Pifer wrote in February 2022?", 15),
    _typed("scholz-who", "Which German Chancellor was due to meet Putin in Moscow on February "
           "15, 2022?", "Scholz", "Olaf Scholz"),
    _typed("offers-on-table", "According to Pifer, writing in mid-February 2022, for how long had "
           "the Western offers Russia could accept been on the table? (One word.)", "weeks",
           "for weeks"),
    _cloze("thesis-corner", "Pifer's thesis: as the crisis developed, the {{c1::Kremlin::who?}} "
           "increasingly painted itself {{c2::into a corner}}."),
    _cloze("formations-locations", "Large Russian formations stood near the Russia-Ukraine "
           "border, in occupied {{c1::Crimea::a peninsula}} and in {{c2::Belarus::a country}}, "
           "giving multiple potential {{c3::attack vectors}}."),
    _cloze("crimea-donbas-attitudes", "Russia's military seizure of {{c1::Crimea}} in "
           "{{c2::2014}}, then its support for a conflict in {{c3::Donbas}} that has taken "
           "{{c4::14,000}} lives, would naturally affect Ukrainian attitudes toward "
           "{{c5::Moscow}}."),
    _cloze("sphere-of-influence", "Moscow wants Ukraine in a Russian {{c1::sphere of influence}}, "
           "denying {{c2::Kyiv::Ukraine's capital}} the right to choose its own "
           "{{c3::foreign policy}} course."),
    _cloze("spokesperson-cloze", "The Kremlin spokesperson: “{{c1::Moscow}} and {{c2::Paris}} "
           "could not have struck any deals”, since {{c3::France}} does not hold the leadership "
           "of NATO."),
    _cloze("eastern-flank", "The U.S. reinforcements in Poland and Romania would not enter "
           "Ukraine but would bolster {{c1::NATO}}'s defense on its {{c2::eastern flank}}."),
    _cloze("calamity", "If the Kremlin chooses war, that will be a {{c1::calamity}} for "
           "{{c2::Ukraine}}, and it could well prove the same for {{c3::Russia}}."),
)}

# (card id, review item, what the user types, right?). Grouped by rule; each rule both ways.
Case = tuple[str, int, str, bool]

UNIT_CASES: list[Case] = [
    # the unit the question asks about ("how many months") decides for a bare-number answer
    ("crisis-duration", 0, "three", True),
    ("crisis-duration", 0, "3", True),
    ("crisis-duration", 0, "three months", True),
    ("crisis-duration", 0, "3 months", True),
    ("crisis-duration", 0, "3 mos", True),
    ("crisis-duration", 0, "Three months.", True),
    ("crisis-duration", 0, "3 weeks", False),
    ("crisis-duration", 0, "three years", False),
    ("crisis-duration", 0, "3 days", False),
    ("crisis-duration", 0, "three decades", False),
    ("crisis-duration", 0, "4 months", False),
    ("crisis-duration", 0, "thirteen", False),
    ("macron-meeting-length", 0, "five", True),
    ("macron-meeting-length", 0, "5 hours", True),
    ("macron-meeting-length", 0, "five hours", True),
    ("macron-meeting-length", 0, "5 hrs", True),
    ("macron-meeting-length", 0, "about five hours", True),
    ("macron-meeting-length", 0, "five minutes", False),
    ("macron-meeting-length", 0, "5 mins", False),
    ("macron-meeting-length", 0, "5 days", False),
    ("macron-meeting-length", 0, "six hours", False),
    ("biden-call-window", 0, "two", True),
    ("biden-call-window", 0, "2 months", True),
    ("biden-call-window", 0, "two months", True),
    ("biden-call-window", 0, "2 weeks", False),
    ("biden-call-window", 0, "two years", False),
    ("biden-call-window", 0, "3 months", False),
    # nouns: the same kind of thing agrees, a qualifier that changes the fact does not
    ("troops-to-poland", 0, "3000", True),
    ("troops-to-poland", 0, "3,000 soldiers", True),
    ("troops-to-poland", 0, "3000 troops", True),
    ("troops-to-poland", 0, "3000 U.S. troops", True),
    ("troops-to-poland", 0, "three thousand soldiers", True),
    ("troops-to-poland", 0, "3000 Russian troops", False),
    ("troops-to-poland", 0, "3000 tanks", False),
    ("troops-to-poland", 0, "3000 civilians", False),
    ("troops-to-poland", 0, "30000", False),
    ("troops-already-poland", 0, "1700", True),
    ("troops-already-poland", 0, "1,700 troops", True),
    ("troops-already-poland", 0, "1.7k soldiers", True),
    ("troops-already-poland", 0, "1700 U.S. soldiers", True),
    ("troops-already-poland", 0, "1700 marines", False),
    ("troops-already-poland", 0, "1700 Polish troops", False),
    ("troops-already-poland", 0, "17000", False),
    ("troops-germany-romania", 0, "1000", True),
    ("troops-germany-romania", 0, "one thousand troops", True),
    ("troops-germany-romania", 0, "1000 U.S. troops", True),
    ("troops-germany-romania", 0, "1000 German troops", False),
    ("troops-germany-romania", 0, "1000 vehicles", False),
    ("donbas-deaths", 0, "14,000", True),
    ("donbas-deaths", 0, "14000 lives", True),
    ("donbas-deaths", 0, "14k", True),
    ("donbas-deaths", 0, "14,000 deaths", True),
    ("donbas-deaths", 0, "14,000 people killed", True),
    ("donbas-deaths", 0, "14,000 civilians", False),
    ("donbas-deaths", 0, "14,000 soldiers", False),
    ("donbas-deaths", 0, "14,000 refugees", False),
    ("donbas-deaths", 0, "13,000", False),
    ("troops-near-ukraine", 0, "130,000", True),
    ("troops-near-ukraine", 0, "about 130,000 Russian troops", True),
    ("troops-near-ukraine", 0, "130k troops near Ukraine", True),
    ("troops-near-ukraine", 0, "127,000", True),  # within the card's 5%
    ("troops-near-ukraine", 0, "127,000 troops", True),
    ("troops-near-ukraine", 0, "130,000 tanks", False),
    ("troops-near-ukraine", 0, "127,000 civilians", False),
    ("troops-near-ukraine", 0, "130,000 Belarusian troops", False),
    ("troops-near-ukraine", 0, "130,000 Ukrainian troops", False),
    ("troops-near-ukraine", 0, "100,000", False),
    ("biden-call-count", 0, "third", True),
    ("biden-call-count", 0, "3rd", True),
    ("biden-call-count", 0, "third conversation", True),
    ("biden-call-count", 0, "second", False),
    ("biden-call-count", 0, "fourth conversation", False),
    # cloze: the word right after the gap is the unit asked
    ("crimea-donbas-attitudes", 4, "14,000", True),
    ("crimea-donbas-attitudes", 4, "14000", True),
    ("crimea-donbas-attitudes", 4, "14,000 lives", True),
    ("crimea-donbas-attitudes", 4, "14,000 civilians", False),
    ("crimea-donbas-attitudes", 4, "14,000 soldiers", False),
    ("crimea-donbas-attitudes", 4, "1400", False),
]

DATE_CASES: list[Case] = [
    # the same day in another common form, with or without the year
    ("sullivan-warning-date", 0, "February 11", True),
    ("sullivan-warning-date", 0, "February 11, 2022", True),
    ("sullivan-warning-date", 0, "2022-02-11", True),
    ("sullivan-warning-date", 0, "11 Feb 2022", True),
    ("sullivan-warning-date", 0, "11 February 2022", True),
    ("sullivan-warning-date", 0, "Friday, February 11, 2022", True),
    ("sullivan-warning-date", 0, "Fri 11 Feb", True),
    ("sullivan-warning-date", 0, "on the 11th of February", True),
    ("sullivan-warning-date", 0, "Feb 11th 2022", True),
    ("sullivan-warning-date", 0, "2022/02/11", True),
    ("sullivan-warning-date", 0, "11", True),  # the deck accepts the bare day
    ("sullivan-warning-date", 0, "11 days", False),  # ...but a date is asked, not days
    # another day, month, year or weekday
    ("sullivan-warning-date", 0, "February 11, 2021", False),
    ("sullivan-warning-date", 0, "2021-02-11", False),
    ("sullivan-warning-date", 0, "11 Feb 2014", False),
    ("sullivan-warning-date", 0, "Monday, February 11, 2022", False),
    ("sullivan-warning-date", 0, "February 12, 2022", False),
    ("sullivan-warning-date", 0, "2022-11-02", False),
    ("sullivan-warning-date", 0, "11 March", False),
    ("sullivan-warning-date", 0, "February 2022", False),
    # numeric dates only where they read one way
    ("sullivan-warning-date", 0, "2/11", False),
    ("sullivan-warning-date", 0, "11/2", False),
    ("sullivan-warning-date", 0, "2/11/2022", False),
    ("sullivan-warning-date", 0, "11-02-2022", False),
    ("scholz-date", 0, "2/15", True),
    ("scholz-date", 0, "15/2", True),
    ("scholz-date", 0, "15/02/2022", True),
    ("scholz-date", 0, "2/15/22", True),
    ("scholz-date", 0, "15.2.2022", True),
    ("scholz-date", 0, "15-02-2022", True),
    ("scholz-date", 0, "Tuesday 15 February 2022", True),
    ("scholz-date", 0, "Monday 15 February 2022", False),
    ("scholz-date", 0, "15/2/2021", False),
    ("scholz-date", 0, "2/16", False),
    ("macron-visit-date", 0, "Monday, February 7, 2022", True),
    ("macron-visit-date", 0, "7 Feb 2022", True),
    ("macron-visit-date", 0, "2022-02-07", True),
    ("macron-visit-date", 0, "on February 7", True),
    ("macron-visit-date", 0, "7/2", False),
    ("macron-visit-date", 0, "February 7, 2021", False),
    ("macron-visit-date", 0, "February 8", False),
    ("truss-lavrov-date", 0, "10 February 2022", True),
    ("truss-lavrov-date", 0, "Thursday, 10 February", True),
    ("truss-lavrov-date", 0, "Friday, 10 February 2022", False),
    ("truss-lavrov-date", 0, "10 February 2020", False),
    ("biden-call-date", 0, "Saturday, February 12, 2022", True),
    ("biden-call-date", 0, "2022-02-12", True),
    ("biden-call-date", 0, "2022-12-02", False),
    ("biden-call-date", 0, "12 Feb 2023", False),
    ("refutation-date", 0, "Tuesday, 8 February 2022", True),  # the deck's year, given below
    ("refutation-date", 0, "8 February 2021", False),
]

YEAR_CASES: list[Case] = [
    ("crimea-seizure-year", 0, "2014", True),
    ("crimea-seizure-year", 0, "in 2014", True),
    ("crimea-seizure-year", 0, "March 2014", True),
    ("crimea-seizure-year", 0, "in March 2014", True),
    ("crimea-seizure-year", 0, "in the year 2014", True),
    ("crimea-seizure-year", 0, "18 March 2014", True),
    ("crimea-seizure-year", 0, "2014-03-18", True),
    ("crimea-seizure-year", 0, "2015", False),
    ("crimea-seizure-year", 0, "March 2015", False),
    ("crimea-seizure-year", 0, "in 2015", False),
    ("crimea-seizure-year", 0, "before 2014", False),
    ("crimea-seizure-year", 0, "2014 troops", False),
    ("withdrawal-cutoff-year", 0, "1997", True),
    ("withdrawal-cutoff-year", 0, "after 1997", True),
    ("withdrawal-cutoff-year", 0, "in 1997", True),
    ("withdrawal-cutoff-year", 0, "May 1997", True),
    ("withdrawal-cutoff-year", 0, "before 1997", False),
    ("withdrawal-cutoff-year", 0, "since 1997", False),  # the question does not say "since"
    ("withdrawal-cutoff-year", 0, "after 1999", False),
    ("withdrawal-cutoff-year", 0, "1999", False),
    ("last-bordering-ally-year", 0, "2004", True),
    ("last-bordering-ally-year", 0, "in 2004", True),
    ("last-bordering-ally-year", 0, "March 2004", True),
    ("last-bordering-ally-year", 0, "2009", False),
    ("last-bordering-ally-year", 0, "in 1999", False),
    ("crimea-donbas-attitudes", 2, "2014", True),
    ("crimea-donbas-attitudes", 2, "in 2014", True),
    ("crimea-donbas-attitudes", 2, "March 2014", True),
    ("crimea-donbas-attitudes", 2, "2015", False),
    ("crimea-donbas-attitudes", 2, "February 2015", False),
]

PEOPLE_CASES: list[Case] = [
    ("macron-who", 0, "Macron", True),
    ("macron-who", 0, "President Macron", True),
    ("macron-who", 0, "French President Macron", True),
    ("macron-who", 0, "President Emmanuel Macron", True),
    ("macron-who", 0, "Mr Macron", True),
    ("macron-who", 0, "Emmanuel Macron", True),
    ("macron-who", 0, "Marcel Macron", False),
    ("macron-who", 0, "President Hollande", False),
    ("macron-who", 0, "Macron and Putin", False),
    ("scholz-who", 0, "Chancellor Scholz", True),
    ("scholz-who", 0, "German Chancellor Olaf Scholz", True),
    ("scholz-who", 0, "Olaf Scholz", True),
    ("scholz-who", 0, "Dr. Scholz", True),
    ("scholz-who", 0, "Otto Scholz", False),
    ("scholz-who", 0, "Chancellor Merkel", False),
    ("scholz-who", 0, "Chancellor", False),
    ("truss-who", 0, "Foreign Secretary Truss", True),
    ("truss-who", 0, "British Foreign Secretary Liz Truss", True),
    ("truss-who", 0, "Ms Truss", True),
    ("truss-who", 0, "Elizabeth Truss", False),  # a variant the deck must add to `accept`
    ("truss-who", 0, "Foreign Secretary Raab", False),
    ("sullivan-who", 0, "National Security Advisor Sullivan", True),
    ("sullivan-who", 0, "US National Security Adviser Jake Sullivan", True),
    ("sullivan-who", 0, "NSA Sullivan", True),
    ("sullivan-who", 0, "Jake Sullivan", True),
    ("sullivan-who", 0, "John Sullivan", False),
    ("sullivan-who", 0, "National Security Advisor Blinken", False),
    ("lavrov-who", 0, "Foreign Minister Lavrov", True),
    ("lavrov-who", 0, "Russian Foreign Minister Sergei Lavrov", True),
    ("lavrov-who", 0, "Sergey Lavrov", True),
    ("lavrov-who", 0, "Mr. Lavrov", True),
    ("lavrov-who", 0, "British Foreign Secretary Lavrov", False),  # the other side
    ("lavrov-who", 0, "Dmitry Lavrov", False),
    ("lavrov-who", 0, "Peskov", False),
    ("author", 0, "Steven Pifer", True),
    ("author", 0, "Ambassador Steven Pifer", True),
    ("author", 0, "Ambassador Pifer", True),
    ("author", 0, "Dr Steven Pifer", True),
    ("author", 0, "Stephen Pifer", False),
    ("author", 0, "Ambassador McFaul", False),
]

TEXT_CASES: list[Case] = [
    # what passed before and is right keeps passing; what was wrong stays wrong
    ("offers-on-table", 0, "weeks", True),
    ("offers-on-table", 0, "for weeks", True),
    ("offers-on-table", 0, "months", False),
    ("thesis-corner", 1, "the Kremlin", True),
    ("thesis-corner", 1, "Putin", False),
    ("thesis-corner", 2, "into a corner", True),
    ("thesis-corner", 2, "into corner", False),
    ("formations-locations", 1, "in Crimea", True),
    ("formations-locations", 1, "Donbas", False),
    ("formations-locations", 2, "Belarus", True),
    ("formations-locations", 2, "Belarus and Crimea", False),
    ("sphere-of-influence", 2, "Kyiv", True),
    ("sphere-of-influence", 2, "Kyïv", True),
    ("sphere-of-influence", 2, "Lviv", False),
    ("spokesperson-cloze", 3, "France", True),
    ("spokesperson-cloze", 3, "Germany", False),
    ("eastern-flank", 2, "eastern flank", True),
    ("eastern-flank", 2, "Eastern-flank", True),
    ("eastern-flank", 2, "southern flank", False),
    ("eastern-flank", 1, "NATO", True),
    ("eastern-flank", 1, "EU", False),
    ("calamity", 2, "Ukraine", True),
    ("calamity", 2, "Russia", False),
    ("calamity", 3, "Russia", True),
    ("calamity", 3, "Ukraine", False),
]

ALL_CASES = UNIT_CASES + DATE_CASES + YEAR_CASES + PEOPLE_CASES + TEXT_CASES


def _case_id(case: Case) -> str:
    card_id, item, given, right = case
    return f"{card_id}#{item}:{given}:{'right' if right else 'wrong'}"


def test_enough_cases_each_rule_both_ways() -> None:
    assert len(ALL_CASES) >= 150
    for table in (UNIT_CASES, DATE_CASES, YEAR_CASES, PEOPLE_CASES, TEXT_CASES):
        assert {right for *_rest, right in table} == {True, False}
    assert {card_id for card_id, *_rest in ALL_CASES} == set(CARDS)


@pytest.mark.parametrize("case", ALL_CASES, ids=_case_id)
def test_rule(case: Case) -> None:
    card_id, item, given, right = case
    result = check_answer(CARDS[card_id], item, given, context_year=2022)
    assert result is not None
    assert result.correct is right, (card_id, given, result.expected)


# ------------------------------------------------------------------------------------------
# where the context year comes from: the answer, the question, else the deck


REFUTATION = CARDS["refutation-date"]  # its question names no year
assert isinstance(REFUTATION, TypedCard)


@pytest.mark.parametrize(("deck_year", "given", "right"), [
    (2022, "February 8, 2022", True),
    (2022, "February 8, 2021", False),
    (2021, "February 8, 2021", True),
    (None, "February 8, 2022", True),  # no year known: the day and month decide
    (None, "February 8", True),
    (None, "February 9, 2022", False),
])
def test_the_deck_year_applies_when_the_question_names_none(deck_year: int | None, given: str,
                                                            right: bool) -> None:
    assert check_typed(REFUTATION, given, context_year=deck_year).correct is right


def test_the_question_year_wins_over_the_deck_year() -> None:
    card = CARDS["scholz-date"]
    assert isinstance(card, TypedCard)
    assert check_typed(card, "15 February 2022", context_year=1999).correct
    assert not check_typed(card, "15 February 1999", context_year=1999).correct


def test_a_year_after_in_is_the_context_year() -> None:
    card = _typed("invasion", "On what date in 2022 did the invasion begin?", "24 February")
    assert check_typed(card, "24 February 2022", context_year=2014).correct
    assert not check_typed(card, "24 February 2014", context_year=2014).correct


def test_a_year_in_the_answer_is_the_context_year() -> None:
    card = _typed("invasion", "When did the invasion begin?", "24 February 2022")
    assert check_typed(card, "Thursday, 24 February", context_year=None).correct
    assert check_typed(card, "2022-02-24", context_year=2014).correct
    assert not check_typed(card, "24 February 2014", context_year=2014).correct
    assert not check_typed(card, "Friday, 24 February 2022").correct


def test_a_weekday_on_the_29th_of_february_of_a_common_year_is_wrong() -> None:
    card = _typed("leap", "On what date in February?", "February 29")
    assert check_typed(card, "February 29").correct
    assert not check_typed(card, "Monday, February 29", context_year=2022).correct


def test_deck_year_reads_the_deck_source_date() -> None:
    deck = load_deck(DECK)
    expected = deck.source.date.year if deck.source and deck.source.date else None
    assert deck_year(deck) == expected
    assert deck_year(None) is None


# ------------------------------------------------------------------------------------------
# the bundled deck as it is now: every answer passes its own card, also with a title or year


def _deck_answers() -> list[tuple[Card, int, str]]:
    deck = load_deck(DECK)
    out: list[tuple[Card, int, str]] = []
    for card in deck.cards:
        if isinstance(card, TypedCard):
            out += [(card, 0, text) for text in (card.answer, *card.accept)]
        elif isinstance(card, ClozeCard):
            out += [(card, item, "; ".join(cloze_answers(card.text, item)))
                    for item in card.items]
    return out


def test_every_answer_of_the_bundled_deck_passes_its_own_card() -> None:
    deck = load_deck(DECK)
    year = deck_year(deck)
    answers = _deck_answers()
    assert len(answers) > 50
    for card, item, text in answers:
        result = check_answer(card, item, text, context_year=year)
        assert result is not None and result.correct, (card.id, item, text)


def test_cloze_gap_units_do_not_leak_between_gaps() -> None:
    card = _cloze("mixed", "{{c1::3000}} soldiers went to Poland and {{c1::two}} months passed.")
    assert check_cloze(card, 1, "3000 troops; two months").correct
    assert not check_cloze(card, 1, "3000 months; two troops").correct


# ------------------------------------------------------------------------------------------
# every date, in every common form


@settings(deadline=None, max_examples=200)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.integers(1, 400))
def test_any_date_in_its_common_forms_passes_and_another_fails(day: dt.date, shift: int) -> None:
    card = _typed("d", f"On what date in {day:%B %Y} did it happen?", f"{day:%B} {day.day}")
    forms = [day.isoformat(), f"{day.day} {day:%b %Y}", f"{day:%B} {day.day}, {day.year}",
             f"{day:%A}, {day:%B} {day.day}, {day.year}", f"{day.day} {day:%B}"]
    if day.day > 12 or day.day == day.month:  # numeric dates only where they read one way
        forms.append(f"{day.day}/{day.month}/{day.year}")
    for form in forms:
        assert check_typed(card, form).correct, form
    other = day + dt.timedelta(days=shift)
    wrong = [other.isoformat(), f"{day:%B} {day.day}, {day.year + 1}",
             f"{(day + dt.timedelta(days=1)):%A}, {day:%B} {day.day}, {day.year}"]
    for form in wrong:
        assert not check_typed(card, form).correct, form
