"""Provenance and safe writing: versions, commit, fingerprints, JSON and whole folders.

Every output folder (``instap run``, ``instap compare``, ``instap sweep``) records the same
provenance through :func:`package_versions` and :func:`git_commit`, and is written
through :func:`write_json` and :func:`atomic_folder`, so a folder appears whole or not at
all and JSON never holds NaN.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import math
import os
import platform
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from instap.errors import InstapError

PACKAGES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "matplotlib", "pydantic",
            "ruamel.yaml", "typer", "tqdm", "SALib", "dask", "distributed")
REPO = Path(__file__).resolve().parents[1]
RESULTS = Path("results")


def package_versions() -> dict[str, str | None]:
    """Versions of Python, the platform, instap and the libraries results depend on."""
    out: dict[str, str | None] = {"python": platform.python_version(),
                                  "platform": platform.platform()}
    for name in ("instap", *PACKAGES):
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_commit() -> str | None:
    """The commit the code was run from, ``+dirty`` when tracked files differ; ``None``
    outside a git checkout."""
    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True,
                              text=True, timeout=10, check=False)

    try:
        head = git("rev-parse", "HEAD")
        if head.returncode != 0 or not head.stdout.strip():
            return None
        dirty = git("status", "--porcelain", "--untracked-files=no").stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("+dirty" if dirty else "")


def fingerprint(data: Any, length: int = 16) -> str:
    """A short SHA-256 of ``data`` as canonical JSON (keys sorted)."""
    blob = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:length]


# ----------------------------------------------------------------------------- JSON
def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def json_text(data: Any) -> str:
    """Indented JSON; NaN and infinities become null, other objects their ``str``."""
    return json.dumps(_clean(data), indent=2, allow_nan=False, ensure_ascii=False,
                      default=str) + "\n"


def write_text(text: str, path: Path) -> None:
    """Write ``text`` atomically: a temporary file next to ``path``, then a rename; an
    :class:`InstapError` naming the file when it cannot be written."""
    tmp = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as err:
        raise InstapError(f"{path}: cannot write the file ({err.strerror})") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_json(data: Any, path: Path) -> None:
    """Write ``data`` as JSON (see :func:`json_text`), atomically."""
    write_text(json_text(data), path)


# ----------------------------------------------------------------------------- folders
SAFE_NAME_LENGTH = 80


def safe_name(name: str, fallback: str = "scenario") -> str:
    """``name`` as one safe folder name: letters (accented too), digits, ``.``, ``_`` and
    ``-`` only (others become ``-``), no leading dot, at most :data:`SAFE_NAME_LENGTH`
    characters, so a scenario or experiment called ``../../x`` or ``/etc`` cannot leave
    ``results/``."""
    cleaned = re.sub(r"[^\w.-]+", "-", name).strip("-.")
    return cleaned[:SAFE_NAME_LENGTH].rstrip("-.") or fallback


def default_out(name: str, now: datetime | None = None, parent: Path = RESULTS) -> Path:
    """``results/<safe name>-<YYYYmmdd-HHMMSS>``, with a suffix if that already exists."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    name = safe_name(name)
    out = parent / f"{name}-{stamp}"
    k = 2
    while out.exists():
        out = parent / f"{name}-{stamp}-{k}"
        k += 1
    return out


def check_out_folder(out: Path) -> None:
    """Refuse a target that exists and is not an empty folder."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        what = "is a file" if not out.is_dir() else "exists and is not empty"
        raise InstapError(f"--out {out}: {what}; choose a new folder or remove it first")


@contextlib.contextmanager
def atomic_folder(final: Path) -> Iterator[Path]:
    """Yield a temporary folder next to ``final``; rename it to ``final`` on success and
    remove it on any error or interrupt."""
    check_out_folder(final)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.parent / f".{final.name}.partial-{os.getpid()}"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir()
    except OSError as err:
        raise InstapError(f"--out {final}: cannot create the folder ({err.strerror})") from None
    try:
        yield tmp
        if final.is_dir() and not any(final.iterdir()):
            final.rmdir()
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
