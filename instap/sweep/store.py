"""Sweep folders on disk: chunk files (the resume ledger), failures and the manifest.

Each finished chunk becomes ``runs/chunk-XXXXX.parquet``, written to a temporary file and
renamed, so a file either holds a whole chunk or does not exist. Its metadata carries the
experiment fingerprint, the fingerprint of the model code that ran it
(:mod:`instap.sweep.modelcode`) and the time the chunk took.

Nothing reads a sweep folder without checking it first: :func:`load_manifest` refuses a
``manifest.json`` that is not a sweep's (or was damaged or edited), and :func:`verify`
checks that the chunk files hold every planned run exactly once, each chunk the runs of
its index, with the manifest's fingerprint and a model fingerprint the folder accepts
(:class:`Verification` says what is wrong and what ``--resume`` would repair; chunks of an
older instap, without a model fingerprint, are listed as ``unknown_model``).
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from instap.errors import InstapError
from instap.sweep.worker import SERIES_PREFIX, ChunkResult

META_FINGERPRINT = b"instap.fingerprint"
META_ELAPSED = b"instap.elapsed_s"
META_MODEL = b"instap.model_fingerprint"
ID_COLUMNS = ("run_id", "point", "replication", "seed")
CHUNK_NAME = re.compile(r"chunk-(\d{5,})\.parquet")
MANIFEST = "manifest.json"
RUN_FOLDER_FILES = ("summary.json", "timeseries.parquet")  # an `instap run` folder


def runs_dir(folder: Path) -> Path:
    """``DIR/runs``."""
    return folder / "runs"


def chunk_path(folder: Path, index: int) -> Path:
    """``DIR/runs/chunk-XXXXX.parquet``."""
    return runs_dir(folder) / f"chunk-{index:05d}.parquet"


def _array(name: str, values: list[Any], outputs: set[str]) -> pa.Array:
    if name == "error":
        return pa.array(values, type=pa.string())
    if name in ID_COLUMNS:
        return pa.array(values, type=pa.int64())
    if name in outputs:
        return pa.array(values, type=pa.float64())
    if name.startswith(SERIES_PREFIX):
        return pa.array(values, type=pa.list_(pa.float64()))
    return pa.array(values)


def write_chunk(folder: Path, result: ChunkResult, outputs: list[str],
                fingerprint: str, model: str | None = None) -> Path:
    """Write one chunk atomically (temporary file, then rename); ``model`` is the
    fingerprint of the model code that ran it."""
    outs = set(outputs)
    table = pa.table({k: _array(k, v, outs) for k, v in result.columns.items()})
    meta = {META_FINGERPRINT: fingerprint.encode(), META_ELAPSED: repr(result.elapsed).encode()}
    if model is not None:
        meta[META_MODEL] = model.encode()
    table = table.replace_schema_metadata(meta)
    path = chunk_path(folder, result.index)
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)
    return path


def chunk_stats(path: Path) -> tuple[int, int, float]:
    """(runs, failed runs, elapsed seconds) of a chunk file, reading little."""
    meta = pq.read_schema(path).metadata or {}
    errors = pq.read_table(path, columns=["error"]).column("error")
    return len(errors), int(errors.is_valid().to_numpy(zero_copy_only=False).sum()), float(
        meta.get(META_ELAPSED, b"0"))


def chunk_files(folder: Path) -> list[Path]:
    """Chunk files in index order (every ``chunk-*.parquet``: :func:`verify` first)."""
    return sorted(runs_dir(folder).glob("chunk-*.parquet"))


def iter_chunks(folder: Path, columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
    """Stored chunks one at a time (keeps memory bounded)."""
    for path in chunk_files(folder):
        yield pq.read_table(path, columns=columns).to_pandas()


def read_runs(folder: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """All stored runs, sorted by run id (without the monthly series unless
    ``columns`` names them: :func:`read_series` reads those)."""
    files = chunk_files(folder)
    if not files:
        return pd.DataFrame()
    if columns is None:
        columns = [c for c in pq.read_schema(files[0]).names
                   if not c.startswith(SERIES_PREFIX)]
    table = pa.concat_tables([pq.read_table(p, columns=columns) for p in files],
                             promote_options="permissive")
    return table.to_pandas().sort_values("run_id", kind="stable").reset_index(drop=True)


def read_series(folder: Path, names: list[str]) -> pd.DataFrame:
    """The monthly series ``names`` of every stored run, long: one row per run and month
    (``run_id``, ``month``, one column per series); a failed run has no rows."""
    frames = []
    for path in chunk_files(folder) if names else []:
        table = pq.read_table(path, columns=["run_id", *(SERIES_PREFIX + n for n in names)])
        first = table.column(SERIES_PREFIX + names[0]).combine_chunks()
        lengths = first.value_lengths().fill_null(0).to_numpy(zero_copy_only=False)
        ids = np.repeat(table.column("run_id").to_numpy(), lengths)
        months = np.concatenate([np.arange(n) for n in lengths]) if len(lengths) else \
            np.zeros(0, dtype=np.int64)
        cols: dict[str, Any] = {"run_id": ids, "month": months.astype(np.int64)}
        for name in names:
            col = table.column(SERIES_PREFIX + name).combine_chunks()
            cols[name] = col.flatten().to_numpy(zero_copy_only=False)
        frames.append(pd.DataFrame(cols))
    if not frames:
        return pd.DataFrame({"run_id": pd.Series(dtype="int64"),
                             "month": pd.Series(dtype="int64")}
                            | {n: pd.Series(dtype="float64") for n in names})
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["run_id", "month"], kind="stable").reset_index(drop=True)


def write_failures(folder: Path, factor_names: list[str],
                   with_failures: list[Path] | None = None) -> int:
    """Collect failed runs from the chunks into ``DIR/failures.parquet``; return the count.
    ``with_failures``: the chunk files that hold failed runs, when known
    (:attr:`Verification.stats`), so that the others are not read again."""
    cols = [*ID_COLUMNS, *factor_names, "error"]
    files = chunk_files(folder) if with_failures is None else sorted(with_failures)
    parts = [df[df["error"].notna()] for df in
             (pq.read_table(path, columns=cols).to_pandas() for path in files)]
    parts = [p for p in parts if len(p)]
    if parts:
        failures = pd.concat(parts, ignore_index=True).rename(columns={"error": "traceback"})
    else:
        failures = pd.DataFrame({c: pd.Series(dtype="int64") for c in ID_COLUMNS}
                                | {c: pd.Series(dtype="object") for c in factor_names}
                                | {"traceback": pd.Series(dtype="str")})
    tmp = folder / "failures.parquet.tmp"
    failures.to_parquet(tmp, index=False)
    os.replace(tmp, folder / "failures.parquet")
    return len(failures)


# ----------------------------------------------------------------------------- manifest
class _Record(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")


class _FactorRecord(_Record):
    model_config = ConfigDict(strict=True, extra="forbid")
    name: str = Field(min_length=1)
    kind: Literal["uniform", "levels", "normal"]
    low: float | None = None
    high: float | None = None
    levels: list[Any] = Field(default_factory=list)
    mean: float | None = None
    sd: float | None = None
    clip: list[float] | None = Field(None, min_length=2, max_length=2)
    integer: bool = False


class _DesignRecord(_Record):
    method: Literal["ofat", "factorial", "lhs", "morris", "sobol"]
    n: int = Field(gt=0)
    replications: int = Field(ge=1)
    seed: int = Field(ge=0)
    second_order: bool = False
    num_levels: int = Field(4, ge=2)
    conf_level: float = Field(0.95, gt=0, lt=1)
    points: int = Field(ge=1)
    runs: int = Field(ge=1)
    factors: list[_FactorRecord] = Field(min_length=1)
    baseline: dict[str, Any]
    policies: list[str] = Field(default_factory=list)


class _ChunksRecord(_Record):
    size: int = Field(ge=1)
    count: int = Field(ge=1)


class _ModuleRecord(_Record):
    module: str = Field(min_length=1)
    path: str | None
    files: dict[str, str]


class _ModelCodeRecord(_Record):
    fingerprint: str = Field(min_length=1)
    modules: list[_ModuleRecord] = Field(min_length=1)


class _ManifestRecord(_Record):
    fingerprint: str = Field(min_length=1)
    model_code: _ModelCodeRecord | None = None  # absent in folders of an older instap
    experiment_file: str
    experiment: dict[str, Any]
    model: str
    base_parameters: dict[str, Any]
    outputs: list[str]
    design: _DesignRecord
    chunks: _ChunksRecord
    policies: dict[str, dict[str, Any]] = Field(default_factory=dict)
    timeseries: list[str] = Field(default_factory=list)
    lasts: str | None = None


def _damaged(folder: Path, what: str) -> InstapError:
    return InstapError(f"{folder / MANIFEST}: {what}; not a sweep folder or damaged")


def load_manifest(folder: Path) -> dict[str, Any]:
    """``DIR/manifest.json`` of a sweep folder, checked: every field a sweep writes, of
    the right type, consistent with itself (fingerprint, design counts, chunk count);
    otherwise an :class:`InstapError` ``DIR/manifest.json: ...; not a sweep folder or
    damaged``."""
    path = folder / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstapError(f"{folder}: no {MANIFEST}; not an `instap sweep` folder") from None
    except (OSError, UnicodeDecodeError) as err:
        raise _damaged(folder, f"cannot be read ({getattr(err, 'strerror', None) or err})"
                       ) from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise _damaged(folder, f"not valid JSON ({str(err).splitlines()[0][:80]})") from None
    if not isinstance(data, dict):
        raise _damaged(folder, f"holds a JSON {type(data).__name__}, not an object")
    try:
        record = _ManifestRecord.model_validate(data)
    except ValidationError as err:
        e = err.errors()[0]
        loc = ".".join(str(p) for p in e["loc"])
        what = "is missing" if e["type"] == "missing" else f"= {_short(e.get('input'))}: " \
            f"{e['msg']}"
        more = f" (and {err.error_count() - 1} more problems)" if err.error_count() > 1 \
            else ""
        raise _damaged(folder, f"field {loc!r} {what}{more}") from None
    _check_consistent(folder, data, record)
    return data


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:50] + "..."


def _check_consistent(folder: Path, data: dict[str, Any], m: _ManifestRecord) -> None:
    """The manifest agrees with itself: fingerprint of its experiment, design counts,
    chunk count, factors usable."""
    from instap.sweep.design import MAX_GRID_N, MAX_RUNS, count_points
    from instap.sweep.experiment import experiment_fingerprint
    from instap.sweep.modelcode import code_hash

    policies = data.get("policies") if isinstance(data.get("policies"), dict) else None
    if experiment_fingerprint(m.experiment, m.base_parameters, policies) != m.fingerprint:
        raise _damaged(folder, f"fingerprint {m.fingerprint!r} does not match its experiment "
                       "and base parameters (edited?)")
    if m.model_code is not None and code_hash(data["model_code"]["modules"]) != \
            m.model_code.fingerprint:
        raise _damaged(folder, f"model_code.fingerprint {m.model_code.fingerprint!r} does "
                       "not match its files (edited?)")
    d = m.design
    raw = m.experiment
    raw_design: dict[str, Any] = raw["design"] if isinstance(raw.get("design"), dict) else {}
    expected = {"method": raw_design.get("method"), "n": raw_design.get("n"),
                "replications": raw.get("replications", 1), "seed": raw.get("seed"),
                "second_order": raw_design.get("second_order", False),
                "num_levels": raw_design.get("num_levels", 4),
                "factors": list(raw.get("factors") or raw.get("uncertainties") or {}),
                "policies": list(policies or {})}
    actual = {"method": d.method, "n": d.n, "replications": d.replications, "seed": d.seed,
              "second_order": d.second_order, "num_levels": d.num_levels,
              "factors": [f.name for f in d.factors], "policies": d.policies}
    for key, value in expected.items():
        if actual[key] != value:
            raise _damaged(folder, f"design.{key} = {_short(actual[key])} differs from its "
                           f"experiment's {_short(value)} (edited?)")
    factors = factors_of(data)
    for f in factors:
        problem = f.problem()
        if problem:
            raise _damaged(folder, f"design factor {f.name!r} {problem}")
    if d.method in ("ofat", "factorial") and d.n > MAX_GRID_N:
        raise _damaged(folder, f"design.n = {d.n} is above the limit of {MAX_GRID_N}")
    points = count_points(d.method, factors, d.n, d.second_order)
    per_point = d.replications * max(1, len(d.policies))
    if d.points != points or d.runs != points * per_point:
        raise _damaged(folder, f"design.points = {d.points} and design.runs = {d.runs} do "
                       f"not match its design ({points} points, "
                       f"{points * per_point} runs)")
    if d.runs > MAX_RUNS:
        raise _damaged(folder, f"design.runs = {d.runs} is above the limit of {MAX_RUNS}")
    if m.chunks.count != math.ceil(d.runs / m.chunks.size):
        raise _damaged(folder, f"chunks.count = {m.chunks.count} does not match "
                       f"{d.runs} runs in chunks of {m.chunks.size}")
    missing = set(m.outputs) & {"run_id", "point", "replication", "seed", "error"}
    if missing:
        raise _damaged(folder, f"outputs name the column {sorted(missing)[0]!r}")


def factors_of(manifest: dict[str, Any]) -> list[Any]:
    """The design's factors recorded in a (checked) manifest."""
    from instap.sweep.factors import Factor

    factors = []
    for f in manifest["design"]["factors"]:
        f = dict(f)
        f["levels"] = tuple(f.get("levels", ()))
        f["clip"] = tuple(f["clip"]) if f.get("clip") else None
        factors.append(Factor(**f))
    return factors


