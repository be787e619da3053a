"""The Python API (``import instap``): scenarios, runs, comparisons and sweep folders as
pandas objects, for notebooks and scripts (docs/api.md).

The command line is a thin layer on these functions: ``instap run`` is :func:`plan_run`,
:meth:`RunPlan.execute` and :func:`write_run_folder`; ``instap compare`` is
:func:`compare` and :func:`write_compare_folder`. So a folder written by
:meth:`RunResult.save` or :meth:`CompareResult.save` is the folder the command writes for
the same input (the same tables and summary, byte for byte).

Bad input raises :class:`instap.errors.InstapError` with the one-line message the command
line prints (options are named as the keyword arguments here: ``reps=0: must be at least
1``), before anything runs or is written.
"""

from __future__ import annotations

import json
import shlex
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
from matplotlib.figure import Figure

from instap import timeline_text
from instap.calibration.posterior import Posterior, choose_posterior
from instap.errors import InstapError, shown
from instap.execution import DEFAULT_SEED, default_jobs, replication_seeds, run_replications
from instap.findings import comparison_findings, interval_sentence
from instap.inputs import Adjust, ScenarioData, comparison_warnings, load_inputs
from instap.lang import check_lang, in_lang, resolve_lang
from instap.overrides import apply_overrides, set_names, with_values
from instap.plots import PANELS as PLOT_PANELS
from instap.plots import Panel, panel_figure, survival_figure, write_plots
from instap.provenance import (
    atomic_folder,
    check_out_folder,
    git_commit,
    output_lock,
    package_versions,
    write_json,
)
from instap.ranking import durability_ranking
from instap.report import compare_html
from instap.results import (
    metrics_table,
    timeseries_table,
    write_parquet,
    write_scenario_tables,
)
from instap.scenario import LoadedScenario, check_timeline_run
from instap.scenario import load_scenario as _load_scenario_file
from instap.stats import comparison_table, scenario_km
from instap.summary import summarise
from instap.sweep import store
from sim.parameters import DEFAULTS

if TYPE_CHECKING:
    from instap.sweep.discovery import Discovery

#: A scenario file resolved through its ``extends:`` chain: ``name``, ``description``,
#: ``params`` (every parameter, defaults filled in), ``path``, ``chain`` (this file
#: first, then its parents) and ``overrides`` (what the files set).
Scenario = LoadedScenario

#: The figures of :meth:`RunResult.plot_timeseries`: columns, title and y label (and the
#: scale the values are divided by), as in the run folder's plots/*.png.
PANELS: dict[str, Panel] = {name: PLOT_PANELS[name]
                            for name in ("pathway", "coalition", "trust", "money")}


def load_scenario(path: str | Path) -> Scenario:
    """The scenario file ``path`` and its ``extends:`` chain, every value checked.

    Raises :class:`~instap.errors.InstapError` naming the file, line, value and what is
    allowed, as ``instap validate`` does.
    """
    if not isinstance(path, str | Path):
        raise InstapError(f"path = {shown(path)}: expected a scenario file name "
                          "(a text or a pathlib.Path)")
    return _load_scenario_file(path)


# ----------------------------------------------------------------------------- options
def _option(name: str, value: Any, cli: bool) -> str:
    """How an option is named in a message: ``--reps 0`` or ``reps=0``."""
    return f"--{name} {value}" if cli else f"{name}={shown(value)}"


