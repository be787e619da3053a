"""Helpers for sweep tests: write experiments next to a copy of ``sweep_models`` and run
``instap`` in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

TESTS = Path(__file__).resolve().parent
PI = 3.141592653589793
ISHIGAMI_FACTORS = {f"x{i}": {"low": -PI, "high": PI} for i in (1, 2, 3)}


def experiment(folder: Path, name: str = "exp", **fields: Any) -> Path:
    """Write ``folder/name.yaml`` (with ``sweep_models.py`` beside it); return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(TESTS / "sweep_models.py", folder / "sweep_models.py")
    data = {"name": name, "seed": 11, **fields}
    path = folder / f"{name}.yaml"
    with path.open("w", encoding="utf-8") as handle:
        YAML(typ="safe", pure=True).dump(data, handle)
    return path


def instap(*args: str, cwd: Path | None = None, **kw: Any) -> subprocess.CompletedProcess:
    """Run the ``instap`` command line; capture its output."""
    cmd = [sys.executable, "-c", "from instap.cli import main; main()", *args]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=600, **kw)
