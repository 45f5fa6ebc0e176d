"""Content tests of the bundled deck `decks/feb2022.toml` (Pifer, February 2022).

The deck is parsed with `tomli` directly so these tests do not depend on the loader. The essay-based
tests (verbatim sources, coverage of every number and name) skip when the essay is absent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import tomli

from briefing_quiz.core.deckfile import load_deck

DECK_PATH = Path(__file__).resolve().parents[1] / "decks" / "feb2022.toml"
ESSAY_PATH = Path(__file__).resolve().parents[2] / "shared" / "source" / "feb2022-essay.txt"

CARD_TYPES = ("basic", "typed", "choice", "truefalse", "cloze", "order", "open")
COMMON_KEYS = {"id", "type", "tags", "source", "explain"}
REQUIRED_KEYS: dict[str, set[str]] = {
    "basic": {"question", "answer"},
    "typed": {"question", "answer"},
    "choice": {"question", "choices", "answer"},
    "truefalse": {"statement", "answer"},
    "cloze": {"text"},
    "order": {"question", "items"},
    "open": {"question", "points", "answer"},
}
OPTIONAL_KEYS: dict[str, set[str]] = {"typed": {"accept", "tolerance"}, "cloze": {"accept"},
                                       "open": {"min_points"}}
# What a learner sees and answers; `source` and `explain` do not count as teaching a fact.
CONTENT_KEYS = ("question", "answer", "text", "choices", "items", "statement", "accept")

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
NUMBER = re.compile(r"\d+(?:,\d{3})*")
CLOZE = re.compile(r"\{\{c(\d+)::(.*?)\}\}", re.DOTALL)
TOLERANCE = re.compile(r"\d+(?:\.\d+)?%?")

# The essay's people, places and organisations (and the offices that identify its people).
NAMES = (
    "Steven Pifer", "Center for International Security and Cooperation",
    "Russia", "Ukraine", "NATO", "Kremlin", "Moscow", "Kyiv", "Crimea", "Donbas", "Belarus",
    "Poland", "Germany", "Romania", "France", "Paris", "Washington", "United States", "U.S.",
    "European Union", "Pentagon", "the West",
    "Putin", "Russian President", "Biden", "Sullivan", "National Security Advisor",
    "Macron", "French President", "Truss", "British Foreign Secretary",
    "Lavrov", "Russian Foreign Minister", "Scholz", "German Chancellor", "Kremlin spokesperson",
)
# Numbers the essay spells out in words.
NUMBER_WORDS = ("two", "three", "five", "third")
# Capitalised words of the essay that are not names: sentence openers and the editor's label.
NOT_NAMES = frozenset({
    "Above", "Alliance", "As", "But", "Continuing", "Editor", "Following", "Hopefully", "However",
    "If", "In", "It", "Large", "Moreover", "No", "Oddly", "On", "So", "The", "These", "They",
    "This", "Those", "While",
})
# Card content may echo a phrase of the essay, never a long passage of it.
MAX_SHARED_WORDS = 12


def collapse(text: str) -> str:
    """Collapse runs of whitespace, so a quote may span the essay's line breaks."""
    return " ".join(text.split())


def is_verbatim(quote: str, essay: str) -> bool:
    """Whether `quote` is a character-for-character part of `essay` (whitespace runs aside)."""
    q = collapse(quote)
    return bool(q) and q in collapse(essay)


def numbers_in(text: str) -> set[str]:
    """Number tokens with their thousands separators dropped: '130,000' and '130000' are equal."""
    return {m.replace(",", "") for m in NUMBER.findall(text)}


def content_text(card: dict[str, Any]) -> str:
    parts: list[str] = []
    for key in CONTENT_KEYS:
        value = card.get(key)
        if isinstance(value, list):
            parts.extend(str(v) for v in value)
        elif isinstance(value, dict):  # a cloze card's accept: variants by gap number
            parts.extend(str(v) for variants in value.values() for v in variants)
        elif value is not None:
            parts.append(str(value))
    return "\n".join(parts)


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


@pytest.fixture(scope="module")
def all_content(cards: list[dict[str, Any]]) -> str:
    return "\n".join(content_text(c) for c in cards)


# --- structure ------------------------------------------------------------------------------------


def test_deck_header(deck: dict[str, Any]) -> None:
    assert deck["format"] == 1
    assert set(deck) == {"format", "deck", "cards"}
    header = deck["deck"]
    assert header["id"] == "feb2022"
    assert set(header) <= {"id", "title", "description", "tags", "source"}
    assert set(header["source"]) <= {"title", "author", "publisher", "date", "url", "as_of", "file"}
    assert header["source"]["author"] == "Steven Pifer"
    # The essay is named where it sits beside the project, never copied into it (copyright).
    assert header["source"]["file"] == "../../shared/source/feb2022-essay.txt"
    # Its figures were true in mid-February 2022, not for ever (issue 15, part 5).
    assert header["source"]["as_of"] == dt.date(2022, 2, 14)


