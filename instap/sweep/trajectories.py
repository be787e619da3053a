"""Monthly series of a sweep (``timeseries:``) drawn as envelopes per group of runs.

The groups are the policies of an experiment with levers, or the levels of the factors
that matter most (a factor with ``levels``, or a numeric factor split into its lower,
middle and upper third of values), or inside and outside a PRIM box
(:func:`box_groups`). Each envelope is the median over the group's runs per month with
the band from the 25th to the 75th percentile.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

#: Factors whose levels get envelopes in a sweep without levers: the first ones of the
#: sensitivity ranking of the first output.
ENVELOPE_FACTORS = 3
#: The band around the median: these quantiles of the group's runs per month.
BAND = (0.25, 0.75)
THIRDS = ("lower third", "middle third", "upper third")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def factor_groups(runs: pd.DataFrame, factor: str) -> tuple[pd.Series, list[str]]:
    """A label per run (the factor's level, or its third of the values drawn) and the
    labels in the order to draw them (levels by name, thirds from low to high)."""
    values = runs[factor]
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if not numeric or values.nunique() <= len(THIRDS):
        groups = pd.Series([f"{factor} = {v}" for v in values], index=runs["run_id"])
        return groups, sorted(set(groups))
    cuts = np.quantile(values.to_numpy(dtype=float), [1 / 3, 2 / 3])
    which = np.searchsorted(cuts, values.to_numpy(dtype=float), side="right")
    edges = [values.min(), *cuts, values.max()]
    labels = [f"{factor}: {THIRDS[i]} ({edges[i]:.3g} to {edges[i + 1]:.3g})" for i in range(3)]
    groups = pd.Series([labels[i] for i in which], index=runs["run_id"])
    return groups, [label for label in labels if label in set(groups)]


def ranked_factors(sensitivity: pd.DataFrame | None, factors: list[str],
                   output: str | None) -> list[str]:
    """The factors to draw envelopes for: the first :data:`ENVELOPE_FACTORS` of the
    ranking of ``output`` (by ``ST``, ``mu_star`` or the absolute Spearman correlation),
    else the first factors of the design."""
    if sensitivity is None or output is None or sensitivity.empty:
        return factors[:ENVELOPE_FACTORS]
    rows = sensitivity[sensitivity["output"] == output]
    for col in ("ST", "mu_star", "spearman"):
        if col in rows and rows[col].notna().any():
            key = rows[col].abs()
            order = rows.assign(_k=key).sort_values("_k", ascending=False, kind="stable")
            ranked = [f for f in order["factor"] if f in factors]
            if ranked:
                return ranked[:ENVELOPE_FACTORS]
    return factors[:ENVELOPE_FACTORS]


def is_binary(values: pd.Series) -> bool:
    """Whether a series only takes the values 0 and 1 (``alive``, ``funded``)."""
    return bool(values.dropna().isin([0.0, 1.0]).all())


def envelopes(series: pd.DataFrame, groups: pd.Series, name: str) -> pd.DataFrame:
    """Per group and month: ``median``, ``low``, ``high`` (the :data:`BAND`) and ``runs``;
    for a 0/1 series the share of runs at 1 (as ``median``, with no band)."""
    data = series[["run_id", "month", name]].copy()
    data["group"] = data["run_id"].map(groups)
    data = data.dropna(subset=["group"])
    g = data.groupby(["group", "month"], sort=False)[name]
    if is_binary(data[name]):
        out = g.agg(median="mean", runs="count").reset_index()
        out["low"] = out["high"] = out["median"]
        return out
    out = g.agg(median="median", runs="count").reset_index()
    out["low"] = g.quantile(BAND[0]).to_numpy()
    out["high"] = g.quantile(BAND[1]).to_numpy()
    return out


def envelope_figure(series: pd.DataFrame, groups: pd.Series, name: str, by: str,
                    path: Path, order: list[str] | None = None) -> Path:
    """One panel: the envelope of series ``name`` per group (median line, 25-75% band;
    for a 0/1 series the share of runs at 1); ``by`` ends the title (``, per policy``)."""
    env = envelopes(series, groups, name)
    binary = is_binary(series[name])
    title = f"{name}: {'share of runs at 1' if binary else 'median and 25-75% band'}{by}"
    labels = order or list(dict.fromkeys(groups.loc[groups.index.isin(series["run_id"])]))
    fig = Figure(figsize=(8.5, 4.6))
    ax = fig.subplots()
    colors = [f"C{i % 10}" for i in range(len(labels))]
    for label, color in zip(labels, colors, strict=True):
        e = env[env["group"] == label]
        if e.empty:
            continue
        ax.plot(e["month"], e["median"], color=color, lw=1.8,
                label=f"{label} ({int(e['runs'].iloc[0])} runs)")
        if not binary:
            ax.fill_between(e["month"], e["low"], e["high"], color=color, alpha=0.12, lw=0)
    ax.set_xlabel("month")
    ax.set_ylabel(f"share of runs with {name} = 1" if binary else name)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    return path


def sweep_envelopes(series: pd.DataFrame, runs: pd.DataFrame, manifest: dict[str, Any],
                    sensitivity: pd.DataFrame | None, folder: Path) -> list[Path]:
    """The envelope plots of a sweep: per policy (levers), else per level of the factors
    that matter most; one PNG per series (and factor)."""
    names = list(manifest.get("timeseries") or [])
    policies = list(manifest["design"].get("policies") or [])
    files: list[Path] = []
    if not names or series.empty:
        return files
    if policies:
        groups = pd.Series(runs["policy"].to_numpy(), index=runs["run_id"])
        for name in names:
            files.append(envelope_figure(
                series, groups, name, " over the futures, per policy",
                folder / f"envelope_{_slug(name)}_policy.png", policies))
        return files
    factors = [f["name"] for f in manifest["design"]["factors"]]
    outputs = list(manifest.get("outputs") or [])
    for factor in ranked_factors(sensitivity, factors, outputs[0] if outputs else None):
        groups, order = factor_groups(runs, factor)
        for name in names:
            files.append(envelope_figure(
                series, groups, name, f", by {factor}",
                folder / f"envelope_{_slug(name)}_{_slug(factor)}.png", order))
    return files


def box_groups(runs: pd.DataFrame, inside: np.ndarray) -> pd.Series:
    """A label per run: inside or outside a PRIM box (``inside``: one flag per run)."""
    return pd.Series(np.where(inside, "inside the box", "outside the box"),
                     index=runs["run_id"].to_numpy())
