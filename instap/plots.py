"""Figures: envelopes over replications and survival curves, of a run (PNG files) and of
scenarios side by side (for the HTML reports), in English or Dutch. No GUI.

Figures are built with :class:`matplotlib.figure.Figure` directly (the Agg canvas), so
nothing here touches pyplot's global state. Colours are the Okabe-Ito palette, which
stays distinguishable for colour-blind readers. Series are labelled from the glossary
(:mod:`instap.glossary`). Every figure uses constrained layout, and titles and legends
are wrapped or folded into fewer columns until they fit inside the figure, so nothing is
cut off whatever the language.
"""

from __future__ import annotations

import math
import textwrap
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import ScalarFormatter

from instap import glossary
from instap.collapse import ROUTES, cause_shares, route_label
from instap.lang import in_lang
from sim.outputs import ACTOR_KINDS

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442",
             "#000000")

PATHWAY: tuple[str, ...] = ("unreached", "engaged", "in_track", "entry_job", "regular_work")
COALITION: tuple[str, ...] = tuple(f"coalition_{k}" for k in ACTOR_KINDS)
TRUST: tuple[str, ...] = ("trust_municipality_foundation", "trust_municipality_firm",
                          "trust_foundation_firm")
POLITICS: tuple[str, ...] = ("political_support", "budget_level")
MONEY: tuple[str, ...] = ("municipal_spending", "benefit_savings", "outcome_payments")


@dataclass(frozen=True)
class Panel:
    """One time-series figure: its columns (labelled from the glossary), title, y label
    and the scale the values are divided by."""

    columns: tuple[str, ...]
    title: Mapping[str, str]
    ylabel: Mapping[str, str]
    scale: float = 1.0


PANELS: dict[str, Panel] = {
    "pathway": Panel(PATHWAY, {"en": "Participants by pathway state",
                               "nl": "Deelnemers per fase"},
                     {"en": "participants (persons)", "nl": "deelnemers (personen)"}),
    "coalition": Panel(COALITION, {"en": "Coalition size by actor kind",
                                   "nl": "Omvang van de coalitie per soort partner"},
                       {"en": "organisations in the coalition",
                        "nl": "organisaties in de coalitie"}),
    "trust": Panel(TRUST, {"en": "Mean trust between organisations",
                           "nl": "Gemiddeld vertrouwen tussen organisaties"},
                   {"en": "trust (index 0-1)", "nl": "vertrouwen (index 0-1)"}),
    "politics": Panel(POLITICS, {"en": "The council's support and the budget",
                                 "nl": "Steun van de gemeenteraad en het budget"},
                      {"en": "index / factor", "nl": "index / factor"}),
    "money": Panel(MONEY, {"en": "Money flows per month", "nl": "Geldstromen per maand"},
                   {"en": "thousand EUR per month", "nl": "duizend euro per maand"}, 1000.0),
}


# ----------------------------------------------------------------------------- text
def _month(lang: str) -> str:
    return in_lang(lang, "month", "maand")


def _band_note(reps: int, lang: str) -> str:
    return in_lang(lang, f"median and 5-95% band over {reps} replications",
                   f"mediaan en 5-95%-band over {reps} simulaties")


def _alive_label(lang: str) -> str:
    return in_lang(lang, "chance the ecosystem still functions",
                   "kans dat het ecosysteem nog functioneert")


_TO_DUTCH = str.maketrans(",.", ".,")


class LocaleFormatter(ScalarFormatter):
    """Matplotlib's tick labels with a decimal comma and thousands points in Dutch."""

    def __init__(self, lang: str) -> None:
        super().__init__(useOffset=False)
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        text = super().__call__(x, pos)
        return text.translate(_TO_DUTCH) if self.lang == "nl" else text


def _localise(ax: Axes, lang: str) -> None:
    """Tick labels in the reader's number convention."""
    ax.yaxis.set_major_formatter(LocaleFormatter(lang))
    ax.xaxis.set_major_formatter(LocaleFormatter(lang))


# ----------------------------------------------------------------------------- fitting
def _renderer(fig: Figure) -> RendererBase:
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    return canvas.get_renderer()


def fit_text(fig: Figure, artist: Text, share: float = 0.96) -> None:
    """Wrap ``artist``'s lines until it is at most ``share`` of the figure's width."""
    lines = artist.get_text().split("\n")
    limit = fig.bbox.width * share
    renderer = _renderer(fig)
    width = max(len(line) for line in lines)
    while artist.get_window_extent(renderer).width > limit and width > 12:
        width = int(width * 0.85)
        artist.set_text("\n".join(textwrap.fill(line, width) for line in lines))


def fit_legend(fig: Figure, handles: Sequence[Artist], labels: Sequence[str],
               fontsize: float = 8) -> None:
    """A legend below the axes in as many columns (at most 5) as fit the figure's width."""
    renderer = _renderer(fig)
    for ncols in range(min(len(labels), 5), 0, -1):
        legend = fig.legend(list(handles), list(labels), loc="outside lower center",
                            ncols=ncols, fontsize=fontsize)
        if ncols == 1 or legend.get_window_extent(renderer).width <= fig.bbox.width * 0.98:
            return
        legend.remove()


