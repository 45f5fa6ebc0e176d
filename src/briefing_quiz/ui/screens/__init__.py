"""The app's screens. Each is given the application layer's objects it reads (the backend) and
posts messages, defined in the screen that sends them, for what the app does: they never import
the app module (tests/ui/test_boundaries.py)."""
