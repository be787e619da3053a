"""Self-contained HTML reports of one run or of a comparison of scenarios.

Presentation only: the numbers come in as plain data (a :class:`ScenarioData` per
scenario and the comparison table built by :mod:`instap.compare`). Every figure is drawn
with :class:`matplotlib.figure.Figure` (no pyplot state), saved as PNG into memory and
embedded as a ``data:image/png;base64`` URI, so ``report.html`` is one file with no
external references that an analyst can mail.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from instap.plots import COALITION, MONEY, OKABE_ITO, PATHWAY, TRUST, envelope
from sim.parameters import PARAMETERS


@dataclass
class ScenarioData:
    """Everything the comparison and the report need about one scenario's replications."""

    name: str
    source: str  # the YAML file or run folder it came from
    description: str
    params: dict[str, Any]
    seeds: list[int]
    metrics: pd.DataFrame  # one row per replication: seed, then end-of-run metrics
    timeseries: pd.DataFrame  # replication, seed, month, then the monthly columns
    from_folder: bool = False
    km_curve: dict[str, list[float]] = field(default_factory=dict)

    @property
    def horizon(self) -> int:
        """The horizon in months."""
        return int(self.params["months"])


# ----------------------------------------------------------------------------- figures
def figure_uri(fig: Figure) -> str:
    """The figure as a ``data:image/png;base64,...`` URI."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def survival_figure(scenarios: Sequence[ScenarioData]) -> Figure:
    """Kaplan-Meier curves of all scenarios overlaid, each with its 95% band."""
    fig = Figure(figsize=(8.5, 4.6), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    right = 1
    for i, sc in enumerate(scenarios):
        km = sc.km_curve
        if not km:
            continue
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        m = np.asarray(km["month"])
        right = max(right, int(m[-1]) if m.size else 1)
        ax.fill_between(m, km["low"], km["high"], step="post", color=colour, alpha=0.15,
                        linewidth=0)
        ax.step(m, km["survival"], where="post", color=colour, linewidth=2, label=sc.name)
    ax.axhline(0.5, color="grey", linestyle=":", linewidth=1)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, right)
    ax.set_title("Survival of the ecosystem (Kaplan-Meier, shaded: 95% band)", fontsize=11)
    ax.set_xlabel("month")
    ax.set_ylabel("probability still alive")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    return fig


def side_by_side_figure(scenarios: Sequence[ScenarioData], columns: dict[str, str],
                        title: str, ylabel: str, scale: float = 1.0) -> Figure:
    """One panel per scenario (same y axis) with the envelopes of ``columns``."""
    k = len(scenarios)
    ncols = min(k, 3)
    nrows = math.ceil(k / ncols)
    fig = Figure(figsize=(4.2 * ncols + 0.6, 3.4 * nrows + 0.5), dpi=100, layout="constrained")
    axes = fig.subplots(nrows, ncols, sharey=True, squeeze=False).ravel()
    for ax, sc in zip(axes, scenarios, strict=False):
        frame = sc.timeseries
        if scale != 1.0:
            frame = frame.copy()
            frame[list(columns)] = frame[list(columns)] / scale
        for i, (column, label) in enumerate(columns.items()):
            envelope(ax, frame, column, label, OKABE_ITO[i % len(OKABE_ITO)])
        ax.set_title(sc.name, fontsize=10)
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
    reps = scenarios[0].timeseries["replication"].nunique() if k else 0
    fig.suptitle(f"{title} (median and 5-95% band over {reps} replications)", fontsize=11)
    return fig


# ----------------------------------------------------------------------------- text
def fmt(x: Any, digits: int = 2) -> str:
    """A number for a table: thousands separators, ``n/a`` for missing."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    x = float(x)
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:.0f}"
    return f"{x:.{digits}f}"


def _esc(text: Any) -> str:
    return html.escape(str(text))


def _table(header: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f"<td class='num'>{_esc(c)}</td>" if i >= numeric_from else f"<td>{_esc(c)}</td>"
            for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def parameter_differences(scenarios: Sequence[ScenarioData]) -> list[list[str]]:
    """Rows (name, unit, value per scenario) of resolved parameters that differ."""
    names = list(dict.fromkeys(k for sc in scenarios for k in sc.params))
    rows = []
    for name in names:
        values = [sc.params.get(name) for sc in scenarios]
        if all(v == values[0] for v in values[1:]):
            continue
        unit = PARAMETERS[name].unit if name in PARAMETERS else ""
        rows.append([name, unit, *[_esc_value(v) for v in values]])
    return rows


def parameters_vs_defaults(params: dict[str, Any]) -> list[list[str]]:
    """Rows (name, unit, default, value) of parameters that differ from the defaults."""
    rows = []
    for name, value in params.items():
        p = PARAMETERS.get(name)
        if p is not None and value != p.default:
            rows.append([name, p.unit, _esc_value(p.default), _esc_value(value)])
    return rows


def _esc_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    return "—" if v is None else str(v)


STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2em auto;
       max-width: 72em; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.8em;
     border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; vertical-align: top; }
th { background: #f3f3f3; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; height: auto; display: block; margin: 0.8em 0; }
.finding { margin: 0.4em 0; } .unclear { color: #666; }
.warn { background: #fff4e5; border-left: 4px solid #E69F00; padding: 0.5em 1em; }
.small { font-size: 0.85em; color: #555; }
"""


def page(title: str, body: list[str]) -> str:
    """A complete HTML document with inline CSS."""
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>{_esc(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{_esc(title)}</h1><p class='small'>Generated {stamp} by instap.</p>"
            + "\n".join(body) + "</body></html>\n")


def image(fig: Figure, alt: str) -> str:
    """An embedded figure."""
    return f"<img alt='{_esc(alt)}' src='{figure_uri(fig)}'>"


def envelope_section(scenarios: Sequence[ScenarioData]) -> list[str]:
    """Pathway, coalition, trust and money envelopes, scenarios side by side."""
    return [
        "<h2>Pathway, coalition and money over time</h2>",
        image(side_by_side_figure(scenarios, PATHWAY, "Participants by pathway state",
                                  "participants (persons)"), "pathway envelopes"),
        image(side_by_side_figure(scenarios, COALITION, "Coalition size by actor kind",
                                  "organisations"), "coalition envelopes"),
        image(side_by_side_figure(scenarios, TRUST, "Mean trust between organisations",
                                  "trust (index 0-1)"), "trust envelopes"),
        image(side_by_side_figure(scenarios, MONEY, "Money flows per month",
                                  "thousand EUR per month", scale=1000.0), "money envelopes"),
    ]


def scenario_list(scenarios: Sequence[ScenarioData]) -> list[str]:
    """Each scenario's name, source, seeds and description."""
    items = []
    for sc in scenarios:
        kind = "run folder" if sc.from_folder else "scenario file"
        desc = _esc(sc.description).replace("\n", "<br>") if sc.description else ""
        items.append(f"<li><b>{_esc(sc.name)}</b> ({kind} <code>{_esc(sc.source)}</code>; "
                     f"{len(sc.seeds)} replications, {sc.horizon} months)"
                     + (f"<br><span class='small'>{desc}</span>" if desc else "") + "</li>")
    return ["<h2>Scenarios</h2><ul>", *items, "</ul>"]
