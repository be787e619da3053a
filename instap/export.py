"""What ``instap export`` writes: the results of a run or comparison folder as tables with
plain headers and units, one per sheet (:mod:`instap.spreadsheet` writes them as an
Excel workbook or CSV files).

Sheets, in order: ``Summary`` (headline results with 95% intervals), ``All metrics`` (a
run: every end-of-run metric) or ``Comparison`` (a comparison: ``comparison.csv``),
``End of run per replication``, ``Monthly median and band`` (per month the median and
the 5-95% band over replications, as the reports draw them), ``Monthly per replication``
(long: replication, month, series) and ``About`` (where the numbers come from). A
comparison's per-replication and monthly sheets have a ``scenario`` column first.

Every header and row label of a model output comes from :func:`_header`.
"""

from __future__ import annotations

import fnmatch
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from instap.errors import InstapError
from instap.findings import HEADLINE
from instap.inputs import folder_scenario
from instap.provenance import git_commit, package_versions
from instap.results import (
    FILES,
    CompareFolder,
    RunFolder,
    StoredScenario,
    load_compare_folder,
    load_run_folder,
)
from instap.stats import comparison_table
from instap.survival import DURABILITY_METRICS
from sim.outputs import COLUMNS

#: The band over replications of the monthly sheet, in percent: the band of the reports
#: and plots (the default of :func:`instap.plots.envelope`; a test keeps them equal).
BAND = (5.0, 95.0)

#: Units of end-of-run metrics: the first pattern (``fnmatch``) that matches the dotted
#: name gives the unit.
METRIC_UNITS: tuple[tuple[str, str], ...] = (
    ("durability.collapsed", "0/1"),
    ("durability.cause.*", "0/1"),
    ("durability.p_alive_*", "probability 0-1"),
    ("durability.*", "months"),
    ("participants.work_months*", "person-months"),
    ("participants.retention_*", "share 0-1"),
    ("participants.exit_to_work_*", "share per year 0-1"),
    ("participants.deadweight_share", "share 0-1"),
    ("participants.debt_help_reach*", "share 0-1"),
    ("participants.*", "persons"),
    ("finance.sroi*", "EUR per EUR"),
    ("finance.investor_multiple", "EUR per EUR"),
    ("finance.public_cost_per_lasting_placement", "EUR per placement"),
    ("finance.*", "EUR"),
    ("value.*", "EUR"),
    ("coalition.founding_share_final", "share 0-1"),
    ("coalition.*", "organisations"),
)

#: The headline results of the Summary sheet: durability, then the report's sentences.
HEADLINE_KEYS = (*DURABILITY_METRICS, *HEADLINE)

#: Sheet names (Excel allows at most 31 characters).
SUMMARY, ALL_METRICS, COMPARISON = "Summary", "All metrics", "Comparison"
PER_REPLICATION, MONTHLY_BAND = "End of run per replication", "Monthly median and band"
MONTHLY_ALL, ABOUT = "Monthly per replication", "About"

_KEYS = ("scenario", "replication", "seed", "month")


def metric_unit(key: str) -> str:
    """The unit of an end-of-run metric (empty when unknown)."""
    return next((unit for pattern, unit in METRIC_UNITS if fnmatch.fnmatchcase(key, pattern)),
                "")


def _header(key: str) -> str:
    """The name and unit of a monthly series or end-of-run metric, as a column header or
    row label: the one place this text is made (a glossary can replace it)."""
    if key in COLUMNS:
        return COLUMNS[key]
    unit = metric_unit(key)
    return f"{key} ({unit})" if unit else key


@dataclass
class Sheet:
    """One table of the export; ``keys``: how many leading columns identify a row (they
    stay in view when scrolling right)."""

    name: str
    table: pd.DataFrame
    keys: int = 0


