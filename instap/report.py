"""Self-contained HTML reports of one run or of a comparison of scenarios, in English or
Dutch (``<html lang="nl">``).

Presentation only: everything comes in as plain data (a
:class:`~instap.inputs.ScenarioData` per scenario, the table of
:func:`instap.stats.comparison_table`, the sentences of :mod:`instap.findings`, the
survival curves). Metrics are shown by their glossary name and unit
(:mod:`instap.glossary`), never by their key; numbers as the reader's language writes
them. Figures (:mod:`instap.plots`) are saved as PNG into memory and embedded as
``data:image/png;base64`` URIs, so ``report.html`` is one file with no external
references that an analyst can mail. Images scale to the page and wide tables scroll
inside their own box, so nothing is cut off or pushes the page sideways at any width.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd
from matplotlib.figure import Figure

from instap import formatting as f
from instap import glossary, timeline_text, value_table
from instap.collapse import ROUTES, route_key, route_label
from instap.lang import in_lang
from instap.plots import PANELS, panel_figure, survival_figure
from instap.ranking import ranking_rows
from instap.stats import table_row
from instap.survival import ALIVE_AT, MEDIAN_KEY, QUANTILE_KEYS
from sim.parameters import PARAMETERS

if TYPE_CHECKING:
    from instap.inputs import ScenarioData

Curves = Mapping[str, Mapping[str, Sequence[float]]]  # scenario name -> Kaplan-Meier curve

#: Parameter units in Dutch (the parameter table of a Dutch report).
UNITS_NL: dict[str, str] = {
    "1/month": "per maand", "months": "maanden", "month": "maand", "share": "aandeel",
    "EUR/month": "euro per maand", "organisations": "organisaties", "flag": "ja/nee",
    "promises": "toezeggingen", "1/year": "per jaar", "probability": "kans",
    "placements per 1,000 per year": "plaatsingen per 1.000 per jaar", "EUR": "euro",
    "persons": "personen", "slots per 1,000 participants": "plekken per 1.000 deelnemers",
    "jobs per 1,000 participants": "banen per 1.000 deelnemers", "rule": "regel",
    "years": "jaren", "instrument": "instrument",
    "outcomes per 1,000 participants per year": "resultaten per 1.000 deelnemers per jaar",
    "index step": "indexstap", "ratio": "verhouding", "placements": "plaatsingen",
    "promises/month": "toezeggingen per maand",
    "places per 1,000 participants": "plekken per 1.000 deelnemers",
    "entry points": "ingangen", "worker-months": "werknemersmaanden",
}


# ----------------------------------------------------------------------------- text
def fmt(x: Any, digits: int = 2, lang: str = "en") -> str:
    """A number for a table: thousands separators, ``n/a`` for missing."""
    if f.missing(x):
        return f.not_available(lang)
    x = float(x)
    return f.number(x, lang, 0 if abs(x) >= 100 else digits)


def esc(text: Any) -> str:
    """``text`` as HTML-escaped text."""
    return html.escape(str(text))


def table(header: list[str], rows: list[list[str]], numeric_from: int = 1,
          sections: Mapping[int, str] | None = None) -> str:
    """An HTML table in a box that scrolls sideways when it is wider than the page;
    columns from ``numeric_from`` on are right-aligned numbers. ``sections`` puts a
    heading row before the row of each index."""
    head = "".join(f"<th>{_breakable(esc(h))}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        if sections and i in sections:
            body.append(f"<tr class='section'><th colspan='{len(header)}'>"
                        f"{esc(sections[i])}</th></tr>")
        cells = "".join(
            f"<td class='num'>{_unbroken(esc(c))}</td>" if j >= numeric_from
            else f"<td>{esc(c)}</td>" for j, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return (f"<div class='table-wrap'><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _breakable(text: str) -> str:
    """A column head that may wrap after the underscores of a name
    (``multi_year_funding``); text cells wrap anywhere when they must (CSS)."""
    return text.replace("_", "_<wbr>")


def _unbroken(text: str) -> str:
    """A number cell that wraps only between the bounds of an interval (``a – b``), never
    inside ``€ 1.234`` or ``+5 pp``."""
    return text.replace(" ", "&nbsp;").replace("&nbsp;–&nbsp;", " – ")


def metric_label(key: str, lang: str) -> str:
    """A metric as a reader sees it: the glossary's name with its unit."""
    return glossary.label(key, lang) if glossary.has(key) else key