def is_run_folder(folder: Path) -> bool:
    """Whether ``folder`` looks like an ``instap run`` result folder."""
    return any((folder / name).exists() for name in RUN_FOLDER_FILES)


# ----------------------------------------------------------------------------- checking
@dataclass
class Verification:
    """What the chunk files of a sweep folder hold, against the plan.

    ``ok``: planned chunk indices whose file is whole and right. ``redo``: planned chunk
    index -> what is wrong with its file (damaged, another experiment's, the wrong runs).
    ``stray``: chunk files not in the plan. ``missing`` / ``duplicated``: run ids stored
    nowhere / more than once (over every readable file of this experiment).
    ``unknown_model``: readable chunk files that record no model fingerprint (written by
    an older instap, or the manifest records none): whether they ran the same model code
    is unknown. ``stats``: per ``ok`` chunk index, what :func:`chunk_stats` reads (runs,
    failed runs, elapsed seconds), so the files need not be read again.
    """

    count: int
    ok: list[int] = field(default_factory=list)
    redo: dict[int, str] = field(default_factory=dict)
    stray: dict[Path, str] = field(default_factory=dict)
    missing: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    duplicated: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    problems: list[str] = field(default_factory=list)
    unknown_model: list[Path] = field(default_factory=list)
    stats: dict[int, tuple[int, int, float]] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        """Every planned run stored exactly once, in its own chunk, and nothing else."""
        return not (self.redo or self.stray or len(self.missing) or len(self.duplicated))

    @property
    def damaged(self) -> bool:
        """Something beyond runs not yet written (what an interrupted sweep leaves)."""
        return bool(self.stray or len(self.duplicated) or any(
            not reason.startswith("missing") for reason in self.redo.values()))

    def text(self, limit: int = 4) -> str:
        """The problems in one line (the first ``limit``), then the missing runs."""
        parts = self.problems[:limit]
        if len(self.problems) > limit:
            parts.append(f"{len(self.problems) - limit} more chunk files have problems")
        if len(self.missing):
            verb = "is" if len(self.missing) == 1 else "are"
            parts.append(f"{_ranges(self.missing, 'run', 'runs')} {verb} missing")
        elif len(self.duplicated) and not any("also holds" in p for p in parts):
            parts.append(f"{_ranges(self.duplicated, 'run', 'runs')} are stored more than "
                         "once")
        return "; ".join(parts)


