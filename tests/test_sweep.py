"""The sweep pipeline end to end: known answers, designs, failures, other models."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.sweep_helpers import ISHIGAMI_FACTORS, experiment, instap

ISHIGAMI_S1 = {"x1": 0.314, "x2": 0.442, "x3": 0.0}
ISHIGAMI_ST = {"x1": 0.558, "x2": 0.442, "x3": 0.244}


def test_ishigami_known_answer(tmp_path):
    """Sobol indices of the Ishigami function match the analytic values."""
    exp = experiment(tmp_path, "ishigami", model="sweep_models:ishigami",
                     design={"method": "sobol", "n": 1024}, factors=ISHIGAMI_FACTORS,
                     outputs=["y"])
    out = tmp_path / "out"
    r = instap("sweep", str(exp), "--out", str(out), "--jobs", "2")
    assert r.returncode == 0, r.stderr
    sens = pd.read_csv(out / "sensitivity.csv")
    assert list(sens.columns) == ["output", "factor", "S1", "S1_conf", "ST", "ST_conf"]
    sens = sens.set_index("factor")
    for name in ISHIGAMI_S1:
        assert sens.at[name, "S1"] == pytest.approx(ISHIGAMI_S1[name], abs=0.06)
        assert sens.at[name, "ST"] == pytest.approx(ISHIGAMI_ST[name], abs=0.06)
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 1024 * 5 and runs["run_id"].is_unique
    assert {"run_id", "point", "replication", "seed", "x1", "x2", "x3", "y"} <= set(runs)
    conv = pd.read_csv(out / "convergence.csv")
    assert sorted(conv["n"].unique()) == [256, 512, 1024]
    verdicts = json.loads((out / "verdicts.json").read_text())
    assert verdicts["y"]["stable"] is True and verdicts["y"]["ranking"][0] == "x1"
    assert (out / "plots" / "sobol_y.png").stat().st_size > 1000
    assert (out / "plots" / "convergence_y.png").exists()
    html = (out / "report.html").read_text()
    assert "data:image/png;base64," in html and "matter most" in html
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["timings"]["runs"] == 5120
    assert {"runs", "run_time_per_run_s", "wall_time_s", "workers"} <= set(manifest["timings"])
    assert manifest["versions"]["mesa"] and "git_commit" in manifest
    assert len(pd.read_parquet(out / "failures.parquet")) == 0
    # instap analyze recomputes the same indices from the stored runs
    before = (out / "sensitivity.csv").read_text()
    (out / "sensitivity.csv").unlink()
    assert instap("analyze", str(out)).returncode == 0
    assert (out / "sensitivity.csv").read_text() == before


def test_second_order_writes_pairs(tmp_path):
    exp = experiment(tmp_path, model="sweep_models:ishigami",
                     design={"method": "sobol", "n": 64, "second_order": True},
                     factors=ISHIGAMI_FACTORS, outputs=["y"])
    r = instap("sweep", str(exp), "--out", str(tmp_path / "o"), "-j", "1")
    assert r.returncode == 0, r.stderr
    s2 = pd.read_csv(tmp_path / "o" / "sensitivity_s2.csv")
    assert list(s2.columns) == ["output", "factor_i", "factor_j", "S2", "S2_conf"]
    assert len(s2) == 3
    assert len(pd.read_parquet(tmp_path / "o" / "runs")) == 64 * 8


@pytest.mark.parametrize(("design", "reps", "runs"), [
    ({"method": "sobol", "n": 16}, 3, 16 * (3 + 2) * 3),
    ({"method": "sobol", "n": 16, "second_order": True}, 2, 16 * (2 * 3 + 2) * 2),
    ({"method": "morris", "n": 10}, 2, (3 + 1) * 10 * 2),
    ({"method": "lhs", "n": 25}, 4, 100),
    ({"method": "factorial", "n": 3}, 1, 27),
    ({"method": "ofat", "n": 5}, 2, (1 + 3 * 5) * 2),
])
def test_plan_counts_runs_and_writes_nothing(tmp_path, design, reps, runs):
    exp = experiment(tmp_path / "e", model="sweep_models:ishigami", design=design,
                     replications=reps, factors=ISHIGAMI_FACTORS, outputs=["y"])
    r = instap("sweep", str(exp), "--plan", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"runs: {runs}\n" in r.stdout
    assert "estimated wall time:" in r.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e"]


def test_failing_runs_are_recorded_and_exit_nonzero(tmp_path):
    exp = experiment(tmp_path, model="sweep_models:sometimes_fails",
                     design={"method": "lhs", "n": 40}, replications=2,
                     factors={"x1": {"low": 0, "high": 1}, "x2": {"low": 0, "high": 1}},
                     outputs=["y"])
    out = tmp_path / "o"
    r = instap("sweep", str(exp), "--out", str(out), "-j", "2")
    assert r.returncode == 1
    assert "failed" in r.stderr
    runs = pd.read_parquet(out / "runs")
    failures = pd.read_parquet(out / "failures.parquet")
    expected = runs[runs["x1"] > 0.8]
    assert len(failures) == len(expected) > 0
    assert sorted(failures["run_id"]) == sorted(expected["run_id"])
    assert {"run_id", "point", "replication", "seed", "x1", "x2", "traceback"} <= set(failures)
    assert failures["traceback"].str.contains("ValueError: x1=").all()
    assert runs.loc[runs["x1"] <= 0.8, "y"].notna().all()
    assert (out / "sensitivity.csv").exists()  # analysis still ran on the successful runs
    assert json.loads((out / "manifest.json").read_text())["timings"]["failed_runs"] == len(
        failures)


def test_ofat_response_table_and_noise_floor(tmp_path):
    exp = experiment(tmp_path, model="sweep_models:noisy_linear",
                     design={"method": "ofat", "n": 5}, replications=20,
                     factors={"x1": {"low": 0, "high": 1}, "x2": {"levels": [0.0, 0.5, 1.0]}},
                     fixed={}, outputs=["y"])
    out = tmp_path / "o"
    assert instap("sweep", str(exp), "--out", str(out), "-j", "1").returncode == 0
    table = pd.read_csv(out / "sensitivity.csv")
    assert list(table.columns) == ["output", "factor", "value", "baseline", "mean", "p05",
                                   "p95", "n"]
    x1 = table[(table["factor"] == "x1") & ~table["baseline"]]
    assert list(x1["value"]) == [0.0, 0.25, 0.5, 0.75, 1.0]
    # y = 2 x1 + x2(=0.5 at baseline) + N(0, 0.1): the means follow the line
    assert x1["mean"].to_numpy() == pytest.approx([0.5, 1.0, 1.5, 2.0, 2.5], abs=0.08)
    assert (x1["p05"] < x1["mean"]).all() and (x1["mean"] < x1["p95"]).all()
    noise = pd.read_csv(out / "noise_floor.csv").set_index("output")
    assert 0 < noise.at["y", "noise_share"] < 0.1
    assert (out / "plots" / "ofat_y.png").exists()


def test_morris_columns(tmp_path):
    exp = experiment(tmp_path, model="sweep_models:ishigami",
                     design={"method": "morris", "n": 30}, factors=ISHIGAMI_FACTORS,
                     outputs=["y"])
    out = tmp_path / "o"
    assert instap("sweep", str(exp), "--out", str(out), "-j", "1").returncode == 0
    sens = pd.read_csv(out / "sensitivity.csv")
    assert list(sens.columns) == ["output", "factor", "mu_star", "mu_star_conf", "sigma"]
    assert (sens["mu_star"] > 0).all()
    assert (out / "plots" / "morris_y.png").exists()


def test_other_mesa_model_with_scenario_class(tmp_path):
    """Mesa's own Boltzmann wealth example, driven through a Scenario class."""
    exp = experiment(
        tmp_path, model="mesa.examples.basic.boltzmann_wealth_model.model:BoltzmannWealth",
        model_scenario="mesa.examples.basic.boltzmann_wealth_model.model:BoltzmannScenario",
        steps=15, design={"method": "lhs", "n": 6}, replications=2,
        factors={"n": {"low": 20, "high": 80}}, fixed={"width": 8, "height": 8},
        outputs=["Gini"])
    out = tmp_path / "o"
    r = instap("sweep", str(exp), "--out", str(out), "-j", "2")
    assert r.returncode == 0, r.stderr
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 12 and runs["error"].isna().all()
    assert runs["n"].dtype.kind == "i" and runs["n"].between(20, 80).all()
    assert runs["Gini"].between(0, 1).all() and runs["Gini"].nunique() > 1


def test_other_mesa_model_with_keywords_and_attribute_output(tmp_path):
    exp = experiment(tmp_path, model="sweep_models:CoinModel", steps=5,
                     design={"method": "factorial", "n": 2}, replications=2,
                     factors={"n": {"low": 10, "high": 30}, "p": {"levels": [0.0, 1.0]}},
                     outputs=["heads", "heads_total"])
    out = tmp_path / "o"
    r = instap("sweep", str(exp), "--out", str(out), "-j", "1")
    assert r.returncode == 0, r.stderr
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 8
    assert (runs["heads"] == runs["n"] * runs["p"]).all()
    assert (runs["heads_total"] == 5 * runs["n"] * runs["p"]).all()
