"""The lint's fast path (`core.lint.fast`) gives exactly the warnings of the plain path, placed at
the same lines and columns, on randomised decks written in many TOML layouts."""

from __future__ import annotations

import dataclasses
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing_quiz.core.deckfile import loads_deck, locate_keys
from briefing_quiz.core.lint import (
    LintWarning,
    deck_relation,
    fast,
    find_leaks,
    leak_relation,
    leaks,
    lint_deck,
)
from briefing_quiz.core.lint.fast import columns, leakpass, locate, relations, words
from briefing_quiz.core.lint.leaks import answers_of, plain_find_leaks
from briefing_quiz.core.lint.text import tokens
from briefing_quiz.core.model import BasicCard, Card, ChoiceCard, Deck

# Few words, so that answers are written in other cards; rare ones ("zeta"), so that some of
# those leaks are not topic words; digits and dates for the typed and order rules.
COMMON = ["the", "army", "border", "treaty", "Kiev", "Moscow", "talks", "only", "never", "U.S.",
          "Russia's", "all", "sanctions", "troops", "NATO", "alliance", "a", "of", "in"]
RARE = ["zeta", "Pifer", "Sullivan", "Donbas", "Crimea", "14,000", "1,700", "2014", "Minsk"]
DATES = ["February 11, 2022", "11 Feb", "2022-02-21", "1997", "March 2014", "December 17"]


def _phrase(rng: random.Random, low: int, high: int) -> str:
    pool = COMMON * 3 + RARE
    return " ".join(rng.choice(pool) for _ in range(rng.randint(low, high)))


def _string(rng: random.Random, value: str) -> str:
    """`value` as a TOML string, in one of the forms a deck may use."""
    form = rng.random()
    if form < 0.1 and "'" not in value:
        return f"'{value}'"
    if form < 0.2:
        return f'"""\n{value}"""'
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _array(rng: random.Random, values: list[str]) -> str:
    items = [_string(rng, v) if rng.random() > 0.1 else f'"{v}"' for v in values]
    if rng.random() < 0.3:
        return "[\n  " + ",\n  ".join(items) + ",\n]"
    return "[" + ", ".join(items) + "]"


def _card(rng: random.Random, number: int) -> str:
    kind = rng.choice(["basic", "typed", "choice", "truefalse", "cloze", "order", "open"])
    keys: list[tuple[str, str]] = [("type", f'"{kind}"')]
    if kind in ("basic", "typed", "choice", "order", "open"):
        keys.append(("question", _string(rng, _phrase(rng, 3, 9) + "?")))
    if kind == "basic":
        keys.append(("answer", _string(rng, _phrase(rng, 1, 2))))
    elif kind == "typed":
        if rng.random() < 0.5:
            keys[-1] = ("question", _string(rng, f"How many {rng.choice(['months', 'troops'])} "
                                                  f"{_phrase(rng, 1, 4)}?"))
        keys.append(("answer", f'"{rng.choice(["14,000", "1,700", "3", "250", "2014"])}"'))
        if rng.random() < 0.5:
            keys.append(("tolerance", '"5%"'))
    elif kind == "choice":
        options = list(dict.fromkeys(_phrase(rng, 1, 4) for _ in range(4)))
        if len(options) < 2:
            options.append("Minsk accords of 2015 and their failure")
        options.append(rng.choice(["all of the above", "Minsk II", options[0] + "s"]))
        options = list(dict.fromkeys(options))
        keys.append(("choices", _array(rng, options)))
        keys.append(("answer", f'"{rng.choice(options)}"'))
    elif kind == "truefalse":
        keys.append(("statement", _string(rng, _phrase(rng, 4, 10) + ".")))
        keys.append(("answer", rng.choice(["true", "false"])))
    elif kind == "cloze":
        words = _phrase(rng, 8, 14).split()
        words[1] = "{{c1::" + words[1] + "}}"
        hint = rng.choice(["", "::a city", "::" + words[5]])
        words[4] = "{{c2::" + words[4] + hint + "}}"
        keys.append(("text", _string(rng, " ".join(words) + ".")))
    elif kind == "open":
        points = [f'{{ label = "{_phrase(rng, 1, 3)}", terms = ["{_phrase(rng, 1, 2)}"] }}'
                  for _ in range(rng.randint(1, 3))]
        keys.append(("points", "[\n  " + ",\n  ".join(points) + ",\n]"))
        keys.append(("answer", _string(rng, _phrase(rng, 2, 6))))
    else:
        items = list(dict.fromkeys(f"{_phrase(rng, 1, 3)} {rng.choice(DATES)}"
                                   for _ in range(rng.randint(2, 5))))
        items += [item for item in ("Minsk talks 1997", "zeta 2022-02-21") if item not in items]
        keys.append(("items", _array(rng, items)))
    if rng.random() < 0.7:
        keys.append(("source", _string(rng, _phrase(rng, 4, 20) + ".")))
    if rng.random() < 0.3:
        keys.append(("explain", _string(rng, _phrase(rng, 3, 8) + ".")))
    rng.shuffle(keys)
    keys.insert(0, ("id", f'"card-{number}"'))
    lines = []
    indents = ["", "  "] if rng.random() < 0.5 else [""]  # half the cards: no indented line
    for key, value in keys:
        written = f'"{key}"' if rng.random() < 0.05 else key
        space = rng.choice([" ", "", "  ", "\t"])
        lines.append(f"{rng.choice(indents)}{written}{space}={space}{value}")
        if rng.random() < 0.1:
            lines.append(f"# {key} = not a key")
    header = rng.choice(["[[cards]]", "[[cards]]", "  [[cards]]", "[[ cards ]]", "[['cards']]"])
    return header + "\n" + "\n".join(lines) + "\n"


