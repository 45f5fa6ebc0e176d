"""The deck cache: a hit rebuilds the same deck; any change, damage or new loader version is a miss
that parses again and rewrites the entry; an unwritable cache folder only costs the speed-up."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from briefing_quiz.core.deckfile import cache as cache_module
from briefing_quiz.core.deckfile import fast as fast_module
from briefing_quiz.core.deckfile import load as load_module
from briefing_quiz.core.deckfile import load_deck, load_decks, loads_deck
from briefing_quiz.core.deckfile.cache import DeckCache, DeckSummary, content_digest
from briefing_quiz.core.errors import DeckError
from tests.conftest import DeckWriter
from tests.core.deckfile.generated import generate_deck


def one_card_deck(deck_id: str, title: str) -> str:
    """A valid one-card deck."""
    return (f'format = 1\n\n[deck]\nid = "{deck_id}"\ntitle = "{title}"\n\n'
            '[[cards]]\nid = "c1"\ntype = "basic"\nquestion = "Q?"\nanswer = "A"\n')


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    path = tmp_path / "decks" / "bench.toml"
    path.parent.mkdir()
    # Every card type, tags, explain, hints, tolerances, several answers, a [deck.source] date.
    path.write_text(generate_deck(60, seed=3), encoding="utf-8")
    return path


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path | None]:
    """The paths the loader really read (a hit reads nothing; a changed deck is read, reusing
    its unchanged cards)."""
    seen: list[Path | None] = []
    load_text = load_module._load_text

    def counting(data: bytes, path: Path | None, previous: Any = None) -> Any:
        seen.append(path)
        return load_text(data, path, previous)

    monkeypatch.setattr(load_module, "_load_text", counting)
    return seen


def test_hit_rebuilds_the_same_deck_without_parsing(deck_file: Path, tmp_path: Path,
                                                    parses: list[Path | None]) -> None:
    cache = DeckCache(tmp_path / "cache")
    first = load_deck(deck_file, cache)
    second = load_deck(deck_file, cache)
    assert parses == [deck_file]
    assert second == first == loads_deck(deck_file.read_bytes(), deck_file)
    assert [type(c) for c in second.cards] == [type(c) for c in first.cards]
    assert all(c.path == deck_file and c.deck_id == first.id for c in second.cards)
    assert second.card(first.cards[7].id) == first.cards[7]
    assert second.source is not None and second.source.date == first.source.date  # type: ignore[union-attr]
    kinds = {c.type for c in second.cards}
    assert kinds == {"basic", "typed", "choice", "truefalse", "cloze", "order"}
    assert {c.content_hash() for c in second.cards} == {c.content_hash() for c in first.cards}


def test_same_size_edit_with_the_same_mtime_is_a_miss(deck_file: Path, tmp_path: Path,
                                                      parses: list[Path | None]) -> None:
    cache = DeckCache(tmp_path / "cache")
    before = load_deck(deck_file, cache)
    info = deck_file.stat()
    text = deck_file.read_text(encoding="utf-8")
    edited = text.replace('title = "Benchmark deck', 'title = "Benchmark Deck', 1)
    assert len(edited) == len(text) and edited != text
    deck_file.write_text(edited, encoding="utf-8")
    os.utime(deck_file, ns=(info.st_atime_ns, info.st_mtime_ns))  # as `cp -p` or a fast editor
    after = load_deck(deck_file, cache)
    assert after.title == before.title.replace("deck", "Deck") != before.title
    assert parses == [deck_file, deck_file]
    assert load_deck(deck_file, cache) == after  # the rewritten entry now serves the edit
    assert len(parses) == 2


def test_corrupt_or_foreign_entries_are_misses_and_get_rewritten(
        deck_file: Path, tmp_path: Path, parses: list[Path | None]) -> None:
    cache = DeckCache(tmp_path / "cache")
    good = load_deck(deck_file, cache)
    entry = cache.entry_path(deck_file)
    blob = entry.read_bytes()
    damaged = [b"", b"garbage", blob[:len(blob) // 2], blob[:-1] + bytes([blob[-1] ^ 1]),
               cache_module.MAGIC + b"\0\0\0\0" + b"\xff" * 40]
    for bad in damaged:
        entry.write_bytes(bad)
        assert load_deck(deck_file, cache) == good
        assert entry.read_bytes() == blob  # rewritten whole
    assert len(parses) == 1 + len(damaged)


def test_an_entry_that_decodes_but_is_not_a_deck_is_a_miss(
        deck_file: Path, tmp_path: Path, parses: list[Path | None]) -> None:
    import marshal

    cache = DeckCache(tmp_path / "cache")
    good = load_deck(deck_file, cache)
    entry = cache.entry_path(deck_file)
    head = marshal.dumps((os.path.realpath(deck_file), cache_module.code_version(),
                          deck_file.stat().st_size, cache_module._digest(deck_file.read_bytes()),
                          (good.id, good.title, len(good.cards))))
    entries = [(marshal.dumps(("x", 1)), marshal.dumps(None)), (head, marshal.dumps(None)),
               (head, marshal.dumps((("a", "b", None, (), None), (b"\x00\x07", ((1, ()),) * 6))))]
    for parts in entries:
        entry.write_bytes(b"".join((cache_module.MAGIC, *cache_module._framed(parts[0]),
                                    *cache_module._framed(marshal.dumps(None)),
                                    *cache_module._framed(parts[1]))))
        assert load_deck(deck_file, cache) == good
    assert len(parses) == 4


def test_a_new_loader_version_is_a_miss(deck_file: Path, tmp_path: Path,
                                        parses: list[Path | None],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cache = DeckCache(tmp_path / "cache")
    load_deck(deck_file, cache)
    monkeypatch.setattr(cache_module, "code_version", lambda: b"another loader")
    load_deck(deck_file, cache)
    load_deck(deck_file, cache)
    assert len(parses) == 2


def test_code_version_covers_the_loader_source() -> None:
    version = cache_module.code_version()
    assert isinstance(version, bytes) and len(version) == 16
    # Every file of the package, listed here independently of the cache's own listing, and the
    # other modules of the loader: each named, and each found as its own source file.
    package = Path(cache_module.__file__).parent
    expected = {"briefing_quiz.core.deckfile"} | {
        f"briefing_quiz.core.deckfile.{file.stem}" for file in package.glob("*.py")
        if file.name != "__init__.py"}
    names = cache_module._loader_modules()
    assert len(names) == len(set(names))
    assert expected <= set(names)
    assert set(names) - expected == {"briefing_quiz.core.model", "briefing_quiz.core.cloze",
                                     "briefing_quiz.core.fast_construct"}
    for name in names:
        spec = find_spec(name)
        assert spec is not None and spec.origin is not None, name
        assert Path(spec.origin).is_file() and Path(spec.origin).suffix == ".py", name
        if name.startswith("briefing_quiz.core.deckfile."):
            assert Path(spec.origin) == package / f"{name.rpartition('.')[2]}.py", name


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs file permissions that apply (POSIX, not root)")
def test_unwritable_cache_folder_still_loads(deck_file: Path, tmp_path: Path,
                                             parses: list[Path | None]) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        cache = DeckCache(folder)
        first = load_deck(deck_file, cache)
        assert load_deck(deck_file, cache) == first
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(stat.S_IRWXU)
    assert len(parses) == 2


def test_cache_folder_that_is_a_file_still_loads(deck_file: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder", encoding="utf-8")
    assert len(load_deck(deck_file, DeckCache(blocker)).cards) == 60


def test_decks_with_errors_are_never_cached(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('format = 1\n[deck]\nid = "x"\ntitle = "X"\n[[cards]]\nid = "a"\n'
                    'type = "basic"\nquestion = "Q?"\n', encoding="utf-8")
    cache = DeckCache(tmp_path / "cache")
    for _ in range(2):
        with pytest.raises(DeckError, match="missing 'answer'"):
            load_deck(path, cache)
    assert not cache.entry_path(path).exists()


def test_load_decks_passes_the_cache(deck_file: Path, tmp_path: Path,
                                     parses: list[Path | None]) -> None:
    cache = DeckCache(tmp_path / "cache")
    assert len(load_decks([deck_file], cache).decks) == 1
    assert len(load_decks([deck_file], cache).decks) == 1
    assert len(parses) == 1
    assert len(load_decks([deck_file]).decks) == 1  # no cache: always parsed
    assert len(parses) == 2


def test_a_moved_deck_keeps_its_own_path(deck_file: Path, tmp_path: Path) -> None:
    cache = DeckCache(tmp_path / "cache")
    load_deck(deck_file, cache)
    moved = deck_file.with_name("moved.toml")
    deck_file.rename(moved)
    deck = load_deck(moved, cache)
    assert deck.path == moved and all(c.path == moved for c in deck.cards)


def test_a_failed_write_leaves_no_partial_entry(deck_file: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Works as root too, where folder permissions do not stop writes."""
    cache = DeckCache(tmp_path / "cache")

    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    assert len(load_deck(deck_file, cache).cards) == 60
    assert list((tmp_path / "cache").iterdir()) == []


