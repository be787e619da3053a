"""``--plan`` and chunk sizing: count the runs, time a pilot and estimate the wall time."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np

from instap.errors import InstapError
from instap.sweep.design import MAX_RUNS, Design, count_points, grid_size
from instap.sweep.experiment import Experiment, suggest
from instap.sweep.targets import Target

TARGET_CHUNK_SECONDS = 1.0
CHUNKS_PER_WORKER = 8  # enough chunks that the last ones leave little idle time
# at most this many chunk files: each is written, then read back by the check after the
# runs (10-35 ms a file), which for 2,820 one-run chunks of a slow design took 99 s
MAX_CHUNKS = 512
CHUNK_SECONDS = 0.03  # writing and checking one chunk file, for the estimate
STARTUP_SECONDS = {"local": 0.5, "dask": 5.0}
# --plan's pilot: runs spread over the design, timed one after another in this process
PLAN_PILOT_RUNS = 20
PLAN_PILOT_SECONDS = 10.0
# a sweep's own work besides the runs: the real sweep's one-run pilot, writing the chunks,
# the analysis, plots and report (measured: 2-4 s for a Morris design of 135 factors)
REPORT_SECONDS = 3.0
# what a run costs on each of several local workers against one run alone on the machine
# (benchmarks: parallel_efficiency, 0.9 or better on 2 cores)
PARALLEL_EFFICIENCY = 0.9


@dataclass
class Pilot:
    """What a few timed runs tell: seconds per run and the outputs produced."""

    seconds_per_run: float
    outputs: tuple[str, ...]
    runs: int


def pilot(exp: Experiment, design: Design, max_runs: int = 5,
          budget_s: float = 2.0) -> Pilot:
    """Time up to ``max_runs`` runs spread over the design (the first one also warms up).

    Checks that the requested outputs exist; when none were named, takes every numeric
    output of the first successful run.
    """
    target = Target(replace(exp.spec, outputs=()))
    ids = np.unique(np.linspace(0, design.n_runs - 1, min(max_runs, design.n_runs)).astype(int))
    found: dict[str, float] | None = None
    times: list[float] = []
    for k, rid in enumerate(ids):
        _, _, _, seed, values = design.runs(int(rid), int(rid) + 1)[0]
        t0 = time.perf_counter()
        try:
            result = target.run(values, seed)
        except Exception:
            result = None
        times.append(time.perf_counter() - t0)
        if found is None and result is not None:
            found = result
        if k >= 1 and sum(times) > budget_s:
            break
    per_run = float(np.mean(times[1:] if len(times) > 1 else times))
    outputs = exp.spec.outputs
    if found is not None:
        missing = [o for o in outputs if o not in found]
        if missing and target.kind != "function":
            missing = [o for o in missing if not _attr_output(target, o, exp)]
        if missing:
            raise InstapError(f"{exp.path}: outputs: {missing[0]!r} is not an output of "
                              f"{exp.spec.model}{suggest(missing[0], list(found))}; "
                              f"available: {', '.join(sorted(found))}")
        if not outputs:
            outputs = tuple(k for k, v in found.items() if isinstance(v, float))
    elif not outputs:
        raise InstapError(f"{exp.path}: every pilot run failed, so the outputs are unknown; "
                          "name them under 'outputs'")
    return Pilot(per_run, outputs, len(times))


def _attr_output(target: Target, name: str, exp: Experiment) -> bool:
    """Whether a Mesa model exposes ``name`` as an attribute after construction."""
    try:
        model = target._build_mesa(dict(exp.spec.base), 0) if target.kind == "mesa" else None
    except Exception:
        return False
    return model is not None and hasattr(model, name)


def chunk_size(n_runs: int, seconds_per_run: float, workers: int) -> int:
    """Runs per chunk: about a second of work, but at least a few chunks per worker and
    at most ``MAX_CHUNKS`` chunks."""
    by_time = math.ceil(TARGET_CHUNK_SECONDS / max(seconds_per_run, 1e-6))
    by_balance = -(-n_runs // (max(workers, 1) * CHUNKS_PER_WORKER))  # exact for any size
    by_count = -(-n_runs // MAX_CHUNKS)
    return max(1, by_count, min(by_time, by_balance))


def plan_text(exp: Experiment, design: Design, pilot_result: Pilot, workers: int,
              executor: str) -> str:
    """The lines ``instap sweep --plan`` prints."""
    f = exp.file
    d, n, reps = len(exp.factors), f.design.n, f.replications
    points = count_points(exp.method, exp.factors, n, f.design.second_order)
    if exp.method == "sobol":
        formula = f"N(2D+2) = {n}*(2*{d}+2)" if f.design.second_order else \
            f"N(D+2) = {n}*({d}+2)"
    elif exp.method == "morris":
        formula = f"(D+1)*trajectories = ({d}+1)*{n}"
    elif exp.method == "lhs":
        formula = f"n = {n}"
    elif exp.method == "factorial":
        formula = "product of levels = " + "*".join(str(grid_size(fa, n)) for fa in exp.factors)
    else:
        formula = f"1 baseline + points per factor = 1 + {points - 1}"
    policies = len(exp.policies)
    runs = points * reps * max(1, policies)
    size = chunk_size(runs, pilot_result.seconds_per_run, workers)
    wall, basis = estimate(runs, math.ceil(runs / size), pilot_result, workers, executor)
    lines = [
        f"experiment: {exp.name} ({exp.path})",
        f"model: {exp.spec.model}; design: {exp.method}, {d} factors",
        f"design points: {points} ({formula})",
        f"replications: {reps}",
        *([f"policies (levers): {policies}, each in every future"] if policies else []),
        f"runs: {runs}",
        f"outputs: {', '.join(pilot_result.outputs)}",
        f"pilot: {pilot_result.runs} runs spread over the design (the first one warms up), "
        f"{pilot_result.seconds_per_run * 1000:.1f} ms per run",
        f"chunks: {math.ceil(runs / size)} of {size} runs; workers: {workers} ({executor})",
        f"estimated wall time: {_duration(wall)}",
        f"  basis: {basis}",
    ]
    if runs > MAX_RUNS:
        lines.append(f"too large: {runs:,} runs is above the limit of {MAX_RUNS:,} runs per "
                     "sweep, so `instap sweep` refuses it (the pilot timed a stand-in "
                     "sample); lower design.n or replications")
    return "\n".join(lines)


def estimate(runs: int, chunks: int, pilot_result: Pilot, workers: int, executor: str
             ) -> tuple[float, str]:
    """Wall seconds the sweep should take, and the basis in words: the pilot's mean
    seconds per run (spread over the design; its first, warm-up run not counted) times
    the runs, over the workers at ``PARALLEL_EFFICIENCY`` when there are several, plus
    start-up, writing and checking the chunk files, and the report."""
    efficiency = PARALLEL_EFFICIENCY if workers > 1 else 1.0
    fixed = STARTUP_SECONDS[executor] + REPORT_SECONDS + chunks * CHUNK_SECONDS
    wall = fixed + runs * pilot_result.seconds_per_run / (max(workers, 1) * efficiency)
    basis = (f"{runs:,} runs x {pilot_result.seconds_per_run * 1000:.0f} ms (the pilot's "
             f"mean on one core) / ({workers} worker{'s' if workers > 1 else ''}"
             + (f" x {efficiency:.0%} parallel efficiency" if workers > 1 else "")
             + f") + {fixed:.0f} s start-up, chunk files and report")
    return wall, basis


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"
