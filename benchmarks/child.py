"""Workloads run in a fresh child process, each printing one JSON line on stdout.

``python -m benchmarks.child bare N STEPS`` and ``model N MONTHS SEED`` time the bare
Mesa model and :class:`sim.InstapModel` (construction plus the run) and report the
process's peak resident memory. ``batch RUNS N MONTHS SEED OUT`` runs ``mesa.batch_run``
with the per-run seeds ``instap sweep`` would use and writes the final ``regular_work``
of each seed to ``OUT`` (to prove both runners did the same runs). ``cli -- ARGS`` runs
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


def sweep_seeds(seed: int, runs: int) -> list[int]:
    """The seeds ``instap sweep`` gives runs ``0..runs-1`` of an experiment."""
    from instap.execution import run_seed
    return [run_seed(seed, r) for r in range(runs)]


def batch(runs: int, n: int, months: int, seed: int, out: str) -> None:
    """``mesa.batch_run`` with 2 processes on the sweep's parameters and seeds."""
    import warnings

    import mesa

    from sim import InstapModel
    params = {"n_participants": n, "months": months, "admin_burden": 0.5}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = mesa.batch_run(InstapModel, params, number_processes=2,
                              rng=sweep_seeds(seed, runs), max_steps=months,
                              data_collection_period=-1, display_progress=False)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({str(r["rng"]): r["regular_work"] for r in rows}, fh)
    _emit(rows=len(rows))


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
    elif cmd == "batch":
        batch(int(rest[0]), int(rest[1]), int(rest[2]), int(rest[3]), rest[4])
    elif cmd == "render":
        render(int(rest[0]), int(rest[1]))
    elif cmd == "cli":
        cli(rest[1:] if rest[:1] == ["--"] else rest)
    else:
        raise SystemExit(f"unknown workload {cmd!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
