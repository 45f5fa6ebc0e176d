"""A cache of parsed decks: parse a deck file once, reuse the result while the file is unchanged.

One cache file per deck file, named by a hash of the deck's resolved path, in a folder the caller
gives (the CLI passes `Paths.cache_dir`). An entry is used only when all of these match:

- the resolved path of the deck (stored in the entry, so a name collision cannot serve another deck);
- a digest (SHA-256, first 128 bits) of the deck's bytes, and their length. Size + mtime + inode
  alone would miss an edit that keeps the size within one tick of the file system's clock (mtime
  comes from the kernel's coarse clock), or a copy that keeps the mtime (`cp -p`, `rsync -t`,
  `touch -r`); hashing a 5 MB deck costs about 3 ms, far below the parse it saves (~200 ms), so
  the content itself is the key and a `touch` alone does not even cost a parse;
- the loader's code version: a digest of the source of every module that decides what a deck file
  becomes (this one, `decks`, `model`, `cloze`, `_construct`), the cache format and the Python
  version. Editing the loader invalidates every entry, without anyone having to bump a number.

The entry is `MAGIC`, then a small head (resolved path, code version, size and digest of the deck's
bytes), the text of each card's table, and the body (per-type columns of field values), each as
its length, its crc32 and its `marshal` bytes (never code: `marshal.loads` builds only data, and
nothing in it is called). The head comes first so that a changed deck is found to be a miss
without reading the rest; a hit skips the texts. Cards are rebuilt column by column
(`_construct.column_constructor`), which is what makes a hit cheap. A truncated, corrupt, foreign
or stale entry is a miss: the deck is parsed and the entry rewritten (temporary file +
`os.replace`, so a reader never sees half an entry). A cache folder that cannot be written only
costs the speed-up. Decks with errors are never stored.

A miss on a deck loaded before (an edit) still uses the entry: `previous` gives the deck it held
and its cards' texts, and the loader reuses every card whose `[[cards]]` table text is unchanged
(`decks._load_reusing`), so saving one edited card re-reads that card, not the deck.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import marshal
import os
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields
from functools import cache
from itertools import accumulate, repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

from briefing_quiz.core._construct import column_constructor
from briefing_quiz.core.model import (
    BasicCard,
    Card,
    ChoiceCard,
    ClozeCard,
    ClozeDeletion,
    Deck,
    OrderCard,
    SourceInfo,
    Tolerance,
    TrueFalseCard,
    TypedCard,
)

__all__ = ["CACHE_FORMAT", "DeckCache", "code_version"]

#: Bump when the layout of an entry changes (the code digest changes anyway; this documents it).
CACHE_FORMAT = 2
MAGIC = b"bq-deck-cache\x00\x00\x02"
_HEAD_READ = 4096  # bytes read first: the magic and the head of any entry fit
# Version 2 does not track shared objects (a deck's values are not shared): measured on the
# 10k-card deck, it writes the body about 20% faster and reads it back 15-30% faster than 4.
_MARSHAL_VERSION = 2

_CLASSES: tuple[type[Card], ...] = (BasicCard, TypedCard, ChoiceCard, TrueFalseCard, ClozeCard,
                                    OrderCard)
_CODE = {cls: code for code, cls in enumerate(_CLASSES)}
# Fields stored as columns, per class; deck_id and path are the deck's, so not stored per card.
_STORED = {cls: tuple(f.name for f in fields(cls) if f.name not in ("deck_id", "path"))
           for cls in _CLASSES}
_BUILD = {cls: column_constructor(cls, ("deck_id", "path", *_STORED[cls])) for cls in _CLASSES}
_DELETION_FIELDS = tuple(f.name for f in fields(ClozeDeletion))
_build_deletions = column_constructor(ClozeDeletion, _DELETION_FIELDS)

#: What the cache cannot parse back: anything here means "not a usable entry", never a failure.
_BAD_ENTRY = (ValueError, TypeError, EOFError, IndexError, KeyError, AttributeError,
              StopIteration, OverflowError)


@cache
def code_version() -> bytes:
    """A digest of the loader's own source, the cache format and the Python version."""
    from briefing_quiz.core import _construct, cloze, decks, model

    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{CACHE_FORMAT} {sys.version_info[:2]} {marshal.version}".encode())
    for module in (decks, model, cloze, _construct, sys.modules[__name__]):
        source = getattr(module, "__file__", None)
        try:
            digest.update(Path(source).read_bytes() if source else module.__name__.encode())
        except OSError:  # e.g. a zip import: the package version then stands for the code
            from briefing_quiz import __version__

            digest.update(f"{module.__name__} {__version__}".encode())
    return digest.digest()


