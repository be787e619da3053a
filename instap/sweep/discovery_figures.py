"""Plots of a scenario discovery (matplotlib, Agg, no pyplot): PRIM's peeling trajectory,
the chosen box's limits, the feature scores and the CART tree; one PNG each."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Colormap
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from instap.sweep.discovery import Box, Discovery

MET = "#2b8cbe"
OTHER = "#bdbdbd"


def _save(fig: Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def trajectory_plot(d: Discovery, path: Path) -> Path:
    """Coverage against density for every box PRIM peeled, coloured by the number of
    restricted factors; the chosen box circled, the box after dropping insignificant
    restrictions starred, the density target and the overall share as lines."""
    t = d.prim.trajectory
    fig = Figure(figsize=(7.5, 5))
    ax = fig.subplots()
    dims = t["res_dim"].to_numpy()
    top = max(int(dims.max()), 1)
    cmap = _discrete("viridis", top + 1)
    points = ax.scatter(t["coverage"], t["density"], c=dims, cmap=cmap, vmin=-0.5,
                        vmax=top + 0.5, s=28, zorder=3)
    bar = fig.colorbar(points, ax=ax, ticks=range(0, top + 1))
    bar.set_label("restricted factors")
    base = d.cases.k / d.cases.n
    ax.axhline(d.prim.density, color="black", ls="--", lw=1,
               label=f"density target ({100 * d.prim.density:.0f}%)")
    ax.axhline(base, color="grey", ls=":", lw=1,
               label=f"share of all cases ({100 * base:.0f}%)")
    c = d.prim.chosen
    ax.scatter([c.coverage], [c.density], s=220, facecolors="none", edgecolors="crimson",
               lw=2, zorder=4, label=f"chosen box ({c.res_dim} restricted)")
    b = d.prim.box
    if b.id != c.id:
        ax.scatter([b.coverage], [b.density], s=220, marker="*", color="crimson", zorder=5,
                   label=f"after dropping insignificant restrictions ({b.res_dim})")
    ax.set_xlim(0, 1.03)
    ax.set_ylim(0, 1.03)
    ax.set_xlabel("coverage: share of all cases meeting the condition that are in the box")
    ax.set_ylabel("density: share of the box's cases\nthat meet the condition")
    ax.set_title(f"PRIM peeling trajectory: {d.condition.text}", fontsize=10)
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(alpha=0.3)
    return _save(fig, path)


def _discrete(name: str, n: int) -> Colormap:
    from matplotlib import colormaps
    return colormaps[name].resampled(max(n, 2))


def box_plot(d: Discovery, path: Path) -> Path:
    """The chosen box's limits, one row per restricted factor on its range in the
    experiment, with each restriction's quasi-p-value."""
    b = d.prim.box
    rows = max(len(b.restrictions), 1)
    fig = Figure(figsize=(8, 1.0 + 0.75 * rows))
    ax = fig.subplots()
    _draw_box(ax, b)
    ax.set_title(f"PRIM box for {d.condition.text}: density {100 * b.density:.0f}%, "
                 f"coverage {100 * b.coverage:.0f}%, mass {100 * b.mass:.0f}%", fontsize=10)
    return _save(fig, path)


def _draw_box(ax: Axes, b: Box) -> None:
    ax.set_xlim(-0.05, 1.05)
    ax.set_xticks([])
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    if not b.restrictions:
        ax.text(0.5, 0.5, "no factor is restricted", ha="center", va="center")
        ax.set_yticks([])
        return
    n = len(b.restrictions)
    labels = []
    for i, r in enumerate(b.restrictions):
        y = n - 1 - i
        labels.append(f"{r.factor}\n(quasi-p {r.qp:.1g})")
        if r.kind == "levels":
            levels = r.all_levels
            xs = np.linspace(0.0, 1.0, len(levels)) if len(levels) > 1 else np.array([0.5])
            for x, name in zip(xs, levels, strict=True):
                kept = name in r.levels
                ax.plot([x], [y], "s", ms=11, color=MET if kept else OTHER)
                ax.text(x, y - 0.3, name, ha="center", va="top", fontsize=8,
                        color="black" if kept else "grey")
            continue
        low, high = float(r.low or 0.0), float(r.high or 1.0)
        span = high - low or 1.0
        lo = 0.0 if r.lower is None else (r.lower - low) / span
        hi = 1.0 if r.upper is None else (r.upper - low) / span
        ax.plot([0, 1], [y, y], color=OTHER, lw=6, solid_capstyle="butt")
        ax.plot([lo, hi], [y, y], color=MET, lw=6, solid_capstyle="butt")
        ax.text(0, y - 0.3, _short(low, r.integer), ha="left", va="top", fontsize=7,
                color="grey")
        ax.text(1, y - 0.3, _short(high, r.integer), ha="right", va="top", fontsize=7,
                color="grey")
        if r.lower is not None:
            ax.text(lo, y + 0.22, f"≥ {_short(r.lower, r.integer)}", ha="center",
                    va="bottom", fontsize=8)
        if r.upper is not None:
            ax.text(hi, y + 0.22, f"≤ {_short(r.upper, r.integer)}", ha="center",
                    va="bottom", fontsize=8)
    ax.set_yticks(range(n - 1, -1, -1), labels, fontsize=8)
    ax.set_ylim(-0.8, n - 0.3)


