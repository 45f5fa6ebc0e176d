"""The parse cache, noting the digest of each deck file's bytes as the loader read them: what
the counts summary keys each deck's counts by (`services.counts_summary`). Its own module: the
launch's summary reader must not import the cache's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from briefing_quiz.core.deckfile.cache import DeckCache, content_digest

if TYPE_CHECKING:
    from briefing_quiz.core.model import Deck

__all__ = ["DigestsKept"]


class DigestsKept(DeckCache):
    """A `DeckCache` whose `digests` maps each file's real path to `content_digest` of the bytes
    the loader got it for (one more SHA-256 of them: ~2 ms for a 4 MB deck)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.digests: dict[str, str] = {}

    def get(self, deck_path: Path, data: bytes) -> Deck | None:
        self.digests[os.path.realpath(deck_path)] = content_digest(data)
        return super().get(deck_path, data)
