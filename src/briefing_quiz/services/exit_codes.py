"""The exit codes of every command: 0 done, 1 problems found (or nothing could be done), 2 a
usage error (as argparse exits), so that scripts can tell them apart."""

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
