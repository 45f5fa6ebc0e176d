"""A cache of parsed decks: parse a deck file once, reuse the result while the file is unchanged.

One cache file per deck file, named by a hash of the deck's resolved path, in a folder the caller
gives (the CLI passes `Paths.cache_dir`). An entry is used only when all of these match:

- the resolved path of the deck (stored in the entry, so a name collision cannot serve another deck);
- a digest (SHA-256, first 128 bits) of the deck's bytes, and their length. Size + mtime + inode
  alone would miss an edit that keeps the size within one tick of the file system's clock (mtime
  comes from the kernel's coarse clock), or a copy that keeps the mtime (`cp -p`, `rsync -t`,
  `touch -r`); hashing a deck costs a small fraction of the parse it saves, so the content
  itself is the key and a `touch` alone does not even cost a parse;
- the loader's code version: a digest of the source of every module that decides what a deck file
  becomes (`_loader_modules`: every module of this package, found by listing its folder, then
  `model`, `cloze`, `fast_construct`), the cache format and the Python version. Editing the loader
  invalidates every entry, without anyone having to bump a number.

The entry is `MAGIC`, then a small head (resolved path, code version, size and digest of the deck's
bytes, and the deck's summary: id, title, number of review items), the text of the deck as the fast
path cut it at its `[[cards]]` lines, as UTF-8 (empty when not cut; cut again there, it gives each
card's table; one string, not one per card, so that the load never holds the tables as a second copy
of the text, and written a slice at a time), and the body (the deck's header, each card's type, then
per type its number of cards and one section per field: a column of values), each section as its
length, its crc32 and its bytes (`marshal` bytes, but for the text: never code, `marshal.loads`
builds only data, and nothing in it is called). The head comes first so that a changed deck is found
to be a miss without reading the rest; a hit skips the texts. Cards are rebuilt column by column
(`fast_construct.column_constructor`), which is what makes a hit cheap. `summaries` reads the heads
alone, with the checks of a hit, so that the app can list the decks before it loads them (this
module imports the model only to build a deck).
A truncated, corrupt, foreign or stale entry is a miss: the deck is parsed and the entry
rewritten (temporary file + `os.replace`, so a reader never sees half an entry). A cache folder
that cannot be written only costs the speed-up. Decks with errors are never stored.

A miss on a deck loaded before (an edit) still uses the entry: `previous` gives the deck it held
and the cut text it was loaded from, and the loader reuses the cards whose `[[cards]]` table text
is unchanged (`fast._load_reusing`), so saving one edited card re-reads that card, not the deck.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import marshal
import os
import stat
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields
from functools import cache
from importlib.util import find_spec
from itertools import accumulate, repeat
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from briefing_quiz.core.deckfile.read import CARD_SEPARATOR, distinct_files
from briefing_quiz.core.files import open_regular

if TYPE_CHECKING:
    from briefing_quiz.core.model import Card, ClozeDeletion, Deck, OpenPoint, Tolerance

# The model and the column constructors are imported when an entry is first built or rebuilt
# (`_layout`), not with this module: reading the summaries (`DeckCache.summaries`) happens
# before the decks screen's first listing, which the model's import would delay.

__all__ = ["CACHE_FORMAT", "DeckCache", "DeckSummary", "EntryKey", "code_version",
           "content_digest"]

#: Bump when the layout of an entry changes (the code digest changes anyway; this documents it).
CACHE_FORMAT = 5
MAGIC = b"bq-deck-cache\x00\x00\x05"
_HEAD_READ = 4096  # bytes read first: the magic and the head of any entry fit
#: No entry is read past this (a deck is at most 50 MiB; its entry is smaller): an entry that
#: large is not ours, and is a miss.
_ENTRY_LIMIT = 64 * 1024 * 1024
# Version 2 does not track shared objects, and a deck's values are not shared: it writes and
# reads the body faster than the default version 4, which does.
_MARSHAL_VERSION = 2


class _Layout(NamedTuple):
    """How cards are stored as columns: their classes, and per class the stored fields and the
    constructor that builds cards from those columns."""

    classes: tuple[type[Card], ...]
    code: dict[type[Card], int]
    # Fields stored as columns, per class; deck_id and path are the deck's, so not stored per card.
    stored: dict[type[Card], tuple[str, ...]]
    build: dict[type[Card], Callable[[int, Sequence[Iterable[Any]]], list[Card]]]
    deletion_fields: tuple[str, ...]
    build_deletions: Callable[[int, Sequence[Iterable[Any]]], list[ClozeDeletion]]


@cache
def _layout() -> _Layout:
    from briefing_quiz.core.deckfile.rules import CARD_RULES
    from briefing_quiz.core.fast_construct import column_constructor
    from briefing_quiz.core.model import ClozeDeletion

    # The card types of the rules, in their order: a card's type is stored as its index here.
    classes = tuple(rule.cls for rule in CARD_RULES.values())
    stored = {cls: tuple(f.name for f in fields(cls) if f.name not in ("deck_id", "path"))
              for cls in classes}
    deletion_fields = tuple(f.name for f in fields(ClozeDeletion))
    return _Layout(
        classes=classes,
        code={cls: code for code, cls in enumerate(classes)},
        stored=stored,
        build={cls: column_constructor(cls, ("deck_id", "path", *stored[cls])) for cls in classes},
        deletion_fields=deletion_fields,
        build_deletions=column_constructor(ClozeDeletion, deletion_fields),
    )


#: What the cache cannot parse back: anything here means "not a usable entry", never a failure.
_BAD_ENTRY = (ValueError, TypeError, EOFError, IndexError, KeyError, AttributeError,
              StopIteration, OverflowError)


_PACKAGE = __name__.rpartition(".")[0]  # briefing_quiz.core.deckfile
#: The modules outside this package that decide what a deck file becomes.
_OTHER_LOADER_MODULES = ("briefing_quiz.core.model", "briefing_quiz.core.cloze",
                         "briefing_quiz.core.fast_construct")


def _loader_modules() -> tuple[str, ...]:
    """The modules that decide what a deck file becomes (their source is the loader's code
    version): this package and every module in its folder, so that a new one is never left out,
    then `_OTHER_LOADER_MODULES`. Listed, not imported: the summaries are read before the loader
    is needed."""
    import pkgutil  # here: only `code_version` needs it, once

    folder = sys.modules[_PACKAGE].__path__
    inside = sorted(f"{_PACKAGE}.{info.name}" for info in pkgutil.iter_modules(folder))
    return (_PACKAGE, *inside, *_OTHER_LOADER_MODULES)


@cache
def code_version() -> bytes:
    """A digest of the loader's own source, the cache format and the Python version."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{CACHE_FORMAT} {sys.version_info[:2]} {marshal.version}".encode())
    for module in _loader_modules():
        # The files are found, not imported (see `_loader_modules`).
        spec = find_spec(module)
        source = None if spec is None else spec.origin
        code = None
        if source is not None:
            with contextlib.suppress(OSError):
                code = Path(source).read_bytes()
        if code is None:  # e.g. a zip import: the package version then stands for the code
            from briefing_quiz import __version__

            code = f"{module} {__version__}".encode()
        digest.update(code)
    return digest.digest()


