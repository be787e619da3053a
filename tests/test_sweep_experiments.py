"""The shipped experiment files load, and the screening covers every policy lever."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import sim
from instap.sweep.experiment import load_experiment
from tests.sweep_helpers import instap

ROOT = Path(__file__).resolve().parent.parent
#: Calibration specs (instap.calibration.spec) live beside the sweep experiments.
CALIBRATION_SPECS = sorted((ROOT / "experiments").glob("calibration*.yaml"))
FILES = sorted(set((ROOT / "experiments").glob("*.yaml")) - set(CALIBRATION_SPECS))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_shipped_experiment_is_valid(path):
    exp = load_experiment(path)
    assert exp.spec.base["pilot_length_months"] == sim.DEFAULTS["pilot_length_months"]
    assert exp.base_scenario is not None


@pytest.mark.parametrize("path", CALIBRATION_SPECS, ids=[p.stem for p in CALIBRATION_SPECS])
def test_shipped_calibration_spec_is_valid(path):
    from instap.calibration.spec import load_spec
    spec = load_spec(path)
    # every prior lies inside its parameter's documented range
    for prior in spec.priors:
        param = sim.PARAMETERS[prior.name]
        assert param.low <= prior.low < prior.high <= param.high, prior


def test_shipped_set():
    names = {p.stem for p in FILES}
    assert {"ofat_levers", "morris_screening", "morris_all", "sobol_levers",
            "smoke_sobol"} <= names
    morris = load_experiment(ROOT / "experiments" / "morris_screening.yaml")
    assert set(sim.LEVERS) <= {f.name for f in morris.factors}
    assert morris.method == "morris"
    ofat = load_experiment(ROOT / "experiments" / "ofat_levers.yaml")
    assert ofat.method == "ofat" and ofat.file.replications >= 5 and ofat.file.design.n >= 15
    sobol = load_experiment(ROOT / "experiments" / "sobol_levers.yaml")
    # the screening keeps a subset: fewer factors than screened, enough to compare
    assert sobol.method == "sobol" and 5 <= len(sobol.factors) < len(morris.factors) // 2
    assert {f.name for f in sobol.factors} <= {f.name for f in morris.factors}


def test_morris_all_screens_every_lever_and_structural_parameter():
    """morris_all.yaml (issue 16): every parameter but the run's size, horizon, twin switch
    and the scenario switch restart_month, with the screening's ranges where it had them."""
    every = load_experiment(ROOT / "experiments" / "morris_all.yaml")
    names = {f.name for f in every.factors}
    run_settings = {"n_participants", "months", "counterfactual", "restart_month"}
    assert names == set(sim.PARAMETERS) - run_settings
    assert every.method == "morris"
    screening = load_experiment(ROOT / "experiments" / "morris_screening.yaml")
    ranges = {f.name: f for f in every.factors}
    for factor in screening.factors:
        assert ranges[factor.name] == factor


def test_smoke_sobol_on_the_instap_model(tmp_path):
    out = tmp_path / "smoke"
    r = instap("sweep", str(ROOT / "experiments" / "smoke_sobol.yaml"), "--out", str(out),
               "-j", "2")
    assert r.returncode == 0, r.stderr
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 8 * 5 * 2
    assert runs["durability.survival_months"].between(0, 24).all()
    assert set(runs["renewal_rule"]) == {"political", "evidence"}
    assert runs["pilot_length_months"].dtype.kind == "i"
    sens = pd.read_csv(out / "sensitivity.csv")
    assert set(sens["output"]) == {"durability.survival_months", "participants.retention_12m"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["base_scenario"]["renewal_rule"] == "political"
    assert manifest["base_parameters"]["n_participants"] == 300
    assert manifest["base_parameters"]["months"] == 24
