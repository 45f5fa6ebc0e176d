"""Every lint rule, both ways: a small deck with the flaw gets the warning, the fixed one does not."""

from __future__ import annotations

import pytest

from briefing_quiz.core.deckfile import loads_deck
from briefing_quiz.core.lint import RULES, LintWarning, lint_deck

HEAD = 'format = 1\n\n[deck]\nid = "t"\ntitle = "T"\n'


def deck_of(*cards: str) -> str:
    return HEAD + "".join(f"\n[[cards]]\n{card.strip()}\n" for card in cards)


def warnings(*cards: str) -> list[LintWarning]:
    return lint_deck(loads_deck(deck_of(*cards).encode()))


def rules_of(*cards: str) -> list[str]:
    return [w.rule for w in warnings(*cards)]


def choice(question: str, choices: list[str], answer: str, card_id: str = "c") -> str:
    return (f'id = "{card_id}"\ntype = "choice"\nquestion = "{question}"\n'
            f"choices = {choices!r}\nanswer = {answer!r}\n").replace("'", '"')


def tf(statement: str, answer: bool, card_id: str) -> str:
    return (f'id = "{card_id}"\ntype = "truefalse"\nstatement = "{statement}"\n'
            f"answer = {'true' if answer else 'false'}\n")


def cloze(text: str, card_id: str = "z") -> str:
    return f'id = "{card_id}"\ntype = "cloze"\ntext = "{text}"\n'


def typed(question: str, answer: str, extra: str = "", card_id: str = "y") -> str:
    return f'id = "{card_id}"\ntype = "typed"\nquestion = "{question}"\nanswer = "{answer}"\n{extra}'


def order(items: list[str], card_id: str = "o") -> str:
    return (f'id = "{card_id}"\ntype = "order"\nquestion = "Put these in order."\n'
            f"items = {items!r}\n").replace("'", '"')


# -- choice ---------------------------------------------------------------------------------------

def test_choice_longest_answer() -> None:
    flawed = choice("Who wrote the essay?", ["Jake Sullivan", "Liz Truss",
                                             "Steven Pifer, senior fellow at Stanford University"],
                    "Steven Pifer, senior fellow at Stanford University")
    fixed = choice("Who wrote the essay?", ["Jake Sullivan", "Liz Truss", "Steven Pifer"],
                   "Steven Pifer")
    assert "choice-longest" in rules_of(flawed)
    assert "choice-longest" not in rules_of(fixed)


def test_choice_shortest_answer() -> None:
    flawed = choice("What did Moscow demand?", ["A halt", "A new treaty on missiles in Europe",
                                                "Talks on the deployment of forces"], "A halt")
    assert "clearly the shortest" in warnings(flawed)[0].message
    fixed = choice("What did Moscow demand?", ["A halt to enlargement", "A missile treaty",
                                               "Talks on forces"], "A halt to enlargement")
    assert "choice-longest" not in rules_of(fixed)


def test_choice_unequal_length() -> None:
    flawed = choice("Which?", ["Yes", "A much longer option than the other two", "No"], "Yes")
    fixed = choice("Which?", ["Paris", "Berlin", "London"], "Paris")
    assert "choice-unequal-length" in rules_of(flawed)
    assert "choice-unequal-length" not in rules_of(fixed)


def test_choice_near_duplicate() -> None:
    flawed = choice("Who?", ["Sergei Lavrov", "Sergey Lavrov", "Dmitry Peskov"], "Sergei Lavrov")
    same_but_case = choice("Who?", ["the kremlin", "The Kremlin!", "The Duma"], "The Duma")
    numbers = choice("How many?", ["1,700", "1,750", "1,800"], "1,700")
    fixed = choice("Who?", ["Sergei Lavrov", "Dmitry Peskov", "Maria Zakharova"], "Sergei Lavrov")
    assert "choice-near-duplicate" in rules_of(flawed)
    assert "choice-near-duplicate" in rules_of(same_but_case)
    assert "choice-near-duplicate" not in rules_of(numbers)
    assert "choice-near-duplicate" not in rules_of(fixed)


