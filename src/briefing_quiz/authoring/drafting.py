"""`briefing-quiz draft SOURCE -o DECK.toml`: a draft deck from a plain-text or Markdown source,
offline and deterministic (the same text always gives the same deck).

Every sentence carrying a fact (`core/facts.py`: a number, a date, a named person, place or
organisation) gets a cloze card on its main fact (and a second gap on a fact of another kind),
plus, where the sentence's shape allows, a typed question ("how many …", "who …"), and,
alternately, a choice card or a false true/false variant whose distractors are facts of the same
kind found elsewhere in the text. Dated events become `order` chronology cards. Every card quotes
its sentence in `source` (white space made single, which `check` forgives) and is tagged `draft`;
the deck's `[deck.source] file` names the source, so `check` verifies every quote and `coverage`
shows what is left. The card drafts are `authoring.draft` drafts rendered by `toml_writer`.

The rules are simple on purpose: a draft is reviewed by a person (docs/authoring.md), and a rule
that is wrong is wrong the same way every time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing_quiz.authoring.distractors import (
    Pool,
    date_key,
    date_shape,
    distractors,
    figure_value,
)
from briefing_quiz.authoring.ids import card_id
from briefing_quiz.authoring.toml_writer import CardDraft, DeckDraft, TomlValue
from briefing_quiz.core.facts import TITLES, Fact, find_facts, lower_words
from briefing_quiz.core.sentences import Sentence, split_sentences

__all__ = ["DRAFT_TAG", "MAX_DRAFT_WORDS", "Drafted", "draft_deck", "write_draft"]

DRAFT_TAG = "draft"
#: The order in which a sentence's facts are asked first: figures and dates are what briefers
#: are asked about most.
_PRIORITY = {"number": 0, "date": 1, "person": 2, "org": 3, "place": 4, "name": 5}
_MAX_ORDER_ITEMS = 6
#: The longest source drafted at once. Drafting takes about 4.5 s for 100,000 words (most of it
#: pysbd's sentence splitting), growing in step with the length; a book is drafted a chapter at
#: a time (a deck of thousands of cards is reviewed by nobody).
MAX_DRAFT_WORDS = 100_000


@dataclass
class Drafted:
    """The draft deck, and how many fact-bearing sentences got at least one card."""

    draft: DeckDraft
    fact_sentences: int
    carded_sentences: int


@dataclass(frozen=True, slots=True)
class _Item:
    sentence: Sentence
    text: str          # the sentence, white space made single
    facts: tuple[Fact, ...]


def draft_deck(text: str, *, deck_id: str, title: str, source_file: str) -> Drafted:
    """The draft of `text`; `source_file` is written as `[deck.source] file`."""
    common = lower_words(text)
    items: list[_Item] = []
    previous: Sentence | None = None
    for sentence in split_sentences(text):
        if sentence.heading:  # a title, not a statement to be asked about
            previous = None
            continue
        flat = " ".join(sentence.text.split())
        facts = tuple(find_facts(flat, common))
        if facts:
            context = _context(text, previous, sentence, flat)
            if context:  # "They have met nine times": say who they are
                shift = len(context) + 1
                facts = tuple(Fact(f.kind, f.text, f.start + shift, f.end + shift) for f in facts)
                flat = f"{context} {flat}"
            items.append(_Item(sentence, flat, facts))
        previous = sentence
    items = _surnames_are_people(items)
    pool = Pool(f for item in items for f in item.facts)
    cards: list[CardDraft] = []
    used: set[str] = set()
    carded = 0
    statements = 0
    for index, item in enumerate(items):
        made = _cards_for(item, index, pool)
        for position, card in enumerate(made):
            if card.get("type") == "truefalse":
                # Every other statement is the sentence as it stands, true: all-false statements
                # are answered by always saying false (lint: truefalse-balance).
                statements += 1
                if statements % 2 == 0:
                    made[position] = card = _true_statement(item, card)
            _add(cards, used, card)
        carded += bool(made)
    for card in _chronology(items):
        _add(cards, used, card)
    # New cards are studied in deck order: the cloze cards of every sentence first, then the
    # questions, then the choices and statements, so that no card gives the next one's answer.
    phase = {"cloze": 0, "typed": 1, "basic": 1, "choice": 2, "truefalse": 2, "order": 3}
    cards.sort(key=lambda card: phase[str(card.get("type"))])
    draft = DeckDraft(id=deck_id, title=title, source=[("file", source_file)], cards=cards,
                      tags=[DRAFT_TAG])
    draft.header = (
        "DRAFT: written by 'briefing-quiz draft' from " + source_file + ", by rules, not by",
        "a person. Review every card before you study it: fix the questions, delete the",
        "weak ones, then remove the 'draft' tag. Each card's 'source' is the sentence it",
        "was made from; 'briefing-quiz check' verifies those quotes against the source.",
        "Guide: docs/authoring.md, 'Drafting a deck from a source'.")
    return Drafted(draft, len(items), carded)


def _surnames_are_people(items: list[_Item]) -> list[_Item]:
    """A one-word name that is the last name of a person named elsewhere in the text ("Stevens",
    after "John Frank Stevens") is that person: asked "who", and among people as distractors."""
    surnames = {f.text.split()[-1] for item in items for f in item.facts
                if f.kind == "person" and " " in f.text}
    out: list[_Item] = []
    for item in items:
        facts = tuple(Fact("person", f.text, f.start, f.end)
                      if f.kind == "name" and f.text in surnames else f for f in item.facts)
        out.append(_Item(item.sentence, item.text, facts) if facts != item.facts else item)
    return out


_PRONOUN = re.compile(r"(?:They|It|He|She|This|These|Those|Its|Their|His|Her|Such)\b")


def _context(text: str, previous: Sentence | None, sentence: Sentence, flat: str) -> str:
    """The sentence before, when this one opens with a pronoun and follows it in the same
    paragraph (so both quote the source as one passage); else ""."""
    if previous is None or not _PRONOUN.match(flat):
        return ""
    between = text[previous.start + len(previous.text):sentence.start]
    if between.strip() or between.count("\n") > 1:
        return ""
    return " ".join(previous.text.split())


def _add(cards: list[CardDraft], used: set[str], card: CardDraft) -> None:
    """Append `card` unless a card with the same id (the same content) is there already."""
    ident = str(card.get("id"))
    if ident not in used:
        used.add(ident)
        cards.append(card)


def _card(kind: str, words: str, key: str, item: _Item, fact_kind: str,
          body: list[tuple[str, TomlValue]]) -> CardDraft:
    fields: list[tuple[str, TomlValue]] = [("id", card_id(words, f"{kind}\x1f{key}")),
                                           ("type", kind), *body,
                                           ("tags", [DRAFT_TAG, fact_kind]),
                                           ("source", item.text)]
    return CardDraft(fields, origin=item.sentence.line)


def _cards_for(item: _Item, index: int, pool: Pool) -> list[CardDraft]:
    # A vague quantity ("by the thousands", "dozens of") is asked after any exact figure.
    ranked = sorted(item.facts, key=lambda f: (_PRIORITY[f.kind], bool(_VAGUE.fullmatch(f.text)),
                                               f.start))
    main = ranked[0]
    out: list[CardDraft] = []
    # A gap whose words the rest of the text shows ("like [...]" after "the Suez Canal") gives
    # itself away: the gaps go on the facts that are written once.
    hidden = [f for f in ranked if not _shown_elsewhere(item.text, f)]
    cloze = _cloze(item, hidden[0], hidden) if hidden else None
    if cloze is not None:
        out.append(cloze)
    # One typed question: "how many" or "who" where the sentence allows, else "on what date".
    typed = next((t for fact in sorted(ranked, key=lambda f: f.kind == "date")
                  if (t := _typed(item, fact)) is not None), None)
    if typed is not None:
        out.append(typed)
    others = distractors(main, pool)
    if len(others) >= 2 and index % 2 == 0:
        out.append(_choice(item, main, others))
    elif others:
        out.append(_false_variant(item, main, others[0]))
    elif not out:  # no other fact of its kind and no cloze: still one card for the sentence
        blank = item.text[:main.start] + "_____" + item.text[main.end:]
        out.append(_card("basic", blank, blank, item, main.kind,
                         [("question", f"Fill the gap: {blank}"), ("answer", main.text)]))
    return out


def _shown_elsewhere(text: str, fact: Fact) -> bool:
    rest = text[:fact.start] + " " + text[fact.end:]
    return re.search(rf"(?<!\w){re.escape(fact.text)}(?!\w)", rest, re.IGNORECASE) is not None


def _cloze(item: _Item, main: Fact, ranked: Sequence[Fact]) -> CardDraft | None:
    text = item.text
    if "{{" in text or "}}" in text or "::" in text:
        return None
    second = next((f for f in ranked[1:] if f.kind != main.kind), None)
    gaps = sorted([(main, 1)] + ([(second, 2)] if second is not None else []),
                  key=lambda pair: pair[0].start)
    parts: list[str] = []
    at = 0
    for fact, number in gaps:
        if "}" in fact.text or "{" in fact.text or fact.text.endswith(":"):
            return None
        parts.append(text[at:fact.start])
        parts.append(f"{{{{c{number}::{fact.text}}}}}")
        at = fact.end
    parts.append(text[at:])
    body: list[tuple[str, TomlValue]] = [("text", "".join(parts))]
    # A person's gap takes the surname alone, as the "who" question does.
    accept = {f"c{number}": short for fact, number in gaps
              if fact.kind == "person" and (short := _surnames(fact.text))}
    if accept:
        body.append(("accept", accept))
    return _card("cloze", text, text, item, main.kind, body)


_PARTICLES = frozenset(("de", "da", "di", "van", "von", "der", "le", "la", "al-", "bin", "du"))
_REGNAL = re.compile(r"[IVX]+\Z")


def _surnames(person: str) -> list[str]:
    """A person's last name, with its particle and without ("de Lesseps", "Lesseps"), titles
    left out; none when there is no other name to give ("Stevens", "King Charles V of Spain")."""
    words = person.split(" of ")[0].split()
    while words and words[0] in TITLES:
        words = words[1:]
    if len(words) < 2 or _REGNAL.match(words[-1]):
        return []
    if len(words) >= 3 and words[-2] in _PARTICLES:
        return [f"{words[-2]} {words[-1]}", words[-1]]
    return [words[-1]]


_VAGUE = re.compile(r"(?i)(?:dozens|hundreds|thousands|dozen|half|third|quarter)")
_LEAD = re.compile(r"(?:(?:On|In|By|Since|At|During) [^,]{1,40}, )?\Z")


def _typed(item: _Item, fact: Fact) -> CardDraft | None:
    """A question in the sentence's own words where its shape allows: a count followed by what
    it counts ("how many"), a person who opens the sentence ("who"), a date inside it ("on what
    date", "in what year")."""
    text = item.text.rstrip(" .!")
    before, after = text[:fact.start], text[fact.end:]
    if fact.kind == "number" and re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", fact.text) and \
            re.match(r" (?:[A-Z.]+ )?[a-z]+", after) and not before.endswith(("$", "€", "£")):
        question = (before + "how many" + after + "?").replace(" some how many", " how many")
        question = question[0].upper() + question[1:]
        accept = [fact.text.replace(",", "")] if "," in fact.text else []
        # "how many kilometres": the answer names its unit ("80 kilometres"), as the lint asks;
        # the bare figure still passes.
        answer = fact.text + _unit_after(after)
        body: list[tuple[str, TomlValue]] = [("question", question), ("answer", answer)]
        if accept:
            body.append(("accept", accept))
        return _card("typed", question, question, item, fact.kind, body)
    if fact.kind == "person" and _LEAD.match(before) and re.match(r" [a-z]", after):
        question = (before + ("who" if before else "Who") + after + "?")
        body = [("question", question), ("answer", fact.text)]
        surnames = _surnames(fact.text)
        if surnames:
            body.append(("accept", surnames))
        return _card("typed", question, question, item, fact.kind, body)
    if fact.kind == "date":
        return _when(item, fact, before, after)
    return None


#: The date's shape -> the words that ask for it: "on 15 August 1914" -> "on what date".
_ASKED = {(True, True, True): "what date", (True, True, False): "what date",
          (False, True, True): "what month and year", (False, False, True): "what year"}


def _unit_after(after: str) -> str:
    """" kilometres" when the words after a figure name a unit within two words ("80 square
    kilometres" gives " square kilometres"), else ""."""
    from briefing_quiz.core.lint.text import stem
    from briefing_quiz.core.lint.typed import UNITS

    words = re.match(r" ([a-z]+)(?: ([a-z]+))?", after)
    if words is None:
        return ""
    if stem(words.group(1)) in UNITS:
        return " " + words.group(1)
    if words.group(2) and stem(words.group(2)) in UNITS:
        return f" {words.group(1)} {words.group(2)}"
    return ""


def _when(item: _Item, fact: Fact, before: str, after: str) -> CardDraft | None:
    """"The canal opened on what date, when ...?": a date after its preposition, inside the
    sentence (not the phrase it opens with), asked in the sentence's own words, as "how many" is."""
    lead = re.search(r"(?<= )(on|in|by|since|until|from|before|after) \Z", before)
    asked = _ASKED.get(date_shape(fact.text))
    if lead is None or asked is None or not re.search(r"[a-z]", before[:lead.start()]) \
            or re.match(r"[-\u2013\w]", after) or _LEAD.fullmatch(before):
        return None
    if asked == "what date" and lead.group(1) == "in":
        return None  # "in 5 March": a shape we do not know how to ask
    question = f"{before}{asked}{after}?"
    question = question[0].upper() + question[1:]
    body: list[tuple[str, TomlValue]] = [("question", question), ("answer", fact.text)]
    return _card("typed", question, question, item, fact.kind, body)


def _choice(item: _Item, fact: Fact, others: list[str]) -> CardDraft:
    blank = item.text[:fact.start] + "_____" + item.text[fact.end:]
    question = f"Fill the gap: {blank}"
    choices = sorted([fact.text, *others], key=lambda c: (figure_value(c) or 0, c)) \
        if fact.kind in ("number", "date") else sorted([fact.text, *others])
    return _card("choice", question, question, item, fact.kind,
                 [("question", question), ("choices", choices), ("answer", fact.text)])


def _true_statement(item: _Item, false: CardDraft) -> CardDraft:
    """The sentence itself as a true statement, in place of its `false` variant."""
    tags = false.get("tags")
    kind = str(tags[-1]) if isinstance(tags, list) and tags else "name"
    return _card("truefalse", item.text, item.text, item, kind,
                 [("statement", item.text), ("answer", True)])


def _false_variant(item: _Item, fact: Fact, other: str) -> CardDraft:
    statement = item.text[:fact.start] + other + item.text[fact.end:]
    return _card("truefalse", statement, statement, item, fact.kind,
                 [("statement", statement), ("answer", False),
                  ("explain", f"False: the source says “{fact.text}”, not “{other}”.")])


# --------------------------------------------------------------------------------------------------
# Chronology


def _chronology(items: Sequence[_Item]) -> list[CardDraft]:
    """Order cards of the text's dated events (an event: the first date of a sentence), oldest
    first, at most six a card: one series for dates with a year, one for days of one year."""
    series: dict[bool, list[tuple[tuple[int, int, int], _Item, Fact]]] = {True: [], False: []}
    seen: set[tuple[bool, tuple[int, int, int]]] = set()
    for item in items:
        fact = next((f for f in item.facts if f.kind == "date" and date_key(f.text)), None)
        if fact is None:
            continue
        key = date_key(fact.text)
        assert key is not None
        if key not in seen:
            seen.add(key)
            series[key[0]].append((key[1], item, fact))
    cards: list[CardDraft] = []
    for events in series.values():
        events.sort(key=lambda e: e[0])
        for start in range(0, len(events), _MAX_ORDER_ITEMS):
            group = events[start:start + _MAX_ORDER_ITEMS]
            if len(group) >= 3:
                cards.extend(_order_card(group))
    return cards


def _order_card(group: list[tuple[tuple[int, int, int], _Item, Fact]]) -> list[CardDraft]:
    labels = [_event_label(item.text, fact) for _, item, fact in group]
    if len(set(labels)) != len(labels):
        return []
    in_text = sorted(group, key=lambda e: e[1].sentence.start)
    first, last = in_text[0][1], in_text[-1][1]
    source = first.text if first is last else f"{first.text} … {last.text}"
    question = "Put these events in the order they happened, earliest first."
    fields: list[tuple[str, TomlValue]] = [
        ("id", card_id("chronology " + labels[0], "order\x1f" + "\x1f".join(labels))),
        ("type", "order"), ("question", question), ("items", labels),
        ("tags", [DRAFT_TAG, "date"]), ("source", source)]
    return [CardDraft(fields, origin=first.sentence.line)]


def _event_label(text: str, fact: Fact) -> str:
    """The event as one short item: its date, then the sentence without it."""
    # The date goes, and the word that led to it ("took over the works on 4 May 1904 and").
    before = re.sub(r"\s+(?:on|in|by|since|at|during|from|until|to)\s*\Z", "",
                    text[:fact.start].rstrip() + " ")
    rest = (before.rstrip() + " " + text[fact.end:].lstrip()).strip()
    rest = re.sub(r"^(?:On|In|By|Since|At|During)\s*,?\s*", "", rest)
    rest = re.sub(r"\s+(?:on|in|by|since|at|during|from|until|to)\s*([,.;:]|$)", r"\1", rest)
    rest = re.sub(r"\s+([,.;:])", r"\1", rest).strip(" ,.;:")
    if len(rest) > 70:
        rest = rest[:69].rsplit(" ", 1)[0] + "…"
    return f"{fact.text}: {rest[:1].upper()}{rest[1:]}"


def write_draft(src: Path, output: Path, *, deck_id: str, title: str | None,
                force: bool) -> Drafted:
    """Draft a deck from the source file `src` and write it to `output` (a new file unless
    `force`), after checking that it loads and that every quote is found in `src`."""
    import os

    from briefing_quiz.authoring.files import write_new_file
    from briefing_quiz.authoring.notes import ImportFailed
    from briefing_quiz.authoring.toml_writer import render_deck
    from briefing_quiz.core.deckfile import loads_deck
    from briefing_quiz.core.errors import DeckError
    from briefing_quiz.core.evidence import SourceText
    from briefing_quiz.services.evidence import read_source

    text = read_source(src)
    words = len(text.split())
    if words > MAX_DRAFT_WORDS:
        raise ImportFailed(f"{src}: {words:,} words is too long to draft at once (at most "
                           f"{MAX_DRAFT_WORDS:,}, some 200 pages): split it into parts, a "
                           "chapter or a section a file, and draft each")
    relative = os.path.relpath(src.resolve(), output.resolve().parent)
    drafted = draft_deck(text, deck_id=deck_id, title=title or _title(text, src),
                         source_file=Path(relative).as_posix())
    if not drafted.draft.cards:
        raise ImportFailed(f"{src}: no sentence with a number, a date or a name: nothing to draft")
    rendered, _ = render_deck(drafted.draft)
    try:
        deck = loads_deck(rendered.encode("utf-8"), output)
    except DeckError as error:  # a bug of the rules above: say so rather than write a bad deck
        raise ImportFailed(f"the draft of {src} does not load:\n{error}") from None
    source = SourceText(text)  # what `check` will do once the deck is written
    wrong = [card.id for card in deck.cards if card.source and not source.contains(card.source)]
    if wrong:
        raise ImportFailed(f"the draft of {src} misquotes it (cards {', '.join(wrong)})")
    write_new_file(output, rendered, force=force)
    return drafted


def _title(text: str, src: Path) -> str:
    """The first Markdown heading, else the file's name in words."""
    heading = re.search(r"^#{1,2}[ \t]+(.+?)[ \t#]*$", text, re.MULTILINE)
    if heading:
        return heading.group(1)
    words = re.sub(r"[-_]+", " ", src.stem).strip()
    return (words[:1].upper() + words[1:]) if words else "Draft deck"
