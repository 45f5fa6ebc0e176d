"""The deck draft made of the readers' notes: each note checked, typed and given a stable id.

A bad note becomes a `RowProblem` with its line instead of a card, so one import reports every bad
row at once. The checks here are the ones a row can fail on its own (no answer, unknown type, too
few choices); the deck loader still validates the rendered deck (see `importers.import_file`).
"""

from __future__ import annotations

import difflib
import math

from briefing_quiz.authoring.ids import card_id, is_slug
from briefing_quiz.authoring.notes import CLOZE_MARK, Note, Parsed, RowProblem, split_list
from briefing_quiz.authoring.toml_writer import CardDraft, DeckDraft, TomlValue
from briefing_quiz.core.model import CARD_TYPES, CardType

__all__ = ["build_draft", "card_fields", "normalize_tag"]

_TYPE_ALIASES: dict[str, CardType] = {
    **{t: t for t in CARD_TYPES},
    "true/false": "truefalse", "true-false": "truefalse", "tf": "truefalse", "bool": "truefalse",
    "multiple-choice": "choice", "mcq": "choice", "multiplechoice": "choice",
    "type-in": "typed", "typein": "typed", "sequence": "order", "ordering": "order",
}
_TRUE = frozenset({"true", "t", "yes", "y", "1", "vrai", "wahr"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "faux", "falsch"})


def normalize_tag(tag: str) -> str:
    """Tags are kept as written (Anki's `a::b` hierarchy included), only trimmed."""
    return tag.strip()


def _resolve_type(note: Note) -> CardType:
    written = note.type.strip().lower()
    if not written:
        if CLOZE_MARK.search(note.question):
            return "cloze"
        if note.choices:
            return "choice"
        if note.items:
            return "order"
        if note.points:
            return "open"
        return "basic"
    resolved = _TYPE_ALIASES.get(written) or _TYPE_ALIASES.get(written.replace(" ", "-"))
    if resolved is None:
        guess = difflib.get_close_matches(written, list(CARD_TYPES), n=1)
        hint = f" (did you mean '{guess[0]}'?)" if guess else ""
        raise ValueError(f"unknown type '{note.type}'{hint}; one of {', '.join(CARD_TYPES)}")
    return resolved


def _choice_answers(note: Note) -> list[str]:
    wanted = split_list(note.answer) if note.answer else []
    if not wanted:
        raise ValueError("no answer: name the right choice (or choices, separated by '|')")
    out: list[str] = []
    for want in wanted:
        exact = [c for c in note.choices if c == want]
        loose = [c for c in note.choices if c.casefold() == want.casefold()]
        if exact or loose:
            out.append((exact or loose)[0])
        elif len(want) == 1 and want.isalpha() and ord(want.upper()) - 65 < len(note.choices):
            # "B" names the second choice, as many quiz spreadsheets do.
            out.append(note.choices[ord(want.upper()) - 65])
        else:
            raise ValueError(f"answer '{want}' is not one of the choices")
    return out


def card_fields(note: Note, kind: CardType) -> list[tuple[str, TomlValue]]:
    """The type-specific keys of a card, checked; raises ValueError with a message for the user."""
    q = note.question
    if not q:
        raise ValueError("no question" if kind != "cloze" else "no text")
    if kind == "basic":
        if not note.answer:
            raise ValueError("no answer")
        return [("question", q), ("answer", note.answer)]
    if kind == "typed":
        if not note.answer:
            raise ValueError("no answer")
        out: list[tuple[str, TomlValue]] = [("question", q), ("answer", note.answer)]
        if note.accept:
            out.append(("accept", note.accept))
        if note.tolerance:
            out.append(("tolerance", note.tolerance))
        return out
    if kind == "choice":
        if not 2 <= len(note.choices) <= 8:
            raise ValueError(f"a choice card needs 2 to 8 choices, not {len(note.choices)}")
        answers = _choice_answers(note)
        answer: TomlValue = answers[0] if len(answers) == 1 else answers
        return [("question", q), ("choices", note.choices), ("answer", answer)]
    if kind == "truefalse":
        word = note.answer.strip().lower()
        if word not in _TRUE | _FALSE:
            raise ValueError(f"answer '{note.answer}' is neither true nor false")
        return [("statement", q), ("answer", word in _TRUE)]
    if kind == "cloze":
        from briefing_quiz.core.cloze import parse_cloze

        parse_cloze(q)  # raises ClozeSyntaxError (a ValueError) with the position
        return [("text", q)]
    if kind == "open":
        return _open_fields(note)
    items = note.items or split_list(note.answer)
    if not 2 <= len(items) <= 12:
        raise ValueError(f"an order card needs 2 to 12 items, not {len(items)}")
    return [("question", q), ("items", items)]