@pytest.mark.parametrize("option", ["All of the above", "none of these", "Both of them"])
def test_choice_all_or_none_of_the_above(option: str) -> None:
    flawed = choice("Which?", ["Paris", "Berlin", option], "Paris")
    fixed = choice("Which?", ["Paris", "Berlin", "Above all, Rome"], "Paris")
    assert "choice-above" in rules_of(flawed)
    assert "choice-above" not in rules_of(fixed)


def test_choice_only_option_sharing_the_question_words() -> None:
    flawed = choice("Which sanctions did the West threaten?",
                    ["Severe economic sanctions", "A naval blockade", "Troops in Ukraine"],
                    "Severe economic sanctions")
    shared_by_all = choice("Which sanctions did the West threaten?",
                           ["Banking sanctions", "Energy sanctions", "Travel sanctions"],
                           "Banking sanctions")
    fixed = choice("What did the West threaten?",
                   ["Severe economic sanctions", "A naval blockade", "Troops in Ukraine"],
                   "Severe economic sanctions")
    found = [w for w in warnings(flawed) if w.rule == "choice-question-words"]
    assert found and "(the answer)" in found[0].message and "sanctions" in found[0].message
    assert "choice-question-words" not in rules_of(shared_by_all)
    assert "choice-question-words" not in rules_of(fixed)


# -- truefalse ------------------------------------------------------------------------------------

def test_truefalse_balance_is_a_deck_warning() -> None:
    mostly_false = [tf(f"Statement {i}.", i == 0, f"s{i}") for i in range(6)]
    found = [w for w in warnings(*mostly_false) if w.rule == "truefalse-balance"]
    assert len(found) == 1 and found[0].card_id is None and "1 of 6" in found[0].message
    assert found[0].line is None  # not placed: no locate given
    balanced = [tf(f"Statement {i}.", i % 2 == 0, f"s{i}") for i in range(6)]
    assert "truefalse-balance" not in rules_of(*balanced)
    few = [tf(f"Statement {i}.", False, f"s{i}") for i in range(4)]
    assert "truefalse-balance" not in rules_of(*few)  # too few statements to judge


@pytest.mark.parametrize("word", ["only", "always", "never", "entirely", "none"])
def test_truefalse_absolute_word_in_a_false_statement(word: str) -> None:
    assert "truefalse-absolute" in rules_of(tf(f"Russia {word} wanted talks.", False, "a"))
    assert "truefalse-absolute" not in rules_of(tf(f"Russia {word} wanted talks.", True, "a"))
    assert "truefalse-absolute" not in rules_of(tf("Russia wanted talks.", False, "a"))


# -- cloze ----------------------------------------------------------------------------------------

def test_cloze_hint_gives_the_answer() -> None:
    assert "cloze-hint" in rules_of(cloze("A {{c1::sphere of influence::a sphere}} in Europe."))
    assert "cloze-hint" in rules_of(cloze("The {{c1::Kremlin::Kremlin}} said no."))
    assert "cloze-hint" not in rules_of(cloze("The {{c1::Kremlin::a building}} said no."))


def test_cloze_answer_written_elsewhere() -> None:
    flawed = cloze("Troops left {{c1::Crimea}}; Crimea stayed occupied.")
    other_gap = cloze("Troops left {{c1::Crimea}} for {{c2::Crimea}}.")
    fixed = cloze("Troops left {{c1::Crimea}}; the peninsula stayed occupied.")
    assert "cloze-answer-shown" in rules_of(flawed)
    assert "cloze-answer-shown" in rules_of(other_gap)  # c2's answer is shown when c1 is asked
    assert "cloze-answer-shown" not in rules_of(fixed)
    same_gap = cloze("Troops left {{c1::Crimea}} and {{c1::Crimea}}.")
    assert "cloze-answer-shown" not in rules_of(same_gap)  # both hidden at once


def test_cloze_gap_of_a_common_word() -> None:
    assert "cloze-common-gap" in rules_of(cloze("Russia did {{c1::not}} invade."))
    assert "cloze-common-gap" not in rules_of(cloze("Russia did not {{c1::invade}}."))


# -- any card -------------------------------------------------------------------------------------

