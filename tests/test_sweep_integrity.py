"""Issue 12 for sweeps: bad values, huge designs and bad --out are refused with one line
and nothing written; damaged sweep folders are never analysed (and --resume repairs
them); Ctrl-C says one accurate thing; the model file is named before it is imported."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import instap.sweep.runner as sweep_cmd
from instap import cli
from instap.errors import InstapError
from instap.sweep import store
from instap.sweep.design import MAX_RUNS
from instap.sweep.experiment import load_experiment
from tests.sweep_helpers import ISHIGAMI_FACTORS, experiment

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
FACTORS = {"x1": {"low": 0, "high": 1}, "x2": {"low": -1, "high": 1}}
LINEAR = {"model": "sweep_models:noisy_linear", "design": {"method": "lhs", "n": 50},
          "replications": 2, "factors": FACTORS, "outputs": ["y"]}


def cli_run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``instap ARGS`` in this process: (exit status, stdout, stderr)."""
    code: Any = 0
    try:
        cli.main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return int(code or 0), captured.out, captured.err


def error_lines(err: str) -> list[str]:
    """The lines of stderr that are neither the progress bar nor notes of what model code
    is imported."""
    return [line for line in err.replace("\r", "\n").splitlines()
            if line.strip() and not line.startswith(("sweep: ", "instap sweep: importing"))]


def refused(args: list[str], capsys: pytest.CaptureFixture[str], *says: str) -> str:
    """Run ``args``; assert exit 2 with one line ``error: ...`` saying ``says``."""
    code, _, err = cli_run(args, capsys)
    lines = error_lines(err)
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for text in says:
        assert text in lines[0], lines[0]
    return lines[0]