def _value(key: str, x: Any, lang: str) -> str:
    return glossary.format_value(key, x, lang) if glossary.has(key) else fmt(x, lang=lang)


def _band(key: str, low: Any, high: Any, lang: str, mean: Any = None) -> str:
    """The 95% interval as a table shows it; empty when it is the estimate itself."""
    if glossary.has(key):
        band = glossary.format_interval(key, low, high, lang)
    else:
        band = "" if f.missing(low) or f.missing(high) else \
            f"{fmt(low, lang=lang)} – {fmt(high, lang=lang)}"
    if mean is not None and band:
        value = _value(key, mean, lang)
        if band == f"{value} – {value}":
            return ""
    return band


def _difference(key: str, x: Any, lang: str) -> str:
    return glossary.format_difference(key, x, lang, compact=True) if glossary.has(key) \
        else fmt(x, lang=lang)


def _band_difference(key: str, low: Any, high: Any, lang: str) -> str:
    if glossary.has(key):
        return glossary.format_difference_interval(key, low, high, lang, compact=True)
    return "" if f.missing(low) or f.missing(high) else \
        f"{fmt(low, lang=lang)} – {fmt(high, lang=lang)}"


def parameter_differences(scenarios: Sequence[ScenarioData], lang: str = "en"
                          ) -> list[list[str]]:
    """Rows (name, unit, value per scenario) of resolved parameters that differ."""
    names = list(dict.fromkeys(k for sc in scenarios for k in sc.params))
    rows = []
    for name in names:
        values = [sc.params.get(name) for sc in scenarios]
        if all(v == values[0] for v in values[1:]):
            continue
        rows.append([name, _unit(name, lang), *[_esc_value(v) for v in values]])
    return rows


def parameters_vs_defaults(params: dict[str, Any], lang: str = "en") -> list[list[str]]:
    """Rows (name, unit, default, value) of parameters that differ from the defaults."""
    rows = []
    for name, value in params.items():
        p = PARAMETERS.get(name)
        if p is not None and value != p.default:
            rows.append([name, _unit(name, lang), _esc_value(p.default), _esc_value(value)])
    return rows


def _unit(name: str, lang: str) -> str:
    unit = PARAMETERS[name].unit if name in PARAMETERS else ""
    return UNITS_NL.get(unit, unit) if lang == "nl" else unit


def _esc_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    return "—" if v is None else str(v)


STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2em auto;
       max-width: 72em; padding: 0 1em; color: #222; line-height: 1.45;
       overflow-wrap: break-word; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.8em;
     border-bottom: 1px solid #ccc; }
