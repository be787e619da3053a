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
