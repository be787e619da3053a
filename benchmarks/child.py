"""Workloads run in a fresh child process, each printing one JSON line on stdout.

``python -m benchmarks.child bare N STEPS`` and ``model N MONTHS SEED`` time the bare
Mesa model and :class:`sim.InstapModel` (construction plus the run) and report the
process's peak resident memory. ``reps N MONTHS SEED COUNT [PARAMS]`` times ``COUNT``
replications (seeds ``SEED`` on, after one untimed warm-up run) and reports the mean wall
(and CPU) time of one; ``PARAMS`` is a JSON object of parameters, and with the environment variable
``INSTAP_BENCH_SIM`` set to a folder holding another version's ``sim`` package, that
version is timed (``replication_cost_vs_v1``). ``cli -- ARGS`` runs
the ``instap`` CLI in this process and reports the coordinating process's peak memory
(``RUSAGE_SELF`` excludes the worker processes). ``render MONTHS SEED`` reports the
median time to draw a month of the workshop page's plots.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _emit(**fields: Any) -> None:
    fields["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(fields), flush=True)


def bare(n: int, steps: int) -> None:
    """Time the bare Mesa model."""
    from benchmarks.models import BareModel
    t0 = time.perf_counter()
    model = BareModel(n, rng=0)
    for _ in range(steps):
        model.step()
    _emit(wall=time.perf_counter() - t0, agents=len(model.agents))


def model(n: int, months: int, seed: int) -> None:
    """Time one Instapeconomie run (defaults = the baseline scenario)."""
    from sim import InstapModel
    t0 = time.perf_counter()
    m = InstapModel(rng=seed, n_participants=n, months=months).run()
    _emit(wall=time.perf_counter() - t0, agents=len(m.agents))


def reps(n: int, months: int, seed: int, count: int, params: dict[str, Any]) -> None:
    """Mean wall time of one replication over ``count`` seeds, after a warm-up run."""
    import os
    from pathlib import Path
    other = os.environ.get("INSTAP_BENCH_SIM")
    if other:  # another version's sim package (a commit's checkout), before this one's
        sys.path.insert(0, other)
    import sim
    from sim import InstapModel
    if other and not Path(sim.__file__).resolve().is_relative_to(Path(other).resolve()):
        raise SystemExit(f"sim was imported from {sim.__file__}, not from {other}")
    InstapModel(rng=seed + count, n_participants=n, months=months, **params).run()
    walls, cpus = [], []
    for k in range(count):
        t0, c0 = time.perf_counter(), time.process_time()
        InstapModel(rng=seed + k, n_participants=n, months=months, **params).run()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    _emit(wall=sum(walls) / count, cpu=sum(cpus) / count, walls=walls)


def render(months: int, seed: int) -> None:
    """Median seconds to draw every plot of the workshop page for one month (baseline,
    2,000 participants), over ``months`` months with a recession at month 6."""
    import statistics

    from instap.live.figures import FigureSet
    from instap.live.livemodel import LiveModel
    model = LiveModel(rng=seed)
    figures = FigureSet("en")
    seconds = []
    for month in range(months):
        model.step()
        if month == 6:
            model.intervene("recession")
        figures.render(model.snapshot())
        seconds.append(figures.last_seconds)
    _emit(wall=statistics.median(seconds), months=months)


def cli(args: list[str]) -> None:
    """Run ``instap ARGS`` in-process; report the coordinator's peak memory."""
    from instap.cli import main
    t0 = time.perf_counter()
    code: Any = 0
    try:
        main(args)
    except SystemExit as exc:
        code = exc.code
    _emit(wall=time.perf_counter() - t0, exit=code)


def main(argv: list[str]) -> None:
    """Dispatch on the first argument."""
    cmd, rest = argv[0], argv[1:]
    if cmd == "bare":
        bare(int(rest[0]), int(rest[1]))
    elif cmd == "model":
        model(int(rest[0]), int(rest[1]), int(rest[2]))
    elif cmd == "reps":
        reps(int(rest[0]), int(rest[1]), int(rest[2]), int(rest[3]),
             json.loads(rest[4]) if len(rest) > 4 else {})
    elif cmd == "render":
        render(int(rest[0]), int(rest[1]))
    elif cmd == "cli":
        cli(rest[1:] if rest[:1] == ["--"] else rest)
    else:
        raise SystemExit(f"unknown workload {cmd!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