def test_answer_in_its_own_question() -> None:
    assert "answer-in-question" in rules_of(typed("Where did Scholz go after Kyiv, Moscow?",
                                                  "Moscow"))
    assert "answer-in-question" not in rules_of(typed("Where did Scholz go after Kyiv?", "Moscow"))
    # A common word or a small number is no giveaway.
    assert "answer-in-question" not in rules_of(typed("In the first of two talks, how many?", "two"))


def test_answer_in_another_card_reports_the_pair() -> None:
    asks = typed("Who wrote the essay?", "Steven Pifer", card_id="author")
    leaks = typed("Which outlet published Steven Pifer?", "CISAC", card_id="outlet")
    found = [w for w in warnings(asks, leaks) if w.rule == "answer-in-other-card"]
    assert [(w.card_id, w.other) for w in found] == [("outlet", "author")]
    assert "author" in found[0].message and "outlet" in found[0].message
    apart = typed("Which outlet published the essay?", "CISAC", card_id="outlet")
    assert "answer-in-other-card" not in rules_of(asks, apart)


def test_answer_in_another_card_looks_at_choices_source_and_explain() -> None:
    asks = typed("How many soldiers went to Poland?", "3000", card_id="poland")
    in_choice = choice("Who ordered it?", ["Ordered 3,000 soldiers", "Biden", "Austin"], "Biden",
                       card_id="who")
    assert ("who", "poland") in [(w.card_id, w.other) for w in warnings(asks, in_choice)]
    in_source = typed("Who?", "Biden", 'source = "Biden sent 3000 soldiers."\n', card_id="src")
    assert ("src", "poland") in [(w.card_id, w.other) for w in warnings(asks, in_source)]


def test_answer_in_another_card_ignores_an_answer_both_cards_share() -> None:
    first = typed("Who wrote it?", "Steven Pifer", 'source = "by Steven Pifer"\n', card_id="a")
    second = typed("Who signed it?", "Steven Pifer", card_id="b")
    assert "answer-in-other-card" not in rules_of(first, second)


def test_answer_in_another_card_ignores_common_small_and_topic_answers() -> None:
    small = typed("How many drafts?", "2", card_id="a")
    common = typed("What did he say?", "never", card_id="b")
    mention = typed("Who said never in 2 drafts?", "Lavrov", card_id="c")
    assert "answer-in-other-card" not in rules_of(small, common, mention)
    topic = typed("Which country?", "Ukraine", card_id="u")
    mentions = [typed(f"Question {i} on Ukraine?", f"Answer{i}", card_id=f"m{i}")
                for i in range(4)]
    assert "answer-in-other-card" not in rules_of(topic, *mentions)  # a topic word
    assert "answer-in-other-card" in rules_of(topic, *mentions[:3])


# -- order ----------------------------------------------------------------------------------------

def test_order_needs_three_items() -> None:
    assert "order-too-few" in rules_of(order(["First", "Second"]))
    assert "order-too-few" not in rules_of(order(["First", "Second", "Third"]))


def test_order_items_with_the_same_date() -> None:
    flawed = order(["7 Feb: Macron meets Putin", "February 7: the press conference",
                    "8 Feb: Kyiv"])
    fixed = order(["7 Feb: Macron meets Putin", "8 Feb: Kyiv", "February 10: Truss"])
    years = order(["2008: Bucharest", "2014: Crimea", "2014: Donbas"])
    assert "order-same-date" in rules_of(flawed)
    assert "order-same-date" not in rules_of(fixed)
    assert "order-same-date" in rules_of(years)
    relative = order(["Troops sent before February 11", "Soldiers ordered on February 11",
                      "Troops already there"])
    assert "order-same-date" not in rules_of(relative)  # "before" a date is not that date


# -- typed ----------------------------------------------------------------------------------------

def test_typed_tolerance_where_the_source_is_exact() -> None:
    exact = typed("How many troops?", "130,000", 'tolerance = "5%"\nsource = "Russia has 130,000 '
                  'troops."\n')
    hedged = typed("How many troops?", "130,000", 'tolerance = "5%"\nsource = "Russia has about '
                   '130,000 troops."\n')
    no_tolerance = typed("How many troops?", "130,000", 'source = "Russia has 130,000 troops."\n')
    assert "typed-tolerance-exact" in rules_of(exact)
    assert "typed-tolerance-exact" not in rules_of(hedged)
    assert "typed-tolerance-exact" not in rules_of(no_tolerance)


