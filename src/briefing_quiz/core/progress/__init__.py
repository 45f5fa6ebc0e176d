"""The progress file: one SQLite database, an append-only review log and the state derived from it.

`schema.py` (the SQL, its version, migrations and the checks made on opening), `derive.py` (log
rows -> item state, the one place that decides what a review does to an item), `store.py` (`Store`:
open, write a review or an event, rebuild, targets and mock tests; every write one transaction
committed before it returns), `queries.py` (read-only SQL: item states, history, counts,
statistics), `today.py` (today's items for the queue), `due_pages.py` (the lazy queue's SQL),
`lean_write.py` (an answer's item row written by an UPDATE: fewer pages) and `soundness.py` (the
opening's `quick_check` in a thread, waited for by every write). Importers use
`store.py`, which names every public type.
"""
