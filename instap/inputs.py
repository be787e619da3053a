"""The inputs of a comparison: scenario files (run here) or run folders, as ScenarioData.

Every input is checked before anything runs. Scenario files are run with the same
replication seeds (:func:`instap.execution.replication_seeds` of ``--seed`` and
``--reps``), so replication *i* of every scenario sees the same random stream at the
start (common random numbers); run folders bring their stored metrics and timeseries.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from instap.calibration.posterior import Posterior, choose_posterior
from instap.errors import InstapError
from instap.execution import replication_seeds, run_replications
from instap.lang import in_lang
from instap.results import RunFolder, load_run_folder, metrics_table, timeseries_table
from instap.scenario import LoadedScenario, check_timeline_run, load_scenario


@dataclass
class ScenarioData:
    """Everything the statistics and the reports need about one scenario's replications."""

    name: str
    source: str  # the YAML file or run folder it came from
    description: str
    params: dict[str, Any]
    seeds: list[int]
    metrics: pd.DataFrame  # one row per replication: seed, then end-of-run metrics
    timeseries: pd.DataFrame  # replication, seed, month, then the monthly columns
    from_folder: bool = False
    description_nl: str = ""  # the description in Dutch, if the scenario has one
    lang: str | None = None  # the language the scenario asks its reports in
    posterior: dict[str, Any] | None = None  # the posterior its replications drew from

    def describe(self, lang: str) -> str:
        """The description in ``lang`` (Dutch when there is one, else the English one)."""
        return self.description_nl if lang == "nl" and self.description_nl else self.description

    @property
    def timeline(self) -> list[dict[str, Any]]:
        """The scenario's timeline entries (plain mappings; empty without one)."""
        entries = self.params.get("timeline")
        return list(entries) if isinstance(entries, list) else []

    @property
    def horizon(self) -> int:
        """The horizon in months."""
        return int(self.params["months"])


def folder_scenario(folder: RunFolder, source: Path) -> ScenarioData:
    """The scenario stored in an ``instap run`` folder (already loaded from ``source``)."""
    manifest = folder.manifest
    info = manifest.get("scenario", {})
    params = manifest.get("params")
    if not isinstance(params, dict) or "months" not in params:
        raise InstapError(f"{source}: manifest.json has no resolved parameters")
    metrics = folder.metrics.sort_values("replication").reset_index(drop=True)
    seeds = [int(s) for s in manifest.get("seeds", metrics["seed"].tolist())]
    return ScenarioData(name=str(info.get("name") or source.name), source=str(source),
                        description=str(info.get("description") or ""), params=params,
                        seeds=seeds, metrics=metrics, timeseries=folder.timeseries,
                        from_folder=True,
                        description_nl=str(info.get("description_nl") or ""),
                        lang=info.get("lang") if isinstance(info.get("lang"), str) else None)


#: Changes to a scenario's parameters asked for on the command line (``--months``,
#: ``--set``): the function that applies them and how they were written.
Adjust = tuple[Callable[[dict[str, Any]], dict[str, Any]], str]


