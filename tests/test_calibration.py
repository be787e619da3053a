"""ABC calibration (issue 17): the spec, the distance, a tiny ABC-SMC (deterministic for
any number of workers, resumable to the same posterior, covering known parameters), the
posterior file and ``--posterior`` on ``instap run`` and ``instap compare``.

The tiny calibration (tests/data/calibration_tiny.yaml: two parameters, 100 participants
over four years, 16-24 particles) takes seconds; the full coverage check is
experiments/abc_coverage.py, its result in docs/calibration.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import instap.api as api
from instap.calibration.abc import Outcome, Settings, calibrate
from instap.calibration.coverage import coverage, draw_truth, synthetic_data
from instap.calibration.posterior import (
    choose_posterior,
    load_posterior,
    model_fingerprint,
    posterior_document,
)
from instap.calibration.simulate import Simulator, trust_loss_gain_ratio
from instap.calibration.spec import Pattern, load_spec
from instap.calibration.surrogate import Surrogate
from instap.errors import InstapError
from instap.execution import replication_seeds
from sim import PARAMETERS

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "calibration_tiny.yaml"
SHIPPED_SPEC = ROOT / "experiments" / "calibration_abc.yaml"
SHIPPED_POSTERIOR = ROOT / "experiments" / "posterior" / "instap_abc.json"
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SMALL = ["--set", "n_participants=150", "--months", "24", "--reps", "3", "--seed", "7"]


def instap(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "instap.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300, check=False)


# --- spec and distance ----------------------------------------------------------------

def test_shipped_spec_loads_with_priors_inside_the_parameter_ranges() -> None:
    spec = load_spec(SHIPPED_SPEC)
    assert 8 <= len(spec.priors) <= 14
    calibrated = {n for n, p in PARAMETERS.items() if p.calibrated}
    assert calibrated <= set(spec.names)  # the six pathway parameters and more
    for prior in spec.priors:
        p = PARAMETERS[prior.name]
        assert p.low is not None and p.high is not None
        assert p.low <= prior.low < prior.high <= p.high
    assert {"exit_lt1y", "retention_18m", "cliff_placements_4to6", "coaching_effect",
            "debt_help_reach", "trust_asymmetry"} <= {p.name for p in spec.patterns}


@pytest.mark.parametrize(("text", "expected"), [
    ("parameters:\n  trust_gainn: {low: 0.01, high: 0.02}", "did you mean 'trust_gain'"),
    ("parameters:\n  trust_gain: {low: 0.02, high: 0.01}", "must be below high"),
    ("parameters:\n  trust_gain: {low: -1, high: 0.01}", "out of range"),
    ("parameters:\n  renewal_rule: {low: 0, high: 1}", "not a continuous parameter"),
    ("abc:\n  populaton_size: 10", "did you mean 'population_size'"),
])
def test_bad_spec_is_one_line_naming_the_field(tmp_path: Path, text: str,
                                               expected: str) -> None:
    base = TINY.read_text().split("parameters:")[0].replace(
        "../../scenarios", str(ROOT / "scenarios"))
    rest = "" if text.startswith("parameters") else (
        "parameters:\n  direct_job_rate: {low: 0.01, high: 0.05}\n")
    path = tmp_path / "spec.yaml"
    path.write_text(base + rest + text + "\n")
    with pytest.raises(InstapError, match=expected) as err:
        load_spec(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_pattern_distance_is_at_most_one_exactly_inside_the_region() -> None:
    target = Pattern("a", "s", ("r",), "target", 0.22, 0.03)
    at_most = Pattern("b", "s", ("r",), "at_most", 0.4, 0.2)
    at_least = Pattern("c", "s", ("r",), "at_least", 1.0, 0.5)
    assert target.distance(0.22) == 0 and target.distance(0.25) == pytest.approx(1)
    assert target.distance(0.26) > 1 and target.distance(float("nan")) == float("inf")
    assert at_most.distance(0.1) == 0 and at_most.distance(0.4) == pytest.approx(1)
    assert at_most.distance(0.41) > 1
    assert at_least.distance(3.0) == 0 and at_least.distance(1.0) == pytest.approx(1)
    assert at_least.distance(0.9) > 1


def test_trust_statistic_is_the_asymmetry_and_reads_the_parameters() -> None:
    assert trust_loss_gain_ratio({"trust_asymmetry": 2.5}) == pytest.approx(2.5)
    assert trust_loss_gain_ratio({"trust_asymmetry": 1.0}) == pytest.approx(1.0)


def test_one_particle_runs_its_settings_with_common_seeds() -> None:
    spec = load_spec(TINY)
    sim = Simulator(spec)
    theta = {"direct_job_rate": 0.03, "job_loss_rate_initial": 0.05}
    a, b = sim.simulate(theta, 11), sim.simulate(theta, 11)
    assert a == b and set(a) == {"exit_lt1y", "retention_6m", "trust_asymmetry"}
    assert sim.simulate(theta, 12) != a
    higher = sim.simulate({**theta, "direct_job_rate": 0.08}, 11)
    assert higher["exit_lt1y"] > a["exit_lt1y"]


# --- a tiny ABC-SMC ------------------------------------------------------------------

def _tiny(tmp: Path, name: str, jobs: int, generations: int, resume: bool = False,
          **kw: Any) -> Outcome:
    spec = load_spec(TINY)
    return calibrate(spec, tmp / f"{name}.db",
                     Settings(jobs=jobs, population_size=12, max_generations=generations),
                     resume=resume, **kw)


def test_same_seed_same_posterior_for_any_jobs_and_after_a_resume(tmp_path: Path) -> None:
    """The ordered sampler accepts particles in one fixed order: one process, or two
    workers, or a run stopped after generation 0 and resumed, give the same particles
    and weights bit for bit."""
    straight = _tiny(tmp_path, "straight", jobs=1, generations=2)
    _tiny(tmp_path, "resumed", jobs=2, generations=1)
    resumed = _tiny(tmp_path, "resumed", jobs=2, generations=2, resume=True)
    assert [g["t"] for g in straight.generations] == [0, 1]
    assert straight.generations[1]["epsilon"] < np.inf
    assert np.array_equal(straight.particles, resumed.particles)
    assert np.array_equal(straight.weights, resumed.weights)
    def timeless(gens: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in g.items() if k not in ("seconds", "finished")}
                for g in gens]

    assert timeless(straight.generations) == timeless(resumed.generations)


def test_dask_executor_gives_the_posterior_of_the_local_pool(tmp_path: Path) -> None:
    """The ordered sampler sends a particle's model runs to a Dask cluster (here a local
    one with one worker) instead of the local pool: the same posterior."""
    spec = load_spec(TINY)
    settings = {"jobs": 1, "population_size": 6, "max_generations": 2}
    local = calibrate(spec, tmp_path / "local.db", Settings(**settings))
    dask = calibrate(spec, tmp_path / "dask.db", Settings(executor="dask", **settings))
    assert np.array_equal(local.particles, dask.particles)
    assert np.array_equal(local.weights, dask.weights)


def test_resume_and_fresh_start_refuse_the_wrong_database(tmp_path: Path) -> None:
    with pytest.raises(InstapError, match="does not exist"):
        _tiny(tmp_path, "none", jobs=1, generations=1, resume=True)
    (tmp_path / "there.db").write_bytes(b"")
    with pytest.raises(InstapError, match="--resume"):
        _tiny(tmp_path, "there", jobs=1, generations=1)


def test_90_percent_intervals_cover_the_truth_in_about_90_percent_of_datasets(
        tmp_path: Path) -> None:
    """Item 4, small: 20 synthetic datasets of a statistic that needs no model run (the
    trust asymmetry), truths drawn from the prior, each calibrated to epsilon 1. The
    posterior is then exact, so the 90% intervals of trust_asymmetry cover the truth in
    about 90% of datasets (binomial, 20 datasets: 15 or more with probability 99%), and
    those of trust_gain, which the statistic does not inform, stay about as wide as the
    prior's 90%."""
    spec = load_spec(ROOT / "tests" / "data" / "calibration_trust.yaml")
    covered = {"trust_asymmetry": 0, "trust_gain": 0}
    widths, narrow = [], []
    for k in range(20):
        truth = draw_truth(spec, k)
        patterns, x_0 = synthetic_data(spec, truth, seed=k)
        spec.abc["seed"] = k
        out = calibrate(spec, tmp_path / f"d{k}.db", Settings(jobs=1), x_0=x_0,
                        patterns=patterns)
        assert out.generations[-1]["epsilon"] == 1.0
        cov = coverage(out.names, out.particles, out.weights, truth)
        for name, hit in cov.covered.items():
            covered[name] += hit
        lo, hi = cov.intervals["trust_gain"]
        widths.append((hi - lo) / (0.03 - 0.005))
        lo, hi = cov.intervals["trust_asymmetry"]
        narrow.append((hi - lo) / (5.0 - 1.5))
    assert covered["trust_asymmetry"] >= 15, covered
    assert covered["trust_gain"] >= 15, covered
    assert float(np.mean(widths)) > 0.75, widths  # the prior's 90% interval: 0.9
    assert float(np.mean(narrow)) < 0.4, narrow  # +/- 0.5 of a 3.5 wide prior: 0.26


