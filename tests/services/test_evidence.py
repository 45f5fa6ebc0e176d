"""`check` with a source file: each quote looked up, a misquote an error at its `source` line
naming the closest passage, a missing or bad source said once; stale cards listed; the bundled
deck's quotes all found in the essay (where the essay is present)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from briefing_quiz.core.deckfile import load_deck
from briefing_quiz.core.model import Deck
from briefing_quiz.services.checking import check_decks
from briefing_quiz.services.evidence import (
    SourceFileError,
    check_evidence,
    read_source,
    source_path,
)

REPO = Path(__file__).resolve().parents[2]
ESSAY = REPO.parent / "shared" / "source" / "feb2022-essay.txt"
SOURCE = ("Ministers met in Brussels on 12 February 2022.\n"
          "Some 130,000 troops were massed near the border.\n")
DECK = '''format = 1

[deck]
id = "d"
title = "T"

[deck.source]
file = "memo.txt"
as_of = 2022-02-12

[[cards]]
id = "troops"
type = "typed"
question = "How many troops?"
answer = "130,000"
source = "Some 130,000 troops were massed"
valid_until = 2022-02-20

[[cards]]
id = "where"
type = "basic"
question = "Where did ministers meet?"
answer = "Brussels"
source = "Ministers met in Bruxelles on 12 February"
'''


def run_check(path: Path, today: dt.date = dt.date(2022, 2, 14)) -> tuple[int, str]:
    out = io.StringIO()
    code = check_decks([str(path)], [], out=out, today=today)
    return code, out.getvalue()


def test_a_misquote_is_an_error_at_its_source_line_naming_the_passage(
        write_deck: object, tmp_path: Path) -> None:
    deck = write_deck(DECK)  # type: ignore[operator]
    (deck.parent / "memo.txt").write_text(SOURCE, encoding="utf-8")
    code, text = run_check(deck)
    assert code == 1
    line = DECK.split("\n").index('source = "Ministers met in Bruxelles on 12 February"') + 1
    assert f"deck.toml:{line}: [card where] 'source' is not in memo.txt; did you mean " \
           "“Ministers met in Brussels on 12 February 2022.” (line 1 of memo.txt)" in text
    assert "[card troops]" not in text  # quoted right
    assert "OK " not in text  # a deck with an error gets no OK line
    assert "1 of 1 deck has errors (1 problem)" in text


def test_all_quotes_found_is_said_and_passes(write_deck: object) -> None:
    deck = write_deck(DECK.replace("Bruxelles on 12 February", "Brussels on 12 February"))  # type: ignore[operator]
    (deck.parent / "memo.txt").write_text(SOURCE, encoding="utf-8")
    code, text = run_check(deck)
    assert code == 0 and "2 quotes found in memo.txt" in text


def test_a_missing_source_file_is_said_once_and_the_check_goes_on(write_deck: object) -> None:
    deck = write_deck(DECK)  # type: ignore[operator]
    code, text = run_check(deck)
    assert code == 0
    assert text.count("memo.txt: no such file; the cards' quotes were not checked") == 1
    assert "1 deck, 2 cards: OK" in text


def test_a_card_past_its_valid_until_is_a_warning(write_deck: object) -> None:
    deck = write_deck(DECK)  # type: ignore[operator]
    code, text = run_check(deck, today=dt.date(2022, 3, 1))
    assert code == 0
    assert "[card troops] warning: stale since 2022-02-21 (valid until 2022-02-20)" in text
    _, fresh = run_check(deck, today=dt.date(2022, 2, 20))
    assert "stale" not in fresh


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the source file is empty"),
    (b"  \n\n", "the source file is empty"),
    (b"caf\xe9 au lait\n", ":1: not UTF-8 text"),
    (b"text\x00\x01binary", "a binary file"),
])
def test_bad_source_files_are_named_errors(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "src.txt"
    path.write_bytes(data)
    with pytest.raises(SourceFileError) as caught:
        read_source(path)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_a_huge_source_file_is_refused_unread(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing_quiz.services import evidence

    monkeypatch.setattr(evidence, "MAX_SOURCE_BYTES", 1000)
    path = tmp_path / "big.txt"
    path.write_text("word " * 400, encoding="utf-8")
    with pytest.raises(SourceFileError, match="too big for a source text"):
        read_source(path)


def test_the_bundled_deck_names_the_essay_beside_the_project() -> None:
    deck = load_deck(REPO / "decks" / "feb2022.toml")
    path = source_path(deck)
    assert path is not None and path.resolve() == ESSAY.resolve()


def test_a_source_just_over_the_limit_says_by_how_much(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 1_200_000)  # 1.14 MB: once said "1 MB is too big (at most 1 MB)"
    with pytest.raises(SourceFileError) as caught:
        read_source(path)
    assert f"{path}: 1.1 MB is too big for a source text (at most 1 MB)" in str(caught.value)


@pytest.mark.skipif(not ESSAY.exists(), reason="the essay is not bundled (copyright)")
def test_every_quote_of_the_bundled_deck_is_in_the_essay() -> None:
    path = REPO / "decks" / "feb2022.toml"  # as it is: its [deck.source] file names the essay
    quoted = sum(card.source is not None for card in load_deck(path).cards)
    code, out = run_check(path)
    assert code == 0, out
    assert f"{quoted} quotes found in feb2022-essay.txt" in out and quoted > 100
    assert "warning" not in out


def test_the_bundled_deck_without_its_essay_is_checked_all_the_same(tmp_path: Path) -> None:
    copy = tmp_path / "decks" / "feb2022.toml"  # as installed: no essay two folders up
    copy.parent.mkdir()
    copy.write_bytes((REPO / "decks" / "feb2022.toml").read_bytes())
    code, out = run_check(copy)
    assert code == 0, out
    assert out.count("feb2022-essay.txt: no such file; the cards' quotes were not checked") == 1
    assert f"1 deck, {len(load_deck(copy).cards)} cards: OK" in out



@pytest.mark.parametrize("kind", ["link-to-dev-zero", "fifo", "folder"])
def test_a_source_that_is_no_regular_file_is_refused_unread(tmp_path: Path, kind: str) -> None:
    """A shared deck's `file` may name /dev/zero (endless) or a FIFO (waits for a writer
    forever): refused at once, never read or waited on (issue 17, deck source files)."""
    import os
    import threading

    path: Path
    if kind == "link-to-dev-zero":
        path = tmp_path / "zero.md"
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        path = tmp_path / "pipe.md"
        os.mkfifo(path)
    else:
        path = tmp_path / "folder.md"
        path.mkdir()
    caught: list[BaseException] = []
    reader = threading.Thread(target=lambda: caught.append(_raised(path)), daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "read_source waited on or read an endless file"
    assert isinstance(caught[0], SourceFileError), caught
    assert "not a regular file" in str(caught[0]) or "is a folder" in str(caught[0])


def _raised(path: Path) -> BaseException | None:
    try:
        read_source(path)
    except BaseException as error:
        return error
    return None


def test_a_source_file_name_cannot_forge_a_report_line(tmp_path: Path) -> None:
    """A deck's `file` name holding a newline stays on its line in check and coverage."""
    from briefing_quiz import cli

    name = "memo\nfile:1:1: forged.md"
    (tmp_path / name).write_text("In 2022 NATO said so.\n", encoding="utf-8")
    deck = tmp_path / "d.toml"
    deck.write_text('format = 1\n[deck]\nid = "d"\ntitle = "t"\n[deck.source]\n'
                    'file = "memo\\nfile:1:1: forged.md"\n[[cards]]\nid = "a"\ntype = "basic"\n'
                    'question = "q"\nanswer = "a"\nsource = "In 2022 NATO said so."\n',
                    encoding="utf-8")
    base = ["--data", str(tmp_path / "p.sqlite3"), "--config", str(tmp_path / "c.toml"),
            "--decks", str(tmp_path)]
    import contextlib
    import io
    for command in (["check", str(deck)], ["coverage", "d"], ["check", "--lint", str(deck)]):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            cli.main([*base, *command])
        lines = out.getvalue().splitlines()
        assert lines and not any(line.startswith("file:1:1:") for line in lines), out.getvalue()


