"""The sweep's last chunks go out in parts and come back whole (instap.sweep.runner)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from instap.sweep.runner import TAIL_PARTS, _SplitTail
from instap.sweep.worker import ChunkResult, Run


class ReversedRunner:
    """Runs every task, yields the results last task first (any order may come back)."""

    workers = 2

    def __init__(self) -> None:
        self.tasks: list[tuple[int, list[Run]]] = []

    def map(self, chunks: Iterable[tuple[int, list[Run]]]) -> Iterator[ChunkResult]:
        self.tasks = list(chunks)
        for index, runs in reversed(self.tasks):
            ids = [r[0] for r in runs]
            yield ChunkResult(index, {"run_id": ids, "error": [None] * len(ids)}, 1.0,
                              sum(1 for i in ids if i % 7 == 0))


def test_the_last_chunks_run_in_parts_and_are_stored_whole() -> None:
    size, count = 6, 5
    chunks = [(k, [(r, 0, r, r, {}) for r in range(k * size, (k + 1) * size)])
              for k in range(count)]
    warmed: list[bool] = []
    inner = ReversedRunner()
    split = _SplitTail(inner, {3, 4}, count, lambda: warmed.append(True), 8)
    results = {r.index: r for r in split.map(iter(chunks))}
    assert sorted(results) == list(range(count))
    for k, runs in chunks:
        assert results[k].columns["run_id"] == [r[0] for r in runs]  # in run order
        assert results[k].failed == sum(1 for r in runs if r[0] % 7 == 0)
    # chunks 0-2 went out whole, 3 and 4 in TAIL_PARTS parts each (ids after the chunks)
    assert len(inner.tasks) == 3 + 2 * TAIL_PARTS
    assert [t[0] for t in inner.tasks[:3]] == [0, 1, 2]
    assert min(t[0] for t in inner.tasks[3:]) == count
    assert results[4].elapsed == TAIL_PARTS and results[0].elapsed == 1.0
    assert warmed == [True] and split.workers == 2


def test_a_chunk_smaller_than_its_parts_is_split_per_run() -> None:
    chunks = [(0, [(0, 0, 0, 0, {}), (1, 0, 1, 1, {})])]
    inner = ReversedRunner()
    (result,) = _SplitTail(inner, {0}, 1, lambda: None, 8).map(iter(chunks))
    assert result.index == 0 and result.columns["run_id"] == [0, 1]
    assert len(inner.tasks) == 2
