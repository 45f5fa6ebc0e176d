"""Deck files as files: every way a file can fail to be read, the size limit, decoding, and
discovery of deck files in folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from briefing_quiz.core.deckfile import read as read_module
from briefing_quiz.core.deckfile.load import load_deck, loads_deck
from briefing_quiz.core.deckfile.read import find_deck_files
from briefing_quiz.core.errors import DeckError
from tests.conftest import DeckWriter
from tests.core.deckfile.generated import GOOD, good, load_text, problems_of


def test_missing_file(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.toml") == [(None, None, None, "no such file")]


def test_directory(tmp_path: Path) -> None:
    assert problems_of(tmp_path) == [(None, None, None, "this is a folder, not a deck file")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_is_not_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    assert problems_of(fifo) == [(None, None, None, "not a regular file")]


def test_huge_file_is_refused_without_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.toml"
    with open(huge, "wb") as file:  # sparse: costs no disk
        file.truncate(read_module.MAX_DECK_BYTES + 1)
    assert problems_of(huge) == [
        (None, None, None, "the file is larger than 50 MB; a deck file should be far smaller")]


def test_huge_bytes_are_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(read_module, "MAX_DECK_BYTES", 10 * 1024 * 1024)
    problems = load_text("#" * (10 * 1024 * 1024 + 1))
    assert [p.message for p in problems] == [
        "the file is larger than 10 MB; a deck file should be far smaller"]


def test_file_growing_past_the_limit_after_stat(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    path = tmp_path / "grows.toml"
    path.write_text(GOOD)
    real_stat = os.stat

    def small_stat(p: object, *args: object, **kwargs: object) -> os.stat_result:
        result = real_stat(p)  # type: ignore[arg-type]
        if p == path:
            fields = list(result)
            fields[6] = 10  # st_size: as if the file was 10 bytes when stat ran
            return os.stat_result(fields)
        return result

    monkeypatch.setattr(os, "stat", small_stat)
    assert len(load_deck(path).cards) == 2  # read in full all the same


def test_binary_garbage() -> None:
    rng = __import__("random").Random(7)
    garbage = bytes(rng.randrange(256) for _ in range(4096))
    with pytest.raises(DeckError) as caught:
        loads_deck(garbage)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].message.startswith("the file is not UTF-8 text")


def test_unreadable_file(tmp_path: Path) -> None:
    if sys.platform == "win32" or os.geteuid() == 0:
        pytest.skip("root (or Windows) reads files regardless of permissions")
    path = tmp_path / "locked.toml"
    path.write_text(GOOD)
    path.chmod(0)
    assert problems_of(path) == [
        (None, None, None, "permission denied: the file cannot be read")]


def test_find_deck_files_follows_linked_folders_once(tmp_path: Path,
                                                     write_deck: DeckWriter) -> None:
    elsewhere = write_deck(good("e"), "e.toml", tmp_path / "elsewhere").parent
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "linked").symlink_to(elsewhere, target_is_directory=True)
    (tmp_path / "elsewhere" / "loop").symlink_to(elsewhere, target_is_directory=True)
    found = find_deck_files([tmp_path / "decks"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["decks/linked/e.toml"]


def test_find_deck_files(tmp_path: Path, write_deck: DeckWriter) -> None:
    write_deck(good("b"), "b.toml", tmp_path / "one")
    write_deck(good("a"), "a.toml", tmp_path / "one")
    write_deck(good("c"), "c.toml", tmp_path / "one" / "sub")
    write_deck(good("h"), "h.toml", tmp_path / "one" / ".hidden")
    write_deck(good("l"), ".#lock.toml", tmp_path / "one")
    (tmp_path / "one" / "notes.txt").write_text("not a deck")
    write_deck(good("z"), "z.toml", tmp_path / "two")
    single = write_deck(good("s"), "single.toml", tmp_path)
    found = find_deck_files([tmp_path / "two", tmp_path / "missing", tmp_path / "one", single,
                             tmp_path / "one"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "two/z.toml", "one/a.toml", "one/b.toml", "one/sub/c.toml", "single.toml"]


def test_a_search_stops_after_so_many_folders_with_a_warning(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`--decks /` must end: the walk is bounded in folders and in deck files, and says so."""
    from briefing_quiz.core.deckfile import read

    for n in range(12):
        (tmp_path / f"f{n:02}").mkdir()
        (tmp_path / f"f{n:02}" / "d.toml").write_text("", encoding="utf-8")
    monkeypatch.setattr(read, "MAX_FOLDERS", 5)
    warnings: list[str] = []
    assert len(read.find_deck_files([tmp_path], warnings)) == 4  # the base and 4 subfolders
    assert [w for w in warnings if "stopped searching for decks after 5 folders" in w], warnings
    monkeypatch.setattr(read, "MAX_FOLDERS", 1000)
    monkeypatch.setattr(read, "MAX_DECK_FILES", 3)
    warnings = []
    assert len(read.find_deck_files([tmp_path], warnings)) == 3
    assert [w for w in warnings if "and 3 .toml files" in w], warnings
    warnings = []
    assert len(read.find_deck_files([tmp_path / "f00"], warnings)) == 1 and warnings == []


def test_a_link_to_proc_is_not_walked(tmp_path: Path) -> None:
    """/proc links every process's folders (cwd, root): never searched for decks."""
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc here")
    (tmp_path / "proc").symlink_to("/proc")
    (tmp_path / "d.toml").write_text("", encoding="utf-8")
    assert find_deck_files([tmp_path]) == [tmp_path / "d.toml"]


def test_a_link_that_vanishes_during_the_walk_is_no_crash(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`--decks /` met /proc/N/cwd of a process that ended meanwhile: realpath raised
    FileNotFoundError, an internal error."""
    import os

    (tmp_path / "gone").mkdir()
    (tmp_path / "gone" / "d.toml").write_text("", encoding="utf-8")
    real = os.path.realpath

    def flaky(path: str, *args: object, **kwargs: object) -> str:
        if "gone" in str(path):
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return real(path)

    monkeypatch.setattr(os.path, "realpath", flaky)
    assert find_deck_files([tmp_path]) == [tmp_path / "gone" / "d.toml"]
