"""The application layer: what the command line, the plain mode and the app share (one clock,
loading study inputs, the start-up sequence, the garbage-collector policy)."""
