"""Self-contained HTML reports of one run or of a comparison of scenarios.

Presentation only: everything comes in as plain data (a
:class:`~instap.inputs.ScenarioData` per scenario, the table of
:func:`instap.stats.comparison_table`, the sentences of :mod:`instap.findings`, the
ranking of :mod:`instap.ranking`, the survival curves). Figures (:mod:`instap.plots`) are
saved as PNG into memory and embedded as ``data:image/png;base64`` URIs, so
``report.html`` is one file with no external references that an analyst can mail.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd
from matplotlib.figure import Figure

from instap import value_table
from instap.plots import (
    COALITION,
    MONEY,
    PATHWAY,
    TRUST,
    side_by_side_figure,
    survival_figure,
)
from sim.parameters import PARAMETERS

if TYPE_CHECKING:
    from instap.inputs import ScenarioData

Curves = Mapping[str, Mapping[str, Sequence[float]]]  # scenario name -> Kaplan-Meier curve


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


def esc(text: Any) -> str:
    """``text`` as HTML-escaped text."""
    return html.escape(str(text))


def table(header: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    """An HTML table; columns from ``numeric_from`` on are right-aligned numbers."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f"<td class='num'>{esc(c)}</td>" if i >= numeric_from else f"<td>{esc(c)}</td>"
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
            f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{esc(title)}</h1><p class='small'>Generated {stamp} by instap.</p>"
            + "\n".join(body) + "</body></html>\n")


def figure_uri(fig: Figure) -> str:
    """The figure as a ``data:image/png;base64,...`` URI."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def image(fig: Figure, alt: str) -> str:
    """An embedded figure."""
    return f"<img alt='{esc(alt)}' src='{figure_uri(fig)}'>"


def envelope_section(scenarios: Sequence[ScenarioData]) -> list[str]:
    """Pathway, coalition, trust and money envelopes, scenarios side by side."""
    series = {sc.name: sc.timeseries for sc in scenarios}
    return [
        "<h2>Pathway, coalition and money over time</h2>",
        image(side_by_side_figure(series, PATHWAY, "Participants by pathway state",
                                  "participants (persons)"), "pathway envelopes"),
        image(side_by_side_figure(series, COALITION, "Coalition size by actor kind",
                                  "organisations"), "coalition envelopes"),
        image(side_by_side_figure(series, TRUST, "Mean trust between organisations",
                                  "trust (index 0-1)"), "trust envelopes"),
        image(side_by_side_figure(series, MONEY, "Money flows per month",
                                  "thousand EUR per month", scale=1000.0), "money envelopes"),
    ]


def scenario_list(scenarios: Sequence[ScenarioData]) -> list[str]:
    """Each scenario's name, source, seeds and description."""
    items = []
    for sc in scenarios:
        kind = "run folder" if sc.from_folder else "scenario file"
        desc = esc(sc.description).replace("\n", "<br>") if sc.description else ""
        items.append(f"<li><b>{esc(sc.name)}</b> ({kind} <code>{esc(sc.source)}</code>; "
                     f"{len(sc.seeds)} replications, {sc.horizon} months)"
                     + (f"<br><span class='small'>{desc}</span>" if desc else "") + "</li>")
    return ["<h2>Scenarios</h2><ul>", *items, "</ul>"]


