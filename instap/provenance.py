"""Provenance and safe writing: versions, commit, fingerprints, JSON and whole folders.

Every output folder (``instap run``, ``instap compare``, ``instap sweep``) records the same
provenance through :func:`package_versions` and :func:`git_commit`, and is written
through :func:`write_json` and :func:`atomic_folder` (a single file, ``instap export``'s
workbook, through :func:`atomic_file`), so a folder appears whole or not at
all and JSON never holds NaN.

Clean ends: a command that writes a folder holds :func:`output_lock` on it from before
its work until the end, so a second command with the same ``--out`` fails at once instead
of after all its work; temporary ``.NAME.partial-PID`` folders and files left behind by a
process killed with -9 are removed by the next write next to them, once that process is
gone (:func:`remove_stale_partials`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import importlib.metadata
import json
import math
import os
import platform
import re
import shutil
import subprocess
import time
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


# ----------------------------------------------------------------------------- code
UNREADABLE = "unreadable"
_FILE_HASHES: dict[tuple[str, int, int, int, int], str] = {}


def file_hash(path: Path, length: int = 16) -> str:
    """A short SHA-256 of the bytes of file ``path`` (:data:`UNREADABLE` when it cannot
    be read). Cached per process by path, size, modification time and inode, so a file
    is read once unless it changes."""
    try:
        st = os.stat(path)
        key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)
        if key not in _FILE_HASHES:
            with open(path, "rb") as handle:
                _FILE_HASHES[key] = hashlib.file_digest(handle, "sha256").hexdigest()
        return _FILE_HASHES[key][:length]
    except OSError:
        return UNREADABLE


def source_files(folder: Path, suffix: str = ".py") -> list[Path]:
    """The ``*.py`` files under ``folder``, sorted; hidden folders and ``__pycache__``
    are skipped and links to folders are not followed (no loops)."""
    found: list[Path] = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        found += [Path(top) / f for f in files if f.endswith(suffix)]
    return sorted(found)


def code_fingerprint(paths: list[Path], root: Path | None = None) -> dict[str, str]:
    """Each file of ``paths`` -> :func:`file_hash` of its bytes, named relative to
    ``root`` (its name alone without a root), in name order. Cheap: a file is read once
    per process unless it changes, and nothing is imported. ``fingerprint`` of the result
    identifies the code wherever its folder lies."""
    def name(path: Path) -> str:
        if root is not None:
            with contextlib.suppress(ValueError):
                return path.relative_to(root).as_posix()
        return path.name

    return dict(sorted((name(p), file_hash(p)) for p in paths))


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
    :class:`InstapError` naming the file when it cannot be written. A temporary copy of
    the same file left by a process that no longer runs is removed first."""
    remove_stale_partials(path.parent, only=path.name)
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
    """``results/<safe name>-<YYYYmmdd-HHMMSS>``, with a suffix if that already exists (or
    another command holds its lock)."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    name = safe_name(name)
    out = parent / f"{name}-{stamp}"
    k = 2
    while out.exists() or lock_path(out).exists():
        out = parent / f"{name}-{stamp}-{k}"
        k += 1
    return out


def check_out_folder(out: Path, option: str = "--out") -> None:
    """Refuse a target that exists and is not an empty folder (``option`` names it in the
    message: ``--out`` on the command line, ``folder`` in the Python API)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        what = "is a file" if not out.is_dir() else "exists and is not empty"
        raise InstapError(f"{option} {out}: {what}; choose a new folder or remove it first")


@contextlib.contextmanager
def atomic_folder(final: Path) -> Iterator[Path]:
    """Yield a temporary folder next to ``final``; rename it to ``final`` on success and
    remove it on any error or interrupt. Stale temporary folders and files of processes
    that no longer run are removed from ``final``'s parent first."""
    check_out_folder(final)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_partials(final.parent)
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


def check_new_file(out: Path, option: str = "--out") -> None:
    """Refuse a target file that already exists (it is never replaced)."""
    if out.exists() or out.is_symlink():
        what = "is a folder" if out.is_dir() else "exists"
        raise InstapError(f"{option} {out}: {what}; choose a new file name or remove it first")


@contextlib.contextmanager
def atomic_file(final: Path, option: str = "--out") -> Iterator[Path]:
    """Yield a temporary file name next to ``final``; move the file to ``final`` on
    success (refused if ``final`` exists by then: it is never replaced) and remove it on
    any error or interrupt. Hold :func:`output_lock` on ``final`` (``empty=False``) around
    it, as for a folder."""
    check_new_file(final, option)
    tmp = final.with_name(f".{final.name}.partial-{os.getpid()}")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_partials(final.parent, only=final.name)
        tmp.unlink(missing_ok=True)
    except OSError as err:
        raise InstapError(f"{option} {final}: cannot create the file ({err.strerror})") from None
    try:
        yield tmp
        check_new_file(final, option)
        os.replace(tmp, final)
    except OSError as err:
        raise InstapError(f"{option} {final}: cannot write the file ({err.strerror})") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- clean ends
_PARTIAL = re.compile(r"\.(?P<name>.+)\.partial-(?P<pid>[0-9]{1,10})")
_LOCK = re.compile(r"\.(?P<name>.+)\.lock")


