"""Calling ``instap.cli.main`` in this process, for generated inputs (fast: no interpreter
start), with the same judgement as a child process: see :mod:`tests.fuzz.harness`."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

from instap.cli import main
from tests.fuzz.harness import ANSWER_SECONDS, Outcome, snapshot


class Hang(BaseException):
    """Raised by the alarm when a command takes longer than the budget (a BaseException,
    so the command line's catch-all does not turn it into an ordinary error)."""


@contextlib.contextmanager
def alarm(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in this (main) thread after ``seconds``."""
    def ring(signum: int, frame: object) -> None:
        raise Hang

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def call(argv: list[str], cwd: Path) -> Outcome:
    """``instap ARGV`` in-process with ``cwd`` as working folder."""
    before = snapshot(cwd)
    out, err = io.StringIO(), io.StringIO()
    code: int | None = 0
    here = os.getcwd()
    previous_term = signal.getsignal(signal.SIGTERM)
    t0 = time.perf_counter()
    try:
        os.chdir(cwd)
        with alarm(ANSWER_SECONDS), contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err):
            main(list(argv))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except Hang:
        code = None
    finally:
        os.chdir(here)
        signal.signal(signal.SIGTERM, previous_term)
    seconds = time.perf_counter() - t0
    after = snapshot(cwd)
    written = tuple(sorted(p for p, v in after.items() if before.get(p) != v))
    return Outcome(tuple(argv), code, out.getvalue(), err.getvalue(), seconds, written)
