"""Item-writing tests of the bundled deck `decks/feb2022.toml` (issue 12): a test-wise guesser
must not beat chance, and no card may give another card's answer away.

The rules come from STYLE.md's last section (Haladyna, Downing & Rodriguez 2002). The content
tests (keys, verbatim sources, coverage of the essay) are in test_feb2022_deck.py, whose pure
helpers this module reuses.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import tomli

from briefing_quiz.core.deckfile import load_deck
from briefing_quiz.core.model import (
    ChoiceCard,
    ClozeCard,
    OpenCard,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)
from briefing_quiz.core.study.mock_test import MockTest, question_text
from tests.conftest import FrozenClock, StoreFactory
from tests.test_feb2022_deck import (
    CLOZE,
    DECK_PATH,
    ESSAY_PATH,
    MAX_SHARED_WORDS,
    is_verbatim,
    longest_shared_run,
)


@pytest.fixture(scope="module")
def deck() -> dict[str, Any]:
    with DECK_PATH.open("rb") as f:
        return tomli.load(f)


@pytest.fixture(scope="module")
def cards(deck: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = deck["cards"]
    return result


@pytest.fixture(scope="module")
def essay() -> str:
    if not ESSAY_PATH.is_file():
        pytest.skip(f"essay not found at {ESSAY_PATH}")
    return ESSAY_PATH.read_text(encoding="utf-8")


# --- item writing: a test-wise guesser must not beat chance (STYLE.md, last section) -------------

# Words that make a statement sound false to a test-wise guesser (Haladyna et al. 2002), and hedges
# that make one sound true.
ABSOLUTE = re.compile(r"\b(only|always|never|all|none|no|nothing|nobody|every|entirely|completely|"
                      r"totally|wholly|deeply|eager|definitely|certainly|net gain)\b", re.IGNORECASE)
HEDGE = re.compile(r"\b(may|might|perhaps|possibly|some|sometimes|often|usually|can)\b",
                   re.IGNORECASE)
# The arguments of the essay each asked by at least one auto-checked "why / what follows" card.
ARGUMENTS = ("why-now", "pushed-west", "not-nato-entry", "peskov", "calamity-russia", "demands",
             "bluff")
AUTO_TYPES = ("typed", "choice", "truefalse", "cloze", "order", "open")
# The deck's subject: every card names these, so they are no one card's secret.
CORE = frozenset({"russia", "ukraine", "nato", "moscow", "kremlin", "kyiv", "putin", "west",
                  "washington", "united states"})
STOPWORDS = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "and", "or", "for", "by", "with", "from", "its", "it",
    "his", "her", "their", "as", "at", "be", "was", "were", "is", "are", "that", "this", "which",
    "who", "what", "not", "but", "into", "than", "more", "most",
})
SMALL_NUMBER = re.compile(r"(one|two|three|four|five|six|seven|eight|nine|ten|first|second|third"
                          r"|fourth|fifth|\d|\d(st|nd|rd|th))", re.IGNORECASE)
NAME = re.compile(r"[A-Z][a-z]+")
NEAR = 3  # a new card's answer must not appear in the cards this close before it in file order


def single_answer_choices(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in cards if c["type"] == "choice" and isinstance(c["answer"], str)]


def test_about_half_the_statements_are_true(cards: list[dict[str, Any]]) -> None:
    answers = [c["answer"] for c in cards if c["type"] == "truefalse"]
    assert len(answers) >= 20
    assert 0.35 <= sum(answers) / len(answers) <= 0.65


def test_statements_carry_no_give_away_word(cards: list[dict[str, Any]]) -> None:
    statements = [c for c in cards if c["type"] == "truefalse"]
    assert [c["id"] for c in statements if not c["answer"] and ABSOLUTE.search(c["statement"])] == []
    assert [c["id"] for c in statements if c["answer"] and HEDGE.search(c["statement"])] == []


def test_the_answer_is_not_the_odd_one_out_by_length(cards: list[dict[str, Any]]) -> None:
    singles = single_answer_choices(cards)
    chance = sum(1 / len(c["choices"]) for c in singles) / len(singles)
    longest = shortest = 0
    wide: list[str] = []
    for card in singles:
        answer = len(card["answer"])
        others = [len(x) for x in card["choices"] if x != card["answer"]]
        longest += answer > max(others)
        shortest += answer < min(others)
        # "By a wide margin": a quarter longer than every other option, or a quarter shorter.
        if answer > 1.25 * max(others) or answer < min(others) / 1.25:
            wide.append(card["id"])
    assert longest / len(singles) <= chance + 0.05
    assert shortest / len(singles) <= chance + 0.05
    assert wide == []


QUESTION_WORDS = frozenset({"did", "does", "do", "had", "has", "have", "how", "why", "according",
                            "essay", "author", "could", "would"})


def content_words(text: str) -> set[str]:
    words = {w.lower().strip("'’") for w in re.findall(r"[\w'’-]+", text)}
    return words - STOPWORDS - QUESTION_WORDS


def test_no_right_option_echoes_the_question_alone(cards: list[dict[str, Any]]) -> None:
    # A word of the question that only the right option repeats points at it.
    echoes = []
    for card in (c for c in cards if c["type"] == "choice"):
        answers = card["answer"] if isinstance(card["answer"], list) else [card["answer"]]
        wrong = set().union(*(content_words(x) for x in card["choices"] if x not in answers))
        question = content_words(card["question"])
        echoes += [(card["id"], a) for a in answers if content_words(a) & question - wrong]
    assert echoes == []


# What happened after the essay (mid-February 2022) has no place in an option or a statement: the
# recognition of the Donbas "republics" (21 February), the invasion, the mobilisation, annexations.
ANACHRONISM = re.compile(r"recogni[sz]|invasion (?:began|of 24)|invaded|mobili[sz]|reservist|annex|"
                         r"Bucha|Mariupol|Kherson|February 2[1-9]|2[1-9] February|2023|2024",
                         re.IGNORECASE)


def test_nothing_after_mid_february_2022(cards: list[dict[str, Any]]) -> None:
    texts = {c["id"]: " ".join([c.get("statement", ""), c.get("question", ""),
                                *c.get("choices", []), *c.get("items", [])]) for c in cards}
    assert {i: ANACHRONISM.findall(t) for i, t in texts.items() if ANACHRONISM.search(t)} == {}


def answers_of(card: dict[str, Any]) -> list[str]:
    if card["type"] == "typed":
        return [card["answer"]]
    if card["type"] == "cloze":
        return [body.partition("::")[0] for _, body in CLOZE.findall(card["text"])]
    if card["type"] == "choice":
        answer = card["answer"]
        return answer if isinstance(answer, list) else [answer]
    return []


def shown_text(card: dict[str, Any]) -> str:
    """Everything a learner reads on a card before or after answering, cloze gaps filled in."""
    text = CLOZE.sub(lambda m: m.group(2).partition("::")[0], card.get("text", ""))
    parts = [card.get("question", ""), card.get("statement", ""), text, card.get("explain", ""),
             card["source"], *card.get("choices", []), *card.get("items", [])]
    return "\n".join(parts)


def stems(text: str) -> list[str]:
    """Lower-case words, thousands separators, plural and verb endings dropped (crudely)."""
    out = []
    for word in re.findall(r"[\w'’-]+", text.replace("’", "'").lower()):
        word = word.replace(",", "")
        for part in [word] if word.isdigit() else word.split("-"):
            part = part.strip("'").removesuffix("'s")
            for suffix in ("ing", "ed", "es", "s"):
                if len(part) > 4 and part.endswith(suffix):
                    part = part[: -len(suffix)]
                    break
            if part:
                out.append(part)
    return out


def gives_away(answer: str, text: str) -> bool:
    """Whether every content word of `answer` is in `text` (so `text` reveals it)."""
    words = [w for w in stems(answer) if w not in STOPWORDS]
    return bool(words) and set(words) <= set(stems(text))


def leak_forms(card: dict[str, Any], answer: str) -> list[str]:
    # "two" or "third" are everywhere; only "two months" gives a small number away.
    if SMALL_NUMBER.fullmatch(answer.strip()):
        return [a for a in card.get("accept", []) if len(a.split()) > 1]
    return [answer]


def leaks(cards: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(card, card that gives its answer away) pairs. A multi-answer choice card leaks when all
    its answers are given away; a one-word name (Belarus, Macron) only when it comes up in the
    `NEAR` cards just before the card that asks it."""
    found = []
    for i, card in enumerate(cards):
        answers = answers_of(card)
        groups = [answers] if card["type"] == "choice" and len(answers) > 1 else [[a] for a in answers]
        for group in groups:
            if all(a.strip().lower() in CORE for a in group):
                continue
            for j, other in enumerate(cards):
                if j == i:
                    continue
                text = shown_text(other)
                if not all(any(gives_away(f, text) for f in leak_forms(card, a)) for a in group):
                    continue
                if all(NAME.fullmatch(a.strip()) for a in group) and not 0 < i - j <= NEAR:
                    continue
                found.append((card["id"], other["id"]))
    return found


