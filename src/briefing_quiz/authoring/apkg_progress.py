"""`import FILE.apkg --with-progress`: an Anki package's review history into the progress file.

Each Anki review of an imported card becomes one row of our review log, written through the
store's public API (`Store.record_review`), oldest first, with the FSRS state our scheduler gives
it. So the imported cards' states are what replaying their history gives, and `rebuild` gives
them again. Anki's ease 1-4 is FSRS' Again/Hard/Good/Easy; manual reschedules and reviews of
cards we do not make (the reverse of a "reversed card" note) are left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import fsrs

from briefing_quiz.authoring.apkg import ApkgContent
from briefing_quiz.authoring.toml_writer import CardDraft
from briefing_quiz.core.errors import BriefingQuizError
from briefing_quiz.core.model import Deck, ItemKey
from briefing_quiz.core.scheduler import Scheduler, SchedulerSettings, fsrs_card_id
from briefing_quiz.core.visible import one_line

__all__ = ["HistoryImport", "import_history", "refuse_existing_progress"]


@dataclass(frozen=True, slots=True)
class HistoryImport:
    """How many reviews were written, for how many items, and how many were left out."""

    reviews: int
    items: int
    skipped: int


def refuse_existing_progress(deck_id: str, data_file: Path) -> None:
    """Raise before the deck file is written when the progress file cannot take the history:
    it cannot be opened for writing (damaged, not ours, under a file: the deck was written and
    then the history refused), or it has progress for `deck_id` already (a second import of the
    same history would count every review twice). A missing progress file is created, as the
    history would create it."""
    from briefing_quiz.core.progress.store import Store

    with Store.open(data_file) as store:
        if store.states(deck_id):
            raise BriefingQuizError(f"{one_line(str(data_file))}: already holds progress for "
                                    f"deck '{deck_id}'; nothing written (import it under "
                                    "another --deck-id, or without --with-progress)")


def import_history(content: ApkgContent, cards: Sequence[CardDraft], deck: Deck,
                   data_file: Path, settings: SchedulerSettings) -> HistoryImport:
    """Write the package's reviews of the written `cards` (drafts, by origin line) of `deck`."""
    from briefing_quiz.core.progress.store import Store

    guid_by_line = {note.line: note.key.removeprefix("anki:") for note in content.parsed.notes}
    card_of_guid = {guid_by_line[c.origin]: str(c.get("id")) for c in cards
                    if c.origin in guid_by_line}
    scheduler = Scheduler(settings)
    written = skipped = 0
    items: set[ItemKey] = set()
    refuse_existing_progress(deck.id, data_file)
    with Store.open(data_file) as store:
        for review in sorted(content.reviews, key=lambda r: r.at):
            card_id = card_of_guid.get(review.guid)
            card = deck.card(card_id) if card_id is not None else None
            item = review.ord + 1 if card is not None and card.type == "cloze" else review.ord
            if card is None or item not in card.items:
                skipped += 1
                continue
            key = ItemKey(deck.id, card.id, item)
            rating = fsrs.Rating(review.ease)
            at = review.at

            def schedule(previous: fsrs.Card | None, key: ItemKey = key,
                         rating: fsrs.Rating = rating, at: dt.datetime = at) -> fsrs.Card:
                base = previous if previous is not None else scheduler.new_card(fsrs_card_id(key))
                return scheduler.review(base, rating, at)

            store.record_review(key, rating, reviewed_at=at, duration_ms=review.duration_ms,
                                content_hash=card.content_hash(item), schedule=schedule)
            written += 1
            items.add(key)
    return HistoryImport(written, len(items), skipped)