class DeckCache:
    """Parsed decks kept in `folder`, keyed by resolved path, content digest and code version."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def at(cls, folder: Path | None) -> DeckCache | None:
        """A cache in `folder`, or None (no caching) when there is no folder."""
        return None if folder is None else cls(folder)

    def entry_path(self, deck_path: Path) -> Path:
        name = hashlib.blake2b(os.fsencode(os.path.realpath(deck_path)), digest_size=16)
        return self.folder / f"{name.hexdigest()}.deck"

    def get(self, deck_path: Path, data: bytes) -> Deck | None:
        """The deck cached for these bytes at this path, or None (no entry, stale or unusable)."""
        try:
            with open(self.entry_path(deck_path), "rb") as file:
                blob = file.read(_HEAD_READ)
                try:
                    head, offset = _section(blob, len(MAGIC))
                    real, version, size, content = marshal.loads(head)
                except _BAD_ENTRY:
                    return None
                if (blob[:len(MAGIC)] != MAGIC or version != code_version()
                        or size != len(data) or real != os.path.realpath(deck_path)
                        or content != _digest(data)):
                    return None  # a changed deck: the body is not even read
                # Skip the cards' texts (needed only by `previous`) without reading them.
                file.seek(offset + 8 + int.from_bytes(blob[offset:offset + 4], "little"))
                blob = file.read()
        except (OSError, ValueError):  # missing (the usual miss), unreadable, or an unusable path
            return None
        try:
            body, _ = _section(blob, 0)
            header, columns = marshal.loads(body)
            return _rebuild(deck_path, header, columns)
        except _BAD_ENTRY:  # a foreign or damaged entry that passed the checks above: a miss
            return None

    def previous(self, deck_path: Path) -> tuple[Deck, tuple[str, ...]] | None:
        """The deck last stored for this path by this loader, whatever the file holds now, and
        the text of each of its cards' tables; None without a usable entry that has them."""
        try:
            blob = self.entry_path(deck_path).read_bytes()
        except (OSError, ValueError):
            return None
        try:
            head, offset = _section(blob, len(MAGIC))
            real, version = marshal.loads(head)[:2]
            if (blob[:len(MAGIC)] != MAGIC or version != code_version()
                    or real != os.path.realpath(deck_path)):
                return None
            texts, offset = _section(blob, offset)
            parts = marshal.loads(texts)
            body = _section(blob, offset)[0]
            if type(parts) is not tuple or not all(type(part) is str for part in parts):
                return None
            header, columns = marshal.loads(body)
            deck = _rebuild(deck_path, header, columns)
        except _BAD_ENTRY:
            return None
        return (deck, parts) if len(parts) == len(deck.cards) else None

    def put(self, deck_path: Path, data: bytes, deck: Deck,
            parts: Sequence[str] | None = None) -> None:
        """Store `deck` (loaded without errors from `data`) and, when known, the text of each
        card's table (`parts`, see `previous`); failing to write only costs speed."""
        try:
            head = marshal.dumps((os.path.realpath(deck_path), code_version(), len(data),
                                  _digest(data)), _MARSHAL_VERSION)
            body = marshal.dumps((_header(deck), _columns(deck.cards)), _MARSHAL_VERSION)
            texts = marshal.dumps(None if parts is None else tuple(parts), _MARSHAL_VERSION)
        except ValueError:  # a value marshal cannot store: such a deck is simply not cached
            return
        if len(MAGIC) + 8 + len(head) + 8 > _HEAD_READ:  # a path of thousands of characters
            return
        target = self.entry_path(deck_path)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".deck", dir=self.folder)
        except OSError:  # an unwritable or missing cache folder: load without the cache
            return
        try:
            with os.fdopen(handle, "wb") as file:
                file.writelines((MAGIC, *_framed(head), *_framed(texts), *_framed(body)))
            os.replace(temp, target)
        except OSError:
            # A full disk or a vanished folder: drop the partial file, keep loading without cache.
            with contextlib.suppress(OSError):  # already gone, or not ours to remove
                os.unlink(temp)
            return