class EntryKey(NamedTuple):
    """What an entry is kept under: the deck file's resolved path, the loader's code version, and
    the size and digest of the bytes it was loaded from."""

    real: str
    version: bytes
    size: int
    digest: bytes


class DeckSummary(NamedTuple):
    """What the decks screen lists of a deck before its counts: kept in the head of its entry."""

    path: Path
    id: str
    title: str
    #: Its review items (a cloze card has one per deletion number): the Total column.
    items: int
    #: `content_digest` of the file's bytes (the counts summary's key: services.counts_summary).
    digest: str = ""


class DeckCache:
    """Parsed decks kept in `folder`, keyed by resolved path, content digest and code version."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def at(cls, folder: Path | None) -> DeckCache | None:
        """A cache in `folder`, or None (no caching) when there is no folder."""
        return None if folder is None else cls(folder)

    def entry_path(self, deck_path: Path) -> Path:
        return self.folder / _entry_name(os.path.realpath(deck_path))

    def get(self, deck_path: Path, data: bytes) -> Deck | None:
        """The deck cached for these bytes at this path, or None (no entry, stale or unusable)."""
        try:
            with open_regular(self.entry_path(deck_path)) as file:  # a FIFO planted: a miss
                blob = file.read(_HEAD_READ)
                try:
                    head, offset = _section(blob, len(MAGIC))
                    real, version, size, content, _ = marshal.loads(head)
                except _BAD_ENTRY:
                    return None
                if (blob[:len(MAGIC)] != MAGIC or version != code_version()
                        or size != len(data) or real != os.path.realpath(deck_path)
                        or content != _digest(data)):
                    return None  # a changed deck: the body is not even read
                # Skip the cards' texts (needed only by `previous`) without reading them.
                file.seek(offset + 8 + int.from_bytes(blob[offset:offset + 4], "little"))
                blob = file.read(_ENTRY_LIMIT)
        except (OSError, ValueError):  # missing (the usual miss), unreadable, or an unusable path
            return None
        try:
            return _rebuild(deck_path, *_read_body(blob, 0))
        except _BAD_ENTRY:  # a foreign or damaged entry that passed the checks above: a miss
            return None

    def previous(self, deck_path: Path) -> tuple[Deck, str] | None:
        """The deck last stored for this path by this loader, whatever the file holds now, and
        the text it was loaded from as the fast path cut it (cut at `CARD_SEPARATOR`, it gives
        the text of each card's table); None without a usable entry that has them."""
        try:
            with open_regular(self.entry_path(deck_path)) as file:
                blob = file.read(_ENTRY_LIMIT)
        except (OSError, ValueError):
            return None
        try:
            head, offset = _section(blob, len(MAGIC))
            real, version = marshal.loads(head)[:2]
            if (blob[:len(MAGIC)] != MAGIC or version != code_version()
                    or real != os.path.realpath(deck_path)):
                return None
            texts, offset = _section(blob, offset)
            cut_text = str(texts, "utf-8")  # UnicodeDecodeError is a ValueError: a miss
            del texts
            if not cut_text:
                return None
            deck = _rebuild(deck_path, *_read_body(blob, offset))
        except _BAD_ENTRY:
            return None
        # Cut at its `[[cards]]` lines as the fast path cut it, the text gives each card's table.
        return (deck, cut_text) if cut_text.count(CARD_SEPARATOR) == len(deck.cards) else None

    def summaries(self, deck_paths: Iterable[Path]) -> list[DeckSummary] | None:
        """The summary of each deck file (once per real file, in order), read from the heads of
        their entries without loading any deck; None unless every file has an entry that `get`
        would use for the bytes it holds now (same loader version, size and content digest)
        and no two share a deck id: the decks must then be loaded to be listed."""
        found: list[DeckSummary] = []
        for path, real in distinct_files(deck_paths):
            summary = self._summary(path, real)
            if summary is None:
                return None
            found.append(summary)
        if len({summary.id for summary in found}) != len(found):
            return None  # the loader reports the second file as a failure
        return found

    def _summary(self, path: Path, real: str) -> DeckSummary | None:
        try:
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode):
                return None
            with open_regular(self.entry_path(path)) as file:
                blob = file.read(_HEAD_READ)
            head, _ = _section(blob, len(MAGIC))
            stored, version, size, content, summary = marshal.loads(head)
            # The size first: a changed deck (or a huge file) is not read.
            if (blob[:len(MAGIC)] != MAGIC or version != code_version() or stored != real
                    or size != info.st_size or summary is None):
                return None
            with open_regular(path) as file:
                data = file.read(size + 1)
            if len(data) != size or _digest(data) != content:
                return None
            deck_id, title, items = summary
        except (OSError, *_BAD_ENTRY):
            return None
        if type(deck_id) is not str or type(title) is not str or type(items) is not int:
            return None
        return DeckSummary(path, deck_id, title, items, content.hex())

    def key(self, deck_path: Path, data: bytes) -> EntryKey:
        """What an entry for the deck file at `deck_path` holding `data` is kept under (`put`):
        taken before the load, so that the bytes need not be kept alive through it."""
        return EntryKey(os.path.realpath(deck_path), code_version(), len(data), _digest(data))

    def put(self, key: EntryKey, deck: Deck, cut_text: str | None = None) -> None:
        """Store `deck` (loaded without errors from the bytes of `key`) and, when known, the text
        the fast path cut at its `[[cards]]` lines (`cut_text`: each card's table, see
        `previous`); failing to write only costs speed."""
        try:
            summary = (deck.id, deck.title, sum(len(card.items) for card in deck.cards))
            head = marshal.dumps((*key, summary), _MARSHAL_VERSION)
            if len(MAGIC) + 8 + len(head) + 8 > _HEAD_READ:
                # A title of thousands of characters: no summary (the deck is listed once
                # loaded); a path that long: no entry.
                head = marshal.dumps((*key, None), _MARSHAL_VERSION)
                if len(MAGIC) + 8 + len(head) + 8 > _HEAD_READ:
                    return
        except ValueError:  # a value marshal cannot store: such a deck is simply not cached
            return
        target = self.folder / _entry_name(key.real)
        try:
            import tempfile  # here: the summaries' path (no entry written) does not need it

            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".deck", dir=self.folder)
        except OSError:  # an unwritable or missing cache folder: load without the cache
            return
        try:
            with os.fdopen(handle, "wb") as file:
                file.writelines((MAGIC, *_framed(head)))
                file.writelines(_framed_text("" if cut_text is None else cut_text))
                # The body a part at a time: each part's marshal bytes are dropped once written.
                for part in _body_parts(deck):
                    file.writelines(_framed(marshal.dumps(part, _MARSHAL_VERSION)))
            os.replace(temp, target)
        except (OSError, ValueError):
            # A full disk or a vanished folder, or a value that marshal cannot store or a text
            # that cannot be UTF-8 (which a decoded file never is): drop the partial file, keep
            # loading without cache.
            with contextlib.suppress(OSError):  # already gone, or not ours to remove
                os.unlink(temp)
            return