def test_shipped_abc_settings_keep_their_intervals_honest_in_twelve_dimensions(
        tmp_path: Path) -> None:
    """Item 4, the shipped settings: 8 synthetic datasets of the linear surrogate with
    the calibration's shape (12 parameters, 10 statistics, 4 parameters that inform
    nothing; instap.calibration.surrogate), calibrated with the shipped spec's ABC
    settings for two generations. Uneven importance weights (a low effective sample
    size) make weighted 90% intervals too narrow: with the population of 80 that an
    earlier check used, the intervals of the four uninformative parameters average 0.85
    of the prior on these datasets (0.78 after three generations). Here they must stay
    within 0.03 of the exact posterior's (the prior's 90%: 0.9 wide; they are 0.89), the
    informed ones must narrow, and the 90% intervals must hold the truth in at least
    80% of cases (96 intervals; 86% here, 87% in docs/calibration.md's 20-dataset
    run with the whole budget)."""
    surrogate = Surrogate()
    shipped = load_spec(SHIPPED_SPEC)
    spec = surrogate.spec({**shipped.abc, "max_generations": 2})
    hits, none_widths, informed_widths = [], [], []
    for k in range(8):
        truth = draw_truth(spec, 100 + k)
        patterns, x_0 = synthetic_data(spec, truth, 100 + k, surrogate.simulator(spec))
        spec.abc["seed"] = 100 + k
        out = calibrate(spec, tmp_path / f"s{k}.db", Settings(jobs=1), x_0=x_0,
                        patterns=patterns, make_simulator=surrogate.simulator)
        cov = coverage(out.names, out.particles, out.weights, truth)
        hits += list(cov.covered.values())
        widths = {n: hi - lo for n, (lo, hi) in cov.intervals.items()}
        none_widths += [widths[n] for n in ("p8", "p9", "p10", "p11")]
        informed_widths += [widths[n] for n in ("p0", "p1", "p2", "p3", "p4", "p5")]
    assert float(np.mean(none_widths)) > 0.87, none_widths
    assert float(np.mean(informed_widths)) < 0.85, informed_widths
    assert float(np.mean(hits)) >= 0.8, float(np.mean(hits))


