"""``instap run``: check everything, run the replications, write the folder, summarise.

A thin layer on :mod:`instap.api` (``instap.run`` and ``RunResult.save`` are the same
steps): all input is checked before anything runs, and the folder appears under its final
name only when every file in it has been written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from instap.api import command_line, plan_run, write_run_folder
from instap.execution import DEFAULT_SEED
from instap.findings import plain_summary
from instap.lang import in_lang
from instap.provenance import default_out, output_lock


def run_command(scenario: Path, reps: int = 20, seed: int = DEFAULT_SEED,
                months: int | None = None,
                overrides: list[str] | None = None, out: Path | None = None,
                jobs: int | None = None, progress: bool = True,
                lang: str | None = None, posterior: Path | None = None) -> Path:
    """Run ``scenario`` ``reps`` times and write a run folder; return its path. The
    summary it prints and the plots are in ``lang`` (default:
    :func:`instap.lang.default_lang` of the scenario); ``posterior``: each replication
    draws the calibrated parameters from this posterior file."""
    plan = plan_run(Path(scenario), reps=reps, seed=seed, months=months,
                    set_items=list(overrides or []), jobs=jobs, cli=True, lang=lang,
                    posterior=posterior)
    for warning in plan.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    final = Path(out) if out is not None else default_out(plan.scenario.name)
    with output_lock(final):  # a second command on this folder fails now, not at the end
        result = plan.execute(progress)
        write_run_folder(result, final, command=command_line())
    print(plain_summary(result.summary, plan.scenario.name, int(plan.params["months"]),
                        plan.lang))
    print(in_lang(plan.lang, "Results: ", "Resultaten: ") + str(final))
    return final
