"""The Python API (``import instap``, docs/api.md): what it returns, that its folders are
the command line's, and that bad input is one clear InstapError with nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

import instap
import instap.api as api
from instap import cli
from instap.errors import InstapError
from instap.execution import DEFAULT_SEED, replication_seeds
from tests.sweep_helpers import ISHIGAMI_FACTORS, experiment
from tests.sweep_helpers import instap as instap_cli

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SMALL = {"n_participants": 100}
TABLES = ("timeseries.parquet", "metrics.parquet", "summary.json")


def _cli(*args: str) -> int:
    """The exit status of the command line run in this process."""
    try:
        cli.main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def _cli_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The one line the command line prints for bad input (exit 2), without 'error: '."""
    capsys.readouterr()
    assert _cli(*args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    return err.removeprefix("error: ").rstrip("\n")


@pytest.fixture(scope="module")
def small_run() -> api.RunResult:
    return instap.run(BASELINE, reps=2, months=12, set=SMALL, jobs=1)


# ----------------------------------------------------------------------------- import
def test_import_instap_is_cheap_and_lists_the_api() -> None:
    code = ("import sys, instap; heavy = [m for m in ('instap.api', 'pandas', 'sim', "
            "'matplotlib') if m in sys.modules]; assert not heavy, heavy; "
            "print(' '.join(dir(instap)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert {"run", "compare", "load_scenario", "load_sweep", "RunResult", "Scenario",
            "InstapError"} <= set(done.stdout.split())
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = instap.nonsense
    assert instap.InstapError is InstapError and instap.run is api.run


# ----------------------------------------------------------------------------- scenarios
def test_load_scenario_gives_name_params_and_chain(tmp_path: Path) -> None:
    sc = instap.load_scenario(ROOT / "scenarios" / "programme_ends.yaml")
    assert isinstance(sc, instap.Scenario)
    assert sc.name == "programme_ends" and sc.description
    assert sc.chain[0] == ROOT / "scenarios" / "programme_ends.yaml"
    assert [p.name for p in sc.chain[1:]] == ["baseline.yaml"]
    assert isinstance(sc.params, dict) and "months" in sc.params
    assert sc.params["renewal_rule"] == sc.overrides["renewal_rule"]


def test_load_scenario_refuses_as_validate_does(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("governance:\n  role_clarity: '0,6'\n")
    expected = _cli_error(capsys, "run", str(bad), "--out", str(tmp_path / "out"))
    with pytest.raises(InstapError) as err:
        instap.load_scenario(bad)
    assert str(err.value) == expected
    assert "role_clarity" in expected and "0.6" in expected
    with pytest.raises(InstapError, match="expected a scenario file name"):
        instap.load_scenario(42)  # type: ignore[arg-type]
    assert [p.name for p in tmp_path.iterdir()] == ["bad.yaml"]


# ----------------------------------------------------------------------------- run
def test_run_returns_pandas_tables_and_the_summary(small_run: api.RunResult) -> None:
    r = small_run
    assert isinstance(r, instap.RunResult)
    assert r.seeds == replication_seeds(DEFAULT_SEED, 2)
    assert r.params["n_participants"] == 100 and r.params["months"] == 12
    assert isinstance(r.metrics, pd.DataFrame) and len(r.metrics) == 2
    assert r.metrics["seed"].tolist() == r.seeds
    assert "durability.survival_months" in r.metrics
    assert isinstance(r.timeseries, pd.DataFrame)
    assert set(r.timeseries["replication"]) == {0, 1}
    assert r.timeseries.groupby("replication")["month"].max().tolist() == [12, 12]
    assert r.summary["run"]["replications"] == 2 and r.summary["run"]["scenario"] == "baseline"
    assert "km_curve" in r.summary["durability"]
    assert repr(r) == "RunResult(scenario='baseline', replications=2, months=12)"


def test_run_accepts_a_scenario_object_with_the_same_result(small_run: api.RunResult) -> None:
    again = instap.run(instap.load_scenario(BASELINE), reps=2, months=12, set=SMALL, jobs=1)
    pd.testing.assert_frame_equal(again.metrics, small_run.metrics)
    assert again.summary == small_run.summary


def test_plots_are_figures(small_run: api.RunResult) -> None:
    assert isinstance(small_run.plot_survival(), Figure)
    for panel in api.PANELS:
        fig = small_run.plot_timeseries(panel)
        assert isinstance(fig, Figure) and fig.axes
    with pytest.raises(InstapError, match="panel = 'bogus' is not allowed; allowed: pathway"):
        small_run.plot_timeseries("bogus")


def test_save_writes_the_folder_instap_run_writes(small_run: api.RunResult, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("run", str(BASELINE), "--reps", "2", "--months", "12", "--set",
                "n_participants=100", "--jobs", "1", "--out", str(tmp_path / "cli")) == 0
    saved = small_run.save(tmp_path / "api")
    assert saved == tmp_path / "api"
    for name in TABLES:
        assert (saved / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert sorted(p.name for p in (saved / "plots").iterdir()) == sorted(
        p.name for p in (tmp_path / "cli" / "plots").iterdir())
    ours = json.loads((saved / "manifest.json").read_text())
    theirs = json.loads((tmp_path / "cli" / "manifest.json").read_text())
    for key in ("scenario", "params", "master_seed", "replications", "seeds", "jobs"):
        assert ours[key] == theirs[key], key
    assert ours["overrides"] == {**theirs["overrides"], "set": ["n_participants=100"]}
    assert ours["command"][0].startswith("instap.run(") and "save(" in ours["command"][0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["api", "cli"]
    # the saved folder reads back as a run folder (instap report / compare accept it)
    assert instap.compare([saved, tmp_path / "cli"]).paired


def test_save_refuses_a_folder_that_is_not_empty(small_run: api.RunResult,
                                                 tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    with pytest.raises(InstapError, match=r"^folder .*out: exists and is not empty; choose"):
        small_run.save(tmp_path / "out")
    with pytest.raises(InstapError, match="folder = null: expected the name of a new folder"):
        small_run.save(None)  # type: ignore[arg-type]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.txt"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"reps": 0}, "reps=0: must be at least 1"),
    ({"reps": "3"}, "reps='3': must be a whole number, at least 1"),
    ({"reps": 2.5}, "reps=2.5: must be a whole number, at least 1"),
    ({"seed": -1}, "seed=-1: must be 0 or more"),
    ({"jobs": 0}, "jobs=0: must be at least 1"),
    ({"months": "x"}, "months='x': months = 'x' is not allowed; allowed:"),
    ({"set": {"n_participant": 100}},
     "set: unknown parameter 'n_participant' (did you mean 'n_participants'?)"),
    ({"set": {"role_clarity": "0,6"}},
     "set: role_clarity = '0,6' is not allowed; allowed: a number from 0 to 1"),
    ({"set": "role_clarity=0.6"}, "set = 'role_clarity=0.6': expected a dict"),
    ({"set": {1: 2}}, "set = {1: 2}: expected a dict of parameter names"),
])
def test_bad_run_input_is_one_line_before_anything_runs(
        kwargs: dict[str, object], message: str, in_tmp_cwd: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_replications(*args: object, **kw: object) -> None:
        raise AssertionError("the replications ran despite bad input")

    monkeypatch.setattr(api, "run_replications", no_replications)
    started = time.monotonic()
    with pytest.raises(InstapError) as err:
        instap.run(BASELINE, **kwargs)  # type: ignore[arg-type]
    assert time.monotonic() - started < 5
    assert message in str(err.value) and "\n" not in str(err.value)
    assert list(in_tmp_cwd.iterdir()) == []


def test_run_errors_match_the_command_line(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "out")
    expected = _cli_error(capsys, "run", str(BASELINE), "--set", "role_clarity=2",
                          "--out", out)
    with pytest.raises(InstapError) as err:
        api.plan_run(BASELINE, set_items=["role_clarity=2"], cli=True)
    assert str(err.value) == expected
    expected = _cli_error(capsys, "run", str(tmp_path / "missing.yaml"), "--out", out)
    with pytest.raises(InstapError) as err:
        instap.run(tmp_path / "missing.yaml")
    assert str(err.value) == expected
    with pytest.raises(InstapError, match="expected a scenario file name or an "
                       "instap.Scenario"):
        instap.run(42)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_a_scenario_object_with_a_bad_value_is_refused(tmp_path: Path) -> None:
    sc = instap.load_scenario(BASELINE)
    sc.params["role_clarity"] = 7
    with pytest.raises(InstapError, match="scenario 'baseline' params: role_clarity = 7 is "
                       "not allowed; allowed: a number from 0 to 1"):
        instap.run(sc, reps=1)


# ---------------------------------------- the command line goes through the API (one way)
@pytest.mark.parametrize("failure", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_a_failure_while_writing_leaves_no_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException,
        small_run: api.RunResult) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(api, "write_plots", broken)
    with pytest.raises(type(failure)):
        small_run.save(tmp_path / "api")
    import instap.commands.run as rc
    with pytest.raises(type(failure)):
        rc.run_command(BASELINE, reps=1, months=6, overrides=["n_participants=300"],
                       out=tmp_path / "cli", jobs=1, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_runs_through_the_api(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "run_replications", interrupted)
    assert _cli("run", str(BASELINE), "--reps", "2", "--out", str(tmp_path / "o")) == 130
    monkeypatch.setattr(api, "load_inputs", interrupted)
    assert _cli("compare", str(BASELINE), str(BASELINE), "--out", str(tmp_path / "c")) == 130
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- compare
def test_compare_gives_the_table_findings_and_folder_of_instap_compare(
        small_run: api.RunResult, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = small_run.save(tmp_path / "a")
    b = instap.run(ROOT / "scenarios" / "programme_ends.yaml", reps=2, months=12, set=SMALL,
                   jobs=1).save(tmp_path / "b")
    assert _cli("compare", str(a), str(b), "--out", str(tmp_path / "cli")) == 0
    result = instap.compare([a, b])
    assert isinstance(result, instap.CompareResult) and result.paired
    assert isinstance(result.table, pd.DataFrame)
    pd.testing.assert_frame_equal(result.table, pd.read_csv(tmp_path / "cli" /
                                                             "comparison.csv"))
    assert result.findings and all(isinstance(s, str) for s in result.findings)
    assert "programme_ends" in result.ranking
    assert [sc.name for sc in result.scenarios] == ["baseline", "programme_ends"]
    saved = result.save(tmp_path / "api")
    assert (saved / "comparison.csv").read_bytes() == (tmp_path / "cli" /
                                                       "comparison.csv").read_bytes()
    assert (saved / "report.html").stat().st_size > 10_000
    assert json.loads((saved / "manifest.json").read_text())["inputs"] == [str(a), str(b)]


@pytest.mark.parametrize(("inputs", "kwargs", "message"), [
    ("scenarios/baseline.yaml", {}, "scenarios = 'scenarios/baseline.yaml': expected a list"),
    ([BASELINE], {}, "compare needs at least 2 scenarios or run folders, got 1"),
    ([BASELINE, 3], {}, "scenarios: 3 is not allowed; allowed: a scenario file"),
    ([BASELINE, BASELINE], {"reps": 0}, "reps=0: must be at least 1"),
    ([BASELINE, BASELINE], {"seed": -2}, "seed=-2: must be 0 or more"),
    ([BASELINE, BASELINE], {"jobs": 0}, "jobs=0: must be at least 1"),
    ([BASELINE, "nowhere.yaml"], {}, "nowhere.yaml: no such file or folder"),
])
def test_bad_compare_input_is_one_line_before_anything_runs(
        inputs: object, kwargs: dict[str, object], message: str, in_tmp_cwd: Path) -> None:
    started = time.monotonic()
    with pytest.raises(InstapError) as err:
        instap.compare(inputs, **kwargs)  # type: ignore[arg-type]
    assert time.monotonic() - started < 5
    assert message in str(err.value) and "\n" not in str(err.value)
    assert list(in_tmp_cwd.iterdir()) == []


# ----------------------------------------------------------------------------- sweeps
@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("sweep")
    exp = experiment(base, model="sweep_models:ishigami",
                     design={"method": "sobol", "n": 64}, factors=ISHIGAMI_FACTORS,
                     outputs=["y"])
    out = base / "out"
    done = instap_cli("sweep", str(exp), "--out", str(out), "-j", "1")
    assert done.returncode == 0, done.stderr
    return out


def test_load_sweep_reads_the_checked_folder(sweep_folder: Path) -> None:
    s = instap.load_sweep(sweep_folder)
    assert isinstance(s, instap.SweepResult)
    n = s.manifest["design"]["runs"]
    assert len(s.runs) == n and s.runs["run_id"].tolist() == list(range(n))
    assert {"run_id", "point", "replication", "seed", "x1", "x2", "x3", "y"} <= set(s.runs)
    pd.testing.assert_frame_equal(s.runs.reset_index(drop=True), pd.read_parquet(
        sweep_folder / "runs").sort_values("run_id").reset_index(drop=True),
        check_like=True, check_dtype=False)
    assert s.sensitivity is not None
    assert list(s.sensitivity.columns) == ["output", "factor", "S1", "S1_conf", "ST",
                                           "ST_conf"]
    assert s.convergence is not None and "n" in s.convergence


def test_load_sweep_without_analysis_files_gives_none(sweep_folder: Path,
                                                      tmp_path: Path) -> None:
    import shutil
    copy = tmp_path / "copy"
    shutil.copytree(sweep_folder, copy)
    (copy / "convergence.csv").unlink()
    assert instap.load_sweep(copy).convergence is None
    (copy / "sensitivity.csv").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InstapError, match=r"sensitivity.csv: not a readable table .*"
                       r"`instap analyze .*copy` writes it again"):
        instap.load_sweep(copy)


def test_load_sweep_refuses_damaged_or_wrong_folders(sweep_folder: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]
                                                    ) -> None:
    import shutil
    copy = tmp_path / "copy"
    shutil.copytree(sweep_folder, copy)
    (copy / "runs" / "chunk-00001.parquet").unlink()
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    expected = _cli_error(capsys, "analyze", str(copy))
    with pytest.raises(InstapError) as err:
        instap.load_sweep(copy)
    assert str(err.value) == expected and "--resume" in expected
    with pytest.raises(InstapError, match="no such folder"):
        instap.load_sweep(tmp_path / "missing")
    with pytest.raises(InstapError, match="is a file, not an `instap sweep` folder"):
        instap.load_sweep(copy / "manifest.json")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InstapError, match="no manifest.json; not an `instap sweep` folder"):
        instap.load_sweep(tmp_path / "empty")
    before.append(Path("empty"))
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == sorted(before)


def test_load_sweep_refuses_a_run_folder(small_run: api.RunResult, tmp_path: Path) -> None:
    folder = small_run.save(tmp_path / "run")
    with pytest.raises(InstapError, match="is an `instap run` folder, not a sweep folder"):
        instap.load_sweep(folder)
