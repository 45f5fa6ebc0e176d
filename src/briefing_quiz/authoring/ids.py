"""Slugs and stable generated ids.

A generated card id is a readable slug of the question plus a short hash. The hash is of a stable
key (Anki's note GUID when the file has one, else the card's type and question), so importing the
same file again gives the same ids and the progress already made on those cards is kept.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from briefing_quiz.core.deckfile.rules import SLUG  # what deck and card ids look like

__all__ = ["SLUG", "card_id", "is_slug", "short_hash", "slugify"]

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = str.maketrans("", "", "'\u2019\u02bc")
_SLUG_WORDS = 32  # characters of the question kept in a generated id


def is_slug(text: str) -> bool:
    return SLUG.fullmatch(text) is not None


def slugify(text: str, max_len: int = 64) -> str:
    """Lower-case ASCII words joined by '-' ("Élan vital!" -> "elan-vital"); may be empty."""
    # Punctuation and symbols (dashes, quotes, ...) separate words, except apostrophes ("NATO's" ->
    # "natos"); accents are dropped from letters.
    text = text.translate(_APOSTROPHES)
    spaced = "".join(" " if unicodedata.category(ch)[0] in "PSZ" else ch for ch in text)
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_len:
        cut = slug[:max_len]
        # Cut at a word boundary when one is near, so ids do not end in half a word.
        boundary = cut.rfind("-")
        slug = cut[:boundary] if boundary >= max_len // 2 else cut
    return slug.strip("-")


def short_hash(text: str, length: int = 6) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()[:length]


def card_id(text: str, key: str) -> str:
    """A card id such as `capital-of-france-3f2a1c`: slug of `text` plus a hash of `key`."""
    words = slugify(text, _SLUG_WORDS) or "card"
    return f"{words}-{short_hash(key)}"
