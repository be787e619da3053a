"""Replications of the model: seeds, one run, and many runs over a process pool.

Each replication is fully determined by its seed, and results come back in seed order,
so the output does not depend on the number of processes.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import sys
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import numpy as np
from tqdm import tqdm


@dataclass
class ReplicationResult:
    """One replication: its seed, monthly columns and end-of-run metrics."""

    seed: int
    timeseries: dict[str, np.ndarray]
    metrics: dict[str, float]


def replication_seeds(master_seed: int, reps: int) -> list[int]:
    """``reps`` independent seeds derived from ``master_seed`` (numpy SeedSequence.spawn)."""
    children = np.random.SeedSequence(master_seed).spawn(reps)
    return [int(child.generate_state(1)[0]) for child in children]


def run_one(params: dict[str, Any], seed: int) -> ReplicationResult:
    """Build the model with ``params`` and ``seed``, run it to the horizon."""
    from sim import InstapModel

    model = InstapModel(rng=seed, **params)
    model.run()
    metrics = {k: float(v) if v is not None else math.nan
               for k, v in model.end_metrics().items()}
    return ReplicationResult(seed=seed, timeseries=model.timeseries(), metrics=metrics)


def default_jobs(n_tasks: int) -> int:
    """All cores this process may use, but not more than there are tasks."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, n_tasks))


def run_replications(params: dict[str, Any], seeds: list[int], jobs: int | None = None,
                     progress: bool = True) -> list[ReplicationResult]:
    """Run one replication per seed; ``jobs`` processes (1: in this process).

    Results are in the order of ``seeds`` whatever ``jobs`` is. Workers are started with
    the "spawn" method, so nothing but ``params`` and the seed reaches them.
    """
    jobs = default_jobs(len(seeds)) if jobs is None else max(1, min(jobs, len(seeds)))
    bar = tqdm(total=len(seeds), desc="replications", unit="run", file=sys.stderr,
               disable=not progress, leave=False)
    try:
        if jobs == 1:
            results = []
            for seed in seeds:
                results.append(run_one(params, seed))
                bar.update()
            return results
        return _pool(params, seeds, jobs, bar)
    finally:
        bar.close()


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which cancels the pool and cleans up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool(params: dict[str, Any], seeds: list[int], jobs: int, bar: tqdm
          ) -> list[ReplicationResult]:
    out: list[ReplicationResult | None] = [None] * len(seeds)
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_ignore_sigint)
    try:
        pending: dict[Future[ReplicationResult], int] = {
            pool.submit(run_one, params, seed): i for i, seed in enumerate(seeds)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                out[pending.pop(future)] = future.result()
                bar.update()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [r for r in out if r is not None]
