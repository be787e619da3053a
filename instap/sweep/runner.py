"""Sweeps: plan, run (resumably), store, analyse, report; what ``instap sweep``,
``instap analyze`` and :func:`instap.sweep` do (the commands are thin layers on it).

Nothing here reads a sweep folder without checking it (:func:`instap.sweep.store.
load_manifest`, :func:`instap.sweep.store.verify`): ``analyze`` refuses a folder whose
chunks do not hold every planned run exactly once, and ``--resume`` repairs it (re-runs
missing or damaged chunks, removes stray ones) with a one-line note. Every invocation's
timings stay in the manifest (``invocations``).

Model versions are never mixed silently: the manifest records the fingerprint of the
model code (:func:`instap.sweep.modelcode.model_code`) and every chunk the fingerprint it
ran with; ``--resume`` with other model code is refused unless ``--force`` (recorded in
the invocation), and ``analyze`` refuses chunks of a model version the folder did not
accept.
"""

from __future__ import annotations

import importlib
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from instap.errors import InstapError, Interrupted
from instap.execution import default_jobs, start_server
from instap.provenance import git_commit, output_lock, package_versions, safe_name, write_json
from instap.sweep import store
from instap.sweep.design import MAX_RUNS, Design, build_design, count_points, sample_design
from instap.sweep.experiment import DICT_EXPERIMENT, Experiment, load_experiment
from instap.sweep.modelcode import describe_change, mixes, model_code
from instap.sweep.plan import (
    PLAN_PILOT_RUNS,
    PLAN_PILOT_SECONDS,
    chunk_size,
    pilot,
    plan_text,
)
from instap.sweep.worker import ChunkResult, Run

EXECUTORS = ("local", "dask")
#: The last chunks (one per worker) are sent out as this many smaller tasks each, so
#: that at the end no worker idles for most of a chunk while another finishes the last
#: one; the coordinator joins the parts into the chunk's file (the same rows).
TAIL_PARTS = 4


def _echo(text: str) -> None:
    """A line on stderr."""
    print(text, file=sys.stderr, flush=True)


def _say(text: str) -> None:
    """A note on stderr, e.g. which model code an experiment imports."""
    _echo(f"instap sweep: {text}")


@dataclass
class SweepRun:
    """What :func:`run_sweep` did: the folder, its runs and failures, or the plan."""

    out: Path | None
    runs: int = 0
    failed: int = 0
    plan: str | None = None


def _design(exp: Experiment) -> Design:
    d = exp.file.design
    return build_design(d.method, exp.factors, d.n, exp.file.replications, exp.file.seed,
                        exp.spec.base, d.second_order, d.num_levels, exp.policies)


def planned_runs(exp: Experiment) -> tuple[int, int]:
    """(design points, runs) of an experiment, counted without building its design."""
    d = exp.file.design
    points = count_points(d.method, exp.factors, d.n, d.second_order)
    return points, points * exp.file.replications * max(1, len(exp.policies))