def _open_fields(note: Note) -> list[tuple[str, TomlValue]]:
    """An open card's keys: each point "label :: term; term" (or "term; term", labelled by its
    first term)."""
    if not note.answer:
        raise ValueError("no answer: an open card needs a model answer")
    points: list[dict[str, str | list[str]]] = []
    for part in note.points:
        label, colon, rest = part.partition("::")
        terms = [t.strip() for t in (rest if colon else part).split(";") if t.strip()]
        if not terms or not label.strip():
            raise ValueError(f"point {part!r} has no terms: write 'label :: term; other term'")
        points.append({"label": label.strip() if colon else terms[0], "terms": terms})
    if not points:
        raise ValueError("an open card needs points: 'label :: term; term | label :: term'")
    out: list[tuple[str, TomlValue]] = [("question", note.question), ("points", points),
                                        ("answer", note.answer)]
    if note.min_points.strip():
        if not note.min_points.strip().isdigit() or not 1 <= int(note.min_points) <= len(points):
            raise ValueError(f"min_points '{note.min_points}' must be 1 to {len(points)}")
        out.append(("min_points", int(note.min_points)))
    return out


def _weight_field(text: str) -> list[tuple[str, TomlValue]]:
    """The card's `weight` key from a weight cell ("" or 1: none, the default); ValueError for
    anything the deck loader would refuse (not a number greater than 0)."""
    cell = text.strip()
    if not cell:
        return []
    try:
        weight = float(cell)
    except ValueError:
        weight = math.nan
    if not (math.isfinite(weight) and weight > 0):
        raise ValueError(f"weight '{cell}' must be a number greater than 0, such as 3 for a "
                         "must-know fact")
    if weight == 1:
        return []
    return [("weight", int(weight) if weight.is_integer() else weight)]


def _readable(cloze_text: str) -> str:
    """A cloze text with its answers in place of the `{{c1::...}}` marks (for the card id)."""
    from briefing_quiz.core.cloze import render_cloze

    return render_cloze(cloze_text, 0, reveal=True)


def build_draft(parsed: Parsed, *, deck_id: str, title: str) -> tuple[DeckDraft, list[RowProblem]]:
    """Cards for every good note, and a problem for every bad one (in line order)."""
    problems = list(parsed.problems)
    cards: list[CardDraft] = []
    used: dict[str, int] = {}
    same: dict[tuple[str, str, str], int] = {}
    for note in parsed.notes:
        try:
            kind = _resolve_type(note)
            body = card_fields(note, kind)
            weight = _weight_field(note.weight)
        except ValueError as error:
            problems.append(RowProblem(note.line, str(error)))
            continue
        content = (kind, note.question, note.answer)
        if content in same and not note.key:
            problems.append(RowProblem(note.line, f"the same card as line {same[content]}"))
            continue
        same.setdefault(content, note.line)
        if note.id:
            cid = note.id.strip()
            if not is_slug(cid):
                problems.append(RowProblem(note.line, f"id '{cid}' must be lower-case letters, "
                                                      "digits and '-' (or leave it empty)"))
                continue
        else:
            key = note.key or f"{kind}\x1f{note.question}"
            words = _readable(note.question) if kind == "cloze" else note.question
            cid = card_id(words, key)
            if cid in used:  # same question twice: the answer tells them apart
                cid = card_id(words, f"{key}\x1f{note.answer}")
        if cid in used:
            problems.append(RowProblem(note.line, f"card id '{cid}' is already used on line "
                                                  f"{used[cid]}"))
            continue
        used[cid] = note.line
        fields: list[tuple[str, TomlValue]] = [("id", cid), ("type", kind), *body]
        tags = list(dict.fromkeys(t for t in (normalize_tag(t) for t in note.tags) if t))
        if tags:
            fields.append(("tags", tags))
        if note.source:
            fields.append(("source", note.source))
        explain = note.explain or (note.answer if kind == "cloze" else "")
        if explain:
            fields.append(("explain", explain))
        fields.extend(weight)
        cards.append(CardDraft(fields, origin=note.line))
    problems.sort(key=lambda p: p.line)
    return DeckDraft(id=deck_id, title=title, cards=cards), problems
