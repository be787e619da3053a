"""``instap sweep`` and ``instap analyze``: thin layers on :mod:`instap.sweep.runner`."""

from __future__ import annotations

from pathlib import Path

import typer

from instap.sweep.runner import analyze_folder, run_sweep


def sweep_command(experiment: Path, out: Path | None = None, jobs: int | None = None,
                  executor: str = "local", scheduler: str | None = None,
                  resume: bool = False, plan: bool = False, force: bool = False) -> None:
    """Run (or plan) an experiment; exit status 1 when any run failed."""
    done = run_sweep(experiment, out, jobs, executor, scheduler, resume, plan, force)
    if done.plan is not None:
        typer.echo(done.plan)
        return
    if done.failed:
        assert done.out is not None
        typer.echo(f"error: {done.failed} run(s) failed; see "
                   f"{done.out / 'failures.parquet'}", err=True)
        raise typer.Exit(1)


def analyze_command(folder: Path) -> None:
    """Recompute the analysis, plots and report of a sweep folder from its stored runs."""
    analyze_folder(folder)
    typer.echo(f"analysis written to {folder}", err=True)
