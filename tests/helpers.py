"""Small helpers shared by model tests: run replications and average a metric."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sim import InstapModel

SMALL = {"n_participants": 600}


def run(seed: int = 0, **params: Any) -> InstapModel:
    """Run one model to its horizon."""
    return InstapModel(rng=seed, **params).run()


def mean_metric(metric: str, reps: int = 12, **params: Any) -> float:
    """Mean of an end-of-run metric over replications (seeds 0..reps-1)."""
    values = [run(seed, **params).end_metrics()[metric] for seed in range(reps)]
    return float(np.nanmean(values))


def mean_series(column: str, reps: int = 12, **params: Any) -> np.ndarray:
    """Mean monthly series of a column over replications."""
    return np.mean([run(seed, **params).timeseries()[column] for seed in range(reps)], axis=0)


REPO = Path(__file__).resolve().parent.parent


def small_scenario(tmp: Path, parent: str, name: str, n_participants: int = 300,
                   months: int = 36) -> Path:
    """A small, short variant of a repository scenario, written into ``tmp``."""
    path = tmp / f"{name}.yaml"
    path.write_text(f"# {name}: small test variant of {parent}\n"
                    f"extends: {REPO / 'scenarios' / parent}\nname: {name}\n"
                    f"run:\n  n_participants: {n_participants}\n  months: {months}\n",
                    encoding="utf-8")
    return path
