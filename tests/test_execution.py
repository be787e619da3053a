"""The one execution path: replications, the sweep's model runs and the process pool."""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from instap.execution import (
    DEFAULT_SEED,
    WorkerPool,
    replication_seeds,
    run_one,
    run_replications,
    run_seed,
)
from instap.sweep.targets import RunSpec
from instap.sweep.worker import run_chunk

SMALL = {"n_participants": 300, "months": 24}


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


def test_replications_are_the_same_on_one_and_two_processes() -> None:
    seeds = replication_seeds(DEFAULT_SEED, 3)
    one = run_replications(SMALL, seeds, jobs=1, progress=False)
    two = run_replications(SMALL, seeds, jobs=2, progress=False)
    assert [r.seed for r in one] == [r.seed for r in two] == seeds
    for a, b in zip(one, two, strict=True):
        assert a.timeseries.keys() == b.timeseries.keys()
        for key in a.timeseries:
            assert np.array_equal(a.timeseries[key], b.timeseries[key], equal_nan=True), key
        assert {k: _bits(v) for k, v in a.metrics.items()} == {
            k: _bits(v) for k, v in b.metrics.items()}


def test_a_sweep_run_is_run_one_with_the_same_parameters_and_seed() -> None:
    values = {"pilot_length_months": 36, "renewal_rule": "evidence"}
    seed = run_seed(11, 5)
    ref = run_one({**SMALL, **values}, seed)
    spec = RunSpec(base=dict(SMALL), outputs=tuple(ref.metrics))
    chunk = run_chunk(0, [(5, 2, 1, seed, values)], list(values), spec)
    assert chunk.failed == 0 and chunk.columns["seed"] == [seed]
    assert any(not math.isnan(v) for v in ref.metrics.values())
    for name, expected in ref.metrics.items():
        assert _bits(chunk.columns[name][0]) == _bits(expected), name


def _wait_for(index: int, flag: str) -> tuple[int, int, bool]:
    """Task 0 finishes only once ``flag`` exists; the others at once."""
    deadline = time.monotonic() + 60
    while index == 0 and not os.path.exists(flag) and time.monotonic() < deadline:
        time.sleep(0.01)
    return index, os.getpid(), signal.getsignal(signal.SIGINT) == signal.SIG_IGN


def test_pool_yields_every_task_once_in_completion_order(tmp_path: Path) -> None:
    flag = tmp_path / "go"
    n = 5
    seen = []
    with WorkerPool(2) as pool:
        for index, result in pool.imap_unordered(_wait_for, ((i, str(flag)) for i in range(n))):
            seen.append(index)
            assert result[0] == index
            assert result[2], "workers ignore SIGINT"
            if len(seen) == n - 1:  # task 0 can only finish after the others were yielded
                flag.touch()
    assert sorted(seen) == list(range(n)) and seen[-1] == 0
    assert WorkerPool(1).map(_wait_for, [(1, ""), (2, "")]) == [
        (1, os.getpid(), False), (2, os.getpid(), False)]


def _sleep_or_fail(seconds: float, fail: bool) -> float:
    if fail:
        raise ValueError("task failed")
    time.sleep(seconds)
    return seconds


def test_a_task_error_propagates_after_the_workers_are_gone() -> None:
    pool = WorkerPool(2)
    t0 = time.monotonic()
    with pytest.raises(ValueError, match="task failed"), pool:
        for _ in pool.imap_unordered(_sleep_or_fail, [(60.0, False), (0.0, True)]):
            pass
    assert time.monotonic() - t0 < 30, "the sleeping worker was terminated, not waited for"
    assert multiprocessing.active_children() == []


UNGUARDED_SCRIPT = """
import instap
small = dict(reps=3, months=12, set={"n_participants": 100}, seed=5)
two = instap.run(%r, jobs=2, **small)
one = instap.run(%r, jobs=1, **small)
print("same" if two.metrics.equals(one.metrics) else "different")
"""


def test_a_plain_script_without_a_main_guard_can_use_worker_processes(tmp_path: Path) -> None:
    """Workers never import the user's script again (it would rerun an unguarded script
    and break the pool: BrokenProcessPool); results equal those of one process."""
    baseline = str(Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml")
    script = tmp_path / "notebook_like.py"
    script.write_text(UNGUARDED_SCRIPT % (baseline, baseline), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "same"


def _freeze_count() -> int:
    import gc
    return gc.get_freeze_count()


def test_a_one_job_pool_freezes_the_callers_heap_only_while_it_runs() -> None:
    """A notebook that runs a one-job sweep collects its own garbage again afterwards."""
    import gc

    from instap.sweep.executors import LocalExecutor
    start = gc.get_freeze_count()  # the interpreter starts with some objects frozen
    with WorkerPool(1, freeze_in_process=True) as pool:
        assert pool.map(_freeze_count, [()]) == [gc.get_freeze_count()]
        assert gc.get_freeze_count() > 10_000  # the imports: numpy, Mesa, the model
    assert gc.get_freeze_count() == 0
    spec = RunSpec(base=dict(SMALL), outputs=("durability.survival_months",))
    chunks = LocalExecutor(spec, [], jobs=1).map([(0, [(0, 0, 0, 1, {})])])
    assert next(chunks).failed == 0 and gc.get_freeze_count() > 10_000
    chunks.close()  # the caller stops early: the pool's with block is left
    assert gc.get_freeze_count() == 0 <= start
    with WorkerPool(1) as pool:  # run and compare leave this process alone
        assert gc.get_freeze_count() == 0


def test_a_one_job_pool_leaves_someone_elses_freeze_alone() -> None:
    import gc
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with WorkerPool(1, freeze_in_process=True):
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def _model_loaded() -> bool:
    return "sim.model" in sys.modules and "mesa" in sys.modules


def test_workers_start_with_the_model_already_imported() -> None:
    """The fork server imports the model once for all workers (a worker that imported it
    itself would pay about a second of CPU per command, and not freeze it)."""
    with WorkerPool(2) as pool:
        assert pool.map(_model_loaded, [(), ()]) == [True, True]
