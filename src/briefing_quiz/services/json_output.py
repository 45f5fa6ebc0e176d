"""`--json` bodies of `brief` and `sheet` (clig.dev: every command that prints data can print it
for a program). One JSON object a command, on one line; times as ISO 8601 in UTC and local."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from briefing_quiz.config import Config
    from briefing_quiz.core.model import Deck
    from briefing_quiz.core.progress.store import Store
    from briefing_quiz.core.study.briefing_session import BriefingStatus

__all__ = ["brief_json", "sheet_json"]


def _times(at: datetime) -> dict[str, str]:
    return {"utc": at.isoformat(timespec="seconds"),
            "local": at.astimezone().isoformat(timespec="seconds")}


def brief_json(deck_id: str, status: BriefingStatus | None, *, typed: str | None,
               out: TextIO) -> None:
    """{"deck", "at": {utc, local} | null, "passed", "countdown", "readiness", "typed"}."""
    body: dict[str, object] = {"deck": deck_id, "at": None}
    if status is not None:
        body.update(at=_times(status.at), passed=status.passed, countdown=status.countdown(),
                    readiness=None if status.readiness is None else status.readiness.to_json())
    if typed is not None:
        body["typed"] = typed  # what was read into "at"
    print(json.dumps(body, ensure_ascii=False), file=out)


def sheet_json(deck: Deck, store: Store | None, config: Config, *, now: datetime,
               out: TextIO) -> None:
    """The sheet's facts, weakest first, at the briefing (while it is to come) or now."""
    from briefing_quiz.core.scheduler import Scheduler
    from briefing_quiz.core.study.sheet import sheet_facts

    target = None if store is None else store.briefing_target(deck.id)
    at = target if target is not None and target > now else now
    states = {} if store is None else store.states(deck.id)
    facts = sheet_facts(deck, states, at, scheduler=Scheduler(config.for_deck(deck.id)))
    print(json.dumps({
        "deck": deck.id, "title": deck.title, "at": _times(at), "briefing": at != now,
        "facts": [{"card": f.card.id, "type": f.card.type, "tags": list(f.card.tags),
                   "recall": round(f.recall, 4), "studied": f.studied} for f in facts],
    }, ensure_ascii=False), file=out)
