"""Summaries over replications: mean and 95% interval of each end-of-run metric, and a
Kaplan-Meier estimate of how long the ecosystem survives.

The Kaplan-Meier estimator, Greenwood variance and log-log interval are written out with
numpy here (a few lines; no extra dependency). Survival ``S(t)`` is the probability that
the ecosystem has not collapsed by the end of month ``t``; a replication that never
collapsed is censored at its horizon.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

Z95 = 1.959963984540054
SURVIVAL_KEY = "durability.survival_months"
EVENT_KEY = "durability.collapsed"


def mean_interval(values: list[float] | np.ndarray) -> dict[str, Any]:
    """Mean and 95% t-interval of the mean, ignoring NaN; ``None`` where undefined."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = int(x.size)
    if n == 0:
        return {"mean": None, "low": None, "high": None, "n": 0}
    mean = float(x.mean())
    if n == 1:
        return {"mean": mean, "low": None, "high": None, "n": 1}
    half = float(stats.t.ppf(0.975, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return {"mean": mean, "low": mean - half, "high": mean + half, "n": n}


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

        def first(curve: np.ndarray) -> float | None:
            hit = np.flatnonzero(curve <= 0.5)
            return float(self.month[hit[0]]) if hit.size else None

        est = first(self.survival)
        return {"mean": est, "low": first(self.low), "high": first(self.high), "n": self.n,
                "reached": est is not None}


def kaplan_meier(times: list[float] | np.ndarray, events: list[float] | np.ndarray,
                 horizon: int | None = None) -> KaplanMeier:
    """Kaplan-Meier estimate of S(t) = P(T > t) for t = 0..horizon (whole months).

    ``events`` is 1 where the collapse was observed at ``times``, 0 where censored.
    The band is Greenwood's variance on the log-log scale, which stays inside [0, 1].
    """
    t = np.asarray(times, dtype=float)
    e = np.asarray(events, dtype=float) > 0.5
    ok = np.isfinite(t)
    t, e = t[ok], e[ok]
    n = int(t.size)
    last = int(np.max(t)) if n else 0
    horizon = last if horizon is None else int(horizon)
    months = np.arange(horizon + 1)
    surv = np.ones(months.size)
    var_sum = np.zeros(months.size)  # Greenwood: sum d / (r (r - d))
    s, g = 1.0, 0.0
    for m in months:
        at_risk = int(np.sum(t >= m))
        deaths = int(np.sum((t == m) & e))
        if deaths and at_risk:
            s *= 1.0 - deaths / at_risk
            g = g + deaths / (at_risk * (at_risk - deaths)) if at_risk > deaths else math.inf
        surv[m], var_sum[m] = s, g
    low, high = _loglog_band(surv, var_sum)
    return KaplanMeier(months, surv, low, high, n, min(horizon, last))


def _loglog_band(surv: np.ndarray, var_sum: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low, high = surv.copy(), surv.copy()
    inner = (surv > 0) & (surv < 1) & np.isfinite(var_sum)
    s, v = surv[inner], var_sum[inner]
    se = np.sqrt(v) / np.abs(np.log(s))
    low[inner] = s ** np.exp(Z95 * se)
    high[inner] = s ** np.exp(-Z95 * se)
    return low, high


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b": x}`` -> ``{"a": {"b": x}}``."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        node = out
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def lookup(summary: dict[str, Any], dotted: str) -> Any:
    """The entry at a dotted name in a nested summary (``KeyError`` if missing)."""
    node: Any = summary
    for part in dotted.split("."):
        node = node[part]
    return node


def summarise(metrics: list[dict[str, float]], horizon: int) -> dict[str, Any]:
    """The summary of a run: every metric's mean and interval plus the durability estimate,
    nested by the dotted metric names."""
    keys = list(dict.fromkeys(k for m in metrics for k in m))
    flat: dict[str, Any] = {k: mean_interval([m.get(k, math.nan) for m in metrics])
                            for k in keys}
    if metrics and SURVIVAL_KEY in keys:
        km = kaplan_meier([m[SURVIVAL_KEY] for m in metrics],
                          [m.get(EVENT_KEY, 0.0) for m in metrics], horizon)
        flat["durability.median_survival_months"] = km.median()
        flat["durability.p_alive_60"] = km.at(60)
        flat["durability.p_alive_120"] = km.at(120)
        flat["durability.km_curve"] = {"month": km.month.tolist(),
                                       "survival": km.survival.tolist(),
                                       "low": km.low.tolist(), "high": km.high.tolist()}
    out = nest(flat)
    out["run"] = {"replications": len(metrics), "horizon_months": horizon}
    return out
