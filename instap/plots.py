"""Figures: envelopes over replications and survival curves, of a run (PNG files) and of
scenarios side by side (for the HTML reports). No GUI.

Figures are built with :class:`matplotlib.figure.Figure` directly (the Agg canvas), so
nothing here touches pyplot's global state. Colours are the Okabe-Ito palette, which
stays distinguishable for colour-blind readers.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from instap.collapse import LABELS, ROUTES, cause_shares

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442",
             "#000000")

PATHWAY = {"unreached": "unreached", "engaged": "engaged", "in_track": "in a track",
           "entry_job": "in an entry job", "regular_work": "in regular work"}
COALITION = {"coalition_foundation": "foundations",
             "coalition_regular_employer": "regular employers",
             "coalition_social_enterprise": "social enterprises",
             "coalition_housing_corporation": "housing corporations",
             "coalition_bank": "banks"}
TRUST = {"trust_municipality_foundation": "municipality - foundations",
         "trust_municipality_firm": "municipality - firms",
         "trust_foundation_firm": "foundations - firms"}
POLITICS = {"political_support": "council's support (0-1)",
            "budget_level": "coaching budget (1 = the start)"}
MONEY = {"municipal_spending": "municipal programme spending",
         "benefit_savings": "benefits saved (people in work)",
         "outcome_payments": "SIB outcome payments"}


def _matrix(data: pd.DataFrame | Sequence[Any], column: str) -> tuple[np.ndarray, np.ndarray]:
    """(months, values[rep, month]) from a long frame or a list of per-replication data."""
    if isinstance(data, pd.DataFrame):
        wide = data.pivot(index="month", columns="replication", values=column).sort_index()
        return wide.index.to_numpy(), wide.to_numpy(dtype=float).T
    rows = [np.asarray(rep[column], dtype=float) for rep in data]
    months = np.asarray(data[0]["month"]) if len(data) else np.arange(0)
    length = min((r.size for r in rows), default=0)
    return months[:length], np.vstack([r[:length] for r in rows]) if rows else np.zeros((0, 0))


def envelope(ax: Axes, data: pd.DataFrame | Sequence[Any], column: str, label: str,
             color: str, band: tuple[float, float] = (5.0, 95.0)) -> None:
    """Draw the median over replications and a shaded 5-95% band of ``column``.

    ``data`` is a long DataFrame (columns ``replication``, ``month``, ``column``; as
    stored in ``timeseries.parquet``) or a list with one mapping/DataFrame per replication.
    """
    months, values = _matrix(data, column)
    if values.size == 0:
        return
    with warnings.catch_warnings():
        # Months where no replication has a value (trust after everyone left) stay
        # gaps in the line; numpy's "All-NaN slice" warning would only reach the terminal.
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, mid, hi = np.nanpercentile(values, [band[0], 50.0, band[1]], axis=0)
    ax.fill_between(months, lo, hi, color=color, alpha=0.25, linewidth=0)
    ax.plot(months, mid, color=color, label=label, linewidth=1.8)


def _panel(data: pd.DataFrame, columns: dict[str, str], title: str, ylabel: str,
           path: Path, scale: float = 1.0) -> None:
    fig = Figure(figsize=(8, 4.5), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    frame = data
    if scale != 1.0:
        frame = data.copy()
        frame[list(columns)] = frame[list(columns)] / scale
    for i, (column, label) in enumerate(columns.items()):
        envelope(ax, frame, column, label, OKABE_ITO[i % len(OKABE_ITO)])
    ax.set_title(f"{title}\nmedian and 5-95% band over {data['replication'].nunique()} "
                 "replications", fontsize=11)
    ax.set_xlabel("month")
    ax.set_ylabel(ylabel)
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.savefig(path)


def survival_plot(km_curve: dict[str, list[float]], path: Path, title: str = "",
                  causes: Mapping[str, float] | None = None) -> None:
    """The Kaplan-Meier curve of the ecosystem with its 95% band and, next to it, the share
    of runs that collapsed by each route (``causes``: route to share of runs)."""
    fig = Figure(figsize=(10.5, 4.5) if causes else (8, 4.5), dpi=110, layout="constrained")
    if causes:
        ax, bars = fig.subplots(1, 2, width_ratios=[2.3, 1])
        routes = [r for r in ROUTES if r in causes]
        shares = [100 * causes[r] for r in routes]
        colours = [OKABE_ITO[(i + 4) % len(OKABE_ITO)] for i in range(len(routes))]
        bars.barh([LABELS[r] for r in routes], shares, color=colours)
        for y, share in enumerate(shares):
            bars.text(share + 2, y, f"{share:.0f}%", va="center", fontsize=8)
        bars.set_xlim(0, 115)
        bars.invert_yaxis()
        bars.set_xlabel("share of runs (%)")
        bars.set_title("How the runs ended", fontsize=11)
        bars.grid(axis="x", alpha=0.3)
    else:
        ax = fig.add_subplot()
    m = np.asarray(km_curve["month"])
    ax.fill_between(m, km_curve["low"], km_curve["high"], step="post",
                    color=OKABE_ITO[3], alpha=0.25, linewidth=0, label="95% band")
    ax.step(m, km_curve["survival"], where="post", color=OKABE_ITO[3], linewidth=2,
            label="Kaplan-Meier estimate")
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, m[-1] if m.size else 1)
    ax.set_title(title or "Survival of the ecosystem", fontsize=11)
    ax.set_xlabel("month")
    ax.set_ylabel("probability still alive")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    fig.savefig(path)


def survival_figure(curves: Mapping[str, Mapping[str, Sequence[float]]]) -> Figure:
    """Kaplan-Meier curves overlaid, each with its 95% band; ``curves`` maps a scenario
    name to its curve (``month``, ``survival``, ``low``, ``high``)."""
    fig = Figure(figsize=(8.5, 4.6), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    right = 1
    for i, (name, km) in enumerate(curves.items()):
        if not km:
            continue
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        m = np.asarray(km["month"])
        right = max(right, int(m[-1]) if m.size else 1)
        ax.fill_between(m, km["low"], km["high"], step="post", color=colour, alpha=0.15,
                        linewidth=0)
        ax.step(m, km["survival"], where="post", color=colour, linewidth=2, label=name)
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, right)
    ax.set_title("Survival of the ecosystem (Kaplan-Meier, shaded: 95% band)", fontsize=11)
    ax.set_xlabel("month")
    ax.set_ylabel("probability still alive")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    return fig


def side_by_side_figure(timeseries: Mapping[str, pd.DataFrame], columns: dict[str, str],
                        title: str, ylabel: str, scale: float = 1.0) -> Figure:
    """One panel per scenario (same y axis) with the envelopes of ``columns``;
    ``timeseries`` maps a scenario name to its long timeseries frame."""
    k = len(timeseries)
    ncols = min(k, 3)
    nrows = math.ceil(k / ncols)
    # at least as wide as the survival figure, so the title and the legend of a single
    # scenario's panel are not cut off
    width = max(4.2 * ncols + 0.6, 8.5)
    fig = Figure(figsize=(width, 3.4 * nrows + 0.5), dpi=100, layout="constrained")
    axes = fig.subplots(nrows, ncols, sharey=True, squeeze=False).ravel()
    for ax, (name, frame) in zip(axes, timeseries.items(), strict=False):
        if scale != 1.0:
            frame = frame.copy()
            frame[list(columns)] = frame[list(columns)] / scale
        for i, (column, label) in enumerate(columns.items()):
            envelope(ax, frame, column, label, OKABE_ITO[i % len(OKABE_ITO)])
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("month")
        ax.grid(alpha=0.3)
        ax.set_xlim(left=0)
    for ax in axes[k:]:
        ax.set_visible(False)
    for row in range(nrows):
        axes[row * ncols].set_ylabel(ylabel)
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 5),
                   fontsize=8)
    reps = next(iter(timeseries.values()))["replication"].nunique() if k else 0
    fig.suptitle(f"{title} (median and 5-95% band over {reps} replications)", fontsize=11)
    return fig


def write_plots(timeseries: pd.DataFrame, summary: dict[str, Any], folder: Path,
                scenario: str) -> list[Path]:
    """Write all run figures into ``folder`` (created); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / f"{name}.png" for name in
             ("pathway", "coalition", "trust", "politics", "money", "survival")}
    _panel(timeseries, PATHWAY, f"{scenario}: participants by pathway state",
           "participants (persons)", paths["pathway"])
    _panel(timeseries, COALITION, f"{scenario}: coalition size by actor kind",
           "organisations in the coalition", paths["coalition"])
    _panel(timeseries, TRUST, f"{scenario}: mean trust between organisations",
           "trust (index 0-1)", paths["trust"])
    if set(POLITICS) <= set(timeseries.columns):
        _panel(timeseries, POLITICS, f"{scenario}: the council's support and the budget",
               "index / factor", paths["politics"])
    else:  # results of an older model
        paths.pop("politics")
    _panel(timeseries, MONEY, f"{scenario}: money flows per month",
           "thousand EUR per month", paths["money"], scale=1000.0)
    km = summary.get("durability", {}).get("km_curve")
    if km:
        survival_plot(km, paths["survival"], f"{scenario}: survival of the ecosystem "
                      f"over {summary.get('run', {}).get('replications', '?')} replications",
                      cause_shares(summary) or None)
    else:
        paths.pop("survival")
    return list(paths.values())