def _same_as_a_full_load(deck: object, path: Path) -> None:
    """`deck` is what loading the file without any cache gives, card lines and ids included."""
    full = loads_deck(path.read_bytes(), path)
    assert deck == full
    assert [(c.line, c.deck_id, c.path) for c in full.cards] == [
        (c.line, c.deck_id, c.path) for c in deck.cards]  # type: ignore[attr-defined]


def test_an_edit_reuses_the_unchanged_cards(deck_file: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    cache = DeckCache(tmp_path / "cache")
    load_deck(deck_file, cache)
    read: list[str] = []
    card_table = fast_module._card_table

    def counting(chunk: str) -> Any:
        read.append(chunk)
        return card_table(chunk)

    monkeypatch.setattr(fast_module, "_card_table", counting)
    text = deck_file.read_text(encoding="utf-8")
    edits = [
        text.replace('title = "Benchmark', 'title = "Edited', 1),                # preamble only
        text.replace('id = "bench-60"', 'id = "renamed"', 1),                    # a new deck id
        text.replace('question = "', 'question = "Edited: ', 1),                  # one card
        text.replace('question = "', 'question = "Two\\nlines: ', 1)
            .replace("\n[[cards]]\n", "\n# a comment line\n[[cards]]\n", 1),  # lines shift
    ]
    for edited in edits:
        read.clear()
        deck_file.write_text(edited, encoding="utf-8")
        deck = load_deck(deck_file, cache)
        assert len(read) <= 1  # the edited card alone was read again
        _same_as_a_full_load(deck, deck_file)
        _same_as_a_full_load(load_deck(deck_file, cache), deck_file)  # and the entry is right


def test_an_edit_with_problems_reports_them_as_a_full_load_does(deck_file: Path,
                                                                tmp_path: Path) -> None:
    cache = DeckCache(tmp_path / "cache")
    load_deck(deck_file, cache)
    text = deck_file.read_text(encoding="utf-8")
    bad_edits = [
        text.replace('id = "card-1"', 'id = "card-0"', 1),       # an id used by another card
        text.replace('id = "card-7"', 'id = "Card 7"', 1),       # not a slug
        text.replace('type = "typed"', 'type = "typo"', 1),
        text.replace('answer = true', 'answer = "yes"', 1),
        text.replace('question = "', 'question = "unclosed', 1).replace('"\nanswer', '\nanswer', 1),
        text.replace("format = 1", "format = 2", 1),
        text.replace('title = "', 'title = """', 1),
        text.replace("\n[[cards]]\n", "\n[[cards]]\n[deck]\n", 1),
        text.replace("\n[[cards]]\n", "\n[[cards]]\n[[cards]]\n", 1),
        text.replace("format = 1", "format = 1\ncards = 1", 1),
    ]
    for edited in bad_edits:
        assert edited != text
        deck_file.write_text(edited, encoding="utf-8")
        with pytest.raises(DeckError) as full:
            loads_deck(edited.encode(), deck_file)
        with pytest.raises(DeckError) as cached:
            load_deck(deck_file, cache)
        assert str(cached.value) == str(full.value)
        deck_file.write_text(text, encoding="utf-8")
        load_deck(deck_file, cache)


def test_damaged_card_texts_only_cost_the_reuse(deck_file: Path, tmp_path: Path) -> None:
    cache = DeckCache(tmp_path / "cache")
    load_deck(deck_file, cache)
    entry = cache.entry_path(deck_file)
    blob = bytearray(entry.read_bytes())
    head_end = len(cache_module.MAGIC) + 8 + int.from_bytes(blob[len(cache_module.MAGIC):][:4],
                                                            "little")
    blob[head_end + 20] ^= 1  # inside the cards' texts
    entry.write_bytes(bytes(blob))
    assert cache.previous(deck_file) is None
    assert cache.get(deck_file, deck_file.read_bytes()) is not None  # the body is intact
    deck_file.write_text(deck_file.read_text(encoding="utf-8").replace(
        'question = "', 'question = "Edited: ', 1), encoding="utf-8")
    _same_as_a_full_load(load_deck(deck_file, cache), deck_file)


# -- summaries: what the decks screen lists before the decks are loaded ----------------------------


def _items(deck_file: Path) -> int:
    return sum(len(card.items) for card in loads_deck(deck_file.read_bytes(), deck_file).cards)


def test_summaries_give_each_cached_deck_without_loading_it(deck_file: Path, tmp_path: Path,
                                                            parses: list[Path | None],
                                                            write_deck: DeckWriter) -> None:
    cache = DeckCache(tmp_path / "cache")
    other = write_deck(one_card_deck("other", "Other deck"), "other.toml")
    assert cache.summaries([deck_file, other]) is None  # nothing cached yet
    loaded = load_decks([deck_file, other], cache).decks
    assert len(parses) == 2
    found = cache.summaries([deck_file, other, deck_file])
    assert len(parses) == 2  # nothing parsed
    items = _items(deck_file)
    assert found == [DeckSummary(deck_file, loaded[0].id, loaded[0].title, items,
                                 content_digest(deck_file.read_bytes())),
                     DeckSummary(other, "other", "Other deck", 1, content_digest(other.read_bytes()))]
    # Cloze cards count one item per deletion number: more items than cards here.
    assert items > len(loaded[0].cards)


def test_summaries_are_none_unless_every_entry_is_fresh(deck_file: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        write_deck: DeckWriter) -> None:
    cache = DeckCache(tmp_path / "cache")
    other = write_deck(one_card_deck("other", "Other deck"), "other.toml")
    load_decks([deck_file, other], cache)
    assert cache.summaries([deck_file, other]) is not None
    # A new deck file, not loaded yet.
    new = write_deck(one_card_deck("new", "New deck"), "new.toml")
    assert cache.summaries([deck_file, other, new]) is None
    new.unlink()
    # An edit of the same size (and the same mtime): the digest tells.
    text = other.read_text(encoding="utf-8")
    info = other.stat()
    other.write_text(text.replace("Other deck", "Other desk"), encoding="utf-8")
    os.utime(other, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert other.stat().st_size == info.st_size
    assert cache.summaries([deck_file, other]) is None
    other.write_text(text, encoding="utf-8")
    assert cache.summaries([deck_file, other]) is not None
    # A damaged head, a missing file, a folder.
    entry = cache.entry_path(other)
    blob = entry.read_bytes()
    at = len(cache_module.MAGIC) + 12
    entry.write_bytes(blob[:at] + bytes([blob[at] ^ 1]) + blob[at + 1:])
    assert cache.summaries([deck_file, other]) is None
    entry.write_bytes(blob)
    assert cache.summaries([deck_file, tmp_path / "missing.toml"]) is None
    assert cache.summaries([deck_file, tmp_path / "decks"]) is None
    # Another loader version.
    monkeypatch.setattr(cache_module, "code_version", lambda: b"another loader")
    assert cache.summaries([deck_file, other]) is None


def test_summaries_are_none_when_two_files_share_a_deck_id(tmp_path: Path,
                                                           write_deck: DeckWriter) -> None:
    cache = DeckCache(tmp_path / "cache")
    first = write_deck(one_card_deck("same", "First"), "a.toml")
    second = write_deck(one_card_deck("same", "Second"), "b.toml")
    load = load_decks([first, second], cache)
    assert len(load.decks) == 1 and len(load.failures) == 1
    assert cache.summaries([first]) is not None and cache.summaries([second]) is not None
    assert cache.summaries([first, second]) is None


def test_a_title_too_long_for_the_head_is_cached_without_a_summary(
        tmp_path: Path, write_deck: DeckWriter) -> None:
    cache = DeckCache(tmp_path / "cache")
    path = write_deck(one_card_deck("long", "T" * 5000), "long.toml")
    deck = load_deck(path, cache)
    assert cache.get(path, path.read_bytes()) == deck
    assert cache.summaries([path]) is None


def test_summaries_import_neither_the_model_nor_the_loader(deck_file: Path,
                                                          tmp_path: Path) -> None:
    """They are read before the decks screen's first listing, where those imports cost
    10-40 ms of CPU."""
    load_deck(deck_file, DeckCache(tmp_path / "cache"))
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from briefing_quiz.core.deckfile.cache import DeckCache\n"
        "from briefing_quiz.core.deckfile.read import find_deck_files\n"
        f"cache = DeckCache(Path({str(tmp_path / 'cache')!r}))\n"
        f"found = cache.summaries(find_deck_files([Path({str(deck_file.parent)!r})]))\n"
        "assert found is not None and len(found) == 1, found\n"
        "print(','.join(sorted(n for n in sys.modules if n.startswith('briefing_quiz.core.')\n"
        "                      or n in ('tomli', 'tempfile'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # core.files: the regular-file-only reader (stdlib only), so a planted FIFO is never waited on.
    assert out.stdout.strip() == (
        "briefing_quiz.core.deckfile,briefing_quiz.core.deckfile.cache,briefing_quiz.core.deckfile.read,"
        "briefing_quiz.core.files")


def test_an_entry_copied_to_another_decks_name_never_shows_its_cards(tmp_path: Path) -> None:
    """Issue 17: an entry is used only for the deck file it was made from (its resolved path and
    its bytes' digest are in the entry and checked), by `get`, `previous` and `summaries`."""
    folder = tmp_path / "decks"
    folder.mkdir()
    mine = folder / "mine.toml"
    theirs = folder / "theirs.toml"
    mine.write_text(one_card_deck("mine", "Mine"), encoding="utf-8")
    theirs.write_text(one_card_deck("theirs", "Theirs"), encoding="utf-8")
    cache = DeckCache(tmp_path / "cache")
    load_deck(theirs, cache)
    # The other deck's entry planted under my deck's name, and a copy of my deck's bytes there.
    cache.entry_path(theirs).replace(cache.entry_path(mine))
    assert cache.get(mine, mine.read_bytes()) is None
    assert cache.previous(mine) is None
    assert cache.summaries([mine]) is None
    assert load_deck(mine, cache).id == "mine"
    # The same bytes at another path: still not that path's entry.
    copy = folder / "copy.toml"
    copy.write_bytes(mine.read_bytes())
    cache.entry_path(mine).replace(cache.entry_path(copy))
    assert cache.get(copy, copy.read_bytes()) is None and cache.previous(copy) is None
