"""Run folders: writing them atomically and loading them back.

A run folder holds ``manifest.json``, ``timeseries.parquet`` (one row per replication and
month), ``metrics.parquet`` (one row per replication: end-of-run metrics), ``summary.json``
and ``plots/*.png``. :func:`instap.provenance.atomic_folder` builds it under a hidden
temporary name next to the target and renames it at the end, so a failure leaves nothing
under the final name.

A comparison folder (``instap compare``) holds ``manifest.json``, ``comparison.csv``,
``report.html`` and, per scenario, its replications as ``scenarios/<n>-<name>/``
``metrics.parquet`` and ``timeseries.parquet`` (:func:`write_scenario_tables`; folders
written before instap kept them have none); :func:`load_compare_folder` reads it back.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from instap.errors import InstapError, one_line
from instap.execution import ReplicationResult
from instap.provenance import safe_name
from sim.outputs import COLUMNS

FILES = ("manifest.json", "timeseries.parquet", "metrics.parquet", "summary.json")


@dataclass
class RunFolder:
    """A loaded ``instap run`` folder."""

    path: Path
    manifest: dict[str, Any]
    timeseries: pd.DataFrame  # replication, seed, month, then the model's monthly columns
    summary: dict[str, Any]
    metrics: pd.DataFrame  # replication, seed, then end-of-run metrics (dotted names)


@dataclass
class StoredScenario:
    """One scenario of a comparison folder; ``metrics`` and ``timeseries`` are ``None``
    when the folder does not keep its replications (written by an older instap)."""

    name: str
    source: str
    params: dict[str, Any]
    seeds: list[int]
    metrics: pd.DataFrame | None
    timeseries: pd.DataFrame | None


@dataclass
class CompareFolder:
    """A loaded ``instap compare`` folder: its manifest, ``comparison.csv`` and scenarios
    (in the order compared; the first is the reference)."""

    path: Path
    manifest: dict[str, Any]
    table: pd.DataFrame
    scenarios: list[StoredScenario]


# ----------------------------------------------------------------------------- tables
def timeseries_table(results: list[ReplicationResult]) -> pa.Table:
    """One row per replication and month; fixed column order and types."""
    names = ["replication", "seed", "month", *COLUMNS]
    parts: dict[str, list[Any]] = {name: [] for name in names}
    for i, res in enumerate(results):
        months = res.timeseries["month"]
        parts["replication"].append(pa.array([i] * len(months), pa.int32()))
        parts["seed"].append(pa.array([res.seed] * len(months), pa.int64()))
        parts["month"].append(pa.array(months, pa.int32()))
        for col in COLUMNS:
            parts[col].append(pa.array(res.timeseries[col], pa.float64()))
    arrays = [pa.concat_arrays(parts[name]) if parts[name] else pa.array([], pa.float64())
              for name in names]
    return pa.Table.from_arrays(arrays, names=names)


def metrics_table(results: list[ReplicationResult]) -> pa.Table:
    """One row per replication: its seed and every end-of-run metric."""
    keys = list(dict.fromkeys(k for r in results for k in r.metrics))
    data: dict[str, Any] = {
        "replication": pa.array(range(len(results)), pa.int32()),
        "seed": pa.array([r.seed for r in results], pa.int64()),
    }
    for key in keys:
        data[key] = pa.array([r.metrics.get(key, math.nan) for r in results], pa.float64())
    return pa.table(data)


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write deterministically: same table, same bytes (no timestamps, no pandas metadata)."""
    pq.write_table(table.replace_schema_metadata(None), path, compression="zstd",
                   write_statistics=True)


SCENARIO_TABLES = "scenarios"  # the folder of a comparison that keeps the replications


def write_scenario_tables(folder: Path,
                          scenarios: Sequence[tuple[str, pd.DataFrame, pd.DataFrame]]
                          ) -> list[str]:
    """Write each (name, metrics, timeseries) as ``metrics.parquet`` and
    ``timeseries.parquet`` under ``folder/scenarios/<n>-<safe name>``; return those
    folders relative to ``folder`` (for the manifest), in order."""
    names = []
    for i, (name, metrics, timeseries) in enumerate(scenarios, start=1):
        relative = f"{SCENARIO_TABLES}/{i}-{safe_name(name)}"
        (folder / relative).mkdir(parents=True)
        for table, file in ((metrics, "metrics.parquet"), (timeseries, "timeseries.parquet")):
            write_parquet(pa.Table.from_pandas(table, preserve_index=False),
                          folder / relative / file)
        names.append(relative)
    return names


