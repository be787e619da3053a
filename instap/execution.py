"""How the model is executed: seeds, one replication, and the one process pool.

Every command that runs the model goes through this module (``instap run``, ``instap
compare``, ``instap sweep`` with its local executor, ``experiments/calibrate.py``), in the
spirit of EMA Workbench's evaluators: the model is built and run in one place, and how
runs are spread over processes is a separate, swappable piece (:class:`WorkerPool` here;
the sweep's ``DaskExecutor`` is the other one, behind the same ``map(chunks)`` interface).
Importing this module is cheap (numpy, tqdm and the pool machinery load on first use), so
the command line can read :data:`DEFAULT_SEED` from it.

Seeds
-----
Each run is fully determined by its parameters and its seed, so results never depend on
the number of processes, the start method or the order in which runs finish. There are
two seed schemes, each tied to data on disk, which is why neither can change:

- :func:`replication_seeds` ``(master, reps)``: replications of one scenario (``instap
  run``, ``instap compare``, the pattern tests, the calibration). Seed ``i`` is child ``i``
  of ``SeedSequence(master)``, so it does not depend on ``reps`` (20 replications extend
  10), and every scenario of a comparison gets the same list: common random numbers,
  paired by seed. The list is written into each run folder's manifest, and ``instap
  compare`` pairs stored folders with new runs by these values.
- :func:`run_seed` ``(experiment_seed, run_id)``: runs of a sweep. It is computed from
  the run index alone (``SeedSequence([experiment_seed, run_id])``), so any chunk, on any
  worker or Dask machine or in a resumed session, knows its seeds without generating the
  ones before; 63 bits, so it fits the int64 ``seed`` column of the chunk files. Resuming
  a sweep mixes stored chunks with new ones, so the values must stay.

:data:`DEFAULT_SEED` is the master seed of every command that has one (``--seed``).

The pool
--------
:class:`WorkerPool` runs tasks on ``jobs`` processes (``jobs == 1``: in this process, no
pool), keeps a bounded number of tasks in flight, yields results as they complete,
workers ignore SIGINT (Ctrl-C reaches the whole process group; the parent alone decides)
and on any exception or interrupt the parent cancels what is queued and terminates the
workers before the exception propagates. Workers also die with the command that started
them when it is killed outright (:func:`die_with`), and with them the fork server and the
resource tracker.

Start method: ``forkserver`` (``spawn`` where there is none). ``fork`` would be cheapest,
but the parent is never single-threaded once numpy (OpenBLAS) and pyarrow are loaded:
their threads are invisible to ``threading.active_count()``, Python 3.12 warns about
forking such a process and Python 3.14 no longer forks by default on Linux for that
reason. ``spawn`` is safe but every worker re-imports the model (about 1 s each on two
cores). The fork server is a fresh single-threaded process that imports the model once
(:data:`PRELOAD`); each worker is a fork of it, so workers start in milliseconds and
inherit nothing from the parent but the task. The price is that one import of the model
(about 1 s of CPU) per command: ``instap run`` got faster than with spawn, a small sweep
slower than with fork. :func:`start_server` starts the server early so that import
overlaps the parent's own work. Tasks carry everything they need (parameters and seed),
so results are identical whatever the start method.
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    import numpy as np

    from sim import InstapModel

DEFAULT_SEED = 20261125
#: Modules the fork server imports once, so that workers start with them loaded.
# The model itself (``import sim`` alone loads only the parameters; see sim/__init__.py).
PRELOAD = ["sim.model", "instap.execution", "instap.sweep.worker"]


# ----------------------------------------------------------------------------- seeds
def replication_seeds(master_seed: int, reps: int) -> list[int]:
    """``reps`` independent seeds derived from ``master_seed`` (numpy SeedSequence.spawn)."""
    import numpy as np

    children = np.random.SeedSequence(master_seed).spawn(reps)
    return [int(child.generate_state(1)[0]) for child in children]


def run_seed(experiment_seed: int, run_id: int) -> int:
    """The seed of one sweep run: a 63-bit integer from the experiment seed and run index."""
    import numpy as np

    state = np.random.SeedSequence([experiment_seed, run_id]).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


# ----------------------------------------------------------------------------- one run
@dataclass
class ReplicationResult:
    """One replication: its seed, monthly columns and end-of-run metrics."""

    seed: int
    timeseries: dict[str, np.ndarray]
    metrics: dict[str, float]


def run_model(params: dict[str, Any], seed: int) -> InstapModel:
    """Build the Instapeconomie model with ``params`` and ``seed``; run it to the horizon.

    The one place a model run is made: :func:`run_one` reads its monthly columns and
    metrics, the sweep picks its outputs (``instap.sweep.targets.Target.run``).
    """
    from sim import InstapModel

    model = InstapModel(rng=seed, **params)
    model.run()
    return model


def run_one(params: dict[str, Any], seed: int) -> ReplicationResult:
    """One replication: :func:`run_model`, then its monthly columns and end metrics."""
    model = run_model(params, seed)
    metrics = {k: float(v) if v is not None else math.nan
               for k, v in model.end_metrics().items()}
    return ReplicationResult(seed=seed, timeseries=model.timeseries(), metrics=metrics)


def default_jobs(n_tasks: int) -> int:
    """All cores this process may use, but not more than there are tasks (at least 1)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, n_tasks))


