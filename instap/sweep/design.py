"""Design points and per-run seeds.

Every design is a matrix of numbers in [0, 1] (one row per design point, one column per
factor) drawn by SALib (Sobol/Saltelli, Morris, LHS) or laid out as a grid (OFAT,
factorial); :class:`~instap.sweep.factors.Factor` maps the numbers to model values. A NaN
means "the factor's baseline value" (OFAT holds the other factors there). Run ``r`` is
replication ``r % reps`` of point ``r // reps`` and gets its own seed from
``SeedSequence([experiment seed, r])`` (:func:`instap.execution.run_seed`), so results do
not depend on executor or order.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from instap.execution import run_seed
from instap.sweep.factors import Factor

#: The most runs one sweep may have. The design matrix is built whole (points x factors
#: float64) and the analysis reads every stored run into memory (about 8 bytes per column
#: per run; with some 30 columns, a million runs is a quarter of a gigabyte before pandas'
#: copies); at the Instapeconomie model's 0.1 to 1 s per run a million runs is already 14
#: to 140 hours on two cores. The largest shipped experiment has 28,160 runs.
MAX_RUNS = 1_000_000
#: A grid design (OFAT, factorial) lays out ``n`` values per factor to count them, so
#: ``design.n`` above the run limit is refused before anything is allocated.
MAX_GRID_N = MAX_RUNS
#: Points of the stand-in design that ``--plan`` times when the real one is too large.
PLAN_SAMPLE_POINTS = 5


def _unit_grid(f: Factor, n: int) -> np.ndarray:
    """Unit-interval positions of a factor's grid (distinct values for integer factors)."""
    if f.kind == "levels":
        return (np.arange(len(f.levels)) + 0.5) / len(f.levels)
    u = np.linspace(0.0, 1.0, n) if f.kind == "uniform" else np.linspace(0.05, 0.95, n)
    if f.integer:
        _, first = np.unique(np.asarray(f.from_unit(u)), return_index=True)
        u = u[np.sort(first)]
    return u


@dataclass
class Design:
    """Design points in unit coordinates plus what is needed to turn them into runs."""

    method: str
    factors: list[Factor]
    unit: np.ndarray  # (points, factors), NaN = baseline value
    replications: int
    seed: int
    baseline: dict[str, Any]  # value of each factor where unit is NaN
    n: int  # base sample size as given in the experiment
    second_order: bool = False
    num_levels: int = 4
    #: Names of the policies (``levers:``) that each run in every future; empty for an
    #: experiment without levers.
    policies: tuple[str, ...] = ()

    @property
    def n_policies(self) -> int:
        """Policies per future (1 for an experiment without levers)."""
        return max(1, len(self.policies))

    @property
    def n_points(self) -> int:
        """Number of design points."""
        return int(self.unit.shape[0])

    @property
    def n_runs(self) -> int:
        """Number of runs (points times replications times policies)."""
        return self.n_points * self.replications * self.n_policies

    def names(self) -> list[str]:
        """Factor names in column order."""
        return [f.name for f in self.factors]

    def columns(self) -> list[str]:
        """The columns a run carries besides its ids: ``policy`` (with levers) and the
        factors."""
        return (["policy"] if self.policies else []) + self.names()

    def problem(self) -> dict[str, Any]:
        """The SALib problem of this design (sampling and analysis use the same one)."""
        return salib_problem(self.factors)

    def point_values(self, points: np.ndarray) -> list[dict[str, Any]]:
        """Model values of the given design points, one dict per point."""
        cols: dict[str, list[Any]] = {}
        for j, f in enumerate(self.factors):
            u = self.unit[points, j]
            mapped = f.from_unit(np.nan_to_num(u, nan=0.5))
            cols[f.name] = [self.baseline[f.name] if math.isnan(x) else v
                            for x, v in zip(u, mapped, strict=True)]
        return [{k: cols[k][i] for k in cols} for i in range(len(points))]

    def runs(self, start: int, stop: int) -> list[tuple[int, int, int, int, dict[str, Any]]]:
        """Runs ``start..stop-1`` as (run_id, point, replication, seed, values).

        With levers, the runs of one future (a design point and replication) are
        consecutive, one per policy, and share the future's seed (common random numbers):
        run ``r`` is policy ``r % L`` in future ``r // L``, the seed that of run id
        ``r // L`` of the same design without levers."""
        ids = np.arange(start, stop)
        futures = ids // self.n_policies
        points = futures // self.replications
        values = self.point_values(points)
        if self.policies:
            values = [{"policy": self.policies[int(r) % self.n_policies], **v}
                      for r, v in zip(ids, values, strict=True)]
        return [(int(r), int(p), int(f % self.replications), run_seed(self.seed, int(f)), v)
                for r, f, p, v in zip(ids, futures, points, values, strict=True)]