# ----------------------------------------------------------------------------- documents
def compare_html(scenarios: Sequence[ScenarioData], rows: pd.DataFrame, *,
                 findings: Sequence[tuple[str, str, bool]], ranking: str, curves: Curves,
                 warnings: Sequence[str], reps_note: str) -> str:
    """The comparison report as one self-contained HTML document: ``rows`` is the
    comparison table, ``findings`` its sentences (scenario, text, clear), ``ranking`` the
    durability table as text, ``curves`` the survival curve of each scenario."""
    ref = scenarios[0]
    names = [sc.name for sc in scenarios]
    body = [f"<p>{_bold_join(names)} compared; the first, <b>{esc(ref.name)}</b>, is the "
            f"reference. {esc(reps_note)}</p>"]
    body += [f"<p class='warn'>{esc(w)}</p>" for w in warnings]
    body.append("<h2>What differs, in plain words</h2>")
    current = None
    for scenario, text, clear in findings:
        if scenario != current:
            body.append(f"<h3>{esc(scenario)} vs {esc(ref.name)}</h3>")
            current = scenario
        note = "" if clear else (" <span class='unclear'>(the 95% interval includes no "
                                 "difference: not distinguishable at this number of "
                                 "replications)</span>")
        body.append(f"<p class='finding'>{esc(text)}{note}</p>")
    body.append("<h2>Durability</h2>")
    body.append("<pre>" + esc(ranking) + "</pre>")
    body.append(image(survival_figure(curves), "survival curves"))
    body += envelope_section(scenarios)
    if value_table.has_values(rows):
        body.append("<h2>Who pays and who gains</h2><p class='small'>Net value over 10 "
                    "years per stakeholder (benefit minus cost, EUR, discounted to the "
                    "start; mean over replications), each against the same people without "
                    "the programme. How each number is computed: docs/value.md.</p>")
        body.append(table(["scenario", *value_table.stakeholder_labels()],
                          [[sc, *(fmt(v, 0) for v in values)] for sc, values
                           in value_table.compare_rows(rows, names)]))
    body.append("<h2>All metrics</h2><p class='small'>Mean (or Kaplan-Meier estimate) with "
                "95% interval per scenario; difference from the first scenario with its 95% "
                "interval (paired over common random numbers where the seeds match). The "
                "same numbers are in comparison.csv.</p>")
    cells = [[r.metric, r.scenario, fmt(r.mean), f"{fmt(r.low)} – {fmt(r.high)}",
              fmt(r.diff), f"{fmt(r.diff_low)} – {fmt(r.diff_high)}", r.method]
             for r in rows.itertuples()]
    body.append(table(["metric", "scenario", "mean", "95% interval",
                       f"difference from {ref.name}", "95% interval", "method"],
                      cells, numeric_from=2))
    diffs = parameter_differences(scenarios)
    body.append("<h2>Parameters that differ between the scenarios</h2>")
    if diffs:
        body.append(table(["parameter", "unit", *names], diffs, numeric_from=2))
    else:
        body.append("<p>None: the scenarios have identical resolved parameters.</p>")
    body += scenario_list(scenarios)
    return page("Scenario comparison: " + " vs ".join(names), body)


def run_html(sc: ScenarioData, rows: pd.DataFrame, *, summary_text: str, ranking: str,
             curves: Curves) -> str:
    """The report of one run as one self-contained HTML document: ``rows`` is the table
    of its metrics, ``summary_text`` the plain-language summary, one line a paragraph."""
    body = ["<h2>Summary</h2>"]
    body += [f"<p>{esc(line)}</p>" for line in summary_text.splitlines()]
    body.append("<h2>Durability</h2>")
    body.append("<pre>" + esc(ranking) + "</pre>")
    body.append(image(survival_figure(curves), "survival curve"))
    body += envelope_section([sc])
    if value_table.has_values(rows):
        body.append("<h2>Who pays and who gains</h2><p class='small'>Per stakeholder, EUR "
                    "discounted to the start, mean over replications, each against the same "
                    "people without the programme (the counterfactual). How each number is "
                    "computed: docs/value.md.</p>")
        body.append(table(["stakeholder", "cost, 10 years", "benefit, 10 years",
                           "net, 10 years", "net, 3 years", "net, 20 years"],
                          [[label, *(fmt(v, 0) for v in values)] for label, values
                           in value_table.run_rows(rows, sc.name)]))
    body.append("<h2>All metrics</h2><p class='small'>Mean (or Kaplan-Meier estimate) with "
                "95% interval over replications.</p>")
    cells = [[r.metric, fmt(r.mean), f"{fmt(r.low)} – {fmt(r.high)}", str(r.n)]
             for r in rows.itertuples()]
    body.append(table(["metric", "mean", "95% interval", "replications"], cells))
    body.append("<h2>Parameters that differ from the defaults</h2>")
    changed = parameters_vs_defaults(sc.params)
    body.append(table(["parameter", "unit", "default", sc.name], changed, numeric_from=2)
                if changed else "<p>None: every parameter has its default value.</p>")
    body += scenario_list([sc])
    return page(f"Run report: {sc.name}", body)


def _bold_join(names: Sequence[str]) -> str:
    quoted = [f"<b>{esc(n)}</b>" for n in names]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1] if len(quoted) > 1 else quoted[0]
