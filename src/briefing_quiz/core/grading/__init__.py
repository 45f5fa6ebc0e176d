"""Answer checking for the auto-checked card types.

The principle: **the same value in another common form passes; a different value, unit, year, side
or person fails.** Typed answers and each gap of a cloze are graded by the same rules, one topic per
module:

* `normalise`: case, accents, punctuation, quotes and dashes, "U.S." = "US", a leading article,
  month abbreviations and day/month order never matter.
* `numbers`: "130,000" = "130k" = "one hundred and thirty thousand"; "." is a decimal point.
* `units`: a unit or noun the user adds must agree with the answer's, or with the unit the question
  asks about ("3 weeks" is wrong for "how many months"); a qualifier that changes the fact is wrong
  ("14,000 civilians" for "14,000 lives").
* `dates`: "February 11" = "11 Feb 2022" = "2022-02-11" = "Friday, February 11, 2022", but not in
  another year than the card's; "March 2014" passes when 2014 is asked.
* `people`: "President Macron", "Chancellor Olaf Scholz" are the names after the title; a different
  first name is wrong.
* `typed`: leading words the question itself uses ("in 2014", "after 1997") are ignored; the answer
  is compared with the card's answer and each `accept` alternative; `card.tolerance` widens a number.

Nothing here guesses at spelling mistakes, and wrong stays wrong: "1700" is not "17000", "Poland" is
not "Poland and Romania" (nor the reverse). Deck authors add other right forms with `accept`.
"""

from briefing_quiz.core.grading.cards import (
    check_answer,
    check_choice,
    check_order,
    check_truefalse,
    deck_year,
    parse_truefalse,
)
from briefing_quiz.core.grading.normalise import normalize_answer
from briefing_quiz.core.grading.numbers import parse_number
from briefing_quiz.core.grading.result import CheckResult, Outcome, outcome
from briefing_quiz.core.grading.typed import check_cloze, check_typed

__all__ = [
    "CheckResult",
    "Outcome",
    "check_answer",
    "check_choice",
    "check_cloze",
    "check_order",
    "check_truefalse",
    "check_typed",
    "deck_year",
    "normalize_answer",
    "outcome",
    "parse_number",
    "parse_truefalse",
]