def test_leak_measure() -> None:
    asks = {"id": "a", "type": "typed", "question": "?", "answer": "The Pentagon", "source": "s"}
    name = {"id": "n", "type": "typed", "question": "?", "answer": "Macron", "source": "s"}
    tells = {"id": "b", "type": "basic", "question": "What did the Pentagon order?", "source": "x"}
    assert leaks([asks, tells]) == [("a", "b")]
    assert leaks([tells, asks]) == [("a", "b")]  # wherever it stands
    mention = {"id": "m", "type": "basic", "question": "Where did Macron go?", "source": "x"}
    assert leaks([mention, name]) == [("n", "m")]  # a name just before the card asking it
    filler = [{"id": f"f{i}", "type": "basic", "question": "?", "source": "x"} for i in range(NEAR)]
    assert leaks([mention, *filler, name]) == []
    assert leaks([asks, {**tells, "question": "What did the White House order?"}]) == []


def test_no_card_gives_away_another_cards_answer(cards: list[dict[str, Any]]) -> None:
    assert leaks(cards) == []


def test_the_citation_under_every_card_gives_no_answer_away(deck: dict[str, Any],
                                                            cards: list[dict[str, Any]]) -> None:
    # The app prints [deck.source] under every card's source. Its author and publisher are what
    # the `author` and `publisher` cards ask, shown first in file order; the rest (the title, the
    # date) must reveal nothing.
    source = deck["deck"]["source"]
    citation = {"id": "citation", "type": "basic", "question": source["title"],
                "source": str(source["date"])}
    assert [pair for pair in leaks([*cards, citation]) if pair[1] == "citation"] == []
    assert {c["id"] for c in cards[:2]} == {"author", "publisher"}


