"""Executors: spread chunks over local processes or a Dask cluster, yield as they finish.

Both keep only a bounded number of chunks in flight, so the coordinating process holds
little more than the chunks being written, however many runs the sweep has.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from instap.errors import InstapError
from instap.sweep.targets import RunSpec
from instap.sweep.worker import ChunkResult, Run, init_worker, run_chunk

Chunk = tuple[int, list[Run]]


def _context() -> Any:
    """``fork`` when safe (single-threaded, the model already imported: cheapest start),
    else ``forkserver`` with the model preloaded."""
    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return mp.get_context("fork")
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["instap.sweep.worker", "sim"])
        return ctx
    return mp.get_context("spawn")


class LocalExecutor:
    """A persistent process pool; each worker imports the model once (initializer)."""

    def __init__(self, spec: RunSpec, factor_names: list[str], jobs: int) -> None:
        self.spec, self.names, self.workers = spec, factor_names, jobs

    def map(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Run chunks; yield results in completion order."""
        if self.workers == 1:
            init_worker(self.spec)
            for index, runs in chunks:
                yield run_chunk(index, runs, self.names)
            return
        it = iter(chunks)
        limit = 2 * self.workers + 2
        with ProcessPoolExecutor(self.workers, mp_context=_context(), initializer=init_worker,
                                 initargs=(self.spec,)) as pool:
            pending: set[Future[ChunkResult]] = set()
            try:
                while True:
                    for index, runs in it:
                        pending.add(pool.submit(run_chunk, index, runs, self.names))
                        if len(pending) >= limit:
                            break
                    if not pending:
                        return
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in done:
                        yield fut.result()
            finally:
                for fut in pending:
                    fut.cancel()


class DaskExecutor:
    """The same chunks on a ``dask.distributed`` cluster (a local one if no address)."""

    def __init__(self, spec: RunSpec, factor_names: list[str], jobs: int | None,
                 scheduler: str | None) -> None:
        self.spec, self.names, self.jobs, self.scheduler = spec, factor_names, jobs, scheduler
        self.workers = 0

    def map(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Run chunks; yield results in completion order."""
        from dask.distributed import Client, LocalCluster, as_completed
        cluster = None
        try:
            if self.scheduler:
                try:
                    client = Client(self.scheduler, timeout="20s")
                except OSError as err:
                    raise InstapError(f"--scheduler {self.scheduler}: cannot connect ({err})"
                                      ) from err
            else:
                cluster = LocalCluster(n_workers=self.jobs or 2, threads_per_worker=1,
                                       processes=True, dashboard_address=None)
                client = Client(cluster)
            with client:
                self.workers = sum(client.nthreads().values())
                if self.workers == 0:
                    client.wait_for_workers(1, timeout=60)
                    self.workers = sum(client.nthreads().values())
                spec = client.scatter(self.spec, broadcast=True)
                it = iter(chunks)
                limit = 2 * max(self.workers, 1) + 2
                queue = as_completed()
                for index, runs in it:
                    queue.add(client.submit(run_chunk, index, runs, self.names, spec,
                                            pure=False))
                    if queue.count() >= limit:
                        break
                for fut in queue:
                    result = fut.result()
                    fut.release()
                    yield result
                    for index, runs in it:
                        queue.add(client.submit(run_chunk, index, runs, self.names, spec,
                                                pure=False))
                        break
        finally:
            if cluster is not None:
                cluster.close()