def content_digest(data: bytes) -> str:
    """The digest the cache keys a deck file's bytes by, as `DeckSummary.digest` gives it."""
    return _digest(data).hex()


def _entry_name(real: str) -> str:
    return f"{hashlib.blake2b(os.fsencode(real), digest_size=16).hexdigest()}.deck"


def _digest(data: bytes) -> bytes:
    # SHA-256 rather than BLAKE2b: OpenSSL uses the SHA instructions most CPUs now have, which
    # makes it the faster of the two, and the digest is on every start-up's path.
    return hashlib.sha256(data).digest()[:16]


def _framed(part: bytes) -> tuple[bytes, bytes, bytes]:
    """A section of an entry: length and crc32 (4 bytes each, little-endian), then the bytes."""
    return len(part).to_bytes(4, "little"), zlib.crc32(part).to_bytes(4, "little"), part


#: Characters of the cut text encoded at a time (`_framed_text`).
_TEXT_CHUNK = 1 << 18


def _framed_text(text: str) -> Iterator[bytes]:
    """`_framed(text.encode())` without the encoded copy of the whole text: the text is encoded
    a slice at a time, once for its length and crc32 and again as it is written."""
    size = crc = 0
    for chunk in _encoded(text):
        size += len(chunk)
        crc = zlib.crc32(chunk, crc)
    yield size.to_bytes(4, "little")
    yield crc.to_bytes(4, "little")
    yield from _encoded(text)


