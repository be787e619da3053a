"""Kaplan-Meier estimates of how long the ecosystem survives, over replications.

Survival ``S(t)`` is the probability that the ecosystem has not collapsed by the end of
month ``t``; a replication that never collapsed is censored at its last month.

- :func:`survival_curves` is the one estimate of ``S(t)``: the Kaplan-Meier product on
  whole months, vectorised over many samples (one row each). A run's summary, the point
  estimates of a comparison and every bootstrap resample use it, so they agree to the
  last bit. It stays vectorised because the bootstrap of :mod:`instap.stats` evaluates
  2,000 resamples per pair: about 0.05 s for a pair of 20 replications in one pass, where
  ``scipy.stats.ecdf`` called per resample takes about 1 s.
- :func:`kaplan_meier` is one curve with its pointwise 95% band, Greenwood's variance on
  the log-log scale, from ``scipy.stats.ecdf(...).sf.confidence_interval("log-log")``.

``tests/test_survival.py`` checks :func:`survival_curves` against ``scipy.stats.ecdf``
(they agree to a rounding unit, 2.2e-16). They are not bit-identical: scipy multiplies
``(n - d) / n`` (and, without censoring, uses ``1 - deaths / n``) where this module
multiplies ``1 - d / n``, as the results so far were computed. Where ``S(t)`` is exactly
0.5 that last bit decides the month in which the median is reached, so taking scipy's
bits would change stored comparison numbers.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

SURVIVAL_KEY = "durability.survival_months"
EVENT_KEY = "durability.collapsed"
MEDIAN_KEY = "durability.median_survival_months"
# Survival quantiles by the share of runs collapsed: q25 is the first month with S(t) <= 0.75
# (a quarter collapsed), q75 the first with S(t) <= 0.25 (three quarters collapsed).
QUANTILE_KEYS = {0.25: "durability.survival_q25_months",
                 0.75: "durability.survival_q75_months"}
ALIVE_AT = {60: "durability.p_alive_60", 120: "durability.p_alive_120"}
DURABILITY_METRICS = (MEDIAN_KEY, *ALIVE_AT.values())


def survival_curves(times: np.ndarray, events: np.ndarray, months: int) -> np.ndarray:
    """Kaplan-Meier ``S(t)`` for ``t = 0..months`` for each row of ``times`` (rows:
    samples; 1-d input is one sample). ``events`` is true where the collapse was observed,
    false where censored. Past a row's last observation the curve is carried forward."""
    times = np.atleast_2d(np.asarray(times, dtype=float))
    events = np.atleast_2d(np.asarray(events, dtype=float) > 0.5)
    out = np.empty((times.shape[0], months + 1))
    s = np.ones(times.shape[0])
    for t in range(months + 1):
        at_risk = (times >= t).sum(axis=1)
        deaths = ((times == t) & events).sum(axis=1)
        s = s * (1.0 - np.where(at_risk > 0, deaths / np.maximum(at_risk, 1), 0.0))
        out[:, t] = s
    return out


def durability_statistics(curves: np.ndarray, times: np.ndarray, horizon: int
                          ) -> dict[str, np.ndarray]:
    """Per row of :func:`survival_curves`: the median survival (first month with
    ``S(t) <= 0.5``; ``horizon`` when not reached) and ``S(60)``, ``S(120)``, NaN where
    not estimable: beyond the row's last observed time (``times``), unless every run of
    the row had collapsed (the curve reached 0)."""
    below = curves <= 0.5
    median = np.where(below.any(axis=1), below.argmax(axis=1), float(horizon)).astype(float)
    last = np.atleast_2d(np.asarray(times, dtype=float)).max(axis=1)
    out = {MEDIAN_KEY: median}
    for t, key in ALIVE_AT.items():
        if t >= curves.shape[1]:
            out[key] = np.full(len(curves), np.nan)
        else:
            unknown = (t > last) & (curves[:, -1] > 0)
            out[key] = np.where(unknown, np.nan, curves[:, t])
    return out


