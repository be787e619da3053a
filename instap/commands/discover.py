"""``instap discover``: scenario discovery on a finished sweep folder.

A thin layer on :func:`instap.api.discover` (the folder checked as ``instap analyze``
checks it, then PRIM, CART and feature scores, :mod:`instap.sweep.discovery`) and
:func:`instap.sweep.discovery_output.replace_discovery` (tables, plots and
``report.html`` in ``DIR/discovery/<condition>/`` or ``--out``). Bad input (a folder that
is not a finished sweep, a bad ``--where``, an unknown output) is one line and exit
status 2, before anything is written.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import typer

from instap.api import load_sweep
from instap.errors import InstapError, shown
from instap.provenance import output_lock
from instap.sweep.discovery import (
    CASES,
    DEFAULT_DENSITY,
    discover_runs,
    parse_condition,
    sweep_factors,
)
from instap.sweep.discovery_output import is_discovery_folder, replace_discovery


def default_folder(folder: Path, slug: str) -> Path:
    """Where a discovery goes without ``--out``: ``DIR/discovery/<condition>``."""
    return folder / "discovery" / slug


def _check_target(target: Path) -> None:
    """Refuse an ``--out`` that is a file or a non-empty folder other than an earlier
    discovery, before any work."""
    if target.exists() and not target.is_dir():
        raise InstapError(f"--out {target}: is a file; choose a folder")
    if target.is_dir() and any(target.iterdir()) and not is_discovery_folder(target):
        raise InstapError(f"--out {target}: exists, is not empty and holds no earlier "
                          "discovery (discovery.json); choose a new folder")


def discover_command(folder: Path, where: str, out: Path | None = None,
                     density: float = DEFAULT_DENSITY, cases: str = "runs") -> Path:
    """Scenario discovery of ``where`` on the sweep in ``folder``; write the result into
    ``out`` (default ``folder/discovery/<condition>``; an earlier discovery there is
    replaced) and return that folder."""
    if cases not in CASES:
        raise InstapError(f"--cases {shown(cases)}: allowed: {', '.join(CASES)}")
    if not 0 < density <= 1:
        raise InstapError(f"--density {density!r}: allowed: a share above 0 and at most 1, "
                          "e.g. 0.8")
    if not folder.exists():
        raise InstapError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise InstapError(f"{folder}: is a file, not an `instap sweep` folder")
    if out is not None:
        _check_target(out)
    # Held while reading and writing: a sweep (or --resume) on the folder at the same
    # time would change the runs under the analysis.
    with output_lock(folder, option="folder", empty=False):
        sweep = load_sweep(folder)
        manifest = sweep.manifest
        names = [f["name"] for f in sweep_factors(manifest)]
        condition = parse_condition(where, list(manifest["outputs"]), names)
        target = out if out is not None else default_folder(folder, condition.slug)
        _check_target(target)
        typer.echo(f"instap discover: {condition.text} on {folder} "
                   f"({len(sweep.runs):,} runs)", err=True)
        result = discover_runs(sweep.runs, manifest, where, density=density, cases=cases,
                               sweep=folder)
        with output_lock(target, empty=False):
            replace_discovery(result, target)
    for sentence in result.sentences:
        typer.echo(sentence)
    typer.echo(f"discovery written to {target} "
               f"(open {shlex.quote(str(target / 'report.html'))})", err=True)
    return target