def random_deck(seed: int, cards: int) -> str:
    rng = random.Random(seed)
    text = 'format = 1\n\n[deck]\nid = "r"\ntitle = "R"\n'
    text += "".join("\n" + _card(rng, i) for i in range(cards))
    return text.replace("\n", "\r\n") if rng.random() < 0.2 else text


def both_paths(text: str) -> Iterator[list[LintWarning]]:
    deck = loads_deck(text.encode())
    before = fast.ENABLED
    for enabled in (True, False):
        fast.ENABLED = enabled
        tokens.cache_clear()
        try:
            yield lint_deck(deck, fast.locator(text, len(deck.cards),
                                               [card.line for card in deck.cards]))
        finally:
            fast.ENABLED = before


@pytest.mark.parametrize("seed", range(60))
def test_same_warnings_both_ways(seed: int) -> None:
    text = random_deck(seed, random.Random(seed).randint(1, 40))
    quick, plain = both_paths(text)
    assert quick == plain


def test_the_random_decks_reach_every_branch() -> None:
    """The comparison above is worth something only if the decks give leaks and warnings, placed
    by the search and by the exact scanner alike."""
    rules: set[str] = set()
    leaks = 0
    for seed in range(60):
        text = random_deck(seed, random.Random(seed).randint(1, 40))
        deck = loads_deck(text.encode())
        rules.update(w.rule for w in lint_deck(deck))
        leaks += len(find_leaks(deck))
    assert leaks > 20
    assert {"answer-in-other-card", "answer-in-question", "cloze-hint", "choice-above",
            "typed-bare-number", "typed-tolerance-exact", "order-same-date", "choice-longest",
            "choice-unequal-length", "cloze-answer-shown", "choice-question-words",
            "choice-near-duplicate", "truefalse-balance"} <= rules


def test_fast_locate_agrees_with_the_scanner_on_every_key(monkeypatch: pytest.MonkeyPatch) -> None:
    results: list[object] = []
    search = locate._key_place

    def spy(*args: object) -> object:
        results.append(search(*args))  # type: ignore[arg-type]
        return results[-1]

    monkeypatch.setattr(locate, "_key_place", spy)
    for seed in range(30):
        text = random_deck(seed, 25)
        deck = loads_deck(text.encode())
        locs: list[tuple[str | int, ...]] = [("deck",), ("deck", "id")]
        for i in range(len(deck.cards)):
            locs += [("cards", i), *(("cards", i, key) for key in (
                "id", "type", "question", "answer", "choices", "items", "text", "statement",
                "source", "explain", "tolerance", "missing"))]
        plain = locate_keys(text, len(deck.cards), locs)
        assert fast.fast_locate(text, len(deck.cards), locs) == plain
        # The header lines as the loader found them (`Card.line`) give the same places.
        assert fast.fast_locate(text, len(deck.cards), locs,
                                card_lines=[card.line for card in deck.cards]) == plain
    # Both ways were taken: keys placed by the search, and keys left to the exact scanner.
    assert sum(r is not None for r in results) > 1000
    assert sum(r is None for r in results) > 1000