.table-wrap { max-width: 100%; overflow-x: auto; margin: 0.6em 0; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; vertical-align: top; }
th { background: #f3f3f3; text-align: left; }
tr.section th { background: #e8eef6; }
td { overflow-wrap: anywhere; }
td.num { text-align: right; font-variant-numeric: tabular-nums; overflow-wrap: normal; }
img { max-width: 100%; height: auto; display: block; margin: 0.8em 0; }
code { overflow-wrap: anywhere; }
.finding { margin: 0.4em 0; } .unclear { color: #666; }
.warn { background: #fff4e5; border-left: 4px solid #E69F00; padding: 0.5em 1em; }
.small { font-size: 0.85em; color: #555; }
"""


def page(title: str, body: list[str], lang: str = "en") -> str:
    """A complete HTML document with inline CSS, in ``lang``."""
    now = datetime.now()
    stamp = in_lang(lang, f"Generated {now:%Y-%m-%d %H:%M} by instap.",
                    f"Gemaakt op {now.day}-{now.month}-{now.year} om {now:%H:%M} met instap.")
    return (f"<!DOCTYPE html>\n<html lang='{lang}'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{esc(title)}</h1><p class='small'>{esc(stamp)}</p>"
            + "\n".join(body) + "</body></html>\n")


def figure_uri(fig: Figure) -> str:
    """The figure as a ``data:image/png;base64,...`` URI."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def image(fig: Figure, alt: str) -> str:
    """An embedded figure."""
    return f"<img alt='{esc(alt)}' src='{figure_uri(fig)}'>"


# ----------------------------------------------------------------------------- sections
def envelope_section(scenarios: Sequence[ScenarioData], lang: str = "en") -> list[str]:
    """Pathway, coalition, trust and money envelopes, scenarios side by side."""
    series = {sc.name: sc.timeseries for sc in scenarios}
    marks = {sc.name: timeline_text.marks(sc.timeline) for sc in scenarios if sc.timeline}
    out = [_heading("Participants, coalition and money over time",
                    "Deelnemers, coalitie en geld in de tijd", lang)]
    if marks:
        out.append("<p class='small'>" + esc(in_lang(
            lang, "Dotted lines: the scenario's timeline, numbered as in its list above.",
            "Stippellijnen: de tijdlijn van het scenario, genummerd als in de lijst "
            "hierboven.")) + "</p>")
    for name in ("pathway", "coalition", "trust", "money"):
        out.append(image(panel_figure(series, name, lang, marks), PANELS[name].title[lang]))
    return out


def timeline_section(sc: ScenarioData, lang: str = "en") -> list[str]:
    """The scenario's dated changes, numbered as on the plots (nothing without any)."""
    if not sc.timeline:
        return []
    return [table([in_lang(lang, "no.", "nr."), in_lang(lang, "when", "wanneer"),
                   in_lang(lang, "what happens", "wat er gebeurt")],
                  timeline_text.rows(sc.timeline, lang), numeric_from=3)]


def scenario_list(scenarios: Sequence[ScenarioData], lang: str = "en") -> list[str]:
    """Each scenario's name, source, seeds and description."""
    items = []
    for sc in scenarios:
        kind = (in_lang(lang, "run folder", "resultatenmap") if sc.from_folder
                else in_lang(lang, "scenario file", "scenariobestand"))
        runs = in_lang(lang, f"{len(sc.seeds)} replications, {sc.horizon} months",
                       f"{len(sc.seeds)} simulaties, {sc.horizon} maanden")
        text = sc.describe(lang)
        desc = esc(text).replace("\n", "<br>") if text else ""
        steps = "".join(f"<li>{esc(when)}: {esc(what)}</li>"
                        for _, when, what in timeline_text.rows(sc.timeline, lang))
        timeline = (f"<br>{esc(in_lang(lang, 'Timeline', 'Tijdlijn'))}:<ol class='small'>"
                    f"{steps}</ol>" if steps else "")
        items.append(f"<li><b>{esc(sc.name)}</b> ({kind} <code>{esc(sc.source)}</code>; "
                     f"{runs})" + (f"<br><span class='small'>{desc}</span>" if desc else "")
                     + timeline + "</li>")
    return [_heading("Scenarios", "Scenario's", lang), "<ul>", *items, "</ul>"]


KM_NOTE = {
    "en": "Kaplan-Meier estimates over the replications. The ecosystem collapses when it has "
          "not functioned (money, partners, coaching capacity and entry jobs) for several "
          "months in a row.",
    "nl": "Kaplan-Meier-schattingen over de simulaties. Het ecosysteem stort in als het een "
          "aantal maanden achter elkaar niet functioneert (geld, partners, "
          "begeleidingscapaciteit en instapbanen).",
}
IN_BRACKETS = {"en": " The 95% interval is in brackets.",
               "nl": " Het 95%-interval staat tussen haakjes."}


def _heading(en: str, nl: str, lang: str) -> str:
    return f"<h2>{esc(in_lang(lang, en, nl))}</h2>"


def _note(en: str, nl: str, lang: str) -> str:
    return f"<p class='small'>{esc(in_lang(lang, en, nl))}</p>"


def durability_section(scenarios: Sequence[ScenarioData], rows: pd.DataFrame,
                       curves: Curves, lang: str) -> list[str]:
    """The durability ranking of a comparison as a table, and the survival curves."""
    ranking = ranking_rows(scenarios, rows, lang)
    return [f"<h2>{esc(glossary.SECTIONS['durability'][lang])}</h2>",
            f"<p class='small'>{esc(KM_NOTE[lang] + IN_BRACKETS[lang])}</p>",
            table(ranking.header, ranking.rows, numeric_from=2),
            image(survival_figure(curves, lang),
                  in_lang(lang, "survival curves", "overlevingscurves"))]


def run_durability_rows(summary: Mapping[str, Any], lang: str) -> list[list[str]]:
    """Rows (label, estimate, 95% interval) of a run's Kaplan-Meier estimates."""
    dur = summary.get("durability", {})
    horizon = int(summary.get("run", {}).get("horizon_months", 0) or 0)
    out = []
    for key in (MEDIAN_KEY, *QUANTILE_KEYS.values(), *ALIVE_AT.values()):
        entry = dur.get(key.split(".", 1)[1])
        if not isinstance(entry, dict):
            continue
        if entry.get("estimable") is False:
            continue
        if entry.get("mean") is None:
            value = in_lang(lang, f"beyond {horizon} months", f"langer dan {horizon} maanden")
        else:
            value = glossary.format_value(key, entry["mean"], lang)
        band = _band(key, entry.get("low"), entry.get("high"), lang, entry.get("mean"))
        if (not band and key.endswith("_months") and entry.get("low") is not None
                and entry.get("high") is None):  # the upper bound is beyond the run
            band = f"{glossary.format_value(key, entry['low'], lang)} – >{horizon}"
        out.append([glossary.label(key, lang), value, band])
    return out


def cause_section(scenarios: Sequence[ScenarioData], rows: pd.DataFrame, lang: str
                  ) -> list[str]:
    """The share of runs per route to collapse (the condition that failed first) and of
    runs that did not collapse; nothing for results without the routes."""
    present = [r for r in ROUTES if (rows["metric"] == route_key(r)).any()]
    if not present:
        return []
    out = [_heading("Why the ecosystem collapsed", "Waarom het ecosysteem instortte", lang)]
    if len(scenarios) == 1:
        name = scenarios[0].name
        body = []
        for route in present:
            key = route_key(route)
            row = table_row(rows, key, name) or {}
            body.append([route_label(route, lang),
                         glossary.format_value(key, row.get("mean"), lang),
                         _band(key, row.get("low"), row.get("high"), lang, row.get("mean"))])
        out.append(_note("Share of the runs by the condition that failed first when the "
                         "ecosystem collapsed; the last row: runs that did not collapse.",
                         "Aandeel van de simulaties naar de voorwaarde die het eerst niet meer "
                         "gold toen het ecosysteem instortte; de laatste rij: simulaties waarin "
                         "het ecosysteem niet instortte.", lang))
        out.append(table([in_lang(lang, "how the run ended", "hoe de simulatie afliep"),
                          in_lang(lang, "share of runs", "aandeel simulaties"),
                          in_lang(lang, "95% interval", "95%-interval")], body))
        return out
    body = [[sc.name, *(glossary.format_value(
        route_key(r), (table_row(rows, route_key(r), sc.name) or {}).get("mean"), lang)
        for r in present)] for sc in scenarios]
    out.append(_note("Share of the runs by the condition that failed first when the "
                     "ecosystem collapsed; the last column: runs that did not collapse (95% "
                     "intervals: under All metrics).",
                     "Aandeel van de simulaties naar de voorwaarde die het eerst niet meer gold "
                     "toen het ecosysteem instortte; de laatste kolom: simulaties waarin het "
                     "ecosysteem niet instortte (95%-intervallen: onder Alle uitkomsten).",
                     lang))
    out.append(table(["scenario", *(route_label(r, lang) for r in present)], body))
    return out


#: Scenarios per stakeholder table of a comparison: more go into a further table, so a
#: table stays narrow enough for any page.
SCENARIOS_PER_TABLE = 4


def stakeholder_section(rows: pd.DataFrame, names: Sequence[str], lang: str) -> list[str]:
    """Who pays and who gains in a comparison: a row per stakeholder, a column per
    scenario, at most :data:`SCENARIOS_PER_TABLE` scenarios a table."""
    out = [f"<h2>{esc(glossary.SECTIONS['value'][lang])}</h2>",
           _note("Net value over 10 years per stakeholder (benefit minus cost, discounted to "
                 "the start; mean over replications), each against the same people without "
                 "the programme. How each number is computed: docs/value.md.",
                 "Saldo over 10 jaar per partij (baten min kosten, contant gemaakt naar de "
                 "start; gemiddelde over de simulaties), steeds vergeleken met dezelfde "
                 "mensen zonder het programma. Hoe elk getal berekend is: docs/value.md.",
                 lang)]
    values = dict(value_table.compare_rows(rows, names))
    labels = value_table.stakeholder_labels(lang)
    for start in range(0, len(names), SCENARIOS_PER_TABLE):
        group = list(names[start:start + SCENARIOS_PER_TABLE])
        out.append(table([in_lang(lang, "stakeholder", "partij"), *group],
                         [[label, *(f.money(values[sc][i], lang) for sc in group)]
                          for i, label in enumerate(labels)]))
    return out


def _metric_sections(keys: Sequence[str], lang: str) -> dict[int, str]:
    """Section headings of a metrics table whose rows follow ``keys``."""
    out: dict[int, str] = {}
    last = None
    for i, key in enumerate(keys):
        section = glossary.term(key).section if glossary.has(key) else ""
        if section != last and section:
            out[i] = glossary.SECTIONS[section][lang]
        last = section
    return out


def _sorted_metrics(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` in the glossary's section order, each metric's scenarios together (the
    order within a section as in ``rows``)."""
    order = {s: i for i, s in enumerate(glossary.SECTIONS)}
    first = {k: i for i, k in reversed(list(enumerate(rows["metric"])))}
    section = rows["metric"].map(lambda k: order.get(glossary.term(k).section, len(order))
                                 if glossary.has(k) else len(order))
    return (rows.assign(_section=section, _first=rows["metric"].map(first))
            .sort_values(["_section", "_first"], kind="stable")
            .drop(columns=["_section", "_first"]))


def _estimate(key: str, mean: Any, horizon: int, lang: str) -> str:
    """An estimate for the metrics table; a median survival not reached is "beyond the
    horizon"."""
    if key == MEDIAN_KEY and f.missing(mean):
        return in_lang(lang, f"beyond {horizon}", f"langer dan {horizon}")
    return _value(key, mean, lang)


# ----------------------------------------------------------------------------- documents
def compare_html(scenarios: Sequence[ScenarioData], rows: pd.DataFrame, *,
                 findings: Sequence[tuple[str, str, bool]], curves: Curves,
                 warnings: Sequence[str], reps_note: str, lang: str = "en",
                 applied: str = "") -> str:
    """The comparison report as one self-contained HTML document in ``lang``: ``rows`` is
    the comparison table, ``findings`` its sentences (scenario, text, clear), ``curves``
    the survival curve of each scenario, ``applied`` the options applied to every
    scenario (``--months``, ``--set``)."""
    ref = scenarios[0]
    names = [sc.name for sc in scenarios]
    intro = in_lang(lang, f"{_bold_join(names, lang)} compared; the first, "
                    f"<b>{esc(ref.name)}</b>, is the reference. {esc(reps_note)}",
                    f"Vergeleken: {_bold_join(names, lang)}; het eerste, "
                    f"<b>{esc(ref.name)}</b>, is de referentie. {esc(reps_note)}")
    body = [f"<p>{intro}</p>"]
    if applied:
        body.append("<p>" + esc(in_lang(lang, "Applied to every scenario: ",
                                         "Voor elk scenario ingesteld: ")) +
                    f"<code>{esc(applied)}</code></p>")
    body += [f"<p class='warn'>{esc(w)}</p>" for w in warnings]
    body.append(_heading("What differs, in plain words", "Wat er verschilt, in gewone woorden",
                         lang))
    current = None
    for scenario, text, clear in findings:
        if scenario != current:
            body.append(f"<h3>{esc(scenario)} {in_lang(lang, 'vs', 'tegenover')} "
                        f"{esc(ref.name)}</h3>")
            current = scenario
        note = "" if clear else (" <span class='unclear'>" + esc(in_lang(
            lang, "(the 95% interval includes no difference: not distinguishable at this "
            "number of replications)", "(niet te onderscheiden bij dit aantal simulaties: "
            "het 95%-interval omvat ook geen verschil)")) + "</span>")
        body.append(f"<p class='finding'>{esc(text)}{note}</p>")
    body += durability_section(scenarios, rows, curves, lang)
    body += cause_section(scenarios, rows, lang)
    body += envelope_section(scenarios, lang)
    if value_table.has_values(rows):
        body += stakeholder_section(rows, names, lang)
    body.append(f"<h2>{esc(in_lang(lang, 'All metrics', 'Alle uitkomsten'))}</h2>"
                "<p class='small'>" + esc(in_lang(
                    lang, "Mean (or Kaplan-Meier estimate) with 95% interval per scenario; "
                    "difference from the first scenario with its 95% interval: paired "
                    "t-intervals over common random numbers where the seeds match (a "
                    "bootstrap for the Kaplan-Meier estimates), Welch t-intervals where they "
                    "do not. Differences of shares are in percentage points (pp). The same "
                    "numbers, with the method of each row, are in comparison.csv, by the "
                    "names that docs/glossary.md explains.",
                    "Gemiddelde (of Kaplan-Meier-schatting) met 95%-interval per scenario; "
                    "verschil met het eerste scenario met zijn 95%-interval: gepaarde "
                    "t-intervallen over dezelfde toevalsgetallen als de seeds gelijk zijn "
                    "(een bootstrap voor de Kaplan-Meier-schattingen), t-intervallen van "
                    "Welch als ze verschillen. Verschillen in aandelen staan in procentpunten "
                    "(%-punt). Dezelfde getallen, met de methode per rij, staan in "
                    "comparison.csv, onder de namen die docs/glossary.md uitlegt."))
                + "</p>")
    ordered = _sorted_metrics(rows)
    horizons = {sc.name: sc.horizon for sc in scenarios}
    cells, previous = [], None
    for r in ordered.itertuples():
        label = "" if r.metric == previous else metric_label(r.metric, lang)
        previous = r.metric
        reference = r.scenario == ref.name
        cells.append([label, r.scenario,
                      _estimate(r.metric, r.mean, horizons.get(r.scenario, 0), lang),
                      _band(r.metric, r.low, r.high, lang, r.mean),
                      "—" if reference else _difference(r.metric, r.diff, lang),
                      "" if reference else _band_difference(r.metric, r.diff_low,
                                                            r.diff_high, lang)])
    body.append(table([in_lang(lang, "metric", "uitkomst"), "scenario",
                       in_lang(lang, "mean", "gemiddelde"),
                       in_lang(lang, "95% interval", "95%-interval"),
                       in_lang(lang, f"difference from {ref.name}", f"verschil met {ref.name}"),
                       in_lang(lang, "95% interval", "95%-interval")],
                      cells, numeric_from=2,
                      sections=_metric_sections(list(ordered["metric"]), lang)))
    diffs = parameter_differences(scenarios, lang)
    body.append(_heading("Parameters that differ between the scenarios",
                         "Parameters die verschillen tussen de scenario's", lang))
    if diffs:
        body.append(_values_note(lang))
        body.append(table(["parameter", in_lang(lang, "unit", "eenheid"), *names], diffs,
                          numeric_from=2))
    else:
        body.append("<p>" + esc(in_lang(lang, "None: the scenarios have identical resolved "
                                        "parameters.", "Geen: de scenario's hebben dezelfde "
                                        "parameters.")) + "</p>")
    body += scenario_list(scenarios, lang)
    title = in_lang(lang, "Scenario comparison: " + " vs ".join(names),
                    "Vergelijking van scenario's: " + ", ".join(names[:-1]) + " en "
                    + names[-1])
    return page(title, body, lang)


def _values_note(lang: str) -> str:
    return ("<p class='small'>" + esc(in_lang(
        lang, "Parameter names and values as written in a scenario file (docs/parameters.md).",
        "Namen en waarden van parameters zoals in een scenariobestand, met een decimale "
        "punt (docs/parameters.md).")) + "</p>")


def run_html(sc: ScenarioData, rows: pd.DataFrame, *, summary: Mapping[str, Any],
             summary_text: str, curves: Curves, lang: str = "en") -> str:
    """The report of one run as one self-contained HTML document in ``lang``: ``rows`` is
    the table of its metrics, ``summary`` its ``summary.json``, ``summary_text`` the
    plain-language summary, one line a paragraph."""
    body = [f"<h2>{esc(in_lang(lang, 'Summary', 'Samenvatting'))}</h2>"]
    body += [f"<p>{esc(line)}</p>" for line in summary_text.splitlines()]
    if sc.timeline:
        body.append(f"<h2>{esc(in_lang(lang, 'Timeline', 'Tijdlijn'))}</h2><p class='small'>"
                    + esc(in_lang(lang, "The scenario's dated changes; each acts at the "
                                  "start of its month and is marked on the plots by its "
                                  "number.", "De geplande veranderingen van het scenario; "
                                  "elke verandering gaat in aan het begin van haar maand en "
                                  "staat met haar nummer in de grafieken.")) + "</p>")
        body += timeline_section(sc, lang)
    body.append(f"<h2>{esc(glossary.SECTIONS['durability'][lang])}</h2>")
    body.append(f"<p class='small'>{esc(KM_NOTE[lang])}</p>")
    body.append(table([in_lang(lang, "measure", "maat"), in_lang(lang, "estimate", "schatting"),
                       in_lang(lang, "95% interval", "95%-interval")],
                      run_durability_rows(summary, lang)))
    body.append(image(survival_figure(curves, lang),
                      in_lang(lang, "survival curve", "overlevingscurve")))
    body += cause_section([sc], rows, lang)
    body += envelope_section([sc], lang)
    if value_table.has_values(rows):
        body.append(f"<h2>{esc(glossary.SECTIONS['value'][lang])}</h2><p class='small'>"
                    + esc(in_lang(lang, "Per stakeholder, discounted to the start, mean over "
                                  "replications, each against the same people without the "
                                  "programme (the counterfactual). How each number is "
                                  "computed: docs/value.md.",
                                  "Per partij, contant gemaakt naar de start, gemiddelde over "
                                  "de simulaties, steeds vergeleken met dezelfde mensen "
                                  "zonder het programma. Hoe elk getal berekend is: "
                                  "docs/value.md.")) + "</p>")
        body.append(table([in_lang(lang, "stakeholder", "partij"),
                           *value_table.run_columns(lang)],
                          [[label, *(f.money(v, lang) for v in values)] for label, values
                           in value_table.run_rows(rows, sc.name, lang)]))
    body.append(f"<h2>{esc(in_lang(lang, 'All metrics', 'Alle uitkomsten'))}</h2>"
                "<p class='small'>" + esc(in_lang(
                    lang, "Mean (or Kaplan-Meier estimate) with 95% interval over "
                    "replications. The same numbers are in summary.json, by the names that "
                    "docs/glossary.md explains.",
                    "Gemiddelde (of Kaplan-Meier-schatting) met 95%-interval over de "
                    "simulaties. Dezelfde getallen staan in summary.json, onder de namen die "
                    "docs/glossary.md uitlegt.")) + "</p>")
    ordered = _sorted_metrics(rows)
    cells = [[metric_label(r.metric, lang), _estimate(r.metric, r.mean, sc.horizon, lang),
              _band(r.metric, r.low, r.high, lang, r.mean), str(r.n)]
             for r in ordered.itertuples()]
    body.append(table([in_lang(lang, "metric", "uitkomst"), in_lang(lang, "mean", "gemiddelde"),
                       in_lang(lang, "95% interval", "95%-interval"),
                       in_lang(lang, "replications", "simulaties")], cells,
                      sections=_metric_sections(list(ordered["metric"]), lang)))
    body.append(_heading("Parameters that differ from the defaults",
                         "Parameters die afwijken van de standaardwaarden", lang))
    changed = parameters_vs_defaults(sc.params, lang)
    if changed:
        body.append(_values_note(lang))
        body.append(table(["parameter", in_lang(lang, "unit", "eenheid"),
                           in_lang(lang, "default", "standaard"), sc.name], changed,
                          numeric_from=2))
    else:
        body.append("<p>" + esc(in_lang(lang, "None: every parameter has its default value.",
                                        "Geen: elke parameter heeft zijn standaardwaarde."))
                    + "</p>")
    body += scenario_list([sc], lang)
    return page(in_lang(lang, f"Run report: {sc.name}", f"Simulatierapport: {sc.name}"), body,
                lang)


def _bold_join(names: Sequence[str], lang: str = "en") -> str:
    quoted = [f"<b>{esc(n)}</b>" for n in names]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + in_lang(lang, " and ", " en ") + quoted[-1]
