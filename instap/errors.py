"""The one error type the command line turns into a clear message and exit status 2, and
the helpers every message uses: did-you-mean, one line of text, a value as it is shown."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from typing import Any


class InstapError(Exception):
    """Bad input: a file, field, value or option. The message says what and what is allowed."""


class Interrupted(Exception):
    """Ctrl-C or SIGTERM during a command that kept something worth saying (the message:
    what was kept and how to finish); the command line prints it and exits with 130."""


def suggest(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest candidate, or an empty string."""
    if len(word) > 100:  # no name is that long; spare difflib a huge word
        return ""
    close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def one_line(text: object, limit: int = 300) -> str:
    """``text`` (or an exception's message) on one line, cut to ``limit`` characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def shown(value: Any, limit: int = 60) -> str:
    """A value as a message shows it: as written in YAML for ``true``/``false``/``null``,
    quoted text, and never more than about ``limit`` characters (a 5,000-character text or
    a 400-digit number is shortened and its length said)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        bits = abs(value).bit_length()
        if bits <= 3 * limit:  # at most about limit digits
            return repr(value)
        digits = int(bits * math.log10(2)) + 1
        return f"<a whole number of about {digits:,} digits>"
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    return one_line(repr(value), limit)
