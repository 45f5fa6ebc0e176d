"""The fast path (`fast.py`) may decline, never decides: with it off, every deck loads to the same
deck or fails with the same problems (test decks, the bundled deck, the docs' example, generated
decks, cache edits); the cards it builds equal the validator's; and its line reader gives exactly
tomli's document or declines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing_quiz.core.deckfile import fast
from briefing_quiz.core.deckfile.cache import DeckCache
from briefing_quiz.core.deckfile.fast import _fast_cards, _parse_simple
from briefing_quiz.core.deckfile.load import load_deck, loads_deck
from briefing_quiz.core.deckfile.positions import _scan_positions
from briefing_quiz.core.deckfile.validate import _Validator
from briefing_quiz.core.errors import DeckError
from tests.conftest import DeckWriter
from tests.core.deckfile.generated import DATA, GOOD, ROOT, docs_example, generate_deck

BUNDLED = ROOT / "decks" / "feb2022.toml"


def outcome(data: bytes, path: Path | None) -> object:
    try:
        return loads_deck(data, path)
    except DeckError as error:
        return error.problems


def both_ways(monkeypatch: pytest.MonkeyPatch, data: bytes, path: Path | None = None,
              ) -> tuple[object, object]:
    """What the loader makes of `data` with the fast path on, then off."""
    monkeypatch.setattr(fast, "ENABLED", True)
    on = outcome(data, path)
    monkeypatch.setattr(fast, "ENABLED", False)
    off = outcome(data, path)
    return on, off


@pytest.mark.parametrize("path", [*sorted(DATA.glob("*.toml")), DATA / "sheet" / "sheet.toml",
                                  BUNDLED], ids=lambda p: p.name)
def test_fast_off_gives_the_same_outcome_on_every_test_deck(monkeypatch: pytest.MonkeyPatch,
                                                            path: Path) -> None:
    on, off = both_ways(monkeypatch, path.read_bytes(), path)
    assert on == off


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_fast_off_gives_the_same_deck_on_generated_decks(monkeypatch: pytest.MonkeyPatch,
                                                         seed: int) -> None:
    for text in (generate_deck(80, seed), docs_example(), GOOD, GOOD.replace("\n", "\r\n")):
        on, off = both_ways(monkeypatch, text.encode(), Path("deck.toml"))
        assert not isinstance(on, list)  # loaded, not failed
        assert on == off


def test_fast_off_takes_the_slow_path_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                           write_deck: DeckWriter) -> None:
    """Switched off, none of the fast path's functions runs, and the cache's previous entry of an
    edited deck (which only the fast path reuses) is not even read."""
    text = generate_deck(30, 1)
    edited = text.replace('question = "', 'question = "Edited: ', 1)
    path = write_deck(text)
    cache = DeckCache(tmp_path / "cache")
    load_deck(path, cache)  # with the fast path: the entry keeps the cards' texts
    path.write_text(edited, encoding="utf-8")
    assert cache.previous(path) is not None  # what the fast path would reuse

    def refuse(*args: object) -> None:
        raise AssertionError("the fast path ran while switched off")

    monkeypatch.setattr(fast, "ENABLED", False)
    for name in ("_parse_simple", "_fast_cards", "_load_reusing"):
        monkeypatch.setattr(fast, name, refuse)
    monkeypatch.setattr(DeckCache, "previous", refuse)
    deck = load_deck(path, cache)
    assert len(deck.cards) == 30 and deck == loads_deck(edited.encode(), path)
    assert cache.get(path, edited.encode()) == deck  # stored as with the fast path on


def test_fast_off_reloads_an_edited_cached_deck_alike(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path, write_deck: DeckWriter,
                                                      ) -> None:
    """Through the deck cache (where the fast path reuses unchanged cards of an edited file)."""
    text = generate_deck(40, 2)
    edited = text.replace('question = "', 'question = "Edited: ', 1)
    decks = {}
    for enabled in (True, False):
        monkeypatch.setattr(fast, "ENABLED", enabled)
        cache = DeckCache(tmp_path / f"cache-{enabled}")
        path = write_deck(text)
        load_deck(path, cache)
        path.write_text(edited, encoding="utf-8")
        decks[enabled] = load_deck(path, cache)
    assert decks[True] == decks[False]
    assert decks[True] == loads_deck(edited.encode(), path)


def test_the_environment_switches_it_off() -> None:
    code = "from briefing_quiz.core.deckfile import fast; print(fast.ENABLED)"
    for value, expected in (("1", "False"), ("", "True"), ("0", "True")):
        env = {**os.environ, "BRIEFING_QUIZ_NO_FAST_LOAD": value}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env=env)
        assert out.stdout.strip() == expected, value


def test_fast_and_slow_paths_build_equal_cards() -> None:
    """The fast path (valid decks) and the reporting path must agree card for card."""
    for text in (docs_example(), generate_deck(60, seed=3), GOOD):
        slow = _Validator(None, text)
        raw = tomli.loads(text)
        slow.deck(raw)  # sets deck_id
        lines = slow.where.card_lines(len(raw["cards"]))
        assert lines is not None
        built = _fast_cards(raw["cards"], lines, slow.deck_id, None)
        assert built is not None
        first: dict[str, int] = {}
        by_slow = [slow.card(i, c, lines[i], first, lines) for i, c in enumerate(raw["cards"])]
        assert not slow.pending
        assert by_slow == built
        assert [c.line for c in by_slow if c] == [c.line for c in built]


# --- the simple parse means exactly what tomli means ---------------------------------------------

# Pieces that matter to TOML strings, comments, arrays and headers, and to the cut at [[cards]];
# harmless ones drawn more often, so that most texts parse and values are compared.
SAFE_PIECES = st.sampled_from(["a", " ", "é", "#", "[", "]", ",", "=", "\t", "{{c1::x}}", "."])
WILD_PIECES = st.sampled_from(['"', "'", "\\", "\n", "\r", "\x01", "\x7f", "\\n", "\\u00e9",
                               "\\x41", "\\e", '"""', "'''", "\n[[cards]]\n", "\r\n"])
