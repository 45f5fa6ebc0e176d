"""Helpers only the authoring tests need: the import inputs under tests/data/import, a writer for
import input files, and the deck an import result holds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from briefing_quiz.authoring.importers import ImportResult
from briefing_quiz.core.deckfile import loads_deck
from briefing_quiz.core.model import Deck

#: Real-shaped import inputs: an Anki plain-text export, a clean CSV and a CSV of bad rows.
IMPORT_DATA = Path(__file__).resolve().parents[1] / "data" / "import"

InputWriter = Callable[[str, str], Path]


@pytest.fixture
def write_input(tmp_path: Path) -> InputWriter:
    """`write_input(name, text)`: an import input file in `tmp_path`, its path returned. The text
    is written as UTF-8 bytes, unchanged: the importers' tests depend on its exact line ends
    (`write_deck` is for deck files)."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        return path

    return write


def load_imported(result: ImportResult) -> Deck:
    """The deck the import would write, loaded by the deck loader from its very text."""
    assert result.text is not None
    return loads_deck(result.text.encode("utf-8"))