def outside_texts(fig: Figure, tolerance: float = 1.0) -> list[str]:
    """The visible texts of ``fig`` that reach beyond its edges (after a draw): what a
    reader would see cut off. Empty for a figure that fits."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    box = fig.bbox
    hidden = set()  # labels of ticks outside the axis range, which are not drawn
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                loc = tick.get_loc()
                if loc is None or not low - 1e-9 * abs(high - low) <= loc <= high + 1e-9 * abs(
                        high - low):
                    hidden |= {id(tick.label1), id(tick.label2)}
    out = []
    for artist in fig.findobj(Text):
        if (not artist.get_visible() or not artist.get_text().strip()
                or id(artist) in hidden):
            continue
        ext = artist.get_window_extent(renderer)
        if (ext.x0 < box.x0 - tolerance or ext.x1 > box.x1 + tolerance
                or ext.y0 < box.y0 - tolerance or ext.y1 > box.y1 + tolerance):
            out.append(artist.get_text())
    return out


# ----------------------------------------------------------------------------- drawing
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


Marks = Sequence[tuple[int, str]]  # (month, number of the timeline entry)


def draw_marks(ax: Axes, marks: Marks) -> None:
    """The scenario's timeline on a time plot: a dotted line at each entry's month with
    its number at the top (the report lists what each number is)."""
    for month, text in marks:
        ax.axvline(month, color="#555555", linestyle=":", linewidth=1.1, zorder=1)
        ax.annotate(text, xy=(month, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(0, -2), textcoords="offset points", ha="center", va="top",
                    fontsize=8, color="#333333",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "#999999",
                          "lw": 0.6})


def _scaled(frame: pd.DataFrame, columns: Sequence[str], scale: float) -> pd.DataFrame:
    if scale == 1.0:
        return frame
    frame = frame.copy()
    frame[list(columns)] = frame[list(columns)] / scale
    return frame


def run_panel_figure(data: pd.DataFrame, panel: Panel, title: str, lang: str = "en",
                     marks: Marks = ()) -> Figure:
    """One run's figure of ``panel`` (as in its plots/*.png): median and 5-95% band over
    replications of each column; ``marks``: the scenario's timeline."""
    fig = Figure(figsize=(8, 4.8), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    frame = _scaled(data, panel.columns, panel.scale)
    for i, column in enumerate(panel.columns):
        envelope(ax, frame, column, glossary.short(column, lang), OKABE_ITO[i % len(OKABE_ITO)])
    reps = data["replication"].nunique()
    fit_text(fig, fig.suptitle(f"{title}\n{_band_note(reps, lang)}", fontsize=11))
    ax.set_xlabel(_month(lang))
    ax.set_ylabel(panel.ylabel[lang])
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    draw_marks(ax, marks)
    _localise(ax, lang)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fit_legend(fig, handles, labels)
    return fig


def survival_plot(km_curve: dict[str, list[float]], path: Path, title: str = "",
                  causes: Mapping[str, float] | None = None, lang: str = "en") -> None:
    """Write :func:`run_survival_figure` to ``path``."""
    run_survival_figure(km_curve, title, causes, lang).savefig(path)


def run_survival_figure(km_curve: Mapping[str, Sequence[float]], title: str = "",
                        causes: Mapping[str, float] | None = None, lang: str = "en"
                        ) -> Figure:
    """The Kaplan-Meier curve of the ecosystem with its 95% band and, next to it, the share
    of runs that collapsed by each route (``causes``: route to share of runs)."""
    fig = Figure(figsize=(10.5, 4.8) if causes else (8, 4.8), dpi=110, layout="constrained")
    if causes:
        ax, bars = fig.subplots(1, 2, width_ratios=[2.3, 1])
        routes = [r for r in ROUTES if r in causes]
        shares = [100 * causes[r] for r in routes]
        colours = [OKABE_ITO[(i + 4) % len(OKABE_ITO)] for i in range(len(routes))]
        bars.barh([route_label(r, lang) for r in routes], shares, color=colours)
        for y, share in enumerate(shares):
            bars.text(share + 2, y, f"{share:.0f}%", va="center", fontsize=8)
        bars.set_xlim(0, 115)
        bars.invert_yaxis()
        bars.set_xlabel(in_lang(lang, "share of runs (%)", "aandeel simulaties (%)"))
        bars.set_title(in_lang(lang, "How the runs ended", "Hoe de simulaties afliepen"),
                       fontsize=11)
        bars.grid(axis="x", alpha=0.3)
    else:
        ax = fig.add_subplot()
    m = np.asarray(km_curve["month"])
    ax.fill_between(m, km_curve["low"], km_curve["high"], step="post",
                    color=OKABE_ITO[3], alpha=0.25, linewidth=0,
                    label=in_lang(lang, "95% band", "95%-band"))
    ax.step(m, km_curve["survival"], where="post", color=OKABE_ITO[3], linewidth=2,
            label=in_lang(lang, "Kaplan-Meier estimate", "Kaplan-Meier-schatting"))
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, m[-1] if m.size else 1)
    fit_text(fig, fig.suptitle(title or in_lang(lang, "Survival of the ecosystem",
                                                "Overleving van het ecosysteem"),
                               fontsize=11))
    ax.set_xlabel(_month(lang))
    ax.set_ylabel(_alive_label(lang))
    ax.grid(alpha=0.3)
    _localise(ax, lang)
    ax.legend(fontsize=8, loc="lower left")
    return fig