FRAGMENTS = st.lists(SAFE_PIECES | SAFE_PIECES | SAFE_PIECES | SAFE_PIECES | WILD_PIECES,
                     max_size=4).map("".join)
GOOD_VALUES = st.sampled_from(['"{}"', "'{}'", '["{}", \'b\']', '[ "{}" ,"c",]', "true", "false"])
ODD_VALUES = st.sampled_from(["[{}]", "{}", '"""{}"""', "'''{}'''", "1", '{{a = "{}"}}'])
VALUE_FORMS = GOOD_VALUES | GOOD_VALUES | ODD_VALUES
GOOD_KEYS = st.sampled_from(["id", "type", "question", "answer", "tags", "source", "explain", "weight",
                             "text",
                             "items", "choices", "a-b_1", "7", "", "# note"])
ODD_KEYS = st.sampled_from(["a.b", '"id"', "id ", " id", "[[cards]]", " [[cards]]", "[cards.sub]",
                            "[deck]", "[[cards.sub]]", "[[ cards ]]"])
KEY_FORMS = GOOD_KEYS | GOOD_KEYS | GOOD_KEYS | ODD_KEYS


@st.composite
def card_table_lines(draw: st.DrawFn) -> str:
    key = draw(KEY_FORMS)
    if not key.strip() or key.lstrip()[0] in "[#":
        return key
    value = draw(VALUE_FORMS).format(draw(FRAGMENTS))
    equals = draw(st.sampled_from(["=", " = ", "\t=  "]))
    ending = draw(st.sampled_from(["", "", " ", " # c", "#c", "\t", "\r", "#\x01"]))
    return f"{key}{equals}{value}{ending}"


def _key_of(line: str) -> str:
    return line.split("=")[0]


