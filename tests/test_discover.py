"""`instap discover`: scenario discovery on a small real sweep of a model whose answer is
known (y = 120 mostly when x1 > 0.6 and rule is "evidence"; x2 and k do nothing)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from instap.errors import InstapError
from tests.sweep_helpers import experiment, instap

MODEL = '''
import numpy as np


def region(x1: float, x2: float, rule: str, seed: int, k: int = 0) -> dict[str, float]:
    """Lasts (y = 120) in 90% of runs where x1 > 0.6 and rule is evidence, else in 5%
    (x2 and the whole number k do nothing)."""
    rng = np.random.default_rng(seed)
    inside = x1 > 0.6 and rule == "evidence"
    lasts = rng.random() < (0.9 if inside else 0.05)
    return {"y": 120.0 if lasts else float(rng.integers(10, 100)), "z": x2}
'''


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished LHS sweep: 150 points x 2 replications of ``region``."""
    root = tmp_path_factory.mktemp("discover")
    (root / "disc_models.py").write_text(MODEL, encoding="utf-8")
    exp = experiment(root, "disc", model="disc_models:region",
                     design={"method": "lhs", "n": 150}, replications=2, seed=3,
                     factors={"x1": {"low": 0, "high": 1}, "x2": {"low": 0, "high": 1},
                              "k": {"low": 0, "high": 20},
                              "rule": {"levels": ["never", "political", "evidence"]}},
                     outputs=["y", "z"])
    out = root / "sweep"
    done = instap("sweep", str(exp), "--out", str(out), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def found(sweep: Path):
    import instap.api
    return instap.api.discover(sweep, "y >= 120")


def test_prim_finds_the_region_that_makes_the_condition_true(found) -> None:
    box = found.box.set_index("factor")
    assert set(box.index) == {"x1", "rule"}  # x2 and k do nothing: not restricted
    assert box.at["rule", "levels"] == "evidence"
    assert 0.4 <= box.at["x1", "lower"] <= 0.7 and box.at["x1", "upper"] is None
    assert (box["qp"] < 0.05).all()
    b = found.prim.box
    assert b.density >= 0.7 and b.coverage >= 0.6
    assert found.cases.kind == "runs" and found.cases.n == 300
    assert found.scores.at[0, "factor"] == "x1"
    assert "rule is evidence" in found.cart.leaves.iloc[0]["rules"]
    text = " ".join(found.sentences)
    assert text.startswith("In 1") and "of the 300 runs" in text and "y is at least 120" in text
    assert "x1 ≥ 0." in text and "rule is evidence" in text
    assert "(density)" in text and "(coverage)" in text
    t = found.prim.trajectory
    assert t["id"].tolist() == list(range(len(t))) and t.at[0, "res_dim"] == 0
    assert t.at[0, "coverage"] == 1.0  # the first box holds every case


def test_points_count_when_half_their_replications_meet_the_condition(sweep: Path) -> None:
    import instap.api
    d = instap.api.discover(sweep, "y >= 120", cases="points", density=0.9)
    assert d.cases.kind == "points" and d.cases.n == 150
    assert d.summary["settings"]["density"] == 0.9
    assert "half of its replications" in d.sentences[0]
    assert "rule" in set(d.box["factor"])


def test_the_command_writes_the_same_files_as_the_api_in_another_process(
        sweep: Path, found, tmp_path: Path) -> None:
    # another process, with another string hashing than this one's: no effect
    done = subprocess.run(
        [sys.executable, "-c", "from instap.cli import main; main()", "discover", str(sweep),
         "--where", "y>=120"], capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONHASHSEED": "1", "PYTHONWARNINGS": "ignore"})
    assert done.returncode == 0, done.stderr
    assert "y is at least 120" in done.stdout
    folder = sweep / "discovery" / "y_ge_120"
    expected = {"discovery.json", "prim_trajectory.csv", "prim_box.csv", "cart_leaves.csv",
                "cart_tree.txt", "feature_scores.csv", "prim_trajectory.png",
                "prim_box.png", "feature_scores.png", "cart_tree.png", "report.html"}
    assert {p.name for p in folder.iterdir()} == expected
    summary = json.loads((folder / "discovery.json").read_text(encoding="utf-8"))
    assert summary["condition"] == "y >= 120" and summary["cases"]["n"] == 300
    assert summary["settings"]["random_state"] == 3
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "(coverage)" in page
    # determinism: the API in this process writes byte-identical files
    again = found.save(tmp_path / "again")
    for name in sorted(expected):
        assert (again / name).read_bytes() == (folder / name).read_bytes(), name
    # a second run replaces the earlier discovery in place
    from instap.commands.discover import discover_command
    assert discover_command(sweep, "y >= 120") == folder
    assert {p.name for p in folder.iterdir()} == expected
    assert (folder / "discovery.json").read_bytes() == (again / "discovery.json").read_bytes()
    assert [p.name for p in folder.parent.iterdir()] == ["y_ge_120"]


@pytest.mark.parametrize(("where", "message"), [
    ("y => 120", "expected OUTPUT OPERATOR NUMBER"),
    ("y >= ", "expected OUTPUT OPERATOR NUMBER"),
    ("y", "expected OUTPUT OPERATOR NUMBER"),
    ("y != 3", "expected OUTPUT OPERATOR NUMBER"),
    ("y >= abc", "'abc' is not a number"),
    ("y >= nan", "allowed: a finite number"),
    ("yy >= 120", "unknown output 'yy' (did you mean 'y'?); allowed outputs: y, z"),
    ("x1 >= 0.5", "'x1' is a factor of this sweep, not an output"),
    ("y > 1000", "none of the 300 runs meets it (y ranges from"),
    ("y > 0", "all 300 runs meet it"),
])
def test_a_bad_condition_is_one_line_and_writes_nothing(sweep: Path, where: str,
                                                         message: str) -> None:
    from instap.commands.discover import discover_command
    with pytest.raises(InstapError) as err:
        discover_command(sweep, where, out=sweep.parent / "never")
    assert message in str(err.value) and "\n" not in str(err.value)
    assert "--where" in str(err.value)
    assert not (sweep.parent / "never").exists()


def _listing(folder: Path) -> set[str]:
    """Every file and folder under ``folder``, with its size (what a command wrote)."""
    return {f"{p.relative_to(folder)}:{p.stat().st_size if p.is_file() else '-'}"
            for p in folder.rglob("*")}


def test_bad_folders_and_options_exit_2_and_write_nothing(sweep: Path, tmp_path: Path) -> None:
    from instap.commands.discover import discover_command
    empty = tmp_path / "empty"
    empty.mkdir()
    damaged = tmp_path / "damaged"
    shutil.copytree(sweep, damaged, ignore=shutil.ignore_patterns("discovery"))
    sorted((damaged / "runs").glob("chunk-*.parquet"))[1].unlink()
    cases = [(tmp_path / "missing", {}, "no such folder"),
             (empty, {}, "no manifest.json; not an `instap sweep` folder"),
             (damaged, {}, "missing; run `instap sweep"),
             (sweep, {"cases": "each"}, "--cases 'each': allowed: runs, points"),
             (sweep, {"density": 1.5}, "--density 1.5: allowed: a share above 0")]
    before = _listing(sweep.parent), _listing(tmp_path)
    for folder, options, message in cases:
        with pytest.raises(InstapError) as err:
            discover_command(folder, "y >= 120", **options)
        assert message in str(err.value), str(err.value)
        assert (_listing(sweep.parent), _listing(tmp_path)) == before
    # --out: a file, or a folder holding something else
    (tmp_path / "file").write_text("x")
    with pytest.raises(InstapError, match="is a file; choose a folder"):
        discover_command(sweep, "y >= 120", out=tmp_path / "file")
    with pytest.raises(InstapError, match="holds no earlier discovery"):
        discover_command(sweep, "y >= 120", out=damaged)
    assert (_listing(sweep.parent), _listing(tmp_path)) == (before[0], before[1] | {"file:1"})
    # on the command line: one line on stderr, exit status 2
    done = instap("discover", str(sweep), "--where", "y >> 3")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: --where 'y >> 3': expected OUTPUT OPERATOR NUMBER, e.g. "
        '"durability.survival_months >= 120", with OPERATOR one of >=, >, <=, <, ==']


def test_condition_forms() -> None:
    from instap.sweep.discovery import parse_condition
    outputs = ["durability.survival_months", "y"]
    c = parse_condition("durability.survival_months>=120", outputs)
    assert (c.output, c.op, c.value) == ("durability.survival_months", ">=", 120.0)
    assert c.slug == "durability.survival_months_ge_120"
    assert c.words == "the ecosystem lasts at least 120 months"
    assert parse_condition("  y <  -0.5 ", outputs).slug == "y_lt_minus0p5"
    assert parse_condition("y == 1e2", outputs).text == "y == 100"
    assert parse_condition("y <= 3", outputs).words == "y is at most 3"


def test_a_whole_number_factor_gets_whole_limits() -> None:
    import numpy as np
    import pandas as pd

    from instap.sweep.discovery import discover_runs
    rng = np.random.default_rng(4)
    k = rng.integers(0, 21, 400)
    runs = pd.DataFrame({"run_id": np.arange(400), "point": np.arange(400),
                         "replication": 0, "k": k, "u": rng.random(400),
                         "y": np.where(k >= 11, 120.0, 50.0), "error": None})
    manifest = {"outputs": ["y"], "fingerprint": "x", "experiment": {"name": "t"},
                "base_parameters": {},
                "design": {"seed": 1, "method": "lhs", "points": 400, "replications": 1,
                           "runs": 400, "factors": [
                               {"name": "k", "kind": "uniform", "low": 0, "high": 20,
                                "integer": True},
                               {"name": "u", "kind": "uniform", "low": 0, "high": 1}]}}
    d = discover_runs(runs, manifest, "y >= 120", density=1.0)
    assert d.box.to_dict("records")[0] | {"qp": 0} == d.box.to_dict("records")[0] | {
        "factor": "k", "lower": 11.0, "upper": None, "qp": 0}
    assert d.prim.box.density == 1.0 and d.prim.box.coverage == 1.0
    assert "k ≥ 11" in " ".join(d.sentences)
