"""Smoke test of the benchmark harness (issues 6 and 16): it runs and writes every key.

Only the cheapest figure is measured; no timing is asserted (speed is never a timed test).
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.run import KEYS, main


def test_quick_bench_writes_every_key(tmp_path: Path) -> None:
    """``--quick --only floor_ratio_10k`` writes all keys; the others are null with a note."""
    out = tmp_path / "bench.json"
    assert main(["--quick", "--only", "floor_ratio_10k", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["mode"] == "quick"
    for key in KEYS:
        assert key in report
        assert key in report["figures"]
    assert isinstance(report["floor_ratio_10k"], float) and report["floor_ratio_10k"] > 0
    assert report["figures"]["floor_ratio_10k"]["met"] in (True, False)
    for key in KEYS[1:]:
        assert report[key] is None
        assert report["figures"][key]["note"]
    assert report["machine"]["cores"] >= 1
    # issue 16 replaced the batch_run comparisons (both runners ran the same model)
    assert "replication_cost_vs_v1" in KEYS and "sweep_overhead_ms_per_run" in KEYS
    assert not any(key.startswith("sweep_vs_batch_run") for key in report)
