"""Statistics over replications and between scenarios: the numbers of ``comparison.csv``.

Per metric and scenario:

- end-of-run metrics: mean and 95% t-interval over replications; the difference from the
  first scenario is the mean of the paired differences (replications matched by seed,
  common random numbers) with its 95% t-interval, or a Welch interval when the seeds
  differ;
- durability (:data:`instap.survival.DURABILITY_METRICS`): the Kaplan-Meier estimate and
  its interval (:mod:`instap.survival`); the difference from the first scenario with a 95%
  percentile interval from a bootstrap over replications (paired: the same replications
  are drawn for both scenarios) with a seeded :class:`numpy.random.Generator`. A median
  that is not reached within the horizon enters differences as the horizon (a lower
  bound).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from instap.survival import (
    ALIVE_AT,
    DURABILITY_METRICS,
    EVENT_KEY,
    MEDIAN_KEY,
    SURVIVAL_KEY,
    KaplanMeier,
    durability_statistics,
    kaplan_meier,
    survival_curves,
)

if TYPE_CHECKING:
    from instap.inputs import ScenarioData

CSV_COLUMNS = ("metric", "scenario", "n", "mean", "low", "high", "diff", "diff_low",
               "diff_high", "method")
BOOTSTRAP = 2000  # resamples per pair of scenarios
# The bootstrap generator is seeded with [--seed, BOOTSTRAP_SALT]; the salt keeps its
# stream apart from the replication seeds, and must not change: comparison.csv depends on it.
BOOTSTRAP_SALT = 20261125  # equal to DEFAULT_SEED by history, independent of it


def mean_interval(values: list[float] | np.ndarray) -> dict[str, Any]:
    """Mean and 95% interval of the mean, ignoring NaN; ``None`` where undefined.

    A t-interval, except for yes/no outcomes (every value 0 or 1, such as
    ``durability.cause.<route>``): their mean is a share of runs, and its interval is the
    Wilson score interval, which stays within 0 and 1 (Brown, Cai and DasGupta 2001)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = int(x.size)
    if n == 0:
        return {"mean": None, "low": None, "high": None, "n": 0}
    mean = float(x.mean())
    if np.isin(x, (0.0, 1.0)).all():
        low, high = wilson_interval(int(x.sum()), n)
        return {"mean": mean, "low": low, "high": high, "n": n}
    if n == 1:
        return {"mean": mean, "low": None, "high": None, "n": 1}
    half = float(stats.t.ppf(0.975, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return {"mean": mean, "low": mean - half, "high": mean + half, "n": n}


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a share ``successes / n`` (within 0 and 1), from scipy."""
    ci = stats.binomtest(successes, n).proportion_ci(confidence_level=confidence,
                                                     method="wilson")
    return float(ci.low), float(ci.high)


def paired_difference(a: np.ndarray, b: np.ndarray) -> dict[str, Any]:
    """Mean of ``b - a`` over pairs with both values finite, with its 95% t-interval."""
    d = b - a
    return mean_interval(d[np.isfinite(d)])


def welch_difference(a: np.ndarray, b: np.ndarray) -> dict[str, Any]:
    """Difference of means ``mean(b) - mean(a)`` with a 95% Welch t-interval."""
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if len(a) == 0 or len(b) == 0:
        return {"mean": None, "low": None, "high": None, "n": 0}
    diff = float(b.mean() - a.mean())
    if len(a) < 2 or len(b) < 2:
        return {"mean": diff, "low": None, "high": None, "n": min(len(a), len(b))}
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return {"mean": diff, "low": diff, "high": diff, "n": min(len(a), len(b))}
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    half = float(stats.t.ppf(0.975, df) * se)
    return {"mean": diff, "low": diff - half, "high": diff + half, "n": min(len(a), len(b))}


def durability_difference(a: tuple[np.ndarray, np.ndarray, int],
                          b: tuple[np.ndarray, np.ndarray, int], paired: bool,
                          rng: np.random.Generator) -> dict[str, dict[str, Any]]:
    """Difference ``b - a`` of the durability statistics with a bootstrap 95% interval.

    ``a`` and ``b`` are (survival times, collapse observed, horizon); when ``paired``, row
    *i* of both is the same replication and each resample draws the same rows from both.
    The interval is ``None`` when fewer than half of the resamples give a difference.
    """
    (ta, ea, ha), (tb, eb, hb) = a, b
    months = max(ha, hb)
    point_a = durability_statistics(survival_curves(ta, ea, months), ta, ha)
    point_b = durability_statistics(survival_curves(tb, eb, months), tb, hb)
    ia = rng.integers(0, len(ta), (BOOTSTRAP, len(ta)))
    ib = ia if paired else rng.integers(0, len(tb), (BOOTSTRAP, len(tb)))
    boot_a = durability_statistics(survival_curves(ta[ia], ea[ia], months), ta[ia], ha)
    boot_b = durability_statistics(survival_curves(tb[ib], eb[ib], months), tb[ib], hb)
    out: dict[str, dict[str, float | None]] = {}
    for key in DURABILITY_METRICS:
        diff = float(point_b[key][0] - point_a[key][0])
        d = boot_b[key] - boot_a[key]
        d = d[np.isfinite(d)]
        if not math.isfinite(diff) or d.size < BOOTSTRAP // 2:
            out[key] = {"mean": None, "low": None, "high": None}
            continue
        low, high = np.percentile(d, [2.5, 97.5])
        out[key] = {"mean": diff, "low": float(low), "high": float(high)}
    return out


def survival_data(sc: ScenarioData) -> tuple[np.ndarray, np.ndarray]:
    """(survival months, collapse observed) per replication of ``sc``."""
    m = sc.metrics
    events = m[EVENT_KEY].to_numpy(float) if EVENT_KEY in m else np.zeros(len(m))
    return m[SURVIVAL_KEY].to_numpy(float), events > 0.5


def scenario_km(sc: ScenarioData) -> KaplanMeier:
    """The Kaplan-Meier curve of ``sc`` over its replications, to its horizon."""
    return kaplan_meier(*survival_data(sc), sc.horizon)


def comparison_table(scenarios: Sequence[ScenarioData], seed: int = 0) -> pd.DataFrame:
    """The rows of ``comparison.csv``: every metric for every scenario, with differences
    from the first; ``seed`` seeds the bootstrap."""
    ref = scenarios[0]
    rng = np.random.default_rng([seed, BOOTSTRAP_SALT])
    km_diffs = {sc.name: _durability_differences(ref, sc, rng) for sc in scenarios[1:]}
    rows = []
    for sc in scenarios:
        km = scenario_km(sc)
        estimates = {MEDIAN_KEY: km.median(), **{key: km.at(t) for t, key in ALIVE_AT.items()}}
        for key in DURABILITY_METRICS:
            est = estimates[key]
            row = {"metric": key, "scenario": sc.name, "n": len(sc.metrics), "mean": est["mean"],
                   "low": est["low"], "high": est["high"]}
            if sc is ref:
                zero = 0.0 if est["mean"] is not None or key == MEDIAN_KEY else None
                row.update(diff=zero, diff_low=zero, diff_high=zero, method="reference")
            else:
                d = km_diffs[sc.name][key]
                row.update(diff=d["mean"], diff_low=d["low"], diff_high=d["high"],
                           method="paired bootstrap" if sc.seeds == ref.seeds else "bootstrap")
            rows.append(row)
    metric_keys = [k for k in dict.fromkeys(c for sc in scenarios for c in sc.metrics.columns)
                   if k not in ("replication", "seed")]
    for key in metric_keys:
        rows += [_metric_row(ref, sc, key) for sc in scenarios]
    table = pd.DataFrame(rows, columns=list(CSV_COLUMNS))
    for col in ("mean", "low", "high", "diff", "diff_low", "diff_high"):
        table[col] = pd.to_numeric(table[col], errors="coerce").astype(float)
    return table


def table_row(table: pd.DataFrame, metric: str, scenario: str) -> dict[str, Any] | None:
    """One row of :func:`comparison_table` as a dict (NaN as ``None``); ``None`` if absent."""
    hit = table[(table["metric"] == metric) & (table["scenario"] == scenario)]
    if hit.empty:
        return None
    return {k: (_nan_to_none(v) if isinstance(v, float) else v)
            for k, v in hit.iloc[0].to_dict().items()}


def _durability_differences(ref: ScenarioData, sc: ScenarioData, rng: np.random.Generator
                            ) -> dict[str, dict[str, Any]]:
    paired = sc.seeds == ref.seeds
    (ta, ea), (tb, eb) = survival_data(ref), survival_data(sc)
    if paired:
        order_b = [sc.seeds.index(s) for s in ref.seeds]
        tb, eb = tb[order_b], eb[order_b]
    return durability_difference((ta, ea, ref.horizon), (tb, eb, sc.horizon), paired, rng)


def _metric_row(ref: ScenarioData, sc: ScenarioData, key: str) -> dict[str, Any]:
    values = sc.metrics[key].to_numpy(float) if key in sc.metrics else np.array([])
    est = mean_interval(values)
    row = {"metric": key, "scenario": sc.name, "n": est["n"], "mean": est["mean"],
           "low": est["low"], "high": est["high"]}
    if sc is ref:
        zero = 0.0 if est["mean"] is not None else None
        row.update(diff=zero, diff_low=zero, diff_high=zero, method="reference")
    elif sc.seeds == ref.seeds:
        d = paired_difference(*_pairs(ref, sc, key))
        row.update(diff=d["mean"], diff_low=d["low"], diff_high=d["high"], method="paired t")
    else:
        a = ref.metrics[key].to_numpy(float) if key in ref.metrics else np.array([])
        d = welch_difference(a, values)
        row.update(diff=d["mean"], diff_low=d["low"], diff_high=d["high"], method="Welch t")
    return row


def _pairs(ref: ScenarioData, sc: ScenarioData, key: str) -> tuple[np.ndarray, np.ndarray]:
    """Values of ``key`` matched by seed (only seeds both scenarios ran)."""
    a = ref.metrics.set_index("seed")[key] if key in ref.metrics else pd.Series(dtype=float)
    b = sc.metrics.set_index("seed")[key] if key in sc.metrics else pd.Series(dtype=float)
    common = [s for s in ref.seeds if s in b.index and s in a.index]
    return a.loc[common].to_numpy(float), b.loc[common].to_numpy(float)


def _nan_to_none(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)