def test_the_citation_gives_away_no_answer() -> None:
    """The app prints the deck's citation under every card's source, and its title in the study
    header: neither may hold another card's answer (in tmux the publisher card came right after
    a citation naming the publisher). The author's name is the one exception: the deck is one
    author's argument and its title says whose; the `author` card asks for the full name."""
    from briefing_quiz.core.deckfile import load_deck
    from briefing_quiz.core.model import ChoiceCard, TypedCard

    loaded = load_deck(DECK_PATH)
    assert loaded.source is not None
    citation, title = loaded.source.attribution().casefold(), loaded.title.casefold()
    answers = {card.id: card.answers if isinstance(card, ChoiceCard) else (card.answer,)
               for card in loaded.cards if isinstance(card, ChoiceCard | TypedCard)}
    # Both name the topic ("Russia–NATO–Ukraine"): a one-word answer such as "Ukraine" is
    # among the options of its card anyway; a name of several words would be a give-away.
    given = {cid: a for cid, found in answers.items() for a in found if cid != "author"
             and " " in a and (a.casefold() in citation or a.casefold() in title)}
    assert not given


def test_size_ids_and_types(cards: list[dict[str, Any]]) -> None:
    assert len(cards) >= 80
    ids = [c["id"] for c in cards]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates
    assert all(SLUG.fullmatch(i) for i in ids), [i for i in ids if not SLUG.fullmatch(i)]
    assert {c["type"] for c in cards} == set(CARD_TYPES)


@pytest.mark.parametrize("card_type", CARD_TYPES)
def test_keys_per_type(cards: list[dict[str, Any]], card_type: str) -> None:
    required = REQUIRED_KEYS[card_type] | {"id", "type", "source"}
    allowed = required | COMMON_KEYS | OPTIONAL_KEYS.get(card_type, set())
    for card in (c for c in cards if c["type"] == card_type):
        assert required <= set(card), (card["id"], required - set(card))
        assert set(card) <= allowed, (card["id"], set(card) - allowed)
        assert all(isinstance(t, str) and t for t in card.get("tags", [])), card["id"]
        assert card["source"].strip(), card["id"]


def test_every_card_is_tagged(cards: list[dict[str, Any]]) -> None:
    assert [c["id"] for c in cards if not c.get("tags")] == []


def test_choice_answers_are_among_choices(cards: list[dict[str, Any]]) -> None:
    for card in (c for c in cards if c["type"] == "choice"):
        choices = card["choices"]
        assert 2 <= len(choices) <= 8, card["id"]
        assert len(set(choices)) == len(choices), card["id"]
        answers = card["answer"] if isinstance(card["answer"], list) else [card["answer"]]
        assert answers and len(set(answers)) == len(answers), card["id"]
        assert set(answers) <= set(choices), (card["id"], set(answers) - set(choices))
        assert len(answers) < len(choices), card["id"]  # an all-correct question tests nothing


def test_typed_cards(cards: list[dict[str, Any]]) -> None:
    for card in (c for c in cards if c["type"] == "typed"):
        assert isinstance(card["answer"], str) and card["answer"].strip(), card["id"]
        accept = card.get("accept", [])
        assert all(isinstance(a, str) and a.strip() for a in accept), card["id"]
        assert card["answer"] not in accept, card["id"]
        if "tolerance" in card:
            assert TOLERANCE.fullmatch(card["tolerance"]), card["id"]
            assert numbers_in(card["answer"]), card["id"]  # tolerance only makes sense for a number


def test_truefalse_answers_are_booleans(cards: list[dict[str, Any]]) -> None:
    answers = [c["answer"] for c in cards if c["type"] == "truefalse"]
    assert all(isinstance(a, bool) for a in answers)
    assert True in answers and False in answers


def test_cloze_syntax(cards: list[dict[str, Any]]) -> None:
    for card in (c for c in cards if c["type"] == "cloze"):
        text = card["text"]
        deletions = CLOZE.findall(text)
        assert deletions, card["id"]
        for number, body in deletions:
            assert int(number) >= 1, card["id"]
            answer, _, hint = body.partition("::")
            assert answer.strip() and "::" not in hint, (card["id"], body)
            assert "{" not in body and "}" not in body, (card["id"], body)
        rest = CLOZE.sub("", text)
        assert "{{" not in rest and "}}" not in rest, (card["id"], rest)


def test_cloze_variety(cards: list[dict[str, Any]]) -> None:
    clozes = [c["text"] for c in cards if c["type"] == "cloze"]
    assert any("::" in body for text in clozes for _, body in CLOZE.findall(text))  # some hints
    assert any(len({n for n, _ in CLOZE.findall(t)}) >= 2 for t in clozes)  # some c1/c2...


