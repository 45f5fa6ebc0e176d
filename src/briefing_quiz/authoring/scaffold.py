"""`briefing-quiz new`: a deck skeleton with one commented example of every card type.

The skeleton is valid as written (a test loads it), so a new author starts from a deck that works
and changes it one card at a time, running `briefing-quiz check --watch` beside the editor.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from briefing_quiz.authoring.files import write_new_file
from briefing_quiz.authoring.ids import is_slug, slugify
from briefing_quiz.authoring.toml_writer import basic_string
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.visible import one_line

__all__ = ["default_title", "skeleton", "write_skeleton"]

_TEMPLATE = """\
# A briefing-quiz deck (format: docs/deck-format.md in the briefing-quiz sources).
# Check it while you edit:   briefing-quiz check --watch {path}
# Study it:                  briefing-quiz --decks {folder} study {deck_id}
#
# Every card needs an `id` that is unique in this deck: lower-case letters, digits and '-'.
# Progress is kept by id, so change a card's text freely but keep its id.
# Every card may also have `tags`, `source` (where the fact comes from) and `explain`
# (shown after the answer). Unknown keys are errors, so a typo never goes unnoticed.

format = 1

[deck]
id = {deck_id_toml}
title = {title_toml}
description = "What this deck is for, in a sentence."
tags = ["example"]

# Optional: where the deck's facts come from.
[deck.source]
title = "The document the questions come from"
author = "Its author"
# publisher = "Who published it"
# date = 2024-01-31
# url = "https://example.org/the-document"

# basic: a question and an answer; you judge yourself whether you knew it.
[[cards]]
id = "example-basic"
type = "basic"
question = "What does FSRS schedule?"
answer = "When you next see each card, so that you still remember it on the day."
tags = ["example"]
source = "The briefing-quiz README"
explain = "Anything you write here is shown after the answer."

# typed: you type the answer and it is checked. `accept` lists other right answers;
# `tolerance` ("5%", or an amount such as "500") accepts numbers close to the answer.
[[cards]]
id = "example-typed"
type = "typed"
question = "How many metres are there in a mile?"
answer = "1609"
accept = ["1,609"]
tolerance = "1%"

# choice: 2 to 8 choices; `answer` is one of them, or a list when several are right.
[[cards]]
id = "example-choice"
type = "choice"
question = "Which of these is a prime number?"
choices = ["21", "23", "25", "27"]
answer = "23"

# truefalse: a statement; `answer` is true or false, without quotes.
[[cards]]
id = "example-truefalse"
type = "truefalse"
statement = "The Pacific is the largest ocean."
answer = true

# cloze: a text with gaps, in Anki's syntax: {{{{c1::answer}}}} or {{{{c1::answer::hint}}}}.
# Each number (c1, c2, ...) is reviewed on its own.
[[cards]]
id = "example-cloze"
type = "cloze"
text = "The Treaty of {{{{c1::Westphalia}}}} was signed in {{{{c2::1648::year}}}}."

# order: 2 to 12 items, written in the right order; they are shown shuffled.
[[cards]]
id = "example-order"
type = "order"
question = "Put these planets in order from the Sun."
items = ["Mercury", "Venus", "Earth", "Mars"]

# open: answered in your own words, checked for the points it must make. Each point has a short
# label and the phrases (terms) any of which shows it was made; case, inflection, word order and
# small words do not matter, a negation before a term does. min_points (optional, default all):
# how many points make a pass.
[[cards]]
id = "example-open"
type = "open"
question = "Why did the Peace of Westphalia matter?"
points = [
  {{ label = "ended the Thirty Years' War", terms = ["ended the Thirty Years War", "end of the war"] }},
  {{ label = "sovereign states", terms = ["state sovereignty", "sovereign states"] }},
]
min_points = 1
answer = "It ended the Thirty Years' War and set out the rule of sovereign states."
"""


def default_title(deck_id: str) -> str:
    words = deck_id.replace("-", " ").strip()
    return (words[:1].upper() + words[1:]) if words else "New deck"


def skeleton(deck_id: str, title: str, path: str = "DECK.toml") -> str:
    """The skeleton text for `deck_id` and `title` (`path` is only quoted in a comment)."""
    if not is_slug(deck_id):
        raise BriefingQuizError(
            f"deck id '{deck_id}' must be lower-case letters, digits and '-', starting with a "
            "letter or digit (e.g. 'nato-summit-2026')"
        )
    if not title.strip():
        raise BriefingQuizError("the deck title must not be empty")
    return _TEMPLATE.format(
        # In comments: one line each, whatever the name holds (a newline would end the comment).
        path=one_line(shlex.quote(path)), folder=one_line(shlex.quote(str(Path(path).parent))),
        deck_id=deck_id,
        deck_id_toml=basic_string(deck_id), title_toml=basic_string(title.strip()),
    )


def write_skeleton(path: Path, *, deck_id: str | None = None, title: str | None = None,
                   force: bool = False) -> str:
    """Write the skeleton to `path` (replacing a file only with `force`); the deck id used."""
    if path.suffix != ".toml":
        raise BriefingQuizError(f"{path}: deck files end in .toml (try {path.name}.toml)")
    chosen = deck_id if deck_id is not None else slugify(path.stem)
    if not chosen:
        raise BriefingQuizError(f"{path}: no deck id can be made from the file name; "
                                "give one with --id")
    text = skeleton(chosen, title if title is not None else default_title(chosen), str(path))
    write_new_file(path, text, force=force)
    return chosen
