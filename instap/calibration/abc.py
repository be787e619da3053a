"""ABC-SMC with pyabc on all patterns at once (issue 17; docs/calibration.md).

The algorithm is pyabc's :class:`pyabc.ABCSMC` (Toni et al. 2009; Klinger et al. 2018):
populations of weighted particles, each generation proposing from a multivariate normal
kernel fitted to the previous one, accepting a particle when its distance
(:func:`instap.calibration.simulate.max_distance`) is at most the generation's epsilon.
What instap adds is the wiring:

- **Epsilon** (:class:`FlooredQuantileEpsilon`): infinite in generation 0 (a prior
  sample), then the weighted ``quantile`` of the previous generation's distances, never
  below ``target_epsilon``. At the target (1.0), an accepted particle reproduces every
  pattern inside its region: the ABC posterior is then the exact posterior of a model in
  which each observed pattern is the model's value plus a uniform error as wide as its
  tolerance (Wilkinson 2013).
- **One generation per** ``ABCSMC.run`` **call**, with numpy's global generator (which
  pyabc draws from) reseeded from ``SeedSequence([seed, t])`` first. Every generation
  starts from what the history database holds, so a run that is stopped and resumed
  (``--resume``: :meth:`pyabc.ABCSMC.load`) is the same as one that ran through.
- **Samplers**: ``ordered`` (default) is pyabc's :class:`~pyabc.sampler.SingleCoreSampler`
  with each particle's model runs spread over the local :class:`WorkerPool` or a Dask
  cluster: particles are proposed and accepted in one fixed order, so the same seed gives
  the same posterior for any number of workers. ``multicore``
  (:class:`~pyabc.sampler.MulticoreEvalParallelSampler`) and ``dask``
  (:class:`~pyabc.sampler.DaskDistributedSampler`) evaluate particles in parallel;
  pyabc reseeds their workers from the operating system and accepts particles in
  completion order, so their posteriors are not reproducible.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from instap.calibration.simulate import ParticleModel, Simulator, max_distance, observed
from instap.calibration.spec import CalibrationSpec, Pattern
from instap.errors import InstapError

SAMPLERS = ("ordered", "multicore", "dask")


def generation_seed(seed: int, t: int) -> int:
    """The seed of numpy's global generator before generation ``t``."""
    return int(np.random.SeedSequence([seed, t]).generate_state(1)[0])


def _epsilon_class() -> type:
    from pyabc.epsilon import Epsilon
    from pyabc.weighted_statistics import weighted_quantile

    class FlooredQuantileEpsilon(Epsilon):
        """Epsilon: infinite at t=0, then the weighted ``alpha`` quantile of the previous
        generation's distances, floored at ``floor``; recomputed from the history at the
        start of every ``run`` call, so resuming changes nothing."""

        def __init__(self, alpha: float, floor: float) -> None:
            super().__init__()
            self.alpha, self.floor = alpha, floor
            self.values: dict[int, float] = {}
            self.history: Any = None  # set once the ABCSMC has its history


        def _set(self, t: int, weighted: Any) -> None:
            q = float(weighted_quantile(points=weighted["distance"].to_numpy(),
                                        weights=weighted["w"].to_numpy(), alpha=self.alpha))
            self.values[t] = max(self.floor, q)

        def initialize(self, t: int, get_weighted_distances: Callable[[], Any],
                       **_: Any) -> None:
            # pyabc caches the population it passes here for the whole object's life,
            # so read the previous generation from the history database instead
            if t == 0:
                self.values[0] = np.inf
            else:
                self._set(t, self.history.get_weighted_distances(t=t - 1))

        def update(self, t: int, get_weighted_distances: Callable[[], Any],
                   **_: Any) -> None:
            self._set(t, get_weighted_distances())

        def __call__(self, t: int) -> float:
            return self.values[t]

        def get_config(self) -> dict[str, Any]:
            return {"name": "FlooredQuantileEpsilon", "alpha": self.alpha,
                    "floor": self.floor}

    return FlooredQuantileEpsilon


def _distance(patterns: list[Pattern]) -> Any:
    from pyabc.distance import Distance

    class PatternDistance(Distance):
        """The largest scaled distance over the patterns (instap.calibration.simulate)."""

        def __call__(self, x: dict, x_0: dict, t: int | None = None,
                     par: dict | None = None) -> float:
            return max_distance(patterns, x, x_0)

    return PatternDistance()


