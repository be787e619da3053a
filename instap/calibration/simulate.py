"""What one particle of the calibration simulates: its model runs, the numbers read from
each run (:func:`run_extract`, in the worker) and the summary statistics computed from
them (:func:`statistics`).

A particle runs every run of the spec (``baseline``, ``programme_ends``, ...) with the
particle's parameters, each ``replications`` times, all with the same seeds (common
random numbers, so the coaching effect is a paired difference). The seeds derive from
one integer the caller draws (:meth:`Simulator.__call__` draws it from numpy's global
generator, which the calibration seeds before every generation).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from instap.calibration.spec import CalibrationSpec, Pattern
from instap.execution import replication_seeds, run_model
from sim.outputs import coalition_size

Mapper = Callable[[Callable[..., Any], Iterable[tuple[Any, ...]]], list[Any]]
#: Seeds are drawn below this bound (fits numpy's SeedSequence and an int64 column).
SEED_BOUND = 2**62
#: The parameters :class:`sim.policies.trust.TrustNetwork`'s steps depend on.
TRUST_PARAMETERS = ("initial_trust", "trust_gain", "trust_sensitivity", "trust_asymmetry")


def logistic(z: float, low: float, high: float) -> float:
    """``low + (high - low) / (1 + exp(-z))``: a standard logistic ``z`` becomes a uniform
    value on ``[low, high]``."""
    return low + (high - low) * 0.5 * (1.0 + math.tanh(0.5 * z))


def population_exit_rate(ts: dict[str, np.ndarray]) -> float:
    """Yearly exit-to-work rate of everyone on assistance (pooled over the run; as
    ``tests/test_patterns.py`` and ``experiments/calibrate.py`` compute it)."""
    at_risk = (ts["unreached"] + ts["engaged"] + ts["in_track"])[:-1].sum()
    if at_risk <= 0:
        return math.nan
    monthly = ts["placements"][1:].sum() / at_risk
    return float(1.0 - (1.0 - monthly) ** 12)


def run_extract(params: dict[str, Any], seed: int) -> dict[str, float]:
    """One model run; its end metrics, the population exit rate and, for a programme
    that is never renewed, the pilot-cliff numbers (mean monthly programme placements in
    the last funded year and 4-6 and 7-9 months after the end; coalition size in the
    last funded month and 12 months after)."""
    model = run_model(params, seed)
    out = {k: (math.nan if v is None else float(v)) for k, v in model.end_metrics().items()}
    ts = model.timeseries()
    out["exit_rate_all"] = population_exit_rate(ts)
    if params.get("renewal_rule") == "never":
        end = int(params["pilot_length_months"])
        placements = np.asarray(ts["programme_placements"], dtype=float)
        size = coalition_size(ts)
        if len(placements) > end + 12:
            out["cliff.before"] = float(placements[max(0, end - 12):end].mean())
            out["cliff.after_4to6"] = float(placements[end + 4:end + 7].mean())
            out["cliff.after_7to9"] = float(placements[end + 7:end + 10].mean())
            out["cliff.coalition_before"] = float(size[end - 1])
            out["cliff.coalition_after_12"] = float(size[end + 12])
    return out


def trust_loss_gain_ratio(params: dict[str, Any]) -> float:
    """Smallest ratio, over the trust levels at which a partner stays (0.3 to 0.9) and
    the initial trust, of the trust lost to one broken promise to the trust gained from
    one kept promise (``sim.policies.trust.TrustNetwork``; the pattern test's measure)."""
    from sim.parameters import Params
    from sim.policies.trust import TrustNetwork

    p = Params.from_dict({k: params[k] for k in TRUST_PARAMETERS if k in params})
    ratios = []
    for level in (p.initial_trust, 0.3, 0.45, 0.6, 0.75, 0.9):
        tn = TrustNetwork(p, 2)
        tn.T[0, 1] = level
        tn.kept(0, 1)
        gained = tn.T[0, 1] - level
        tn.T[0, 1] = level
        tn.broken(0, 1)
        lost = level - tn.T[0, 1]
        ratios.append(lost / gained if gained > 0 else math.inf)
    return float(min(ratios))


def _mean(runs: Sequence[dict[str, float]], key: str) -> float:
    values = [r.get(key, math.nan) for r in runs]
    return float(np.mean(values)) if values else math.nan


def _ratio(runs: Sequence[dict[str, float]], top: str, bottom: str) -> float:
    below = _mean(runs, bottom)
    return _mean(runs, top) / below if below > 0 else math.nan


def statistic(p: Pattern, extracts: dict[str, list[dict[str, float]]],
              params: dict[str, Any]) -> float:
    """The value of pattern ``p``'s statistic for one particle (its runs' extracts)."""
    s = p.statistic
    if s == "trust_loss_gain_ratio":
        return trust_loss_gain_ratio(params)
    if s == "coaching_effect":
        treated, control = (extracts[r] for r in p.runs)
        return _mean(treated, "exit_rate_all") - _mean(control, "exit_rate_all")
    runs = extracts[p.runs[0]]
    if s == "cliff_placements_4to6":
        return _ratio(runs, "cliff.after_4to6", "cliff.before")
    if s == "cliff_placements_7to9":
        return _ratio(runs, "cliff.after_7to9", "cliff.before")
    if s == "cliff_coalition_12":
        return _ratio(runs, "cliff.coalition_after_12", "cliff.coalition_before")
    return _mean(runs, s)


def statistics(patterns: Sequence[Pattern], extracts: dict[str, list[dict[str, float]]],
               params: dict[str, Any]) -> dict[str, float]:
    """Every pattern's statistic, by pattern name."""
    return {p.name: statistic(p, extracts, params) for p in patterns}


def max_distance(patterns: Sequence[Pattern], x: dict[str, float],
                 x_0: dict[str, float]) -> float:
    """The calibration distance: the largest scaled distance over the patterns (at most 1
    when every statistic is inside its region); ``x_0`` gives the targets' centres."""
    return max(p.distance(x.get(p.name, math.nan), x_0.get(p.name)) for p in patterns)


def observed(patterns: Sequence[Pattern]) -> dict[str, float]:
    """The observed data of the real calibration: each pattern's bound."""
    return {p.name: p.bound for p in patterns}


class ParticleModel:
    """What pyabc calls: a particle -> summary statistics. Subclasses give
    :meth:`simulate`; ``bounds`` (empty unless on the logit scale) maps the particle to
    parameter values, and each call draws its root seed from the NumPy state pyabc seeds.
    """

    bounds: dict[str, tuple[float, float]]

    @staticmethod
    def scale(spec: CalibrationSpec, logit: bool) -> dict[str, tuple[float, float]]:
        """The priors' ranges when particles move on the logit scale, else none."""
        return {p.name: (p.low, p.high) for p in spec.priors} if logit else {}

    def simulate(self, theta: dict[str, float], seed: int) -> dict[str, float]:
        """The statistics of parameters ``theta`` with root seed ``seed``."""
        raise NotImplementedError

    def to_theta(self, pars: dict[str, Any]) -> dict[str, float]:
        """Parameter values from pyabc's particle: as they are, or (``logit``) mapped from
        the unbounded scale ``z`` to ``low + (high - low) / (1 + exp(-z))``."""
        theta = {k: float(v) for k, v in dict(pars).items()}
        for k, (low, high) in self.bounds.items():
            theta[k] = logistic(theta[k], low, high)
        return theta

    def __call__(self, pars: dict[str, Any]) -> dict[str, float]:
        theta = self.to_theta(pars)
        seed = int(np.random.randint(0, SEED_BOUND, dtype=np.int64))
        return self.simulate(theta, seed)


class Simulator(ParticleModel):
    """The pyabc model: parameters -> summary statistics of every pattern and check.

    ``mapper`` runs the particle's model runs (``WorkerPool.map`` or a Dask client's
    map, so one particle's runs spread over the workers while the particles stay in one
    deterministic order); ``None`` runs them here, one after another (inside a pyabc
    multicore or Dask worker).
    """

    def __init__(self, spec: CalibrationSpec, replications: int | None = None,
                 mapper: Mapper | None = None, logit: bool = False) -> None:
        self.bounds = self.scale(spec, logit)
        self.runs = spec.runs
        self.patterns = [*spec.patterns, *spec.checks]
        self.replications = int(replications or spec.abc["replications"])
        self.needed = sorted({r for p in self.patterns for r in p.runs})
        self.mapper = mapper

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["mapper"] = None  # a pool or client does not travel to pyabc's workers
        return state

    def simulate(self, theta: dict[str, float], seed: int) -> dict[str, float]:
        """The statistics of one particle with parameters ``theta`` and root seed ``seed``."""
        seeds = replication_seeds(seed, self.replications)
        tasks = [({**self.runs[r], **theta}, s) for r in self.needed for s in seeds]
        if self.mapper is None:
            results = [run_extract(*task) for task in tasks]
        else:
            results = self.mapper(run_extract, tasks)
        extracts: dict[str, list[dict[str, float]]] = {r: [] for r in self.needed}
        for (r, _), result in zip(((r, s) for r in self.needed for s in seeds), results,
                                  strict=True):
            extracts[r].append(result)
        base = self.runs[self.needed[0]] if self.needed else {}
        return statistics(self.patterns, extracts, {**base, **theta})