@dataclass
class Export:
    """The sheets of one folder; ``notes``: what could not be exported and why."""

    kind: str  # "run" or "comparison"
    sheets: list[Sheet]
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- loading
def load_export(folder: Path) -> Export:
    """The sheets of an ``instap run`` or ``instap compare`` folder; :class:`InstapError`
    naming the folder when it is neither, or damaged."""
    if not folder.exists():
        raise InstapError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise InstapError(f"{folder}: is a file; expected an `instap run` or `instap "
                          "compare` result folder")
    if (folder / "comparison.csv").exists():
        return comparison_export(load_compare_folder(folder))
    if any((folder / name).exists() for name in FILES[1:]):
        return run_export(load_run_folder(folder))
    if (folder / "runs").is_dir() and (folder / "manifest.json").is_file():
        raise InstapError(f"{folder}: an `instap sweep` folder; export takes an `instap run` "
                          "or `instap compare` result folder")
    raise InstapError(f"{folder}: not an `instap run` or `instap compare` result folder (no "
                      "metrics.parquet, timeseries.parquet, summary.json or comparison.csv)")


# ----------------------------------------------------------------------------- a run
def run_export(run: RunFolder) -> Export:
    """The sheets of a run folder."""
    sc = folder_scenario(run, run.path)
    table = comparison_table([sc])
    metrics = run.metrics.sort_values("replication").reset_index(drop=True)
    timeseries = run.timeseries.sort_values(["replication", "month"]).reset_index(drop=True)
    sheets = [
        Sheet(SUMMARY, _results(table, HEADLINE_KEYS), 1),
        Sheet(ALL_METRICS, _results(table), 1),
        Sheet(PER_REPLICATION, per_replication(metrics), 2),
        Sheet(MONTHLY_BAND, monthly_band(timeseries), 1),
        Sheet(MONTHLY_ALL, monthly_all(timeseries), 2),
        Sheet(ABOUT, _about(_run_about(run, sc.horizon)), 1),
    ]
    return Export("run", sheets)


def _run_about(run: RunFolder, months: int) -> list[tuple[str, Any]]:
    m = run.manifest
    info, versions, timings = (_mapping(m, k) for k in ("scenario", "versions", "timings"))
    chosen = _mapping(m, "overrides").get("set")
    return [
        ("this file", "the results of one `instap run`: headline results, every end-of-run "
                      "metric, each replication and each month"),
        ("result folder", str(run.path.resolve())),
        ("scenario", info.get("name") or run.path.name),
        ("scenario description", " ".join(str(info.get("description") or "").split())),
        ("scenario file", info.get("path") or "not recorded"),
        ("parameters set with --set",
         ", ".join(map(str, chosen)) if isinstance(chosen, list) and chosen else "none"),
        ("timeline", _timeline_text(_mapping(m, "params").get("timeline"))),
        ("months simulated", months),
        ("replications", len(run.metrics)),
        ("master seed", m.get("master_seed", "not recorded")),
        ("run started", timings.get("started", "not recorded")),
        ("instap version of the run", versions.get("instap") or "not recorded"),
        ("instap commit of the run", m.get("git_commit") or "not recorded"),
    ]


def _timeline_text(entries: Any) -> str:
    """The scenario's timeline in one cell: one entry a line, as the scenario file
    writes it (``month 25: budget -0.3``)."""
    if not isinstance(entries, list) or not entries:
        return "none"
    lines = []
    for e in entries:
        if isinstance(e, dict):
            rest = "; ".join(f"{k} {v}" for k, v in e.items() if k != "month")
            lines.append(f"month {e.get('month')}: {rest}")
    return "\n".join(lines)


def _mapping(manifest: dict[str, Any], key: str) -> dict[str, Any]:
    """``manifest[key]`` if it is an object, else an empty one (older manifests)."""
    value = manifest.get(key)
    return value if isinstance(value, dict) else {}