def _ranges(ids: np.ndarray, one: str = "", many: str = "", limit: int = 3) -> str:
    """``runs 60-79, 100-119 and 3 more ranges`` of sorted distinct ids."""
    ids = np.unique(np.asarray(ids, dtype=np.int64))
    if not len(ids):
        return f"no {many}".strip()
    breaks = np.flatnonzero(np.diff(ids) != 1)
    starts = np.r_[ids[0], ids[breaks + 1]]
    ends = np.r_[ids[breaks], ids[-1]]
    spans = [f"{a}" if a == b else f"{a}-{b}" for a, b in zip(starts, ends, strict=True)]
    text = ", ".join(spans[:limit])
    if len(spans) > limit:
        text += f" and {len(spans) - limit} more ranges"
    noun = one if len(ids) == 1 else many
    return f"{noun} {text}".strip()


def _model_problem(meta: dict[bytes, bytes], models: set[str] | None) -> str | None:
    """What is wrong with a chunk's model fingerprint (None if accepted or unknown)."""
    model = meta.get(META_MODEL)
    if models is None or model is None:
        return None
    value = model.decode("utf-8", "replace")
    if value in models:
        return None
    return (f"was written by another model version (model fingerprint {_short(value)}; this "
            f"sweep's: {' or '.join(repr(m) for m in sorted(models))})")


