"""Run folders: writing them atomically and loading them back.

A run folder holds ``manifest.json``, ``timeseries.parquet`` (one row per replication and
month), ``metrics.parquet`` (one row per replication: end-of-run metrics), ``summary.json``
and ``plots/*.png``. :func:`instap.provenance.atomic_folder` builds it under a hidden
temporary name next to the target and renames it at the end, so a failure leaves nothing
under the final name.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from instap.errors import InstapError
from instap.execution import ReplicationResult
from sim.outputs import COLUMNS

FILES = ("manifest.json", "timeseries.parquet", "metrics.parquet", "summary.json")


@dataclass
class RunFolder:
    """A loaded ``instap run`` folder."""

    path: Path
    manifest: dict[str, Any]
    timeseries: pd.DataFrame  # replication, seed, month, then the model's monthly columns
    summary: dict[str, Any]
    metrics: pd.DataFrame  # replication, seed, then end-of-run metrics (dotted names)


# ----------------------------------------------------------------------------- tables
def timeseries_table(results: list[ReplicationResult]) -> pa.Table:
    """One row per replication and month; fixed column order and types."""
    names = ["replication", "seed", "month", *COLUMNS]
    parts: dict[str, list[Any]] = {name: [] for name in names}
    for i, res in enumerate(results):
        months = res.timeseries["month"]
        parts["replication"].append(pa.array([i] * len(months), pa.int32()))
        parts["seed"].append(pa.array([res.seed] * len(months), pa.int64()))
        parts["month"].append(pa.array(months, pa.int32()))
        for col in COLUMNS:
            parts[col].append(pa.array(res.timeseries[col], pa.float64()))
    arrays = [pa.concat_arrays(parts[name]) if parts[name] else pa.array([], pa.float64())
              for name in names]
    return pa.Table.from_arrays(arrays, names=names)


def metrics_table(results: list[ReplicationResult]) -> pa.Table:
    """One row per replication: its seed and every end-of-run metric."""
    keys = list(dict.fromkeys(k for r in results for k in r.metrics))
    data: dict[str, Any] = {
        "replication": pa.array(range(len(results)), pa.int32()),
        "seed": pa.array([r.seed for r in results], pa.int64()),
    }
    for key in keys:
        data[key] = pa.array([r.metrics.get(key, math.nan) for r in results], pa.float64())
    return pa.table(data)


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write deterministically: same table, same bytes (no timestamps, no pandas metadata)."""
    pq.write_table(table.replace_schema_metadata(None), path, compression="zstd",
                   write_statistics=True)


def load_run_folder(path: str | Path) -> RunFolder:
    """Load a folder written by ``instap run``; :class:`InstapError` if it is not one."""
    path = Path(path)
    if not path.is_dir():
        raise InstapError(f"{path}: not a folder")
    missing = [name for name in FILES if not (path / name).is_file()]
    if missing:
        raise InstapError(f"{path}: not an `instap run` folder (missing {', '.join(missing)})")
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
        timeseries = pq.read_table(path / "timeseries.parquet").to_pandas()
        metrics = pq.read_table(path / "metrics.parquet").to_pandas()
    except (OSError, ValueError, pa.ArrowException) as err:
        raise InstapError(f"{path}: cannot read the run folder ({err})") from None
    return RunFolder(path, manifest, timeseries, summary, metrics)