# ----------------------------------------------------------------------------- a comparison
def comparison_export(folder: CompareFolder) -> Export:
    """The sheets of a comparison folder; scenarios whose replications the folder does not
    keep are in the Summary and Comparison sheets only (said in ``notes``)."""
    stored = [sc for sc in folder.scenarios if sc.metrics is not None]
    notes = []
    missing = [sc.name for sc in folder.scenarios if sc.metrics is None]
    if missing:
        notes.append(f"{folder.path}: the replications of {', '.join(missing)} are not in "
                     "this comparison folder (written by an older instap); their "
                     "per-replication and monthly sheets are left out. Run `instap compare` "
                     "again to export them.")
    ref = folder.scenarios[0].name
    sheets = [Sheet(SUMMARY, _results(folder.table, HEADLINE_KEYS, ref), 2),
              Sheet(COMPARISON, _results(folder.table, reference=ref), 2)]
    if stored:
        sheets += [
            Sheet(PER_REPLICATION, _stacked(stored, lambda sc: per_replication(
                _sorted(sc.metrics, ["replication"]))), 3),
            Sheet(MONTHLY_BAND, _stacked(stored, lambda sc: monthly_band(
                _sorted(sc.timeseries, ["replication", "month"]))), 2),
            Sheet(MONTHLY_ALL, _stacked(stored, lambda sc: monthly_all(
                _sorted(sc.timeseries, ["replication", "month"]))), 3),
        ]
    sheets.append(Sheet(ABOUT, _about(_comparison_about(folder) + [
        ("not exported", note) for note in notes]), 1))
    return Export("comparison", sheets, notes)


def _sorted(table: pd.DataFrame | None, by: list[str]) -> pd.DataFrame:
    assert table is not None
    return table.sort_values(by).reset_index(drop=True)


def _stacked(scenarios: list[StoredScenario],
             make: Callable[[StoredScenario], pd.DataFrame]) -> pd.DataFrame:
    """The tables of ``make(scenario)`` one under another, with a scenario column first."""
    parts = []
    for sc in scenarios:
        part = make(sc)
        part.insert(0, "scenario", sc.name)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _comparison_about(folder: CompareFolder) -> list[tuple[str, Any]]:
    m = folder.manifest
    versions = _mapping(m, "versions")
    rows: list[tuple[str, Any]] = [
        ("this file", "an `instap compare` comparison: headline results and every metric per "
                      "scenario with the difference from the reference, each replication "
                      "and each month"),
        ("result folder", str(folder.path.resolve())),
        ("reference scenario", folder.scenarios[0].name),
    ]
    for i, sc in enumerate(folder.scenarios, start=1):
        rows.append((f"scenario {i}", f"{sc.name}: {sc.source or 'source not recorded'}; "
                     f"{len(sc.seeds)} replications, {int(sc.params['months'])} months"))
    rows += [
        ("replications", m.get("replications", "not recorded")),
        ("master seed", m.get("master_seed", "not recorded")),
        ("paired (common random numbers)", "yes" if m.get("paired") else "no"),
        *[("warning", str(w)) for w in m.get("warnings") or []],
        ("instap version of the comparison", versions.get("instap") or "not recorded"),
        ("instap commit of the comparison", m.get("git_commit") or "not recorded"),
    ]
    return rows


# ----------------------------------------------------------------------------- tables
def _results(table: pd.DataFrame, keys: tuple[str, ...] | None = None,
             reference: str | None = None) -> pd.DataFrame:
    """Rows of a comparison table (all, or ``keys`` in that order) with plain labels;
    with a ``reference`` scenario, the scenario and the difference from the reference."""
    if keys is not None:
        order = {key: i for i, key in enumerate(keys)}
        table = table[table["metric"].isin(order)]
        table = table.iloc[np.argsort(table["metric"].map(order).to_numpy(), kind="stable")]
    compared = reference is not None
    out = pd.DataFrame({"result": [_header(k) for k in table["metric"]]})
    if compared:
        out["scenario"] = table["scenario"].astype(str).to_numpy()
    out["mean"] = table["mean"].to_numpy(float)
    out["95% interval: low"] = table["low"].to_numpy(float)
    out["95% interval: high"] = table["high"].to_numpy(float)
    out["replications"] = table["n"].to_numpy()
    if compared:
        out[f"difference from {reference}"] = table["diff"].to_numpy(float)
        out["difference 95% interval: low"] = table["diff_low"].to_numpy(float)
        out["difference 95% interval: high"] = table["diff_high"].to_numpy(float)
        out["method"] = table["method"].astype(str).to_numpy()
    return out


