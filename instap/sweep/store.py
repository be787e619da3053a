"""Sweep folders on disk: chunk files (the resume ledger), failures and the manifest.

Each finished chunk becomes ``runs/chunk-XXXXX.parquet``, written to a temporary file and
renamed, so a file either holds a whole chunk or does not exist. Its metadata carries the
experiment fingerprint and the time the chunk took.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from instap.sweep.worker import ChunkResult

META_FINGERPRINT = b"instap.fingerprint"
META_ELAPSED = b"instap.elapsed_s"
ID_COLUMNS = ("run_id", "point", "replication", "seed")


def runs_dir(folder: Path) -> Path:
    """``DIR/runs``."""
    return folder / "runs"


def chunk_path(folder: Path, index: int) -> Path:
    """``DIR/runs/chunk-XXXXX.parquet``."""
    return runs_dir(folder) / f"chunk-{index:05d}.parquet"


def _array(name: str, values: list[Any], outputs: set[str]) -> pa.Array:
    if name == "error":
        return pa.array(values, type=pa.string())
    if name in ID_COLUMNS:
        return pa.array(values, type=pa.int64())
    if name in outputs:
        return pa.array(values, type=pa.float64())
    return pa.array(values)


def write_chunk(folder: Path, result: ChunkResult, outputs: list[str],
                fingerprint: str) -> Path:
    """Write one chunk atomically (temporary file, then rename)."""
    outs = set(outputs)
    table = pa.table({k: _array(k, v, outs) for k, v in result.columns.items()})
    table = table.replace_schema_metadata({META_FINGERPRINT: fingerprint.encode(),
                                           META_ELAPSED: repr(result.elapsed).encode()})
    path = chunk_path(folder, result.index)
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)
    return path


def chunk_ok(path: Path, run_ids: range, fingerprint: str) -> bool:
    """Whether a chunk file is complete and belongs to this experiment and chunk."""
    try:
        meta = pq.read_schema(path).metadata or {}
        if meta.get(META_FINGERPRINT) != fingerprint.encode():
            return False
        ids = pq.read_table(path, columns=["run_id"]).column("run_id").to_numpy()
    except (OSError, pa.ArrowException, KeyError):
        return False
    return np.array_equal(ids, np.arange(run_ids.start, run_ids.stop))


def chunk_stats(path: Path) -> tuple[int, int, float]:
    """(runs, failed runs, elapsed seconds) of a chunk file, reading little."""
    meta = pq.read_schema(path).metadata or {}
    errors = pq.read_table(path, columns=["error"]).column("error")
    return len(errors), int(errors.is_valid().to_numpy(zero_copy_only=False).sum()), float(
        meta.get(META_ELAPSED, b"0"))


def chunk_files(folder: Path) -> list[Path]:
    """Chunk files in index order."""
    return sorted(runs_dir(folder).glob("chunk-*.parquet"))


def iter_chunks(folder: Path, columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
    """Stored chunks one at a time (keeps memory bounded)."""
    for path in chunk_files(folder):
        yield pq.read_table(path, columns=columns).to_pandas()


def read_runs(folder: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """All stored runs, sorted by run id."""
    files = chunk_files(folder)
    if not files:
        return pd.DataFrame()
    table = pa.concat_tables([pq.read_table(p, columns=columns) for p in files],
                             promote_options="permissive")
    return table.to_pandas().sort_values("run_id", kind="stable").reset_index(drop=True)


def write_failures(folder: Path, factor_names: list[str]) -> int:
    """Collect failed runs from the chunks into ``DIR/failures.parquet``; return the count."""
    cols = [*ID_COLUMNS, *factor_names, "error"]
    parts = [df[df["error"].notna()] for df in iter_chunks(folder, cols)]
    parts = [p for p in parts if len(p)]
    if parts:
        failures = pd.concat(parts, ignore_index=True).rename(columns={"error": "traceback"})
    else:
        failures = pd.DataFrame({c: pd.Series(dtype="int64") for c in ID_COLUMNS}
                                | {c: pd.Series(dtype="object") for c in factor_names}
                                | {"traceback": pd.Series(dtype="str")})
    tmp = folder / "failures.parquet.tmp"
    failures.to_parquet(tmp, index=False)
    os.replace(tmp, folder / "failures.parquet")
    return len(failures)


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """``DIR/manifest.json`` or None."""
    path = folder / "manifest.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