def test_typed_bare_number_where_the_question_names_a_unit() -> None:
    assert "typed-bare-number" in rules_of(typed("How many months did the crisis last?", "3"))
    assert "typed-bare-number" not in rules_of(typed("How many months did it last?", "3 months"))
    assert "typed-bare-number" not in rules_of(typed("In which year was Crimea seized?", "2014"))
    assert "typed-bare-number" not in rules_of(typed("How many troops went?", "1700"))


# -- the table and the output ---------------------------------------------------------------------

def test_every_rule_has_an_id_a_fix_and_one_check() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.fix and rule.catches
        assert (rule.card is None) != (rule.deck is None), rule.id


def test_a_warning_reads_path_line_column_rule_card_and_fix() -> None:
    text = deck_of(tf("Always true.", False, "a"))
    deck = loads_deck(text.encode())
    from briefing_quiz.core.deckfile import locate_keys

    [warning] = lint_deck(deck, lambda locs: locate_keys(text, len(deck.cards), list(locs)))
    assert warning.line == text.splitlines().index('statement = "Always true."') + 1
    assert str(warning).startswith(f"<deck>:{warning.line}:1: [truefalse-absolute] card a: ")
    assert "; fix: make the statement false in substance" in str(warning)


def test_a_clean_deck_has_no_warnings() -> None:
    cards = [choice("Which city hosted the talks?", ["Paris", "Berlin", "Geneva"], "Geneva"),
             tf("The summit was held in Bucharest.", True, "t1"),
             cloze("The envoy flew from {{c1::Vienna::a city}}.", "z1"),
             typed("How many rounds of talks were held?", "3", card_id="y1"),
             order(["2008: Bucharest", "2014: Crimea", "2022: Talks"])]
    assert warnings(*cards) == []


def test_every_rule_is_documented_in_the_authoring_guide() -> None:
    from pathlib import Path

    guide = (Path(__file__).parents[3] / "docs" / "authoring.md").read_text(encoding="utf-8")
    assert "Haladyna, Downing & Rodriguez (2002)" in guide
    for rule in RULES:
        assert f"| `{rule.id}` | {rule.catches} | {rule.fix} |" in guide, rule.id


def test_a_topic_word_is_relative_to_the_size_of_the_deck() -> None:
    topic = typed("Who warned?", "Sullivan", card_id="who")
    mentions = [typed(f"When did Sullivan speak, {i}?", f"Answer{i}", card_id=f"m{i}")
                for i in range(5)]
    others = [typed(f"Question {i}?", f"Other{i}", card_id=f"o{i}") for i in range(60)]
    # 5 mentions among 66 cards: under a tenth of the deck, so each is reported...
    assert rules_of(topic, *mentions, *others).count("answer-in-other-card") == 5
    # ...but among 6 cards they are the deck's topic.
    assert "answer-in-other-card" not in rules_of(topic, *mentions)


