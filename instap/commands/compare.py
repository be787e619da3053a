"""``instap compare``: scenarios side by side, with common random numbers.

Checks every input and runs the scenario files (:mod:`instap.inputs`), computes the
comparison table (:mod:`instap.stats`), its sentences (:mod:`instap.findings`) and the
durability ranking (:mod:`instap.ranking`), and writes ``comparison.csv``,
``report.html`` (:mod:`instap.report`) and ``manifest.json`` into one new folder.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from instap.errors import InstapError
from instap.execution import DEFAULT_SEED
from instap.findings import comparison_findings
from instap.inputs import load_inputs
from instap.provenance import atomic_folder, default_out, output_lock, write_json
from instap.ranking import durability_ranking
from instap.report import compare_html
from instap.stats import comparison_table, scenario_km


def compare_command(inputs: Sequence[Path], reps: int = 20, seed: int = DEFAULT_SEED,
                    out: Path | None = None, jobs: int | None = None,
                    progress: bool = True) -> Path:
    """Compare scenarios with common random numbers; write comparison.csv and report.html
    into ``out`` (default ``results/compare-<timestamp>``); return the folder."""
    if jobs is not None and jobs < 1:
        raise InstapError(f"--jobs {jobs}: must be at least 1")
    final = Path(out) if out is not None else default_out("compare")
    with output_lock(final):  # a second command on this folder fails now, not at the end
        scenarios, warnings = load_inputs(list(inputs), reps, seed, jobs=jobs, progress=progress)
        for w in warnings:
            print(f"warning: {w}", file=sys.stderr)
        table = comparison_table(scenarios, seed)
        ranking = durability_ranking(scenarios, table)
        paired = all(sc.seeds == scenarios[0].seeds for sc in scenarios)
        note = (f"Each scenario ran {len(scenarios[0].seeds)} replications with the same seeds "
                "(common random numbers); differences are paired per replication."
                if paired else "Scenarios ran with different seeds; differences are unpaired.")
        html = compare_html(scenarios, table, findings=comparison_findings(scenarios, table),
                            ranking=ranking,
                            curves={sc.name: scenario_km(sc).curve() for sc in scenarios},
                            warnings=warnings, reps_note=note)
        with atomic_folder(final) as tmp:
            table.to_csv(tmp / "comparison.csv", index=False)
            (tmp / "report.html").write_text(html, encoding="utf-8")
            write_json({"inputs": [str(p) for p in inputs], "reference": scenarios[0].name,
                        "master_seed": seed, "replications": reps, "paired": paired,
                        "warnings": list(warnings),
                        "scenarios": [{"name": sc.name, "source": sc.source,
                                       "from_folder": sc.from_folder, "seeds": sc.seeds,
                                       "params": sc.params} for sc in scenarios],
                        "command": [Path(sys.argv[0]).name, *sys.argv[1:]]},
                       tmp / "manifest.json")
    print(ranking)
    print(f"Results: {final}")
    return final
