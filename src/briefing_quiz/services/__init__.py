"""The application layer: what the command line, the plain mode and the app share.

- `clock`: the one real clock (everything below gets the time injected);
- `gc_policy`: when the garbage collector may run (the only module that imports `gc`);
- `study_inputs`: the settings and decks a command studies or reports on;
- `backend` (the app's door to the core, on its store thread), `briefing` (its briefing,
  statistics and editing calls), `startup` (the app's start-up sequence, step by step);
- `study` (plain-mode sessions), `progress` (stats, log, rebuild, brief, sheet), `checking`
  (check): the command line's commands.

Nothing here is imported at package import: the app's launch imports only what it uses.
"""