@dataclass
class KaplanMeier:
    """A Kaplan-Meier curve on whole months 0..horizon with a pointwise 95% band."""

    month: np.ndarray
    survival: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n: int
    horizon: int  # the last month with anyone still under observation

    def at(self, t: int) -> dict[str, Any]:
        """S(t) with its interval; ``None`` beyond the horizon (not estimable), except
        that a curve which reached 0 (every replication collapsed) stays 0."""
        if t > self.horizon and self.survival.size and self.survival[-1] == 0.0:
            return {"mean": 0.0, "low": 0.0, "high": 0.0, "n": self.n, "estimable": True}
        if t > self.horizon or t < 0:
            return {"mean": None, "low": None, "high": None, "n": self.n, "estimable": False}
        return {"mean": float(self.survival[t]), "low": float(self.low[t]),
                "high": float(self.high[t]), "n": self.n, "estimable": True}

    def median(self) -> dict[str, Any]:
        """Median survival: first month with S(t) <= 0.5, interval from the band
        (Brookmeyer-Crowley style); ``None`` and ``reached: False`` when not reached."""
        return self.quantile(0.5)

    def quantile(self, collapsed: float) -> dict[str, Any]:
        """The month by which a share ``collapsed`` of the runs has collapsed: the first
        month with ``S(t) <= 1 - collapsed``, interval from the band as for the median
        (the lower band gets there first); ``None`` and ``reached: False`` when the curve
        does not get there. ``quantile(0.5)`` is the median."""
        level = 1.0 - collapsed

        def first(curve: np.ndarray) -> float | None:
            hit = np.flatnonzero(curve <= level)
            return float(self.month[hit[0]]) if hit.size else None

        est = first(self.survival)
        return {"mean": est, "low": first(self.low), "high": first(self.high), "n": self.n,
                "reached": est is not None}

    def curve(self) -> dict[str, list[float]]:
        """The curve as plain lists (``summary.json``'s ``durability.km_curve``)."""
        return {"month": self.month.tolist(), "survival": self.survival.tolist(),
                "low": self.low.tolist(), "high": self.high.tolist()}


def kaplan_meier(times: list[float] | np.ndarray, events: list[float] | np.ndarray,
                 horizon: int | None = None) -> KaplanMeier:
    """Kaplan-Meier estimate of S(t) = P(T > t) for t = 0..horizon (whole months).

    ``events`` is 1 where the collapse was observed at ``times``, 0 where censored;
    non-finite times are left out. The band is Greenwood's variance on the log-log scale
    (scipy), which stays inside [0, 1]; where S(t) is 0 or 1 the band is S(t) itself.
    """
    t = np.asarray(times, dtype=float)
    e = np.asarray(events, dtype=float) > 0.5
    ok = np.isfinite(t)
    t, e = t[ok], e[ok]
    n = int(t.size)
    last = int(np.max(t)) if n else 0
    horizon = last if horizon is None else int(horizon)
    months = np.arange(horizon + 1)
    surv = survival_curves(t, e, horizon)[0]
    low, high = _loglog_band(t, e, months, surv)
    return KaplanMeier(months, surv, low, high, n, min(horizon, last))


def _loglog_band(t: np.ndarray, e: np.ndarray, months: np.ndarray, surv: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    if t.size == 0:
        return surv.copy(), surv.copy()
    sf = stats.ecdf(stats.CensoredData(uncensored=t[e], right=t[~e])).sf
    with warnings.catch_warnings():
        # undefined where S is 0 or 1 (no spread on the log-log scale); handled below
        warnings.filterwarnings("ignore", "The confidence interval is undefined",
                                RuntimeWarning)
        band = sf.confidence_interval(0.95, method="log-log")
    low, high = band.low.evaluate(months), band.high.evaluate(months)
    undefined = ~(np.isfinite(low) & np.isfinite(high))
    low[undefined], high[undefined] = surv[undefined], surv[undefined]
    return low, high