def test_the_loader_card_lines_are_the_header_lines_the_scanner_finds() -> None:
    """`Card.line`, handed to the locator in place of counting, is the line `locate_keys` gives
    each card's header, in every header spelling and line ending of the random decks."""
    for seed in range(30):
        text = random_deck(seed, 25)
        deck = loads_deck(text.encode())
        headers = locate_keys(text, len(deck.cards), [("cards", i) for i in range(len(deck.cards))])
        assert [card.line for card in deck.cards] == [line for line, _column in headers]
        assert None not in [card.line for card in deck.cards]


def test_switched_off_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib
    import os

    monkeypatch.setenv(fast.SWITCH_OFF_VARIABLE, "1")
    try:
        assert importlib.reload(fast).ENABLED is False
        monkeypatch.setenv(fast.SWITCH_OFF_VARIABLE, "0")
        assert importlib.reload(fast).ENABLED is True
    finally:
        monkeypatch.undo()  # the environment as it was, and the module as it says
        importlib.reload(fast)
    assert fast.ENABLED is (os.environ.get(fast.SWITCH_OFF_VARIABLE, "") in ("", "0"))


# ---------------------------------------------------------------------------------------------
# The automaton's leak pass and the card rules in bulk (issue 12's speed target)

FEB2022 = Path(__file__).resolve().parents[3] / "decks" / "feb2022.toml"


def test_the_automaton_text_blanks_every_character_split_splits_on() -> None:
    assert set(words._WHITESPACE) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


_TEXTS = st.text(st.sampled_from(
    [*"aZ ,.'-_\t\n\x00\x02ßİΣς’“”—–…·•«»ﬁ7", *words._WHITESPACE, "\U0001f600", "é"]), max_size=40)


def test_folding_and_blanking_commute() -> None:
    """What `words.normal_bytes` relies on to blank before it folds."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        folded = char.casefold()
        if folded != char:
            assert code not in words.SPACED
            assert not any(ord(c) in words.SPACED for c in folded)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXTS, max_size=6))
def test_the_fast_normalisation_is_the_plain_one(texts: list[str]) -> None:
    for text in texts:
        assert words.normal_bytes(text) == text.casefold().translate(words.SPACED).encode()
        assert words.spaced(text).split() == list(tokens(text))
    assert words.spaced_all(texts) == [words.spaced(text) for text in texts]


def test_same_warnings_both_ways_on_the_bundled_deck() -> None:
    text = FEB2022.read_text(encoding="utf-8")
    quick, plain = both_paths(text)
    assert quick == plain
    deck = loads_deck(text.encode())
    # The automaton decided (it did not decline to the word pass).
    assert leakpass._leaks_by_automaton(deck) == plain_find_leaks(deck)


@pytest.mark.parametrize("seed", range(5))
def test_same_warnings_both_ways_on_the_bundled_deck_made_to_leak(seed: int) -> None:
    """The bundled deck has no warning; with other cards' answers (and their first words) put
    into explains and sources, its real wording gives leaks and warnings to compare."""
    deck = loads_deck(FEB2022.read_bytes())
    rng = random.Random(seed)
    answers = [a for card in deck.cards for a in answers_of(card)]
    cards = []
    for card in deck.cards:
        if rng.random() < 0.4:
            picked = rng.choice(answers)
            picked = picked if rng.random() < 0.7 else picked.split()[0]
            card = dataclasses.replace(card, explain=f"{card.explain or ''} {picked}.")
        if rng.random() < 0.2:
            card = dataclasses.replace(card, source=f"“{rng.choice(answers)}” — {card.source or ''}")
        cards.append(card)
    leaky = dataclasses.replace(deck, cards=tuple(cards), _by_id={})
    found = _both_ways(leaky)
    assert found[0] == found[1]
    assert sum(w.rule == "answer-in-other-card" for w in found[0]) > 5


@pytest.mark.parametrize("seed", range(40))
def test_the_automaton_gives_the_plain_leaks_read_in_short_stretches(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Short stretches: the automaton drops topic words after each, many times in one deck."""
    rng = random.Random(seed)
    deck = loads_deck(random_deck(seed, rng.randint(5, 120)).encode())
    monkeypatch.setattr(leakpass, "_FIRST_STRETCH", rng.choice([1, 16, 200, 5000]))
    tokens.cache_clear()
    assert leakpass._leaks_by_automaton(deck) == plain_find_leaks(deck)