def salib_problem(factors: list[Factor]) -> dict[str, Any]:
    """SALib's problem for ``factors``: every factor sampled on [0, 1] (a
    :class:`~instap.sweep.factors.Factor` maps the unit value to the model's value)."""
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[0.0, 1.0]] * len(factors)}


def build_design(method: str, factors: list[Factor], n: int, replications: int, seed: int,
                 base: dict[str, Any], second_order: bool = False,
                 num_levels: int = 4, policies: tuple[str, ...] = ()) -> Design:
    """Lay out the design points of an experiment (deterministic given ``seed``)."""
    d = len(factors)
    problem = salib_problem(factors)
    if method == "sobol":
        from SALib.sample import sobol
        unit = sobol.sample(problem, n, calc_second_order=second_order, scramble=True,
                            seed=seed)
    elif method == "morris":
        from SALib.sample import morris
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            unit = morris.sample(problem, n, num_levels=num_levels, seed=seed)
    elif method == "lhs":
        from SALib.sample import latin
        unit = latin.sample(problem, n, seed=seed)
    elif method == "factorial":
        unit = np.array(list(itertools.product(*(_unit_grid(f, n) for f in factors))))
    elif method == "ofat":
        rows = [np.full(d, np.nan)]
        for j, f in enumerate(factors):
            for u in _unit_grid(f, n):
                row = np.full(d, np.nan)
                row[j] = u
                rows.append(row)
        unit = np.array(rows)
    else:
        raise ValueError(f"unknown design method {method!r}")
    return Design(method, factors, np.asarray(unit, dtype=float), replications, seed,
                  _baseline(factors, base), n, second_order, num_levels, tuple(policies))


def _baseline(factors: list[Factor], base: dict[str, Any]) -> dict[str, Any]:
    """Each factor's value where the design holds it (NaN): the base value, else its
    middle."""
    return {f.name: base[f.name] if f.name in base else f.from_unit(np.array([0.5]))[0]
            for f in factors}


def sample_design(method: str, factors: list[Factor], n: int, seed: int,
                  base: dict[str, Any], points: int = PLAN_SAMPLE_POINTS,
                  policies: tuple[str, ...] = ()) -> Design:
    """A stand-in of a design too large to build: ``points`` points spread over the unit
    cube, for ``--plan`` to time a few runs (its counts come from :func:`count_points`)."""
    u = (np.arange(points) + 0.5) / points
    unit = np.column_stack([np.roll(u, j) for j in range(len(factors))]) if factors \
        else np.zeros((points, 0))
    return Design(method, factors, unit, 1, seed, _baseline(factors, base), n,
                  policies=tuple(policies))


def count_points(method: str, factors: list[Factor], n: int, second_order: bool) -> int:
    """Design points without building the design (the formulas of ``--plan``); exact
    Python integers, however large. Grid designs lay out at most ``n`` values per factor
    (``n`` is at most :data:`MAX_GRID_N`, checked with the experiment)."""
    d = len(factors)
    if method == "sobol":
        return n * (2 * d + 2 if second_order else d + 2)
    if method == "morris":
        return n * (d + 1)
    if method == "lhs":
        return n
    if method == "factorial":
        return math.prod(grid_size(f, n) for f in factors)
    return 1 + sum(grid_size(f, n) for f in factors)


def grid_size(f: Factor, n: int) -> int:
    """Values of factor ``f`` on a grid design of ``n`` per factor (only an integer
    factor's grid is laid out, to drop repeated whole numbers)."""
    if f.kind == "levels":
        return len(f.levels)
    return len(_unit_grid(f, n)) if f.integer else n