def _manifest(exp: Experiment, design: Design, outputs: tuple[str, ...], size: int,
              workers: int, executor: str) -> dict[str, Any]:
    return {
        "status": "running",
        "fingerprint": exp.fingerprint(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "experiment_file": str(exp.path if exp.path == DICT_EXPERIMENT
                               else exp.path.resolve()),
        "experiment": exp.raw,
        "model": exp.spec.model,
        "model_scenario": exp.spec.model_scenario,
        "base_parameters": exp.spec.base,
        "base_scenario": exp.base_scenario,
        "outputs": list(outputs),
        "policies": exp.spec.policies,
        "policy_sources": exp.policy_sources or {},
        "lasts": exp.lasts,
        "timeseries": list(exp.spec.timeseries),
        "design": {"method": design.method, "n": design.n,
                   "replications": design.replications, "seed": design.seed,
                   "second_order": design.second_order, "num_levels": design.num_levels,
                   "conf_level": exp.file.design.conf_level, "points": design.n_points,
                   "runs": design.n_runs, "factors": [asdict(f) for f in design.factors],
                   "baseline": design.baseline, "policies": list(design.policies)},
        "chunks": {"size": size, "count": -(-design.n_runs // size)},
        "executor": executor,
        "workers": workers,
        "versions": package_versions(),
        "git_commit": git_commit(),
        "model_code": model_code(exp.spec),
        "invocations": [],
    }


def _design_from_manifest(m: dict[str, Any]) -> Design:
    """The design of a checked manifest (:func:`instap.sweep.store.load_manifest`)."""
    d = m["design"]
    return build_design(d["method"], store.factors_of(m), d["n"], d["replications"],
                        d["seed"], d["baseline"], d["second_order"], d["num_levels"],
                        tuple(d.get("policies") or ()))


def _check_out(out: Path) -> None:
    """Refuse an ``--out`` that is a file or cannot be written, before any work: a
    temporary folder is made and removed where the sweep folder will be."""
    try:
        if out.exists() and not out.is_dir():
            raise InstapError(f"--out {out}: is a file; choose a folder")
        probe = next((p for p in (out, *out.parents) if p.exists()), Path.cwd())
        if not probe.is_dir():
            raise InstapError(f"--out {out}: {probe} is a file, not a folder")
        os.rmdir(tempfile.mkdtemp(prefix=".instap-probe-", dir=probe))
    except OSError as err:
        raise InstapError(f"--out {out}: cannot write there ({err.strerror or err})"
                          ) from None


def _prepare_folder(out: Path, exp: Experiment, resume: bool) -> dict[str, Any] | None:
    """Check the output folder; return the previous (checked) manifest when resuming."""
    has_manifest = (out / store.MANIFEST).exists()
    has_runs = out.is_dir() and bool(store.chunk_files(out))
    if out.is_dir() and store.is_run_folder(out):
        raise InstapError(f"--out {out}: is an `instap run` folder; choose another folder")
    if not resume:
        if has_runs or has_manifest:
            raise InstapError(f"--out {out}: already holds a sweep; add --resume to finish "
                              "it, or choose another folder")
        return None
    if not has_manifest:
        if has_runs:
            raise InstapError(f"--out {out}: has runs but no manifest.json; cannot resume")
        return None
    previous = store.load_manifest(out)
    if previous["fingerprint"] != exp.fingerprint():
        raise InstapError(f"--resume: {out} holds a different experiment "
                          f"({previous['experiment'].get('name')!r}, or the file or its "
                          "base scenario changed); choose another --out")
    return previous


def _check_model(out: Path, previous: dict[str, Any], code: dict[str, Any], force: bool
                 ) -> dict[str, str] | None:
    """Compare the model code of a resumed sweep with the code it started with: refuse a
    change unless ``force``; return the record of an accepted mix (None when the code is
    the same, or unknown: a folder of an older instap, said in one warning line)."""
    before = previous.get("model_code")
    if not isinstance(before, dict):
        _echo(f"warning: --resume: {out} does not record the model code of its runs "
              "(written by an older instap); cannot tell whether it changed")
        return None
    if before["fingerprint"] == code["fingerprint"]:
        return None
    change = describe_change(before, code)
    if not force:
        raise InstapError(f"--resume: {change} ({out}); resuming would mix runs of two model "
                          "versions; restore that code, run the sweep into a new --out, or "
                          f"add --force to mix them (recorded in {out / store.MANIFEST})")
    _say(f"--force: resuming {out} with other model code: {change}; the manifest records "
         "the mix")
    return {"before": before["fingerprint"], "after": code["fingerprint"], "change": change}


def _executor(name: str, spec: Any, names: list[str], jobs: int, scheduler: str | None):
    if name == "local":
        from instap.sweep.executors import LocalExecutor
        return LocalExecutor(spec, names, jobs)
    from instap.sweep.executors import DaskExecutor
    return DaskExecutor(spec, names, jobs, scheduler)


def _resume_command(experiment: Path | str, out: Path) -> str:
    from instap.sweep.experiment import DICT_EXPERIMENT
    if Path(experiment).name == DICT_EXPERIMENT.name:
        return f"instap.sweep(<the same experiment>, out={str(out)!r}, resume=True)"
    return shlex.join(["instap", "sweep", str(experiment), "--out", str(out), "--resume"])


def _command(experiment: Path, out: Path, jobs: int | None, executor: str,
             scheduler: str | None, resume: bool, force: bool = False) -> str:
    """The invocation as a command line (what decides the work; for the manifest)."""
    from instap.sweep.experiment import DICT_EXPERIMENT
    if Path(experiment).name == DICT_EXPERIMENT.name:
        return (f"instap.sweep(<experiment dict>, out={str(out)!r}, jobs={jobs!r}, "
                f"executor={executor!r}, resume={resume!r}, force={force!r})")
    args = ["instap", "sweep", str(experiment), "--out", str(out)]
    if jobs is not None:
        args += ["--jobs", str(jobs)]
    if executor != "local":
        args += ["--executor", executor]
    if scheduler:
        args += ["--scheduler", scheduler]
    if resume:
        args.append("--resume")
    if force:
        args.append("--force")
    return shlex.join(args)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class _Progress:
    """Runs written by this invocation (kept up to date while chunks arrive)."""

    chunks: int = 0
    runs: int = 0
    failed: int = 0


def _repair(out: Path, checked: store.Verification) -> str | None:
    """Remove stray chunk files and the files of chunks to re-run; return the one-line
    note of what was repaired (None when only unwritten chunks remain)."""
    for path in checked.stray:
        path.unlink(missing_ok=True)
    for index in checked.redo:
        store.chunk_path(out, index).unlink(missing_ok=True)
    if not checked.damaged:
        return None
    parts = []
    redo = [k for k, why in checked.redo.items() if why != "missing"]
    if redo:
        parts.append(f"re-running {len(redo)} damaged or wrong chunk(s) "
                     f"({store.chunk_path(out, redo[0]).name}"
                     f"{' ...' if len(redo) > 1 else ''})")
    if checked.stray:
        more = " ..." if len(checked.stray) > 1 else ""
        parts.append(f"removed {len(checked.stray)} chunk file(s) not in the plan "
                     f"({next(iter(checked.stray)).name}{more})")
    return f"repairing {out}: {checked.text(limit=2)}; " + ", ".join(parts)


def run_sweep(experiment: Path | Mapping[str, Any], out: Path | None = None,
              jobs: int | None = None,
              executor: str = "local", scheduler: str | None = None,
              resume: bool = False, plan: bool = False, force: bool = False,
              progress: bool = True) -> SweepRun:
    """Run (or plan) an experiment into ``out`` (default ``results/sweeps/NAME``).
    ``force`` lets a ``resume`` go on with changed model code (the manifest records the
    mix); ``progress`` shows a progress bar on stderr."""
    if executor not in EXECUTORS:
        raise InstapError(f"--executor {executor!r}: allowed: {', '.join(EXECUTORS)}")
    if force and not resume:
        raise InstapError("--force needs --resume (it lets a resume mix model versions)")
    if scheduler and executor != "dask":
        raise InstapError("--scheduler needs --executor dask")
    if executor == "local" and not plan and jobs != 1:
        start_server()  # the workers' imports overlap loading the experiment and the pilot
    exp = load_experiment(experiment, announce=_say)
    experiment = exp.path  # a mapping's stand-in name from here on
    points, n_runs = planned_runs(exp)
    workers = jobs or default_jobs(n_runs)
    if plan:
        # --plan times a few runs for its estimate; a design too large to run is counted,
        # never built, and a small stand-in sample is timed instead.
        d = exp.file.design
        design = _design(exp) if n_runs <= MAX_RUNS else sample_design(
            d.method, exp.factors, d.n, exp.file.seed, exp.spec.base,
            policies=exp.policies)
        timed = pilot(exp, design, max_runs=PLAN_PILOT_RUNS, budget_s=PLAN_PILOT_SECONDS)
        return SweepRun(None, plan=plan_text(exp, design, timed, workers, executor))
    if n_runs > MAX_RUNS:
        per = (f" x {len(exp.policies)} policies" if exp.policies else "")
        raise InstapError(f"{exp.path}: the design has {n_runs:,} runs ({points:,} points x "
                          f"{exp.file.replications} replications{per}); allowed: at most "
                          f"{MAX_RUNS:,} runs per sweep; lower design.n or replications "
                          "(`instap sweep --plan` counts them)")
    out = out or Path("results") / "sweeps" / safe_name(exp.name, "experiment")
    _check_out(out)
    # One command at a time on a sweep folder: a second one fails at once.
    with output_lock(out, empty=False):
        return _run(exp, experiment, out, jobs, workers, executor, scheduler, resume, force,
                    progress)


def _run(exp: Experiment, experiment: Path, out: Path, jobs: int | None, workers: int,
         executor: str, scheduler: str | None, resume: bool, force: bool = False,
         progress_bar: bool = True) -> SweepRun:
    """Run the sweep into ``out`` (checked and locked), resuming and repairing it if
    asked; then verify, analyse and report."""
    previous = _prepare_folder(out, exp, resume)
    code = model_code(exp.spec)
    mix = _check_model(out, previous, code, force) if previous else None
    checked = store.verify(out, previous) if previous else None
    design = _design(exp)
    # A real sweep only needs one pilot run to check the outputs and size the chunks,
    # since pilot runs are not kept.
    piloted = pilot(exp, design, max_runs=1)
    spec = replace(exp.spec, outputs=piloted.outputs)
    size = previous["chunks"]["size"] if previous else chunk_size(
        design.n_runs, piloted.seconds_per_run, workers)
    manifest = previous or _manifest(exp, design, piloted.outputs, size, workers, executor)
    manifest["model_code"] = code
    outputs = list(manifest["outputs"])
    spec = replace(spec, outputs=tuple(outputs))
    n_chunks = int(manifest["chunks"]["count"])
    invocation = {"started": _now(), "finished": None, "status": "running",
                  "command": _command(experiment, out, jobs, executor, scheduler, resume,
                                      force),
                  "executor": executor, "workers": workers, "resumed": previous is not None,
                  "model_fingerprint": code["fingerprint"],
                  "chunks_run": 0, "runs_done": 0, "failed_runs": 0, "wall_time_s": None}
    if mix is not None:
        invocation["mixed_model_versions"] = mix
    for earlier in manifest.setdefault("invocations", []):
        if earlier.get("status") == "running":  # killed: it never wrote how it ended
            earlier["status"] = "ended without finishing (killed?)"
    manifest["invocations"].append(invocation)
    manifest.update(status="running", executor=executor)
    created = not out.exists()
    progress = _Progress()
    done_runs = done_failed = 0  # (read below when Ctrl-C comes before they are counted)
    t0 = time.perf_counter()
    try:
        note = _start(out, manifest, checked)
        if note:
            _say(note)
            invocation["repaired"] = note
            write_json(manifest, out / store.MANIFEST)
        ok = checked.stats if checked is not None else {}  # the chunks kept, by index
        todo = [k for k in range(n_chunks) if k not in ok]
        done_runs = sum(n for n, _, _ in ok.values())
        done_failed = sum(bad for _, bad, _ in ok.values())
        names = design.columns()
        runner = _SplitTail(_executor(executor, spec, names, workers, scheduler),
                            set(todo[-workers:]) if workers > 1 else set(), n_chunks,
                            lambda: _warm_analysis(manifest), workers * TAIL_PARTS)
        chunks = ((k, design.runs(k * size, min((k + 1) * size, design.n_runs))) for k in todo)
        _drive(runner, chunks, out, outputs, manifest["fingerprint"], design.n_runs,
               done_runs, done_failed, progress=progress, model=code["fingerprint"],
               bar_shown=progress_bar)
    except (KeyboardInterrupt, Interrupted):
        kept = done_runs + progress.runs
        _end_invocation(invocation, "interrupted", t0, progress)
        if kept == 0 and created:
            _unstart(out)
            raise Interrupted("interrupted; nothing was written") from None
        write_json(manifest, out / store.MANIFEST)
        raise Interrupted(f"interrupted; {kept} of {design.n_runs} runs are kept in {out}; "
                          f"finish with `{_resume_command(experiment, out)}`") from None
    try:
        checked = store.verify(out, manifest)
        if not checked.clean:  # another process wrote into the folder meanwhile?
            raise InstapError(f"{out}: {checked.text()}; run "
                              f"`{_resume_command(experiment, out)}` to repair")
        # what the check read (runs, failed runs, elapsed per chunk) is not read again
        failed = store.write_failures(out, names, [store.chunk_path(out, k) for k, (_, bad, _)
                                                   in checked.stats.items() if bad])
        _end_invocation(invocation, "complete", t0, progress)
        invocation["workers"] = runner.workers or workers
        _finish(out, manifest, design, time.perf_counter() - t0,
                runner.workers, len(todo), failed,
                resumed=previous is not None and len(todo) < n_chunks,
                elapsed=[e for _, _, e in checked.stats.values()])
        _analyse(out, manifest)
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted during the analysis; all {design.n_runs} runs are "
                          f"kept in {out}; write the analysis with "
                          f"`{shlex.join(['instap', 'analyze', str(out)])}`") from None
    if progress_bar:
        _echo(f"{design.n_runs} runs ({failed} failed) in {out}")
    return SweepRun(out, design.n_runs, failed)


def _start(out: Path, manifest: dict[str, Any], checked: store.Verification | None
           ) -> str | None:
    """Create the folder (or repair it when resuming) and write the manifest; return the
    note of what was repaired."""
    try:
        store.runs_dir(out).mkdir(parents=True, exist_ok=True)
        for tmp in store.runs_dir(out).glob("*.tmp"):
            tmp.unlink()
        note = _repair(out, checked) if checked is not None else None
    except OSError as err:
        raise InstapError(f"--out {out}: cannot write there ({err.strerror or err})"
                          ) from None
    write_json(manifest, out / store.MANIFEST)
    return note


def _unstart(out: Path) -> None:
    """Remove what :func:`_start` wrote in a new folder (nothing else)."""
    (out / store.MANIFEST).unlink(missing_ok=True)
    for folder in (store.runs_dir(out), out):
        try:
            folder.rmdir()
        except OSError:
            return


def _end_invocation(invocation: dict[str, Any], status: str, t0: float,
                    progress: _Progress) -> None:
    invocation.update(status=status, finished=_now(), chunks_run=progress.chunks,
                      runs_done=progress.runs, failed_runs=progress.failed,
                      wall_time_s=round(time.perf_counter() - t0, 3))


def _drive(runner: Any, chunks: Any, out: Path, outputs: list[str], fingerprint: str,
           total: int, done: int, failed: int, progress: _Progress | None = None,
           model: str | None = None, bar_shown: bool = True) -> None:
    """Write chunks as they finish, with a progress bar counting the failed runs;
    ``progress`` counts what this call wrote; ``model`` is the fingerprint of the model
    code, recorded in each chunk."""
    from tqdm import tqdm
    progress = progress or _Progress()
    results = runner.map(chunks)
    bar = None
    try:
        for result in results:
            if bar is None:
                bar = tqdm(total=total, initial=done, unit="run", file=sys.stderr,
                           dynamic_ncols=True, desc="sweep", mininterval=0.5,
                           disable=not bar_shown)
                bar.set_postfix(failed=failed)
            try:
                store.write_chunk(out, result, outputs, fingerprint, model)
            except OSError as err:
                raise InstapError(f"{store.chunk_path(out, result.index)}: cannot write the "
                                  f"chunk ({err.strerror or err}); finished chunks are kept; "
                                  "finish with --resume") from None
            progress.chunks += 1
            progress.runs += len(result.columns["run_id"])
            progress.failed += result.failed
            bar.update(len(result.columns["run_id"]))
            bar.set_postfix(failed=failed + progress.failed)
    except KeyboardInterrupt:
        kept = done + progress.runs
        raise Interrupted(f"interrupted; {kept} of {total} runs are kept in {out}/runs; "
                          "finish with --resume") from None
    finally:
        if bar is not None:
            bar.close()
        results.close()


class _SplitTail:
    """An executor whose ``map`` sends the chunks in ``last`` as up to
    :data:`TAIL_PARTS` tasks each (ids from ``first_id`` on) and yields each such chunk
    whole once its parts are back, rows in run order; ``warm`` is called once when all
    tasks are out and at most ``warm_at`` are still running (workers about to idle)."""

    def __init__(self, runner: Any, last: set[int], first_id: int,
                 warm: Callable[[], None], warm_at: int) -> None:
        self.runner, self.last, self.first_id = runner, last, first_id
        self.warm, self.warm_at = warm, warm_at

    @property
    def workers(self) -> int:
        """The executor's workers (Dask knows them once it runs)."""
        return self.runner.workers

    def map(self, chunks: Iterable[tuple[int, list[Run]]]) -> Iterator[ChunkResult]:
        """Run the chunks; yield whole chunk results in completion order."""
        parts: dict[int, tuple[int, int]] = {}  # task id -> (chunk index, parts)
        sent, all_sent = 0, False  # tasks handed to the executor; all of them?

        def tasks() -> Iterator[tuple[int, list[Run]]]:
            nonlocal sent, all_sent
            next_id = self.first_id
            for k, runs in chunks:
                n = min(TAIL_PARTS, len(runs)) if k in self.last else 1
                if n == 1:
                    sent += 1
                    yield k, runs
                    continue
                step, extra = divmod(len(runs), n)
                start = 0
                for j in range(n):
                    stop = start + step + (j < extra)
                    parts[next_id] = (k, n)
                    sent += 1
                    yield next_id, runs[start:stop]
                    next_id, start = next_id + 1, stop
            all_sent = True

        pieces: dict[int, list[ChunkResult]] = {}
        received, warmed = 0, False
        results = self.runner.map(tasks())
        try:
            for result in results:
                received += 1
                if not warmed and all_sent and sent - received <= self.warm_at:
                    warmed = True
                    self.warm()
                if result.index not in parts:
                    yield result
                    continue
                k, n = parts.pop(result.index)
                got = pieces.setdefault(k, [])
                got.append(result)
                if len(got) == n:
                    del pieces[k]
                    yield _join(k, sorted(got, key=lambda r: r.index))
        finally:
            close = getattr(results, "close", None)
            if close is not None:
                close()


def _join(index: int, parts: list[ChunkResult]) -> ChunkResult:
    """Chunk ``index`` from its parts (in run order)."""
    columns = {name: [v for p in parts for v in p.columns[name]] for name in parts[0].columns}
    return ChunkResult(index, columns, sum(p.elapsed for p in parts),
                       sum(p.failed for p in parts))


def _warm_analysis(manifest: dict[str, Any]) -> None:
    """Import what the analysis after the runs will need (matplotlib for charts, SALib,
    scipy.stats), while workers finish the last runs instead of after them. Only a
    head start: :func:`_analyse` imports what it uses itself."""
    d = manifest["design"]
    policies = bool(d.get("policies"))
    charts = policies or bool(manifest.get("timeseries")) or d["method"] in (
        "sobol", "morris", "ofat") or int(d["points"]) > 1
    modules = ["instap.sweep.analysis", "instap.sweep.figures", "instap.sweep.report"]
    if charts:
        modules += ["matplotlib.figure", "matplotlib.backends.backend_agg"]
    if d["method"] in ("sobol", "morris"):
        modules.append(f"SALib.analyze.{d['method']}")
    elif policies or int(d["points"]) > 1:
        modules.append("scipy.stats")
    if policies:
        modules.append("instap.sweep.robustness")
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:  # the analysis says what is missing, in its own words
            return


def _finish(out: Path, manifest: dict[str, Any], design: Design, wall: float, workers: int,
            chunks_run: int, failed: int, resumed: bool, elapsed: list[float]) -> None:
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
    write_json(manifest, out / store.MANIFEST)


def _analyse(folder: Path, manifest: dict[str, Any]) -> None:
    """Recompute every analysis file from the stored runs: the sensitivity analysis (or,
    with levers, the robustness of each policy), the envelopes of the monthly series, the
    plots and the report."""
    # What is imported here is what this sweep needs: matplotlib only with a chart to
    # draw, scipy.stats only with levers (1-2 s of CPU after the last run otherwise).
    from instap.sweep.analysis import Analysis, analyze
    from instap.sweep.figures import make_plots
    from instap.sweep.report import robustness_section, trajectories_section, write_report
    design = _design_from_manifest(manifest)
    outputs = list(manifest["outputs"])
    runs = store.read_runs(folder)
    a: Analysis | None = None
    plots: dict[str, list[Path]] = {}
    sections: list[str] = []
    if not design.policies:
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
    rob = None
    if design.policies:
        from instap.sweep.robustness import robustness_of
        rob = robustness_of(runs, manifest)
    if rob is not None:
        from instap.sweep.robustness_figures import robustness_figure
        _write_csv(rob.table, folder / "robustness.csv")
        _write_csv(rob.regret, folder / "regret.csv")
        main = rob.best()["regret_output"]
        figure = robustness_figure(rob, main, folder / "plots" / "robustness.png")
        sections.append(robustness_section(rob, figure))
    names = list(manifest.get("timeseries") or [])
    if names:
        from instap.sweep.trajectories import sweep_envelopes
        series = store.read_series(folder, names)
        files = sweep_envelopes(series, runs, manifest,
                                a.sensitivity if a is not None else None, folder / "plots")
        sections.append(trajectories_section(files, bool(design.policies)))
    write_report(folder, manifest, a, plots, sections)


def _write_csv(df: Any, path: Path) -> None:
    tmp = path.with_suffix(".csv.tmp")
    df.to_csv(tmp, index=False)
    os.replace(tmp, path)


def analyze_folder(folder: Path) -> None:
    """Recompute the analysis, plots and report of a sweep folder from its stored runs,
    once they are checked: every planned run stored exactly once (else refused, with the
    ``--resume`` command that repairs it)."""
    if not folder.exists():
        raise InstapError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise InstapError(f"{folder}: is a file, not an `instap sweep` folder")
    if store.is_run_folder(folder):
        raise InstapError(f"{folder}: is an `instap run` folder, not a sweep folder; "
                          f"`{shlex.join(['instap', 'report', str(folder)])}` writes its "
                          "report")
    # Held while reading and writing: a sweep (or --resume) on the folder at the same
    # time would change the runs under the analysis.
    with output_lock(folder, option="folder", empty=False):
        manifest = store.load_manifest(folder)
        checked = store.verify(folder, manifest)
        if not checked.clean:
            raise InstapError(f"{folder}: {checked.text()}; run "
                              f"`{_resume_command(manifest['experiment_file'], folder)}` to "
                              "repair")
        _model_warnings(folder, manifest, checked)
        _analyse(folder, manifest)


def _model_warnings(folder: Path, manifest: dict[str, Any], checked: store.Verification
                    ) -> None:
    """One warning line each: chunks whose model code is unknown (an older instap), and
    runs of several model versions mixed by ``--resume --force``."""
    unknown = checked.unknown_model
    if unknown:
        total = len(store.chunk_files(folder))
        which = "all" if len(unknown) == total else f"{len(unknown)} of {total}"
        more = " ..." if len(unknown) > 1 else ""
        _echo(f"warning: {folder}: {which} chunk files ({unknown[0].name}{more}) do "
              "not record the model code that wrote them (an older instap); cannot "
              "tell whether all runs used the same model")
    accepted = mixes(manifest)
    if accepted:
        _echo(f"warning: {folder}: its runs mix model versions, accepted with "
              f"`--resume --force` ({accepted[-1].get('change', 'the model changed')}"
              f"{f'; {len(accepted)} times' if len(accepted) > 1 else ''})")
