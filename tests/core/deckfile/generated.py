"""Generated decks for the loader's tests: benchmarks/bench_deck_load.py's generator, which makes
valid decks of every card type (loaded once per test process)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[3]


def bench_module() -> ModuleType:
    """benchmarks/bench_deck_load.py as a module."""
    module = sys.modules.get("bench_deck_load")
    if module is None:
        spec = importlib.util.spec_from_file_location(
            "bench_deck_load", ROOT / "benchmarks" / "bench_deck_load.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look their module up while being built
        spec.loader.exec_module(module)
    return module


def generate_deck(cards: int, seed: int) -> str:
    """A valid deck of `cards` cards of every type, the same for the same seed."""
    text: str = bench_module().generate_deck(cards, seed)
    return text
