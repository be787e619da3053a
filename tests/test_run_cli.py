"""`instap run` end to end: files, keys, determinism across --jobs, and every error case."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import instap.api as api
from instap.commands import run as rc
from instap.errors import InstapError
from instap.execution import replication_seeds, run_replications
from instap.provenance import default_out
from instap.results import load_run_folder
from instap.scenario import load_scenario
from sim.outputs import COLUMNS

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SMALL = ["--set", "n_participants=300", "--months", "24", "--reps", "3", "--seed", "7"]
SUMMARY_KEYS = ["durability.median_survival_months", "durability.p_alive_60",
                "durability.p_alive_120", "participants.placements",
                "participants.regular_work", "participants.retention_6m",
                "participants.retention_12m", "participants.retention_18m",
                "finance.sroi_10y"]
PLOTS = ["pathway", "coalition", "trust", "money", "survival"]


def instap(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "instap.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300, check=False)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("runs")
    out: dict[str, Any] = {}
    for jobs in ("1", "2"):
        target = base / f"jobs{jobs}"
        done = instap("run", str(BASELINE), *SMALL, "--jobs", jobs, "--out", str(target),
                      cwd=base)
        assert done.returncode == 0, done.stderr
        out[jobs] = target
        out[f"stdout{jobs}"] = done.stdout
    return out


def test_run_writes_every_file(runs: dict[str, Any]) -> None:
    folder = runs["1"]
    for name in ("manifest.json", "timeseries.parquet", "metrics.parquet", "summary.json"):
        assert (folder / name).is_file(), name
    for name in PLOTS:
        assert (folder / "plots" / f"{name}.png").stat().st_size > 5000, name
    assert not list(folder.parent.glob(".*partial*"))


def test_summary_has_the_required_keys(runs: dict[str, Any]) -> None:
    summary = json.loads((runs["1"] / "summary.json").read_text())
    for dotted in SUMMARY_KEYS:
        node = summary
        for part in dotted.split("."):
            node = node[part]
        assert set(node) >= {"mean", "low", "high", "n"}, dotted
    assert summary["participants"]["placements"]["n"] == 3
    curve = summary["durability"]["km_curve"]
    assert curve["month"] == list(range(25)) and len(curve["survival"]) == 25
    # a 24-month run cannot say anything about month 60
    assert summary["durability"]["p_alive_60"]["mean"] is None


def test_manifest_records_how_the_run_was_made(runs: dict[str, Any]) -> None:
    manifest = json.loads((runs["1"] / "manifest.json").read_text())
    assert manifest["params"]["n_participants"] == 300 and manifest["params"]["months"] == 24
    assert manifest["seeds"] == replication_seeds(7, 3) and manifest["master_seed"] == 7
    assert manifest["scenario"]["name"] == "baseline"
    assert manifest["overrides"]["set"] == ["n_participants=300"]
    assert manifest["versions"]["mesa"] and manifest["versions"]["numpy"]
    assert "git_commit" in manifest and manifest["timings"]["run_seconds"] >= 0


def test_run_folder_loads_back(runs: dict[str, Any]) -> None:
    run = load_run_folder(runs["1"])
    assert list(run.timeseries.columns[:3]) == ["replication", "seed", "month"]
    assert list(run.timeseries.columns[3:]) == list(COLUMNS)
    assert len(run.timeseries) == 3 * 25
    assert len(run.metrics) == 3 and "durability.survival_months" in run.metrics.columns
    assert run.summary["run"]["replications"] == 3


def test_terminal_summary_is_plain_language(runs: dict[str, Any]) -> None:
    text = runs["stdout1"]
    assert "The ecosystem" in text and "started work" in text
    assert "Results:" in text


def test_same_seed_gives_identical_bytes_for_any_jobs(runs: dict[str, Any]) -> None:
    for name in ("timeseries.parquet", "metrics.parquet", "summary.json"):
        assert (runs["1"] / name).read_bytes() == (runs["2"] / name).read_bytes(), name


def test_different_seeds_differ() -> None:
    params = load_scenario(BASELINE).params | {"n_participants": 300, "months": 24}
    a, b = run_replications(params, [1, 2], jobs=1, progress=False)
    assert any((a.timeseries[c] != b.timeseries[c]).any() for c in COLUMNS)


# ------------------------------------------------------------------ error cases
@pytest.mark.parametrize(("args", "expected"), [
    (["run", "missing.yaml"], "missing.yaml"),
    (["run", "bad.yaml"], "not valid YAML"),
    (["run", str(BASELINE), "--set", "pilot_lenght_months=36"], "pilot_lenght_months"),
    (["run", str(BASELINE), "--set", "pilot_length_months=abc"], "pilot_length_months"),
    (["run", str(BASELINE), "--months", "999"], "--months"),
    (["run", str(BASELINE), "--reps", "0"], "--reps"),
    (["run", str(BASELINE), "--reps", "many"], "--reps"),
    (["run", str(BASELINE), "--jobs", "0"], "--jobs"),
    (["run", str(BASELINE), "--bogus"], "--bogus"),
    (["validate", "bad.yaml"], "bad.yaml"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
        tmp_path: Path, args: list[str], expected: str) -> None:
    (tmp_path / "bad.yaml").write_text("funding:\n  pilot_length_months: [24\n")
    done = instap(*args, "--out", "out", cwd=tmp_path) if args[0] == "run" else instap(
        *args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ") and expected in lines[0]
    assert "Traceback" not in done.stderr + done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_existing_non_empty_out_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    with pytest.raises(InstapError, match="not empty"):
        rc.run_command(BASELINE, reps=1, out=tmp_path / "out", progress=False)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("failure", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_failure_while_writing_leaves_no_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(api, "write_plots", broken)
    with pytest.raises(type(failure)):
        rc.run_command(BASELINE, reps=1, months=6, overrides=["n_participants=300"],
                       out=tmp_path / "out", jobs=1, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_interrupt_while_running_leaves_no_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "run_replications", interrupted)
    with pytest.raises(KeyboardInterrupt):
        rc.run_command(BASELINE, reps=2, out=tmp_path / "out", progress=False)
    assert list(tmp_path.iterdir()) == []


def test_default_out_is_under_results_and_unique(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    first = default_out("baseline")
    assert first.parent == Path("results") and first.name.startswith("baseline-")
    first.mkdir(parents=True)
    assert default_out("baseline") != first


# ------------------------------------------------------------------ every scenario runs
@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")),
                         ids=lambda p: p.stem)
def test_every_scenario_runs(path: Path) -> None:
    scenario = load_scenario(path)
    months = max([36, *(e["month"] + 1 for e in scenario.timeline)])  # its timeline too
    params = scenario.params | {"n_participants": 300, "months": months}
    (res,) = run_replications(params, [11], jobs=1, progress=False)
    assert len(res.timeseries["month"]) == months + 1
    assert res.metrics["durability.survival_months"] <= months
    assert res.metrics["participants.placements"] >= 0


def test_envelope_accepts_long_frame_or_list_of_replications() -> None:
    import pandas as pd
    from matplotlib.figure import Figure

    from instap.plots import envelope

    reps = [{"month": [0, 1, 2], "x": [float(r), r + 1.0, r + 2.0]} for r in range(5)]
    long = pd.DataFrame([{"replication": r, "month": m, "x": reps[r]["x"][m]}
                         for r in range(5) for m in range(3)])
    for data in (reps, long):
        ax = Figure().add_subplot()
        envelope(ax, data, "x", "x", "#0072B2")
        (line,) = ax.get_lines()
        assert list(line.get_ydata()) == [2.0, 3.0, 4.0]  # the median over replications
        assert len(ax.collections) == 1  # the 5-95% band
