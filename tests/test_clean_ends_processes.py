"""Clean ends (issue 12) with real processes: two commands on one --out, SIGTERM, and
kill -9 of a command with worker processes. Processes are found through /proc (Linux)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from instap.provenance import lock_path

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
OTHER = ROOT / "scenarios" / "debt_help_first.yaml"
#: Enough replications that the command is still running when the test acts on it.
LONG = ["--reps", "400", "--jobs", "2"]


def _stat(pid: int) -> list[str] | None:
    """State, ppid, pgrp, session, ... of ``pid`` (fields after the command name)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _session(sid: int) -> list[int]:
    """Living (not zombie) processes of session ``sid``."""
    out = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat and int(stat[3]) == sid and stat[0] not in ("Z", "X"):
                out.append(int(entry.name))
    return out


def _grandchildren(pid: int) -> list[int]:
    """Processes of ``pid``'s session whose parent is not ``pid`` (the pool's workers)."""
    return [p for p in _session(pid) if p != pid and (s := _stat(p)) and int(s[1]) != pid]


def _wait(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """An ``instap`` command in its own session (so its processes can be found)."""
    return subprocess.Popen([sys.executable, "-m", "instap.cli", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[str]]]:
    """Commands started by a test; whatever is left of their sessions is killed after."""
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        for pid in _session(proc.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.wait(timeout=10)


def _last_line(stderr: str) -> str:
    """The last line of stderr without the progress bar's carriage-return lines."""
    return stderr.replace("\r", "\n").strip().splitlines()[-1]


@pytest.mark.parametrize("command", ["run", "compare"])
def test_same_out_fails_fast_and_sigterm_leaves_nothing(
        command: str, tmp_path: Path, started: list[subprocess.Popen[str]]) -> None:
    out = tmp_path / "out"
    inputs = [str(BASELINE)] if command == "run" else [str(BASELINE), str(OTHER)]
    first = _start(command, *inputs, *LONG, "--out", str(out), cwd=tmp_path)
    started.append(first)
    _wait(lambda: len(_grandchildren(first.pid)) >= 2, 120, "the first command's workers")
    assert lock_path(out).read_text().strip() == str(first.pid)

    # a second command on the same folder: refused at once, the first one goes on
    t0 = time.monotonic()
    second = subprocess.run([sys.executable, "-m", "instap.cli", command, *inputs, "--reps",
                             "2", "--out", str(out)], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120, check=False)
    assert second.returncode == 2, second.stderr
    assert second.stderr == (f"error: --out {out}: another instap command (pid {first.pid}) "
                             f"is writing this folder; wait for it to finish or choose "
                             f"another --out\n")
    assert time.monotonic() - t0 < 60  # start-up only: no replication ran
    assert first.poll() is None

    # SIGTERM ends the first like Ctrl-C: exit 130, one line, nothing left behind
    workers = _grandchildren(first.pid)
    first.send_signal(signal.SIGTERM)
    _, stderr = first.communicate(timeout=60)
    assert first.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert _last_line(stderr) == "interrupted; nothing was written"
    assert list(tmp_path.iterdir()) == []
    _wait(lambda: not _session(first.pid), 10, "the first command's processes to end")
    assert not [p for p in workers if _stat(p) and _stat(p)[0] not in "ZX"]  # type: ignore[index]


def test_kill_9_takes_the_workers_along_and_the_next_run_cleans_up(
        tmp_path: Path, started: list[subprocess.Popen[str]]) -> None:
    out = tmp_path / "out"
    proc = _start("run", str(BASELINE), *LONG, "--out", str(out), cwd=tmp_path)
    started.append(proc)
    _wait(lambda: len(_grandchildren(proc.pid)) >= 2, 120, "the workers")
    everyone = _session(proc.pid)
    assert len(everyone) >= 5  # the command, resource tracker, fork server, 2 workers
    proc.kill()
    proc.wait(timeout=10)
    _wait(lambda: not _session(proc.pid), 10,
          f"workers, fork server and resource tracker to end (left: {_session(proc.pid)})")

    # what kill -9 leaves (its lock; here also a half-written folder as during the final
    # rename) is taken over and removed by the next command writing there
    partial = tmp_path / f".out.partial-{proc.pid}"
    partial.mkdir()
    (partial / "metrics.parquet").write_bytes(b"half")
    assert lock_path(out).read_text().strip() == str(proc.pid)
    done = subprocess.run([sys.executable, "-m", "instap.cli", "run", str(BASELINE), "--reps",
                           "1", "--months", "12", "--set", "n_participants=100", "--jobs", "1",
                           "--out", str(out)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_die_with_ends_a_process_when_the_other_one_ends(tmp_path: Path) -> None:
    watched = subprocess.Popen(["sleep", "60"])
    watcher = subprocess.Popen([sys.executable, "-c", "import time; from instap.execution "
                                f"import die_with; die_with({watched.pid}); time.sleep(60)"],
                               cwd=ROOT)
    try:
        time.sleep(1.0)
        assert watcher.poll() is None
        watched.kill()
        watched.wait()
        assert watcher.wait(timeout=10) == 1
    finally:
        watcher.kill()
        watched.kill()


SERVER_PROBE = """
import os, sys
from multiprocessing import forkserver
from instap.execution import start_server
start_server()
pid = forkserver._forkserver._forkserver_pid
ignored = int(next(line.split()[1] for line in open(f"/proc/{pid}/status")
                   if line.startswith("SigIgn:")), 16)
print(os.readlink(f"/proc/{pid}/fd/2"), bool(ignored & (1 << 1)), flush=True)
"""


@pytest.mark.parametrize("debug", [False, True], ids=["quiet", "debug"])
def test_fork_server_ignores_ctrl_c_and_keeps_quiet(debug: bool) -> None:
    """A Ctrl-C while the fork server starts or forks a worker printed multiprocessing's
    tracebacks next to the command's one line: the server now ignores SIGINT (SigIgn bit 2)
    and writes its standard error to the null device, unless INSTAP_DEBUG=1 (--debug)."""
    env = {k: v for k, v in os.environ.items() if k != "INSTAP_DEBUG"}
    if debug:
        env["INSTAP_DEBUG"] = "1"
    done = subprocess.run([sys.executable, "-c", SERVER_PROBE], capture_output=True, text=True,
                          env=env, timeout=120, check=True)
    stderr_target, sigint_ignored = done.stdout.split()
    assert sigint_ignored == "True"
    assert (stderr_target == os.devnull) is not debug, done.stdout
