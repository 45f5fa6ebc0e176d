"""Cloze texts in Anki's syntax: `{{c1::answer}}` or `{{c1::answer::hint}}`.

Every deletion number is its own review item (c1 -> item 1, c2 -> item 2, ...); one number may
appear several times in a text, and those deletions are asked together. Nested deletions and a
literal `{{` outside a deletion are not supported: both are reported as syntax errors, so that a
typo never turns silently into a card with a missing gap.
"""

from __future__ import annotations

import re
from functools import lru_cache

from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.fast_construct import fast_constructor
from briefing_quiz.core.model import ClozeDeletion

__all__ = ["ClozeSyntaxError", "cloze_answers", "parse_cloze", "render_cloze"]

# At most 6 digits: a longer number is a typo, and int() of thousands of digits would raise.
_NUMBER = re.compile(r"c(\d{1,6})::")
# "{c1::" with a single brace is almost always a typo for "{{c1::"; catching it here saves a silent
# card whose gap never appears.
_SINGLE_BRACE = re.compile(r"(?<!\{)\{c\d+::")
_SIMPLE_DELETION = re.compile(r"\{\{c([1-9][0-9]{0,5})::([^:{}]+)(?:::([^{}]*))?\}\}")
_new_deletion = fast_constructor(ClozeDeletion)


class ClozeSyntaxError(BriefingQuizError, ValueError):
    """A cloze text that cannot be parsed.

    `offset` indexes the text where the problem starts; None when the problem is the whole text
    (no deletion at all).
    """

    def __init__(self, message: str, offset: int | None) -> None:
        self.message = message
        self.offset = offset
        where = f" (at character {offset + 1})" if offset is not None else ""
        super().__init__(f"{message}{where}")


def parse_cloze(text: str) -> tuple[ClozeDeletion, ...]:
    """The deletions of `text`, in text order.

    Raises ClozeSyntaxError for an unclosed `{{`, a `{{` that does not start `cN::` (N of one to
    six digits; `c01` is c1), c0, an empty answer, a nested `{{`, a one-brace `{c1::`, or a text
    without any deletion.
    """
    # A fast pass for the usual text: plain answers (no ':' or braces) and hints (no braces). If
    # the text has no other braces than those of the deletions found, nothing is stray or
    # unclosed, and the result is what the exact parser would return (a property test checks
    # that both agree); anything else goes to the exact parser, which is the reference.
    deletions: list[ClozeDeletion] = []
    append = deletions.append
    for match in _SIMPLE_DELETION.finditer(text):
        digits, answer, hint = match.groups()
        if not answer.strip():
            return _parse_exact(text)
        append(_new_deletion(number=int(digits), answer=answer,
                             hint=hint if hint and hint.strip() else None,
                             start=match.start(), end=match.end()))
    braces = 2 * len(deletions)
    if not braces or text.count("{") != braces or text.count("}") != braces:
        return _parse_exact(text)
    return tuple(deletions)


# Cached because `render_cloze`/`cloze_answers` are called per item and per redraw with the same
# texts; an exception is not cached, so a bad text raises every time. The deck loader calls
# `parse_cloze` directly: loading never fills the cache with texts nobody renders.
_parse = lru_cache(maxsize=4096)(parse_cloze)


def _parse_exact(text: str) -> tuple[ClozeDeletion, ...]:
    """The reference parser, one deletion at a time; it also says what is wrong and where."""
    deletions: list[ClozeDeletion] = []
    find = text.find
    pos = 0
    while True:
        start = find("{{", pos)
        if start < 0:
            break
        end = find("}}", start + 2)
        if end < 0:
            raise ClozeSyntaxError("unclosed '{{': a deletion ends with '}}'", start)
        inner_start = start + 2
        nested = find("{{", inner_start, end)
        if nested >= 0:
            raise ClozeSyntaxError("'{{' inside a deletion: deletions cannot be nested", nested)
        match = _NUMBER.match(text, inner_start, end)
        if match is None:
            raise ClozeSyntaxError(
                "'{{' must start a deletion such as {{c1::answer}} or {{c1::answer::hint}}", start
            )
        number = int(match.group(1))
        if number < 1:
            raise ClozeSyntaxError("deletion numbers start at 1 (c1, c2, ...), not c0", start)
        body = text[match.end() : end]
        answer, sep, hint = body.partition("::")
        if not answer.strip():
            raise ClozeSyntaxError(f"deletion c{number} has an empty answer", start)
        deletions.append(
            ClozeDeletion(
                number=number,
                answer=answer,
                hint=hint if sep and hint.strip() else None,
                start=start,
                end=end + 2,
            )
        )
        pos = end + 2
    single = _SINGLE_BRACE.search(text)
    if single is not None:
        raise ClozeSyntaxError("a deletion starts with two braces: '{{c1::'", single.start())
    if not deletions:
        raise ClozeSyntaxError("no deletions: mark each answer like {{c1::answer}}", None)
    return tuple(deletions)


def render_cloze(text: str, item: int, *, reveal: bool = False, mask: str = "[...]") -> str:
    """`text` as shown for review item `item`.

    Deletions numbered `item` become `mask`, or `[hint]` when they have a hint (their answers when
    `reveal` is true); deletions of other numbers show their answers.
    """
    out: list[str] = []
    pos = 0
    for d in _parse(text):
        out.append(text[pos : d.start])
        if d.number != item or reveal:
            out.append(d.answer)
        elif d.hint is not None:
            out.append(f"[{d.hint}]")
        else:
            out.append(mask)
        pos = d.end
    out.append(text[pos:])
    return "".join(out)


def cloze_answers(text: str, item: int) -> tuple[str, ...]:
    """The answers of `item`'s deletions, in text order (empty when `item` has none)."""
    return tuple(d.answer for d in _parse(text) if d.number == item)
