"""The app's start-up sequence, in one place: list, load, open the store, read settings, count.

`start_up(backend)` is an async generator that runs each step on the backend's store thread, in
this order, and yields its result before the next step begins:

1. `Listed`: the decks as the parse cache's summaries give them (only when every deck file is
   unchanged since cached; otherwise this step yields nothing), so they can be painted before
   any deck is loaded;
2. `Loaded`: the decks loaded (ending the command line's start-up pause of the collector);
3. `StoreOpened`: the progress file opened, or why it could not be;
4. `SettingsRead`: the settings (the defaults and the error when the file is invalid);
5. `Counted`: the counts per deck, or why they could not be made.

A step starts only when the consumer asks for the next result, so the UI can paint, or keep the
store thread waiting with `Backend.hold`, between two steps; leaving the loop early skips the
rest. The decks screen consumes it like this::

    async for step in start_up(backend):
        if isinstance(step, Listed): ...        # paint the listing, hold until painted
        elif isinstance(step, Loaded): ...      # paint the decks
        elif isinstance(step, StoreOpened): ... # show a store error
        elif isinstance(step, SettingsRead): ...# apply the theme, show a settings error
        elif isinstance(step, Counted): ...     # paint the counts

The step methods (`Backend.list_sync`, `load_sync`, `open_store_sync`, `load_config_sync`,
`deck_stats_sync`) stay available for a reload, which needs only some of them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing_quiz.core.errors import BriefingQuizError, ConfigError
from briefing_quiz.services.backend import Backend, Listed, Loaded

if TYPE_CHECKING:
    from briefing_quiz.config import Config
    from briefing_quiz.core.study.session import DeckStats

__all__ = ["Counted", "SettingsRead", "StartupStep", "StoreOpened", "start_up"]


@dataclass(frozen=True, slots=True)
class StoreOpened:
    """The progress file is open (`error` None), or why it could not be opened."""

    error: BriefingQuizError | None


@dataclass(frozen=True, slots=True)
class SettingsRead:
    """The settings in use; `error` when the file was invalid (the defaults are used then)."""

    config: Config
    error: ConfigError | None


@dataclass(frozen=True, slots=True)
class Counted:
    """The counts per loaded deck; `error` (and no stats) when they could not be made."""

    stats: list[DeckStats] | None
    error: BriefingQuizError | None = None


StartupStep = Listed | Loaded | StoreOpened | SettingsRead | Counted


async def start_up(backend: Backend, *, list_first: bool = True,
                   read_settings: bool = True) -> AsyncIterator[StartupStep]:
    """Run the start-up steps in order on the store thread, yielding each result (see the module
    docstring). `list_first=False` skips the listing from summaries (a reload: the decks are on
    the screen already); `read_settings=False` skips reading the settings (read once per run)."""
    if list_first:
        listed = await backend.call(backend.list_sync)
        if listed is not None:
            yield listed
    yield await backend.call(backend.load_sync)
    yield StoreOpened(await backend.call(backend.open_store_sync))
    if read_settings:
        config = await backend.call(backend.load_config_sync)
        yield SettingsRead(config, backend.config_error)
    try:
        stats = await backend.call(backend.deck_stats_sync)
    except BriefingQuizError as error:
        yield Counted(None, error)
    else:
        yield Counted(stats)
