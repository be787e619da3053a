"""Clean ends (issue 12), in this process: the output lock, stale temporary folders, the
command line's catch-all, damaged run folders and safe default names.

The tests with real processes (kill -9, SIGTERM, two commands at once) are in
tests/test_clean_ends_processes.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import instap.api as api
import instap.commands.compare as cc
import instap.commands.report as rpc
import instap.commands.run as rc
from instap import cli
from instap.errors import InstapError
from instap.provenance import (
    atomic_folder,
    default_out,
    lock_path,
    output_lock,
    remove_stale_partials,
    write_text,
)

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
TINY = dict(reps=2, months=12, overrides=["n_participants=100"], jobs=1, progress=False)


def _cli(*args: str) -> int:
    with pytest.raises(SystemExit) as exc:
        cli.main(list(args))
    return int(exc.value.code or 0)


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err
    return err


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


@pytest.fixture
def sleeper() -> object:
    proc = subprocess.Popen(["sleep", "60"])
    yield proc
    proc.kill()
    proc.wait()


def _no_replications(*args: object, **kwargs: object) -> None:
    raise AssertionError("the replications ran although the folder is locked")


# ----------------------------------------------------------------------------- the lock
def test_a_locked_out_fails_at_once_before_any_work(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    monkeypatch.setattr(api, "run_replications", _no_replications)
    with output_lock(out):
        started = time.monotonic()
        assert _cli("run", str(BASELINE), "--reps", "2", "--out", str(out)) == 2
        assert time.monotonic() - started < 5
        err = _one_error_line(capsys)
        assert f"--out {out}: another instap command (pid {os.getpid()}) is writing" in err
        assert "choose another --out" in err
        assert [p.name for p in tmp_path.iterdir()] == [".out.lock"]
    assert list(tmp_path.iterdir()) == []


def test_compare_on_a_locked_out_fails_before_running(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"

    def no_inputs(*args: object, **kwargs: object) -> None:
        raise AssertionError("inputs were run although the folder is locked")

    monkeypatch.setattr(api, "load_inputs", no_inputs)
    with output_lock(out):
        assert _cli("compare", str(BASELINE), str(BASELINE), "--out", str(out)) == 2
        assert "another instap command" in _one_error_line(capsys)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ending", [None, InstapError("bad"), RuntimeError("bug"),
                                    KeyboardInterrupt()])
def test_the_lock_ends_with_the_block_however_it_ends(
        tmp_path: Path, ending: BaseException | None) -> None:
    out = tmp_path / "a" / "b" / "out"
    expect = pytest.raises(type(ending)) if ending else contextlib.nullcontext()
    with expect, output_lock(out):
        assert lock_path(out).read_text() == f"{os.getpid()}\n"
        if ending is not None:
            raise ending
    # the lock is gone, and so are the parent folders it had to create
    assert list(tmp_path.iterdir()) == []
    with output_lock(out):  # and can be taken again
        pass


def test_a_lock_file_left_by_a_killed_command_is_taken_over(tmp_path: Path) -> None:
    out = tmp_path / "out"
    lock_path(out).write_text(f"{_dead_pid()}\n")
    with output_lock(out):
        assert lock_path(out).read_text() == f"{os.getpid()}\n"
    assert list(tmp_path.iterdir()) == []


def test_output_lock_refuses_a_non_empty_folder_and_a_file(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("keep")
    (tmp_path / "file").write_text("keep")
    for name, what in (("full", "exists and is not empty"), ("file", "is a file")):
        with pytest.raises(InstapError, match=what), output_lock(tmp_path / name):
            pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "full"]
    with output_lock(tmp_path / "full", empty=False):  # a sweep resumes its folder
        pass


def test_output_lock_in_an_impossible_place_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("keep")
    refused = pytest.raises(InstapError, match=r"--out .*file/sub/out: cannot create the folder")
    with refused, output_lock(tmp_path / "file" / "sub" / "out"):
        pass
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_default_out_skips_a_name_another_command_holds(tmp_path: Path) -> None:
    from datetime import datetime

    now = datetime(2026, 1, 2, 3, 4, 5)
    first = default_out("x", now, parent=tmp_path)
    with output_lock(first):
        second = default_out("x", now, parent=tmp_path)
    assert first.name == "x-20260102-030405" and second.name == "x-20260102-030405-2"


# ----------------------------------------------------------------------------- stale partials
def _partial(parent: Path, name: str, pid: int, folder: bool = True) -> Path:
    path = parent / f".{name}.partial-{pid}"
    if folder:
        path.mkdir()
        (path / "timeseries.parquet").write_bytes(b"half")
    else:
        path.write_text("half")
    return path


def test_stale_partials_go_and_live_ones_stay(tmp_path: Path, sleeper: subprocess.Popen[bytes]
                                              ) -> None:
    dead = _dead_pid()
    stale_dir = _partial(tmp_path, "run-1", dead)
    stale_file = _partial(tmp_path, "report.html", dead, folder=False)
    live = _partial(tmp_path, "run-2", sleeper.pid)
    mine = _partial(tmp_path, "run-3", os.getpid())
    no_pid = _partial(tmp_path, "run-4", 0)
    other = tmp_path / ".run-5.partial-abc"
    other.mkdir()
    user = tmp_path / "run-6.partial-1"
    user.mkdir()
    removed = remove_stale_partials(tmp_path)
    assert sorted(removed) == sorted([stale_dir, stale_file, no_pid])
    assert live.is_dir() and mine.is_dir() and other.is_dir() and user.is_dir()


def test_a_reused_pid_does_not_keep_a_partial(tmp_path: Path,
                                              sleeper: subprocess.Popen[bytes]) -> None:
    # the process with this pid started after the partial was last written: not its own
    partial = _partial(tmp_path, "run", sleeper.pid)
    os.utime(partial, (time.time() - 3600, time.time() - 3600))
    assert remove_stale_partials(tmp_path) == [partial]


def test_a_stale_partial_link_is_removed_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "precious"
    target.mkdir()
    (target / "data").write_text("keep")
    link = tmp_path / f".run.partial-{_dead_pid()}"
    link.symlink_to(target)
    assert remove_stale_partials(tmp_path) == [link]
    assert (target / "data").read_text() == "keep"


def test_atomic_folder_and_write_text_clean_up_next_to_them(tmp_path: Path) -> None:
    dead = _dead_pid()
    stale = _partial(tmp_path, "old-run", dead)
    with atomic_folder(tmp_path / "new-run") as tmp:
        (tmp / "x").write_text("x")
    assert not stale.exists() and (tmp_path / "new-run" / "x").is_file()
    stale_file = _partial(tmp_path / "new-run", "report.html", dead, folder=False)
    other_file = _partial(tmp_path / "new-run", "other.json", dead, folder=False)
    write_text("<html>", tmp_path / "new-run" / "report.html")
    assert not stale_file.exists() and other_file.exists()  # only its own name


def test_a_run_cleans_up_after_a_killed_one(tmp_path: Path) -> None:
    dead = _dead_pid()
    stale = _partial(tmp_path, "out", dead)
    lock_path(tmp_path / "out").write_text(f"{dead}\n")
    lock_path(tmp_path / "gone").write_text(f"{dead}\n")
    rc.run_command(BASELINE, out=tmp_path / "out", **TINY)  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert not stale.exists()


# ----------------------------------------------------------------------------- catch-all
def _raiser(error: BaseException) -> Callable[..., None]:
    def command(*args: object, **kwargs: object) -> None:
        raise error
    return command


class _Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no text")


@pytest.mark.parametrize("module,args", [
    (rpc, ("report", "somewhere")),
    (cc, ("compare", "a.yaml", "b.yaml")),
    (rc, ("run", "a.yaml")),
])
@pytest.mark.parametrize("error", [KeyError("durability"), ValueError("x\ny"),
                                   RecursionError(), _Unprintable()])
def test_an_unexpected_error_is_one_line_and_exit_1(
        module: object, args: tuple[str, ...], error: Exception,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    name = f"{args[0]}_command"
    monkeypatch.setattr(module, name, _raiser(error))
    assert _cli(*args) == 1
    err = _one_error_line(capsys)
    assert f"unexpected {type(error).__name__}" in err and "--debug" in err
    with pytest.raises(type(error)):
        cli.main(["--debug", *args])


def test_a_failure_after_sigterm_is_an_interrupt(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # a worker killed by the same SIGTERM breaks the pool before the parent's handler runs
    monkeypatch.setattr(rc, "run_command", _raiser(BrokenProcessPool("a worker died")))
    monkeypatch.setattr(cli, "_SIGNALLED", [15])
    assert _cli("run", "a.yaml") == 130
    assert capsys.readouterr().err == "interrupted; nothing was written\n"


def test_sigterm_handler_is_an_interrupt() -> None:
    signalled: list[int] = []
    saved = cli._SIGNALLED
    cli._SIGNALLED = signalled
    try:
        with pytest.raises(KeyboardInterrupt):
            cli._sigterm_as_interrupt(15, None)
    finally:
        cli._SIGNALLED = saved
    assert signalled == [15]


# ----------------------------------------------------------------------------- damaged folders
@pytest.fixture(scope="module")
def good_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("good") / "run"
    rc.run_command(BASELINE, out=out, **TINY)  # type: ignore[arg-type]
    return out


def _json(name: str, change: Callable[[dict[str, object]], object]) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        data = json.loads((folder / name).read_text())
        new = change(data)
        (folder / name).write_text(json.dumps(data if new is None else new))
    return damage


def _write(name: str, content: bytes) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / name).write_bytes(content)
    return damage


def _truncate(name: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[: len(data) // 2])
    return damage


def _table(name: str, change: Callable[[pa.Table], pa.Table]) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        pq.write_table(change(pq.read_table(folder / name)), folder / name)
    return damage


def _remove(name: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / name).unlink()
    return damage


def _write_from(source: str, name: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        shutil.copy(folder / source, folder / name)
    return damage


def _empty(folder: Path) -> None:
    shutil.rmtree(folder)
    folder.mkdir()


def _sweep(folder: Path) -> None:
    _empty(folder)
    (folder / "runs").mkdir()
    (folder / "manifest.json").write_text('{"experiment": "x"}')


def _text_column(table: pa.Table) -> pa.Table:
    i = table.schema.get_field_index("engaged")
    return table.set_column(i, "engaged", pa.array(["x"] * len(table)))


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "manifest not json": (_write("manifest.json", b"{not json"),
                          "manifest.json is not valid JSON"),
    "manifest {}": (_write("manifest.json", b"{}"), "manifest.json has no resolved parameters"),
    "manifest []": (_write("manifest.json", b"[]"), "manifest.json holds a list"),
    "manifest deep": (_write("manifest.json", b"[" * 100_000), "manifest.json is not valid"),
    "manifest not utf-8": (_write("manifest.json", b"\xff\xfe{"), "is not UTF-8"),
    "months text": (_json("manifest.json", lambda m: m["params"].update(months="x")),  # type: ignore[attr-defined]
                    "params.months = 'x' is not allowed; allowed: a whole number"),
    "months huge": (_json("manifest.json", lambda m: m["params"].update(months=10**12)),  # type: ignore[attr-defined]
                    "params.months = 1000000000000 is not allowed"),
    "scenario a list": (_json("manifest.json", lambda m: m.update(scenario=[1])),
                        "manifest.json has a 'scenario' that is not an object"),
    "seeds text": (_json("manifest.json", lambda m: m.update(seeds=["a"])),
                   "'seeds' that are not a list of whole numbers"),
    "seeds short": (_json("manifest.json", lambda m: m.update(seeds=m["seeds"][:1])),  # type: ignore[index]
                    "the seeds of manifest.json (1) and of metrics.parquet (2) differ"),
    "summary []": (_write("summary.json", b"[]"), "summary.json holds a list"),
    "summary {}": (_write("summary.json", b"{}"), "summary.json lacks durability"),
    "summary text estimate": (
        _json("summary.json", lambda s: s["finance"].update(sroi_10y="x")),  # type: ignore[attr-defined]
        "summary.json has finance.sroi_10y = a text, not an estimate"),
    "summary text mean": (
        _json("summary.json", lambda s: s["finance"]["sroi_10y"].update(mean="x")),  # type: ignore[index]
        "summary.json has finance.sroi_10y.mean = a text, not a number"),
    "metrics missing": (_remove("metrics.parquet"), "not an `instap run` folder (missing "
                        "metrics.parquet)"),
    "metrics truncated": (_truncate("metrics.parquet"),
                          "metrics.parquet is not a readable parquet table"),
    "metrics empty file": (_write("metrics.parquet", b""),
                           "metrics.parquet is not a readable parquet table"),
    "timeseries truncated": (_truncate("timeseries.parquet"),
                             "timeseries.parquet is not a readable parquet table"),
    "metrics swapped": (_write_from("timeseries.parquet", "metrics.parquet"),
                        "metrics.parquet lacks the column(s) durability.survival_months"),
    "metrics no rows": (_table("metrics.parquet", lambda t: t.slice(0, 0)),
                        "metrics.parquet has no rows"),
    "timeseries text column": (_table("timeseries.parquet", _text_column),
                               "timeseries.parquet has column engaged that does not hold"),
    "timeseries fewer runs": (
        _table("timeseries.parquet", lambda t: t.filter(pc.equal(t["replication"], 0))),
        "metrics.parquet and timeseries.parquet hold different replications"),
    "empty folder": (_empty, "not an `instap run` folder (missing manifest.json"),
    "sweep folder": (_sweep, "an `instap sweep` folder, not an `instap run` folder"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
@pytest.mark.parametrize("command", ["report", "compare"])
def test_a_damaged_run_folder_is_refused_in_one_line(
        case: str, command: str, good_run: Path, tmp_path: Path, in_tmp_cwd: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "damaged"
    shutil.copytree(good_run, folder)
    damage, expected = DAMAGE[case]
    damage(folder)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    args = ["report", str(folder)] if command == "report" else [
        "compare", str(good_run), str(folder), "--reps", "2"]
    started = time.monotonic()
    assert _cli(*args) == 2
    assert time.monotonic() - started < 20
    err = _one_error_line(capsys)
    assert f"error: {folder}" in err and expected in err, err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_the_good_run_folder_still_reports(good_run: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(good_run, folder)
    rpc.report_command(folder)
    assert (folder / "report.html").stat().st_size > 1000


# ----------------------------------------------------------------------------- names
@pytest.mark.parametrize("name", ["../../escaped", "/tmp/abs", ".hidden", "a/../../b"])
def test_a_scenario_name_cannot_leave_results(name: str, in_tmp_cwd: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    work = in_tmp_cwd / "w"
    work.mkdir()
    os.chdir(work)
    (work / "s.yaml").write_text(f"name: {json.dumps(name)}\n")
    out = rc.run_command(Path("s.yaml"), **TINY)  # type: ignore[arg-type]
    assert out.parent == Path("results") and not out.name.startswith(".")
    assert sorted(p.name for p in in_tmp_cwd.iterdir()) == ["w"]
    assert sorted(p.name for p in work.iterdir()) == ["results", "s.yaml"]
    out = cc.compare_command([Path("s.yaml"), Path("s.yaml")], reps=1, jobs=1,
                             progress=False)
    assert out.parent == Path("results") and out.name.startswith("compare-")
    capsys.readouterr()


def test_a_lock_whose_holder_has_not_written_its_pid_yet_is_still_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Between creating the lock file and writing its pid the holder leaves it empty: a
    second command says the folder is busy (without a pid), not an unexpected error."""
    out = tmp_path / "out"
    monkeypatch.setattr(api, "run_replications", _no_replications)
    with output_lock(out):
        lock_path(out).write_text("")
        assert _cli("run", str(BASELINE), "--reps", "2", "--out", str(out)) == 2
        err = _one_error_line(capsys)
        assert f"--out {out}: another instap command is writing this folder" in err
