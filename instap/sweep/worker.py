"""Worker side: run one chunk of runs and return its rows as plain columns.

A process-pool worker imports and resolves the model once in :func:`init_worker`; a Dask
worker does the same lazily on its first chunk (cached per process). A run that raises is
kept as a row with NaN outputs and its traceback in ``error``; the chunk goes on.
"""

from __future__ import annotations

import json
import math
import time
import traceback
from dataclasses import asdict, dataclass
from typing import Any

from instap.sweep.targets import RunSpec, Target

Run = tuple[int, int, int, int, dict[str, Any]]  # run_id, point, replication, seed, values
#: Column prefix of a stored monthly series (``ts.coalition_total``: one list per run).
SERIES_PREFIX = "ts."


@dataclass
class ChunkResult:
    """What a worker sends back: the chunk's rows as columns, and how long they took."""

    index: int
    columns: dict[str, list[Any]]
    elapsed: float
    failed: int


_TARGETS: dict[str, Target] = {}
_DEFAULT: Target | None = None


def _key(spec: RunSpec) -> str:
    return json.dumps(asdict(spec), sort_keys=True, default=str)


def target_for(spec: RunSpec | None) -> Target:
    """The resolved model of ``spec`` (imported once per process)."""
    if spec is None:
        if _DEFAULT is None:
            raise RuntimeError("worker not initialised")
        return _DEFAULT
    key = _key(spec)
    if key not in _TARGETS:
        _TARGETS[key] = Target(spec)
    return _TARGETS[key]


def init_worker(spec: RunSpec) -> None:
    """Process-pool initializer: import the model once for all chunks of this worker.

    With one job this runs in the command's own process, before its chunks. The pool then
    moves the objects alive (the imports: numpy, pandas, Mesa, the model, about 100,000
    objects that never become garbage) out of the garbage collector's reach, whose full
    passes scanned them over and over (4-6% of a run's time; see
    :class:`instap.execution.WorkerPool`)."""
    global _DEFAULT
    _DEFAULT = target_for(spec)


def run_chunk(index: int, runs: list[Run], factor_names: list[str],
              spec: RunSpec | None = None) -> ChunkResult:
    """Run a chunk; return its rows (``run_id, point, replication, seed``, factors,
    outputs, ``error``)."""
    target = target_for(spec)
    outputs = list(target.spec.outputs)
    series_names = list(target.spec.timeseries)
    cols: dict[str, list[Any]] = {k: [] for k in ("run_id", "point", "replication", "seed",
                                                  *factor_names, *outputs,
                                                  *(SERIES_PREFIX + s for s in series_names),
                                                  "error")}
    failed = 0
    t0 = time.perf_counter()
    for run_id, point, rep, seed, values in runs:
        series: dict[str, list[float]] = {}
        try:
            result, series = target.run_with_series(values, seed)
            error = None
        except Exception:  # a failing run is data, not a crash of the sweep
            result, error = {}, traceback.format_exc()
            failed += 1
        cols["run_id"].append(run_id)
        cols["point"].append(point)
        cols["replication"].append(rep)
        cols["seed"].append(seed)
        for name in factor_names:
            cols[name].append(values[name])
        for name in outputs:
            cols[name].append(float(result.get(name, math.nan)))
        for name in series_names:
            cols[SERIES_PREFIX + name].append(series.get(name))
        cols["error"].append(error)
    return ChunkResult(index, cols, time.perf_counter() - t0, failed)
