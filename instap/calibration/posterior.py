"""The posterior file: weighted particles of an ABC calibration, and drawing a
replication's parameters from it (``instap run --posterior FILE``).

The file is one JSON document (``"format": "instap-posterior"``) that a user can open:
``parameters`` (name, unit, prior range), ``particles`` (one list of values per
parameter), ``weights`` (sum 1), ``model_fingerprint`` (the hash of the ``sim`` code,
as sweeps record it) and the record of the calibration: the patterns, the ABC settings,
the generations, the budget and the wall time.

Drawing: replication ``i`` with seed ``s`` takes particle ``k`` with probability
``weights[k]``, using ``numpy.random.default_rng(SeedSequence([s, DRAW_STREAM]))``: the
draw depends on the replication seed alone, so ``instap compare`` (the same seeds for
every scenario) gives both sides the same parameter sets (paired), and the model's own
random stream (seeded with ``s``) is untouched.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from instap.errors import InstapError, shown, suggest
from sim import PARAMETERS

FORMAT = "instap-posterior"
VERSION = 1
#: Second word of the seed sequence of a posterior draw (``SeedSequence([seed, this])``).
DRAW_STREAM = 0xABC
#: Posterior files are a few hundred KB at most.
MAX_BYTES = 20 * 1024 * 1024


def model_fingerprint() -> str:
    """The fingerprint of the ``sim`` package's code (as ``instap sweep`` records it in
    ``manifest.json``: :func:`instap.sweep.modelcode.code_hash` of the ``sim`` entry)."""
    from instap.sweep.modelcode import sim_fingerprint
    return sim_fingerprint()


@dataclass
class Posterior:
    """Weighted particles over named parameters."""

    path: Path | None
    names: list[str]
    particles: np.ndarray  # (particles, parameters)
    weights: np.ndarray
    fingerprint: str
    record: dict[str, Any]

    def draw_index(self, seed: int) -> int:
        """The particle drawn for the replication with seed ``seed``."""
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), DRAW_STREAM]))
        return int(rng.choice(len(self.weights), p=self.weights))

    def draw(self, seed: int) -> dict[str, float]:
        """The parameter values of the particle drawn for seed ``seed``."""
        row = self.particles[self.draw_index(seed)]
        return {name: float(v) for name, v in zip(self.names, row, strict=True)}

    def apply(self, params: Mapping[str, Any], seeds: Sequence[int]) -> list[dict[str, Any]]:
        """One parameter set per replication: ``params`` with the drawn values."""
        return [{**params, **self.draw(s)} for s in seeds]

    def describe(self) -> dict[str, Any]:
        """What a run's manifest and summary record about the posterior."""
        return {"file": str(self.path) if self.path else None, "fingerprint": self.fingerprint,
                "parameters": list(self.names), "particles": len(self.weights),
                "name": self.record.get("name")}

    def quantiles(self, qs: Sequence[float] = (0.05, 0.5, 0.95)) -> dict[str, list[float]]:
        """Weighted quantiles of each parameter's marginal."""
        out = {}
        for j, name in enumerate(self.names):
            order = np.argsort(self.particles[:, j])
            values = self.particles[order, j]
            cum = np.cumsum(self.weights[order])
            cum = cum / cum[-1]
            out[name] = [float(values[min(np.searchsorted(cum, q), len(values) - 1)])
                         for q in qs]
        return out


