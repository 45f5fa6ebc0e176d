"""Where things live: the progress file, the config file and the deck folders.

Every default comes from platformdirs (XDG on Linux); flags beat environment variables beat defaults.
Resolved once in the CLI and passed down, so nothing below reads the environment itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "briefing-quiz"
DATA_ENV = "BRIEFING_QUIZ_DATA"
DECKS_ENV = "BRIEFING_QUIZ_DECKS"
CONFIG_ENV = "BRIEFING_QUIZ_CONFIG"
CACHE_ENV = "BRIEFING_QUIZ_CACHE"


def bundled_decks_dir() -> Path:
    """The decks shipped with the package (inside the wheel), or `decks/` of a source checkout."""
    # The package's folder, as importlib.resources.files would give it for an installed
    # (unzipped) package, without importing importlib.resources (~2 ms at every launch).
    packaged = Path(__file__).resolve().parent / "decks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "decks"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True, slots=True)
class Paths:
    """All locations a run uses, resolved from flags, environment and platform defaults."""

    data_file: Path
    config_file: Path
    deck_dirs: tuple[Path, ...]
    user_decks_dir: Path
    #: Where parsed decks are cached (`core.deckfile.cache`); None: no cache (e.g. Paths made in tests).
    cache_dir: Path | None = None

    @classmethod
    def resolve(
        cls,
        *,
        data: str | None = None,
        decks: Sequence[str] = (),
        config: str | None = None,
        env: Mapping[str, str] | None = None,
        include_bundled: bool = True,
    ) -> Paths:
        env = os.environ if env is None else env
        data_file = Path(data or env.get(DATA_ENV) or user_data_dir() / "progress.sqlite3")
        config_file = Path(config or env.get(CONFIG_ENV) or user_config_dir() / "config.toml")
        user_decks = user_data_dir() / "decks"
        dirs: list[Path] = []
        if include_bundled:
            dirs.append(bundled_decks_dir())
        dirs.append(user_decks)
        dirs.extend(Path(d) for d in decks)
        dirs.extend(Path(d) for d in env.get(DECKS_ENV, "").split(os.pathsep) if d)
        unique = tuple(dict.fromkeys(p.expanduser() for p in dirs))
        if include_bundled:
            unique = without_shadowed(unique, user_decks)
        cache_dir = Path(env.get(CACHE_ENV) or user_cache_dir() / "decks")
        return cls(
            data_file=data_file.expanduser(),
            config_file=config_file.expanduser(),
            deck_dirs=unique,
            user_decks_dir=user_decks,
            cache_dir=cache_dir.expanduser(),
        )


def without_shadowed(dirs: Sequence[Path], user_decks: Path) -> tuple[Path, ...]:
    """`dirs`, where the bundled decks folder is replaced by its entries the user has no copy of
    (a file of the same name in `user_decks`, made by `e` on a bundled deck: ui/editor.py), so
    the copy is the one loaded and the two never clash over their deck id. Unchanged (the folder
    itself) when nothing is copied: one listing of the bundled folder per launch."""
    bundled = bundled_decks_dir()
    if bundled not in dirs:
        return tuple(dirs)
    try:
        entries = sorted(bundled.iterdir())
    except OSError:
        return tuple(dirs)
    shadowed = {p for p in entries if p.suffix == ".toml" and (user_decks / p.name).is_file()}
    if not shadowed:
        return tuple(dirs)
    kept = [p for p in entries if p not in shadowed and not p.name.startswith(".")
            and (p.suffix == ".toml" or p.is_dir())]
    out: list[Path] = []
    for d in dirs:
        out.extend(kept if d == bundled else [d])
    return tuple(out)
