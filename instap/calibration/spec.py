"""The calibration spec (``experiments/calibration_abc.yaml``): runs, patterns, priors and
ABC settings, read and checked into plain dataclasses.

Every mistake is one :class:`~instap.errors.InstapError` line naming the file, the field,
the value and what is allowed, before anything runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from instap.errors import InstapError, shown, suggest
from instap.overrides import with_values
from instap.scenario import load_scenario
from instap.yaml_input import plain, read_yaml
from sim import PARAMETERS

#: Statistics computed from the runs rather than read from ``end_metrics()``.
DERIVED = ("cliff_placements_4to6", "cliff_placements_7to9", "cliff_coalition_12",
           "coaching_effect", "trust_loss_gain_ratio", "exit_rate_all")
#: Derived statistics that need no model run (computed from the parameters alone).
NO_RUN = ("trust_loss_gain_ratio",)
#: The ``abc:`` settings and their defaults.
ABC_DEFAULTS: dict[str, Any] = {
    "population_size": 200, "max_generations": 8, "target_epsilon": 1.0, "quantile": 0.5,
    "min_acceptance_rate": 0.01, "max_simulations": 6000, "replications": 1,
    "seed": 20261207, "logit": 1, "kernel_scaling": 1.0,
}


@dataclass(frozen=True)
class Pattern:
    """One summary statistic and the region its pattern allows.

    ``kind`` is ``target`` (``bound`` +/- ``tolerance``), ``at_most`` or ``at_least``
    (``bound``, softened over ``tolerance``); :meth:`distance` is at most 1 inside.
    """

    name: str
    statistic: str
    runs: tuple[str, ...]
    kind: str
    bound: float
    tolerance: float
    pattern: str = ""
    source: str = ""

    def distance(self, x: float, centre: float | None = None) -> float:
        """Scaled distance of ``x`` from the region (``centre`` replaces a target's
        value, for synthetic data); ``inf`` for a missing value."""
        if x is None or not math.isfinite(x):
            return math.inf
        if self.kind == "target":
            mid = self.bound if centre is None else centre
            return abs(x - mid) / self.tolerance
        if self.kind == "at_most":
            return max(0.0, x - self.bound + self.tolerance) / self.tolerance
        return max(0.0, self.bound + self.tolerance - x) / self.tolerance

    def region(self) -> tuple[float, float]:
        """The allowed region ``(low, high)`` (distance at most 1)."""
        if self.kind == "target":
            return self.bound - self.tolerance, self.bound + self.tolerance
        if self.kind == "at_most":
            return -math.inf, self.bound
        return self.bound, math.inf

    def describe(self) -> str:
        """The region in words: ``0.22 +/- 0.03``, ``at most 0.4``."""
        if self.kind == "target":
            return f"{self.bound:g} ± {self.tolerance:g}"
        return f"{self.kind.replace('_', ' ')} {self.bound:g}"


@dataclass(frozen=True)
class Prior:
    """A uniform prior on ``[low, high]``."""

    name: str
    low: float
    high: float


@dataclass
class CalibrationSpec:
    """A checked calibration spec."""

    path: Path
    name: str
    description: str
    runs: dict[str, dict[str, Any]]  # run name -> resolved model parameters
    patterns: list[Pattern]
    checks: list[Pattern]
    priors: list[Prior]
    abc: dict[str, Any] = field(default_factory=lambda: dict(ABC_DEFAULTS))
    raw: dict[str, Any] = field(default_factory=dict)  # the file's content, for the record

    @property
    def names(self) -> list[str]:
        """The calibrated parameters, in the file's order."""
        return [p.name for p in self.priors]


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not value:
        raise InstapError(f"{where} = {shown(value)}: expected a mapping with at least one "
                          "entry")
    return dict(value)


def _number(value: Any, where: str, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value):
        raise InstapError(f"{where} = {shown(value)}: expected a finite number")
    if positive and value <= 0:
        raise InstapError(f"{where} = {shown(value)}: must be more than 0")
    return float(value)


