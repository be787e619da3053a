"""Issue 15, item 5: a sweep records the fingerprint of the model code it ran; a
``--resume`` with other model code is refused unless ``--force`` (recorded in the
manifest), ``instap analyze`` refuses chunks of another model version, and old folders
without model fingerprints are still analysed, with one warning line."""

from __future__ import annotations

import html
import json
import shutil
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from instap import cli
from instap.provenance import code_fingerprint, file_hash, fingerprint
from instap.sweep import store
from instap.sweep.modelcode import describe_change, model_code
from instap.sweep.targets import RunSpec
from tests.sweep_helpers import experiment, instap

FACTORS = {"x1": {"low": 0, "high": 1}, "x2": {"low": -1, "high": 1}}
LINEAR = {"model": "sweep_models:noisy_linear", "design": {"method": "lhs", "n": 20},
          "replications": 2, "factors": FACTORS, "outputs": ["y"]}
ANALYSIS = ("sensitivity.csv", "verdicts.json", "report.html")


def cli_run(args: list[Any], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``instap ARGS`` in this process: (exit status, stderr)."""
    code: Any = 0
    try:
        cli.main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code
    return int(code or 0), capsys.readouterr().err


def lines(err: str) -> list[str]:
    """Stderr lines other than the progress bar and the notes of imported model code."""
    return [line for line in err.replace("\r", "\n").splitlines()
            if line.strip() and not line.startswith(("sweep: ", "instap sweep: importing"))]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and next to it, with its bytes."""
    return {str(p.relative_to(folder.parent)): p.read_bytes()
            for p in folder.parent.rglob("*") if p.is_file()}


def chunk_model(path: Path) -> str | None:
    value = (pq.read_schema(path).metadata or {}).get(store.META_MODEL)
    return value.decode() if value is not None else None


def set_chunk_meta(path: Path, model: str | None) -> None:
    """Rewrite a chunk's model fingerprint (``None``: remove it, as an older instap)."""
    table = pq.read_table(path)
    meta = dict(table.schema.metadata or {})
    meta.pop(store.META_MODEL, None)
    if model is not None:
        meta[store.META_MODEL] = model.encode()
    pq.write_table(table.replace_schema_metadata(meta), path)


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished sweep of a copied ``sweep_models`` (8 chunks), run in a subprocess."""
    root = tmp_path_factory.mktemp("fingerprint")
    path = experiment(root / "exp", "e", **LINEAR)
    done = instap("sweep", str(path), "--out", str(root / "sweep"), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def work(finished: Path, tmp_path: Path) -> Path:
    """A private copy of the finished sweep and its experiment."""
    shutil.copytree(finished, tmp_path / "w")
    return tmp_path / "w"


# ----------------------------------------------------------------------------- recorded
def test_manifest_and_chunks_record_the_model_code(finished: Path) -> None:
    manifest = json.loads((finished / "sweep" / "manifest.json").read_text())
    code = manifest["model_code"]
    modules = {m["module"]: m for m in code["modules"]}
    assert set(modules) == {"sim", "sweep_models"}
    model_file = finished / "exp" / "sweep_models.py"
    assert modules["sweep_models"]["path"] == str(model_file.resolve())
    assert modules["sweep_models"]["files"] == {"sweep_models.py": file_hash(model_file)}
    assert "sim/model.py" in modules["sim"]["files"]
    assert manifest["git_commit"] is None or len(manifest["git_commit"]) >= 40
    assert manifest["invocations"][0]["model_fingerprint"] == code["fingerprint"]
    chunks = store.chunk_files(finished / "sweep")
    assert len(chunks) >= 4
    assert {chunk_model(p) for p in chunks} == {code["fingerprint"]}
    assert f"model code: {code['fingerprint']}" in (finished / "sweep" / "report.html"
                                                     ).read_text()


def test_the_fingerprint_follows_the_bytes_not_the_place(tmp_path: Path) -> None:
    a = tmp_path / "a" / "m.py"
    b = tmp_path / "b" / "m.py"
    for p in (a, b):
        p.parent.mkdir()
        p.write_text("def f(x, seed):\n    return {'y': x}\n")
    assert fingerprint(code_fingerprint([a])) == fingerprint(code_fingerprint([b]))
    before = file_hash(a)
    a.write_text("def f(x, seed):\n    return {'y': 2 * x}\n")  # same process: not stale
    assert file_hash(a) != before
    assert fingerprint(code_fingerprint([a])) != fingerprint(code_fingerprint([b]))


def test_the_user_module_is_hashed_without_being_imported(tmp_path: Path) -> None:
    """A module not yet imported is found on the path, never run; a package counts all its
    .py files."""
    pkg = tmp_path / "fp_pkg_never_imported"
    (pkg / "sub").mkdir(parents=True)
    marker = tmp_path / "imported"
    (pkg / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "model.py").write_text("def f(x, seed):\n    return {'y': x}\n")
    spec = RunSpec(model="fp_pkg_never_imported.sub.model:f", extra_paths=(str(tmp_path),))
    code = model_code(spec)
    assert not marker.exists()
    entry = code["modules"][1]
    assert entry["package"] and entry["path"] == str(pkg.resolve())
    assert set(entry["files"]) == {"fp_pkg_never_imported/__init__.py",
                                   "fp_pkg_never_imported/sub/__init__.py",
                                   "fp_pkg_never_imported/sub/model.py"}
    (pkg / "sub" / "model.py").write_text("def f(x, seed):\n    return {'y': -x}\n")
    changed = model_code(spec)
    assert changed["fingerprint"] != code["fingerprint"]
    assert describe_change(code, changed) == (
        f"the model package {pkg.resolve()} changed since this sweep started "
        "(fp_pkg_never_imported/sub/model.py differs)")


def test_a_change_in_sim_is_named() -> None:
    now = model_code(RunSpec())
    assert [m["module"] for m in now["modules"]] == ["sim"]
    before = json.loads(json.dumps(now))
    before["modules"][0]["files"]["sim/model.py"] = "0" * 16
    assert describe_change(before, now) == ("the model code changed since this sweep "
                                            "started (sim/ differs: sim/model.py)")


# ----------------------------------------------------------------------------- resume
def test_resume_after_editing_the_model_is_refused_then_forced(work: Path,
                                                               capsys) -> None:
    sweep, exp = work / "sweep", work / "exp" / "e.yaml"
    model = work / "exp" / "sweep_models.py"
    chunks = store.chunk_files(sweep)
    for path in chunks[-3:]:  # as a kill leaves it
        path.unlink()
    old = json.loads((sweep / "manifest.json").read_text())["model_code"]["fingerprint"]
    model.write_text(model.read_text().replace("2 * x1 + x2", "3 * x1 + x2"))
    before = snapshot(sweep)
    t0 = time.perf_counter()
    done = instap("sweep", str(exp), "--out", str(sweep), "--resume", "--jobs", "1")
    errors = lines(done.stderr)
    assert done.returncode == 2, done.stderr
    assert len(errors) == 1 and errors[0].startswith("error: --resume: "), done.stderr
    assert f"the model file {model.resolve()} changed since this sweep started" in errors[0]
    assert "--force" in errors[0] and "Traceback" not in done.stderr
    assert snapshot(sweep) == before  # nothing written
    assert time.perf_counter() - t0 < 60

    done = instap("sweep", str(exp), "--out", str(sweep), "--resume", "--force",
                  "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert "--force: resuming" in done.stderr
    manifest = json.loads((sweep / "manifest.json").read_text())
    new = manifest["model_code"]["fingerprint"]
    assert new != old
    last = manifest["invocations"][-1]
    assert last["command"].endswith("--resume --force")
    assert last["mixed_model_versions"]["before"] == old
    assert last["mixed_model_versions"]["after"] == new
    assert str(model.resolve()) in last["mixed_model_versions"]["change"]
    models = [chunk_model(p) for p in store.chunk_files(sweep)]
    assert models == [old] * (len(chunks) - 3) + [new] * 3
    # the accepted mix is analysed, with one warning line that says so
    code, err = cli_run(["analyze", sweep], capsys)
    assert code == 0, err
    warnings = [line for line in lines(err) if line.startswith("warning: ")]
    assert len(warnings) == 1 and "mix model versions" in warnings[0], err
    assert f"runs mixed with --force: {old} -> {new}" in html.unescape(
        (sweep / "report.html").read_text())
    # a further resume with the same (new) code needs no --force
    again = instap("sweep", str(exp), "--out", str(sweep), "--resume", "--jobs", "1")
    assert again.returncode == 0, again.stderr
    assert "mixed_model_versions" not in json.loads(
        (sweep / "manifest.json").read_text())["invocations"][-1]


def test_force_needs_resume(work: Path, capsys) -> None:
    out = work / "new"
    code, err = cli_run(["sweep", work / "exp" / "e.yaml", "--out", out, "--force"], capsys)
    assert code == 2 and lines(err) == ["error: --force needs --resume (it lets a resume mix "
                                        "model versions)"], err
    assert not out.exists()


# ----------------------------------------------------------------------------- analyze
def test_analyze_refuses_a_chunk_of_another_model_version(work: Path, capsys) -> None:
    sweep = work / "sweep"
    set_chunk_meta(store.chunk_path(sweep, 2), "0123456789abcdef")
    before = snapshot(sweep)
    t0 = time.perf_counter()
    code, err = cli_run(["analyze", sweep], capsys)
    assert code == 2, err
    assert len(lines(err)) == 1, err
    line = lines(err)[0]
    assert line.startswith(f"error: {sweep}: chunk-00002.parquet was written by another "
                           "model version (model fingerprint '0123456789abcdef'"), line
    assert "--resume" in line and "Traceback" not in err
    assert snapshot(sweep) == before
    assert time.perf_counter() - t0 < 30


def test_resume_re_runs_a_chunk_of_another_model_version(work: Path, capsys) -> None:
    sweep = work / "sweep"
    right = chunk_model(store.chunk_path(sweep, 0))
    set_chunk_meta(store.chunk_path(sweep, 1), "0123456789abcdef")
    set_chunk_meta(store.chunk_path(sweep, 3), None)  # unknown: kept, not re-run
    done = instap("sweep", str(work / "exp" / "e.yaml"), "--out", str(sweep), "--resume",
                  "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert "repairing" in done.stderr and "chunk-00001.parquet" in done.stderr
    assert chunk_model(store.chunk_path(sweep, 1)) == right
    assert chunk_model(store.chunk_path(sweep, 3)) is None


def test_an_old_folder_without_model_fingerprints_still_analyses(work: Path, capsys) -> None:
    sweep = work / "sweep"
    manifest = json.loads((sweep / "manifest.json").read_text())
    del manifest["model_code"]
    for inv in manifest["invocations"]:
        del inv["model_fingerprint"]
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    for path in store.chunk_files(sweep):
        set_chunk_meta(path, None)
    for name in ANALYSIS:
        (sweep / name).unlink()
    code, err = cli_run(["analyze", sweep], capsys)
    assert code == 0, err
    found = lines(err)
    assert len(found) == 2 and found[-1] == f"analysis written to {sweep}", err
    assert found[0].startswith(f"warning: {sweep}: all chunk files (chunk-00000.parquet ...) "
                               "do not record the model code"), err
    assert all((sweep / name).exists() for name in ANALYSIS)


def test_an_edited_model_code_record_is_refused(work: Path, capsys) -> None:
    sweep = work / "sweep"
    manifest = json.loads((sweep / "manifest.json").read_text())
    manifest["model_code"]["modules"][1]["files"]["sweep_models.py"] = "0" * 16
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    code, err = cli_run(["analyze", sweep], capsys)
    assert code == 2 and len(lines(err)) == 1, err
    assert "model_code.fingerprint" in err and "does not match its files (edited?)" in err


def test_an_old_folder_resumes_with_one_warning(work: Path, capsys) -> None:
    sweep = work / "sweep"
    manifest = json.loads((sweep / "manifest.json").read_text())
    del manifest["model_code"]
    (sweep / "manifest.json").write_text(json.dumps(manifest))
    chunks = store.chunk_files(sweep)
    for path in chunks:
        set_chunk_meta(path, None)
    for path in chunks[:2]:
        path.unlink()
    done = instap("sweep", str(work / "exp" / "e.yaml"), "--out", str(sweep), "--resume",
                  "--jobs", "1")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in lines(done.stderr) if line.startswith("warning: ")]
    assert warnings == [f"warning: --resume: {sweep} does not record the model code of its "
                        "runs (written by an older instap); cannot tell whether it changed"]
    code = json.loads((sweep / "manifest.json").read_text())["model_code"]["fingerprint"]
    assert [chunk_model(p) for p in store.chunk_files(sweep)] == \
        [code] * 2 + [None] * (len(chunks) - 2)
    status, err = cli_run(["analyze", sweep], capsys)
    assert status == 0, err
    assert [line for line in lines(err) if line.startswith("warning: ")] == [
        f"warning: {sweep}: {len(chunks) - 2} of {len(chunks)} chunk files "
        "(chunk-00002.parquet ...) do not record the model code that wrote them (an older "
        "instap); cannot tell whether all runs used the same model"]