def test_reasoning_cards_cover_every_argument(cards: list[dict[str, Any]]) -> None:
    reasoning = [c for c in cards if "reasoning" in c["tags"] and c["type"] in AUTO_TYPES]
    assert len(reasoning) >= 20
    for argument in ARGUMENTS:
        assert any(argument in c["tags"] for c in reasoning), argument


# --- the mock test taken by a student who knows only test-taking tricks --------------------------


def longest_word(text: str) -> str:
    words: list[str] = re.findall(r"[\w'-]+", text)
    return max(words, key=len)


def trickster(test: MockTest) -> tuple[float, float]:
    """Answers every question of `test` by tricks alone: (score, blind chance), in percent.

    Choice: the longest option(s); how many when the question says "both", else the longer
    half. True/false: "false" when the statement holds an absolute word, else "true". Typed and
    cloze: the longest word of the question. Order: the items as shown. Open: the question's
    own words written back, scored as the mock test scores it (points made over points asked)."""
    chances: list[float] = []
    right = 0.0
    while (entry := test.next()) is not None:
        card = entry.card
        response: object
        if isinstance(card, ChoiceCard):
            options = test.choice_order(entry)
            many = len(card.answers) > 1 or card.multiple
            k = (2 if "both" in card.question.lower() else math.ceil(len(options) / 2)) if many else 1
            response = sorted(options, key=len, reverse=True)[:k]
            chances.append(1 / math.comb(len(options), k))
        elif isinstance(card, TrueFalseCard):
            response = not ABSOLUTE.search(card.statement)
            chances.append(1 / 2)
        elif isinstance(card, OrderCard):
            response = test.order_items(entry)
            chances.append(1 / math.factorial(len(card.items_in_order)))
        elif isinstance(card, OpenCard):
            result = test.answer(card.question)
            right += (result.in_place or 0) / len(card.points)
            chances.append(0.0)
            continue
        else:
            assert isinstance(card, (TypedCard, ClozeCard))
            response = longest_word(question_text(card, entry.key.item))
            chances.append(0.0)
        right += test.answer(response).correct
    return 100 * right / len(chances), 100 * sum(chances) / len(chances)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tricks_alone_score_about_chance(open_store: StoreFactory, clock: FrozenClock,
                                         seed: int) -> None:
    deck = load_deck(DECK_PATH)
    auto = sum(1 for c in deck.cards if c.type in AUTO_TYPES)
    test = MockTest(deck, open_store(), auto, clock=clock, seed=seed)
    assert len({e.card.id for e in test.entries}) == auto  # every auto-checked card, once
    score, chance = trickster(test)
    assert abs(score - chance) <= 10, (score, chance)


