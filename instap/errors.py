"""The one error type the command line turns into a clear message and exit status 2."""


class InstapError(Exception):
    """Bad input: a file, field, value or option. The message says what and what is allowed."""
