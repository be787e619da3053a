"""The examples of docs/api.md run as written (doctest), on small runs."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_examples_of_docs_api_md_run(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    sweep_folder = tmp_path / "smoke"
    done = subprocess.run(
        [sys.executable, "-c", "from instap.cli import main; main()", "sweep",
         str(ROOT / "experiments" / "smoke_sobol.yaml"), "--out", str(sweep_folder),
         "--jobs", "1"], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    monkeypatch.chdir(ROOT)  # the examples name scenarios/... relative to the repository
    results = doctest.testfile(str(ROOT / "docs" / "api.md"), module_relative=False,
                               globs={"sweep_folder": sweep_folder},
                               optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                               raise_on_error=False, verbose=False)
    assert results.attempted > 20
    assert results.failed == 0, f"{results.failed} examples of docs/api.md failed (above)"
