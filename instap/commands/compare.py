"""``instap compare``: scenarios side by side, with common random numbers.

A thin layer on :func:`instap.api.compare` (which checks every input and runs the
scenario files, :mod:`instap.inputs`, then computes the comparison table,
:mod:`instap.stats`, its sentences, :mod:`instap.findings`, and the durability ranking,
:mod:`instap.ranking`) and :func:`instap.api.write_compare_folder` (``comparison.csv``,
``report.html`` and ``manifest.json`` in one new folder). ``--reps``, ``--seed``,
``--months`` and ``--set`` work as for ``instap run``, on every scenario file.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from instap.api import command_line, compare, write_compare_folder
from instap.errors import InstapError
from instap.execution import DEFAULT_SEED
from instap.inputs import comparison_warnings
from instap.lang import check_lang, in_lang
from instap.provenance import default_out, output_lock


def compare_command(inputs: Sequence[Path], reps: int | None = None,
                    seed: int = DEFAULT_SEED, out: Path | None = None,
                    jobs: int | None = None, progress: bool = True,
                    months: int | None = None, overrides: list[str] | None = None,
                    lang: str | None = None, posterior: Path | None = None) -> Path:
    """Compare scenarios with common random numbers; write comparison.csv and report.html
    into ``out`` (default ``results/compare-<timestamp>``); return the folder.

    ``reps`` (default 20), ``months`` and ``overrides`` (``--set name=value``) apply to
    every scenario file; run folders refuse ``months`` and ``overrides``, and ``reps``
    when no input is a scenario file. ``lang``: ``en`` or ``nl`` (default:
    :func:`instap.lang.default_lang` of the reference)."""
    if jobs is not None and jobs < 1:
        raise InstapError(f"--jobs {jobs}: must be at least 1")
    if lang is not None:
        check_lang(lang)
    final = Path(out) if out is not None else default_out("compare")
    with output_lock(final):  # a second command on this folder fails now, not at the end
        result = compare(list(inputs), reps, seed, months=months,
                         set_items=list(overrides or []), jobs=jobs, progress=progress,
                         cli=True, lang=lang, posterior=posterior)
        english = comparison_warnings(result.scenarios)
        extra = [w for w in result.warnings if w not in english]  # the posterior's
        for w in comparison_warnings(result.scenarios, result.lang) + extra:
            print(in_lang(result.lang, "warning: ", "waarschuwing: ") + w, file=sys.stderr)
        write_compare_folder(result, final, command=command_line())
    print(result.ranking)
    print(in_lang(result.lang, "Results: ", "Resultaten: ") + str(final))
    return final