def per_replication(metrics: pd.DataFrame) -> pd.DataFrame:
    """One row per replication: its number, seed and end-of-run metrics."""
    return metrics.rename(columns=lambda c: c if c in _KEYS else _header(c))


def series_columns(timeseries: pd.DataFrame) -> list[str]:
    """The monthly series of a timeseries table, in stored order."""
    return [c for c in timeseries.columns if c not in _KEYS]


def monthly_band(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Per month, each series' median and :data:`BAND` percentiles over replications
    (NaN ignored; linear interpolation), as :func:`instap.plots.envelope` draws them."""
    columns = series_columns(timeseries)
    months = np.sort(timeseries["month"].unique())
    reps = np.sort(timeseries["replication"].unique())
    cube = np.full((len(reps), len(months), len(columns)), np.nan)
    cube[np.searchsorted(reps, timeseries["replication"]),
         np.searchsorted(months, timeseries["month"])] = timeseries[columns].to_numpy(float)
    levels = [BAND[0], 50.0, BAND[1]]
    low, mid, high = np.percentile(cube, levels, axis=0)  # fast; NaN where a value is missing
    gaps = np.isnan(cube).any(axis=(0, 1))
    if gaps.any():  # the same numbers over the values there are (slow: one slice at a time)
        with warnings.catch_warnings():  # a month with no value at all stays empty
            warnings.simplefilter("ignore", RuntimeWarning)
            low[:, gaps], mid[:, gaps], high[:, gaps] = np.nanpercentile(
                cube[:, :, gaps], levels, axis=0)
    out: dict[str, Any] = {"month": months}
    for j, column in enumerate(columns):
        name = _header(column)
        out[f"{name}, median"] = mid[:, j]
        out[f"{name}, {BAND[0]:g}th percentile"] = low[:, j]
        out[f"{name}, {BAND[1]:g}th percentile"] = high[:, j]
    return pd.DataFrame(out)


def monthly_all(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Every replication's months (long): replication, month, then the series."""
    columns = series_columns(timeseries)
    table = timeseries[["replication", "month", *columns]]
    return table.rename(columns=lambda c: c if c in _KEYS else _header(c))


def _about(rows: list[tuple[str, Any]]) -> pd.DataFrame:
    """The About sheet: ``rows`` and how to read the numbers, and who exported them."""
    versions, commit = package_versions(), git_commit()
    rows = rows + [
        ("intervals", "mean over replications with its 95% interval (t-interval; Wilson "
                      "interval for 0/1 outcomes); durability: Kaplan-Meier estimate with "
                      "its 95% interval"),
        ("monthly band", f"median and {BAND[0]:g}th-{BAND[1]:g}th percentile over "
                         "replications per month (linear interpolation), as in the "
                         "report's figures"),
        ("replication numbers", "from 0, as in the result folder's parquet files"),
        ("empty cell", "no value: for example a median survival not reached within the "
                       "months simulated, trust when no organisation of a kind is left, or "
                       "a ratio whose denominator is 0"),
        ("exported", datetime.now().isoformat(timespec="seconds")),
        ("exported by", f"instap {versions.get('instap') or '?'}"
                        + (f" (commit {commit})" if commit else "")),
    ]
    return pd.DataFrame(rows, columns=["item", "value"])
