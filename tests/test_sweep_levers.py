"""Policies across futures (``levers:`` x ``uncertainties:``), monthly series in sweeps
(``timeseries:``) and the Python function :func:`instap.sweep`."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import instap
from instap.errors import InstapError
from instap.sweep.experiment import load_experiment
from tests.sweep_helpers import experiment
from tests.sweep_helpers import instap as instap_cli

LEVERS = {"steady": {"effort": 0.5}, "bold": {"effort": 1.0}}
FUTURES = {"shock": {"low": 0.0, "high": 0.5}}


def _levers_experiment(tmp_path, **extra):
    fields = dict(model="sweep_models:policy_model", design={"method": "lhs", "n": 40},
                  replications=2, levers=LEVERS, uncertainties=FUTURES,
                  lasts="months >= 10", outputs=["value", "months"], timeseries=["path"])
    fields.update(extra)
    return experiment(tmp_path, **fields)


@pytest.fixture(scope="module")
def levers_sweep(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("levers")
    exp = _levers_experiment(tmp)
    out = tmp / "out"
    r = instap_cli("sweep", str(exp), "--out", str(out), "--jobs", "2")
    assert r.returncode == 0, r.stderr
    return exp, out


def test_every_policy_runs_in_the_same_futures_with_the_same_random_numbers(levers_sweep):
    _, out = levers_sweep
    result = instap.load_sweep(out)
    runs, policies = result.runs, result.manifest["design"]["policies"]
    assert sorted(policies) == ["bold", "steady"]
    assert len(runs) == 40 * 2 * 2 and runs["policy"].tolist()[:4] == policies * 2
    steady = runs[runs["policy"] == "steady"].reset_index(drop=True)
    bold = runs[runs["policy"] == "bold"].reset_index(drop=True)
    for col in ("point", "replication", "seed", "shock"):
        assert steady[col].tolist() == bold[col].tolist()
    # common random numbers: the noise cancels, the difference is the policies' exactly
    expected = 0.5 - 1.5 * steady["shock"]
    np.testing.assert_allclose(bold["value"] - steady["value"], expected, atol=1e-12)


def test_robustness_table_is_what_the_runs_say(levers_sweep):
    _, out = levers_sweep
    result = instap.load_sweep(out)
    runs, table = result.runs, result.robustness.set_index("policy")
    wide = runs.pivot(index=["point", "replication"], columns="policy", values="value")
    regret = (-wide).add(wide.max(axis=1), axis=0)
    for policy in ("steady", "bold"):
        mine = runs[runs["policy"] == policy]
        row = table.loc[policy]
        assert row["futures"] == 80
        assert row["lasting_share"] == pytest.approx((mine["months"] >= 10).mean())
        assert row["value.median"] == pytest.approx(mine["value"].median())
        assert row["value.worst_decile"] == pytest.approx(mine["value"].quantile(0.1))
        assert row["value.regret_max"] == pytest.approx(regret[policy].max())
        assert row["value.regret_p90"] == pytest.approx(regret[policy].quantile(0.9))
    # bold wins in calm futures (shock < 1/3) and loses in rough ones: both regret
    assert table.loc["bold", "value.regret_max"] > 0 and table.loc["steady",
                                                                   "value.regret_max"] > 0
    report = (out / "report.html").read_text()
    assert "Policies across futures" in report and "robustness.csv" in report
    assert "Trajectories" in report
    assert not (out / "sensitivity.csv").exists()


def test_kept_series_are_the_runs_series(levers_sweep):
    _, out = levers_sweep
    result = instap.load_sweep(out)
    ts = result.timeseries
    assert len(ts) == len(result.runs) * 13
    last = ts[ts["month"] == 12].set_index("run_id")["path"]
    np.testing.assert_allclose(last.to_numpy(), result.runs.set_index("run_id")["value"]
                               .loc[last.index].to_numpy())
    assert {"policy", "point", "replication", "month"} <= set(ts.columns)
    assert (out / "plots" / "envelope_path_policy.png").stat().st_size > 1000


def test_levers_and_series_are_identical_on_dask_and_after_resume(levers_sweep, tmp_path):
    exp, out = levers_sweep
    dask = tmp_path / "dask"
    r = instap_cli("sweep", str(exp), "--out", str(dask), "--jobs", "2", "--executor", "dask")
    assert r.returncode == 0, r.stderr
    cols = lambda f: pd.read_parquet(f / "runs").sort_values("run_id").reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(cols(out), cols(dask))
    assert (out / "robustness.csv").read_text() == (dask / "robustness.csv").read_text()
    # a lost chunk is run again on resume, with the same runs and series
    (dask / "runs" / "chunk-00001.parquet").unlink()
    r = instap_cli("sweep", str(exp), "--out", str(dask), "--jobs", "1", "--resume")
    assert r.returncode == 0, r.stderr
    pd.testing.assert_frame_equal(cols(out), cols(dask))


@pytest.mark.parametrize("change, message", [
    ({"levers": None}, "field 'uncertainties' needs levers:"),
    ({"uncertainties": None, "factors": FUTURES}, "with levers:, give the futures as "
                                                  "uncertainties:"),
    ({"uncertainties": None}, "field 'levers' needs uncertainties:"),
    ({"design": {"method": "sobol", "n": 8}}, "'sobol' is not allowed with levers:; "
                                              "allowed: lhs, factorial"),
    ({"levers": {"a": {"shock": 0.1}}}, "levers.a sets 'shock', which is also an "
                                        "uncertainty"),
    ({"levers": {"a": {"effort": 1}}, "fixed": {"effort": 1}}, "levers.a sets 'effort', "
                                                                "which is fixed"),
    ({"levers": {"a": {"efort": 1}}}, "unknown parameter 'efort'"),
    ({"levers": {}}, "field 'levers' is empty"),
    ({"levers": {"a": 3}}, "levers.a = 3: expected a scenario file"),
    ({"levers": ["x.yaml"]}, "a scenario file applies only to the Instapeconomie model"),
    ({"lasts": "month >= 10"}, "unknown output 'month' (did you mean 'months'?)"),
])
def test_bad_levers_get_one_clear_line(tmp_path, change, message):
    fields = dict(model="sweep_models:policy_model", design={"method": "lhs", "n": 4},
                  levers=LEVERS, uncertainties=FUTURES, lasts="months >= 10",
                  outputs=["value", "months"])
    for key, value in change.items():
        if value is None:
            fields.pop(key)
        else:
            fields[key] = value
    exp = experiment(tmp_path, **fields)
    with pytest.raises(InstapError) as info:
        load_experiment(exp)
    text = str(info.value)
    assert message in text and text.startswith(str(exp)) and "\n" not in text


def test_the_command_refuses_bad_levers_with_exit_2_and_writes_nothing(tmp_path):
    exp = _levers_experiment(tmp_path, levers={"a": {"shock": 0.1}})
    r = instap_cli("sweep", str(exp), "--out", str(tmp_path / "o"))
    lines = [x for x in r.stderr.strip().splitlines()
             if not x.startswith("instap sweep: importing model code")]
    assert r.returncode == 2 and len(lines) == 1 and "Traceback" not in r.stderr
    assert "levers.a sets 'shock', which is also an uncertainty" in lines[0]
    assert not (tmp_path / "o").exists()


def test_lasts_without_levers_and_unknown_series_are_refused(tmp_path):
    exp = experiment(tmp_path, design={"method": "lhs", "n": 4}, steps=6,
                     factors={"role_clarity": {"low": 0.1, "high": 0.9}},
                     timeseries=["coalition_totl"])
    with pytest.raises(InstapError, match=r"line \d+: timeseries: unknown monthly series "
                       r"'coalition_totl' \(did you mean 'coalition_total'\?\)"):
        load_experiment(exp)
    exp = experiment(tmp_path, design={"method": "lhs", "n": 4}, steps=6, lasts="x >= 1",
                     factors={"role_clarity": {"low": 0.1, "high": 0.9}})
    with pytest.raises(InstapError, match="field 'lasts' applies to an experiment with "
                       "levers"):
        load_experiment(exp)


def test_scenario_files_as_policies_on_the_instap_model(tmp_path):
    """Each policy is what its scenario sets over the base scenario; the default `lasts`
    is ten years, or the horizon when shorter."""
    exp = {"name": "pol", "scenario": "scenarios/baseline.yaml", "seed": 3, "steps": 12,
           "fixed": {"n_participants": 100}, "design": {"method": "lhs", "n": 2},
           "levers": ["scenarios/baseline.yaml", "scenarios/programme_ends.yaml"],
           "uncertainties": {"trust_asymmetry": {"low": 2.0, "high": 4.0}},
           "timeseries": ["coalition_total", "alive"],
           "outputs": ["participants.placements"]}
    result = instap.sweep(exp, jobs=1)
    m = result.manifest
    assert m["policies"]["baseline"] == {}
    assert m["policies"]["programme_ends"]["renewal_rule"] == "never"
    assert m["lasts"] == "durability.survival_months >= 12"
    assert "durability.survival_months" in m["outputs"]
    assert result.runs["policy"].tolist() == ["baseline", "programme_ends"] * 2
    ts = result.timeseries
    assert ts["month"].max() == 12 and ts["coalition_total"].min() > 0
    assert result.failed == 0 and result.robustness is not None
    saved = result.save(tmp_path / "kept")
    assert instap.load_sweep(saved).runs.equals(result.runs)


def test_instap_sweep_is_callable_after_the_package_is_imported(tmp_path):
    import instap.sweep.store  # noqa: F401  (sets the package as instap.sweep)
    assert callable(instap.sweep)
    exp = experiment(tmp_path, model="sweep_models:noisy_linear",
                     design={"method": "lhs", "n": 8},
                     factors={"x1": {"low": 0, "high": 1}, "x2": {"low": 0, "high": 1}},
                     outputs=["y"])
    result = instap.sweep(exp, out=tmp_path / "o", jobs=1)
    assert len(result.runs) == 8 and result.sensitivity is not None
    again = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert again["status"] == "complete"
    with pytest.raises(InstapError, match="resume=True needs out="):
        instap.sweep(exp, resume=True)
