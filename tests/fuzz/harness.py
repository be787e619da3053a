"""Calling ``instap`` the way a careless or hostile user would, and judging the answer.

The promise every fuzz test checks (issue 12): exit status 0 or 2 (1 only where a model
run is recorded as failed), no Python traceback, an answer within
:data:`ANSWER_SECONDS`, and, when the input is refused (exit 2), exactly one line on
stderr starting with ``error:`` (a file with several problems may list them, one line
each, every line naming the file) and nothing written anywhere under the working folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

#: Seconds within which every answer must come, refusal or not, in a child process that
#: also imports instap (about 1.5 s of the budget on the CI machine). Generous because the
#: suite may share two cores with other tests; a hang is caught all the same.
ANSWER_SECONDS = float(os.environ.get("INSTAP_FUZZ_SECONDS", "15"))
#: How many generated examples each property test tries: small in ``make test`` (a
#: bounded budget), large in ``make fuzz``.
EXAMPLES = int(os.environ.get("INSTAP_FUZZ_EXAMPLES", "15"))


@dataclass(frozen=True)
class Outcome:
    """What one command did."""

    argv: tuple[str, ...]
    code: int | None  # None: killed after ANSWER_SECONDS
    stdout: str
    stderr: str
    seconds: float
    written: tuple[str, ...]  # paths under the working folder created or changed

    def describe(self) -> str:
        """The command and its answer, for a failure message."""
        shown = " ".join(a if len(a) < 80 else a[:77] + "..." for a in self.argv)
        return (f"instap {shown}\n  exit {self.code} after {self.seconds:.1f} s\n"
                f"  stderr: {self.stderr[-2000:]!r}\n  written: {list(self.written)[:10]}")


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``folder`` with its size and modification time (files) or
    ``(0, 0)`` (folders: only their existence counts)."""
    out: dict[str, tuple[int, int]] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            try:
                st = path.lstat()
            except OSError:
                continue
            is_dir = name in dirs
            out[str(path.relative_to(folder))] = (0, 0) if is_dir else (st.st_size,
                                                                        st.st_mtime_ns)
    return out


def instap(argv: list[str], cwd: Path, watch: Path | None = None,
           timeout: float | None = None) -> Outcome:
    """Run ``instap ARGV`` in a child process in ``cwd``; never wait past the budget.
    ``written`` lists what changed under ``watch`` (default ``cwd``)."""
    watch = watch or cwd
    before = snapshot(watch)
    cmd = [sys.executable, "-c", "from instap.cli import main; main()", *argv]
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "COLUMNS": "200"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True, errors="replace", env=env,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout or ANSWER_SECONDS)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, err = proc.communicate()
        code = None
    seconds = time.perf_counter() - t0
    after = snapshot(watch)
    written = tuple(sorted(p for p, v in after.items() if before.get(p) != v))
    return Outcome(tuple(argv), code, out, err, seconds, written)


def problems(outcome: Outcome, allowed: frozenset[int] = frozenset({0, 2})) -> list[str]:
    """What is wrong with an answer under the promise (empty: nothing)."""
    found = []
    if outcome.code is None:
        found.append(f"no answer within {ANSWER_SECONDS:.0f} s (hang)")
    elif outcome.code not in allowed:
        found.append(f"exit status {outcome.code}, allowed {sorted(allowed)}")
    if "Traceback" in outcome.stderr or "Traceback" in outcome.stdout:
        found.append("a Python traceback was printed")
    if outcome.code == 2:
        lines = [line for line in outcome.stderr.splitlines() if line.strip()]
        if not lines or not lines[0].startswith("error: "):
            found.append("a refusal must start with one 'error:' line")
        elif len(lines) > 1:
            # A file with several problems may list them, one line each, every line
            # naming the file as the first does; anything else is noise (or internals).
            source = re.split(r"[,:]", lines[0][len("error: "):], maxsplit=1)[0]
            if not all(line.startswith(source) for line in lines[1:]) or len(lines) > 20:
                found.append(f"refusal is not one 'error:' line but {len(lines)} lines")
        if outcome.written:
            found.append(f"refused, yet wrote {list(outcome.written)[:5]}")
    return found


def check(outcome: Outcome, allowed: frozenset[int] = frozenset({0, 2})) -> None:
    """Fail the test, with the whole story, when the answer breaks the promise."""
    found = problems(outcome, allowed)
    assert not found, "; ".join(found) + "\n" + outcome.describe()
