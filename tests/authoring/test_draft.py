"""Notes to cards: types, per-type keys, stable ids and duplicate rows (through `import_file`)."""

from __future__ import annotations

from briefing_quiz.authoring.importers import import_file
from briefing_quiz.core.model import ChoiceCard, ClozeCard, OrderCard, TrueFalseCard, TypedCard
from tests.authoring.conftest import IMPORT_DATA, InputWriter, load_imported


def test_csv_ids_are_stable_and_readable() -> None:
    first = load_imported(import_file(IMPORT_DATA / "capitals.csv", deck_id="c"))
    again = load_imported(import_file(IMPORT_DATA / "capitals.csv", deck_id="c"))
    assert [c.id for c in first.cards] == [c.id for c in again.cards]
    assert first.cards[0].id.startswith("what-is-the-capital-of-australia-")
    assert len({c.id for c in first.cards}) == len(first.cards)


def test_every_card_type_from_columns(write_input: InputWriter) -> None:
    path = write_input("all.tsv", "\t".join(
        ["Type", "Question", "Answer", "Choices", "Accept", "Tolerance", "Items", "Explanation"]
    ) + "\n" + "\n".join("\t".join(row) for row in [
        ["basic", "B?", "b", "", "", "", "", ""],
        ["typed", "Population?", "130000", "", "130,000|130k", "5%", "", ""],
        ["choice", "Pick two", "Red | Blue", "Red | Green | Blue", "", "", "", ""],
        ["choice", "Pick by letter", "c", "x|y|z", "", "", "", ""],
        ["true/false", "Water is wet", "Yes", "", "", "", "", ""],
        ["", "A {{c1::gap}}", "shown after", "", "", "", "", ""],
        ["order", "Count", "", "", "", "", "one|two|three", "in order"],
        ["order", "From the answer column", "a|b", "", "", "", "", ""],
    ]) + "\n")
    cards = load_imported(import_file(path, deck_id="d")).cards
    _basic, typed, two, letter, tf, cloze, order, order2 = cards
    assert isinstance(typed, TypedCard) and typed.accept == ("130,000", "130k")
    assert typed.tolerance is not None and typed.tolerance.relative
    assert isinstance(two, ChoiceCard) and two.answers == ("Red", "Blue") and two.multiple
    assert isinstance(letter, ChoiceCard) and letter.answers == ("z",)
    assert isinstance(tf, TrueFalseCard) and tf.answer is True
    assert isinstance(cloze, ClozeCard) and cloze.explain == "shown after"
    assert isinstance(order, OrderCard) and order.items_in_order == ("one", "two", "three")
    assert order.explain == "in order"
    assert isinstance(order2, OrderCard) and order2.items_in_order == ("a", "b")


def test_duplicate_rows(write_input: InputWriter) -> None:
    path = write_input("d.csv", "question,answer\nSame,One\nSame,Two\nSame,One\n")
    result = import_file(path, deck_id="d", partial=True)
    assert len(load_imported(result).cards) == 2  # same question, different answers: both kept
    assert [p.line for p in result.problems] == [4]
    assert "the same card as line 2" in result.problems[0].message