#: The sections of summary.json the reports read.
SUMMARY_SECTIONS = ("durability", "participants", "finance", "run")
#: Largest manifest.json or summary.json read (a run's are a few kB).
JSON_LIMIT = 20 * 1024 * 1024


def load_run_folder(path: str | Path) -> RunFolder:
    """Load a folder written by ``instap run``; :class:`InstapError` naming the folder,
    the file and what is wrong if it is not one or is damaged (a wrong or truncated file,
    a manifest without parameters or seeds, tables that disagree), so damaged results are
    never analysed."""
    path = Path(path)
    if not path.is_dir():
        raise InstapError(f"{path}: not a folder")
    missing = [name for name in FILES if not (path / name).is_file()]
    if missing and (path / "runs").is_dir() and (path / "manifest.json").is_file():
        raise InstapError(f"{path}: an `instap sweep` folder, not an `instap run` folder")
    if missing:
        raise InstapError(f"{path}: not an `instap run` folder (missing {', '.join(missing)})")
    manifest = _read_json(path, "manifest.json")
    summary = _read_json(path, "summary.json")
    timeseries = _read_table(path, "timeseries.parquet")
    metrics = _read_table(path, "metrics.parquet")
    _check_tables(path, timeseries, metrics)
    _check_manifest(path, manifest, metrics)
    _check_summary(path, summary)
    return RunFolder(path, manifest, timeseries, summary, metrics)


#: What a damaged folder's message ends with, by the kind of folder.
_AGAIN = {"run": "the run folder is damaged (run the scenario again)",
          "compare": "the comparison folder is damaged (run `instap compare` again)"}


COMPARE_FILES = ("manifest.json", "comparison.csv")
_TABLES_NAME = re.compile(rf"{SCENARIO_TABLES}/[0-9]+-[\w.-]+")


def load_compare_folder(path: str | Path) -> CompareFolder:
    """Load a folder written by ``instap compare``; :class:`InstapError` naming the folder,
    the file and what is wrong if it is not one or is damaged (``comparison.csv`` not the
    comparison table, a manifest without its scenarios, stored replications that are
    unreadable or disagree with the manifest)."""
    from instap.stats import CSV_COLUMNS

    path = Path(path)
    if not path.is_dir():
        raise InstapError(f"{path}: not a folder")
    missing = [name for name in COMPARE_FILES if not (path / name).is_file()]
    if missing:
        raise InstapError(f"{path}: not an `instap compare` folder (missing "
                          f"{', '.join(missing)})")
    manifest = _read_json(path, "manifest.json", "compare")
    table = _read_comparison_table(path)
    if list(table.columns) != list(CSV_COLUMNS):
        raise _damaged(path, "comparison.csv", f"has the columns {', '.join(table.columns)} "
                       f"instead of {', '.join(CSV_COLUMNS)}", "compare")
    scenarios = [_stored_scenario(path, entry, i)
                 for i, entry in enumerate(_manifest_scenarios(path, manifest), start=1)]
    names = [sc.name for sc in scenarios]
    if len(set(names)) != len(names) or set(table["scenario"].astype(str)) != set(names):
        raise _damaged(path, "comparison.csv", "and manifest.json name different scenarios",
                       "compare")
    return CompareFolder(path, manifest, table, scenarios)


def _read_comparison_table(path: Path) -> pd.DataFrame:
    """``comparison.csv``: text metric and scenario names, numbers elsewhere."""
    file = path / "comparison.csv"
    try:
        if file.stat().st_size > JSON_LIMIT:
            raise _damaged(path, "comparison.csv", f"is larger than {JSON_LIMIT // 2**20} MB",
                           "compare")
        table = pd.read_csv(file, encoding="utf-8", dtype={"metric": str, "scenario": str,
                                                            "method": str})
    except OSError as err:
        raise InstapError(f"{path}: cannot read comparison.csv ({err.strerror})") from None
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        raise _damaged(path, "comparison.csv", "is not a readable table", "compare") from None
    if table.empty:
        raise _damaged(path, "comparison.csv", "has no rows", "compare")
    for column in ("n", "mean", "low", "high", "diff", "diff_low", "diff_high"):
        if column in table and not (pd.api.types.is_numeric_dtype(table[column])
                                    and not pd.api.types.is_bool_dtype(table[column])):
            raise _damaged(path, "comparison.csv", f"has column {column} that does not hold "
                           "numbers", "compare")
    return table