def load_inputs(inputs: Sequence[Path], reps: int, seed: int, jobs: int | None = None,
                progress: bool = True, adjust: Adjust | None = None,
                reps_given: bool = True, posterior: Any = None,
                set_names: Sequence[str] = (), cli: bool = True
                ) -> tuple[list[ScenarioData], list[str]]:
    """Check every input first, then run the scenario files; returns (scenarios, warnings).

    ``adjust`` changes every scenario file's parameters (``--months``, ``--set``); a run
    folder cannot take it (its replications are made) and is refused, as is ``--reps``
    (``reps_given``) when there is no scenario file to run. ``posterior`` (or the one the
    scenario files name) gives every scenario file the same parameter draws per
    replication seed (:mod:`instap.calibration.posterior`); ``set_names`` are the names
    ``--set`` changes (refused when drawn from it).
    """
    if len(inputs) < 2:
        raise InstapError(f"compare needs at least 2 scenarios or run folders, got "
                          f"{len(inputs)}")
    if reps < 1:
        raise InstapError(f"--reps {reps}: must be at least 1")
    if seed < 0:
        raise InstapError(f"--seed {seed}: must be 0 or more")
    checked = [(Path(p), _check(Path(p))) for p in inputs]
    params: list[dict[str, Any] | None] = []
    for path, loaded in checked:
        if isinstance(loaded, LoadedScenario):
            changed = adjust[0](dict(loaded.params)) if adjust else dict(loaded.params)
            if adjust and loaded.timeline:
                check_timeline_run(loaded, changed, adjust[1])
            params.append(changed)
        elif adjust:
            raise InstapError(f"{adjust[1]}: cannot change the run folder {path}, whose "
                              "replications are already made; compare its scenario file "
                              "instead, or leave the option out")
        else:
            params.append(None)
    if reps_given and all(p is None for p in params):
        raise InstapError(f"--reps {reps}: there is no scenario file to run; run folders "
                          "keep their own replications (leave out --reps)")
    post, post_warning = choose_posterior(
        posterior, [loaded.posterior for _, loaded in checked
                    if isinstance(loaded, LoadedScenario)], set_names, cli)
    if post is not None:
        for path, loaded in checked:
            if isinstance(loaded, RunFolder):
                raise InstapError(f"{'--posterior' if cli else 'posterior'} {post.path}: "
                                  f"cannot apply to the run folder {path}, whose replications "
                                  "are already made; compare its scenario file instead")
    seeds = replication_seeds(seed, reps)
    scenarios = []
    for (path, loaded), resolved in zip(checked, params, strict=True):
        if isinstance(loaded, LoadedScenario) and resolved is not None:
            if progress:
                print(f"running {loaded.name} ({reps} replications)", file=sys.stderr)
            scenarios.append(_run(loaded, resolved, seeds, jobs, progress, post))
        elif isinstance(loaded, RunFolder):
            scenarios.append(folder_scenario(loaded, path))
    _unique_names(scenarios)
    return scenarios, comparison_warnings(scenarios) + ([post_warning] if post_warning else [])


def _check(path: Path) -> RunFolder | LoadedScenario:
    """One input, checked: a run folder or a scenario file."""
    if path.is_dir():
        return load_run_folder(path)
    if not path.exists():
        raise InstapError(f"{path}: no such file or folder")
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise InstapError(f"{path}: expected a scenario .yaml file or an `instap run` folder")
    return load_scenario(path)


def _run(loaded: LoadedScenario, params: dict[str, Any], seeds: list[int], jobs: int | None,
         progress: bool, posterior: Posterior | None = None) -> ScenarioData:
    per_rep = posterior.apply(params, seeds) if posterior else params
    results = run_replications(per_rep, seeds, jobs=jobs, progress=progress)
    return ScenarioData(name=loaded.name, source=str(loaded.path),
                        description=loaded.description, params=params,
                        seeds=list(seeds), metrics=metrics_table(results).to_pandas(),
                        timeseries=timeseries_table(results).to_pandas(),
                        description_nl=loaded.description_nl, lang=loaded.lang,
                        posterior=None if posterior is None else {
                            **posterior.describe(),
                            "draws": [posterior.draw_index(s) for s in seeds]})


def _unique_names(scenarios: list[ScenarioData]) -> None:
    seen: dict[str, int] = {}
    for sc in scenarios:
        k = seen.get(sc.name, 0) + 1
        seen[sc.name] = k
        if k > 1:
            sc.name = f"{sc.name} ({k})"


def comparison_warnings(scenarios: list[ScenarioData], lang: str = "en") -> list[str]:
    """What makes the comparison with the first scenario weaker."""
    warnings = []
    ref = scenarios[0]
    for sc in scenarios[1:]:
        if sc.seeds != ref.seeds:
            warnings.append(in_lang(
                lang, f"{sc.name} was run with other seeds than {ref.name}: common random "
                "numbers do not hold, so differences are unpaired (wider intervals). Rerun "
                "with the same --seed and --reps, or give scenario files instead of run "
                "folders.",
                f"{sc.name} is met andere seeds gedraaid dan {ref.name}: de toevalsgetallen "
                "zijn niet gelijk, dus de verschillen zijn ongepaard (bredere intervallen). "
                "Draai opnieuw met dezelfde --seed en --reps, of geef scenariobestanden in "
                "plaats van mappen van runs."))
        if sc.horizon != ref.horizon:
            warnings.append(in_lang(
                lang, f"{sc.name} runs {sc.horizon} months, {ref.name} {ref.horizon}: totals "
                "over the run are not comparable.",
                f"{sc.name} loopt {sc.horizon} maanden, {ref.name} {ref.horizon}: totalen "
                "over de looptijd zijn niet vergelijkbaar."))
    return warnings