def _encoded(text: str) -> Iterator[bytes]:
    # UTF-8 of the pieces, one after another, is the UTF-8 of the whole (no character is split:
    # str slices cut between code points).
    for start in range(0, len(text), _TEXT_CHUNK):
        yield text[start:start + _TEXT_CHUNK].encode("utf-8")


def _section(blob: bytes, offset: int) -> tuple[memoryview, int]:
    """The bytes of the section at `offset` and the offset after it; ValueError if damaged."""
    size = int.from_bytes(blob[offset:offset + 4], "little")
    start = offset + 8
    part = memoryview(blob)[start:start + size]
    if len(part) != size or zlib.crc32(part) != int.from_bytes(blob[offset + 4:start], "little"):
        raise ValueError("a damaged section")
    return part, start + size


# --------------------------------------------------------------------------------------------------
# Deck -> marshal-able values


def _header(deck: Deck) -> tuple[Any, ...]:
    source = deck.source
    info = None if source is None else (
        source.title, source.author, source.publisher,
        None if source.date is None else source.date.toordinal(), source.url, source.file,
        None if source.as_of is None else source.as_of.toordinal())
    return deck.id, deck.title, deck.description, deck.tags, info


def _body_parts(deck: Deck) -> Iterator[Any]:
    """The body of an entry as the values of its sections, in order (`_read_body`): the deck's
    header, the type of each card (one byte each), then per type the number of cards and one
    tuple of values per field. Made one at a time, so that a single column is built and dumped
    at once rather than the whole body (a lower peak while a parsed deck is stored)."""
    layout = _layout()
    cards = deck.cards
    yield _header(deck)
    yield bytes(layout.code[type(card)] for card in cards)
    by_type: list[list[Card]] = [[] for _ in layout.classes]
    for card in cards:
        by_type[layout.code[type(card)]].append(card)
    for cls, group in zip(layout.classes, by_type, strict=True):
        yield len(group)
        for name in layout.stored[cls]:
            values = tuple(map(attrgetter(name), group))
            if name == "tolerance":
                values = tuple(None if t is None else (t.value, t.relative) for t in values)
            elif name in ("as_of", "valid_until"):  # marshal stores no dates
                values = tuple(None if d is None else d.toordinal() for d in values)
            elif name == "points":  # open cards: (label, terms) pairs, which marshal stores
                values = tuple(tuple((p.label, p.terms) for p in points) for points in values)
            elif name == "deletions":
                counts = tuple(map(len, values))
                flat = [d for deletions in values for d in deletions]
                values = (counts, tuple(tuple(map(attrgetter(f), flat))
                                        for f in layout.deletion_fields))
            yield values


