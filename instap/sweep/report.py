"""``DIR/report.html``: a self-contained page (images inlined) tying the analysis together."""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from instap.provenance import write_text
from instap.sweep.analysis import Analysis

if TYPE_CHECKING:  # robustness imports scipy.stats: loaded only for a sweep with levers
    from instap.sweep.robustness import Robustness


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def _table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, float_format=lambda x: f"{x:.3g}", border=0)


def _model_code(manifest: dict[str, Any]) -> str:
    """The model fingerprint, and the model versions a ``--resume --force`` mixed in."""
    from instap.sweep.modelcode import mixes
    code = manifest.get("model_code")
    if not isinstance(code, dict):
        return "not recorded (an older instap)"
    where = ", ".join(str(m.get("path") or m.get("module", "?"))
                      for m in code.get("modules", []))
    text = f"{code.get('fingerprint')} ({where})"
    for mix in mixes(manifest):
        text += (f"; runs mixed with --force: {mix.get('before')} -> {mix.get('after')} "
                 f"({mix.get('change')})")
    return text


def _fmt(x: Any) -> str:
    """A number in the report: 3 significant digits, '-' when missing."""
    try:
        value = float(x)
    except (TypeError, ValueError):
        return html.escape(str(x))
    if value != value:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def robustness_section(rob: Robustness, figure: Path) -> str:
    """The report's section on policies across futures: sentences, figure, and one table
    for lasting and one per output (policies in the figure's order)."""
    from instap.sweep.robustness import lower_is_better
    t = rob.table.sort_values(["lasting_share", "policy"], ascending=[False, True],
                              kind="stable")

    def table(head: list[str], rows: list[list[str]]) -> str:
        return ("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head)
                + "</tr>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>"
                                    for r in rows) + "</table>")

    parts = ["<h3>How often each policy lasts</h3>", table(
        ["policy", "futures", "lasts", "95% interval"],
        [[html.escape(str(r["policy"])), str(int(r["futures"])), f"{r['lasting_share']:.0%}",
          f"{r['lasting_low']:.0%} to {r['lasting_high']:.0%}"] for _, r in t.iterrows()])]
    for out in rob.outputs:
        less = " (less is better)" if lower_is_better(out) else ""
        parts += [f"<h3>{html.escape(out)}{less}</h3>", table(
            ["policy", "median", "worst decile", "regret: median", "regret: 9 in 10 futures",
             "largest regret"],
            [[html.escape(str(r["policy"])), _fmt(r[f"{out}.median"]),
              _fmt(r[f"{out}.worst_decile"]), _fmt(r[f"{out}.regret_median"]),
              _fmt(r[f"{out}.regret_p90"]), _fmt(r[f"{out}.regret_max"])]
             for _, r in t.iterrows()])]
    failed = int(t["failed"].sum())
    return "\n".join([
        "<h2>Policies across futures</h2><ul>",
        *(f"<li>{html.escape(s)}</li>" for s in rob.sentences()),
        "</ul>",
        _img(figure),
        "<p><b>Worst decile</b>: the outcome the policy reaches or beats in nine futures "
        "out of ten. <b>Regret</b>: in each future, how far the policy falls short of the "
        "best policy in that same future (0 for the best one); its median, the value it "
        "stays within in nine futures out of ten, and its largest. Costs count less as "
        "better." + (f" {failed} failed runs count as not lasting." if failed else "")
        + "</p>",
        *parts,
        "<p>Every figure: <code>robustness.csv</code> (per policy), <code>regret.csv</code> "
        "(per run).</p>",
    ])


def trajectories_section(files: list[Path], policies: bool) -> str:
    """The report's section of monthly envelopes."""
    by = "per policy" if policies else "per level of the factors that matter most"
    return "\n".join([
        "<h2>Trajectories</h2>",
        f"<p>The monthly series kept by the sweep (<code>timeseries:</code>), {by}: the "
        "median over the runs with the band from the 25th to the 75th percentile (for a "
        "series that is 0 or 1, such as <code>alive</code>, the share of runs at 1)."
        + ("" if policies else " A numeric factor is split into the lower, middle and "
           "upper third of its values.") + "</p>",
        *(_img(p) for p in files),
    ])


def write_report(folder: Path, manifest: dict[str, Any], a: Analysis | None,
                 plots: dict[str, list[Path]], sections: list[str] | None = None) -> Path:
    """Write the report and return its path; ``a`` is None for a sweep with levers
    (its ``sections`` hold the robustness of the policies)."""
    exp = manifest["experiment"]
    t = manifest.get("timings", {})
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Sweep {html.escape(exp.get('name', ''))}</title>",
        "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;line-height:1.4}"
        "img{max-width:100%}table{border-collapse:collapse;font-size:90%}"
        "td,th{padding:2px 8px;border-bottom:1px solid #ddd}</style></head><body>",
        f"<h1>Sweep: {html.escape(exp.get('name', ''))}</h1>",
        f"<p>{html.escape(exp.get('description', '') or '')}</p>",
        f"<p>Design: <b>{html.escape(manifest['design']['method'])}</b>, "
        f"{len(manifest['design']['factors'])} "
        f"{'uncertainties' if a is None else 'factors'}, {t.get('runs', '?')} runs "
        f"({manifest['design']['replications']} "
        f"replication{'' if manifest['design']['replications'] == 1 else 's'} per point"
        + (f", {len(manifest['design'].get('policies') or [])} policies in every future"
           if a is None else "")
        + f"), {t.get('failed_runs', 0)} failed. Model "
        f"<code>{html.escape(manifest['model'])}</code>.</p>",
    ]
    if a is None:
        parts += sections or []
        sections = []
    else:
        parts.append("<h2>Which levers matter most</h2><ul>")
        parts += [f"<li>{html.escape(v['sentence'])}</li>" for v in a.verdicts.values()]
        parts.append("</ul>")
    if a is not None and a.noise is not None:
        parts += ["<h2>Noise floor</h2><p>Share of output variance that is seed noise "
                  "(variance between replications of the same point over the variance of "
                  "all runs). An effect smaller than this is hard to tell from noise.</p>",
                  _table(a.noise)]
    for out, files in plots.items():
        assert a is not None
        parts.append(f"<h2>{html.escape(out)}</h2>")
        parts.append(f"<p>{html.escape(a.verdicts.get(out, {}).get('sentence', ''))}</p>")
        parts += [_img(p) for p in files]
        sub = a.sensitivity[a.sensitivity["output"] == out]
        if a.method != "ofat":
            parts.append(_table(sub))
    parts += sections or []
    parts.append("<h2>Provenance</h2><pre>" + html.escape(
        "\n".join(f"{k}: {v}" for k, v in {**manifest.get("versions", {}),
                                            "git": manifest.get("git_commit"),
                                            "model code": _model_code(manifest),
                                            **t}.items())) + "</pre></body></html>")
    path = folder / "report.html"
    write_text("\n".join(parts), path)
    return path