def test_order_cards(cards: list[dict[str, Any]]) -> None:
    orders = [c for c in cards if c["type"] == "order"]
    for card in orders:
        items = card["items"]
        assert 2 <= len(items) <= 12, card["id"]
        assert len(set(items)) == len(items), card["id"]
    long_chronology = next(c for c in orders if c["id"] == "long-chronology")
    assert "draft" in long_chronology["items"][2] and "Scholz" in long_chronology["items"][-1]


def test_the_loader_accepts_the_deck(cards: list[dict[str, Any]]) -> None:
    loaded = load_deck(DECK_PATH)
    assert loaded.id == "feb2022"
    assert [c.id for c in loaded.cards] == [c["id"] for c in cards]
    assert [c.type for c in loaded.cards] == [c["type"] for c in cards]
    assert loaded.source is not None and loaded.source.author == "Steven Pifer"


# --- faithfulness to the essay --------------------------------------------------------------------


def test_checker_rejects_non_verbatim_quotes(essay: str) -> None:
    good = "bolster NATO’s defense on its eastern flank"
    assert is_verbatim(good, essay)
    assert is_verbatim("Moscow’s beef is with NATO,\n   why is it", essay)  # line breaks are free
    assert not is_verbatim(good.replace("’", "'"), essay)  # straight apostrophe
    assert not is_verbatim("now numbers some 130000 troops", essay)  # altered number
    assert not is_verbatim("Russia has painted itself into a corner", essay)  # paraphrase
    assert not is_verbatim("   ", essay)


def test_every_source_is_verbatim(cards: list[dict[str, Any]], essay: str) -> None:
    bad = [c["id"] for c in cards if not is_verbatim(c["source"], essay)]
    assert bad == []


def test_every_essay_number_is_taught(essay: str, all_content: str) -> None:
    essay_numbers = numbers_in(essay)
    # Guard against a regex that silently finds nothing.
    expected = {"130000", "3000", "1700", "1000", "2004", "1997", "14000", "2014", "7", "15"}
    assert expected <= essay_numbers
    assert essay_numbers - numbers_in(all_content) == set()


def test_every_number_word_is_taught(essay: str, all_content: str) -> None:
    for word in NUMBER_WORDS:
        assert re.search(rf"\b{word}\b", essay), word
        assert re.search(rf"\b{word}\b", all_content), word


@pytest.mark.parametrize("name", NAMES)
def test_every_name_is_taught(name: str, essay: str, all_content: str) -> None:
    assert name in essay  # keeps this list honest
    assert name in all_content


def test_no_capitalised_word_of_the_essay_is_missed(essay: str, all_content: str) -> None:
    # Catches a name the NAMES list forgot: every capitalised word must be taught or be a non-name.
    words = {m.group() for m in re.finditer(r"\b[A-Z][A-Za-z]*", essay)}
    missing = sorted(w for w in words - NOT_NAMES if not re.search(rf"\b{w}\b", all_content))
    assert missing == []


def longest_shared_run(text: str, essay: str) -> int:
    """The longest run of consecutive words (case and apostrophe style aside) common to both."""
    def words(s: str) -> list[str]:
        return re.findall(r"\w+", s.replace("’", "'").lower())

    a, b = words(text), words(essay)
    best = 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            if x == y:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def test_shared_run_measure() -> None:
    essay = "Moscow appears to be limiting itself to two choices: war or a climb-down."
    assert longest_shared_run("It’s limiting itself to two choices, he says", essay) == 5
    assert longest_shared_run("nothing in common here", essay) == 0


def test_essay_is_not_copied_into_cards(essay: str, cards: list[dict[str, Any]]) -> None:
    # Only `source` may quote the essay at length; questions and answers paraphrase it.
    runs = {c["id"]: longest_shared_run(content_text(c), essay) for c in cards}
    assert {i: n for i, n in runs.items() if n > MAX_SHARED_WORDS} == {}


def test_the_cloze_variants_of_the_deck_pass_and_others_do_not() -> None:
    from briefing_quiz.core.grading import check_answer
    from briefing_quiz.core.model import ClozeCard

    deck = load_deck(DECK_PATH)
    clozes = {c.id: c for c in deck.cards if isinstance(c, ClozeCard)}
    with_variants = [c for c in clozes.values() if c.accept]
    assert len(with_variants) >= 5
    for card in with_variants:
        for number, variants in card.accept:
            for variant in variants:
                result = check_answer(card, number, variant, context_year=2022)
                assert result is not None and result.correct, (card.id, number, variant)
    for card_id, number, wrong in [("calamity", 3, "Ukraine"), ("calamity", 1, "victory"),
                                   ("eastern-flank", 1, "the EU"),
                                   ("quagmire", 2, "stalemate")]:
        result = check_answer(clozes[card_id], number, wrong, context_year=2022)
        assert result is not None and not result.correct, (card_id, wrong)
