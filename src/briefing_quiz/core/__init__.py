"""The domain: decks, grading, scheduling, progress. Never imports textual or rich."""