def run_replications(params: dict[str, Any] | list[dict[str, Any]], seeds: list[int],
                     jobs: int | None = None, progress: bool = True
                     ) -> list[ReplicationResult]:
    """Run one replication per seed on ``jobs`` processes (default :func:`default_jobs`).

    ``params`` is one parameter set for every replication, or a list of one per seed
    (parameters drawn from a posterior, :mod:`instap.calibration.posterior`). Results are
    in the order of ``seeds`` whatever ``jobs`` is.
    """
    from tqdm import tqdm

    per_rep = params if isinstance(params, list) else [params] * len(seeds)
    if len(per_rep) != len(seeds):
        raise ValueError(f"{len(per_rep)} parameter sets for {len(seeds)} seeds")
    jobs = default_jobs(len(seeds)) if jobs is None else max(1, min(jobs, len(seeds)))
    out: list[ReplicationResult | None] = [None] * len(seeds)
    with tqdm(total=len(seeds), desc="replications", unit="run", file=sys.stderr,
              disable=not progress, leave=False) as bar, WorkerPool(jobs) as pool:
        for i, result in pool.imap_unordered(run_one, zip(per_rep, seeds, strict=True)):
            out[i] = result
            bar.update()
    return [r for r in out if r is not None]


# ----------------------------------------------------------------------------- the pool
def _context() -> Any:
    """The multiprocessing context of every pool (see the module docstring)."""
    import multiprocessing as mp

    if "forkserver" not in mp.get_all_start_methods():  # pragma: no cover - Windows
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start_server() -> None:
    """Start the fork server now (if not running), so it imports the model while this
    process does other work; pools started later fork their workers from it at once.

    The server starts with Ctrl-C ignored (it shares the terminal's process group; its
    workers ignore Ctrl-C anyway, see the module docstring) and with its standard error on
    the null device: a Ctrl-C while it imports or forks a worker would otherwise print
    multiprocessing's tracebacks next to the command's one-line message. Nothing is lost:
    a worker's errors travel back to the command with its results. ``INSTAP_DEBUG=1`` (set
    by ``--debug``) keeps the server's standard error.
    """
    ctx = _context()
    if ctx.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    with _server_quiet(), _main_script_hidden():
        forkserver.ensure_running()


@contextlib.contextmanager
def _main_script_hidden() -> Iterator[None]:
    """Hide the running script (``__main__.__file__``) from multiprocessing.

    The fork server and every worker it starts would otherwise import the user's script
    again as ``__mp_main__``, which runs a script without an ``if __name__ ==
    "__main__":`` guard a second time and breaks the pool (``instap.run(..., jobs=2)``
    from a plain script). Workers need only instap's modules, never the script's.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


@contextlib.contextmanager
def _server_quiet() -> Iterator[None]:
    """Ctrl-C ignored and standard error on the null device while the server starts.

    The handler is read first and replaced inside the ``try``, so a Ctrl-C that arrives
    while it is being replaced cannot leave this process ignoring Ctrl-C for good."""
    previous = signal.getsignal(signal.SIGINT)
    saved = None
    try:
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        except ValueError:  # not the main thread: handlers cannot change
            previous = None
        if os.environ.get("INSTAP_DEBUG") != "1":
            sys.stderr.flush()
            saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 2)
            os.close(null)
        yield
    finally:
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _start_worker(parent: int, initializer: Callable[..., object] | None,
                  initargs: tuple[Any, ...]) -> None:
    """Worker start: leave Ctrl-C to the parent, die with it, then the caller's
    initializer; then the objects alive (the imports, which never become garbage) are
    moved out of the garbage collector's reach (``gc.freeze``), which otherwise scans
    them again in every full pass (4-6% of a run, docs/performance.md)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with(parent)
    if initializer is not None:
        initializer(*initargs)
    gc.collect()
    gc.freeze()


def die_with(pid: int) -> None:
    """End this process as soon as process ``pid`` ends, however it ends (``kill -9`` too).

    A worker's parent is the fork server, not the command, so ``PR_SET_PDEATHSIG`` cannot
    see the command go; and the pool's own pipes do not tell a worker (each worker holds
    both ends of the call queue). So a daemon thread waits on a pidfd of the command
    (Linux 5.3+; elsewhere it checks every half second) and exits the process. Once the
    workers are gone the fork server sees the last holder of its pipe close and exits,
    and then multiprocessing's resource tracker does the same: nothing is left behind.
    """
    import threading

    try:
        pidfd: int | None = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # pragma: no cover - not Linux, or an old kernel
        pidfd = None

    def watch() -> None:
        if pidfd is not None:
            import select
            select.select([pidfd], [], [])  # readable once the process has ended
        else:  # pragma: no cover
            import time
            while _alive(pid):
                time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="instap-die-with-parent", daemon=True).start()


