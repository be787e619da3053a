"""Finished folders the fuzz cases damage: one small run, a comparison of it with itself
and one small sweep, made once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.corpus import BASELINE, FACTORS, OUTPUTS, SMALL, experiment
from tests.fuzz.harness import instap


@pytest.fixture(scope="session")
def finished(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``{"run": folder, "compare": folder, "sweep": folder, "sweep-experiment": file}``,
    made by instap."""
    root = tmp_path_factory.mktemp("fuzz-finished")
    run = instap(["run", str(BASELINE), *SMALL[:6], "--reps", "2", "--out", "run"], root,
                 timeout=300)
    assert run.code == 0, run.describe()
    compare = instap(["compare", "run", "run", "--out", "compare"], root, timeout=300)
    assert compare.code == 0, compare.describe()
    exp = root / "sweep.yaml"
    exp.write_text(experiment(FACTORS + OUTPUTS), encoding="utf-8")
    sweep = instap(["sweep", str(exp), "--out", "sweep", "--jobs", "2"], root, timeout=300)
    assert sweep.code == 0, sweep.describe()
    chunks = sorted((root / "sweep" / "runs").glob("chunk-*.parquet"))
    assert len(chunks) >= 4, f"the damage cases need at least 4 chunks, got {len(chunks)}"
    return {"run": root / "run", "compare": root / "compare", "sweep": root / "sweep",
            "sweep-experiment": exp}
