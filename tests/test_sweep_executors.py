"""Resume after a killed sweep, and the same results from every executor and worker count."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd

from tests.sweep_helpers import experiment, instap

FACTORS = {"x1": {"low": 0, "high": 1}, "x2": {"low": -1, "high": 1}}


def _runs(folder) -> pd.DataFrame:
    df = pd.read_parquet(folder / "runs")
    return df.sort_values("run_id").reset_index(drop=True)


def test_resume_after_kill_equals_uninterrupted(tmp_path):
    exp = experiment(tmp_path, model="sweep_models:slow_linear",
                     design={"method": "lhs", "n": 100}, replications=4, factors=FACTORS,
                     outputs=["y"])
    killed = tmp_path / "killed"
    cmd = [sys.executable, "-c", "from instap.cli import main; main()", "sweep", str(exp),
           "--out", str(killed), "--jobs", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((killed / "runs").glob("chunk-*.parquet"))) < 2:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the coordinator and its pool workers
    proc.wait()
    n_chunks = json.loads((killed / "manifest.json").read_text())["chunks"]["count"]
    kept = len(list((killed / "runs").glob("chunk-*.parquet")))
    assert 2 <= kept < n_chunks, "the kill should land mid-sweep"
    r = instap("sweep", str(exp), "--out", str(killed), "--jobs", "2", "--resume")
    assert r.returncode == 0, r.stderr
    manifest = json.loads((killed / "manifest.json").read_text())
    assert manifest["timings"]["sessions"][-1]["chunks_run"] == n_chunks - kept
    # an uninterrupted sweep with another worker count gives the same runs
    whole = tmp_path / "whole"
    assert instap("sweep", str(exp), "--out", str(whole), "--jobs", "1").returncode == 0
    a, b = _runs(killed), _runs(whole)
    assert len(a) == 400 and a["run_id"].tolist() == list(range(400))
    pd.testing.assert_frame_equal(a, b)
    assert (killed / "sensitivity.csv").read_text() == (whole / "sensitivity.csv").read_text()


def test_resume_of_a_finished_sweep_runs_nothing(tmp_path):
    exp = experiment(tmp_path, model="sweep_models:noisy_linear",
                     design={"method": "lhs", "n": 20}, replications=2, factors=FACTORS,
                     outputs=["y"])
    out = tmp_path / "o"
    assert instap("sweep", str(exp), "--out", str(out), "-j", "1").returncode == 0
    before = _runs(out)
    (out / "runs" / "chunk-00000.parquet").write_bytes(b"corrupt")  # a damaged chunk
    assert instap("sweep", str(exp), "--out", str(out), "-j", "1", "--resume").returncode == 0
    sessions = json.loads((out / "manifest.json").read_text())["timings"]["sessions"]
    assert sessions[-1]["chunks_run"] == 1
    pd.testing.assert_frame_equal(before, _runs(out))


def test_local_and_dask_give_identical_results(tmp_path):
    exp = experiment(tmp_path, model="sweep_models:noisy_linear",
                     design={"method": "sobol", "n": 16}, replications=3, factors=FACTORS,
                     outputs=["y", "seed_echo"])
    local, dask = tmp_path / "local", tmp_path / "dask"
    r = instap("sweep", str(exp), "--out", str(local), "--jobs", "2")
    assert r.returncode == 0, r.stderr
    r = instap("sweep", str(exp), "--out", str(dask), "--jobs", "2", "--executor", "dask")
    assert r.returncode == 0, r.stderr
    pd.testing.assert_frame_equal(_runs(local), _runs(dask))
    assert (local / "sensitivity.csv").read_text() == (dask / "sensitivity.csv").read_text()
    manifest = json.loads((dask / "manifest.json").read_text())
    assert manifest["executor"] == "dask" and manifest["timings"]["workers"] == 2
