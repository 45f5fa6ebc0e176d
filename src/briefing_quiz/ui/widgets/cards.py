"""The card being studied: its prompt, and one answer area per card type.

An answer area shows how to answer, takes the answer (keys or mouse) and posts it up as a message;
the study screen checks it with the core and sets the result back down with `show_result`. Areas
never grade or touch the session themselves. All card text goes through `ui.text`: shown literally.

Areas are few widgets (options are lines of one text, clickable through style meta, not one widget
each) and are reused from card to card with `load`, because mounting and styling new widgets was
most of the time between a grade and the next card.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content, Span
from textual.message import Message
from textual.style import Style
from textual.widgets import Input, Static

from briefing_quiz.core.grading import CheckResult
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)
from briefing_quiz.ui.text import assemble, lines, plain

TYPE_LABELS: dict[str, str] = {
    "basic": "Question",
    "typed": "Type the answer",
    "choice": "Choose",
    "truefalse": "True or false?",
    "cloze": "Fill the gap",
    "order": "Put in order",
}

# Keys for choice options: 1-9 then 0 for the tenth; further options are picked with the mouse.
CHOICE_KEYS = "1234567890"

HINT = "italic $text-muted"


def cloze_content(card: ClozeCard, item: int, *, reveal: bool) -> Content:
    """The cloze text for `item`, with the gap (or, revealed, its answers) marked.

    Same rules as `core.cloze.render_cloze` (gap shows `[hint]` or `[...]`; other numbers show their
    answers), but built from the deletions' offsets so the gap can carry a style.
    """
    parts: list[str | tuple[str, str]] = []
    pos = 0
    for d in card.deletions:
        parts.append(card.text[pos : d.start])
        if d.number != item:
            parts.append(d.answer)
        elif reveal:
            parts.append((d.answer, "bold underline $text-success"))
        else:
            parts.append((f"[{d.hint}]" if d.hint is not None else "[...]", "bold reverse"))
        pos = d.end
    parts.append(card.text[pos:])
    return assemble(*parts)


def prompt_content(card: Card, item: int) -> Content:
    """What the card asks, as shown above the answer area."""
    if isinstance(card, ClozeCard):
        return cloze_content(card, item, reveal=False)
    return plain(card.prompt)


def answer_text(card: Card, item: int = 0) -> str:
    """The right answer as one line of text (summary and browse)."""
    if isinstance(card, (BasicCard, TypedCard)):
        return card.answer
    if isinstance(card, ChoiceCard):
        return "; ".join(card.answers)
    if isinstance(card, TrueFalseCard):
        return "True" if card.answer else "False"
    if isinstance(card, ClozeCard):
        return "; ".join(d.answer for d in card.deletions if d.number == item)
    return " → ".join(card.items_in_order)


def hanging(prefix: Content, text: Content, width: int) -> Content:
    """`prefix` then `text`, wrapped to `width` with the wrapped lines indented under the text."""
    indent = prefix.cell_length
    if width <= indent + 10:
        return prefix + text  # too narrow to indent: let the widget wrap it
    rows = text.wrap(width - indent) or [Content("")]
    pad = Content(" " * indent)
    return Content("\n").join([prefix + rows[0], *(pad + row for row in rows[1:])])


def clickable(content: Content, action: str) -> Content:
    """`content` whose every cell runs `action` on the widget when clicked (ours, never text)."""
    return Content(content.plain, [Span(0, len(content.plain), Style.from_meta({"@click": action})),
                                   *content.spans])


class Submitted(Message):
    """The user answered; `response` is what `session.check` takes for this card type."""

    def __init__(self, area: AnswerArea, response: object) -> None:
        super().__init__()
        self.area = area
        self.response = response


class Revealed(Message):
    """The user asked to see the answer without giving one (self-graded)."""

    def __init__(self, area: AnswerArea) -> None:
        super().__init__()
        self.area = area


class AnswerArea:
    """What every answer area offers the study screen (a mixin for widgets)."""

    card: Card
    item: int
    answered: bool

    def load(self, card: Card, item: int, *, choice_order: Sequence[str] = (),
             order_items: Sequence[str] = ()) -> None:
        """Show `card` as a fresh question."""
        raise NotImplementedError

    def show_result(self, result: CheckResult | None) -> None:
        """Show the checked answer (or, for `None`, the revealed answer) and stop taking input."""
        raise NotImplementedError

    def focus_first(self) -> None:
        """Give keyboard focus to what takes the answer."""
        raise NotImplementedError


class LinesArea(Static, AnswerArea, can_focus=True):
    """An answer area drawn as one text: basic, choice, true/false and order cards."""

    def __init__(self) -> None:
        super().__init__(classes="answer-area")
        self.answered = False

    def focus_first(self) -> None:
        self.focus(scroll_visible=False)

    def redraw(self) -> None:
        self.update(self.render_content())

    def on_resize(self, event: events.Resize) -> None:
        if getattr(self, "card", None) is not None:
            self.redraw()  # options are wrapped to the width by hand (hanging indent)

    @property
    def text_width(self) -> int:
        return self.content_region.width or 1000

    def render_content(self) -> Content:
        raise NotImplementedError


class BasicArea(LinesArea):
    """Self-graded: space shows the answer."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "reveal", "Show answer")]

    def load(self, card: Card, item: int, *, choice_order: Sequence[str] = (),
             order_items: Sequence[str] = ()) -> None:
        assert isinstance(card, BasicCard)
        self.card, self.item, self.basic, self.answered = card, item, card, False
        self.redraw()

    def render_content(self) -> Content:
        if not self.answered:
            return clickable(Content.styled("space (or a click) shows the answer", HINT),
                             "reveal")
        return assemble(("Answer: ", "bold"), self.basic.answer)

    def action_reveal(self) -> None:
        if not self.answered:
            self.post_message(Revealed(self))

    def show_result(self, result: CheckResult | None) -> None:
        self.answered = True
        self.redraw()