@st.composite
def simple_decks(draw: st.DrawFn) -> str:
    good = st.sampled_from(['format = 1\n[deck]\nid = "d"\ntitle = "T"\n', "",
                            "[deck]\nid='d' # [[cards]]\n", 'a = """\n[[cards]]\n"""'])
    odd = st.sampled_from(['format = 1\ndescription = """\n', "cards = 1\n", "[cards.x]\n",
                           "a = [\n", "a = [\n[[cards]]\n]\n"])
    preamble = draw(good | good | odd)
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    # Mostly distinct keys ("id" and "id " are the same key to TOML: a key given twice).
    cards = draw(st.lists(st.lists(card_table_lines(), max_size=4, unique_by=_key_of), max_size=4))
    text = preamble + "".join("\n[[cards]]\n" + "\n".join(lines) + draw(st.sampled_from(["", "\n"]))
                              for lines in cards)
    return text.replace("\n", newline)


@settings(deadline=None, max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(simple_decks())
def test_simple_parse_equals_tomli_or_declines(text: str) -> None:
    """`_parse_simple` either declines or returns exactly tomli's document, and the lines of the
    [[cards]] headers the position scanner finds."""
    assert_simple_parse_agrees(text)


def assert_simple_parse_agrees(text: str) -> None:
    """`_parse_simple(text)` declines, or gives tomli's document and the scanner's header lines;
    it declines whenever tomli finds an error."""
    parsed = _parse_simple(text)
    try:
        expected = tomli.loads(text)
    except (tomli.TOMLDecodeError, ValueError):
        assert parsed is None
        return
    if parsed is not None:
        doc, lines = parsed[:2]
        assert doc == expected
        assert lines == [line for line, _ in _scan_positions(text).card_headers]


def test_simple_parse_reads_usual_decks_line_by_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """The example deck and a generated one are read without tomli on any card (else the fast
    reader would be dead code here), with tomli's values and the scanner's header lines."""
    tomli_card = fast._card_table_by_tomli

    def open_cards_only(chunk: str) -> object:
        # An open card's points and a cloze card's accept are inline tables, which only tomli reads.
        assert 'type = "open"' in chunk or "\naccept = {" in chunk
        return tomli_card(chunk)

    monkeypatch.setattr(fast, "_card_table_by_tomli", open_cards_only)  # for unusual cards
    for text in (docs_example(), generate_deck(60, 3), docs_example().replace("\n", "\r\n")):
        parsed = _parse_simple(text)
        assert parsed is not None
        assert parsed[0] == tomli.loads(text)
        assert parsed[1] == [line for line, _ in _scan_positions(text).card_headers]


@pytest.mark.parametrize("card", [
    'id = "a"\nid = "b"', 'id = "a"\n id="b"', 'id = "a\x7f"', 'id = "a" # c\x7f', "id = 'a\x01'",
    'tags = ["a", "b\x7f"]', 'id = "a\\x41"', 'id = "\\e"', 'id = "\\q"', 'id = """a"""',
    'id = "a" "b"', "id = truex", "id = true false", "tags = [,]", 'tags = ["a",,]',
    'tags = ["a" "b"]', "tags = []", "tags = [ 'it\"s', \"it's\" , ]", "id = 'a' # [[cards]]",
    'id = "a"\r\r\n', 'id = "a"\rtype = "b"', 'x = """\n[[cards]]\n"""', "x = [\n[[cards]]\n]",
    "[cards.sub]\nk = 'v'", "[deck]\nk = 'v'", "[[cards]]\nid = 'b'", "", 'a.b = "c"',
    '"id" = "c"', "id = 1", "id = 'a'#", "id\t=\t'a'\t#\tc\t",
])
def test_simple_parse_agrees_with_tomli_on_edge_cases(card: str) -> None:
    for text in (f'format = 1\n\n[[cards]]\n{card}\n', f'format = 1\n\n[[cards]]\n{card}',
                 f'[[cards]]\nid = "x"\n\n[[cards]]\n{card}\n\n[[cards]]\nid = "y"\n'):
        assert_simple_parse_agrees(text)