def _read_body(blob: bytes, offset: int) -> tuple[tuple[Any, ...], tuple[bytes, tuple[Any, ...]]]:
    """The deck's header and its cards' columns from the body's sections at `offset` (see
    `_body_parts`); a missing or damaged section raises one of `_BAD_ENTRY`."""
    layout = _layout()

    def load() -> Any:
        nonlocal offset
        part, offset = _section(blob, offset)
        return marshal.loads(part)

    header = load()
    order = load()
    # Lists, not generator expressions: a StopIteration or error must reach the caller as is.
    groups = [(load(), tuple([load() for _ in layout.stored[cls]])) for cls in layout.classes]
    return header, (order, tuple(groups))


# --------------------------------------------------------------------------------------------------
# marshal-ed values -> Deck


def _rebuild(path: Path, header: tuple[Any, ...], body: tuple[bytes, tuple[Any, ...]]) -> Deck:
    from briefing_quiz.core.model import ClozeCard, Deck, SourceInfo

    layout = _layout()
    deck_id, title, description, tags, info = header
    source = None
    if info is not None:
        s_title, author, publisher, date, url, file, as_of = info
        source = SourceInfo(title=s_title, author=author, publisher=publisher, url=url,
                            date=None if date is None else dt.date.fromordinal(date), file=file,
                            as_of=None if as_of is None else dt.date.fromordinal(as_of))
    order, groups = body
    made: list[Iterator[Card]] = []
    for cls, (count, columns) in zip(layout.classes, groups, strict=True):
        columns = list(columns)
        if any(len(column) != count for column in columns if cls is not ClozeCard):
            raise ValueError("a column of the wrong length")
        for index, name in enumerate(layout.stored[cls]):
            if name == "tolerance":
                columns[index] = list(map(_tolerance, columns[index]))
            elif name in ("as_of", "valid_until"):
                columns[index] = [None if d is None else dt.date.fromordinal(d)
                                  for d in columns[index]]
            elif name == "deletions":
                columns[index] = _deletion_groups(count, *columns[index])
            elif name == "points":
                columns[index] = list(map(_points, columns[index]))
        cards = layout.build[cls](count, [repeat(deck_id), repeat(path), *columns])
        made.append(iter(cards))
    # Merge the per-type lists back into file order, all in C.
    in_order = tuple(map(next, map(made.__getitem__, order)))
    if len(in_order) != len(order) or any(next(rest, None) is not None for rest in made):
        raise ValueError("the card order does not match the cards")
    return Deck(id=deck_id, title=title, path=path, cards=in_order, description=description,
                tags=tags, source=source)


def _points(stored: Sequence[tuple[str, tuple[str, ...]]]) -> tuple[OpenPoint, ...]:
    from briefing_quiz.core.model import OpenPoint

    return tuple(OpenPoint(label=str(label), terms=tuple(map(str, terms)))
                 for label, terms in stored)


_tolerances: dict[tuple[float, bool], Tolerance] = {}


def _tolerance(stored: tuple[float, bool] | None) -> Tolerance | None:
    if stored is None:
        return None
    known = _tolerances.get(stored)
    if known is None:
        from briefing_quiz.core.model import Tolerance

        value, relative = stored
        known = _tolerances[stored] = Tolerance(value=float(value), relative=bool(relative))
    return known


def _deletion_groups(count: int, counts: Sequence[int],
                     columns: Sequence[Sequence[Any]]) -> list[tuple[ClozeDeletion, ...]]:
    total = sum(counts)
    if len(counts) != count or any(len(column) != total for column in columns):
        raise ValueError("cloze deletions do not add up")
    flat = _layout().build_deletions(total, columns)
    ends = list(accumulate(counts))
    starts = [0, *ends[:-1]]
    take: Callable[[slice], list[ClozeDeletion]] = flat.__getitem__
    return list(map(tuple, map(take, map(slice, starts, ends))))
