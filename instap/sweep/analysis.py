"""Sensitivity analysis of stored runs (no running here).

Indices are computed on replication means per design point. The noise floor is the share
of single-run variance that is seed noise (mean within-point variance over total variance).
Sobol convergence uses the leading N/4, N/2 and N base samples of the Saltelli design.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from instap.sweep.design import Design

CONVERGENCE_FRACTIONS = (0.25, 0.5, 1.0)
ANALYSIS_SEED = 12345  # bootstrap intervals are seeded too


@dataclass
class Analysis:
    """Every table the analysis produces, plus per-output verdicts and sentences."""

    method: str
    sensitivity: pd.DataFrame
    s2: pd.DataFrame | None = None
    convergence: pd.DataFrame | None = None
    noise: pd.DataFrame | None = None
    verdicts: dict[str, dict[str, Any]] = field(default_factory=dict)


def point_means(runs: pd.DataFrame, outputs: list[str], n_points: int) -> pd.DataFrame:
    """Mean of each output over the successful replications of each design point
    (NaN where a point has no successful run)."""
    ok = runs[runs["error"].isna()] if "error" in runs else runs
    means = ok.groupby("point")[outputs].mean()
    return means.reindex(range(n_points))


def noise_floor(runs: pd.DataFrame, outputs: list[str], replications: int) -> pd.DataFrame:
    """Per output: within-point (seed) variance, total variance and their ratio."""
    ok = runs[runs["error"].isna()] if "error" in runs else runs
    rows = []
    for out in outputs:
        total = float(ok[out].var(ddof=1)) if len(ok) > 1 else np.nan
        within = float(ok.groupby("point")[out].var(ddof=1).mean()) if replications > 1 \
            else np.nan
        share = within / total if total and total > 0 and not np.isnan(within) else np.nan
        rows.append({"output": out, "seed_variance": within, "total_variance": total,
                     "noise_share": share,
                     "noise_share_of_means": share / replications if replications else np.nan})
    return pd.DataFrame(rows)


def _sobol_once(design: Design, y: np.ndarray, blocks: int, conf: float) -> dict | None:
    from SALib.analyze import sobol
    d = len(design.factors)
    size = 2 * d + 2 if design.second_order else d + 2
    yb = y[: blocks * size].reshape(blocks, size)
    yb = yb[~np.isnan(yb).any(axis=1)]
    if len(yb) < 2 or np.nanvar(yb) == 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sobol.analyze(design.problem(), yb.ravel(), calc_second_order=design.second_order,
                             conf_level=conf, seed=ANALYSIS_SEED)


def analyze_sobol(design: Design, means: pd.DataFrame, outputs: list[str],
                  conf: float) -> Analysis:
    """First and total indices, second-order pairs, and convergence at N/4, N/2, N."""
    names = design.names()
    sens, s2, conv = [], [], []
    for out in outputs:
        y = means[out].to_numpy(dtype=float)
        for frac in CONVERGENCE_FRACTIONS:
            blocks = max(int(design.n * frac), 2)
            si = _sobol_once(design, y, blocks, conf)
            if si is None:
                continue
            for j, name in enumerate(names):
                row = {"output": out, "factor": name, "S1": si["S1"][j],
                       "S1_conf": si["S1_conf"][j], "ST": si["ST"][j], "ST_conf": si["ST_conf"][j]}
                conv.append({"n": blocks, **row})
                if frac == 1.0:
                    sens.append(row)
            if frac == 1.0 and design.second_order:
                for a in range(len(names)):
                    for b in range(a + 1, len(names)):
                        s2.append({"output": out, "factor_i": names[a], "factor_j": names[b],
                                   "S2": si["S2"][a, b], "S2_conf": si["S2_conf"][a, b]})
    cols = ["output", "factor", "S1", "S1_conf", "ST", "ST_conf"]
    result = Analysis("sobol", pd.DataFrame(sens, columns=cols),
                      convergence=pd.DataFrame(conv, columns=["n", *cols]))
    if design.second_order:
        result.s2 = pd.DataFrame(s2, columns=["output", "factor_i", "factor_j", "S2", "S2_conf"])
    return result


def ranking_verdict(conv: pd.DataFrame, output: str) -> dict[str, Any]:
    """Whether the ranking of factors by ST is the same at N/2 and N.

    A swap between two factors only counts when their ST at N differ by more than the
    sum of their confidence half-widths (otherwise they are tied within the noise).
    """
    c = conv[conv["output"] == output]
    ns = sorted(c["n"].unique())
    if len(ns) < 2:
        return {"stable": None, "note": "too few samples to judge convergence"}
    full = c[c["n"] == ns[-1]].set_index("factor")
    half = c[c["n"] == ns[-2]].set_index("factor")
    order_full = list(full["ST"].sort_values(ascending=False).index)
    order_half = list(half["ST"].sort_values(ascending=False).index)
    swaps = []
    for i, a in enumerate(order_full):
        for b in order_full[i + 1:]:
            if order_half.index(a) > order_half.index(b):
                gap = full.at[a, "ST"] - full.at[b, "ST"]
                if gap > full.at[a, "ST_conf"] + full.at[b, "ST_conf"]:
                    swaps.append((a, b))
    note = ("ranking by ST unchanged from N/2 to N (up to ties within the intervals)"
            if not swaps else "ranking changed between N/2 and N: " + ", ".join(
                f"{a} over {b}" for a, b in swaps) + "; increase n")
    return {"stable": not swaps, "note": note, "ranking": order_full}


def analyze_morris(design: Design, means: pd.DataFrame, outputs: list[str],
                   conf: float) -> Analysis:
    """mu*, its interval and sigma per factor, on trajectories without failed points."""
    from SALib.analyze import morris
    d = len(design.factors)
    rows = []
    for out in outputs:
        y = means[out].to_numpy(dtype=float).reshape(-1, d + 1)
        x = design.unit.reshape(-1, d + 1, d)
        keep = ~np.isnan(y).any(axis=1)
        if keep.sum() < 2:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            si = morris.analyze(design.problem(), x[keep].reshape(-1, d), y[keep].ravel(),
                                conf_level=conf, num_levels=design.num_levels,
                                seed=ANALYSIS_SEED)
        for j, name in enumerate(design.names()):
            rows.append({"output": out, "factor": name, "mu_star": si["mu_star"][j],
                         "mu_star_conf": si["mu_star_conf"][j], "sigma": si["sigma"][j]})
    return Analysis("morris", pd.DataFrame(
        rows, columns=["output", "factor", "mu_star", "mu_star_conf", "sigma"]))


def analyze_ofat(design: Design, runs: pd.DataFrame, outputs: list[str]) -> Analysis:
    """Response table: mean and 5-95% band over replications at each value of each factor
    (the baseline point is included in every factor's curve)."""
    ok = runs[runs["error"].isna()]
    by_point = dict(tuple(ok.groupby("point")))
    empty = ok.iloc[:0]
    rows = []
    for j, f in enumerate(design.factors):
        swept = np.flatnonzero(~np.isnan(design.unit[:, j]))
        points = [0, *swept.tolist()]
        values = design.point_values(np.asarray(points))
        for p, vals in zip(points, values, strict=True):
            r = by_point.get(p, empty)
            for out in outputs:
                y = r[out].dropna().to_numpy()
                rows.append({"output": out, "factor": f.name, "value": vals[f.name],
                             "baseline": p == 0, "mean": y.mean() if len(y) else np.nan,
                             "p05": np.percentile(y, 5) if len(y) else np.nan,
                             "p95": np.percentile(y, 95) if len(y) else np.nan, "n": len(y)})
    table = pd.DataFrame(rows, columns=["output", "factor", "value", "baseline", "mean", "p05",
                                        "p95", "n"])
    table["value"] = table["value"].astype(object)
    return Analysis("ofat", table)


def analyze_correlation(design: Design, means: pd.DataFrame, outputs: list[str]) -> Analysis:
    """LHS and factorial designs: Spearman rank correlation of each factor with each output."""
    rows = []
    for out in outputs:
        y = means[out].to_numpy(dtype=float)
        keep = ~np.isnan(y)
        for j, name in enumerate(design.names()):
            x = design.unit[keep, j]
            if keep.sum() < 3 or np.ptp(x) == 0 or np.ptp(y[keep]) == 0:
                rho, pval = np.nan, np.nan
            else:
                from scipy.stats import spearmanr  # imported only when needed: start-up

                rho, pval = spearmanr(x, y[keep])
            rows.append({"output": out, "factor": name, "spearman": float(rho),
                         "p_value": float(pval)})
    return Analysis(design.method, pd.DataFrame(
        rows, columns=["output", "factor", "spearman", "p_value"]))


def analyze(design: Design, runs: pd.DataFrame, outputs: list[str],
            conf: float = 0.95) -> Analysis:
    """The analysis for the design's method, with noise floor and per-output verdicts."""
    means = point_means(runs, outputs, design.n_points)
    if design.method == "sobol":
        result = analyze_sobol(design, means, outputs, conf)
    elif design.method == "morris":
        result = analyze_morris(design, means, outputs, conf)
    elif design.method == "ofat":
        result = analyze_ofat(design, runs, outputs)
    else:
        result = analyze_correlation(design, means, outputs)
    result.noise = noise_floor(runs, outputs, design.replications)
    for out in outputs:
        result.verdicts[out] = _verdict(result, out, design)
    return result


def _fmt(x: float) -> str:
    return "n/a" if x is None or np.isnan(x) else f"{x:.2f}"


def _verdict(a: Analysis, out: str, design: Design) -> dict[str, Any]:
    """One sentence on which levers matter most for ``out``, with the caveats."""
    s = a.sensitivity[a.sensitivity["output"] == out]
    noise = a.noise.set_index("output").loc[out] if a.noise is not None else None
    verdict: dict[str, Any] = {}
    stat = {"sobol": "ST", "morris": "mu_star", "ofat": "mean"}.get(a.method, "spearman")
    if s.empty or s[stat].isna().all():
        verdict["sentence"] = f"{out}: no analysis possible (constant or missing output)."
        return verdict
    if a.method == "sobol":
        top = s.sort_values("ST", ascending=False)
        lead = [f"{r.factor} (ST {_fmt(r.ST)} ± {_fmt(r.ST_conf)})"
                for r in top.head(2).itertuples()]
        small = int((top["ST"] < 0.05).sum())
        assert a.convergence is not None, "a Sobol analysis has its convergence table"
        verdict.update(ranking_verdict(a.convergence, out))
        text = (f"For {out}, {' and '.join(lead)} matter most; {small} of {len(top)} factors "
                f"have ST below 0.05; {verdict['note']}.")
    elif a.method == "morris":
        top = s.sort_values("mu_star", ascending=False)
        lead = [f"{r.factor} (mu* {_fmt(r.mu_star)})" for r in top.head(2).itertuples()]
        cut = 0.1 * float(top["mu_star"].max() or 0)
        keep = [r.factor for r in top.itertuples() if r.mu_star > cut]
        verdict["influential"] = keep
        text = (f"For {out}, {' and '.join(lead)} have the largest effects; {len(keep)} of "
                f"{len(top)} factors reach a tenth of the largest mu*.")
    elif a.method == "ofat":
        swing = s.groupby("factor")["mean"].agg(lambda m: m.max() - m.min()).dropna(
        ).sort_values(ascending=False)
        lead = [f"{k} (mean moves by {_fmt(v)})" for k, v in swing.head(2).items()]
        text = f"For {out}, {' and '.join(lead)} move the mean most over their ranges."
    else:
        top = s.reindex(s["spearman"].abs().sort_values(ascending=False).index)
        lead = [f"{r.factor} (rho {_fmt(r.spearman)})" for r in top.head(2).itertuples()]
        text = f"For {out}, {' and '.join(lead)} are most strongly rank-correlated with it."
    if noise is not None and not np.isnan(noise["noise_share"]):
        verdict["noise_share"] = float(noise["noise_share"])
        text += (f" Seed noise is {100 * noise['noise_share']:.0f}% of single-run variance "
                 f"(about {100 * noise['noise_share_of_means']:.0f}% for means over "
                 f"{design.replications} replications).")
    verdict["sentence"] = text
    return verdict
