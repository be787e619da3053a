"""A cheap stand-in with the shape of the real calibration, to check the ABC settings.

The coverage check on the model (``experiments/abc_coverage.py``) costs minutes per
synthetic dataset, so it can afford a handful of datasets. Whether the ABC-SMC settings
of the spec (population, kernel, epsilon schedule) give honest 90% intervals in twelve
dimensions can be checked far more often on a model of the same shape that costs
microseconds: twelve parameters on ``[0, 1]``, ten statistics with a tolerance of 1,
each a linear combination of the parameters plus Gaussian noise of ``noise``
tolerances (the model's seed noise is about 0.45 of a tolerance at the point
estimates). Six parameters inform five statistics strongly, two inform three weakly and
four inform none, as the real patterns inform the pathway parameters well and most
structural ones hardly (docs/calibration.md). Coverage on it is necessary, not
sufficient: the model's statistics are not linear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from instap.calibration.simulate import ParticleModel
from instap.calibration.spec import ABC_DEFAULTS, CalibrationSpec, Pattern, Prior


def _design(seed: int) -> np.ndarray:
    """The (statistics x parameters) matrix: strong, weak and no information."""
    rng = np.random.default_rng(seed)
    a = np.zeros((10, 12))
    a[:5, :6] = rng.normal(0.0, 1.6, (5, 6))  # over the prior: several tolerances
    a[5:8, 6:8] = rng.normal(0.0, 0.8, (3, 2))  # about one tolerance
    a[8:, :2] = rng.normal(0.0, 1.0, (2, 2))
    return a


@dataclass(frozen=True)
class Surrogate:
    """The linear surrogate: ``stats = A (theta - 0.5) + noise``."""

    seed: int = 5
    noise: float = 0.45
    matrix: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "matrix", _design(self.seed))

    @property
    def names(self) -> list[str]:
        """Parameter names ``p0`` .. ``p11``."""
        return [f"p{i}" for i in range(self.matrix.shape[1])]

    def spec(self, abc: dict[str, Any] | None = None) -> CalibrationSpec:
        """A calibration spec of the surrogate with the given ``abc:`` settings."""
        patterns = [Pattern(name=f"s{k}", statistic=f"s{k}", runs=(), kind="target",
                            bound=0.0, tolerance=1.0) for k in range(self.matrix.shape[0])]
        return CalibrationSpec(path=Path("surrogate"), name="surrogate",
                               description=__doc__.splitlines()[0], runs={},
                               patterns=patterns, checks=[],
                               priors=[Prior(n, 0.0, 1.0) for n in self.names],
                               abc={**ABC_DEFAULTS, **(abc or {})})

    def simulator(self, spec: CalibrationSpec, replications: int | None = None,
                  mapper: Any = None, logit: bool = False) -> SurrogateSimulator:
        """The pyabc model (the signature of :class:`~instap.calibration.simulate.Simulator`,
        so :func:`~instap.calibration.abc.calibrate` can build it)."""
        return SurrogateSimulator(self, spec, logit)


class SurrogateSimulator(ParticleModel):
    """Parameters -> the surrogate's statistics; the interface of ``Simulator``."""

    def __init__(self, surrogate: Surrogate, spec: CalibrationSpec, logit: bool) -> None:
        self.surrogate = surrogate
        self.bounds = self.scale(spec, logit)

    def simulate(self, theta: dict[str, float], seed: int) -> dict[str, float]:
        """The statistics at ``theta`` with seed ``seed``."""
        a = self.surrogate.matrix
        u = np.array([theta[n] for n in self.surrogate.names])
        noise = np.random.default_rng(seed).normal(0.0, self.surrogate.noise, a.shape[0])
        y = a @ (u - 0.5) + noise
        return {f"s{k}": float(v) for k, v in enumerate(y)}
