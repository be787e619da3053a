"""``DIR/report.html``: a self-contained page (images inlined) tying the analysis together."""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

import pandas as pd

from instap.provenance import write_text
from instap.sweep.analysis import Analysis


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


def write_report(folder: Path, manifest: dict[str, Any], a: Analysis,
                 plots: dict[str, list[Path]]) -> Path:
    """Write the report and return its path."""
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
        f"<p>Design: <b>{html.escape(a.method)}</b>, {len(manifest['design']['factors'])} "
        f"factors, {t.get('runs', '?')} runs ({manifest['design']['replications']} "
        f"replications per point), {t.get('failed_runs', 0)} failed. Model "
        f"<code>{html.escape(manifest['model'])}</code>.</p>",
        "<h2>Which levers matter most</h2><ul>",
    ]
    parts += [f"<li>{html.escape(v['sentence'])}</li>" for v in a.verdicts.values()]
    parts.append("</ul>")
    if a.noise is not None:
        parts += ["<h2>Noise floor</h2><p>Share of output variance that is seed noise "
                  "(variance between replications of the same point over the variance of "
                  "all runs). An effect smaller than this is hard to tell from noise.</p>",
                  _table(a.noise)]
    for out, files in plots.items():
        parts.append(f"<h2>{html.escape(out)}</h2>")
        parts.append(f"<p>{html.escape(a.verdicts.get(out, {}).get('sentence', ''))}</p>")
        parts += [_img(p) for p in files]
        sub = a.sensitivity[a.sensitivity["output"] == out]
        if a.method != "ofat":
            parts.append(_table(sub))
    parts.append("<h2>Provenance</h2><pre>" + html.escape(
        "\n".join(f"{k}: {v}" for k, v in {**manifest.get("versions", {}),
                                            "git": manifest.get("git_commit"),
                                            "model code": _model_code(manifest),
                                            **t}.items())) + "</pre></body></html>")
    path = folder / "report.html"
    write_text("\n".join(parts), path)
    return path