@dataclass
class Settings:
    """How a calibration runs (not what it calibrates: that is the spec)."""

    sampler: str = "ordered"
    executor: str = "local"  # for ``ordered``: local pool or Dask
    jobs: int = 1
    scheduler: str | None = None  # Dask scheduler address (None: a local cluster)
    population_size: int | None = None  # overrides the spec's abc settings
    max_generations: int | None = None
    max_simulations: int | None = None
    replications: int | None = None

    def check(self) -> None:
        """Refuse unknown samplers and executors."""
        if self.sampler not in SAMPLERS:
            raise InstapError(f"--sampler {self.sampler}: not allowed; allowed: "
                              f"{', '.join(SAMPLERS)}")
        if self.executor not in ("local", "dask"):
            raise InstapError(f"--executor {self.executor}: not allowed; allowed: local, dask")
        if self.jobs < 1:
            raise InstapError(f"--jobs {self.jobs}: must be at least 1")


@dataclass
class Outcome:
    """What a calibration produced: the last generation and the run's record."""

    names: list[str]
    particles: np.ndarray  # one row per particle, columns in ``names`` order
    weights: np.ndarray
    generations: list[dict[str, Any]]
    abc: dict[str, Any]
    settings: Settings
    wall_seconds: float
    stopped: str
    observed: dict[str, float]
    db: Path
    extra: dict[str, Any] = field(default_factory=dict)


@contextlib.contextmanager
def _executor(settings: Settings) -> Iterator[tuple[Any, Any]]:
    """``(sampler, mapper)`` for the settings; workers are closed on leaving."""
    from pyabc import sampler as samplers

    if settings.sampler == "multicore":
        yield samplers.MulticoreEvalParallelSampler(n_procs=settings.jobs), None
        return
    if settings.sampler == "dask" or settings.executor == "dask":
        from distributed import Client, LocalCluster

        with contextlib.ExitStack() as stack:
            if settings.scheduler:
                client = stack.enter_context(Client(settings.scheduler))
            else:
                cluster = stack.enter_context(LocalCluster(
                    n_workers=settings.jobs, threads_per_worker=1, processes=True,
                    dashboard_address=None))
                client = stack.enter_context(Client(cluster))
            if settings.sampler == "dask":
                yield samplers.DaskDistributedSampler(dask_client=client), None
            else:
                def mapper(fn: Callable[..., Any], tasks: Any) -> list[Any]:
                    futures = [client.submit(fn, *task, pure=False) for task in tasks]
                    return list(client.gather(futures))
                yield samplers.SingleCoreSampler(check_max_eval=True), mapper
        return
    from instap.execution import WorkerPool

    with WorkerPool(settings.jobs) as pool:
        yield samplers.SingleCoreSampler(check_max_eval=True), (
            pool.map if settings.jobs > 1 else None)


def _generation(history: Any, t: int) -> dict[str, Any]:
    """Generation ``t``: epsilon, particles simulated and accepted, acceptance rate, ESS."""
    from pyabc.weighted_statistics import effective_sample_size

    pops = history.get_all_populations()
    row = pops[pops["t"] == t].iloc[0]
    _, w = history.get_distribution(m=0, t=t)
    sims = int(row["samples"])
    seconds = float(row["wall_time"]) if np.isfinite(row["wall_time"]) else 0.0
    return {"t": t, "epsilon": float(row["epsilon"]), "simulations": sims,
            "accepted": len(w), "acceptance_rate": len(w) / sims if sims else 0.0,
            "ess": float(effective_sample_size(np.asarray(w))), "seconds": round(seconds, 1),
            "finished": str(row["population_end_time"])}