def files_under(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*")}


# ----------------------------------------------------------------------- 1. values
def _write(folder: Path, text: str, name: str = "e.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "tests" / "sweep_models.py", folder / "sweep_models.py")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


OTHER = ("name: e\nseed: 1\nmodel: sweep_models:noisy_linear\ndesign: {method: lhs, n: 4}\n"
         "outputs: [y]\n")
INSTAP = (f"name: e\nseed: 1\nscenario: {BASELINE}\nsteps: 6\ndesign: {{method: lhs, n: 4}}\n"
          "fixed:\n  n_participants: 100\n")
HUGE_INT = "1" + "0" * 400


@pytest.mark.parametrize(("text", "line", "field", "value"), [
    (OTHER + "factors:\n  x1: {levels: [.nan, 1.0]}\n  x2: {low: 0, high: 1}\n", 7,
     "factors.x1.levels", "nan"),
    (OTHER + "factors:\n  x1: {low: 0, high: .inf}\n  x2: {low: 0, high: 1}\n", 7,
     "factors.x1.high", "inf"),
    (OTHER + "factors:\n  x1: {low: 0, high: 1e400}\n  x2: {low: 0, high: 1}\n", 7,
     "factors.x1.high", "inf"),
    (OTHER + f"factors:\n  x1:\n    low: 0\n    high: {HUGE_INT}\n  x2: {{low: 0, high: 1}}\n",
     9, "factors.x1.high", "401-digit number"),
    (OTHER + "factors:\n  x1: {dist: normal, mean: 0, sd: .inf}\n  x2: {low: 0, high: 1}\n",
     7, "factors.x1.sd", "inf"),
    (OTHER + "factors:\n  x1: {dist: normal, mean: .nan, sd: 1}\n  x2: {low: 0, high: 1}\n",
     7, "factors.x1.mean", "nan"),
    (OTHER + "fixed: {x2: .nan}\nfactors:\n  x1: {low: 0, high: 1}\n", 6, "fixed.x2", "nan"),
    (OTHER + "factors:\n  x1: {levels: [1, [2, 3]]}\n  x2: {low: 0, high: 1}\n", 7,
     "factors.x1.levels", "levels of one kind"),
    (OTHER + "factors:\n  x1: {levels: [[1, 'a'], [2]]}\n  x2: {low: 0, high: 1}\n", 7,
     "factors.x1.levels", "levels of one kind"),
    (OTHER + "factors:\n  x1: {levels: [[1, .nan], [2]]}\n  x2: {low: 0, high: 1}\n", 7,
     "factors.x1.levels[1]", "nan"),
    (OTHER + "factors:\n  x1: {levels: [1, null]}\n  x2: {low: 0, high: 1}\n", 7,
     "factors.x1.levels", "None"),
    (INSTAP + "factors:\n  role_clarity: {levels: [.nan, 0.5]}\n", 9,
     "factors.role_clarity.levels", "nan"),
    (INSTAP + "factors:\n  pilot_length_months: {low: 12, high: .inf}\n", 9,
     "factors.pilot_length_months.high", "inf"),
    (INSTAP + "factors:\n  pilot_length_months: {low: 12, high: 1e400}\n", 9,
     "factors.pilot_length_months.high", "inf"),
    (INSTAP + f"factors:\n  pilot_length_months: {{low: 12, high: {HUGE_INT}}}\n", 9,
     "factors.pilot_length_months.high", "allowed: a whole number from"),
    (INSTAP.replace("n_participants: 100", "n_participants: .inf")
     + "factors:\n  role_clarity: {low: 0.2, high: 0.9}\n", 7, "fixed.n_participants", "inf"),
    (INSTAP.replace("n_participants: 100", "discount_rate: .nan")
     + "factors:\n  role_clarity: {low: 0.2, high: 0.9}\n", 7, "fixed.discount_rate", "nan"),
])
def test_bad_values_name_file_line_field_value_and_what_is_allowed(tmp_path, text, line,
                                                                   field, value):
    path = _write(tmp_path, text)
    with pytest.raises(InstapError) as err:
        load_experiment(path)
    message = str(err.value)
    assert message.startswith(f"{path}, line {line}: {field}"), message
    assert value in message and "allowed: " in message and "\n" not in message


def test_nan_levels_are_refused_by_the_command_and_nothing_is_written(in_tmp_cwd, capsys):
    path = _write(in_tmp_cwd / "e",
                  OTHER + "factors:\n  x1: {levels: [.nan, 1.0]}\n  x2: {low: 0, high: 1}\n")
    before = files_under(in_tmp_cwd)
    refused(["sweep", path, "--out", "o", "-j", "1"], capsys, "line 7", "factors.x1.levels",
            "nan", "allowed: a finite number")
    assert files_under(in_tmp_cwd) == before


def test_good_levels_of_other_models_still_load(tmp_path):
    path = _write(tmp_path, OTHER + "factors:\n  x1: {levels: [0, 0.5, 1]}\n"
                  "  x2: {levels: [[1, 2], [3]]}\n")
    exp = load_experiment(path)
    assert exp.factors[0].levels == (0, 0.5, 1)
    assert exp.factors[1].levels == ([1, 2], [3])


# ----------------------------------------------------------------------- 2. huge designs
def test_plan_counts_a_huge_design_without_building_it(tmp_path, capsys):
    exp = experiment(tmp_path, model="sweep_models:ishigami",
                     design={"method": "sobol", "n": 2**40}, factors=ISHIGAMI_FACTORS,
                     outputs=["y"])
    t0 = time.perf_counter()
    code, out, err = cli_run(["sweep", exp, "--plan"], capsys)
    assert code == 0, err
    assert time.perf_counter() - t0 < 30
    assert f"runs: {2**40 * 5}\n" in out
    assert "too large" in out and f"{MAX_RUNS:,}" in out


def test_a_sweep_above_the_run_limit_is_refused_before_any_work(in_tmp_cwd, capsys,
                                                                monkeypatch):
    exp = experiment(in_tmp_cwd / "e", model="sweep_models:ishigami",
                     design={"method": "sobol", "n": 2**40}, factors=ISHIGAMI_FACTORS,
                     outputs=["y"])
    monkeypatch.setattr(sweep_cmd, "pilot", _no_pilot)
    before = files_under(in_tmp_cwd)
    refused(["sweep", exp, "-j", "1"], capsys, str(exp), "5,497,558,138,880 runs",
            f"at most {MAX_RUNS:,} runs", "--plan")
    assert files_under(in_tmp_cwd) == before


def test_a_grid_design_with_a_huge_n_is_refused_by_the_file(tmp_path):
    exp = experiment(tmp_path, model="sweep_models:ishigami",
                     design={"method": "ofat", "n": 2**40}, factors=ISHIGAMI_FACTORS)
    with pytest.raises(InstapError, match=r"line \d+: field 'design.n' = 1099511627776 is "
                                          r"not allowed; allowed: at most"):
        load_experiment(exp)


# ----------------------------------------------------------------------- 3. --out
def _no_pilot(*args: object, **kwargs: object) -> None:
    raise AssertionError("the pilot ran before --out was checked")


@pytest.mark.parametrize(("out", "says"), [
    ("afile", "--out afile: is a file"),
    ("afile/sub", "--out afile/sub: afile is a file, not a folder"),
    ("/proc/instap-cannot-write-here", "cannot write there"),
])
def test_a_bad_out_is_refused_before_the_pilot(in_tmp_cwd, capsys, monkeypatch, out, says):
    exp = experiment(in_tmp_cwd / "e", **LINEAR)
    (in_tmp_cwd / "afile").write_text("x")
    monkeypatch.setattr(sweep_cmd, "pilot", _no_pilot)
    before = files_under(in_tmp_cwd)
    refused(["sweep", exp, "--out", out, "-j", "1"], capsys, says)
    assert files_under(in_tmp_cwd) == before


def test_the_default_out_uses_a_safe_name(in_tmp_cwd, capsys, monkeypatch):
    work = in_tmp_cwd / "a" / "b"
    exp = _write(work / "e", OTHER.replace("name: e", "name: ../../escaped")
                 + "factors:\n  x1: {low: 0, high: 1}\n  x2: {low: 0, high: 1}\n")
    monkeypatch.chdir(work)
    code, _, err = cli_run(["sweep", exp, "-j", "1"], capsys)
    assert code == 0, err
    assert (work / "results" / "sweeps" / "escaped" / "manifest.json").is_file()
    assert {p.name for p in in_tmp_cwd.iterdir()} == {"a"}
    assert {p.name for p in (in_tmp_cwd / "a").iterdir()} == {"b"}


# ----------------------------------------------------------------------- 4. verification
@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """A finished sweep of 100 runs in 8 chunks (13 runs each, the last 9)."""
    folder = tmp_path_factory.mktemp("finished")
    exp = experiment(folder / "e", **LINEAR)
    out = folder / "sweep"
    try:
        cli.main(["sweep", str(exp), "--out", str(out), "-j", "1"])
    except SystemExit as exc:
        assert not exc.code
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["chunks"] == {"size": 13, "count": 8}
    return out


@pytest.fixture
def sweep_copy(finished, tmp_path) -> Path:
    out = tmp_path / "sweep"
    shutil.copytree(finished, out)
    (out / "sensitivity.csv").unlink()  # to see that analyze writes nothing on refusal
    return out


def _chunk(folder: Path, index: int) -> Path:
    return folder / "runs" / f"chunk-{index:05d}.parquet"


def _copy_over(source: int, target: int):
    return lambda f: shutil.copyfile(_chunk(f, source), _chunk(f, target))


def _truncate(index: int):
    def apply(f: Path) -> None:
        data = _chunk(f, index).read_bytes()
        _chunk(f, index).write_bytes(data[: len(data) // 2])
    return apply


DAMAGE = {
    "copy-of-previous": (_copy_over(3, 4),
                         ["chunk-00004.parquet holds runs 39-51 instead of 52-64, which "
                          "chunk-00003.parquet also holds", "runs 52-64 are missing"]),
    "extra-chunk": (_copy_over(0, 8),
                    ["chunk-00008.parquet is not part of the plan (chunk-00000 to "
                     "chunk-00007) and holds runs 0-12, which chunk-00000.parquet also "
                     "holds"]),
    "oddly-named-copy": (lambda f: shutil.copyfile(_chunk(f, 1), f / "runs" /
                                                   "chunk-00001 (copy).parquet"),
                         ["chunk-00001 (copy).parquet is not part of the plan"]),
    "zero-bytes": (lambda f: _chunk(f, 2).write_bytes(b""),
                   ["chunk-00002.parquet is empty (0 bytes)", "runs 26-38 are missing"]),
    "truncated": (_truncate(2), ["chunk-00002.parquet is damaged", "runs 26-38 are missing"]),
    "removed": (lambda f: _chunk(f, 5).unlink(), ["runs 65-77 are missing"]),
    "last-removed": (lambda f: _chunk(f, 7).unlink(), ["runs 91-99 are missing"]),
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_analyze_refuses_a_damaged_sweep_and_says_what_is_wrong(sweep_copy, capsys, case):
    damage, says = DAMAGE[case]
    damage(sweep_copy)
    before = files_under(sweep_copy)
    line = refused(["analyze", sweep_copy], capsys, *says, "--resume` to repair")
    assert f"--out {sweep_copy} --resume" in line
    assert files_under(sweep_copy) == before  # no analysis written


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_resume_repairs_a_damaged_sweep(finished, sweep_copy, capsys, case):
    damage, _ = DAMAGE[case]
    damage(sweep_copy)
    manifest = json.loads((sweep_copy / "manifest.json").read_text())
    code, _, err = cli_run(["sweep", manifest["experiment_file"], "--out", sweep_copy,
                            "--resume", "-j", "1"], capsys)
    assert code == 0, err
    notes = [line for line in err.splitlines() if "repairing" in line]
    assert len(notes) == (0 if "removed" in case else 1), err
    assert sorted(p.name for p in (sweep_copy / "runs").iterdir()) == [
        f"chunk-{k:05d}.parquet" for k in range(8)]
    pd.testing.assert_frame_equal(_runs(sweep_copy), _runs(finished))
    assert (sweep_copy / "sensitivity.csv").read_text() == (
        finished / "sensitivity.csv").read_text()
    assert cli_run(["analyze", sweep_copy], capsys)[0] == 0


def _runs(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "runs").sort_values("run_id").reset_index(drop=True)


def test_a_chunk_of_another_experiment_is_refused(finished, sweep_copy, tmp_path, capsys):
    other = experiment(tmp_path / "other", **{**LINEAR, "seed": 12})
    other_out = tmp_path / "other-sweep"
    assert cli_run(["sweep", other, "--out", other_out, "-j", "1"], capsys)[0] == 0
    shutil.copyfile(_chunk(other_out, 1), _chunk(sweep_copy, 1))
    refused(["analyze", sweep_copy], capsys,
            "chunk-00001.parquet belongs to another experiment", "runs 13-25 are missing")


def test_verify_finds_nothing_wrong_in_a_finished_sweep(finished):
    checked = store.verify(finished, store.load_manifest(finished))
    assert checked.clean and checked.ok == list(range(8)) and not checked.damaged


# ----------------------------------------------------------------------- 5. manifests
def _manifest_edit(edit):
    def apply(folder: Path) -> None:
        data = json.loads((folder / "manifest.json").read_text())
        edit(data)
        (folder / "manifest.json").write_text(json.dumps(data))
    return apply


BROKEN = {
    "not-json": ("{not json", "not valid JSON"),
    "empty-object": ("{}", "field 'fingerprint' is missing"),
    "list": ("[]", "holds a JSON list, not an object"),
    "nulls": ('{"design": null, "chunks": null, "fingerprint": null}',
              "field 'fingerprint' = None"),
    "no-outputs": (_manifest_edit(lambda m: m.pop("outputs")), "field 'outputs' is missing"),
    "n-is-text": (_manifest_edit(lambda m: m["design"].update(n="50")), "field 'design.n'"),
    "n-edited": (_manifest_edit(lambda m: m["design"].update(n=2**40)),
                 "design.n = 1099511627776 differs from its experiment's 50"),
    "runs-edited": (_manifest_edit(lambda m: m["design"].update(runs=120)),
                    "do not match its design"),
    "chunk-count-edited": (_manifest_edit(lambda m: m["chunks"].update(count=4)),
                           "chunks.count = 4 does not match"),
    "experiment-edited": (_manifest_edit(lambda m: m["experiment"].update(seed=99)),
                          "does not match its experiment"),
    "factor-edited": (_manifest_edit(lambda m: m["design"]["factors"][0].update(
        high=float("-1"))), "design factor 'x1' needs finite low < high"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_manifest_is_one_line_in_analyze_and_resume(sweep_copy, capsys, case):
    damage, says = BROKEN[case]
    experiment_file = json.loads((sweep_copy / "manifest.json").read_text())["experiment_file"]
    if callable(damage):
        damage(sweep_copy)
    else:
        (sweep_copy / "manifest.json").write_text(damage)
    before = files_under(sweep_copy)
    where = f"{sweep_copy}/manifest.json: "
    refused(["analyze", sweep_copy], capsys, where, says, "; not a sweep folder or damaged")
    refused(["sweep", experiment_file, "--out", sweep_copy, "--resume", "-j", "1"], capsys,
            where, says, "; not a sweep folder or damaged")
    assert files_under(sweep_copy) == before


def test_analyze_on_a_run_folder_points_to_report(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    for name in ("manifest.json", "summary.json"):
        (run / name).write_text("{}")
    (run / "timeseries.parquet").write_bytes(b"PAR1")
    refused(["analyze", run], capsys, "is an `instap run` folder", f"instap report {run}")


@pytest.mark.parametrize(("make", "says"), [
    (lambda p: None, "no such folder"),
    (lambda p: p.write_text("x"), "is a file"),
    (lambda p: p.mkdir(), "no manifest.json; not an `instap sweep` folder"),
])
def test_analyze_on_what_is_not_a_sweep_folder(tmp_path, capsys, make, says):
    target = tmp_path / "x"
    make(target)
    refused(["analyze", target], capsys, str(target), says)


# ----------------------------------------------------------------------- 6. invocations
def test_the_manifest_keeps_every_invocation(finished, sweep_copy, capsys):
    _chunk(sweep_copy, 6).unlink()
    manifest = json.loads((sweep_copy / "manifest.json").read_text())
    code, _, err = cli_run(["sweep", manifest["experiment_file"], "--out", sweep_copy,
                            "--resume", "-j", "1"], capsys)
    assert code == 0, err
    calls = json.loads((sweep_copy / "manifest.json").read_text())["invocations"]
    assert [c["status"] for c in calls] == ["complete", "complete"]
    assert [c["resumed"] for c in calls] == [False, True]
    assert [c["runs_done"] for c in calls] == [100, 13]
    assert [c["chunks_run"] for c in calls] == [8, 1]
    for c in calls:
        assert c["started"] <= c["finished"] and c["wall_time_s"] >= 0
        assert c["workers"] == 1 and c["executor"] == "local"
        assert c["command"].startswith("instap sweep ") and "--out" in c["command"]
    assert calls[1]["command"].endswith("--resume")


# ----------------------------------------------------------------------- 7. Ctrl-C
def _interrupt_after(monkeypatch, chunks: int) -> None:
    real = store.write_chunk
    written = []

    def write_chunk(*args: Any, **kwargs: Any) -> Path:
        if len(written) >= chunks:
            raise KeyboardInterrupt
        written.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "write_chunk", write_chunk)


def test_ctrl_c_mid_sweep_says_once_what_is_kept(tmp_path, capsys, monkeypatch):
    exp = experiment(tmp_path / "e", **LINEAR)
    out = tmp_path / "o"
    _interrupt_after(monkeypatch, 2)
    code, _, err = cli_run(["sweep", exp, "--out", out, "-j", "1"], capsys)
    lines = error_lines(err)
    assert code == 130
    assert lines == [f"interrupted; 26 of 100 runs are kept in {out}; finish with "
                     f"`instap sweep {exp} --out {out} --resume`"], err
    calls = json.loads((out / "manifest.json").read_text())["invocations"]
    assert calls[-1]["status"] == "interrupted" and calls[-1]["runs_done"] == 26
    monkeypatch.undo()
    code, _, err = cli_run(["sweep", exp, "--out", out, "-j", "1", "--resume"], capsys)
    assert code == 0, err
    calls = json.loads((out / "manifest.json").read_text())["invocations"]
    assert [c["status"] for c in calls] == ["interrupted", "complete"]
    assert [c["runs_done"] for c in calls] == [26, 74]


def test_ctrl_c_before_any_run_is_kept_leaves_nothing(in_tmp_cwd, capsys, monkeypatch):
    exp = experiment(in_tmp_cwd / "e", **LINEAR)
    _interrupt_after(monkeypatch, 0)
    before = files_under(in_tmp_cwd)
    code, _, err = cli_run(["sweep", exp, "--out", "o", "-j", "1"], capsys)
    assert code == 130
    assert error_lines(err) == ["interrupted; nothing was written"], err
    assert files_under(in_tmp_cwd) == before


def test_ctrl_c_during_the_analysis_points_to_analyze(tmp_path, capsys, monkeypatch):
    exp = experiment(tmp_path / "e", **LINEAR)
    out = tmp_path / "o"

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sweep_cmd, "_analyse", interrupt)
    code, _, err = cli_run(["sweep", exp, "--out", out, "-j", "1"], capsys)
    assert code == 130
    assert error_lines(err) == [f"interrupted during the analysis; all 100 runs are kept in "
                                f"{out}; write the analysis with `instap analyze {out}`"], err
    monkeypatch.undo()
    assert cli_run(["analyze", out], capsys)[0] == 0


# ----------------------------------------------------------------------- 8. trust
def test_the_model_file_is_named_before_it_is_imported(tmp_path, capsys):
    folder = tmp_path / "e"
    folder.mkdir()
    module = folder / "integrity_model_announce.py"
    module.write_text("import sys\nprint('MODEL CODE RUNS', file=sys.stderr)\n"
                      "def f(x1, seed):\n    return {'y': x1}\n")
    exp = experiment(folder, model="integrity_model_announce:f",
                     design={"method": "lhs", "n": 4}, factors={"x1": {"low": 0, "high": 1}},
                     outputs=["y"])
    code, out, err = cli_run(["sweep", exp, "--plan"], capsys)
    assert code == 0, err
    note = f"instap sweep: importing model code from {module}"
    assert note in err and err.index(note) < err.index("MODEL CODE RUNS")
    assert err.count("importing model code") == 1


# ----------------------------------------------------------------------- paths
@pytest.mark.parametrize(("scenario", "says"), [
    ("/etc/passwd", "field 'scenario' = '/etc/passwd' is not allowed"),
    ("../../../../../../etc/shadow.yaml", "outside the allowed folders"),
    ("''", "field 'scenario' must name a scenario file"),
])
def test_the_experiments_scenario_stays_where_it_belongs(tmp_path, scenario, says):
    path = _write(tmp_path / "p" / "experiments",
                  f"name: e\nseed: 1\nscenario: {scenario}\ndesign: {{method: lhs, n: 4}}\n"
                  "factors:\n  role_clarity: {low: 0.2, high: 0.9}\n")
    with pytest.raises(InstapError) as err:
        load_experiment(path)
    assert str(err.value).startswith(f"{path}, line 3: ") and says in str(err.value)
    assert "root:" not in str(err.value)


def test_a_second_command_on_the_same_sweep_folder_fails_at_once(tmp_path, capsys,
                                                                 monkeypatch):
    from instap.provenance import output_lock

    exp = experiment(tmp_path / "e", **LINEAR)
    out = tmp_path / "o"
    monkeypatch.setattr(sweep_cmd, "pilot", _no_pilot)
    with output_lock(out, empty=False):  # as another `instap sweep` would hold it
        refused(["sweep", exp, "--out", out, "-j", "1"], capsys,
                f"--out {out}: another instap command", "is writing this folder")
    assert not out.exists()


def test_analyze_is_refused_while_a_sweep_holds_the_folder(sweep_copy, capsys):
    """`instap analyze` takes the folder's lock too: with a sweep (or --resume) writing the
    folder it is refused at once, and nothing of the analysis is rewritten."""
    from instap.provenance import output_lock

    def state() -> dict[Path, int]:
        return {p: (sweep_copy / p).stat().st_mtime_ns for p in files_under(sweep_copy)}

    before = state()
    with output_lock(sweep_copy, empty=False):  # as a running `instap sweep` holds it
        refused(["analyze", str(sweep_copy)], capsys, "another instap command")
    assert state() == before