def test_short_stretches_do_drop_topic_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test above is worth something only if words are dropped between stretches."""
    monkeypatch.setattr(leakpass, "_FIRST_STRETCH", 16)
    built: list[int] = []
    make = leakpass._automaton

    def spy(known: list[str]) -> object:
        built.append(len(known))
        return make(known)

    monkeypatch.setattr(leakpass, "_automaton", spy)
    deck = loads_deck(random_deck(3, 120).encode())
    assert leakpass._leaks_by_automaton(deck) == plain_find_leaks(deck)
    assert len(built) > 2 and built[-1] < built[0]


def test_a_text_holding_the_separator_falls_back_to_the_word_pass() -> None:
    text = random_deck(5, 30).replace("Moscow", "Mos\\u0002cow")
    deck = loads_deck(text.encode())
    assert leakpass._leaks_by_automaton(deck) is None
    quick, plain = both_paths(text)
    assert quick == plain


def _big_random_deck(seed: int) -> str:
    """A larger deck with odd characters: other blanks, a NUL, case that folds, digits."""
    text = random_deck(seed, 150)
    odd = ["\\u00a0", "\\u2003", "\\t", "\\u0000", "Straße", "ΣΟΦΙΑ", "İstanbul", "Kyiv’s",
           "2,022", "n°", "“talks”", "—war—", "«Minsk»", "…", "·", "\\u3000", "\\u0085", "ﬁnal"]
    rng = random.Random(seed)
    for word in ("army", "talks", "treaty"):
        text = text.replace(f" {word} ", f" {word}{rng.choice(odd)} ", 5)
    return text


@pytest.mark.parametrize("seed", range(20))
def test_same_warnings_both_ways_on_larger_decks_with_odd_characters(seed: int) -> None:
    quick, plain = both_paths(_big_random_deck(seed))
    assert quick == plain


# ---------------------------------------------------------------------------------------------
# The cards read as columns (`fast.columns`): texts grouped by field, answers by type


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class _OtherChoice(ChoiceCard):
    """A card type the columns do not know: read card by card, by the plain functions."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class _OtherBasic(BasicCard):
    """Another one."""


def _as_other(card: Card) -> Card:
    kind = {ChoiceCard: _OtherChoice, BasicCard: _OtherBasic}.get(type(card))
    if kind is None:
        return card
    return kind(**{f.name: getattr(card, f.name) for f in dataclasses.fields(card)})


def _both_ways(deck: Deck) -> list[list[LintWarning]]:
    found = []
    before = fast.ENABLED
    for enabled in (True, False):
        fast.ENABLED = enabled
        tokens.cache_clear()
        try:
            found.append(lint_deck(deck))
        finally:
            fast.ENABLED = before
    return found


@pytest.mark.parametrize("seed", range(10))
def test_same_warnings_both_ways_with_card_types_the_columns_do_not_know(seed: int) -> None:
    deck = loads_deck(random_deck(seed, 40).encode())
    rng = random.Random(seed)
    cards = tuple(_as_other(card) if rng.random() < 0.5 else card for card in deck.cards)
    assert any(type(card) in (_OtherChoice, _OtherBasic) for card in cards)
    odd = dataclasses.replace(deck, cards=cards, _by_id={})
    quick, plain = _both_ways(odd)
    assert quick == plain
    assert find_leaks(odd) == plain_find_leaks(odd)


def test_a_pair_is_reported_at_its_first_place_in_the_card() -> None:
    """The texts are read grouped by field (all questions, then all choices ...): a pair written
    in several texts of a card is still reported at the first of them in the card's order."""
    text = ('format = 1\n\n[deck]\nid = "d"\ntitle = "D"\n\n'
            '[[cards]]\nid = "a"\ntype = "basic"\nquestion = "Who wrote it?"\nanswer = "Pifer"\n\n'
            '[[cards]]\nid = "b"\ntype = "choice"\nquestion = "Which zeta?"\n'
            'choices = ["one zeta", "Pifer zeta", "two zeta"]\nanswer = "one zeta"\n'
            'source = "As Pifer says."\nexplain = "Pifer."\n\n'
            '[[cards]]\nid = "c"\ntype = "basic"\nquestion = "Said by Pifer?"\nanswer = "yes"\n')
    deck = loads_deck(text.encode())
    quick = find_leaks(deck)
    assert quick == plain_find_leaks(deck)
    assert [(leak.card, leak.key, leak.other) for leak in quick] == [
        ("b", "choices", "a"), ("c", "question", "a")]