SECRET = "aws_secret_access_key = SECRET123 was set in 2022\n"


def _deck_naming(folder: Path, file: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    deck = folder / "d.toml"
    deck.write_text(DECK.replace('file = "memo.txt"', f"file = {file!r}".replace("'", '"')),
                    encoding="utf-8")
    return deck


@pytest.mark.parametrize("named", ["~/.aws/credentials", "../home/.aws/credentials", "link.txt",
                                   "/proc/self/status"])
def test_a_deck_cannot_make_check_or_coverage_show_a_secret_file(
        tmp_path: Path, named: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shared deck naming ~/.aws/credentials (or a link to it in the shared folder): `check`
    printed its closest line to a misquote ("did you mean 'aws_secret_access_key = ...'"), into
    a terminal or a CI log; `coverage` printed every line."""
    from briefing_quiz.services.evidence import deck_coverage

    (tmp_path / "home" / ".aws").mkdir(parents=True)
    (tmp_path / "home" / ".aws" / "credentials").write_text(SECRET, encoding="utf-8")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "link.txt").symlink_to(tmp_path / "home" / ".aws" / "credentials")
    deck = load_deck(_deck_naming(tmp_path / "decks", named).resolve())
    deck = dataclasses_replace_quote(deck, "aws_secret_access_key = ")
    found = check_evidence(deck)
    assert found.errors == [] and found.notes, found
    assert "SECRET123" not in " ".join(found.notes)
    with pytest.raises(SourceFileError):
        deck_coverage(deck)


def test_a_source_beside_a_deck_in_a_hidden_folder_is_read(tmp_path: Path) -> None:
    """The default decks folder is under ~/.local: hidden folders above the deck's are fine."""
    folder = tmp_path / ".local" / "share" / "decks"
    deck_file = _deck_naming(folder, "memo.txt")
    (folder / "memo.txt").write_text(SOURCE, encoding="utf-8")
    found = check_evidence(load_deck(deck_file))
    assert found.notes == [] and found.checked == 2, found


def dataclasses_replace_quote(deck: Deck, quote: str) -> Deck:
    import dataclasses

    cards = tuple(dataclasses.replace(c, source=quote) for c in deck.cards)
    return dataclasses.replace(deck, cards=cards)
