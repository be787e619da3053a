"""``instap compare`` and ``instap report``: scenarios side by side, with common random numbers.

Each scenario file is run with the same replication seeds
(:func:`instap.execution.replication_seeds` of ``--seed`` and ``--reps``), so replication
*i* of every scenario sees the same random stream at the start: differences between
scenarios are then estimated *pairwise per replication* (common random numbers), which
removes most of the between-replication noise. Existing ``instap run`` folders may be
given instead of files; their stored per-replication metrics and timeseries are reused.
If the scenarios' seeds differ, pairing is impossible and differences fall back to
unpaired (Welch) intervals, with a warning.

Statistics, per metric and scenario (``comparison.csv``):

- end-of-run metrics: mean and 95% t-interval over replications; the difference from the
  first scenario is the mean of the paired differences with its 95% t-interval;
- durability (``durability.median_survival_months``, ``durability.p_alive_60``,
  ``durability.p_alive_120``): the Kaplan-Meier estimate and its interval
  (:mod:`instap.summary`); the difference from the first scenario with a 95% percentile
  interval from a bootstrap over replications (paired: the same replications are drawn
  for both scenarios) with a seeded :class:`numpy.random.Generator`. A median that is not
  reached within the horizon enters differences as the horizon (a lower bound; the plain
  words then say "at least").
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from instap import report as rpt
from instap.errors import InstapError
from instap.execution import replication_seeds, run_replications
from instap.findings import plain_summary
from instap.provenance import atomic_folder, check_out_folder, default_out, write_json
from instap.report import ScenarioData
from instap.results import load_run_folder, timeseries_table
from instap.scenario import load_scenario
from instap.summary import EVENT_KEY, SURVIVAL_KEY, kaplan_meier, mean_interval

CSV_COLUMNS = ("metric", "scenario", "n", "mean", "low", "high", "diff", "diff_low",
               "diff_high", "method")
KM_METRICS = ("durability.median_survival_months", "durability.p_alive_60",
              "durability.p_alive_120")
BOOTSTRAP = 2000

# Metrics that get a sentence in the report: (label, unit, scale, higher is better).
HEADLINE: dict[str, tuple[str, str, float, bool]] = {
    "participants.placements": ("people starting work", "", 1.0, True),
    "participants.programme_placements": ("placements through the programme", "", 1.0, True),
    "participants.regular_work": ("moves into regular work", "", 1.0, True),
    "participants.retention_12m": ("still in work 12 months after placement", "points", 100.0,
                                   True),
    "finance.sroi_10y": ("social return over 10 years", "EUR per EUR", 1.0, True),
    "finance.municipal_spending": ("municipal programme spending", "EUR", 1.0, False),
    "finance.public_cost_per_lasting_placement": ("public cost per lasting placement", "EUR",
                                                  1.0, False),
}


# ----------------------------------------------------------------------------- inputs
def _load_input(path: Path) -> tuple[str, Any]:
    """Check one input: ('folder', RunFolder) or ('yaml', LoadedScenario)."""
    if path.is_dir():
        return "folder", load_run_folder(path)
    if not path.exists():
        raise InstapError(f"{path}: no such file or folder")
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise InstapError(f"{path}: expected a scenario .yaml file or an `instap run` folder")
    return "yaml", load_scenario(path)


def _folder_scenario(folder: Any, source: Path) -> ScenarioData:
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
                        from_folder=True)


def _run_scenario(loaded: Any, seeds: list[int], jobs: int | None, progress: bool
                  ) -> ScenarioData:
    results = run_replications(loaded.params, seeds, jobs=jobs, progress=progress)
    keys = list(dict.fromkeys(k for r in results for k in r.metrics))
    metrics = pd.DataFrame({"replication": range(len(results)),
                            "seed": [r.seed for r in results],
                            **{k: [r.metrics.get(k, math.nan) for r in results]
                               for k in keys}})
    return ScenarioData(name=loaded.name, source=str(loaded.path),
                        description=loaded.description, params=dict(loaded.params),
                        seeds=list(seeds), metrics=metrics,
                        timeseries=timeseries_table(results).to_pandas())


def load_inputs(inputs: Sequence[Path], reps: int, seed: int, jobs: int | None = None,
                progress: bool = True) -> tuple[list[ScenarioData], list[str]]:
    """Check every input first, then run the scenario files; returns (scenarios, warnings)."""
    if len(inputs) < 2:
        raise InstapError(f"compare needs at least 2 scenarios or run folders, got "
                          f"{len(inputs)}")
    if reps < 1:
        raise InstapError(f"--reps {reps}: must be at least 1")
    if seed < 0:
        raise InstapError(f"--seed {seed}: must be 0 or more")
    checked = [(Path(p), *_load_input(Path(p))) for p in inputs]
    seeds = replication_seeds(seed, reps)
    scenarios = []
    for path, kind, obj in checked:
        if kind == "folder":
            scenarios.append(_folder_scenario(obj, path))
        else:
            if progress:
                print(f"running {obj.name} ({reps} replications)", file=sys.stderr)
            scenarios.append(_run_scenario(obj, seeds, jobs, progress))
    _unique_names(scenarios)
    warnings = []
    ref = scenarios[0]
    for sc in scenarios[1:]:
        if sc.seeds != ref.seeds:
            warnings.append(
                f"{sc.name} was run with other seeds than {ref.name}: common random numbers "
                "do not hold, so differences are unpaired (wider intervals). Rerun with the "
                "same --seed and --reps, or give scenario files instead of run folders.")
        if sc.horizon != ref.horizon:
            warnings.append(f"{sc.name} runs {sc.horizon} months, {ref.name} {ref.horizon}: "
                            "totals over the run are not comparable.")
    return scenarios, warnings


def _unique_names(scenarios: list[ScenarioData]) -> None:
    seen: dict[str, int] = {}
    for sc in scenarios:
        k = seen.get(sc.name, 0) + 1
        seen[sc.name] = k
        if k > 1:
            sc.name = f"{sc.name} ({k})"


# ----------------------------------------------------------------------------- statistics
def _survival(sc: ScenarioData) -> tuple[np.ndarray, np.ndarray]:
    m = sc.metrics
    events = m[EVENT_KEY].to_numpy(float) if EVENT_KEY in m else np.zeros(len(m))
    return m[SURVIVAL_KEY].to_numpy(float), events > 0.5


def km_matrix(times: np.ndarray, events: np.ndarray, horizon: int) -> np.ndarray:
    """Kaplan-Meier S(t) for t = 0..horizon for each row of ``times`` (rows: samples).

    The same estimator as :func:`instap.summary.kaplan_meier`, vectorised over bootstrap
    samples; S(t) is NaN beyond the last observed time of a sample (not estimable).
    """
    times = np.atleast_2d(times)
    events = np.atleast_2d(events)
    out = np.empty((times.shape[0], horizon + 1))
    s = np.ones(times.shape[0])
    for t in range(horizon + 1):
        at_risk = (times >= t).sum(axis=1)
        deaths = ((times == t) & events).sum(axis=1)
        s = s * (1.0 - np.where(at_risk > 0, deaths / np.maximum(at_risk, 1), 0.0))
        out[:, t] = s
    last = times.max(axis=1)
    # Beyond the last observation S(t) is unknown, unless every run had collapsed (S = 0).
    unknown = (np.arange(horizon + 1)[None, :] > last[:, None]) & (out[:, -1:] > 0)
    out[unknown] = np.nan
    return out


def km_statistics(curves: np.ndarray, horizon: int) -> dict[str, np.ndarray]:
    """Median survival (the horizon when not reached) and S(60), S(120) per curve."""
    below = curves <= 0.5
    reached = below.any(axis=1)
    median = np.where(reached, below.argmax(axis=1), float(horizon)).astype(float)
    out = {"durability.median_survival_months": median}
    for t, key in ((60, "durability.p_alive_60"), (120, "durability.p_alive_120")):
        out[key] = curves[:, t] if t < curves.shape[1] else np.full(len(curves), np.nan)
    return out


def _nan_to_none(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _pairs(ref: ScenarioData, sc: ScenarioData, key: str) -> tuple[np.ndarray, np.ndarray]:
    """Values of ``key`` matched by seed (only seeds both scenarios ran)."""
    a = ref.metrics.set_index("seed")[key] if key in ref.metrics else pd.Series(dtype=float)
    b = sc.metrics.set_index("seed")[key] if key in sc.metrics else pd.Series(dtype=float)
    common = [s for s in ref.seeds if s in b.index and s in a.index]
    return a.loc[common].to_numpy(float), b.loc[common].to_numpy(float)


def paired_difference(a: np.ndarray, b: np.ndarray) -> dict[str, Any]:
    """Mean of ``b - a`` over pairs with both values finite, with its 95% t-interval."""
    d = b - a
    return mean_interval(d[np.isfinite(d)])


def welch_difference(a: np.ndarray, b: np.ndarray) -> dict[str, Any]:
    """Difference of means ``mean(b) - mean(a)`` with a 95% Welch t-interval."""
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if len(a) == 0 or len(b) == 0:
        return {"mean": None, "low": None, "high": None, "n": 0}
    diff = float(b.mean() - a.mean())
    if len(a) < 2 or len(b) < 2:
        return {"mean": diff, "low": None, "high": None, "n": min(len(a), len(b))}
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return {"mean": diff, "low": diff, "high": diff, "n": min(len(a), len(b))}
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    half = float(stats.t.ppf(0.975, df) * se)
    return {"mean": diff, "low": diff - half, "high": diff + half, "n": min(len(a), len(b))}


def _km_bootstrap(ref: ScenarioData, sc: ScenarioData, paired: bool,
                  rng: np.random.Generator) -> dict[str, dict[str, Any]]:
    """Point difference and bootstrap 95% interval of the durability statistics."""
    horizon = max(ref.horizon, sc.horizon)
    (ta, ea), (tb, eb) = _survival(ref), _survival(sc)
    if paired:
        order_b = [sc.seeds.index(s) for s in ref.seeds]
        tb, eb = tb[order_b], eb[order_b]
    point_a = km_statistics(km_matrix(ta, ea, horizon), ref.horizon)
    point_b = km_statistics(km_matrix(tb, eb, horizon), sc.horizon)
    ia = rng.integers(0, len(ta), (BOOTSTRAP, len(ta)))
    ib = ia if paired else rng.integers(0, len(tb), (BOOTSTRAP, len(tb)))
    boot_a = km_statistics(km_matrix(ta[ia], ea[ia], horizon), ref.horizon)
    boot_b = km_statistics(km_matrix(tb[ib], eb[ib], horizon), sc.horizon)
    out = {}
    for key in KM_METRICS:
        diff = float(point_b[key][0] - point_a[key][0])
        d = boot_b[key] - boot_a[key]
        d = d[np.isfinite(d)]
        if not math.isfinite(diff) or d.size < BOOTSTRAP // 2:
            out[key] = {"mean": None, "low": None, "high": None}
            continue
        low, high = np.percentile(d, [2.5, 97.5])
        out[key] = {"mean": diff, "low": float(low), "high": float(high)}
    return out


def comparison_table(scenarios: Sequence[ScenarioData], seed: int = 0) -> pd.DataFrame:
    """The rows of ``comparison.csv``: every metric for every scenario, with differences."""
    ref = scenarios[0]
    rng = np.random.default_rng([seed, 20261125])
    metric_keys = [k for k in dict.fromkeys(c for sc in scenarios for c in sc.metrics.columns)
                   if k not in ("replication", "seed")]
    rows: list[dict[str, Any]] = []
    km_diffs: dict[str, dict[str, dict[str, Any]]] = {}
    for sc in scenarios[1:]:
        km_diffs[sc.name] = _km_bootstrap(ref, sc, sc.seeds == ref.seeds, rng)
    for sc in scenarios:
        times, events = _survival(sc)
        km = kaplan_meier(times, events, sc.horizon)
        sc.km_curve = {"month": km.month.tolist(), "survival": km.survival.tolist(),
                       "low": km.low.tolist(), "high": km.high.tolist()}
        estimates = {"durability.median_survival_months": km.median(),
                     "durability.p_alive_60": km.at(60), "durability.p_alive_120": km.at(120)}
        for t, key in ((60, "durability.p_alive_60"), (120, "durability.p_alive_120")):
            if estimates[key]["mean"] is None and t <= sc.horizon and km.survival[-1] == 0:
                # every replication collapsed before t: S(t) = 0 is known, not censored
                estimates[key] = {"mean": 0.0, "low": 0.0, "high": 0.0}
        for key in KM_METRICS:
            est = estimates[key]
            row = {"metric": key, "scenario": sc.name, "n": len(times), "mean": est["mean"],
                   "low": est["low"], "high": est["high"]}
            if sc is ref:
                zero = 0.0 if est["mean"] is not None or key.endswith("survival_months") else None
                row.update(diff=zero, diff_low=zero, diff_high=zero, method="reference")
            else:
                d = km_diffs[sc.name][key]
                paired = sc.seeds == ref.seeds
                row.update(diff=d["mean"], diff_low=d["low"], diff_high=d["high"],
                           method="paired bootstrap" if paired else "bootstrap")
            rows.append(row)
    for key in metric_keys:
        for sc in scenarios:
            values = sc.metrics[key].to_numpy(float) if key in sc.metrics else np.array([])
            est = mean_interval(values)
            row = {"metric": key, "scenario": sc.name, "n": est["n"], "mean": est["mean"],
                   "low": est["low"], "high": est["high"]}
            if sc is ref:
                zero = 0.0 if est["mean"] is not None else None
                row.update(diff=zero, diff_low=zero, diff_high=zero, method="reference")
            elif sc.seeds == ref.seeds:
                d = paired_difference(*_pairs(ref, sc, key))
                row.update(diff=d["mean"], diff_low=d["low"], diff_high=d["high"],
                           method="paired t")
            else:
                a = ref.metrics[key].to_numpy(float) if key in ref.metrics else np.array([])
                d = welch_difference(a, values)
                row.update(diff=d["mean"], diff_low=d["low"], diff_high=d["high"],
                           method="Welch t")
            rows.append(row)
    table = pd.DataFrame(rows, columns=list(CSV_COLUMNS))
    for col in ("mean", "low", "high", "diff", "diff_low", "diff_high"):
        table[col] = pd.to_numeric(table[col], errors="coerce").astype(float)
    return table


# ----------------------------------------------------------------------------- words
def _get(table: pd.DataFrame, metric: str, scenario: str) -> dict[str, Any] | None:
    hit = table[(table["metric"] == metric) & (table["scenario"] == scenario)]
    if hit.empty:
        return None
    return {k: (_nan_to_none(v) if isinstance(v, float) else v)
            for k, v in hit.iloc[0].to_dict().items()}


def _ci(low: float | None, high: float | None, scale: float = 1.0, digits: int = 0) -> str:
    if low is None or high is None:
        return ""
    lo, hi = round(low * scale, digits) + 0.0, round(high * scale, digits) + 0.0  # no "-0"
    return f" (95% CI {lo:+,.{digits}f} to {hi:+,.{digits}f})"


def _clear(row: dict[str, Any]) -> bool:
    lo, hi = row.get("diff_low"), row.get("diff_high")
    return lo is not None and hi is not None and (lo > 0 or hi < 0)


def _label(name: str) -> str:
    return name.replace("_", " ")


def findings(scenarios: Sequence[ScenarioData], table: pd.DataFrame
             ) -> list[tuple[str, str, bool]]:
    """Plain-language sentences on each scenario's difference from the first:
    (scenario, sentence, whether the 95% interval excludes no difference)."""
    ref = scenarios[0]
    out: list[tuple[str, str, bool]] = []
    for sc in scenarios[1:]:
        name, base = _label(sc.name).capitalize(), _label(ref.name)
        med = _get(table, "durability.median_survival_months", sc.name)
        med_ref = _get(table, "durability.median_survival_months", ref.name)
        if med and med_ref and med.get("diff") is not None:
            reached = med["mean"] is not None and med["mean"] < sc.horizon
            reached_ref = med_ref["mean"] is not None and med_ref["mean"] < ref.horizon
            d = med["diff"]
            if not reached and not reached_ref:
                text = (f"{name} and {base} both keep the ecosystem alive beyond the "
                        f"{ref.horizon}-month horizon in more than half of the runs; their "
                        "median survival cannot be told apart within the horizon.")
            else:
                bound = (not reached and d > 0) or (not reached_ref and d < 0)
                word = "longer" if d > 0 else "shorter"
                how = (f"at least {abs(d):.0f} months {word} (median)" if bound
                       else f"a median {abs(d):.0f} months {word}")
                text = (f"{name} keeps the ecosystem alive {how} than {base}"
                        f"{_ci(med['diff_low'], med['diff_high'])}: median survival "
                        f"{_months(med, sc.horizon)} against {_months(med_ref, ref.horizon)}.")
                if d == 0:
                    ci = _ci(med["diff_low"], med["diff_high"])
                    text = (f"{name} and {base} have the same median survival "
                            f"({_months(med, sc.horizon)}){ci}.")
            out.append((sc.name, text, _clear(med)))
        for key, years in (("durability.p_alive_120", 10), ("durability.p_alive_60", 5)):
            p, p_ref = _get(table, key, sc.name), _get(table, key, ref.name)
            if p and p_ref and p.get("diff") is not None and p["mean"] is not None:
                verb = "raises" if p["diff"] > 0 else "lowers" if p["diff"] < 0 else "keeps"
                ci = _ci(p["diff_low"], p["diff_high"], 100)
                inner = f"{p['diff'] * 100:+.0f} points" + (f", {ci[2:-1]}" if ci else "")
                text = (f"{name} {verb} the chance that the ecosystem is still alive after "
                        f"{years} years from {p_ref['mean'] * 100:.0f}% to "
                        f"{p['mean'] * 100:.0f}% ({inner}).")
                out.append((sc.name, text, _clear(p)))
                break
        for key, (label, unit, scale, _better) in HEADLINE.items():
            row = _get(table, key, sc.name)
            if not row or row.get("diff") is None:
                continue
            d = row["diff"] * scale
            digits = 1 if abs(d) < 10 and unit not in ("EUR",) else 0
            more = "more" if d > 0 else "fewer" if unit == "" else "less"
            if unit == "points":
                text = (f"{name}: {label} {d:+.{1}f} percentage points compared with {base}"
                        f"{_ci(row['diff_low'], row['diff_high'], scale, 1)}.")
            elif unit == "EUR":
                text = (f"{name}: {label} {'higher' if d > 0 else 'lower'} by EUR "
                        f"{abs(d):,.0f} than under {base}"
                        f"{_ci(row['diff_low'], row['diff_high'], scale)}.")
            elif unit:
                text = (f"{name}: {label} {d:+.2f} {unit} compared with {base}"
                        f"{_ci(row['diff_low'], row['diff_high'], scale, 2)}.")
            else:
                text = (f"{name}: {abs(d):,.{digits}f} {more} {label} than {base} over the run"
                        f"{_ci(row['diff_low'], row['diff_high'], scale, digits)}.")
            out.append((sc.name, text, _clear(row)))
    return out


def _months(row: dict[str, Any], horizon: int) -> str:
    if row["mean"] is None or row["mean"] >= horizon:
        return f"beyond {horizon} months"
    return f"{row['mean']:.0f} months"


# ----------------------------------------------------------------------------- terminal
def durability_ranking(scenarios: Sequence[ScenarioData], table: pd.DataFrame) -> str:
    """Scenarios ranked on durability: median survival, then P(alive at 120 or 60 months)."""
    def cell(row: dict[str, Any] | None, pct: bool) -> str:
        if not row or row.get("mean") is None:
            return "n/a"
        k = 100.0 if pct else 1.0
        lo = "?" if row.get("low") is None else f"{row['low'] * k:.0f}"
        hi = "not reached" if row.get("high") is None and not pct else (
            "?" if row.get("high") is None else f"{row['high'] * k:.0f}")
        unit = "%" if pct else ""
        return f"{row['mean'] * k:.0f}{unit} [{lo}-{hi}]"

    entries = []
    for sc in scenarios:
        med = _get(table, "durability.median_survival_months", sc.name) or {}
        p120 = _get(table, "durability.p_alive_120", sc.name) or {}
        p60 = _get(table, "durability.p_alive_60", sc.name) or {}
        surv = _get(table, SURVIVAL_KEY, sc.name) or {}
        m = med.get("mean")
        key = (m if m is not None else sc.horizon + 1,
               p120.get("mean") if p120.get("mean") is not None else -1,
               p60.get("mean") if p60.get("mean") is not None else -1,
               surv.get("mean") or 0)
        median = cell(med, False) if m is not None else f">{sc.horizon} (not reached)"
        entries.append((key, sc.name, median, cell(p60, True), cell(p120, True)))
    entries.sort(key=lambda e: e[0], reverse=True)
    header = ("rank", "scenario", "median survival, months [95% CI]", "alive at 60 months",
              "alive at 120 months")
    lines = [[str(i + 1), name, med, p60, p120]
             for i, (_, name, med, p60, p120) in enumerate(entries)]
    widths = [max(len(header[j]), *(len(r[j]) for r in lines)) for j in range(len(header))]
    fmt_row = "  ".join(f"{{:<{w}}}" for w in widths)
    out = ["Durability ranking (Kaplan-Meier over replications, 95% intervals):",
           fmt_row.format(*header), fmt_row.format(*("-" * w for w in widths))]
    out += [fmt_row.format(*r) for r in lines]
    return "\n".join(out)


# ----------------------------------------------------------------------------- report
def compare_html(scenarios: Sequence[ScenarioData], table: pd.DataFrame,
                 warnings: Sequence[str], reps_note: str) -> str:
    """The comparison report as one self-contained HTML document."""
    ref = scenarios[0]
    names = [sc.name for sc in scenarios]
    body = [f"<p>{_esc_join(names)} compared; the first, <b>{rpt._esc(ref.name)}</b>, is the "
            f"reference. {rpt._esc(reps_note)}</p>"]
    body += [f"<p class='warn'>{rpt._esc(w)}</p>" for w in warnings]
    body.append("<h2>What differs, in plain words</h2>")
    current = None
    for scenario, text, clear in findings(scenarios, table):
        if scenario != current:
            body.append(f"<h3>{rpt._esc(scenario)} vs {rpt._esc(ref.name)}</h3>")
            current = scenario
        note = "" if clear else (" <span class='unclear'>(the 95% interval includes no "
                                 "difference: not distinguishable at this number of "
                                 "replications)</span>")
        body.append(f"<p class='finding'>{rpt._esc(text)}{note}</p>")
    body.append("<h2>Durability</h2>")
    body.append("<pre>" + rpt._esc(durability_ranking(scenarios, table)) + "</pre>")
    body.append(rpt.image(rpt.survival_figure(scenarios), "survival curves"))
    body += rpt.envelope_section(scenarios)
    body.append("<h2>All metrics</h2><p class='small'>Mean (or Kaplan-Meier estimate) with "
                "95% interval per scenario; difference from the first scenario with its 95% "
                "interval (paired over common random numbers where the seeds match). The "
                "same numbers are in comparison.csv.</p>")
    rows = [[r.metric, r.scenario, rpt.fmt(r.mean), f"{rpt.fmt(r.low)} – {rpt.fmt(r.high)}",
             rpt.fmt(r.diff), f"{rpt.fmt(r.diff_low)} – {rpt.fmt(r.diff_high)}", r.method]
            for r in table.itertuples()]
    body.append(rpt._table(["metric", "scenario", "mean", "95% interval",
                            f"difference from {ref.name}", "95% interval", "method"],
                           rows, numeric_from=2))
    diffs = rpt.parameter_differences(scenarios)
    body.append("<h2>Parameters that differ between the scenarios</h2>")
    if diffs:
        body.append(rpt._table(["parameter", "unit", *names], diffs, numeric_from=2))
    else:
        body.append("<p>None: the scenarios have identical resolved parameters.</p>")
    body += rpt.scenario_list(scenarios)
    return rpt.page("Scenario comparison: " + " vs ".join(names), body)


def _esc_join(names: Sequence[str]) -> str:
    quoted = [f"<b>{rpt._esc(n)}</b>" for n in names]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1] if len(quoted) > 1 else quoted[0]


def compare_command(inputs: Sequence[Path], reps: int = 20, seed: int = 20261125,
                    out: Path | None = None, jobs: int | None = None,
                    progress: bool = True) -> Path:
    """Compare scenarios with common random numbers; write comparison.csv and report.html."""
    if jobs is not None and jobs < 1:
        raise InstapError(f"--jobs {jobs}: must be at least 1")
    final = Path(out) if out is not None else default_out("compare")
    check_out_folder(final)
    scenarios, warnings = load_inputs(list(inputs), reps, seed, jobs=jobs, progress=progress)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    table = comparison_table(scenarios, seed)
    paired = all(sc.seeds == scenarios[0].seeds for sc in scenarios)
    note = (f"Each scenario ran {len(scenarios[0].seeds)} replications with the same seeds "
            "(common random numbers); differences are paired per replication."
            if paired else "Scenarios ran with different seeds; differences are unpaired.")
    with atomic_folder(final) as tmp:
        table.to_csv(tmp / "comparison.csv", index=False)
        (tmp / "report.html").write_text(compare_html(scenarios, table, warnings, note),
                                         encoding="utf-8")
        write_json({"inputs": [str(p) for p in inputs], "reference": scenarios[0].name,
                    "master_seed": seed, "replications": reps, "paired": paired,
                    "warnings": list(warnings),
                    "scenarios": [{"name": sc.name, "source": sc.source,
                                   "from_folder": sc.from_folder, "seeds": sc.seeds,
                                   "params": sc.params} for sc in scenarios],
                    "command": [Path(sys.argv[0]).name, *sys.argv[1:]]},
                   tmp / "manifest.json")
    print(durability_ranking(scenarios, table))
    print(f"Results: {final}")
    return final


def report_command(folder: Path) -> Path:
    """Write ``report.html`` for one ``instap run`` folder (into that folder)."""
    folder = Path(folder)
    run = load_run_folder(folder)
    sc = _folder_scenario(run, folder)
    table = comparison_table([sc])
    summary_text = plain_summary(run.summary, sc.name, sc.horizon)
    body = ["<h2>Summary</h2>"]
    body += [f"<p>{rpt._esc(line)}</p>" for line in summary_text.splitlines()]
    body.append("<h2>Durability</h2>")
    body.append("<pre>" + rpt._esc(durability_ranking([sc], table)) + "</pre>")
    body.append(rpt.image(rpt.survival_figure([sc]), "survival curve"))
    body += rpt.envelope_section([sc])
    body.append("<h2>All metrics</h2><p class='small'>Mean (or Kaplan-Meier estimate) with "
                "95% interval over replications.</p>")
    rows = [[r.metric, rpt.fmt(r.mean), f"{rpt.fmt(r.low)} – {rpt.fmt(r.high)}", str(r.n)]
            for r in table.itertuples()]
    body.append(rpt._table(["metric", "mean", "95% interval", "replications"], rows))
    body.append("<h2>Parameters that differ from the defaults</h2>")
    changed = rpt.parameters_vs_defaults(sc.params)
    body.append(rpt._table(["parameter", "unit", "default", sc.name], changed, numeric_from=2)
                if changed else "<p>None: every parameter has its default value.</p>")
    body += rpt.scenario_list([sc])
    text = rpt.page(f"Run report: {sc.name}", body)
    target = folder / "report.html"
    tmp = folder / f".report.html.partial-{os.getpid()}"
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise InstapError(f"{target}: cannot write the report ({err.strerror})") from None
    print(f"Report: {target}")
    return target


def load_comparison(folder: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read back a compare folder's ``comparison.csv`` and ``manifest.json``."""
    folder = Path(folder)
    try:
        table = pd.read_csv(folder / "comparison.csv")
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InstapError(f"{folder}: not an `instap compare` folder ({err})") from None
    return table, manifest