def _alive(pid: int) -> bool:  # pragma: no cover - only without pidfd_open
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Cancel queued tasks, terminate the workers and wait for them to exit."""
    # As Python 3.14's ProcessPoolExecutor.terminate_workers: the processes are taken
    # before shutdown() drops them; waiting for running tasks could take minutes.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        try:
            if proc.is_alive():
                proc.terminate()
        except (ValueError, ProcessLookupError):  # already exited or closed
            continue
    for proc in processes:
        try:
            proc.join(timeout=30)
        except ValueError:  # closed
            continue


_FROZEN_AT_IMPORT = gc.get_freeze_count()  # see WorkerPool


class WorkerPool:
    """``jobs`` worker processes (``1``: this process); use as a context manager.

    ``initializer(*initargs)`` runs once in every worker (in this process when
    ``jobs == 1``). Leaving the ``with`` block normally waits for the workers to finish;
    leaving it by an exception (a task's, Ctrl-C, or the caller's) terminates them first.

    Workers move the objects alive after their start out of the garbage collector's reach
    (``gc.freeze``, see :func:`_start_worker`). With ``freeze_in_process`` a one-job pool
    does the same in this process for the ``with`` block and gives them back on leaving
    it (``gc.unfreeze``), so a notebook or test process that runs a one-job sweep keeps
    collecting its own garbage afterwards. Nothing is frozen if something else in this
    process froze objects since this module was imported (``gc.freeze`` does not nest;
    the interpreter itself starts with a few hundred objects frozen).
    """

    def __init__(self, jobs: int, initializer: Callable[..., object] | None = None,
                 initargs: tuple[Any, ...] = (), freeze_in_process: bool = False) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.jobs, self.initializer, self.initargs = jobs, initializer, initargs
        self.freeze_in_process = freeze_in_process
        self._pool: ProcessPoolExecutor | None = None
        self._frozen = False
        self._hidden = contextlib.ExitStack()

    def __enter__(self) -> WorkerPool:
        if self.jobs == 1:
            if self.initializer is not None:
                self.initializer(*self.initargs)
            if self.freeze_in_process and gc.get_freeze_count() <= _FROZEN_AT_IMPORT:
                # No collection first (a full one costs 0.2-0.5 s in a large notebook or
                # test process): garbage frozen now is collected after the unfreeze.
                gc.freeze()
                self._frozen = True
        else:
            from concurrent.futures import ProcessPoolExecutor
            start_server()  # with Ctrl-C ignored in the server (a no-op if running)
            # Workers start on demand while tasks are submitted: hide the script until
            # the pool is closed (see _main_script_hidden).
            self._hidden.enter_context(_main_script_hidden())
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=_context(),
                                             initializer=_start_worker,
                                             initargs=(os.getpid(), self.initializer,
                                                       self.initargs))
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.close(terminate=exc_type is not None)

    def close(self, terminate: bool = False) -> None:
        """Shut the workers down: wait for them, or ``terminate`` them."""
        if self._frozen:
            self._frozen = False
            gc.unfreeze()
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            if terminate:
                _terminate(pool)
            else:
                pool.shutdown(wait=True)
        finally:
            self._hidden.close()

    def imap_unordered(self, fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]],
                       in_flight: int | None = None) -> Iterator[tuple[int, Any]]:
        """``(index, fn(*task))`` for every task, in completion order.

        At most ``in_flight`` tasks (default ``2 * jobs + 2``) are submitted ahead, so
        ``tasks`` may be a long generator. A task's exception propagates here.
        """
        pool = self._pool
        if pool is None:
            for i, args in enumerate(tasks):
                yield i, fn(*args)
            return
        from concurrent.futures import FIRST_COMPLETED, wait
        limit = in_flight or 2 * self.jobs + 2
        todo = enumerate(tasks)
        pending: dict[Future[Any], int] = {}
        try:
            while True:
                for i, args in todo:
                    pending[pool.submit(fn, *args)] = i
                    if len(pending) >= limit:
                        break
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield pending.pop(future), future.result()
        finally:
            for future in pending:
                future.cancel()

    def map(self, fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]]) -> list[Any]:
        """``[fn(*task) for task in tasks]``, computed on the workers (in task order)."""
        tasks = list(tasks)
        out: list[Any] = [None] * len(tasks)
        for i, result in self.imap_unordered(fn, tasks):
            out[i] = result
        return out