def lock_path(final: Path) -> Path:
    """The lock file of output folder ``final``: ``.NAME.lock`` next to it."""
    return final.parent / f".{final.name}.lock"


def _process_gone(pid: int, since: float) -> bool:
    """Whether process ``pid`` cannot be the one that wrote something last modified at
    ``since`` (epoch seconds): it does not exist, is a zombie, or started later (its pid
    was reused)."""
    if pid == os.getpid():
        return False
    if not 0 < pid <= 2**22:  # no process has that id (Linux's pid_max is at most 2**22)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's process
        return False
    try:  # Linux: state and start time of the process, to see through pid reuse
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(float(line.split()[1]) for line in
                    Path("/proc/stat").read_text().splitlines() if line.startswith("btime"))
    except (OSError, IndexError, ValueError, StopIteration):
        return False
    started = boot + int(stat[19]) / os.sysconf("SC_CLK_TCK")
    return stat[0] in ("Z", "X") or started > since + 2


def remove_stale_partials(folder: Path, only: str | None = None) -> list[Path]:
    """Remove the ``.NAME.partial-PID`` folders and files in ``folder`` (of ``NAME`` ==
    ``only`` if given) whose process no longer runs, and unheld ``.NAME.lock`` files;
    return what was removed. A partial of a live process is never touched."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        part = _PARTIAL.fullmatch(entry.name)
        if part is None or (only is not None and part["name"] != only):
            if only is None and _LOCK.fullmatch(entry.name) and _drop_unheld_lock(
                    Path(entry.path)):
                removed.append(Path(entry.path))
            continue
        try:
            mtime = entry.stat(follow_symlinks=False).st_mtime
            if not _process_gone(int(part["pid"]), mtime):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def _take_lock(path: Path, create: bool = True) -> int | None:
    """An open descriptor of ``path`` holding its exclusive lock, or ``None`` when another
    process holds it. Safe against a holder that removes the file meanwhile."""
    flags = os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW | (os.O_CREAT if create else 0)
    while True:
        fd = os.open(path, flags, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            os.close(fd)
            if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return None
            raise
        try:  # the file may have been removed by its previous holder: lock the new one
            if os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            if not create:
                os.close(fd)
                raise
        os.close(fd)


def _lock_pid(path: Path) -> int | None:
    """The pid a lock file holds (None: unreadable, or not written yet by its holder)."""
    try:
        return int(path.read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _drop_unheld_lock(path: Path) -> bool:
    """Remove the lock file ``path`` if no process holds it (left by a killed process)."""
    pid = _lock_pid(path)
    try:
        if pid is None or not _process_gone(pid, path.stat().st_mtime):
            return False
    except OSError:
        return False
    try:
        fd = _take_lock(path, create=False)
    except OSError:
        return False
    if fd is None:
        return False
    try:
        path.unlink()
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def _holder(path: Path) -> str:
    """`` (pid N)`` of the process that holds the lock file ``path``, if it says."""
    pid = _lock_pid(path)
    return "" if pid is None else f" (pid {pid})"


@contextlib.contextmanager
def output_lock(final: Path, option: str = "--out", empty: bool = True) -> Iterator[None]:
    """Hold the exclusive lock of output folder ``final`` for the ``with`` block.

    The lock is ``.NAME.lock`` next to ``final`` (created, with the parent folders, if
    missing), held with ``flock`` and holding this process's pid. A second command on the
    same folder fails at once with an :class:`InstapError` (``option`` names the folder in
    it). The lock ends with the block on success, error, Ctrl-C or SIGTERM, and with the
    process if it is killed (a later command takes a left-over lock file over). With
    ``empty`` (``instap run``, ``instap compare``) ``final`` must also be missing or an
    empty folder, checked before and after taking the lock. Parent folders created here
    are removed again if they are still empty at the end. Use it around the whole command
    (``instap sweep`` can hold it on its folder with ``empty=False``)::

        with output_lock(final):
            ...  # the work
            with atomic_folder(final) as tmp:
                ...  # the writing
    """
    if empty:
        check_out_folder(final, option)
    created = [p for p in (final.parent, *final.parent.parents) if not p.exists()]
    lock = lock_path(final)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        fd = _take_lock(lock)
        for _ in range(5):  # briefly held by a command removing a left-over lock file?
            if fd is not None:
                break
            time.sleep(0.1)
            fd = _take_lock(lock)
    except OSError as err:
        _remove_empty(created)
        raise InstapError(f"{option} {final}: cannot create the folder "
                          f"({err.strerror or err})") from None
    except BaseException:  # Ctrl-C or SIGTERM while taking it
        _remove_empty(created)
        raise
    if fd is None:
        raise InstapError(f"{option} {final}: another instap command{_holder(lock)} is "
                          "writing this folder; wait for it to finish or choose another "
                          f"{option}")
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        if empty:
            check_out_folder(final, option)
        remove_stale_partials(final.parent)
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()
        os.close(fd)
        _remove_empty(created)


def _remove_empty(folders: list[Path]) -> None:
    """Remove ``folders`` (deepest first) while they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return