def _short(x: float, integer: bool = False) -> str:
    if integer or float(x).is_integer():
        return f"{round(x):,}"
    return f"{x:.3g}"


def scores_plot(d: Discovery, path: Path) -> Path:
    """Extra-trees feature scores per factor: for the condition and for the output."""
    s = d.scores.iloc[::-1]
    names = s["factor"].tolist()
    y = np.arange(len(names))
    fig = Figure(figsize=(7.5, 1.2 + 0.28 * len(names)))
    ax = fig.subplots()
    value_col = [c for c in s.columns if c.startswith("output")][0]
    ax.barh(y + 0.2, s["condition"], 0.4, color=MET,
            label=f"the condition ({d.condition.text})")
    ax.barh(y - 0.2, s[value_col], 0.4, color=OTHER,
            label=f"the output's value ({d.condition.output})")
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlabel("feature score (extra trees; the scores of one kind sum to 1)")
    ax.set_title("Which factors separate the cases", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def tree_plot(d: Discovery, path: Path, max_depth: int = 3) -> Path:
    """The CART tree's first ``max_depth`` levels (the whole tree is cart_tree.txt)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from sklearn.tree import plot_tree

    clf = d.cart.classifier
    depth = int(clf.get_depth())
    shown_depth = min(depth, max_depth)
    fig = Figure(figsize=(max(8.0, 3.2 * 2 ** shown_depth / 2), 2.2 + 1.6 * shown_depth))
    FigureCanvasAgg(fig)  # plot_tree measures text with the canvas's renderer
    ax = fig.subplots()
    plot_tree(clf, ax=ax, feature_names=d.cart.feature_names,
              class_names=["not met", "met"], filled=True, impurity=False, rounded=True,
              max_depth=max_depth, fontsize=7, proportion=False)
    more = "" if depth <= max_depth else f" (first {max_depth} of {depth} levels)"
    ax.set_title(f"CART tree for {d.condition.text}{more}\nleft branch: the test is true "
                 "(a test 'factor is level <= 0.5' is true when the factor is not that "
                 "level); value = [cases not meeting, meeting]", fontsize=9)
    return _save(fig, path)


def series_plots(d: Discovery, folder: Path) -> dict[str, Path]:
    """Envelopes of the sweep's kept monthly series inside and outside the PRIM box
    (``envelope_NAME``), when the sweep kept any."""
    from instap.sweep import store
    from instap.sweep.trajectories import box_groups, envelope_figure

    if d.sweep is None:
        return {}
    manifest = store.load_manifest(d.sweep)
    names = list(manifest.get("timeseries") or [])
    if not names:
        return {}
    runs = store.read_runs(d.sweep)
    groups = box_groups(runs, d.prim.box.contains(runs))
    series = store.read_series(d.sweep, names)
    return {f"envelope_{name}": envelope_figure(
        series, groups, name, ", inside and outside the box",
        folder / f"envelope_{name}.png", ["inside the box", "outside the box"])
        for name in names}


def discovery_plots(d: Discovery, folder: Path) -> dict[str, Path]:
    """All plots into ``folder``: name -> file."""
    return {"trajectory": trajectory_plot(d, folder / "prim_trajectory.png"),
            "box": box_plot(d, folder / "prim_box.png"),
            "scores": scores_plot(d, folder / "feature_scores.png"),
            "tree": tree_plot(d, folder / "cart_tree.png"),
            **series_plots(d, folder)}

