"""The lint's speed tricks: the same warnings as the plain path, in a fraction of its time.

What it buys (`benchmarks/bench_lint.py`: the lint of the 10,000-card deck against `tomli.loads`
of it, cold rounds, CPU time; details in benchmarks/README.md): about 2.6x before any of it,
1.5x with the first three tricks (placing, the word pass, `card_check`), 0.8-0.85x with the
automaton and the bulk rules, 0.70x with the columns (the same deck with curly quotes and dashes:
394 ms -> ~170-200 ms; decks/feb2022.toml 7.5 -> ~6.5-7 ms). `deck_relation` over 100,000 items
whose cloze cards share answers: 6.8-8.2 s -> 0.30-0.34 s (`leakpass._match_grouped`).
  - `columns.Columns`: the cards of one lint read once, by type, each field a list made by `map`
    (C) instead of a Python loop per card; shared by the leak pass and the card rules for the run
    (`sharing`, made anew by each `lint_deck`). `columns.holds_all` tests many (text, phrase)
    rows by one `map(str.__contains__)`.
  - `locate.locator`: a warning of a card is placed by one search for `key =` at the start of a
    line of that card's part of the file (`str.find`, or `re.search` where lines are indented),
    its line counted from the card's header line, instead of a line-by-line TOML scan
    (`core.deckfile.locate_keys`): 94 ms -> 18 ms for 3,027 warnings; -> ~11 ms with the header
    lines taken from the loader (`Card.line`, handed over by `services.checking.deck_warnings`)
    and only the lines above the key tested for what could fool a plain search. A card part
    where a plain search could be fooled (a multi-line string, a sub-table header, a key the
    search does not see) is handed to the exact scanner, as is every key path that is not
    `("cards", i[, key])`.
  - `relations.cached_relation`: the leak relation a study session uses (`leaks.deck_relation`)
    kept for the process by a BLAKE2b digest of everything it is made of, so a deck read again
    with the same texts, answers and ids is not searched again: 42.5 ms -> 13.0 ms on a
    17,391-card deck (a miss: 47.7 ms).
  - `leakpass.find_leaks`: the relation "card A's question, choices, source or explain holds the
    answer of card B" without splitting the deck into words: one compiled Aho-Corasick automaton
    (`ahocorasick_rs`) finds every answer word as " word " in the deck's text normalised once
    (`words.spaced`), read in doubling stretches after each of which the deck's topic words are
    dropped from it; Python work only where an answer word that counts is written, and there
    once per phrase, not once per card having it (`_match_grouped`). 135 ms (the plain pass) ->
    85 ms (the word pass, kept as the fallback) -> about 30 ms.
  - `bulk.card_findings`: each card rule run over all the cards it applies to at once instead of
    card by card: answer-in-question, cloze-answer-shown and choice-question-words over the
    columns (`rows`: `map` over one row per card and answer, gap or option; findings built a
    field at a time), choice-near-duplicate screened by `map` over the columns, then on texts
    normalised all together with a memo per run (`rows.Memo`), four
    behind one regular expression over all the cards' texts (choice-above, truefalse-absolute,
    typed-bare-number, order-same-date), the rest card by card, three of them behind
    `bulk.card_check` (a cheap test of a condition they cannot fire without). About 105 ms ->
    50 ms -> 42 ms.
  - `words.normal_bytes`: texts normalised as UTF-8 bytes (`bytes.translate`, one regex for the
    Unicode blanks, `casefold` only when letters outside ASCII remain): `str.translate` with a
    dict costs ~65 ns a character on a text that is not all ASCII.
  - `locate.placed_warnings`: the warnings built a field at a time
    (`fast_construct.column_constructor`) and sorted as indexes: 6.2 ms -> 3.6 ms.

How to switch it off: `BRIEFING_QUIZ_NO_FAST_LINT=1` in the environment (read at import), or
`fast.ENABLED = False`; the plain path is then used everywhere. `tests/core/lint/test_fast.py`
proves on randomised decks (and on decks/feb2022.toml, on decks with card subclasses the
columns do not know, on decks where many cards share an answer) that both paths give exactly the
same warnings at the same places, and that the automaton gives the plain path's pairs when it
reads the text in short stretches (topic words dropped many times); and that a kept relation is
the plain one, recomputed after any edit of what it is made of.
"""

from __future__ import annotations

import os

__all__ = ["ENABLED", "SWITCH_OFF_VARIABLE", "cached_relation", "card_check", "card_findings",
           "deck_check", "fast_locate", "find_leaks", "locator", "placed_warnings", "sharing"]

SWITCH_OFF_VARIABLE = "BRIEFING_QUIZ_NO_FAST_LINT"
#: Whether the tricks are used (False when `BRIEFING_QUIZ_NO_FAST_LINT` is set but "" or "0").
ENABLED = os.environ.get(SWITCH_OFF_VARIABLE, "") in ("", "0")

# After ENABLED: the parts read it (as `fast.ENABLED`) at each call.
from briefing_quiz.core.lint.fast.bulk import card_check, card_findings, deck_check  # noqa: E402
from briefing_quiz.core.lint.fast.columns import sharing  # noqa: E402
from briefing_quiz.core.lint.fast.leakpass import find_leaks  # noqa: E402
from briefing_quiz.core.lint.fast.locate import (  # noqa: E402
    fast_locate,
    locator,
    placed_warnings,
)
from briefing_quiz.core.lint.fast.relations import cached_relation  # noqa: E402
