"""The one error type the command line turns into a clear message and exit status 2, and
the one did-you-mean helper every message uses."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class InstapError(Exception):
    """Bad input: a file, field, value or option. The message says what and what is allowed."""


class Interrupted(Exception):
    """Ctrl-C or SIGTERM during a command that kept something worth saying (the message:
    what was kept and how to finish); the command line prints it and exits with 130."""


def suggest(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