def _pattern(name: str, entry: Any, runs: Mapping[str, Any], where: str) -> Pattern:
    item = _mapping(entry, where)
    known = {"statistic", "run", "target", "at_most", "at_least", "tolerance", "pattern",
             "source"}
    for key in item:
        if key not in known:
            raise InstapError(f"{where}: unknown field {key!r}{suggest(key, known)}; "
                              f"allowed: {', '.join(sorted(known))}")
    stat = item.get("statistic")
    if not isinstance(stat, str):
        raise InstapError(f"{where}.statistic = {shown(stat)}: expected a metric name or "
                          f"one of {', '.join(DERIVED)}")
    kinds = [k for k in ("target", "at_most", "at_least") if k in item]
    if len(kinds) != 1:
        raise InstapError(f"{where}: give exactly one of target, at_most, at_least "
                          f"(got {', '.join(kinds) or 'none'})")
    run = item.get("run", [])
    run_names = tuple([run] if isinstance(run, str) else run)
    if stat not in NO_RUN and not run_names:
        raise InstapError(f"{where}.run: missing; allowed: one of {', '.join(runs)}")
    for r in run_names:
        if r not in runs:
            raise InstapError(f"{where}.run = {shown(r)}: unknown run{suggest(r, runs)}; "
                              f"allowed: {', '.join(runs)}")
    if stat == "coaching_effect" and len(run_names) != 2:
        raise InstapError(f"{where}.run: coaching_effect needs two runs [treated, control]")
    return Pattern(name=name, statistic=stat, runs=run_names, kind=kinds[0],
                   bound=_number(item[kinds[0]], f"{where}.{kinds[0]}"),
                   tolerance=_number(item.get("tolerance"), f"{where}.tolerance", True),
                   pattern=str(item.get("pattern", "")), source=str(item.get("source", "")))


def load_spec(path: str | Path) -> CalibrationSpec:
    """Read and check a calibration spec file."""
    path = Path(path)
    tree, _ = read_yaml(path, "calibration spec")
    raw = plain(tree)
    if not isinstance(raw, dict):
        raise InstapError(f"{path}: expected a mapping of fields")
    known = {"name", "description", "runs", "patterns", "checks", "parameters", "abc"}
    for key in raw:
        if key not in known:
            raise InstapError(f"{path}: unknown field {key!r}{suggest(key, known)}; allowed: "
                              f"{', '.join(sorted(known))}")
    runs: dict[str, dict[str, Any]] = {}
    for name, entry in _mapping(raw.get("runs"), f"{path}: runs").items():
        item = _mapping(entry, f"{path}: runs.{name}")
        scenario = item.get("scenario")
        if not isinstance(scenario, str):
            raise InstapError(f"{path}: runs.{name}.scenario = {shown(scenario)}: expected a "
                              "scenario file relative to the spec")
        loaded = load_scenario(path.parent / scenario)
        runs[name] = with_values(dict(loaded.params), item.get("set") or {},
                                 f"{path}: runs.{name}.set")
    patterns = [_pattern(n, e, runs, f"{path}: patterns.{n}")
                for n, e in _mapping(raw.get("patterns"), f"{path}: patterns").items()]
    checks = [_pattern(n, e, runs, f"{path}: checks.{n}")
              for n, e in (raw.get("checks") or {}).items()]
    priors = []
    for name, entry in _mapping(raw.get("parameters"), f"{path}: parameters").items():
        where = f"{path}: parameters.{name}"
        if name not in PARAMETERS:
            raise InstapError(f"{where}: unknown parameter{suggest(name, PARAMETERS)}; "
                              "allowed: a parameter of sim/parameters.py")
        p = PARAMETERS[name]
        if p.kind is not float:
            raise InstapError(f"{where}: {name} is not a continuous parameter ({p.allowed()})")
        item = _mapping(entry, where)
        low = _number(item.get("low"), f"{where}.low")
        high = _number(item.get("high"), f"{where}.high")
        if not low < high:
            raise InstapError(f"{where}: low {low:g} must be below high {high:g}")
        for bound in (low, high):
            try:
                p.check(bound)
            except ValueError as err:
                raise InstapError(f"{where}: {err}") from None
        priors.append(Prior(name, low, high))
    abc = dict(ABC_DEFAULTS)
    for key, value in (raw.get("abc") or {}).items():
        if key not in ABC_DEFAULTS:
            raise InstapError(f"{path}: abc.{key}: unknown setting{suggest(key, ABC_DEFAULTS)};"
                              f" allowed: {', '.join(ABC_DEFAULTS)}")
        kind = type(ABC_DEFAULTS[key])
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                kind is int and not float(value).is_integer()) or value < 0:
            raise InstapError(f"{path}: abc.{key} = {shown(value)}: expected a "
                              f"{'whole ' if kind is int else ''}number, 0 or more")
        abc[key] = kind(value)
    return CalibrationSpec(path=path, name=str(raw.get("name", path.stem)),
                           description=str(raw.get("description", "")), runs=runs,
                           patterns=patterns, checks=checks, priors=priors, abc=abc, raw=raw)