def posterior_document(names: list[str], particles: np.ndarray, weights: np.ndarray,
                       record: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON document of a posterior (``record``: patterns, settings, generations...)."""
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    return {
        "format": FORMAT, "version": VERSION, "model_fingerprint": model_fingerprint(),
        "parameters": [{"name": n, "unit": PARAMETERS[n].unit,
                        "default": PARAMETERS[n].default} for n in names],
        "particles": {n: [float(v) for v in particles[:, j]] for j, n in enumerate(names)},
        "weights": [float(v) for v in w],
        **dict(record),
    }


def _bad(path: Path, field: str, value: Any, allowed: str) -> InstapError:
    return InstapError(f"{path}: {field} = {shown(value)}: {allowed}")


def load_posterior(path: str | Path, option: str = "--posterior") -> tuple[Posterior, str]:
    """Read and check a posterior file; returns it and a warning ('' if none): the model
    code differs from the one the posterior was calibrated on (results may differ; the
    sweep fingerprints of both are named). Bad input is one InstapError line."""
    path = Path(path)
    where = f"{option} {path}"
    if not path.exists():
        raise InstapError(f"{where}: no such file; allowed: a posterior .json file written "
                          "by experiments/calibrate_abc.py")
    if not path.is_file():
        raise InstapError(f"{where}: is not a file; allowed: a posterior .json file")
    if path.stat().st_size > MAX_BYTES:
        raise InstapError(f"{where}: too large ({path.stat().st_size:,} bytes); allowed: at "
                          f"most {MAX_BYTES:,} bytes")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise InstapError(f"{where}: not a JSON file ({' '.join(str(err).split())[:80]}); "
                          "allowed: a posterior .json file") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        got = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise _bad(path, "format", got, f"not a posterior; allowed: {FORMAT!r}")
    if doc.get("version") != VERSION:
        raise _bad(path, "version", doc.get("version"), f"allowed: {VERSION}")
    params = doc.get("parameters")
    if not isinstance(params, list) or not params or not all(
            isinstance(p, dict) and isinstance(p.get("name"), str) for p in params):
        raise _bad(path, "parameters", params, "allowed: a list of {name: ...} entries")
    names = [p["name"] for p in params]
    for name in names:
        if name not in PARAMETERS:
            raise _bad(path, "parameters.name", name,
                       f"unknown parameter{suggest(name, PARAMETERS)}; allowed: a parameter "
                       "of sim/parameters.py")
        if PARAMETERS[name].kind is not float:
            raise _bad(path, "parameters.name", name, "allowed: continuous parameters only")
    if len(set(names)) != len(names):
        raise _bad(path, "parameters", names, "a parameter is named twice")
    columns = doc.get("particles")
    if not isinstance(columns, dict) or set(columns) != set(names):
        raise _bad(path, "particles", sorted(columns) if isinstance(columns, dict) else columns,
                   f"allowed: one list of values for each of {', '.join(names)}")
    weights = doc.get("weights")
    if not isinstance(weights, list) or not weights or not all(
            isinstance(w, int | float) and not isinstance(w, bool) and math.isfinite(w)
            and w >= 0 for w in weights):
        raise _bad(path, "weights", weights, "allowed: a non-empty list of numbers, 0 or more")
    n = len(weights)
    total = float(sum(weights))
    if not abs(total - 1.0) <= 1e-6:
        raise _bad(path, "weights", f"sum {total:.6g}", "allowed: weights that sum to 1")
    matrix = np.empty((n, len(names)))
    for j, name in enumerate(names):
        values = columns[name]
        if not isinstance(values, list) or len(values) != n:
            count = f"{len(values)} values" if isinstance(values, list) else values
            raise _bad(path, f"particles.{name}", count,
                       f"allowed: {n} values, one per weight")
        for v in values:
            try:
                PARAMETERS[name].check(v)
            except ValueError as err:
                raise InstapError(f"{path}: particles.{name}: {err}") from None
        matrix[:, j] = values
    stored = doc.get("model_fingerprint")
    if not isinstance(stored, str):
        raise _bad(path, "model_fingerprint", stored, "allowed: the text the calibration "
                   "wrote")
    current = model_fingerprint()
    warning = "" if stored == current else (
        f"{path} was calibrated on model code {stored}, this is {current}: the posterior is "
        "used as it is; recalibrate (experiments/calibrate_abc.py) if the model's behaviour "
        "changed")
    record = {k: v for k, v in doc.items() if k not in ("particles", "weights")}
    return Posterior(path=path, names=names, particles=matrix,
                     weights=np.asarray(weights, dtype=float) / total, fingerprint=stored,
                     record=record), warning


def choose_posterior(given: Any, named: Sequence[Path | None], changed: Sequence[str],
                     cli: bool) -> tuple[Posterior | None, str]:
    """The posterior of a run or comparison, loaded and checked, and its warning.

    ``given`` is the ``--posterior`` option (``posterior=`` in the API); without it, the
    file the scenario files name (``named``, one per scenario file; all must name the
    same file, or none). ``changed``: the parameter names ``--set`` changes, which must
    not be drawn from the posterior.
    """
    option = "--posterior" if cli else "posterior"
    if given is not None and (not isinstance(given, str | Path) or not str(given).strip()):
        raise InstapError(f"{option} = {shown(given)}: expected a posterior .json file name")
    if given is None:
        files = {None if p is None else Path(p).resolve() for p in named}
        if len(files) > 1:
            listed = ", ".join(sorted(str(p) if p else "none" for p in files))
            raise InstapError(f"the scenario files name different posteriors ({listed}); a "
                              f"comparison draws the same parameters on every side: give "
                              f"{option} to use one for all")
        found = next(iter(files), None)
        if found is None:
            return None, ""
        given = next(p for p in named if p is not None)
        option = "posterior"
    posterior, warning = load_posterior(Path(given), option)
    clash = [n for n in changed if n in posterior.names]
    if clash:
        raise InstapError(f"{'--set' if cli else 'set'} {clash[0]}: {clash[0]} is drawn from "
                          f"the posterior {given}; allowed: leave it out, or run without the "
                          "posterior")
    return posterior, warning
