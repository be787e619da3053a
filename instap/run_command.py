"""``instap run``: check everything, run the replications, write the folder, summarise.

All input is checked before anything runs, and the folder appears under its final name
only when every file in it has been written.
"""

from __future__ import annotations

import importlib.metadata
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from instap.errors import InstapError
from instap.plots import write_plots
from instap.results import (
    atomic_folder,
    check_out_folder,
    metrics_table,
    timeseries_table,
    write_json,
    write_parquet,
)
from instap.runner import default_jobs, replication_seeds, run_replications
from instap.scenario import LoadedScenario, apply_overrides, load_scenario
from instap.summary import summarise
from sim.parameters import PARAMETERS

PACKAGES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "matplotlib", "pydantic",
            "ruamel.yaml", "typer", "tqdm")
REPO = Path(__file__).resolve().parents[1]


def package_versions() -> dict[str, str | None]:
    """Versions of Python, instap and the libraries results depend on."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in ("instap", *PACKAGES):
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_commit() -> str | None:
    """The commit the code was run from (``git rev-parse HEAD``), or ``None``."""
    try:
        done = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def prepare(scenario: Path, months: int | None, overrides: list[str]
            ) -> tuple[LoadedScenario, dict[str, Any]]:
    """Load the scenario and apply ``--set`` and ``--months``; raise on bad input."""
    loaded = load_scenario(scenario)
    params = apply_overrides(loaded.params, overrides, source="--set")
    if months is not None:
        try:
            params["months"] = PARAMETERS["months"].check(months)
        except ValueError:
            raise InstapError(f"--months {months}: allowed range is "
                              f"{PARAMETERS['months'].allowed()} months") from None
    return loaded, params


def default_out(name: str, now: datetime | None = None) -> Path:
    """``results/<scenario>-<YYYYmmdd-HHMMSS>``, with a suffix if that already exists."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    out = Path("results") / f"{name}-{stamp}"
    k = 2
    while out.exists():
        out = Path("results") / f"{name}-{stamp}-{k}"
        k += 1
    return out


def run_command(scenario: Path, reps: int = 20, seed: int = 20261125, months: int | None = None,
                overrides: list[str] | None = None, out: Path | None = None,
                jobs: int | None = None, progress: bool = True) -> Path:
    """Run ``scenario`` ``reps`` times and write a run folder; return its path."""
    started = time.time()
    if reps < 1:
        raise InstapError(f"--reps {reps}: must be at least 1")
    if jobs is not None and jobs < 1:
        raise InstapError(f"--jobs {jobs}: must be at least 1")
    if seed < 0:
        raise InstapError(f"--seed {seed}: must be 0 or more")
    loaded, params = prepare(Path(scenario), months, list(overrides or []))
    final = Path(out) if out is not None else default_out(loaded.name)
    check_out_folder(final)

    seeds = replication_seeds(seed, reps)
    t0 = time.time()
    results = run_replications(params, seeds, jobs=jobs, progress=progress)
    run_seconds = time.time() - t0
    horizon = int(params["months"])
    summary = summarise([r.metrics for r in results], horizon)
    summary["run"]["scenario"] = loaded.name

    with atomic_folder(final) as tmp:
        ts_table = timeseries_table(results)
        write_parquet(ts_table, tmp / "timeseries.parquet")
        write_parquet(metrics_table(results), tmp / "metrics.parquet")
        write_json(summary, tmp / "summary.json")
        write_plots(ts_table.to_pandas(), summary, tmp / "plots", loaded.name)
        manifest = {
            "scenario": {"name": loaded.name, "path": str(loaded.path),
                         "chain": [str(p) for p in loaded.chain],
                         "description": loaded.description},
            "params": params,
            "overrides": {"scenario": loaded.overrides, "set": list(overrides or []),
                          "months": months},
            "master_seed": seed, "replications": reps, "seeds": seeds,
            "jobs": default_jobs(reps) if jobs is None else min(jobs, reps),
            "versions": package_versions(), "git_commit": git_commit(),
            "timings": {"started": datetime.fromtimestamp(started).isoformat(timespec="seconds"),
                        "run_seconds": round(run_seconds, 3),
                        "total_seconds": round(time.time() - started, 3)},
            "command": [Path(sys.argv[0]).name, *sys.argv[1:]],
        }
        write_json(manifest, tmp / "manifest.json")
    print(plain_summary(summary, loaded.name, horizon))
    print(f"Results: {final}")
    return final


# ----------------------------------------------------------------------------- text
def _num(x: float | None, fmt: str = ",.0f") -> str:
    return "n/a" if x is None else format(x, fmt)


def _ci(entry: dict[str, Any], fmt: str = ",.0f", scale: float = 1.0) -> str:
    if entry.get("low") is None or entry.get("high") is None:
        return ""
    return f" (95% CI {_num(entry['low'] * scale, fmt)}-{_num(entry['high'] * scale, fmt)})"


def plain_summary(summary: dict[str, Any], name: str, horizon: int) -> str:
    """A few sentences a policy analyst can read."""
    dur, part, fin = (summary.get(k, {}) for k in ("durability", "participants", "finance"))
    reps = summary.get("run", {}).get("replications", 0)
    lines = [f"Scenario {name}: {reps} replications over {horizon} months."]
    med = dur.get("median_survival_months")
    if med and med.get("reached"):
        hi = med.get("high")
        ci = f" (95% CI {_num(med['low'])}-{_num(hi) if hi is not None else 'not reached'})"
        text = f"The ecosystem lasted a median of {_num(med['mean'])} months{ci}"
    elif med:
        text = (f"The ecosystem outlived the horizon in more than half of the runs (median "
                f"survival not reached within {horizon} months)")
    else:
        text = "No survival estimate"
    for months, key in ((120, "p_alive_120"), (60, "p_alive_60")):
        entry = dur.get(key)
        if entry and entry.get("estimable"):
            text += (f"; {_num(entry['mean'] * 100)}% chance it is still alive after "
                     f"{months // 12} years{_ci(entry, scale=100)}")
            break
    lines.append(text + ".")
    pl, rw = part.get("placements"), part.get("regular_work")
    if pl and pl.get("mean") is not None:
        lines.append(f"On average {_num(pl['mean'])} people started work{_ci(pl)}, and "
                     f"{_num((rw or {}).get('mean'))} moved into regular work.")
    r6, r18 = part.get("retention_6m"), part.get("retention_18m")
    if r6 and r6.get("mean") is not None:
        extra = (f" and {_num(r18['mean'] * 100)}% after 18 months"
                 if r18 and r18.get("mean") is not None else "")
        lines.append(f"Of those placed, {_num(r6['mean'] * 100)}% still worked after 6 months"
                     f"{extra}.")
    sroi = fin.get("sroi_10y")
    if sroi and sroi.get("mean") is not None:
        lines.append(f"Social return over 10 years: {_num(sroi['mean'], '.2f')} euro per euro "
                     f"invested{_ci(sroi, '.2f')}.")
    return "\n".join(lines)

