"""The card being studied as text, and one answer controller per card type.

A controller holds what is being answered (the pick, the order, the reveal) and draws its lines; it
is plain Python, no widget. The widget that shows them is `ui.widgets.card_view.CardView`.

All card text goes through `ui.text`: shown literally, never as markup. Clickable parts carry
our own actions in style meta, never text from the deck.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.content import Content, Span
from textual.style import Style

from briefing_quiz.core.grading import CheckResult
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    OpenCard,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)
from briefing_quiz.ui.text import assemble, plain

TYPE_LABELS: dict[str, str] = {
    "basic": "Question",
    "typed": "Type the answer",
    "choice": "Choose",
    "truefalse": "True or false?",
    "cloze": "Fill the gap",
    "order": "Put in order",
    "open": "Answer in your own words",
}

# Keys for choice options: 1-9 then 0 for the tenth; further options are picked with the mouse.
CHOICE_KEYS = "1234567890"
HINT = "italic $text-muted"


# -- text helpers -----------------------------------------------------------------------------------
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
    """What the card asks."""
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
    if isinstance(card, OpenCard):
        return card.answer
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
    meta = Span(0, len(content.plain), Style.from_meta({"@click": action}))
    return Content(content.plain, [meta, *content.spans])


# -- what an answer action leads to ------------------------------------------------------------------
class Submit:
    """The user answered; `response` is what `session.check` takes for this card type."""

    def __init__(self, response: object) -> None:
        self.response = response


class Reveal:
    """The user asked to see the answer without giving one (self-graded)."""


class Write:
    """The user asked to go (back) to the answer area of an open card."""


Outcome = Submit | Reveal | Write | None


# -- controllers --------------------------------------------------------------------------------------
class Controller:
    """The answering of one card type: state, actions and the lines that show them."""

    #: Actions of `CardView` this type answers to (the others are hidden from the key bar).
    ACTIONS: ClassVar[frozenset[str]] = frozenset()
    #: Answered by typing in the screen's input line.
    TYPED: ClassVar[bool] = False

    def __init__(self, card: Card, item: int) -> None:
        self.card = card
        self.item = item
        self.answered = False
        self.result: CheckResult | None = None

    def body(self, width: int) -> list[Content]:
        """The lines between the prompt and the feedback."""
        return []

    def show_result(self, result: CheckResult | None) -> None:
        self.answered = True
        self.result = result

    def act(self, action: str, argument: int) -> Outcome:
        """Run `action` (only while unanswered); what it leads to."""
        return None


class BasicController(Controller):
    ACTIONS = frozenset({"reveal"})

    def body(self, width: int) -> list[Content]:
        card = self.card
        assert isinstance(card, BasicCard)
        if not self.answered:
            return [clickable(Content.styled("space (or a click) shows the answer", HINT),
                              "reveal")]
        return [assemble(("Answer: ", "bold"), card.answer)]

    def act(self, action: str, argument: int) -> Outcome:
        return Reveal() if action == "reveal" else None


class TypedController(Controller):
    """Typed and cloze cards: the answer is typed in the input line; cloze may be revealed."""

    TYPED = True

    def __init__(self, card: Card, item: int) -> None:
        super().__init__(card, item)
        self.is_cloze = isinstance(card, ClozeCard)

    def body(self, width: int) -> list[Content]:
        card = self.card
        if self.answered:
            if isinstance(card, ClozeCard):
                return [cloze_content(card, self.item, reveal=True)]
            return []
        if isinstance(card, ClozeCard):
            gaps = sum(1 for d in card.deletions if d.number == self.item)
            several = "; several gaps: separate the answers with ';'" if gaps > 1 else ""
            return [Content.styled(f"type the missing words below, enter checks{several} · "
                                   "space on an empty line shows the answer", HINT)]
        return [Content.styled("type the answer below, enter checks (an empty answer counts "
                               "as “don't know”)", HINT)]

    @property
    def actions(self) -> frozenset[str]:
        return frozenset({"reveal"}) if self.is_cloze else frozenset()

    def act(self, action: str, argument: int) -> Outcome:
        return Reveal() if action == "reveal" and self.is_cloze else None


class ChoiceController(Controller):
    ACTIONS = frozenset({"pick", "confirm"})

    def __init__(self, card: Card, item: int, order: Sequence[str]) -> None:
        super().__init__(card, item)
        assert isinstance(card, ChoiceCard)
        self.choice = card
        self.order = list(order) or list(card.choices)
        self.selected: set[int] = set()
        self.previewing = False  # a preview (browse p): right choices are marked, none "missed"

    @property
    def multiple(self) -> bool:
        return self.choice.multiple or len(self.choice.answers) > 1

    def hint(self) -> str:
        n = min(len(self.order), len(CHOICE_KEYS))
        keys = f"1–{CHOICE_KEYS[n - 1]}" if n > 1 else "1"
        if self.multiple:
            return f"several answers are right: {keys} (or a click) toggles, enter confirms"
        return f"{keys} or a click picks an answer"

    def _line(self, i: int, width: int) -> Content:
        key = CHOICE_KEYS[i] if i < len(CHOICE_KEYS) else "·"
        text = plain(self.order[i])
        if not self.answered:
            box = ("[x] " if i in self.selected else "[ ] ") if self.multiple else ""
            prefix = assemble((f" {key} ", "bold reverse"), " ", box)
            return clickable(hanging(prefix, text, width), f"pick({i})")
        right = self.order[i] in self.choice.answers
        chosen = i in self.selected
        if right and chosen:
            mark, style = "✓ right, your choice ", "bold $text-success"
        elif right and self.previewing:
            mark, style = "✓ right              ", "bold $text-success"
        elif right:
            mark, style = "✓ right, missed      ", "bold $text-success"
        elif chosen:
            mark, style = "✗ wrong, your choice ", "bold $text-error"
        else:
            mark, style = "                     ", ""
        return hanging(assemble((f" {key} ", "bold"), " ", (mark, style)), text, width)

    def body(self, width: int) -> list[Content]:
        out = [self._line(i, width) for i in range(len(self.order))]
        if not self.answered:
            out.extend([Content(""), Content.styled(self.hint(), HINT)])
        return out

    def act(self, action: str, argument: int) -> Outcome:
        if action == "pick" and 0 <= argument < len(self.order):
            if self.multiple:
                self.selected ^= {argument}
                return None
            self.selected = {argument}
            return Submit([self.order[argument]])
        if action == "confirm" and self.multiple:
            return Submit([self.order[i] for i in sorted(self.selected)])
        return None


class TrueFalseController(Controller):
    ACTIONS = frozenset({"truth"})

    def __init__(self, card: Card, item: int) -> None:
        super().__init__(card, item)
        assert isinstance(card, TrueFalseCard)
        self.truefalse = card
        self.given: bool | None = None

    def body(self, width: int) -> list[Content]:
        out: list[Content] = []
        for value, key, label in ((True, " t ", "True"), (False, " f ", "False")):
            if not self.answered:
                out.append(clickable(assemble((key, "bold reverse"), f" {label}"),
                                     f"truth({int(value)})"))
                continue
            if value == self.truefalse.answer:
                mark = ("✓ the right answer", "bold $text-success")
            elif value == self.given:
                mark = ("✗ your answer", "bold $text-error")
            else:
                mark = ("", "")
            chosen = " (you)" if value == self.given else ""
            out.append(assemble((key, "bold"), f" {label}{chosen}  ", mark))
        return out

    def act(self, action: str, argument: int) -> Outcome:
        if action == "truth":
            self.given = bool(argument)
            return Submit(self.given)
        return None


class OrderController(Controller):
    ACTIONS = frozenset({"cursor", "point", "move", "submit"})

    def __init__(self, card: Card, item: int, items: Sequence[str]) -> None:
        super().__init__(card, item)
        assert isinstance(card, OrderCard)
        self.ordering = card
        self.items = list(items) or list(card.items_in_order)
        self.cursor = 0

    def _line(self, i: int, width: int) -> Content:
        text = plain(self.items[i])
        if not self.answered:
            pointer = ("▶ ", "bold") if i == self.cursor else "  "
            style = "bold reverse" if i == self.cursor else "bold"
            prefix = assemble(pointer, (f"{i + 1:>2}.", style), " ")
            return clickable(hanging(prefix, text, width), f"point({i})")
        right = self.ordering.items_in_order
        if i < len(right) and right[i] == self.items[i]:
            mark = ("✓ in place      ", "bold $text-success")
        else:
            where = right.index(self.items[i]) + 1 if self.items[i] in right else 0
            mark = (f"✗ belongs at {where:<3}", "bold $text-error")
        return hanging(assemble(f"{i + 1:>2}. ", mark, " "), text, width)

    def body(self, width: int) -> list[Content]:
        out = [self._line(i, width) for i in range(len(self.items))]
        if not self.answered:
            out.extend([Content(""), Content.styled(
                "↑/↓ (k/j) highlight · alt+↑/alt+↓ (K/J) move the highlighted item · "
                "enter submits", HINT)])
        return out

    def act(self, action: str, argument: int) -> Outcome:
        last = len(self.items) - 1
        if action == "cursor":
            self.cursor = max(0, min(last, self.cursor + argument))
        elif action == "point":
            self.cursor = max(0, min(last, argument))
        elif action == "move":
            target = self.cursor + argument
            if 0 <= target <= last:
                self.items[self.cursor], self.items[target] = (self.items[target],
                                                               self.items[self.cursor])
                self.cursor = target
        elif action == "submit":
            return Submit(list(self.items))
        return None


class OpenController(Controller):
    """Open cards: the answer is written in the screen's answer area (`OpenAnswer`); once
    checked, the points as a checklist, marked by text (✓ made / ✗ missed), not by colour alone."""

    ACTIONS = frozenset({"write"})
    #: Answered in the screen's multi-line answer area.
    AREA = True

    def body(self, width: int) -> list[Content]:
        card = self.card
        assert isinstance(card, OpenCard)
        if not self.answered:
            need = ("" if card.min_points == len(card.points)
                    else f" ({card.min_points} of them make a pass)")
            return [Content.styled(
                f"A good answer makes {len(card.points)} points{need}. Write it below; "
                "ctrl+s (or f2) checks, esc leaves the answer area", HINT)]
        made = dict(self.result.points) if self.result is not None else {}
        out = [Content.styled("Points:", "bold")]
        for point in card.points:
            mark = (("✓ made   ", "bold $text-success") if made.get(point.label)
                    else ("✗ missed ", "bold $text-error"))
            out.append(hanging(assemble(" ", mark), plain(point.label), width))
        return out

    def act(self, action: str, argument: int) -> Outcome:
        return Write() if action == "write" else None


def make_controller(card: Card, item: int, *, choice_order: Sequence[str] = (),
                    order_items: Sequence[str] = ()) -> Controller:
    """The controller for `card` (shuffled choices and items come from the session)."""
    if isinstance(card, BasicCard):
        return BasicController(card, item)
    if isinstance(card, (TypedCard, ClozeCard)):
        return TypedController(card, item)
    if isinstance(card, ChoiceCard):
        return ChoiceController(card, item, choice_order)
    if isinstance(card, TrueFalseCard):
        return TrueFalseController(card, item)
    if isinstance(card, OpenCard):
        return OpenController(card, item)
    return OrderController(card, item, order_items)


def controller_actions(controller: Controller) -> frozenset[str]:
    if isinstance(controller, TypedController):
        return controller.actions
    return controller.ACTIONS