def test_posterior_covers_known_parameters_of_the_model(tmp_path: Path) -> None:
    """Item 4 with the model: data simulated at known pathway parameters of a
    100-participant model; the 90% intervals hold the truth and the one of the
    job-finding rate (which the first-year exit pins) is narrower than the prior. The
    full check with the shipped spec: experiments/abc_coverage.py."""
    spec = load_spec(TINY)
    truth = {"direct_job_rate": 0.03, "job_loss_rate_initial": 0.08}
    patterns, x_0 = synthetic_data(spec, truth, seed=3)
    out = calibrate(spec, tmp_path / "cov.db",
                    Settings(jobs=2, population_size=20, max_generations=3),
                    x_0=x_0, patterns=patterns)
    cov = coverage(out.names, out.particles, out.weights, truth)
    assert all(cov.covered.values()), cov.as_dict()
    lo, hi = cov.intervals["direct_job_rate"]
    prior = next(p for p in spec.priors if p.name == "direct_job_rate")
    assert hi - lo < 0.9 * (prior.high - prior.low), cov.as_dict()


# --- the posterior file and --posterior -------------------------------------------------

def _posterior_file(folder: Path, **changes: Any) -> Path:
    names = ["direct_job_rate", "trust_asymmetry"]
    particles = np.array([[0.02, 2.0], [0.03, 3.0], [0.04, 4.0], [0.05, 4.5]])
    doc = posterior_document(names, particles, np.array([0.1, 0.2, 0.3, 0.4]),
                             {"name": "test"})
    doc.update(changes)
    path = folder / "posterior.json"
    path.write_text(json.dumps(doc))
    return path


