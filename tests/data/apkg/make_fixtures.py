"""Make the Anki packages the import tests read, with the real `anki` library.

    pip install -r benchmarks/requirements.txt   # anki
    python tests/data/apkg/make_fixtures.py

Writes, next to this script:
- `basic.apkg`: the new format (`collection.anki21b`, zstd), with review history and a media file:
  one Basic, one "Basic (type in the answer)", one Cloze (two deletions), one "Basic (and reversed
  card)" note (an "other" note type), HTML in fields, tags;
- `legacy.apkg`: the same notes in the older format (`collection.anki21`, plus the dummy
  `collection.anki2`), with review history;
- `collection.colpkg`: the whole collection, new format.
Time is fixed where anki lets it be, but anki stamps ids from the clock: the files differ byte for
byte from one run to the next, their content does not.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from anki.collection import Collection, ExportAnkiPackageOptions
from anki.decks import DeckId
from anki.import_export_pb2 import ExportLimit  # type: ignore[import-not-found]

HERE = Path(__file__).resolve().parent


def build(folder: Path) -> Collection:
    col = Collection(str(folder / "collection.anki2"))
    deck_id = col.decks.id("Crisis briefing")
    assert deck_id is not None
    models = col.models

    def add(model_name: str, fields: list[str], tags: list[str]) -> None:
        model = models.by_name(model_name)
        assert model is not None, model_name
        note = col.new_note(model)
        for index, value in enumerate(fields):
            note.fields[index] = value
        note.tags = tags
        col.add_note(note, DeckId(deck_id))

    add("Basic", ["What is the capital of <b>Ukraine</b>?", "Kyiv"], ["places", "europe"])
    add("Basic (type in the answer)", ["How many troops were massed near Ukraine?",
                                       "130,000"], ["numbers"])
    add("Cloze", ["{{c1::Poland}} received {{c2::3000}} U.S. soldiers.<br>Extra&nbsp;text",
                  "From the memo"], ["numbers", "places"])
    add("Basic (and reversed card)", ["NATO", "North Atlantic Treaty Organization"], [])
    add("Basic", ['Map of the border <img src="border-map.png">', "See the map"], ["maps"])
    (folder / "collection.media").mkdir(exist_ok=True)
    (folder / "collection.media" / "border-map.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")

    # Review history: answer the first two cards of the queue a few times each (Good).
    from anki.scheduler.v3 import CardAnswer

    col.decks.select(DeckId(deck_id))
    for _round in range(3):
        queued = col.sched.get_queued_cards(fetch_limit=2)
        for item in queued.cards:
            card = col.get_card(item.card.id)
            card.start_timer()
            answer = col.sched.build_answer(card=card, states=item.states,
                                            rating=CardAnswer.GOOD)
            col.sched.answer_card(answer)
    return col


def export(col: Collection, path: Path, *, legacy: bool) -> None:
    options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False,
                                       with_media=True, legacy=legacy)
    col.export_anki_package(out_path=str(path), options=options, limit=ExportLimit())


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        col = build(folder)
        export(col, folder / "basic.apkg", legacy=False)
        export(col, folder / "legacy.apkg", legacy=True)
        col.export_collection_package(str(folder / "collection.colpkg"), include_media=True,
                                      legacy=False)
        col.close()
        for name in ("basic.apkg", "legacy.apkg", "collection.colpkg"):
            shutil.copy(folder / name, HERE / name)
            print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
