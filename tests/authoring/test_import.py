"""Importers on real-shaped files: each result must load with the deck loader, as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_quiz.authoring.htmltext import html_to_text
from briefing_quiz.authoring.ids import card_id, slugify
from briefing_quiz.authoring.importers import (
    ImportFailed,
    ImportResult,
    import_file,
    split_list,
    write_import,
)
from briefing_quiz.core.deckfile import load_deck, loads_deck
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.model import (
    BasicCard,
    ChoiceCard,
    ClozeCard,
    Deck,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def _load(result: ImportResult) -> Deck:
    assert result.text is not None
    return loads_deck(result.text.encode("utf-8"))


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


# -- Anki "Notes in Plain Text" --------------------------------------------------------------------


def test_anki_export_with_headers_html_and_cloze() -> None:
    result = import_file(DATA / "anki_notes.txt", deck_id="nato")
    deck = _load(result)
    assert result.problems == []
    assert deck.title == "NATO"  # from the deck column, last part of "Briefing::NATO"
    by_prompt = {c.prompt: c for c in deck.cards}
    assert len(deck.cards) == 8

    first = by_prompt["What does NATO stand for?"]  # <b> dropped
    assert isinstance(first, BasicCard) and first.answer == "North Atlantic Treaty Organization"
    assert first.tags == ("acronyms", "nato")

    typed = by_prompt["How many member states did NATO have in February 2022?"]  # &nbsp;
    assert isinstance(typed, TypedCard) and typed.answer == "30"

    cloze = by_prompt["The {{c1::Minsk II}} agreement was signed in {{c2::2015::year}}."]
    assert isinstance(cloze, ClozeCard) and cloze.items == (1, 2)
    assert cloze.explain == "Signed by Russia, Ukraine, the OSCE & the separatists."  # Back Extra

    founding = by_prompt["Who signed the 1997 NATO–Russia Founding Act?"]  # &ndash;, <i>
    assert isinstance(founding, BasicCard) and founding.answer == "NATO's members\nRussia"  # <div>

    summit = by_prompt["Which summit said Ukraine will become a member?"]  # quoted, "" and style
    assert isinstance(summit, BasicCard)
    assert summit.answer == 'Bucharest, 2008\n("will become members")'  # <br> + a literal newline

    three = by_prompt["{{c1::Crimea}} was annexed in {{c2::2014}}; the war in the "
                      "{{c3::Donbas}} followed."]
    assert three.items == (1, 2, 3)
    assert any("images and sounds are not imported (lines 15)" in w for w in result.warnings)
    assert any("reversed" in w for w in result.warnings)


def test_anki_ids_come_from_the_guid_and_are_stable() -> None:
    one = _load(import_file(DATA / "anki_notes.txt", deck_id="nato"))
    two = _load(import_file(DATA / "anki_notes.txt", deck_id="nato"))
    assert [c.id for c in one.cards] == [c.id for c in two.cards]
    assert one.cards[0].id == card_id("What does NATO stand for?", "anki-guid:f3Kq!n2<Zx")


def test_anki_guid_keeps_ids_when_the_question_is_edited(tmp_path: Path) -> None:
    head = "#separator:tab\n#html:false\n#guid column:1\n"
    before = _write(tmp_path, "a.txt", head + "g1\tCapital of Peru?\tLima\n")
    after = _write(tmp_path, "b.txt", head + "g1\tWhat is the capital of Peru?\tLima\n")
    id_before = _load(import_file(before, deck_id="d")).cards[0].id
    id_after = _load(import_file(after, deck_id="d")).cards[0].id
    assert id_before.rsplit("-", 1)[1] == id_after.rsplit("-", 1)[1]


def test_anki_separator_names_html_off_and_global_tags(tmp_path: Path) -> None:
    path = _write(tmp_path, "notes.txt",
                  "#separator:Semicolon\n#html:false\n#tags:imported\n#tags column:3\n"
                  "1 < 2;<b> stays literal;maths\n")
    card = _load(import_file(path, deck_id="d")).cards[0]
    assert isinstance(card, BasicCard)
    assert (card.question, card.answer) == ("1 < 2", "<b> stays literal")
    assert card.tags == ("imported", "maths")


def test_anki_pipe_separator_and_notetype_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "notes.txt",
                  "#separator:pipe\n#html:true\n#notetype column:1\n"
                  "Cloze|Paris is on the {{c1::Seine}}|\n"
                  "Basic (type in the answer)|2 + 2|4\n")
    cards = _load(import_file(path, deck_id="d")).cards
    assert [c.type for c in cards] == ["cloze", "typed"]


def test_old_anki_export_without_headers(tmp_path: Path) -> None:
    # Anki before 2.1.55 wrote tab-separated notes with no header lines.
    path = _write(tmp_path, "old.txt", "Front one\tBack one\nThe {{c1::gap}} here\t\n")
    cards = _load(import_file(path, deck_id="d")).cards
    assert [c.type for c in cards] == ["basic", "cloze"]


def test_anki_notes_from_several_decks_are_tagged_with_their_deck(tmp_path: Path) -> None:
    path = _write(tmp_path, "n.txt", "#separator:tab\n#deck column:1\nA::B\tQ1\tA1\nA::C\tQ2\tA2\n")
    result = import_file(path, deck_id="d", out_path=tmp_path / "mixed.toml")
    deck = _load(result)
    assert [c.tags for c in deck.cards] == [("A::B",), ("A::C",)]
    assert deck.title == "Mixed"


def test_bad_anki_separator_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "n.txt", "#separator:semicolons\nQ;A\n")
    with pytest.raises(ImportFailed, match="unknown '#separator:semicolons'"):
        import_file(path, deck_id="d")


# -- CSV / TSV -------------------------------------------------------------------------------------


def test_csv_with_quoted_commas_newlines_and_bom() -> None:
    result = import_file(DATA / "capitals.csv", deck_id="capitals",
                         out_path=Path("capitals-of-the-world.toml"))
    deck = _load(result)
    assert result.problems == [] and result.warnings == []
    assert deck.title == "Capitals of the world"
    assert len(deck.cards) == 7  # the blank line is skipped
    baltic = deck.cards[1]
    assert isinstance(baltic, BasicCard)
    assert baltic.question == "Name the three Baltic states, north to south"
    assert baltic.answer == "Estonia, Latvia, Lithuania"
    assert baltic.explain == 'Mnemonic: "ELL", as in the letters'
    river = deck.cards[2]
    assert river.prompt == "Which river flows through\nBudapest, Vienna and Bratislava?"  # CRLF
    assert deck.cards[0].source == "CIA World Factbook, 2024"
    assert deck.cards[0].tags == ("geography", "oceania")
    last = deck.cards[-1]
    assert isinstance(last, BasicCard)
    assert last.question == 'A "quoted" question, with a comma?'
    assert last.answer == "Yes, and a\\backslash"
    # The rows' start lines are kept, for messages about them.
    assert [c.origin for c in result.draft.cards] == [2, 3, 4, 6, 7, 9, 10]


def test_csv_ids_are_stable_and_readable() -> None:
    first = _load(import_file(DATA / "capitals.csv", deck_id="c"))
    again = _load(import_file(DATA / "capitals.csv", deck_id="c"))
    assert [c.id for c in first.cards] == [c.id for c in again.cards]
    assert first.cards[0].id.startswith("what-is-the-capital-of-australia-")
    assert len({c.id for c in first.cards}) == len(first.cards)


def test_malformed_rows_are_reported_with_their_lines(tmp_path: Path) -> None:
    result = import_file(DATA / "malformed.csv", deck_id="bad")
    assert result.text is None  # nothing may be written without --partial
    assert [(p.line, p.message.split(" ")[0]) for p in result.problems] == [
        (3, "no"), (4, "no"), (5, "6"), (6, "answer"), (7, "answer"), (8, "unclosed"),
        (10, "unknown"), (11, "a"),
    ]
    messages = {p.line: p.message for p in result.problems}
    assert "question" in messages[3] and "answer" in messages[4]
    assert "never closed" in messages[11]
    with pytest.raises(ImportFailed, match="nothing was written"):
        write_import(result, tmp_path / "bad.toml")
    assert not (tmp_path / "bad.toml").exists()


def test_partial_writes_the_good_rows(tmp_path: Path) -> None:
    result = import_file(DATA / "malformed.csv", deck_id="bad", partial=True)
    out = tmp_path / "sub" / "bad.toml"
    write_import(result, out)
    deck = load_deck(out)
    assert [c.prompt for c in deck.cards] == ["A good row", "A fine choice"]
    assert len(result.problems) == 8


def test_every_card_type_from_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, "all.tsv", "\t".join(
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
    cards = _load(import_file(path, deck_id="d")).cards
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


def test_semicolon_csv_and_an_id_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.csv", "id;front;back;tags\nmy-card;Q, with comma;A;x, y\n")
    card = _load(import_file(path, deck_id="d")).cards[0]
    assert (card.id, card.prompt, card.tags) == ("my-card", "Q, with comma", ("x", "y"))


def test_loader_findings_are_mapped_back_to_rows(tmp_path: Path) -> None:
    # Repeated choices pass the importer's own checks; the loader refuses them; the row is named.
    path = _write(tmp_path, "c.csv", "question,answer,choices\nOk,A,A|B\nTwice,A,A|A|B\n")
    result = import_file(path, deck_id="d", partial=True)
    assert [(p.line, "twice" in p.message) for p in result.problems] == [(3, True)]
    assert [c.prompt for c in _load(result).cards] == ["Ok"]


def test_duplicate_rows(tmp_path: Path) -> None:
    path = _write(tmp_path, "d.csv", "question,answer\nSame,One\nSame,Two\nSame,One\n")
    result = import_file(path, deck_id="d", partial=True)
    assert len(_load(result).cards) == 2  # same question, different answers: both kept
    assert [p.line for p in result.problems] == [4]
    assert "the same card as line 2" in result.problems[0].message


def test_header_problems(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="first row must name the columns"):
        import_file(_write(tmp_path, "x.csv", "Paris,France\nRome,Italy\n"), deck_id="d")
    with pytest.raises(ImportFailed, match="both give question"):
        import_file(_write(tmp_path, "y.csv", "question,front\nq,f\n"), deck_id="d")
    with pytest.raises(ImportFailed, match="empty"):
        import_file(_write(tmp_path, "z.csv", "\n\n"), deck_id="d")
    result = import_file(_write(tmp_path, "w.csv", "question,answer,anwser2,explian\nq,a,,\n"),
                         deck_id="d")
    assert any("'explian' is not used (did you mean 'explain'?)" in w for w in result.warnings)


def test_unreadable_inputs(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="no such file"):
        import_file(tmp_path / "missing.csv", deck_id="d")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("question,answer\nCaf\xe9?,Oui\n".encode("latin-1"))
    with pytest.raises(ImportFailed, match=r"latin.csv:2: not UTF-8"):
        import_file(latin, deck_id="d")
    with pytest.raises(ImportFailed, match="deck id"):
        import_file(DATA / "capitals.csv", deck_id="Not A Slug")
    with pytest.raises(ImportFailed, match="no card could be imported"):
        import_file(_write(tmp_path, "none.csv", "question,answer\nq,\n"), deck_id="d")


def test_import_never_overwrites_without_force(tmp_path: Path) -> None:
    out = tmp_path / "deck.toml"
    out.write_text("mine", encoding="utf-8")
    result = import_file(DATA / "capitals.csv", deck_id="c")
    with pytest.raises(BriefingQuizError, match="already exists"):
        write_import(result, out)
    assert out.read_text(encoding="utf-8") == "mine"
    write_import(result, out, force=True)
    assert len(load_deck(out).cards) == 7


# -- helpers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("html", "text"), [
    ("a<br>b", "a\nb"),
    ("<div>one</div><div>two</div>", "one\ntwo"),
    ("x&nbsp;&amp;&lt;y&gt; &quot;q&quot; &#8212;", 'x &<y> "q" —'),
    ("<ul><li>a</li><li>b</li></ul>", "- a\n- b"),
    ("<style>.c{}</style>kept<script>x()</script>", "kept"),
    ("spaces   \n  collapse", "spaces collapse"),
    ('pic <img src="a.png" alt="a map"> [sound:x.mp3]end', "pic a map end"),
    ("<b>{{c1::bold}}</b>", "{{c1::bold}}"),
    ("<p>para</p><p>graph</p><br><br><br><br>", "para\ngraph"),
])
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


@pytest.mark.parametrize(("text", "slug"), [
    ("What is the capital of Türkiye?", "what-is-the-capital-of-turkiye"),
    ("NATO–Russia «Founding Act»", "nato-russia-founding-act"),
    ("NATO's members", "natos-members"),
    ("日本", ""),
    ("  --  ", ""),
])
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_card_id_shape() -> None:
    long_question = "word " * 30
    cid = card_id(long_question, "k")
    assert len(cid) <= 32 + 7 and cid.startswith("word-word") and not cid.startswith("-")
    assert card_id("日本", "k").startswith("card-")


def test_split_list() -> None:
    assert split_list("a | b|c ") == ["a", "b", "c"]
    assert split_list("a|b\nc") == ["a|b", "c"]
    assert split_list("") == []


def test_csv_comment_lines_and_old_mac_line_ends(tmp_path: Path) -> None:
    path = _write(tmp_path, "c.csv", "# from my notes: 2 cards\r"
                                     'question,answer\r"Two\rlines",a\rQ2,\r')
    result = import_file(path, deck_id="d", partial=True)
    assert [c.prompt for c in _load(result).cards] == ["Two\nlines"]
    assert [(p.line, p.message) for p in result.problems] == [(5, "no answer")]


def test_optional_reversed_switch_is_not_content(tmp_path: Path) -> None:
    path = _write(tmp_path, "n.txt", "#separator:tab\n#notetype column:1\n"
                                     "Basic (optional reversed card)\tFront\tBack\ty\n")
    card = _load(import_file(path, deck_id="d")).cards[0]
    assert isinstance(card, BasicCard) and card.explain is None
