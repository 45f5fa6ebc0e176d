"""Keep each deck's stored memory states computed with the FSRS parameters in use.

Called on opening the progress file for writing (the app's store thread, `study`) and by
`optimize --apply` right after it wrote the config: a deck whose parameters in use (config
`[scheduler]` / `[decks.ID]` `parameters`) differ from those its states were computed with has
them recomputed from its review log (`core.progress.replay`; due dates kept). When nothing
changed this is one query and a comparison per deck.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing_quiz.config import Config
    from briefing_quiz.core.progress.store import Store

__all__ = ["follow_parameters"]


def follow_parameters(store: Store, config: Config, deck_ids: Iterable[str], *,
                      now: datetime) -> list[str]:
    """Recompute the memory states of each deck of `deck_ids` (and each deck recomputed before)
    whose parameters in use are not those its states were computed with; the decks recomputed,
    in id order. Raises StoreError when the file cannot be written (nothing of that deck is
    kept; it is tried again at the next opening)."""
    from briefing_quiz.core.progress.replay import default_fingerprint, fingerprint

    stored = store.memory_fingerprints()
    done: list[str] = []
    for deck_id in sorted({*deck_ids, *stored}):
        settings = config.for_deck(deck_id)
        wanted = (default_fingerprint() if settings.parameters is None
                  else fingerprint(settings.parameters))
        if stored.get(deck_id, default_fingerprint()) == wanted:
            continue
        from briefing_quiz.core.scheduler import Scheduler

        # Fuzz only moves due dates, which the recompute keeps: off, it costs less.
        store.recompute_memory(deck_id, Scheduler(replace(settings, enable_fuzzing=False)),
                               at=now)
        done.append(deck_id)
    return done