@dataclass
class _Chunk:
    """What :func:`_read_chunk` found in a chunk file."""

    ids: np.ndarray | None = None
    problem: str | None = None
    meta: dict[bytes, bytes] = field(default_factory=dict)
    failed: int = 0


def _read_chunk(path: Path, fingerprint: str, columns: list[str], replications: int,
                models: set[str] | None, policies: int = 1) -> _Chunk:
    """Run ids of a chunk file, what is wrong with it (None when it reads whole), its
    parquet metadata and failed runs; ``policies`` runs share each future (``levers:``)."""
    found = _Chunk()
    try:
        size = path.stat().st_size
        if size == 0:
            return _Chunk(problem="is empty (0 bytes)")
        file = pq.ParquetFile(path)  # its footer is parsed once for metadata and data
        found.meta = meta = file.schema_arrow.metadata or {}
        if meta.get(META_FINGERPRINT) != fingerprint.encode():
            found.problem = "belongs to another experiment (its fingerprint differs)"
            return found
        found.problem = _model_problem(meta, models)
        if found.problem:
            return found
        table = file.read()
    except (OSError, pa.ArrowException, ValueError):
        found.problem = "is damaged (truncated, or not a parquet file)"
        return found
    absent = [c for c in columns if c not in table.column_names]
    if absent:
        found.problem = f"lacks the column {absent[0]!r}"
        return found
    try:
        ids = table.column("run_id").to_numpy()
        point = table.column("point").to_numpy()
        rep = table.column("replication").to_numpy()
    except (pa.ArrowException, ValueError):
        found.problem = "has empty run ids"
        return found
    if ids.dtype.kind != "i":
        found.problem = "has run ids that are not whole numbers"
        return found
    found.ids = ids
    futures = ids // policies
    if not (np.array_equal(point, futures // replications)
            and np.array_equal(rep, futures % replications)):
        found.problem = "has points or replications that do not match its run ids"
        return found
    found.failed = int(table.column("error").is_valid().to_numpy(zero_copy_only=False).sum())
    return found


def verify(folder: Path, manifest: dict[str, Any]) -> Verification:
    """Check the chunk files of ``folder`` against its (checked) manifest: a chunk whose
    model fingerprint the folder does not accept (not the manifest's, nor one a
    ``--resume --force`` mixed in) is wrong, one without a model fingerprint is listed in
    ``unknown_model``."""
    from instap.sweep.modelcode import accepted_fingerprints
    models = accepted_fingerprints(manifest)
    d, chunks = manifest["design"], manifest["chunks"]
    n_runs, size, count = int(d["runs"]), int(chunks["size"]), int(chunks["count"])
    fingerprint = manifest["fingerprint"]
    policies = list(d.get("policies") or [])
    columns = [*ID_COLUMNS, *(["policy"] if policies else []),
               *(f["name"] for f in d["factors"]), *manifest["outputs"],
               *(SERIES_PREFIX + n for n in manifest.get("timeseries") or []), "error"]
    result = Verification(count)
    coverage = np.zeros(n_runs, dtype=np.int64)
    held: list[tuple[Path, np.ndarray]] = []
    planned: dict[int, tuple[Path, _Chunk]] = {}
    for path in chunk_files(folder):
        match = CHUNK_NAME.fullmatch(path.name)
        index = int(match[1]) if match else None
        if index is not None and chunk_path(folder, index).name != path.name:
            index = None  # chunk-000001.parquet: not the name of chunk 1
        found = _read_chunk(path, fingerprint, columns, int(d["replications"]), models,
                            max(1, len(policies)))
        ids = found.ids
        if ids is not None:
            if models is None or META_MODEL not in found.meta:
                result.unknown_model.append(path)
            inside = ids[(ids >= 0) & (ids < n_runs)]
            np.add.at(coverage, inside, 1)
            held.append((path, ids))
            if len(inside) < len(ids):
                found.problem = (found.problem
                                 or f"holds run ids outside the plan (0-{n_runs - 1})")
        if index is None or index >= count:
            text = f"{path.name} is not part of the plan (chunk-00000 to chunk-{count - 1:05d})"
            if found.problem:
                text += f" and {found.problem}"
            elif ids is not None:
                text += f" and holds {_ranges(ids, 'run', 'runs')}"
            result.stray[path] = text
        else:
            planned[index] = (path, found)
    for index in range(count):
        if index not in planned:
            result.redo[index] = "missing"
            continue
        path, found = planned[index]
        ids, problem = found.ids, found.problem
        lo, hi = index * size, min((index + 1) * size, n_runs)
        if problem is None and ids is not None and not np.array_equal(ids, np.arange(lo, hi)):
            problem = f"holds {_ranges(ids, 'run', 'runs')} instead of {lo}-{hi - 1}"
        if problem is None and ids is not None:  # (ids is None only with a problem)
            result.ok.append(index)
            result.stats[index] = (len(ids), found.failed,
                                   float(found.meta.get(META_ELAPSED, b"0")))
        else:
            problem = problem or "unreadable"  # (only None with ids None, never here)
            result.redo[index] = problem
            result.problems.append(f"{path.name} {problem}"
                                   f"{_shared(path, ids, held, len(result.problems))}")
    by_path = dict(held)
    for path, reason in result.stray.items():
        result.problems.append(f"{reason}"
                               f"{_shared(path, by_path.get(path), held, len(result.problems))}")
    result.missing = np.flatnonzero(coverage == 0)
    result.duplicated = np.flatnonzero(coverage > 1)
    return result


def _shared(path: Path, ids: np.ndarray | None, held: list[tuple[Path, np.ndarray]],
            rank: int = 0) -> str:
    """``, which chunk-00003.parquet also holds`` for the files sharing runs with ``path``
    (only for the first problems, the ones a message shows: it compares with every file)."""
    if ids is None or not len(ids) or rank >= 10:
        return ""
    others = [p.name for p, other in held if p != path and len(np.intersect1d(ids, other))]
    if not others:
        return ""
    return f", which {' and '.join(others[:2])} also hold{'s' if len(others) == 1 else ''}"
