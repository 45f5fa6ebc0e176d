"""briefing-quiz: spaced-repetition quizzes for a briefing on a given day."""

__version__ = "0.1.0"
