"""Plots of a sweep's analysis (matplotlib, Agg): one PNG per output and chart type."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from instap.sweep.analysis import Analysis

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from numpy.typing import NDArray


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def _subplots(figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """A figure with one axes, like ``pyplot.subplots`` but without pyplot."""
    # matplotlib is imported only when a chart is drawn (about 1 s of CPU); no pyplot: no
    # global state, faster start-up
    from matplotlib.figure import Figure
    fig = Figure(figsize=figsize)
    return fig, fig.subplots()


def _grid(figsize: tuple[float, float], rows: int, cols: int) -> tuple[Figure, NDArray[Any]]:
    """A figure with a ``rows`` x ``cols`` array of axes (always 2-D)."""
    from matplotlib.figure import Figure
    fig = Figure(figsize=figsize)
    return fig, fig.subplots(rows, cols, squeeze=False)


def _save(fig: Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def sobol_bars(a: Analysis, out: str, folder: Path) -> Path:
    """S1 and ST per factor with their confidence intervals."""
    s = a.sensitivity[a.sensitivity["output"] == out].sort_values("ST", ascending=False)
    x = np.arange(len(s))
    fig, ax = _subplots((1.2 * len(s) + 3, 4))
    ax.bar(x - 0.2, s["S1"], 0.4, yerr=s["S1_conf"], capsize=3, label="first order S1")
    ax.bar(x + 0.2, s["ST"], 0.4, yerr=s["ST_conf"], capsize=3, label="total ST")
    ax.set_xticks(x, s["factor"], rotation=30, ha="right")
    ax.set_ylabel("Sobol index (share of variance)")
    ax.set_title(f"Sobol indices: {out}")
    ax.legend()
    return _save(fig, folder / f"sobol_{_slug(out)}.png")


def convergence_lines(a: Analysis, out: str, folder: Path) -> Path:
    """ST (with intervals) at N/4, N/2 and N per factor."""
    assert a.convergence is not None, "a Sobol analysis has its convergence table"
    c = a.convergence[a.convergence["output"] == out]
    fig, ax = _subplots((6, 4))
    for name, g in c.groupby("factor", sort=False):
        ax.errorbar(g["n"], g["ST"], yerr=g["ST_conf"], marker="o", capsize=3, label=name)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("base sample size N")
    ax.set_ylabel("total index ST")
    ax.set_title(f"Convergence of ST: {out}")
    ax.legend(fontsize=7)
    return _save(fig, folder / f"convergence_{_slug(out)}.png")


def morris_chart(a: Analysis, out: str, folder: Path) -> Path:
    """mu* against sigma: far right is influential, high up is non-linear or interacting."""
    s = a.sensitivity[a.sensitivity["output"] == out]
    fig, ax = _subplots((6, 4.5))
    ax.errorbar(s["mu_star"], s["sigma"], xerr=s["mu_star_conf"], fmt="o", capsize=3)
    for r in s.itertuples():
        ax.annotate(r.factor, (r.mu_star, r.sigma), fontsize=7, xytext=(3, 3),
                    textcoords="offset points")
    ax.set_xlabel("mu* (mean absolute elementary effect)")
    ax.set_ylabel("sigma (spread of elementary effects)")
    ax.set_title(f"Morris screening: {out}")
    return _save(fig, folder / f"morris_{_slug(out)}.png")


def ofat_curves(a: Analysis, out: str, folder: Path) -> Path:
    """Mean response with the 5-95% replication band, one panel per factor."""
    s = a.sensitivity[a.sensitivity["output"] == out]
    factors = list(dict.fromkeys(s["factor"]))
    cols = min(3, len(factors))
    rows = -(-len(factors) // cols)
    fig, axes = _grid((4 * cols, 3.2 * rows), rows, cols)
    for ax, name in zip(axes.flat, factors, strict=False):
        g = s[s["factor"] == name]
        base = g[g["baseline"]]
        g = g[~g["baseline"]]
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in g["value"])
        x = g["value"].astype(float).to_numpy() if numeric else np.arange(len(g))
        ax.fill_between(x, g["p05"], g["p95"], alpha=0.3, label="5-95% of runs")
        ax.plot(x, g["mean"], marker=".", label="mean")
        if not numeric:
            ax.set_xticks(x, [str(v) for v in g["value"]], rotation=20)
        if len(base):
            ax.axhline(float(base["mean"].iloc[0]), color="grey", ls="--", lw=1,
                       label="baseline")
        ax.set_xlabel(name)
        ax.set_ylabel(out)
        ax.set_title(name, fontsize=9)
    for ax in list(axes.flat)[len(factors):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle(f"One factor at a time: {out}")
    return _save(fig, folder / f"ofat_{_slug(out)}.png")


def correlation_bars(a: Analysis, out: str, folder: Path) -> Path:
    """Spearman rank correlation per factor (LHS and factorial designs)."""
    s = a.sensitivity[a.sensitivity["output"] == out]
    fig, ax = _subplots((1.0 * len(s) + 3, 4))
    ax.bar(s["factor"], s["spearman"])
    ax.axhline(0, color="black", lw=0.8)
    ax.set_ylabel("Spearman rank correlation")
    ax.set_title(f"Rank correlation with {out}")
    ax.tick_params(axis="x", rotation=30)
    return _save(fig, folder / f"correlation_{_slug(out)}.png")


def make_plots(a: Analysis, outputs: list[str], folder: Path) -> dict[str, list[Path]]:
    """All plots of an analysis into ``folder``; return the files per output."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[Path]] = {}
    for out in outputs:
        if a.sensitivity[a.sensitivity["output"] == out].empty:
            files[out] = []
            continue
        if a.method == "sobol":
            files[out] = [sobol_bars(a, out, folder), convergence_lines(a, out, folder)]
        elif a.method == "morris":
            files[out] = [morris_chart(a, out, folder)]
        elif a.method == "ofat":
            files[out] = [ofat_curves(a, out, folder)]
        else:
            rows = a.sensitivity[a.sensitivity["output"] == out]
            # No factor varied (or the output did not): there is nothing to draw.
            files[out] = [] if rows["spearman"].isna().all() else [
                correlation_bars(a, out, folder)]
    return files