@given(st.lists(st.text(alphabet=st.sampled_from("ab ,.\t\u00a0\x00’Σß1\n"), max_size=12),
                max_size=6))
def test_collapsed_texts_are_the_words_single_spaced(texts: list[str]) -> None:
    assert columns.collapsed_all(texts) == [f" {' '.join(words)} " if (words := tokens(text))
                                            else " " for text in texts]


@pytest.mark.parametrize("seed", range(8))
def test_same_leaks_both_ways_when_many_cards_share_an_answer(seed: int) -> None:
    """Many cards with the same answer (as the cloze cards of benchmarks/bench_queue.py share
    theirs), a few cards writing it without sharing it, others writing it and sharing it, and
    two answers indexed under one word ("Kyiv", "Kyiv city"): the fast passes test each phrase
    once per place (`leakpass._match_grouped`), the plain pass each entry; the pairs, their keys
    and answers are the same."""
    rng = random.Random(seed)
    size = rng.randint(60, 90)  # an answer written in up to 7-10 places still counts
    cards = [
        '[[cards]]\nid = "choice"\ntype = "choice"\nquestion = "Which zeta?"\n'
        'choices = ["Kyiv", "Kyiv city", "Minsk"]\nanswer = ["Kyiv", "Kyiv city"]\n',
        '[[cards]]\nid = "cloze"\ntype = "cloze"\n'
        'text = "{{c1::Kyiv}} lies on the {{c2::Dnipro}}."\n']
    for n in range(3):
        place = rng.choice(["Kyiv city", "the Dnipro", "Kyiv", "Kyiv city and Kyiv"])
        cards.append(f'[[cards]]\nid = "w{n}"\ntype = "basic"\nquestion = "What of {place}?"\n'
                     f'answer = "zeta{n}"\nsource = "{rng.choice(["By the Dnipro.", "-"])}"\n')
    while len(cards) < size:
        n = len(cards)
        answer = rng.choice(["Kyiv", "Kyiv city", "Dnipro"]) if rng.random() < 0.6 else f"A{n}"
        # "city" written all over: "Kyiv city" is indexed under "kyiv", as "Kyiv" is.
        cards.append(f'[[cards]]\nid = "o{n}"\ntype = "basic"\nquestion = "Q{n} city?"\n'
                     f'answer = "{answer}"\n')
    rng.shuffle(cards)
    text = 'format = 1\n\n[deck]\nid = "d"\ntitle = "D"\n\n' + "\n".join(cards)
    deck = loads_deck(text.encode())
    found = find_leaks(deck)
    assert found == plain_find_leaks(deck)
    assert len(found) > 20
    assert "Kyiv" in {leak.answer for leak in found}
    quick, plain = both_paths(text)
    assert quick == plain


@pytest.mark.parametrize("question", [
    "How long did it last (days, weeks or months)?", "How long: days, weeks, or months?",
    "How long did it last? Weeks or months", "How long (or weeks, days, months)?",
    "Weeks or months, how long?", "How long\\tor weeks, days or months?",
    "How long did it last, in weeks?", "Which city (Kyiv, Minsk or Warsaw)?"])
def test_same_warnings_both_ways_for_questions_that_offer_alternatives(question: str) -> None:
    cards = [f'[[cards]]\nid = "c{n}"\ntype = "{kind}"\nquestion = "{question}"\n{answer}\n'
             for n, (kind, answer) in enumerate([
                 ("typed", 'answer = "weeks"'), ("basic", 'answer = "Kyiv"'),
                 ("choice", 'choices = ["weeks", "Kyiv", "months"]\nanswer = "weeks"'),
                 ("choice", 'choices = ["days", "weeks", "months"]\nanswer = ["months", "days"]')])]
    text = 'format = 1\n\n[deck]\nid = "d"\ntitle = "D"\n\n' + "\n".join(cards)
    quick, plain = both_paths(text)
    assert quick == plain