def calibrate(spec: CalibrationSpec, db: Path, settings: Settings, resume: bool = False,
              x_0: dict[str, float] | None = None, patterns: list[Pattern] | None = None,
              log: Callable[[str], None] | None = None, finalize: bool = False,
              make_simulator: Callable[..., ParticleModel] = Simulator) -> Outcome:
    """Run (or, with ``resume``, continue) the ABC-SMC of ``spec`` into the pyabc history
    database ``db``; return the last generation. ``x_0`` and ``patterns`` replace the
    observed data and the patterns (synthetic data for the coverage check);
    ``finalize`` (with ``resume``) stops at once with the last finished generation;
    ``make_simulator`` builds the pyabc model like :class:`Simulator` (the surrogate of
    :mod:`instap.calibration.surrogate` in its checks)."""
    import pyabc

    settings.check()
    logging.getLogger("ABC").setLevel(logging.WARNING)
    logging.getLogger("ABC.Sampler").setLevel(logging.WARNING)
    logging.getLogger("ABC.History").setLevel(logging.WARNING)
    say = log or (lambda _: None)
    abc_cfg = dict(spec.abc)
    for key in ("population_size", "max_generations", "max_simulations", "replications"):
        value = getattr(settings, key)
        if value is not None:
            abc_cfg[key] = value
    pats = list(patterns or spec.patterns)
    x_obs = dict(x_0 or observed(pats))
    # Particles live on the logit scale of the prior range: a standard logistic prior
    # there is the uniform prior on the range, and the perturbation kernel never leaves
    # the range (on the bounded scale, kernels cut at the edges give particles near them
    # huge importance weights: the effective sample size collapsed to 5 of 200).
    logit = bool(abc_cfg["logit"])
    prior = pyabc.Distribution(**{
        p.name: pyabc.RV("logistic", 0, 1) if logit else pyabc.RV("uniform", p.low,
                                                                  p.high - p.low)
        for p in spec.priors})
    url = f"sqlite:///{db}"
    if resume and not db.exists():
        raise InstapError(f"--resume: {db} does not exist; start without --resume")
    if not resume and db.exists():
        raise InstapError(f"{db} exists: add --resume to continue that calibration, or "
                          "choose another --out")
    started = time.perf_counter()
    with _executor(settings) as (sampler, mapper):
        simulator = make_simulator(spec, abc_cfg["replications"], mapper, logit=logit)
        eps = _epsilon_class()(float(abc_cfg["quantile"]), float(abc_cfg["target_epsilon"]))
        # a wider kernel than Silverman's bandwidth: with 12 parameters and a few hundred
        # particles the narrow mixture is lumpy and its importance weights degenerate
        kernel = pyabc.MultivariateNormalTransition(scaling=float(abc_cfg["kernel_scaling"]))
        abc = pyabc.ABCSMC(simulator, prior, _distance(pats),
                           population_size=int(abc_cfg["population_size"]),
                           sampler=sampler, eps=eps, transitions=kernel)
        if resume:
            abc.load(url, 1)
        else:
            np.random.seed(generation_seed(int(abc_cfg["seed"]), 2**31) % 2**32)
            abc.new(url, x_obs)
        eps.history = abc.history
        stopped = ""
        gens = [_generation(abc.history, t) for t in range(abc.history.max_t + 1)]
        while not stopped:
            history = abc.history
            t = history.max_t + 1
            if gens:
                last = gens[-1]
                if finalize:
                    stopped = (f"was stopped by hand after generation {last['t']} "
                               "(--finalize)")
                elif last["epsilon"] <= abc_cfg["target_epsilon"]:
                    stopped = f"reached the target epsilon {abc_cfg['target_epsilon']:g}"
                elif t >= abc_cfg["max_generations"]:
                    stopped = f"reached {abc_cfg['max_generations']} generations"
                elif history.total_nr_simulations >= abc_cfg["max_simulations"]:
                    stopped = f"reached {abc_cfg['max_simulations']} simulated particles"
                elif t > 1 and last["acceptance_rate"] < abc_cfg["min_acceptance_rate"]:
                    stopped = "the acceptance rate fell below the minimum"
                if stopped:
                    break
            seed = generation_seed(int(abc_cfg["seed"]), t)
            np.random.seed(seed % 2**32)
            random.seed(seed)
            t0 = time.perf_counter()
            abc.run(max_nr_populations=1,
                    min_acceptance_rate=float(abc_cfg["min_acceptance_rate"]) if t > 0 else 0)
            if abc.history.max_t < t:
                stopped = (f"generation {t} did not fill its population before the "
                           "acceptance rate fell below the minimum")
                break
            g = _generation(abc.history, t)
            gens.append(g)
            say(f"generation {t}: epsilon {g['epsilon']:.3g}, {g['accepted']} of "
                f"{g['simulations']} accepted ({100 * g['acceptance_rate']:.1f}%), ESS "
                f"{g['ess']:.0f}, {time.perf_counter() - t0:.0f} s")
        history = abc.history
        df, w = history.get_distribution(m=0, t=history.max_t)
    names = spec.names
    particles = np.array([[simulator.to_theta(dict(row))[n] for n in names]
                          for _, row in df[names].iterrows()], dtype=float)
    return Outcome(names=names, particles=particles, weights=np.asarray(w, dtype=float),
                   generations=gens, abc=abc_cfg, settings=settings,
                   wall_seconds=time.perf_counter() - started, stopped=stopped,
                   observed=x_obs, db=db)
