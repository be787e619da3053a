"""Bad experiment files and options: exit status 2, a message naming file, field, value and
what is allowed, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from instap.errors import InstapError
from instap.sweep.experiment import load_experiment
from tests.sweep_helpers import ISHIGAMI_FACTORS, experiment, instap

ROOT = Path(__file__).resolve().parent.parent
BASE = {"design": {"method": "sobol", "n": 8}, "factors": {"role_clarity": {"low": 0.2,
                                                                          "high": 0.9}}}


def _instap_exp(tmp_path: Path, **fields) -> Path:
    fields = {**BASE, "scenario": str(ROOT / "scenarios" / "baseline.yaml"), **fields}
    return experiment(tmp_path, "bad", **fields)


@pytest.mark.parametrize(("fields", "expected"), [
    ({"desgin": {"method": "sobol", "n": 8}}, ["unknown field 'desgin'", "did you mean 'design'"]),
    ({"factors": {"role_clarty": {"low": 0.2, "high": 0.9}}},
     ["factors.role_clarty", "unknown parameter", "did you mean 'role_clarity'"]),
    ({"factors": {"role_clarity": {"low": 0.2, "high": 1.5}}},
     ["factors.role_clarity.high", "1.5", "allowed", "0 to 1"]),
    ({"factors": {"renewal_rule": {"levels": ["politcal", "evidence"]}}},
     ["factors.renewal_rule.levels", "politcal", "never, political, evidence"]),
    ({"factors": {"renewal_rule": {"low": 0, "high": 1}}}, ["renewal_rule", "levels"]),
    ({"factors": {"role_clarity": {"low": 0.2, "hihg": 0.9}}},
     ["unknown key 'hihg'", "did you mean 'high'"]),
    ({"factors": {"role_clarity": {"low": 0.9, "high": 0.2}}}, ["low", "must be below high"]),
    ({"design": {"method": "sobel", "n": 8}},
     ["design.method", "sobel", "ofat, factorial, lhs, morris, sobol"]),
    ({"design": {"method": "sobol", "n": 100}}, ["design.n", "100", "power of 2"]),
    ({"replications": 0}, ["replications", "0"]),
    ({"fixed": {"n_participant": 300}}, ["fixed.n_participant", "did you mean 'n_participants'"]),
    ({"scenario": "nowhere.yaml"}, ["scenario", "nowhere.yaml", "no such file"]),
    ({"model": "no_such_module:f"}, ["model", "no_such_module"]),
])
def test_bad_experiment_file(tmp_path, fields, expected):
    path = _instap_exp(tmp_path, **fields)
    with pytest.raises(InstapError) as err:
        load_experiment(path)
    message = str(err.value)
    assert str(path) in message
    for text in expected:
        assert text in message, message


def test_unknown_output_is_named_with_suggestion(tmp_path):
    path = _instap_exp(tmp_path, fixed={"n_participants": 200, "months": 6},
                       outputs=["durability.survival_month"])
    r = instap("sweep", str(path), "--plan")
    assert r.returncode == 2
    assert "durability.survival_month" in r.stderr and "did you mean" in r.stderr


def test_cli_exit_2_and_nothing_written(tmp_path):
    path = _instap_exp(tmp_path, factors={"role_clarty": {"low": 0.2, "high": 0.9}})
    out = tmp_path / "out"
    r = instap("sweep", str(path), "--out", str(out))
    assert r.returncode == 2
    assert r.stderr.startswith("error: ") and "role_clarty" in r.stderr
    assert not out.exists()


def test_unknown_factor_of_other_model(tmp_path):
    path = experiment(tmp_path, model="sweep_models:ishigami",
                      design={"method": "lhs", "n": 4},
                      factors={**ISHIGAMI_FACTORS, "x4": {"low": 0, "high": 1}})
    with pytest.raises(InstapError, match="unknown parameter 'x4'"):
        load_experiment(path)


def test_refuses_to_overwrite_a_sweep_without_resume(tmp_path):
    path = experiment(tmp_path, model="sweep_models:ishigami",
                      design={"method": "lhs", "n": 4}, factors=ISHIGAMI_FACTORS,
                      outputs=["y"])
    out = tmp_path / "o"
    assert instap("sweep", str(path), "--out", str(out), "-j", "1").returncode == 0
    r = instap("sweep", str(path), "--out", str(out), "-j", "1")
    assert r.returncode == 2 and "--resume" in r.stderr
    # resuming with a changed experiment is refused too
    changed = experiment(tmp_path, model="sweep_models:ishigami",
                         design={"method": "lhs", "n": 5}, factors=ISHIGAMI_FACTORS,
                         outputs=["y"])
    r = instap("sweep", str(changed), "--out", str(out), "--resume")
    assert r.returncode == 2 and "different experiment" in r.stderr


def test_bad_executor_option(tmp_path):
    path = experiment(tmp_path, model="sweep_models:ishigami",
                      design={"method": "lhs", "n": 4}, factors=ISHIGAMI_FACTORS)
    r = instap("sweep", str(path), "--executor", "ray")
    assert r.returncode == 2 and "local, dask" in r.stderr
