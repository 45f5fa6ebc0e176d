"""Studying: what is due and in which order, answering, statistics, and briefing mode.

`queue.py` (the queue and its counts), `fast_queue.py` (the same, counted from the due keys and
read in pages as cards are shown), `session.py` (`StudySession`: answer, undo, suspend, bury),
`statistics.py` (a deck's progress now and over time), `readiness.py` (recall at a target time),
`briefing_rule.py` (what to study now to raise it), `briefing_session.py` (a session that follows
that rule), `mock_test.py`, `sheet.py` (the cheat sheet) and `formatting.py` (times and
percentages as people read them).
"""
