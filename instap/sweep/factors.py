"""Factors: how a number in [0, 1] from a sampler becomes a value given to the model."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Factor:
    """One varied parameter.

    ``kind`` is ``uniform`` (``low``..``high``), ``levels`` (a list of values, sampled by
    index) or ``normal`` (``mean``, ``sd``, truncated to ``clip`` when given). ``integer``
    rounds values to whole numbers (integer model parameters).
    """

    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    levels: tuple[Any, ...] = ()
    mean: float | None = None
    sd: float | None = None
    clip: tuple[float, float] | None = None
    integer: bool = False

    def problem(self) -> str | None:
        """What makes this factor unusable (a sweep manifest's record of it was edited or
        damaged), or None: the fields its kind needs, finite, in order."""
        def finite(*values: float | None) -> bool:
            return all(v is not None and math.isfinite(v) for v in values)

        if self.kind == "levels":
            return None if len(self.levels) >= 2 else "needs at least 2 levels"
        if self.kind == "uniform":
            ok = finite(self.low, self.high) and self.low < self.high  # type: ignore[operator]
            return None if ok else "needs finite low < high"
        if self.kind == "normal":
            ok = finite(self.mean, self.sd) and self.sd > 0  # type: ignore[operator]
            if ok and self.clip is not None:
                ok = len(self.clip) == 2 and finite(*self.clip) and self.clip[0] < self.clip[1]
            return None if ok else "needs a finite mean, a positive sd and low < high clip"
        return f"unknown kind {self.kind!r}"

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Map unit-interval samples to model values (a list of Python scalars)."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if self.kind == "levels":
            idx = np.minimum((u * len(self.levels)).astype(int), len(self.levels) - 1)
            return [self.levels[i] for i in idx]
        if self.kind == "uniform":
            low, high = self.low, self.high
            if low is None or high is None:
                raise ValueError(f"factor {self.name}: a uniform factor needs low and high")
            x = low + u * (high - low)
        else:
            mean, sd = self.mean, self.sd
            if mean is None or sd is None:
                raise ValueError(f"factor {self.name}: a normal factor needs mean and sd")
            lo, hi = self.clip if self.clip else (-math.inf, math.inf)
            a, b = (lo - mean) / sd, (hi - mean) / sd
            from scipy import stats  # only normal factors need it; keeps start-up fast

            x = stats.truncnorm.ppf(np.clip(u, 1e-12, 1 - 1e-12), a, b, loc=mean, scale=sd)
        if self.integer:
            return [int(v) for v in np.rint(x)]
        return [float(v) for v in x]
