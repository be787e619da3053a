"""Generated bad input (Hypothesis): scenario files, ``--set`` values, experiment files and
damaged result folders. Each example must be answered as the promise says (see
:mod:`tests.fuzz.harness`). The number of examples is ``INSTAP_FUZZ_EXAMPLES``: small in
``make test``, large in ``make fuzz``."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from sim.parameters import PARAMETERS, SECTIONS
from tests.fuzz.corpus import BASELINE, OUTPUTS, SMALL, experiment
from tests.fuzz.harness import EXAMPLES, check
from tests.fuzz.inprocess import call

# In `make test` the examples are the same on every run (derandomized: CI never flakes);
# `make fuzz` sets INSTAP_FUZZ_RANDOM=1 to explore new ones. No example database is kept.
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize=os.environ.get("INSTAP_FUZZ_RANDOM") != "1",
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

NAMES = sorted(PARAMETERS)
#: Values people (and attackers) type where a number belongs, as YAML text.
NASTY_TEXT = [".nan", ".inf", "-.inf", "1e400", "-1e400", "1" + "0" * 400, "9" * 5000,
              "0,6", "true", "no", "null", "~", "''", "[1, 2]", "{a: 1}", "-1", "0", "1e-400",
              "0x1F", "0o17", "1_000", "12.5%", "€ 100", "*a", "&a 1", "!!python/object:os.system",
              "'\\x00'", "1 2", "\t", "🙂"]
scalars = (st.integers(min_value=-(10 ** 30), max_value=10 ** 30)
           | st.floats(allow_nan=True, allow_infinity=True)
           | st.booleans() | st.none() | st.text(max_size=30))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
keys = st.sampled_from(NAMES) | st.text(min_size=1, max_size=20)
sections = st.sampled_from(sorted(SECTIONS)) | st.text(min_size=1, max_size=15)
scenario_trees = st.dictionaries(
    sections, st.dictionaries(keys, values | st.sampled_from(NASTY_TEXT), max_size=4)
    | values, max_size=4)


def _dump(tree: Any) -> str:
    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(tree, stream)
    return stream.getvalue()


def _work() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="instap-fuzz-")


@FUZZ
@given(tree=scenario_trees, top=st.sampled_from(["extends", "none", "name-only"]))
def test_generated_scenario_files(tree: dict[Any, Any], top: str) -> None:
    """Any mapping of sections to anything: validated or refused in one line."""
    head = {"extends": f"name: fuzz\nextends: {BASELINE}\n", "none": "",
            "name-only": "name: fuzz\n"}[top]
    with _work() as tmp:
        work = Path(tmp)
        (work / "s.yaml").write_text(head + _dump(tree), encoding="utf-8")
        check(call(["validate", "s.yaml"], work))


@FUZZ
@given(data=st.binary(max_size=300) | st.text(max_size=300), cut=st.integers(0, 600))
def test_mangled_scenario_text(data: bytes | str, cut: int) -> None:
    """The baseline scenario with random bytes spliced in: validated or refused."""
    text = BASELINE.read_bytes()
    blob = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    with _work() as tmp:
        work = Path(tmp)
        (work / "s.yaml").write_bytes(text[:cut] + blob + text[cut:])
        check(call(["validate", "s.yaml"], work))


@FUZZ
@given(items=st.lists(st.tuples(keys, st.sampled_from(NASTY_TEXT) | st.text(max_size=20)),
                      min_size=1, max_size=3),
       seed=st.sampled_from(["0", "-1", "1" + "0" * 30, "x"]))
def test_generated_set_options(items: list[tuple[str, str]], seed: str) -> None:
    """``instap run --set name=value ...``: a small run or one refusal line."""
    argv = ["run", str(BASELINE), "--seed", seed]
    for name, value in items:
        argv += ["--set", f"{name}={value}"]
    with _work() as tmp:
        work = Path(tmp)
        outcome = call([*argv, *SMALL], work)
        check(outcome)
        if outcome.code == 0:
            assert all(p == "results" or p.startswith("results/") for p in outcome.written)


factor_bounds = st.sampled_from(NASTY_TEXT) | st.floats(allow_nan=True, allow_infinity=True
                                                        ).map(repr) | st.integers().map(str)


@FUZZ
@given(name=st.sampled_from(NAMES[:40]) | st.text(min_size=1, max_size=10),
       low=factor_bounds, high=factor_bounds,
       method=st.sampled_from(["sobol", "morris", "ofat", "grid", "x", "sobol\n  n: -1"]),
       n=st.sampled_from(["4", "0", "-3", str(2 ** 40), "1e9", ".nan", "x"]))
def test_generated_experiment_files(name: str, low: str, high: str, method: str,
                                    n: str) -> None:
    """``instap sweep --plan`` on an experiment with generated factor bounds and design."""
    body = f"factors:\n  {name!r}: {{low: {low}, high: {high}}}\n" + OUTPUTS
    text = experiment(body).replace("method: sobol", f"method: {method}").replace(
        "n: 4", f"n: {n}")
    with _work() as tmp:
        work = Path(tmp)
        (work / "e.yaml").write_text(text, encoding="utf-8")
        check(call(["sweep", "e.yaml", "--plan", "--jobs", "1"], work))


damage = st.tuples(st.sampled_from(["truncate", "garble", "delete", "empty"]),
                   st.floats(0, 1), st.binary(min_size=1, max_size=64))


def _damage(path: Path, how: str, where: float, junk: bytes) -> bool:
    """Damage ``path``; return whether its content is now certainly incomplete."""
    data = path.read_bytes()
    k = int(len(data) * where)
    if how == "delete":
        path.unlink()
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "truncate":
        path.write_bytes(data[:k])
    else:
        path.write_bytes(data[:k] + junk + data[k + len(junk):])
    return how in ("delete", "empty") or (how == "truncate" and k < len(data))


@FUZZ
@given(which=st.sampled_from(["manifest.json", "summary.json", "metrics.parquet",
                              "timeseries.parquet"]), how=damage)
def test_damaged_run_folder_report(finished: dict[str, Path], which: str,
                                   how: tuple[str, float, bytes]) -> None:
    """``instap report`` on a run folder with one damaged file."""
    with _work() as tmp:
        work = Path(tmp)
        shutil.copytree(finished["run"], work / "run")
        (work / "run" / "report.html").unlink(missing_ok=True)
        _damage(work / "run" / which, *how)
        outcome = call(["report", "run"], work)
        check(outcome)
        if outcome.code == 0:
            assert set(outcome.written) <= {"run/report.html"}, outcome.describe()


@FUZZ
@given(which=st.sampled_from(["run/manifest.json", "run/summary.json", "run/metrics.parquet",
                              "run/timeseries.parquet", "compare/manifest.json",
                              "compare/comparison.csv",
                              "compare/scenarios/1-baseline/metrics.parquet",
                              "compare/scenarios/2-baseline-2/timeseries.parquet"]),
       how=damage, fmt=st.sampled_from(["xlsx", "csv"]))
def test_damaged_result_folder_export(finished: dict[str, Path], which: str,
                                      how: tuple[str, float, bytes], fmt: str) -> None:
    """``instap export`` on a run or comparison folder with one damaged file: exported
    (into the folder, nothing else) or refused in one line, with nothing written."""
    folder = which.split("/")[0]
    with _work() as tmp:
        work = Path(tmp)
        shutil.copytree(finished[folder], work / folder)
        _damage(work / which, *how)
        outcome = call(["export", folder, "--format", fmt], work)
        check(outcome)
        if outcome.code == 0:
            target = f"{folder}/{folder}.xlsx" if fmt == "xlsx" else f"{folder}/{folder}-csv"
            assert all(p == target or p.startswith(f"{target}/") for p in outcome.written), (
                outcome.describe())


@FUZZ
@given(index=st.integers(0, 3), how=damage, also=st.sampled_from(
    ["", "manifest.json", "failures.parquet", "sensitivity.csv"]))
def test_damaged_sweep_folder_analyze(finished: dict[str, Path], index: int,
                                      how: tuple[str, float, bytes], also: str) -> None:
    """``instap analyze`` on a sweep folder with a damaged chunk (and maybe another file):
    a chunk that is missing, empty or cut short is always refused, never analysed."""
    with _work() as tmp:
        work = Path(tmp)
        shutil.copytree(finished["sweep"], work / "sweep")
        lost = _damage(work / "sweep" / "runs" / f"chunk-{index:05d}.parquet", *how)
        if also and (work / "sweep" / also).exists():
            _damage(work / "sweep" / also, *how)
        outcome = call(["analyze", "sweep"], work)
        check(outcome, frozenset({2}) if lost else frozenset({0, 2}))