def test_draws_depend_on_the_replication_seed_only(tmp_path: Path) -> None:
    post, warning = load_posterior(_posterior_file(tmp_path))
    assert warning == ""
    seeds = replication_seeds(5, 40)
    draws = [post.draw_index(s) for s in seeds]
    assert draws == [post.draw_index(s) for s in seeds]
    assert len(set(draws)) > 1
    counts = np.bincount(draws, minlength=4)
    assert counts[3] > counts[0]  # weights 0.4 vs 0.1
    sets = post.apply({"direct_job_rate": 0.0271, "months": 24}, seeds[:2])
    assert all(s["months"] == 24 for s in sets)
    assert sets[0]["direct_job_rate"] == post.draw(seeds[0])["direct_job_rate"]


@pytest.mark.parametrize(("change", "expected"), [
    ("missing", "no such file"),
    ("notjson", "not a JSON file"),
    ("format", "format = 'something': not a posterior"),
    ("unknown", "parameters.name = 'direct_job_rat': unknown parameter (did you mean"),
    ("weights", "weights that sum to 1"),
    ("range", "particles.trust_asymmetry: trust_asymmetry=12.0: out of range"),
])
def test_bad_posterior_file_is_one_line_exit_2_nothing_written(
        tmp_path: Path, change: str, expected: str) -> None:
    path = _posterior_file(tmp_path)
    doc = json.loads(path.read_text())
    if change == "missing":
        path.unlink()
    elif change == "notjson":
        path.write_text("{not json")
    elif change == "format":
        path.write_text(json.dumps({**doc, "format": "something"}))
    elif change == "unknown":
        doc["parameters"][0]["name"] = "direct_job_rat"
        doc["particles"]["direct_job_rat"] = doc["particles"].pop("direct_job_rate")
        path.write_text(json.dumps(doc))
    elif change == "weights":
        path.write_text(json.dumps({**doc, "weights": [0.5, 0.5, 0.5, 0.5]}))
    elif change == "range":
        doc["particles"]["trust_asymmetry"][0] = 12.0
        path.write_text(json.dumps(doc))
    before = sorted(p.name for p in tmp_path.iterdir())
    done = instap("run", str(BASELINE), *SMALL, "--posterior", str(path), "--out", "out",
                  cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert expected in lines[0] and str(path) in lines[0], lines[0]
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_fingerprint_mismatch_warns_and_names_both(tmp_path: Path) -> None:
    path = _posterior_file(tmp_path, model_fingerprint="0123456789abcdef")
    _, warning = load_posterior(path)
    assert "0123456789abcdef" in warning and model_fingerprint() in warning


def test_set_of_a_drawn_parameter_is_refused(tmp_path: Path) -> None:
    path = _posterior_file(tmp_path)
    with pytest.raises(InstapError, match="trust_asymmetry is drawn from the posterior"):
        choose_posterior(path, [None], ["trust_asymmetry"], cli=True)


def test_run_with_posterior_draws_per_replication_and_says_so(tmp_path: Path) -> None:
    path = _posterior_file(tmp_path)
    small = {"n_participants": 150, "months": 24}
    plain = api.run(BASELINE, reps=4, seed=7, set=small, jobs=1)
    post = api.run(BASELINE, reps=4, seed=7, set=small, jobs=1, posterior=path)
    again = api.run(BASELINE, reps=4, seed=7, set=small, jobs=2, posterior=path)
    assert "posterior" not in plain.summary["run"]
    info = post.summary["run"]["posterior"]
    assert info["parameters"] == ["direct_job_rate", "trust_asymmetry"]
    assert len(info["draws"]) == 4
    assert post.metrics.equals(again.metrics)  # same seed, same results, any --jobs
    assert not post.metrics.equals(plain.metrics)
    out = post.save(tmp_path / "run")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["posterior"]["draws"] == info["draws"]
    from instap.findings import plain_summary
    assert "parameter uncertainty" in plain_summary(post.summary, "b", 24)
    assert "parameter uncertainty" not in plain_summary(plain.summary, "b", 24)


def test_compare_with_posterior_is_paired_on_the_same_draws(tmp_path: Path) -> None:
    path = _posterior_file(tmp_path)
    result = api.compare([BASELINE, ROOT / "scenarios" / "admin_relief.yaml"], reps=3,
                         seed=7, set={"n_participants": 150, "months": 24}, jobs=1,
                         posterior=path)
    first, second = result.scenarios
    assert first.posterior is not None and second.posterior is not None
    assert first.posterior["draws"] == second.posterior["draws"]
    assert result.paired
    out = result.save(tmp_path / "cmp")
    assert "parameter uncertainty" in (out / "report.html").read_text()


def test_scenario_names_its_posterior_relative_to_itself(tmp_path: Path) -> None:
    (tmp_path / "post").mkdir()
    _posterior_file(tmp_path / "post")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"extends: {BASELINE}\nposterior: post/posterior.json\n"
                        "run:\n  n_participants: 150\n  months: 24\n")
    plan = api.plan_run(scenario, reps=2, seed=1)
    assert plan.posterior is not None and plan.posterior.path == tmp_path / "post" / (
        "posterior.json")
    outside = tmp_path / "deep" / "er"
    outside.mkdir(parents=True)
    (outside / "s.yaml").write_text(f"extends: {BASELINE}\nposterior: /etc/x.json\n")
    with pytest.raises(InstapError, match="outside the allowed folders"):
        api.plan_run(outside / "s.yaml")


def test_shipped_posterior_loads_and_matches_its_spec() -> None:
    post, _ = load_posterior(SHIPPED_POSTERIOR)
    spec = load_spec(SHIPPED_SPEC)
    assert post.names == spec.names
    assert len(post.weights) == spec.abc["population_size"]
    for j, prior in enumerate(spec.priors):
        assert prior.low <= post.particles[:, j].min()
        assert post.particles[:, j].max() <= prior.high


def test_compare_refuses_scenarios_naming_different_posteriors(tmp_path: Path) -> None:
    """Before anything runs: a comparison draws the same parameters on every side, so
    scenario files that name different posteriors (or one none) need --posterior."""
    (tmp_path / "a").mkdir()
    _posterior_file(tmp_path / "a")
    with_post = tmp_path / "with.yaml"
    with_post.write_text(f"extends: {BASELINE}\nposterior: a/posterior.json\n")
    without = tmp_path / "without.yaml"
    without.write_text(f"extends: {BASELINE}\nname: without\n")
    with pytest.raises(InstapError, match="name different posteriors"):
        api.compare([with_post, without], reps=2)