def test_the_trickster_would_catch_a_give_away_deck(open_store: StoreFactory, clock: FrozenClock,
                                                    write_deck: Callable[..., Path]) -> None:
    # The same student on a deck written the old way (long right answers, false statements made
    # false by one absolute word) scores far above chance: the measure above can fail.
    cards = "".join(
        f'[[cards]]\nid = "c{i}"\ntype = "choice"\nquestion = "Q{i}?"\n'
        f'choices = ["The long and detailed right answer {i}", "Short", "Brief", "Terse"]\n'
        f'answer = "The long and detailed right answer {i}"\n\n'
        f'[[cards]]\nid = "t{i}"\ntype = "truefalse"\n'
        f'statement = "The allies were always united ({i})."\nanswer = false\n\n'
        for i in range(5))
    deck = load_deck(write_deck(f'format = 1\n[deck]\nid = "old"\ntitle = "Old"\n\n{cards}'))
    score, chance = trickster(MockTest(deck, open_store(), 10, clock=clock))
    assert score - chance > 50


def test_writing_an_open_cards_question_back_makes_almost_no_point(open_store: StoreFactory,
                                                                    clock: FrozenClock) -> None:
    # A test-wise student who answers each brief-back card by repeating its question: the mock
    # test scores points made over points asked, and the question must not hand out the points.
    deck = load_deck(DECK_PATH)
    opened = [c for c in deck.cards if isinstance(c, OpenCard)]
    test = MockTest(replace(deck, cards=tuple(opened)), open_store(), len(opened), clock=clock)
    made = asked = 0
    while (entry := test.next()) is not None:
        assert isinstance(entry.card, OpenCard)
        result = test.answer(entry.card.question)
        made, asked = made + (result.in_place or 0), asked + len(entry.card.points)
    assert asked == sum(len(c.points) for c in opened) >= 30
    assert made / asked <= 0.10, (made, asked)
    assert test.finish().points_made == made


# --- the brief-back cards (type `open`, issue 14) ---------------------------------------------------

# Words too common to show that a point was made.
COMMON_WORDS = frozenset({"war", "russia", "ukraine", "nato", "moscow", "kremlin", "putin", "west",
                          "attack", "troops", "deal", "talks", "crisis", "security", "united"})


def test_the_brief_back_cards(cards: list[dict[str, Any]], essay: str) -> None:
    open_cards = [c for c in cards if c["type"] == "open"]
    assert len(open_cards) >= 12
    for card in open_cards:
        assert card["type"] == "open" and "brief-back" in card["tags"], card["id"]
        assert card["question"].strip() and card["answer"].strip(), card["id"]
        assert is_verbatim(card["source"], essay), card["id"]
        assert longest_shared_run(card["answer"], essay) <= MAX_SHARED_WORDS, card["id"]
        points = card["points"]
        assert 1 <= card.get("min_points", len(points)) <= len(points), card["id"]
        for point in points:
            assert point["label"].strip() and len(point["terms"]) >= 2, (card["id"], point)
            lone = [t for t in point["terms"] if t.lower() in COMMON_WORDS or len(t) < 4]
            assert lone == [], (card["id"], lone)


def test_the_bundled_deck_passes_check_strict(capsys: pytest.CaptureFixture[str]) -> None:
    from briefing_quiz.cli import main

    assert main(["check", "--lint", "--strict", str(DECK_PATH)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].endswith(" cards: OK") and "warning" not in out[-1], out