def _manifest_scenarios(path: Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The manifest's list of scenarios, each an object with a text name."""
    entries = manifest.get("scenarios")
    if (not isinstance(entries, list) or not entries
            or not all(isinstance(e, dict) and isinstance(e.get("name"), str) for e in entries)):
        raise _damaged(path, "manifest.json", "has no list of scenarios with their names",
                       "compare")
    return entries


def _stored_scenario(path: Path, entry: dict[str, Any], number: int) -> StoredScenario:
    """One scenario of the manifest, with its replications if the folder keeps them."""
    from instap.overrides import check_value

    name = entry["name"]
    params, seeds = entry.get("params"), entry.get("seeds")
    if not isinstance(params, dict) or "months" not in params:
        raise _damaged(path, "manifest.json", f"has no resolved parameters for scenario "
                       f"{number} ('params' with 'months')", "compare")
    check_value("months", params["months"], f"{path / 'manifest.json'}",
                f"scenarios[{number - 1}].params.months")
    if not isinstance(seeds, list) or not seeds or not all(_whole(s) and s >= 0
                                                           for s in seeds):
        raise _damaged(path, "manifest.json", f"has no list of whole-number seeds for "
                       f"scenario {number}", "compare")
    tables = entry.get("tables")
    metrics = timeseries = None
    if tables is not None:
        if not isinstance(tables, str) or not _TABLES_NAME.fullmatch(tables):
            raise _damaged(path, "manifest.json", f"has scenarios[{number - 1}].tables = "
                           f"{one_line(repr(tables), 60)}, not a folder "
                           f"{SCENARIO_TABLES}/<n>-<name>", "compare")
        where = f"{tables}/"
        for file in ("metrics.parquet", "timeseries.parquet"):
            if not (path / where / file).is_file():
                raise _damaged(path, f"{where}{file}", "is missing", "compare")
        metrics = _read_table(path, f"{where}metrics.parquet", "compare")
        timeseries = _read_table(path, f"{where}timeseries.parquet", "compare")
        _check_tables(path, timeseries, metrics, "compare", where)
        stored = [int(s) for s in metrics.sort_values("replication")["seed"]]
        if stored != seeds:
            raise InstapError(f"{path}: the seeds of scenario {name!r} in manifest.json and "
                              f"in {where}metrics.parquet differ; {_AGAIN['compare']}")
    return StoredScenario(name=name, source=str(entry.get("source", "")), params=params,
                          seeds=[int(s) for s in seeds], metrics=metrics,
                          timeseries=timeseries)


def _damaged(path: Path, name: str, what: str, kind: str = "run") -> InstapError:
    return InstapError(f"{path}: {name} {what}; {_AGAIN[kind]}")


def _read_json(path: Path, name: str, kind: str = "run") -> dict[str, Any]:
    """A JSON object from ``path/name``."""
    file = path / name
    try:
        if file.stat().st_size > JSON_LIMIT:
            raise _damaged(path, name, f"is larger than {JSON_LIMIT // 2**20} MB", kind)
        data = json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise _damaged(path, name, "is not UTF-8 text", kind) from None
    except (ValueError, RecursionError) as err:
        raise _damaged(path, name, f"is not valid JSON ({one_line(err, 120)})", kind) from None
    except OSError as err:
        raise InstapError(f"{path}: cannot read {name} ({err.strerror})") from None
    if not isinstance(data, dict):
        raise _damaged(path, name, f"holds {_kind(data)}, not a JSON object", kind)
    return data


def _read_table(path: Path, name: str, kind: str = "run") -> pd.DataFrame:
    """A parquet table from ``path/name``."""
    try:
        return pq.read_table(path / name).to_pandas()
    except OSError as err:
        if err.strerror:
            raise InstapError(f"{path}: cannot read {name} ({err.strerror})") from None
        raise _damaged(path, name, "is not a readable parquet table (truncated or "
                       "overwritten?)", kind) from None
    except (ValueError, pa.ArrowException):
        raise _damaged(path, name, "is not a readable parquet table (truncated or "
                       "overwritten?)", kind) from None


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a text", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _check_manifest(path: Path, manifest: dict[str, Any], metrics: pd.DataFrame) -> None:
    """The fields of the manifest that reports and comparisons use."""
    from instap.overrides import check_value

    params = manifest.get("params")
    if not isinstance(params, dict) or "months" not in params:
        raise _damaged(path, "manifest.json", "has no resolved parameters ('params' with "
                       "'months')")
    check_value("months", params["months"], f"{path / 'manifest.json'}", "params.months")
    scenario = manifest.get("scenario", {})
    if not isinstance(scenario, dict) or not all(
            isinstance(scenario.get(k, ""), str | None) for k in ("name", "description")):
        raise _damaged(path, "manifest.json", "has a 'scenario' that is not an object with "
                       "a text 'name' and 'description'")
    seeds = manifest.get("seeds")
    if seeds is None:
        return
    if not isinstance(seeds, list) or not all(_whole(s) and s >= 0 for s in seeds):
        raise _damaged(path, "manifest.json", "has 'seeds' that are not a list of whole "
                       "numbers")
    if "seed" in metrics and "replication" in metrics:
        stored = metrics.sort_values("replication")["seed"].tolist()
        if len(seeds) != len(stored) or [int(s) for s in stored] != seeds:
            raise InstapError(f"{path}: the seeds of manifest.json ({len(seeds)}) and of "
                              f"metrics.parquet ({len(stored)}) differ; the run folder is "
                              "damaged (run the scenario again)")


def _check_summary(path: Path, summary: dict[str, Any]) -> None:
    """Sections of estimates: objects whose mean, low and high are numbers or null."""
    lacking = [k for k in SUMMARY_SECTIONS if k not in summary]
    if lacking:
        raise _damaged(path, "summary.json", f"lacks {', '.join(lacking)}")
    for section, entries in summary.items():
        if not isinstance(entries, dict):
            raise _damaged(path, "summary.json", f"has {section!r} = {_kind(entries)}, not "
                           "an object")
        if section == "run":
            for key in ("replications", "horizon_months"):
                if not _whole(entries.get(key, 0)):
                    raise _damaged(path, "summary.json", f"has run.{key} = "
                                   f"{_kind(entries[key])}, not a whole number")
            continue
        for key, entry in entries.items():
            if entry is None:
                continue
            if not isinstance(entry, dict):
                raise _damaged(path, "summary.json", f"has {section}.{key} = {_kind(entry)}, "
                               "not an estimate")
            if "mean" not in entry:  # a curve (km_curve): not read by the report
                continue
            for field in ("mean", "low", "high"):
                if not _number(entry.get(field)):
                    raise _damaged(path, "summary.json", f"has {section}.{key}.{field} = "
                                   f"{_kind(entry.get(field))}, not a number")
            for flag in ("reached", "estimable"):
                if not isinstance(entry.get(flag, False), bool):
                    raise _damaged(path, "summary.json", f"has {section}.{key}.{flag} = "
                                   f"{_kind(entry.get(flag))}, not true or false")


def _check_tables(path: Path, timeseries: pd.DataFrame, metrics: pd.DataFrame,
                  kind: str = "run", where: str = "") -> None:
    """Both tables have their key columns, numbers only, and the same replications
    (``where``: the folder inside ``path`` that holds them, for the message)."""
    from instap.plots import COALITION, MONEY, PATHWAY, TRUST
    from instap.survival import SURVIVAL_KEY

    needed = {f"{where}metrics.parquet": (metrics, ["replication", "seed", SURVIVAL_KEY]),
              f"{where}timeseries.parquet": (timeseries, ["replication", "month", *PATHWAY,
                                                          *COALITION, *TRUST, *MONEY])}
    for name, (table, columns) in needed.items():
        lacking = [c for c in columns if c not in table.columns]
        if lacking:
            more = f" and {len(lacking) - 3} more" if len(lacking) > 3 else ""
            raise _damaged(path, name, f"lacks the column(s) {', '.join(lacking[:3])}{more}",
                           kind)
        if table.empty:
            raise _damaged(path, name, "has no rows", kind)
        wrong = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])
                 or pd.api.types.is_bool_dtype(table[c])]
        if wrong:
            raise _damaged(path, name, f"has column {wrong[0]} that does not hold numbers",
                           kind)
        for key in ("replication", "seed", "month"):
            if key in table and not pd.api.types.is_integer_dtype(table[key]):
                raise _damaged(path, name, f"has column {key} that does not hold whole "
                               "numbers", kind)
    if metrics["replication"].duplicated().any():
        raise _damaged(path, f"{where}metrics.parquet", "has a replication twice", kind)
    if set(metrics["replication"]) != set(timeseries["replication"]):
        raise InstapError(f"{path}: {where}metrics.parquet and {where}timeseries.parquet hold "
                          f"different replications; {_AGAIN[kind]}")