class ChoiceArea(LinesArea):
    """Numbered options, shuffled by the session: a pick submits (toggles if several are right)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(k, f"pick({i})", "Pick", show=False) for i, k in enumerate(CHOICE_KEYS)),
        Binding("enter", "confirm", "Confirm", show=False),
    ]

    def load(self, card: Card, item: int, *, choice_order: Sequence[str] = (),
             order_items: Sequence[str] = ()) -> None:
        assert isinstance(card, ChoiceCard)
        self.card, self.item, self.choice, self.answered = card, item, card, False
        self.order = list(choice_order) or list(card.choices)
        self.selected: set[int] = set()
        self.result: CheckResult | None = None
        self.redraw()

    @property
    def multiple(self) -> bool:
        return self.choice.multiple or len(self.choice.answers) > 1

    def hint(self) -> str:
        n = min(len(self.order), len(CHOICE_KEYS))
        keys = f"1–{CHOICE_KEYS[n - 1]}" if n > 1 else "1"
        if self.multiple:
            return f"several answers are right: {keys} (or a click) toggles, enter confirms"
        return f"{keys} or a click picks an answer"

    def _line(self, i: int) -> Content:
        key = CHOICE_KEYS[i] if i < len(CHOICE_KEYS) else "·"
        text = self.order[i]
        if not self.answered:
            box = ("[x] " if i in self.selected else "[ ] ") if self.multiple else ""
            prefix = assemble((f" {key} ", "bold reverse"), " ", box)
            return clickable(hanging(prefix, plain(text), self.text_width), f"pick({i})")
        right = text in self.choice.answers
        chosen = i in self.selected
        if right and chosen:
            mark, style = "✓ right, your choice ", "bold $text-success"
        elif right:
            mark, style = "✓ right, missed      ", "bold $text-success"
        elif chosen:
            mark, style = "✗ wrong, your choice ", "bold $text-error"
        else:
            mark, style = "                     ", ""
        prefix = assemble((f" {key} ", "bold"), " ", (mark, style))
        return hanging(prefix, plain(text), self.text_width)

    def render_content(self) -> Content:
        out = [self._line(i) for i in range(len(self.order))]
        if not self.answered:
            out.extend([Content(""), Content.styled(self.hint(), HINT)])
        return lines(out)

    def action_pick(self, index: int) -> None:
        if self.answered or index >= len(self.order):
            return
        if self.multiple:
            self.selected ^= {index}
            self.redraw()
            return
        self.selected = {index}
        self.post_message(Submitted(self, [self.order[index]]))

    def action_confirm(self) -> None:
        if not self.answered and self.multiple:
            self.post_message(Submitted(self, [self.order[i] for i in sorted(self.selected)]))

    def show_result(self, result: CheckResult | None) -> None:
        self.answered = True
        self.result = result
        self.redraw()


class TrueFalseArea(LinesArea):
    """t or f (or a click)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "pick(1)", "True"),
        Binding("f", "pick(0)", "False"),
    ]

    def load(self, card: Card, item: int, *, choice_order: Sequence[str] = (),
             order_items: Sequence[str] = ()) -> None:
        assert isinstance(card, TrueFalseCard)
        self.card, self.item, self.truefalse, self.answered = card, item, card, False
        self.given: bool | None = None
        self.redraw()

    def render_content(self) -> Content:
        out: list[Content] = []
        for value, key, label in ((True, " t ", "True"), (False, " f ", "False")):
            if not self.answered:
                out.append(clickable(assemble((key, "bold reverse"), f" {label}"),
                                     f"pick({int(value)})"))
                continue
            if value == self.truefalse.answer:
                mark = ("✓ the right answer", "bold $text-success")
            elif value == self.given:
                mark = ("✗ your answer", "bold $text-error")
            else:
                mark = ("", "")
            chosen = " (you)" if value == self.given else ""
            out.append(assemble((key, "bold"), f" {label}{chosen}  ", mark))
        return lines(out)

    def action_pick(self, value: int) -> None:
        if not self.answered:
            self.given = bool(value)
            self.post_message(Submitted(self, self.given))

    def show_result(self, result: CheckResult | None) -> None:
        self.answered = True
        self.redraw()