# ---------------------------------------------------------------------------------------------
# The leak relation kept by the digest of its inputs (`fast.relations`)


@pytest.fixture
def kept_relations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """No relation kept to start with, and each leak pass the relation ran (its decks)."""
    from briefing_quiz.core.lint import leaks

    monkeypatch.setattr(relations, "_KEPT", {})
    monkeypatch.setattr(fast, "ENABLED", True)
    calls: list[object] = []
    real = leaks.find_leaks
    monkeypatch.setattr(leaks, "find_leaks", lambda d: calls.append(d) or real(d))
    yield calls


def test_a_deck_read_again_gets_the_kept_relation(kept_relations: list[object]) -> None:
    text = random_deck(3, 40)
    first = deck_relation(loads_deck(text.encode()))
    again = loads_deck(text.encode())  # a new deck object, the same cards
    assert deck_relation(again) is first
    assert len(kept_relations) == 1
    assert first == leak_relation(leaks.plain_find_leaks(again)) and first


@pytest.mark.parametrize("seed", range(12))
def test_an_edited_deck_gets_its_own_relation(kept_relations: list[object], seed: int) -> None:
    """Any edit of a text a leak is looked in, an answer or an id is a new digest: the relation
    is computed again, and it is the plain path's relation of the edited deck."""
    text = random_deck(seed, 30)
    deck = loads_deck(text.encode())
    deck_relation(deck)
    rng = random.Random(seed)
    card = rng.choice([c for c in deck.cards if isinstance(c, (BasicCard, ChoiceCard))])
    edits = [dataclasses.replace(card, id=card.id + "x"),
             dataclasses.replace(card, question=card.question + " zeta"),
             dataclasses.replace(card, source=(card.source or "") + " Minsk"),
             dataclasses.replace(card, explain="Minsk"),
             (dataclasses.replace(card, answer=card.answer + " Minsk")
              if isinstance(card, BasicCard) else
              dataclasses.replace(card, choices=(*card.choices, "Donbas")))]
    for number, edited_card in enumerate(edits, 2):
        cards = tuple(edited_card if c is card else c for c in deck.cards)
        edited = dataclasses.replace(deck, cards=cards, _by_id={})
        assert deck_relation(edited) == leak_relation(leaks.plain_find_leaks(edited))
        assert len(kept_relations) == number and kept_relations[-1] is edited
    # An edit the relation does not read (tags, weight): the relation kept.
    retagged = tuple(dataclasses.replace(c, tags=("new",), weight=2.0) for c in deck.cards)
    deck_relation(dataclasses.replace(deck, cards=retagged, _by_id={}))
    assert len(kept_relations) == len(edits) + 1


def test_the_digest_tells_apart_texts_cut_differently() -> None:
    """Lengths are hashed with the strings: moving words between two texts changes the digest."""
    one = Deck("d", "D", None, (BasicCard(id="a", deck_id="d", question="zeta Minsk",
                                          answer="Pifer", source="Donbas"),))
    two = Deck("d", "D", None, (BasicCard(id="a", deck_id="d", question="zeta",
                                          answer="Pifer", source="Minsk Donbas"),))
    three = Deck("d", "D", None, (BasicCard(id="a", deck_id="d", question="zeta\x00Minsk",
                                            answer="Pifer", source="Donbas"),))
    four = Deck("d", "D", None, (BasicCard(id="a", deck_id="d", question="zeta",
                                           answer="Pifer", source="Minsk\x00Donbas"),))
    digests = {relations.relation_digest(columns.Columns(deck.cards))
               for deck in (one, two, three, four)}
    assert len(digests) == 4


def test_the_relation_is_not_kept_when_switched_off(kept_relations: list[object],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast, "ENABLED", False)
    text = random_deck(5, 20)
    deck_relation(loads_deck(text.encode()))
    deck_relation(loads_deck(text.encode()))
    assert len(kept_relations) == 2 and not relations._KEPT


def test_at_most_kept_relations(kept_relations: list[object],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(relations, "KEPT", 3)
    for seed in range(5):
        deck_relation(loads_deck(random_deck(seed, 10).encode()))
    assert len(relations._KEPT) == 3
