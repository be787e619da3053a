"""``instap report``: ``report.html`` for one ``instap run`` folder, written into it.

The numbers are recomputed from the folder's stored metrics (:mod:`instap.stats`), the
same way ``instap compare`` computes them, so a run report and a comparison agree.
"""

from __future__ import annotations

from pathlib import Path

from instap.findings import plain_summary
from instap.inputs import folder_scenario
from instap.lang import check_lang, resolve_lang
from instap.provenance import write_text
from instap.report import run_html
from instap.results import load_run_folder
from instap.stats import comparison_table, scenario_km


def report_command(folder: Path, lang: str | None = None) -> Path:
    """Write ``report.html`` for one ``instap run`` folder (into that folder) in ``lang``
    (default: :func:`instap.lang.default_lang` of the folder's scenario); return it."""
    if lang is not None:
        check_lang(lang)
    folder = Path(folder)
    run = load_run_folder(folder)
    lang = resolve_lang(lang, run.manifest.get("scenario"))
    sc = folder_scenario(run, folder)
    table = comparison_table([sc])
    text = run_html(sc, table, summary=run.summary,
                    summary_text=plain_summary(run.summary, sc.name, sc.horizon, lang),
                    curves={sc.name: scenario_km(sc).curve()}, lang=lang)
    target = folder / "report.html"
    write_text(text, target)
    print(f"Report: {target}" if lang == "en" else f"Rapport: {target}")
    return target