class OrderArea(LinesArea):
    """Items shuffled by the session: up/down (k/j) highlight, alt+up/down (K/J) move, enter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("alt+up,K", "move(-1)", "Move up", key_display="alt+↑/K"),
        Binding("alt+down,J", "move(1)", "Move down", key_display="alt+↓/J"),
        Binding("enter", "submit", "Submit order"),
    ]

    def load(self, card: Card, item: int, *, choice_order: Sequence[str] = (),
             order_items: Sequence[str] = ()) -> None:
        assert isinstance(card, OrderCard)
        self.card, self.item, self.ordering, self.answered = card, item, card, False
        self.items = list(order_items) or list(card.items_in_order)
        self.cursor = 0
        self.redraw()

    def _line(self, i: int) -> Content:
        text = self.items[i]
        if not self.answered:
            pointer = ("▶ ", "bold") if i == self.cursor else "  "
            style = "bold reverse" if i == self.cursor else "bold"
            prefix = assemble(pointer, (f"{i + 1:>2}.", style), " ")
            return clickable(hanging(prefix, plain(text), self.text_width), f"point({i})")
        right = self.ordering.items_in_order
        if i < len(right) and right[i] == text:
            mark = ("✓ in place      ", "bold $text-success")
        else:
            where = right.index(text) + 1 if text in right else 0
            mark = (f"✗ belongs at {where:<3}", "bold $text-error")
        return hanging(assemble(f"{i + 1:>2}. ", mark, " "), plain(text), self.text_width)

    def render_content(self) -> Content:
        out = [self._line(i) for i in range(len(self.items))]
        if not self.answered:
            out.extend([Content(""), Content.styled(
                "↑/↓ (k/j) highlight · alt+↑/alt+↓ (K/J) move the highlighted item · "
                "enter submits", HINT)])
        return lines(out)

    def action_point(self, index: int) -> None:
        self.action_cursor(index - self.cursor)

    def action_cursor(self, delta: int) -> None:
        if not self.answered:
            self.cursor = max(0, min(len(self.items) - 1, self.cursor + delta))
            self.redraw()

    def action_move(self, delta: int) -> None:
        target = self.cursor + delta
        if self.answered or not 0 <= target < len(self.items):
            return
        self.items[self.cursor], self.items[target] = self.items[target], self.items[self.cursor]
        self.cursor = target
        self.redraw()

    def action_submit(self) -> None:
        if not self.answered:
            self.post_message(Submitted(self, list(self.items)))

    def show_result(self, result: CheckResult | None) -> None:
        self.answered = True
        self.redraw()


class AnswerInput(Input):
    """An Input that, for cloze cards, lets space on an empty line reveal instead of typing."""

    def __init__(self) -> None:
        super().__init__(placeholder="type the answer, enter checks", compact=True,
                         select_on_focus=False)
        self.space_reveals = False

    def check_consume_key(self, key: str, character: str | None) -> bool:
        # Tells the key bar that the area's "space" binding is live while the line is empty.
        if self.space_reveals and key == "space" and not self.value:
            return False
        return super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        if self.space_reveals and event.key == "space" and not self.value:
            # Keep Input's own handler from typing it; the key bubbles on to the area's binding.
            event.prevent_default()


class TypedArea(Vertical, AnswerArea):
    """Typed and cloze cards: an input (enter checks); for cloze, space on an empty line reveals."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "reveal", "Show answer")]

    def __init__(self) -> None:
        super().__init__(classes="answer-area")
        self.answered = False

    def compose(self) -> ComposeResult:
        yield AnswerInput()
        yield Static(classes="typed-note")

    def load(self, card: Card, item: int, *, choice_order: Sequence[str] = (),
             order_items: Sequence[str] = ()) -> None:
        assert isinstance(card, (TypedCard, ClozeCard))
        self.card, self.item, self.answered = card, item, False
        field = self.query_one(AnswerInput)
        field.space_reveals = isinstance(card, ClozeCard)
        field.disabled = False
        field.value = ""
        note = self.query_one(".typed-note", Static)
        note.update(Content.styled(self.hint(), HINT))
        note.display = True

    def hint(self) -> str:
        card = self.card
        if not isinstance(card, ClozeCard):
            return "enter checks (an empty answer counts as “don't know”)"
        gaps = sum(1 for d in card.deletions if d.number == self.item)
        several = "; several gaps: separate the answers with ';'" if gaps > 1 else ""
        return f"type the missing words, enter checks{several} · space on an empty line shows " \
               "the answer"

    def focus_first(self) -> None:
        self.query_one(AnswerInput).focus(scroll_visible=False)

    def action_reveal(self) -> None:
        if not self.answered and isinstance(self.card, ClozeCard):
            self.post_message(Revealed(self))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return isinstance(getattr(self, "card", None), ClozeCard) and not self.answered
        return True

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.answered:
            self.post_message(Submitted(self, event.value))

    def show_result(self, result: CheckResult | None) -> None:
        self.answered = True
        self.query_one(AnswerInput).disabled = True
        note = self.query_one(".typed-note", Static)
        if isinstance(self.card, ClozeCard):
            note.update(cloze_content(self.card, self.item, reveal=True))
        else:
            note.display = False


AREA_TYPES: dict[type, type[LinesArea] | type[TypedArea]] = {
    BasicCard: BasicArea,
    TypedCard: TypedArea,
    ClozeCard: TypedArea,
    ChoiceCard: ChoiceArea,
    TrueFalseCard: TrueFalseArea,
    OrderCard: OrderArea,
}