def _whole(name: str, value: Any, least: int, cli: bool) -> int:
    """``value`` as a whole number of at least ``least``, or an InstapError."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InstapError(f"{_option(name, value, cli)}: must be a whole number, at least "
                          f"{least}")
    if value < least:
        raise InstapError(f"{_option(name, value, cli)}: must be "
                          f"{'0 or more' if least == 0 else f'at least {least}'}")
    return int(value)


def _set_items(values: Mapping[str, Any]) -> list[str]:
    """``{name: value}`` written as ``--set`` items, for the manifest."""
    return [f"{name}={value if isinstance(value, str) else json.dumps(value)}"
            for name, value in values.items()]


# ----------------------------------------------------------------------------- run
@dataclass
class RunPlan:
    """A checked run, not yet made: the scenario, its resolved parameters and settings."""

    scenario: Scenario
    params: dict[str, Any]
    reps: int
    seed: int
    months: int | None
    set: list[str]  # the overrides as ``name=value`` items (the manifest's ``set``)
    jobs: int | None
    started: float = field(default_factory=time.time)
    call: str = ""  # the API call, for the manifest's ``command`` (see RunResult.save)
    lang: str = "en"  # the language of the plots and the summary
    posterior: Posterior | None = None  # replications draw calibrated parameters from it
    warnings: list[str] = field(default_factory=list)  # e.g. the posterior's model code

    def execute(self, progress: bool = False) -> RunResult:
        """Run the replications (on ``jobs`` processes) and summarise them."""
        seeds = replication_seeds(self.seed, self.reps)
        t0 = time.time()
        per_rep = self.posterior.apply(self.params, seeds) if self.posterior else self.params
        results = run_replications(per_rep, seeds, jobs=self.jobs, progress=progress)
        run_seconds = time.time() - t0
        summary = summarise([r.metrics for r in results], int(self.params["months"]))
        summary["run"]["scenario"] = self.scenario.name
        if self.posterior is not None:
            summary["run"]["posterior"] = {**self.posterior.describe(), "draws": [
                self.posterior.draw_index(s) for s in seeds]}
        ts_table, metrics = timeseries_table(results), metrics_table(results)
        return RunResult(scenario=self.scenario, params=self.params, seeds=seeds,
                         summary=summary, metrics=metrics.to_pandas(),
                         timeseries=ts_table.to_pandas(), plan=self,
                         tables=(ts_table, metrics), run_seconds=run_seconds,
                         finished=time.time())


def plan_run(scenario: Scenario | str | Path, reps: Any = 20, seed: Any = DEFAULT_SEED,
             months: Any = None, set: Mapping[str, Any] | None = None,
             set_items: Sequence[str] | None = None, jobs: Any = None,
             cli: bool = False, lang: Any = None, posterior: Any = None) -> RunPlan:
    """Check every input of a run (:func:`run`); ``set_items`` are ``--set name=value``
    texts (the command line's), ``cli`` names options as the command line does, ``lang``
    the language of the plots (default: :func:`instap.lang.default_lang` of the
    scenario), ``posterior`` a posterior file (default: the one the scenario names)."""
    started = time.time()
    if lang is not None:
        check_lang(lang, "--lang" if cli else "lang")
    reps = _whole("reps", reps, 1, cli)
    if jobs is not None:
        jobs = _whole("jobs", jobs, 1, cli)
    seed = _whole("seed", seed, 0, cli)
    if isinstance(scenario, LoadedScenario):
        if not isinstance(scenario.params, Mapping):
            raise InstapError(f"scenario {shown(scenario.name)}: params = "
                              f"{shown(scenario.params)}: expected a mapping of parameters")
        loaded = scenario
        params = with_values(DEFAULTS, scenario.params, f"scenario {shown(scenario.name)} params")
    elif isinstance(scenario, str | Path):
        loaded = _load_scenario_file(scenario)
        params = dict(loaded.params)
    else:
        raise InstapError(f"scenario = {shown(scenario)}: expected a scenario file name or "
                          "an instap.Scenario (instap.load_scenario)")
    items = list(set_items or [])
    params = apply_overrides(params, items, source="--set")
    if set is not None:
        if not isinstance(set, Mapping) or not all(isinstance(k, str) for k in set):
            raise InstapError(f"set = {shown(set)}: expected a dict of parameter names and "
                              "values, e.g. set={'pilot_length_months': 36}")
        params = with_values(params, set, "set")
        items += _set_items(set)
    if months is not None:
        params = with_values(params, {"months": months}, _option("months", months, cli))
        months = params["months"]
    if loaded.timeline and (months is not None or items):
        check_timeline_run(loaded, params, _option("months", months, cli) if months
                           is not None else "--set" if cli else "set")
    post, warning = choose_posterior(posterior, [loaded.posterior],
                                     set_names(items), cli)
    call = (f"instap.run({str(loaded.path)!r}, reps={reps}, seed={seed}, months={months!r}, "
            f"set={dict(set or {})!r}, jobs={jobs!r}"
            + (f", posterior={str(post.path)!r})" if post else ")"))
    return RunPlan(scenario=loaded, params=params, reps=reps, seed=seed, months=months,
                   set=items, jobs=jobs, started=started, call=call,
                   lang=resolve_lang(lang, loaded), posterior=post,
                   warnings=[warning] if warning else [])


@dataclass(eq=False)
class RunResult:
    """The replications of one scenario: its tables, summary and figures.

    ``summary`` is the content of ``summary.json``; ``metrics`` has one row per
    replication (``replication``, ``seed``, then the end-of-run metrics by their dotted
    names); ``timeseries`` one row per replication and month (``replication``, ``seed``,
    ``month``, then the model's monthly columns); ``params`` the resolved parameters;
    ``seeds`` the replication seeds.
    """

    scenario: Scenario
    params: dict[str, Any]
    seeds: list[int]
    summary: dict[str, Any]
    metrics: pd.DataFrame
    timeseries: pd.DataFrame
    plan: RunPlan = field(repr=False)
    tables: tuple[pa.Table, pa.Table] = field(repr=False)  # as written to the folder
    run_seconds: float = field(default=0.0, repr=False)
    finished: float = field(default=0.0, repr=False)

    def __repr__(self) -> str:
        return (f"RunResult(scenario={self.scenario.name!r}, replications={len(self.seeds)}, "
                f"months={int(self.params['months'])})")

    def plot_survival(self, lang: str | None = None) -> Figure:
        """The Kaplan-Meier curve of the ecosystem with its 95% band (a matplotlib
        Figure), labelled in ``lang`` (default: the run's)."""
        lang = self.plan.lang if lang is None else check_lang(lang, "lang")
        return survival_figure({self.scenario.name: self.summary["durability"]["km_curve"]},
                               lang)

    def plot_timeseries(self, panel: str = "coalition", lang: str | None = None) -> Figure:
        """Median and 5-95% band over replications of one figure of the run folder:
        ``panel`` is ``pathway``, ``coalition``, ``trust`` or ``money``; labels in
        ``lang`` (default: the run's)."""
        if panel not in PANELS:
            raise InstapError(f"panel = {shown(panel)} is not allowed; allowed: "
                              f"{', '.join(PANELS)}")
        lang = self.plan.lang if lang is None else check_lang(lang, "lang")
        return panel_figure({self.scenario.name: self.timeseries}, panel, lang)

    def save(self, folder: str | Path) -> Path:
        """Write the run folder ``instap run`` writes (``manifest.json``, the parquet
        tables, ``summary.json``, ``plots/``) to the new folder ``folder``; return it.
        Refused when ``folder`` exists and is not empty."""
        final = _new_folder(folder)
        with output_lock(final, option="folder"):
            write_run_folder(self, final,
                             command=[f"{self.plan.call}.save({str(final)!r})"])
        return final


def _new_folder(folder: Any) -> Path:
    """The folder a ``save`` may write: a name of a missing or empty folder."""
    if not isinstance(folder, str | Path) or not str(folder).strip():
        raise InstapError(f"folder = {shown(folder)}: expected the name of a new folder "
                          "(a text or a pathlib.Path)")
    final = Path(folder)
    check_out_folder(final, "folder")
    return final


def run(scenario: Scenario | str | Path, reps: int = 20, seed: int = DEFAULT_SEED,
        months: int | None = None, set: Mapping[str, Any] | None = None,
        jobs: int | None = None, progress: bool = False, lang: str | None = None,
        posterior: str | Path | None = None) -> RunResult:
    """Run a scenario ``reps`` times, as ``instap run`` does, and return the results.

    ``scenario``: a scenario file or an :data:`instap.Scenario`; ``seed``: the master seed
    (the replication seeds derive from it); ``months``: the horizon (default: the
    scenario's); ``set``: parameter values ``{name: value}``, checked as ``--set`` is;
    ``jobs``: worker processes (default: all cores, at most ``reps``); ``progress``: a
    progress bar on standard error; ``lang``: ``en`` or ``nl`` for the plots (default:
    :func:`instap.lang.default_lang` of the scenario); ``posterior``: a posterior file
    (experiments/calibrate_abc.py) from which each replication draws the calibrated
    parameters (default: the one the scenario names, else none). Nothing is written (see
    :meth:`RunResult.save`).
    """
    return plan_run(scenario, reps=reps, seed=seed, months=months, set=set,
                    jobs=jobs, lang=lang, posterior=posterior).execute(progress)


def write_run_folder(result: RunResult, final: Path, command: list[str]) -> None:
    """Write the run folder of ``result`` atomically to ``final`` (the caller holds its
    :func:`~instap.provenance.output_lock`); ``command`` goes into the manifest."""
    plan, loaded = result.plan, result.scenario
    write_started = time.time()
    with atomic_folder(final) as tmp:
        ts_table, metrics = result.tables
        write_parquet(ts_table, tmp / "timeseries.parquet")
        write_parquet(metrics, tmp / "metrics.parquet")
        write_json(result.summary, tmp / "summary.json")
        write_plots(result.timeseries, result.summary, tmp / "plots", loaded.name, plan.lang,
                    timeline_text.marks(loaded.timeline))
        manifest = {
            "scenario": {"name": loaded.name, "path": str(loaded.path),
                         "chain": [str(p) for p in loaded.chain],
                         "description": loaded.description,
                         "description_nl": loaded.description_nl, "lang": loaded.lang},
            "params": result.params,
            "overrides": {"scenario": loaded.overrides, "set": plan.set,
                          "months": plan.months},
            "master_seed": plan.seed, "replications": plan.reps, "seeds": result.seeds,
            "jobs": default_jobs(plan.reps) if plan.jobs is None else min(plan.jobs,
                                                                          plan.reps),
            "versions": package_versions(), "git_commit": git_commit(),
            "timings": {"started": datetime.fromtimestamp(plan.started).isoformat(
                            timespec="seconds"),
                        "run_seconds": round(result.run_seconds, 3),
                        "total_seconds": round(result.finished - plan.started
                                               + time.time() - write_started, 3)},
            "command": command,
        }
        if plan.posterior is not None:
            manifest["posterior"] = result.summary["run"]["posterior"]
        write_json(manifest, tmp / "manifest.json")


# ----------------------------------------------------------------------------- compare
@dataclass(eq=False)
class CompareResult:
    """Scenarios side by side with common random numbers.

    ``table`` is the content of ``comparison.csv`` (one row per metric and scenario:
    estimate, interval, difference from the first scenario); ``findings`` the
    plain-language sentences of the report; ``ranking`` the durability ranking the
    command prints; ``warnings`` what makes the comparison weaker; ``scenarios`` the
    replications of each scenario (name, params, seeds, ``metrics``, ``timeseries``);
    ``lang`` the language of the findings, the ranking and the report; ``months`` and
    ``set`` what was applied to every scenario file.
    """

    inputs: list[str]
    scenarios: list[ScenarioData] = field(repr=False)
    table: pd.DataFrame = field(repr=False)
    findings: list[str]
    ranking: str = field(repr=False)
    warnings: list[str]
    paired: bool
    seed: int
    reps: int
    details: list[tuple[str, str, bool]] = field(repr=False)  # (scenario, sentence, clear)
    lang: str = "en"
    months: int | None = None
    set: list[str] = field(default_factory=list)  # ``name=value`` items

    def save(self, folder: str | Path) -> Path:
        """Write the folder ``instap compare`` writes (``comparison.csv``,
        ``report.html``, ``manifest.json``, ``scenarios/``) to the new folder ``folder``;
        return it."""
        final = _new_folder(folder)
        post = self.scenarios[0].posterior
        extra = (f", months={self.months!r}" if self.months is not None else "") + (
            f", set={self.set!r}" if self.set else "") + (
            f", posterior={post['file']!r}" if post else "")
        with output_lock(final, option="folder"):
            write_compare_folder(self, final, command=[
                f"instap.compare({self.inputs!r}, reps={self.reps}, seed={self.seed}{extra}, "
                f"lang={self.lang!r}).save({str(final)!r})"])
        return final


def compare(scenarios: Sequence[Scenario | str | Path], reps: int | None = None,
            seed: int = DEFAULT_SEED, jobs: int | None = None, progress: bool = False,
            cli: bool = False, months: Any = None, set: Mapping[str, Any] | None = None,
            set_items: Sequence[str] | None = None, lang: Any = None,
            posterior: Any = None) -> CompareResult:
    """Compare scenarios with common random numbers, as ``instap compare`` does.

    ``scenarios``: at least two scenario files, :data:`instap.Scenario` objects (run from
    their file) or ``instap run`` folders; the first is the reference. ``reps``:
    replications of each scenario file (default 20; refused when every input is a run
    folder); ``months`` and ``set`` (``{name: value}``, or ``set_items``, the command
    line's ``name=value`` texts) apply to every scenario file, the reference too, and are
    refused for run folders; ``lang``: ``en`` or ``nl`` for the findings, the ranking and
    the report (default: :func:`instap.lang.default_lang` of the reference);
    ``posterior``: a posterior file (default: the one the scenario files name) from which
    replication *i* of every scenario draws the same calibrated parameters. Every input
    is checked before anything runs; nothing is written (see :meth:`CompareResult.save`).
    ``cli`` names options as the command line does.
    """
    if isinstance(scenarios, str | Path) or not isinstance(scenarios, Sequence):
        raise InstapError(f"scenarios = {shown(scenarios)}: expected a list of scenario "
                          "files, instap.Scenario objects or run folders")
    inputs: list[Path] = []
    for item in scenarios:
        if isinstance(item, LoadedScenario):
            inputs.append(Path(item.path))
        elif isinstance(item, str | Path):
            inputs.append(Path(item))
        else:
            raise InstapError(f"scenarios: {shown(item)} is not allowed; allowed: a "
                              "scenario file, an instap.Scenario or a run folder")
    reps_given = reps is not None
    if len(inputs) >= 2:  # load_inputs says "needs at least 2" otherwise
        reps = _whole("reps", 20 if reps is None else reps, 1, cli)
        seed = _whole("seed", seed, 0, cli)
    if jobs is not None:
        jobs = _whole("jobs", jobs, 1, cli)
    if lang is not None:
        check_lang(lang, "--lang" if cli else "lang")
    adjust, items = _scenario_changes(months, set, set_items, cli)
    data, warnings = load_inputs(inputs, 20 if reps is None else reps, seed, jobs=jobs,
                                 progress=progress, adjust=adjust, reps_given=reps_given,
                                 posterior=posterior, cli=cli,
                                 set_names=set_names(items))
    lang = resolve_lang(lang, data[0])
    table = comparison_table(data, seed)
    details = comparison_findings(data, table, lang)
    return CompareResult(inputs=[str(p) for p in inputs], scenarios=data, table=table,
                         findings=[text for _, text, _ in details],
                         ranking=durability_ranking(data, table, lang),
                         warnings=list(warnings),
                         paired=all(sc.seeds == data[0].seeds for sc in data), seed=seed,
                         reps=20 if reps is None else reps, details=details, lang=lang,
                         months=None if months is None else data[0].horizon, set=items)


def _scenario_changes(months: Any, values: Mapping[str, Any] | None,
                      set_items: Sequence[str] | None, cli: bool
                      ) -> tuple[Adjust | None, list[str]]:
    """The function that applies ``--months`` and ``--set`` to a scenario's parameters
    (checked here, once, against the parameter definitions) and how the options were
    written; ``None`` when there are none. Also the ``--set`` items for the manifest."""
    items = list(set_items or [])
    apply_overrides(DEFAULTS, items, source="--set")  # bad names and values fail now
    if values is not None:
        if not isinstance(values, Mapping) or not all(isinstance(k, str) for k in values):
            raise InstapError(f"set = {shown(values)}: expected a dict of parameter names "
                              "and values, e.g. set={'pilot_length_months': 36}")
        with_values(DEFAULTS, values, "set")
    where_months = _option("months", months, cli)
    if months is not None:
        with_values(DEFAULTS, {"months": months}, where_months)
    if not items and not values and months is None:
        return None, []
    named = [f"--set {item}" if cli else f"set {item}" for item in items]
    if values:
        named.append(f"set={dict(values)!r}")
    if months is not None:
        named.append(where_months)

    def adjust(params: dict[str, Any]) -> dict[str, Any]:
        params = apply_overrides(params, items, source="--set")
        if values:
            params = with_values(params, values, "set")
        if months is not None:
            params = with_values(params, {"months": months}, where_months)
        return params

    return (adjust, " and ".join(named)), items + _set_items(values or {})


def write_compare_folder(result: CompareResult, final: Path, command: list[str]) -> None:
    """Write ``comparison.csv``, ``report.html``, ``manifest.json`` and each scenario's
    replications (``scenarios/<n>-<name>/``, for ``instap export``) of ``result``
    atomically to ``final`` (the caller holds its output lock)."""
    data, lang = result.scenarios, result.lang
    n = len(data[0].seeds)
    note = (in_lang(lang, f"Each scenario ran {n} replications with the same seeds (common "
                    "random numbers); differences are paired per replication.",
                    f"Elk scenario is {n} keer gesimuleerd met dezelfde toevalsgetallen "
                    "(seeds); verschillen zijn per simulatie gepaard.")
            if result.paired else
            in_lang(lang, "Scenarios ran with different seeds; differences are unpaired.",
                    "De scenario's zijn met verschillende toevalsgetallen (seeds) gedraaid; "
                    "verschillen zijn ongepaard."))
    post = data[0].posterior
    note += " " + interval_sentence(post["file"] if post else None, lang)
    applied = " ".join([*(f"--set {item}" for item in result.set),
                        *([f"--months {result.months}"] if result.months is not None else [])])
    html = compare_html(data, result.table, findings=result.details,
                        curves={sc.name: scenario_km(sc).curve() for sc in data},
                        warnings=comparison_warnings(data, lang), reps_note=note, lang=lang,
                        applied=applied)
    with atomic_folder(final) as tmp:
        result.table.to_csv(tmp / "comparison.csv", index=False)
        (tmp / "report.html").write_text(html, encoding="utf-8")
        tables = write_scenario_tables(tmp, [(sc.name, sc.metrics, sc.timeseries)
                                             for sc in data])
        write_json({"inputs": result.inputs, "reference": data[0].name,
                    "master_seed": result.seed, "replications": result.reps,
                    "paired": result.paired, "warnings": result.warnings,
                    "overrides": {"set": result.set, "months": result.months},
                    "lang": lang,
                    "scenarios": [{"name": sc.name, "source": sc.source,
                                   "from_folder": sc.from_folder, "seeds": sc.seeds,
                                   "params": sc.params, "tables": where,
                                   **({"posterior": sc.posterior} if sc.posterior else {})}
                                  for sc, where in zip(data, tables, strict=True)],
                    "versions": package_versions(), "git_commit": git_commit(),
                    "command": command},
                   tmp / "manifest.json")


def command_line() -> list[str]:
    """The command line of this process, as the manifests record it."""
    return [Path(sys.argv[0]).name, *sys.argv[1:]]


# ----------------------------------------------------------------------------- sweeps
@dataclass(eq=False)
class SweepResult:
    """An ``instap sweep`` folder, checked before it was read.

    ``runs``: one row per run (``run_id``, ``point``, ``replication``, ``seed``, with levers
    ``policy``, the factors, the outputs and ``error``); ``sensitivity``, ``convergence``:
    the analysis tables (``sensitivity.csv``, ``convergence.csv``; ``None`` when the folder
    has none); ``robustness``: per policy, the share of futures lasting, median, worst
    decile and regret (``robustness.csv``; ``None`` without levers); ``manifest``: the
    checked ``manifest.json``; ``timeseries``: the monthly series the experiment kept
    (``timeseries:``), one row per run and month, read on first use.
    """

    folder: Path
    manifest: dict[str, Any] = field(repr=False)
    runs: pd.DataFrame = field(repr=False)
    sensitivity: pd.DataFrame | None = field(repr=False)
    convergence: pd.DataFrame | None = field(repr=False)
    robustness: pd.DataFrame | None = field(default=None, repr=False)
    failed: int = 0
    _series: pd.DataFrame | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return f"SweepResult(folder={str(self.folder)!r}, runs={len(self.runs)})"

    @property
    def timeseries(self) -> pd.DataFrame:
        """The kept monthly series: ``run_id``, ``point``, ``replication`` (and
        ``policy``), ``month`` and one column per series; empty when the experiment kept
        none."""
        if self._series is None:
            names = list(self.manifest.get("timeseries") or [])
            series = store.read_series(self.folder, names)
            ids = [c for c in ("run_id", "point", "replication", "policy") if c in self.runs]
            self._series = self.runs[ids].merge(series, on="run_id", how="inner")
        return self._series

    @property
    def report(self) -> Path:
        """The sweep's ``report.html``."""
        return self.folder / "report.html"

    def discover(self, where: str, density: float = 0.8, cases: str = "runs") -> Discovery:
        """Scenario discovery on this sweep (:func:`discover`)."""
        return discover(self.folder, where, density=density, cases=cases)

    def save(self, folder: str | Path) -> Path:
        """Copy the sweep folder to the new folder ``folder`` (a sweep run with ``out=None``
        lives in a temporary folder); return it."""
        import shutil
        final = _new_folder(folder)
        with output_lock(final, option="folder"):
            final.mkdir(parents=True, exist_ok=True)
            shutil.copytree(self.folder, final, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*.lock", ".instap-*"))
        return final


def sweep(experiment: str | Path | Mapping[str, Any], out: str | Path | None = None,
          jobs: int | None = None, executor: str = "local", scheduler: str | None = None,
          resume: bool = False, force: bool = False, progress: bool = False) -> SweepResult:
    """Run an experiment (a file, or its fields as a mapping; docs/sweeps.md) as
    ``instap sweep`` does and return the checked :class:`SweepResult`.

    The runs stream to ``out`` (default: a new temporary folder, kept until you delete
    it; :meth:`SweepResult.save` copies it), so a sweep that stops can be finished with
    ``resume=True`` and the same ``out``. ``jobs``: worker processes (default all cores);
    ``executor``: ``local`` or ``dask`` (``scheduler``: the address of a Dask scheduler);
    the results do not depend on either. ``force`` lets a resume mix model versions (the
    manifest records it). A mapping's relative paths (``scenario:``, ``levers:``) are
    relative to the working folder."""
    import tempfile

    from instap.sweep.runner import run_sweep

    if not isinstance(experiment, str | Path | Mapping):
        raise InstapError(f"experiment = {shown(experiment)}: expected an experiment file "
                          "or a mapping of its fields")
    if out is None:
        if resume:
            raise InstapError("resume=True needs out= (the folder of the sweep to finish)")
        out = Path(tempfile.mkdtemp(prefix="instap-sweep-"))
    elif not isinstance(out, str | Path) or not str(out).strip():
        raise InstapError(f"out = {shown(out)}: expected the name of a folder")
    for name, value in (("resume", resume), ("force", force), ("progress", progress)):
        if not isinstance(value, bool):
            raise InstapError(f"{name} = {shown(value)}: expected True or False")
    if jobs is not None:
        jobs = _whole("jobs", jobs, 1, cli=False)
    target = experiment if isinstance(experiment, Mapping) else Path(experiment)
    done = run_sweep(target, Path(out), jobs, executor, scheduler, resume, False, force,
                     progress=progress)
    assert done.out is not None
    result = load_sweep(done.out)
    result.failed = done.failed
    return result


def load_sweep(folder: str | Path) -> SweepResult:
    """Read an ``instap sweep`` folder, once it is checked as ``instap analyze`` checks
    it: a sweep's manifest, every planned run stored exactly once (otherwise an
    :class:`~instap.errors.InstapError` with the ``--resume`` command that repairs it)."""
    if not isinstance(folder, str | Path):
        raise InstapError(f"folder = {shown(folder)}: expected the name of an "
                          "`instap sweep` folder")
    folder = Path(folder)
    if not folder.exists():
        raise InstapError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise InstapError(f"{folder}: is a file, not an `instap sweep` folder")
    if store.is_run_folder(folder):
        raise InstapError(f"{folder}: is an `instap run` folder, not a sweep folder")
    manifest = store.load_manifest(folder)
    checked = store.verify(folder, manifest)
    resume = "`" + shlex.join(["instap", "sweep", str(manifest["experiment_file"]), "--out",
                               str(folder), "--resume"]) + "`"
    if not checked.clean:
        raise InstapError(f"{folder}: {checked.text()}; run {resume} to repair")
    n_runs = int(manifest["design"]["runs"])
    try:
        runs = store.read_runs(folder)
    except (OSError, ValueError, pa.ArrowException) as err:
        raise InstapError(f"{folder}: the runs cannot be read ({str(err)[:80]}); was the "
                          f"folder changed while it was read? run {resume} to repair"
                          ) from None
    if "run_id" not in runs or not np.array_equal(runs["run_id"].to_numpy(), np.arange(n_runs)):
        raise InstapError(f"{folder}: the runs changed while they were read (another "
                          "command is writing the folder?); try again")
    failed = int(runs["error"].notna().sum()) if "error" in runs else 0
    return SweepResult(folder=folder, manifest=manifest, runs=runs,
                       sensitivity=_analysis_table(folder, "sensitivity.csv"),
                       convergence=_analysis_table(folder, "convergence.csv"),
                       robustness=_analysis_table(folder, "robustness.csv"), failed=failed)


def _analysis_table(folder: Path, name: str) -> pd.DataFrame | None:
    """An analysis table of a sweep folder, or ``None`` when it has none."""
    path = folder / name
    if not path.exists():
        return None
    try:
        return pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise InstapError(f"{path}: not a readable table ({' '.join(str(err).split())[:80]})"
                          f"; `{shlex.join(['instap', 'analyze', str(folder)])}` writes it again"
                          ) from None


# ----------------------------------------------------------------------------- discovery
def discover(folder: str | Path, where: str, density: float = 0.8,
             cases: str = "runs") -> Discovery:
    """Scenario discovery on an ``instap sweep`` folder (checked as :func:`load_sweep`
    checks it): where in the factor space does the condition ``where``
    (``"durability.survival_months >= 120"``: an output, one of ``>=, >, <=, <, ==``, a
    number) hold? Returns a :class:`~instap.sweep.discovery.Discovery`: ``sentences``,
    ``box`` (the PRIM box's restrictions), ``prim.trajectory``, ``cart.leaves``,
    ``scores`` (feature scores), ``summary`` and ``save(folder)``. ``density``: the
    share of a box's cases that must meet the condition for the box to be chosen;
    ``cases``: ``runs`` (each run a case) or ``points`` (each design point a case that
    meets the condition when half its replications do). Rules: docs/sweeps.md."""
    from instap.sweep.discovery import discover_runs

    sweep = load_sweep(folder)
    return discover_runs(sweep.runs, sweep.manifest, where, density=density, cases=cases,
                         sweep=sweep.folder)
