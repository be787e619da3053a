"""``instap compare``: scenarios side by side, with common random numbers.

A thin layer on :func:`instap.api.compare` (which checks every input and runs the
scenario files, :mod:`instap.inputs`, then computes the comparison table,
:mod:`instap.stats`, its sentences, :mod:`instap.findings`, and the durability ranking,
:mod:`instap.ranking`) and :func:`instap.api.write_compare_folder` (``comparison.csv``,
``report.html`` and ``manifest.json`` in one new folder).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from instap.api import command_line, compare, write_compare_folder
from instap.errors import InstapError
from instap.execution import DEFAULT_SEED
from instap.provenance import default_out, output_lock


def compare_command(inputs: Sequence[Path], reps: int = 20, seed: int = DEFAULT_SEED,
                    out: Path | None = None, jobs: int | None = None,
                    progress: bool = True) -> Path:
    """Compare scenarios with common random numbers; write comparison.csv and report.html
    into ``out`` (default ``results/compare-<timestamp>``); return the folder."""
    if jobs is not None and jobs < 1:
        raise InstapError(f"--jobs {jobs}: must be at least 1")
    final = Path(out) if out is not None else default_out("compare")
    with output_lock(final):  # a second command on this folder fails now, not at the end
        result = compare(list(inputs), reps, seed, jobs=jobs, progress=progress, cli=True)
        for w in result.warnings:
            print(f"warning: {w}", file=sys.stderr)
        write_compare_folder(result, final, command=command_line())
    print(result.ranking)
    print(f"Results: {final}")
    return final
