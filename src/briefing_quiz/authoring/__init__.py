"""Writing decks: the `new` skeleton, importers, exporters and the `check --watch` loop.

Nothing here imports textual or rich: every function is usable from the CLI and from tests alike.
"""
