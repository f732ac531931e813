"""Errors and exit codes shared by the command-line entry point and its command modules."""

EXIT_USAGE = 2
EXIT_BLOCKED = 3


class CliError(Exception):
    """A problem to report in one line with exit code 2."""
