"""``instap sweep`` and ``instap analyze``: plan, run (resumably), store, analyse, report."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from instap.errors import InstapError, Interrupted
from instap.execution import default_jobs, start_server
from instap.provenance import git_commit, package_versions, write_json
from instap.sweep import store
from instap.sweep.design import Design, build_design
from instap.sweep.experiment import Experiment, load_experiment
from instap.sweep.factors import Factor
from instap.sweep.plan import chunk_size, pilot, plan_text

EXECUTORS = ("local", "dask")


def _design(exp: Experiment) -> Design:
    d = exp.file.design
    return build_design(d.method, exp.factors, d.n, exp.file.replications, exp.file.seed,
                        exp.spec.base, d.second_order, d.num_levels)


def _manifest(exp: Experiment, design: Design, outputs: tuple[str, ...], size: int,
              workers: int, executor: str) -> dict[str, Any]:
    return {
        "status": "running",
        "fingerprint": exp.fingerprint(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "experiment_file": str(exp.path.resolve()),
        "experiment": exp.raw,
        "model": exp.spec.model,
        "model_scenario": exp.spec.model_scenario,
        "base_parameters": exp.spec.base,
        "base_scenario": exp.base_scenario,
        "outputs": list(outputs),
        "design": {"method": design.method, "n": design.n,
                   "replications": design.replications, "seed": design.seed,
                   "second_order": design.second_order, "num_levels": design.num_levels,
                   "conf_level": exp.file.design.conf_level, "points": design.n_points,
                   "runs": design.n_runs, "factors": [asdict(f) for f in design.factors],
                   "baseline": design.baseline},
        "chunks": {"size": size, "count": -(-design.n_runs // size)},
        "executor": executor,
        "workers": workers,
        "versions": package_versions(),
        "git_commit": git_commit(),
    }


def _design_from_manifest(m: dict[str, Any]) -> Design:
    d = m["design"]
    factors = []
    for f in d["factors"]:
        f = dict(f)
        f["levels"] = tuple(f["levels"])
        f["clip"] = tuple(f["clip"]) if f["clip"] else None
        factors.append(Factor(**f))
    return build_design(d["method"], factors, d["n"], d["replications"], d["seed"],
                        d["baseline"], d["second_order"], d["num_levels"])


def _prepare_folder(out: Path, exp: Experiment, resume: bool) -> dict[str, Any] | None:
    """Check the output folder; return the previous manifest when resuming."""
    previous = store.read_manifest(out)
    has_runs = bool(store.chunk_files(out)) if out.exists() else False
    if not resume:
        if has_runs or previous is not None:
            raise InstapError(f"--out {out}: already holds a sweep; add --resume to finish "
                              "it, or choose another folder")
        return None
    if previous is None:
        if has_runs:
            raise InstapError(f"--out {out}: has runs but no manifest.json; cannot resume")
        return None
    if previous.get("fingerprint") != exp.fingerprint():
        raise InstapError(f"--resume: {out} holds a different experiment "
                          f"({previous['experiment'].get('name')!r}, or the file or its "
                          "base scenario changed); choose another --out")
    return previous


def _executor(name: str, spec: Any, names: list[str], jobs: int, scheduler: str | None):
    if name == "local":
        from instap.sweep.executors import LocalExecutor
        return LocalExecutor(spec, names, jobs)
    from instap.sweep.executors import DaskExecutor
    return DaskExecutor(spec, names, jobs, scheduler)


def sweep_command(experiment: Path, out: Path | None = None, jobs: int | None = None,
                  executor: str = "local", scheduler: str | None = None,
                  resume: bool = False, plan: bool = False) -> None:
    """Run (or plan) an experiment; exit status 1 when any run failed."""
    if executor not in EXECUTORS:
        raise InstapError(f"--executor {executor!r}: allowed: {', '.join(EXECUTORS)}")
    if scheduler and executor != "dask":
        raise InstapError("--scheduler needs --executor dask")
    if executor == "local" and not plan and jobs != 1:
        start_server()  # the workers' imports overlap loading the experiment and the pilot
    exp = load_experiment(experiment)
    design = _design(exp)
    workers = jobs or default_jobs(design.n_runs)
    # --plan times a few runs for its estimate; a real sweep only needs one run to check
    # the outputs and size the chunks, since pilot runs are not kept.
    piloted = pilot(exp, design, max_runs=5 if plan else 1)
    if plan:
        typer.echo(plan_text(exp, design, piloted, workers, executor))
        return
    out = out or Path("results") / "sweeps" / exp.name
    previous = _prepare_folder(out, exp, resume)
    spec = replace(exp.spec, outputs=piloted.outputs)
    size = previous["chunks"]["size"] if previous else chunk_size(
        design.n_runs, piloted.seconds_per_run, workers)
    store.runs_dir(out).mkdir(parents=True, exist_ok=True)
    for tmp in store.runs_dir(out).glob("*.tmp"):
        tmp.unlink()
    manifest = previous or _manifest(exp, design, piloted.outputs, size, workers, executor)
    manifest.update(status="running", executor=executor)
    write_json(manifest, out / "manifest.json")
    outputs = list(manifest["outputs"])
    spec = replace(spec, outputs=tuple(outputs))
    n_chunks = -(-design.n_runs // size)
    todo, done_runs, done_failed = [], 0, 0
    for k in range(n_chunks):
        ids = range(k * size, min((k + 1) * size, design.n_runs))
        path = store.chunk_path(out, k)
        if resume and path.exists() and store.chunk_ok(path, ids, manifest["fingerprint"]):
            n, failed, _ = store.chunk_stats(path)
            done_runs += n
            done_failed += failed
        else:
            path.unlink(missing_ok=True)
            todo.append(k)
    t0 = time.perf_counter()
    names = design.names()
    runner = _executor(executor, spec, names, workers, scheduler)
    chunks = ((k, design.runs(k * size, min((k + 1) * size, design.n_runs))) for k in todo)
    _drive(runner, chunks, out, outputs, manifest["fingerprint"], design.n_runs, done_runs,
           done_failed)
    wall = time.perf_counter() - t0
    failed = store.write_failures(out, names)
    _finish(out, manifest, design, wall, getattr(runner, "workers", workers), len(todo),
            failed, resumed=resume and len(todo) < n_chunks)
    _analyse(out, manifest)
    typer.echo(f"{design.n_runs} runs ({failed} failed) in {out}", err=True)
    if failed:
        typer.echo(f"error: {failed} run(s) failed; see {out / 'failures.parquet'}", err=True)
        raise typer.Exit(1)


def _drive(runner: Any, chunks: Any, out: Path, outputs: list[str], fingerprint: str,
           total: int, done: int, failed: int) -> None:
    """Write chunks as they finish, with a progress bar counting the failed runs."""
    from tqdm import tqdm
    new_failed = 0
    results = runner.map(chunks)
    bar = None
    try:
        for result in results:
            if bar is None:
                bar = tqdm(total=total, initial=done, unit="run", file=sys.stderr,
                           dynamic_ncols=True, desc="sweep", mininterval=0.5)
                bar.set_postfix(failed=failed)
            store.write_chunk(out, result, outputs, fingerprint)
            new_failed += result.failed
            bar.update(len(result.columns["run_id"]))
            bar.set_postfix(failed=failed + new_failed)
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted; finished chunks are kept in {out}/runs; finish with "
                          "--resume") from None
    finally:
        if bar is not None:
            bar.close()
        results.close()


def _finish(out: Path, manifest: dict[str, Any], design: Design, wall: float, workers: int,
            chunks_run: int, failed: int, resumed: bool) -> None:
    elapsed = [store.chunk_stats(p)[2] for p in store.chunk_files(out)]
    timings = manifest.get("timings", {})
    sessions = timings.get("sessions", []) + [{"wall_time_s": round(wall, 3),
                                               "chunks_run": chunks_run, "workers": workers,
                                               "executor": manifest["executor"],
                                               "resumed": resumed}]
    run_seconds = float(sum(elapsed))
    manifest["timings"] = {
        "runs": design.n_runs,
        "failed_runs": failed,
        "run_time_per_run_s": run_seconds / design.n_runs if design.n_runs else 0.0,
        "run_time_total_s": run_seconds,
        "wall_time_s": round(sum(s["wall_time_s"] for s in sessions), 3),
        "workers": workers,
        "runs_per_s": round(design.n_runs / max(sum(s["wall_time_s"] for s in sessions),
                                                1e-9), 2),
        "sessions": sessions,
    }
    manifest["status"] = "complete"
    manifest["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    write_json(manifest, out / "manifest.json")


def _analyse(folder: Path, manifest: dict[str, Any]) -> None:
    """Recompute every analysis file from the stored runs."""
    from instap.sweep.analysis import analyze
    from instap.sweep.figures import make_plots
    from instap.sweep.report import write_report
    design = _design_from_manifest(manifest)
    outputs = list(manifest["outputs"])
    runs = store.read_runs(folder, ["run_id", "point", "replication", *outputs, "error"])
    a = analyze(design, runs, outputs, manifest["design"].get("conf_level", 0.95))
    _write_csv(a.sensitivity, folder / "sensitivity.csv")
    if a.s2 is not None:
        _write_csv(a.s2, folder / "sensitivity_s2.csv")
    if a.convergence is not None:
        _write_csv(a.convergence, folder / "convergence.csv")
    if a.noise is not None:
        _write_csv(a.noise, folder / "noise_floor.csv")
    write_json(a.verdicts, folder / "verdicts.json")
    plots = make_plots(a, outputs, folder / "plots")
    write_report(folder, manifest, a, plots)


def _write_csv(df: Any, path: Path) -> None:
    tmp = path.with_suffix(".csv.tmp")
    df.to_csv(tmp, index=False)
    os.replace(tmp, path)


def analyze_command(folder: Path) -> None:
    """Recompute the analysis, plots and report of a sweep folder from its stored runs."""
    manifest = store.read_manifest(folder)
    if manifest is None:
        raise InstapError(f"{folder}: no manifest.json; not an `instap sweep` folder")
    design = _design_from_manifest(manifest)
    stored = sum(store.chunk_stats(p)[0] for p in store.chunk_files(folder))
    if stored < design.n_runs:
        typer.echo(f"warning: {folder} holds {stored} of {design.n_runs} runs; finish it "
                   "with `instap sweep ... --resume`", err=True)
    _analyse(folder, manifest)
    typer.echo(f"analysis written to {folder}", err=True)