def _digest(data: bytes) -> bytes:
    # SHA-256 rather than BLAKE2b: with the SHA instructions of most CPUs since about 2017, OpenSSL
    # hashes a 4 MB deck in ~2.7 ms against ~7 ms, and the digest is on every start-up's path.
    return hashlib.sha256(data).digest()[:16]


def _framed(part: bytes) -> tuple[bytes, bytes, bytes]:
    """A section of an entry: length and crc32 (4 bytes each, little-endian), then the bytes."""
    return len(part).to_bytes(4, "little"), zlib.crc32(part).to_bytes(4, "little"), part


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
        None if source.date is None else source.date.toordinal(), source.url)
    return deck.id, deck.title, deck.description, deck.tags, info


def _columns(cards: Sequence[Card]) -> tuple[bytes, tuple[Any, ...]]:
    """The type of each card (one byte each) and, per type, one tuple of values per field."""
    order = bytes(_CODE[type(card)] for card in cards)
    by_type: list[list[Card]] = [[] for _ in _CLASSES]
    for card in cards:
        by_type[_CODE[type(card)]].append(card)
    body: list[Any] = []
    for cls, group in zip(_CLASSES, by_type, strict=True):
        columns: list[Any] = []
        for name in _STORED[cls]:
            values = tuple(map(attrgetter(name), group))
            if name == "tolerance":
                values = tuple(None if t is None else (t.value, t.relative) for t in values)
            elif name == "deletions":
                counts = tuple(map(len, values))
                flat = [d for deletions in values for d in deletions]
                values = (counts, tuple(tuple(map(attrgetter(f), flat)) for f in _DELETION_FIELDS))
            columns.append(values)
        body.append((len(group), tuple(columns)))
    return order, tuple(body)


# --------------------------------------------------------------------------------------------------
# marshal-ed values -> Deck


def _rebuild(path: Path, header: tuple[Any, ...], body: tuple[bytes, tuple[Any, ...]]) -> Deck:
    deck_id, title, description, tags, info = header
    source = None
    if info is not None:
        s_title, author, publisher, date, url = info
        source = SourceInfo(title=s_title, author=author, publisher=publisher, url=url,
                            date=None if date is None else dt.date.fromordinal(date))
    order, groups = body
    made: list[Iterator[Card]] = []
    for cls, (count, columns) in zip(_CLASSES, groups, strict=True):
        columns = list(columns)
        if any(len(column) != count for column in columns if cls is not ClozeCard):
            raise ValueError("a column of the wrong length")
        for index, name in enumerate(_STORED[cls]):
            if name == "tolerance":
                columns[index] = list(map(_tolerance, columns[index]))
            elif name == "deletions":
                columns[index] = _deletion_groups(count, *columns[index])
        cards = _BUILD[cls](count, [repeat(deck_id), repeat(path), *columns])
        made.append(iter(cards))
    # Merge the per-type lists back into file order, all in C.
    in_order = tuple(map(next, map(made.__getitem__, order)))
    if len(in_order) != len(order) or any(next(rest, None) is not None for rest in made):
        raise ValueError("the card order does not match the cards")
    return Deck(id=deck_id, title=title, path=path, cards=in_order, description=description,
                tags=tags, source=source)


_tolerances: dict[tuple[float, bool], Tolerance] = {}


def _tolerance(stored: tuple[float, bool] | None) -> Tolerance | None:
    if stored is None:
        return None
    known = _tolerances.get(stored)
    if known is None:
        value, relative = stored
        known = _tolerances[stored] = Tolerance(value=float(value), relative=bool(relative))
    return known


def _deletion_groups(count: int, counts: Sequence[int],
                     columns: Sequence[Sequence[Any]]) -> list[tuple[ClozeDeletion, ...]]:
    total = sum(counts)
    if len(counts) != count or any(len(column) != total for column in columns):
        raise ValueError("cloze deletions do not add up")
    flat = _build_deletions(total, columns)
    ends = list(accumulate(counts))
    starts = [0, *ends[:-1]]
    take: Callable[[slice], list[ClozeDeletion]] = flat.__getitem__
    return list(map(tuple, map(take, map(slice, starts, ends))))