def test_the_leak_relation_is_computed_once_per_loaded_deck(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing_quiz.core.lint import deck_relation, leaks

    text = deck_of(typed("Who wrote the essay?", "Steven Pifer", card_id="author"),
                   typed("Where did Steven Pifer publish?", "CISAC", card_id="outlet"))
    deck = loads_deck(text.encode())
    calls: list[object] = []
    real = leaks.find_leaks
    monkeypatch.setattr(leaks, "find_leaks", lambda d: calls.append(d) or real(d))
    assert deck_relation(deck) == {"author": {"outlet"}, "outlet": {"author"}}
    assert deck_relation(deck) is deck_relation(deck) and len(calls) == 1
    edited = loads_deck(text.replace("CISAC", "Stanford").encode())  # another deck: computed
    assert deck_relation(edited) == {"author": {"outlet"}, "outlet": {"author"}}
    assert len(calls) == 2 and calls[-1] is edited


def test_the_deck_balance_warning_is_placed_at_the_deck_table() -> None:
    from briefing_quiz.core.deckfile import locate_keys

    text = deck_of(*[tf(f"Statement {i}.", False, f"s{i}") for i in range(5)])
    deck = loads_deck(text.encode())
    found = lint_deck(deck, lambda locs: locate_keys(text, len(deck.cards), list(locs)))
    balance = [w for w in found if w.rule == "truefalse-balance"]
    assert balance[0].line == text.splitlines().index("[deck]") + 1
    assert found[0] is balance[0]  # file order: the deck table comes before the cards


# -- open -----------------------------------------------------------------------------------------

def open_card(question: str, terms: list[str], answer: str = "A model answer.",
              card_id: str = "b") -> str:
    return (f'id = "{card_id}"\ntype = "open"\nquestion = "{question}"\nanswer = "{answer}"\n'
            f'points = [{{ label = "the point", terms = {terms!r} }}]\n').replace("'", '"')


def test_open_weak_term() -> None:
    flawed = open_card("Why is Moscow cornered?", ["painted into a corner", "war"])
    fixed = open_card("Why is Moscow cornered?", ["painted into a corner", "war or climb-down"])
    found = [w for w in warnings(flawed) if w.rule == "open-weak-term"]
    assert [w.card_id for w in found] == ["b"]
    assert "the term 'war' is one very common word" in found[0].message
    assert "open-weak-term" not in rules_of(fixed)


def test_an_open_weak_term_is_placed_at_its_point() -> None:
    text = deck_of(open_card("Why is Moscow cornered?", ["said", "painted into a corner"]))
    deck = loads_deck(text.encode())
    from briefing_quiz.core.deckfile import locate_keys

    [warning] = lint_deck(deck, lambda locs: locate_keys(text, len(deck.cards), list(locs)))
    assert warning.line == next(i for i, line in enumerate(text.splitlines(), 1)
                                if line.startswith("points = "))


def test_an_open_cards_question_may_leak_another_cards_answer() -> None:
    asks = typed("Which year did the last bordering ally join?", "2004", card_id="year")
    tells = open_card("Why does 2004 make the timing a puzzle?", ["out of its orbit", "westward"])
    fixed = open_card("Why is the timing a puzzle?", ["out of its orbit", "westward"])
    found = [w for w in warnings(asks, tells) if w.rule == "answer-in-other-card"]
    assert [(w.card_id, w.other) for w in found] == [("b", "year")]
    assert "answer-in-other-card" not in rules_of(asks, fixed)


def test_an_open_cards_model_answer_and_points_are_no_answer_and_no_leak() -> None:
    # The model answer restates the argument's facts (it is shown after answering), and its
    # points are what to say, not a fact another card must hide.
    asks = typed("Which year did the last bordering ally join?", "2004", card_id="year")
    brief = open_card("Why is the timing a puzzle?", ["out of its orbit", "2004 enlargement"],
                      answer="The last bordering ally joined in 2004, so why now?")
    mentions = typed("What did Moscow fear, about its orbit?", "Losing Ukraine", card_id="m")
    assert "answer-in-other-card" not in rules_of(asks, brief, mentions)


def test_an_answer_among_the_alternatives_the_question_offers_is_no_give_away() -> None:
    offered = typed("How long had the offers been on the table? "
                    "(One word: days, weeks, months or years.)", "weeks")
    named = typed("Why had the offers been on the table for weeks?", "weeks")
    two = typed("Had the offers stood for days or weeks?", "weeks")
    long_items = typed("Was it on the table for some weeks, for many months or for years?",
                       "weeks")
    assert "answer-in-question" not in rules_of(offered)
    assert "answer-in-question" in rules_of(named)
    assert "answer-in-question" in rules_of(two)  # two alternatives: a hint, not a list
    assert "answer-in-question" in rules_of(long_items)  # "for some weeks": not a short item


def test_offered_alternatives_are_the_short_items_of_a_list_with_or() -> None:
    from briefing_quiz.core.lint.offered import offered_alternatives

    assert offered_alternatives("Which? (Days, weeks, months or years.)") == {
        ("days",), ("weeks",), ("months",), ("years",)}
    assert offered_alternatives("Which: Paris, Berlin, or Rome?") == {
        ("paris",), ("berlin",), ("rome",)}
    assert offered_alternatives("Where did Scholz go after Kyiv, Moscow?") == set()
    assert offered_alternatives("Was it Paris or Berlin?") == set()