def survival_figure(curves: Mapping[str, Mapping[str, Sequence[float]]],
                    lang: str = "en") -> Figure:
    """Kaplan-Meier curves overlaid, each with its 95% band; ``curves`` maps a scenario
    name to its curve (``month``, ``survival``, ``low``, ``high``)."""
    fig = Figure(figsize=(8.5, 4.8), dpi=100, layout="constrained")
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
    fit_text(fig, ax.set_title(in_lang(
        lang, "Survival of the ecosystem (Kaplan-Meier, shaded: 95% band)",
        "Overleving van het ecosysteem (Kaplan-Meier, gearceerd: 95%-band)"), fontsize=11))
    ax.set_xlabel(_month(lang))
    ax.set_ylabel(_alive_label(lang))
    ax.grid(alpha=0.3)
    _localise(ax, lang)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fit_legend(fig, handles, labels)
    return fig


def side_by_side_figure(timeseries: Mapping[str, pd.DataFrame], columns: Sequence[str],
                        title: str, ylabel: str, scale: float = 1.0,
                        lang: str = "en", marks: Mapping[str, Marks] | None = None
                        ) -> Figure:
    """One panel per scenario (same y axis) with the envelopes of ``columns`` (labelled
    from the glossary); ``timeseries`` maps a scenario name to its long timeseries frame,
    ``marks`` a scenario name to its timeline's marks."""
    k = len(timeseries)
    ncols = min(k, 3)
    nrows = math.ceil(k / ncols)
    # at least as wide as the survival figure, so a single scenario's panel is as wide
    width = max(4.2 * ncols + 0.6, 8.5)
    fig = Figure(figsize=(width, 3.4 * nrows + 0.9), dpi=100, layout="constrained")
    axes = fig.subplots(nrows, ncols, sharey=True, squeeze=False).ravel()
    for ax, (name, frame) in zip(axes, timeseries.items(), strict=False):
        frame = _scaled(frame, columns, scale)
        for i, column in enumerate(columns):
            envelope(ax, frame, column, glossary.short(column, lang),
                     OKABE_ITO[i % len(OKABE_ITO)])
        fit_text(fig, ax.set_title(name, fontsize=10), share=0.96 / ncols)
        ax.set_xlabel(_month(lang))
        ax.grid(alpha=0.3)
        ax.set_xlim(left=0)
        draw_marks(ax, (marks or {}).get(name, ()))
        _localise(ax, lang)
    for ax in axes[k:]:
        ax.set_visible(False)
    for row in range(nrows):
        axes[row * ncols].set_ylabel(ylabel)
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fit_legend(fig, handles, labels)
    reps = next(iter(timeseries.values()))["replication"].nunique() if k else 0
    fit_text(fig, fig.suptitle(f"{title} ({_band_note(reps, lang)})", fontsize=11))
    return fig


def panel_figure(timeseries: Mapping[str, pd.DataFrame], name: str, lang: str = "en",
                 marks: Mapping[str, Marks] | None = None) -> Figure:
    """:func:`side_by_side_figure` of the panel ``name`` of :data:`PANELS`."""
    panel = PANELS[name]
    return side_by_side_figure(timeseries, panel.columns, panel.title[lang],
                               panel.ylabel[lang], panel.scale, lang, marks)


def write_plots(timeseries: pd.DataFrame, summary: dict[str, Any], folder: Path,
                scenario: str, lang: str = "en", marks: Marks = ()) -> list[Path]:
    """Write all run figures into ``folder`` (created); return their paths. ``marks``: the
    scenario's timeline (:func:`instap.timeline_text.marks`)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / f"{name}.png" for name in
             ("pathway", "coalition", "trust", "politics", "money", "survival")}
    for name, panel in PANELS.items():
        if set(panel.columns) <= set(timeseries.columns):
            run_panel_figure(timeseries, panel, f"{scenario}: {panel.title[lang]}",
                             lang, marks).savefig(paths[name])
        else:  # results of an older model
            paths.pop(name)
    km = summary.get("durability", {}).get("km_curve")
    if km:
        reps = summary.get("run", {}).get("replications", "?")
        title = in_lang(lang, f"{scenario}: survival of the ecosystem over {reps} "
                        "replications", f"{scenario}: overleving van het ecosysteem over "
                        f"{reps} simulaties")
        survival_plot(km, paths["survival"], title, cause_shares(summary) or None, lang)
    else:
        paths.pop("survival")
    return list(paths.values())
