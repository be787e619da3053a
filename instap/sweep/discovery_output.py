"""The folder of a scenario discovery: tables (CSV), ``discovery.json``, plots (PNG) and
``report.html``, a self-contained page that says in words which conditions make the
outcome true.

- ``discovery.json``: the condition, the cases, the settings, the chosen box and the box
  after dropping insignificant restrictions, the sentences, versions;
- ``prim_trajectory.csv``: every box PRIM peeled (``id, coverage, density, mass, n, k,
  res_dim, restrictions``); ``prim_box.csv``: the box's restrictions (limits or levels,
  full range, quasi-p-values);
- ``cart_leaves.csv``, ``cart_tree.txt``: CART's leaves with coverage and density; the
  tree;
- ``feature_scores.csv``: extra-trees scores per factor for the condition and the output;
- ``prim_trajectory.png``, ``prim_box.png``, ``cart_tree.png``, ``feature_scores.png``.
"""

from __future__ import annotations

import base64
import html
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from instap.errors import InstapError
from instap.provenance import check_out_folder, write_json, write_text

if TYPE_CHECKING:
    from instap.sweep.discovery import Discovery

MARKER = "discovery.json"  # what makes a folder a discovery folder (it may be replaced)
PAGE_STYLE = ("body{font-family:sans-serif;max-width:1000px;margin:2em auto;line-height:1.45;"
              "padding:0 1em}img{max-width:100%;display:block;margin:1em 0}"
              "table{border-collapse:collapse;font-size:90%;margin:0.5em 0}"
              "td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;"
              "vertical-align:top}.lead{font-size:110%}.note{color:#555;font-size:92%}"
              "code{background:#f4f4f4;padding:0 3px}")


def is_discovery_folder(folder: Path) -> bool:
    """Whether ``folder`` holds an earlier discovery (and so may be replaced)."""
    return (folder / MARKER).is_file()


def _csv(df: pd.DataFrame, path: Path) -> None:
    write_text(df.to_csv(index=False, float_format="%.6g", lineterminator="\n"), path)


def write_discovery(d: Discovery, folder: Path) -> Path:
    """Write every file of ``d`` into ``folder`` (missing or empty); return it."""
    from instap.sweep.discovery_figures import discovery_plots

    check_out_folder(folder, "folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InstapError(f"--out {folder}: cannot create the folder ({err.strerror or err})"
                          ) from None
    write_json(d.summary, folder / MARKER)
    _csv(d.prim.trajectory, folder / "prim_trajectory.csv")
    _csv(d.box, folder / "prim_box.csv")
    _csv(d.cart.leaves, folder / "cart_leaves.csv")
    write_text(d.cart.text, folder / "cart_tree.txt")
    _csv(d.scores, folder / "feature_scores.csv")
    plots = discovery_plots(d, folder)
    write_text(page(d, plots), folder / "report.html")
    return folder


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, border=0, na_rep="", escape=True,
                      float_format=lambda x: f"{x:.3g}")


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _box_table(d: Discovery) -> pd.DataFrame:
    rows = []
    for r in d.prim.box.restrictions:
        full = ", ".join(r.all_levels) if r.kind == "levels" else \
            f"{r.low:.3g} to {r.high:.3g}"
        rows.append({"restriction": r.words(), "range in the experiment": full,
                     "quasi-p-value": f"{r.qp:.2g}"})
    return pd.DataFrame(rows, columns=["restriction", "range in the experiment",
                                       "quasi-p-value"])


def _stats_table(d: Discovery) -> pd.DataFrame:
    unit = "runs" if d.cases.kind == "runs" else "design points"
    rows = []
    for label, b in (("chosen on the trajectory", d.prim.chosen),
                     ("after dropping insignificant restrictions", d.prim.box)):
        rows.append({"box": f"{label} (box {b.id})", "density": _pct(b.density),
                     "coverage": _pct(b.coverage), "mass": _pct(b.mass),
                     f"{unit} in the box": f"{b.n:,}", "meeting the condition": f"{b.k:,}",
                     "restricted factors": b.res_dim})
    if d.prim.box.id == d.prim.chosen.id:
        rows = rows[:1]
    return pd.DataFrame(rows)


