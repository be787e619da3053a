"""Shared fixtures: the repository's own files, a scratch working folder, and a guard that
no test writes into the repository's ``results/`` folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's top folder."""
    return ROOT


@pytest.fixture(scope="session")
def baseline_yaml() -> Path:
    """The baseline scenario file."""
    return ROOT / "scenarios" / "baseline.yaml"


@pytest.fixture
def in_tmp_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test with ``tmp_path`` as working folder (default output goes there)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session", autouse=True)
def _results_folder_untouched() -> Iterator[None]:
    """Tests write into temporary folders only, never into the repository's results/."""
    results = ROOT / "results"
    before = set(results.iterdir()) if results.is_dir() else set()
    yield
    after = set(results.iterdir()) if results.is_dir() else set()
    new = sorted(str(p.relative_to(ROOT)) for p in after - before)
    assert not new, f"tests wrote into the repository's results/: {new}"
