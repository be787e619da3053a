"""Executors: spread chunks over local processes or a Dask cluster, yield as they finish.

Both have the same interface, ``map(chunks)`` yielding :class:`ChunkResult` in completion
order, and both keep only a bounded number of chunks in flight, so the coordinating
process holds little more than the chunks being written, however many runs the sweep
has. The local one is the project's one process pool, :class:`instap.execution.WorkerPool`
(start method, Ctrl-C and clean-up are documented there).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from instap.errors import InstapError
from instap.execution import WorkerPool
from instap.sweep.targets import RunSpec
from instap.sweep.worker import ChunkResult, Run, init_worker, run_chunk

Chunk = tuple[int, list[Run]]


class LocalExecutor:
    """A persistent process pool; each worker imports the model once (initializer)."""

    def __init__(self, spec: RunSpec, factor_names: list[str], jobs: int) -> None:
        self.spec, self.names, self.workers = spec, factor_names, jobs

    def map(self, chunks: Iterable[Chunk]) -> Iterator[ChunkResult]:
        """Run chunks; yield results in completion order."""
        tasks = ((index, runs, self.names) for index, runs in chunks)
        with WorkerPool(self.workers, init_worker, (self.spec,),
                        freeze_in_process=True) as pool:
            for _, result in pool.imap_unordered(run_chunk, tasks):
                yield result


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
