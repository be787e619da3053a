"""``instap run``: check everything, run the replications, write the folder, summarise.

All input is checked before anything runs, and the folder appears under its final name
only when every file in it has been written.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from instap.errors import InstapError
from instap.execution import DEFAULT_SEED, default_jobs, replication_seeds, run_replications
from instap.findings import plain_summary
from instap.overrides import apply_overrides, with_values
from instap.plots import write_plots
from instap.provenance import (
    atomic_folder,
    default_out,
    git_commit,
    output_lock,
    package_versions,
    write_json,
)
from instap.results import metrics_table, timeseries_table, write_parquet
from instap.scenario import LoadedScenario, load_scenario
from instap.summary import summarise


def prepare(scenario: Path, months: int | None, overrides: list[str]
            ) -> tuple[LoadedScenario, dict[str, Any]]:
    """Load the scenario and apply ``--set`` and ``--months``; raise on bad input."""
    loaded = load_scenario(scenario)
    params = apply_overrides(loaded.params, overrides, source="--set")
    if months is not None:
        params = with_values(params, {"months": months}, f"--months {months}")
    return loaded, params


def run_command(scenario: Path, reps: int = 20, seed: int = DEFAULT_SEED,
                months: int | None = None,
                overrides: list[str] | None = None, out: Path | None = None,
                jobs: int | None = None, progress: bool = True) -> Path:
    """Run ``scenario`` ``reps`` times and write a run folder; return its path."""
    started = time.time()
    if reps < 1:
        raise InstapError(f"--reps {reps}: must be at least 1")
    if jobs is not None and jobs < 1:
        raise InstapError(f"--jobs {jobs}: must be at least 1")
    if seed < 0:
        raise InstapError(f"--seed {seed}: must be 0 or more")
    loaded, params = prepare(Path(scenario), months, list(overrides or []))
    final = Path(out) if out is not None else default_out(loaded.name)
    with output_lock(final):  # a second command on this folder fails now, not at the end
        summary = _run_and_write(loaded, params, final, reps=reps, seed=seed, months=months,
                       overrides=list(overrides or []), jobs=jobs, progress=progress,
                       started=started)
    print(plain_summary(summary, loaded.name, int(params["months"])))
    print(f"Results: {final}")
    return final


def _run_and_write(loaded: LoadedScenario, params: dict[str, Any], final: Path, *, reps: int,
                   seed: int, months: int | None, overrides: list[str], jobs: int | None,
                   progress: bool, started: float) -> dict[str, Any]:
    """Run the replications and write the folder ``final`` (its lock is held); return the
    summary."""
    seeds = replication_seeds(seed, reps)
    t0 = time.time()
    results = run_replications(params, seeds, jobs=jobs, progress=progress)
    run_seconds = time.time() - t0
    horizon = int(params["months"])
    summary = summarise([r.metrics for r in results], horizon)
    summary["run"]["scenario"] = loaded.name

    with atomic_folder(final) as tmp:
        ts_table = timeseries_table(results)
        write_parquet(ts_table, tmp / "timeseries.parquet")
        write_parquet(metrics_table(results), tmp / "metrics.parquet")
        write_json(summary, tmp / "summary.json")
        write_plots(ts_table.to_pandas(), summary, tmp / "plots", loaded.name)
        manifest = {
            "scenario": {"name": loaded.name, "path": str(loaded.path),
                         "chain": [str(p) for p in loaded.chain],
                         "description": loaded.description},
            "params": params,
            "overrides": {"scenario": loaded.overrides, "set": overrides,
                          "months": months},
            "master_seed": seed, "replications": reps, "seeds": seeds,
            "jobs": default_jobs(reps) if jobs is None else min(jobs, reps),
            "versions": package_versions(), "git_commit": git_commit(),
            "timings": {"started": datetime.fromtimestamp(started).isoformat(timespec="seconds"),
                        "run_seconds": round(run_seconds, 3),
                        "total_seconds": round(time.time() - started, 3)},
            "command": [Path(sys.argv[0]).name, *sys.argv[1:]],
        }
        write_json(manifest, tmp / "manifest.json")
    return summary