def page(d: Discovery, plots: dict[str, Path]) -> str:
    """``report.html``: the sentences, the box, the trajectory, CART, the scores and how
    it was computed, with the images inlined."""
    s = d.summary
    sweep = s["sweep"]
    unit = "runs" if d.cases.kind == "runs" else "design points"
    esc = html.escape
    leaves = d.cart.leaves.head(8).copy()
    leaves["coverage"] = leaves["coverage"].map(_pct)
    leaves["density"] = leaves["density"].map(_pct)
    leaves["mass"] = leaves["mass"].map(_pct)
    leaves = leaves.rename(columns={"n": unit, "k": "meeting"})
    cases_rule = (
        "Every successful run is one case: densities and coverages are shares of runs, "
        "and the replications of a design point are cases with the same factor values."
        if d.cases.kind == "runs" else
        "Every design point is one case; it meets the condition when at least half of its "
        "successful replications do.")
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Scenario discovery: {esc(d.condition.text)}</title>",
        f"<style>{PAGE_STYLE}</style></head><body>",
        f"<h1>When does <code>{esc(d.condition.text)}</code> hold?</h1>",
        f"<p class='note'>Scenario discovery on the sweep <b>{esc(str(sweep['experiment']))}"
        f"</b> ({esc(sweep['design'])} design, {sweep['points']:,} design points × "
        f"{sweep['replications']} replications = {sweep['runs']:,} runs"
        + (f", {d.cases.dropped:,} left out: failed or without a value" if d.cases.dropped
           else "") + ").</p>",
        *[f"<p class='lead'>{esc(t)}</p>" for t in d.sentences],
        "<h2>The PRIM box</h2>",
        "<p><b>Density</b>: the share of the box's " + unit + " in which the condition "
        "holds. <b>Coverage</b>: the share of all " + unit + " meeting the condition that "
        "lie in the box. <b>Mass</b>: the share of all " + unit + " in the box. The "
        "<b>quasi-p-value</b> of a restriction tests whether the box is denser than it "
        "would be without it (a one-sided binomial test); small is significant.</p>",
        _table(_stats_table(d)),
        _table(_box_table(d)) if d.prim.box.restrictions else
        "<p>The box restricts no factor.</p>",
        _img(plots["box"], "PRIM box limits"),
        f"<p>The box was chosen as {esc(d.prim.rule)}"
        + (f"; restrictions with a quasi-p-value above {s['settings']['significance']} were "
           f"then dropped ({esc(', '.join(d.prim.dropped))})" if d.prim.dropped else "")
        + ". Every box PRIM peeled is on the trajectory below (and in "
        "<code>prim_trajectory.csv</code>, with its restrictions): going right keeps more "
        "of the cases of interest, going up makes the box purer.</p>",
        _img(plots["trajectory"], "PRIM peeling trajectory"),
        "<h2>CART</h2>",
        "<p>A classification tree splits the cases into leaves of at least "
        f"{_pct(s['settings']['mass_min'])} of them. The leaves with the highest density "
        "(all of them in <code>cart_leaves.csv</code>, the whole tree in "
        "<code>cart_tree.txt</code>):</p>",
        _table(leaves[["rules", unit, "meeting", "density", "coverage", "mass"]]),
        _img(plots["tree"], "CART tree"),
        "<h2>Feature scores</h2>",
        "<p>How much each factor helps an ensemble of extra trees separate the cases that "
        "meet the condition from the rest (blue), and predict the output's value (grey). "
        "A factor PRIM and CART do not restrict can still score high when it matters "
        "through many small interactions.</p>",
        _img(plots["scores"], "feature scores"),
        _table(d.scores),
        *([ "<h2>Trajectories inside and outside the box</h2>",
            "<p>The monthly series the sweep kept (<code>timeseries:</code>): the median "
            "over the runs inside the box and over the rest, with the band from the 25th "
            "to the 75th percentile.</p>",
            *(_img(p, k) for k, p in plots.items() if k.startswith("envelope_"))]
          if any(k.startswith("envelope_") for k in plots) else []),
        "<h2>How this was computed</h2><ul>",
        f"<li>Cases: {esc(cases_rule)} Failed runs and runs without a value of the output "
        "are left out.</li>",
        "<li>Factors: range factors are numbers; levels given as text or true/false are "
        "categories (PRIM may keep any subset of them).</li>",
        f"<li>PRIM (EMA Workbench): peeling {_pct(s['settings']['peel_alpha'])} of the "
        f"cases at a time down to boxes of {_pct(s['settings']['mass_min'])}, then pasting. "
        f"The box: the one with the highest coverage among those with a density of at "
        f"least {_pct(s['settings']['density'])} (else the one nearest to full coverage "
        "and density); then restrictions with a quasi-p-value above "
        f"{s['settings']['significance']} are dropped, the least significant first.</li>",
        "<li>CART and the extra trees use random_state "
        f"{s['settings']['random_state']} (the experiment's seed): the same sweep gives "
        "the same result.</li>",
        "<li>A box describes the sweep's factor ranges and the model as it is; it is not a "
        "guarantee outside them. PRIM finds one box; other regions where the condition "
        "holds may exist (see the CART leaves).</li>",
        "</ul>",
        "<h2>Provenance</h2><pre>" + esc("\n".join([
            f"sweep folder: {sweep['folder']}",
            f"experiment fingerprint: {sweep['fingerprint']}",
            f"model fingerprint: {sweep['model_fingerprint']}",
            *(f"{k}: {v}" for k, v in s["versions"].items())])) + "</pre>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def replace_discovery(d: Discovery, folder: Path) -> Path:
    """Write ``d`` into ``folder``, replacing an earlier discovery there (a folder with
    ``discovery.json``) only once the new one is complete; any other non-empty folder is
    refused."""
    from instap.provenance import atomic_folder

    old = None
    if folder.exists():
        if not folder.is_dir():
            raise InstapError(f"--out {folder}: is a file; choose a folder")
        if any(folder.iterdir()):
            if not is_discovery_folder(folder):
                raise InstapError(f"--out {folder}: exists, is not empty and holds no "
                                  f"earlier discovery ({MARKER}); choose a new folder")
            old = folder.with_name(f".{folder.name}-old.partial-{os.getpid()}")
            os.replace(folder, old)
    try:
        with atomic_folder(folder) as tmp:
            write_discovery(d, tmp)
    except BaseException:
        if old is not None and not folder.exists():
            os.replace(old, folder)
        raise
    if old is not None:
        import shutil
        shutil.rmtree(old, ignore_errors=True)
    return folder
