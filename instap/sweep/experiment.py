"""Experiment files: schema, checks and clear errors (file, field, value, allowed).

:func:`load_experiment` reads a YAML file and returns an :class:`Experiment`, or raises
:class:`~instap.errors.InstapError` naming the file, the field, the value and what is
allowed. Factor names are checked against the model's parameters (``sim.PARAMETERS`` for
the Instapeconomie model, the constructor signature or Scenario fields for other models).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from instap.errors import InstapError, suggest
from instap.overrides import check_value, unknown_parameter
from instap.sweep.factors import Factor
from instap.sweep.targets import DEFAULT_INSTAP_OUTPUTS, INSTAP_MODEL, RunSpec, Target
from instap.yaml_input import plain, read_yaml

METHODS = ("ofat", "factorial", "lhs", "morris", "sobol")
RESERVED_COLUMNS = {"run_id", "point", "replication", "seed", "error"}
FACTOR_KEYS = {"low", "high", "levels", "dist", "mean", "sd"}


class DesignSpec(BaseModel):
    """The ``design:`` block."""

    model_config = ConfigDict(extra="forbid")
    method: Literal["ofat", "factorial", "lhs", "morris", "sobol"]
    n: int = Field(gt=0, description="Sobol base sample (a power of 2), Morris trajectories, "
                   "LHS points, OFAT points per factor, factorial levels per range factor.")
    second_order: bool = False
    num_levels: int = Field(4, ge=2, description="Morris grid levels (even).")
    conf_level: float = Field(0.95, gt=0, lt=1)


class ExperimentFile(BaseModel):
    """The top level of an experiment file."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    description: str = ""
    scenario: str | None = None
    model: str = INSTAP_MODEL
    model_scenario: str | None = None
    steps: int | None = Field(None, gt=0)
    design: DesignSpec
    replications: int = Field(1, ge=1)
    seed: int = Field(ge=0)
    factors: dict[str, dict[str, Any]] = Field(min_length=1)
    fixed: dict[str, Any] = Field(default_factory=dict)
    outputs: list[str] = Field(default_factory=list)


@dataclass
class Experiment:
    """A checked experiment, ready to plan and run."""

    path: Path
    raw: dict[str, Any]
    file: ExperimentFile
    factors: list[Factor]
    spec: RunSpec
    base_scenario: dict[str, Any] | None  # resolved parameters of the base scenario

    @property
    def name(self) -> str:
        """The experiment's name."""
        return self.file.name

    @property
    def method(self) -> str:
        """The design method."""
        return self.file.design.method

    def fingerprint(self) -> str:
        """Hash of everything that decides the runs (for safe resume)."""
        blob = json.dumps({"raw": self.raw, "base": self.spec.base}, sort_keys=True,
                          default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _read(path: Path) -> dict[str, Any]:
    tree, _ = read_yaml(path, "experiment")
    data = plain(tree)
    if not isinstance(data, dict):
        raise InstapError(f"{path}: expected a mapping of fields at the top level "
                          f"(name, design, factors, ...), got {type(data).__name__}")
    return data


def _pydantic_message(path: Path, err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"])
        if e["type"] == "extra_forbidden":
            parent = ExperimentFile if len(e["loc"]) == 1 else DesignSpec
            fields = list(parent.model_fields)
            lines.append(f"{path}: unknown field {loc!r}{suggest(str(e['loc'][-1]), fields)};"
                         f" allowed fields: {', '.join(fields)}")
        elif e["type"] == "missing":
            lines.append(f"{path}: field {loc!r} is required")
        else:
            allowed = ""
            if e["type"] == "literal_error":
                allowed = f"; allowed: {', '.join(METHODS)}"
            value = e.get("input")
            lines.append(f"{path}: field {loc!r} = {value!r}: {e['msg']}{allowed}")
    return "\n".join(lines)


def _factor(path: Path, name: str, body: dict[str, Any], target: Target,
            names: list[str] | None) -> Factor:
    field = f"factors.{name}"
    if names is not None and name not in names:
        raise InstapError(f"{path}: {field}: unknown parameter {name!r} of {target.spec.model}"
                          f"{suggest(name, names)}")
    if name in RESERVED_COLUMNS:
        raise InstapError(f"{path}: {field}: {name!r} is a reserved column name")
    if not isinstance(body, dict) or not body:
        raise InstapError(f"{path}: {field} = {body!r}: expected {{low, high}}, {{levels: "
                          "[...]}} or {dist: normal, mean, sd}")
    extra = set(body) - FACTOR_KEYS
    if extra:
        key = sorted(extra)[0]
        raise InstapError(f"{path}: {field}: unknown key {key!r}{suggest(key, FACTOR_KEYS)}; "
                          f"allowed keys: low, high, levels, dist, mean, sd")
    param = None
    if target.kind == "instap":
        from sim import PARAMETERS
        param = PARAMETERS[name]

    def check(value: Any, key: str) -> Any:
        if param is None:
            return value
        return check_value(name, value, str(path), f"{field}.{key}")

    if "levels" in body:
        if set(body) != {"levels"}:
            raise InstapError(f"{path}: {field}: 'levels' cannot be combined with "
                              f"{', '.join(sorted(set(body) - {'levels'}))}")
        levels = body["levels"]
        if not isinstance(levels, list) or len(levels) < 2:
            raise InstapError(f"{path}: {field}.levels = {levels!r}: expected a list of at "
                              "least 2 values")
        levels = [check(v, "levels") for v in levels]
        if len(set(map(repr, levels))) != len(levels):
            raise InstapError(f"{path}: {field}.levels = {levels!r}: values must be distinct")
        return Factor(name, "levels", levels=tuple(levels))
    if param is not None and param.kind in (bool, str):
        raise InstapError(f"{path}: {field}: {name} takes {param.allowed()}; give "
                          f"levels: [...] instead of a range")
    if param is not None:
        integer = param.kind is int
    else:
        default = target.parameter_default(name)
        integer = isinstance(default, int) and not isinstance(default, bool)
    dist = body.get("dist", "uniform")
    if dist == "uniform":
        if set(body) - {"low", "high", "dist"} or not {"low", "high"} <= set(body):
            raise InstapError(f"{path}: {field}: a uniform factor needs exactly low and high")
        low, high = check(body["low"], "low"), check(body["high"], "high")
        for key, v in (("low", low), ("high", high)):
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise InstapError(f"{path}: {field}.{key} = {v!r}: expected a number")
        if not low < high:
            raise InstapError(f"{path}: {field}: low ({low!r}) must be below high ({high!r})")
        return Factor(name, "uniform", low=float(low), high=float(high), integer=integer)
    if dist == "normal":
        if set(body) != {"dist", "mean", "sd"}:
            raise InstapError(f"{path}: {field}: a normal factor needs exactly dist, mean, sd")
        mean, sd = check(body["mean"], "mean"), body["sd"]
        if isinstance(sd, bool) or not isinstance(sd, int | float) or sd <= 0:
            raise InstapError(f"{path}: {field}.sd = {sd!r}: expected a positive number")
        clip = None
        if param is not None and param.low is not None and param.high is not None:
            clip = (param.low, param.high)
        return Factor(name, "normal", mean=float(mean), sd=float(sd), clip=clip,
                      integer=integer)
    raise InstapError(f"{path}: {field}.dist = {dist!r}: allowed: uniform, normal")


def _base(path: Path, f: ExperimentFile, target: Target) -> tuple[dict[str, Any],
                                                                 dict[str, Any] | None]:
    """Resolved base parameters (scenario + fixed + steps) and the scenario parameters."""
    if target.kind != "instap":
        if f.scenario:
            raise InstapError(f"{path}: field 'scenario' only applies to the Instapeconomie "
                              f"model ({INSTAP_MODEL}); use 'fixed' for {f.model}")
        names = target.parameter_names()
        for key in f.fixed:
            if names is not None and key not in names:
                raise InstapError(f"{path}: fixed.{key}: unknown parameter of {f.model}"
                                  f"{suggest(key, names)}")
        return dict(f.fixed), None
    from sim import DEFAULTS, PARAMETERS
    scenario_params: dict[str, Any] = dict(DEFAULTS)
    if f.scenario:
        from instap.scenario import load_scenario
        scen_path = (path.parent / f.scenario).resolve()
        if not scen_path.is_file():
            raise InstapError(f"{path}: field 'scenario' = {f.scenario!r}: no such file "
                              f"{scen_path}")
        scenario_params = dict(load_scenario(scen_path).params)
    base = dict(scenario_params)
    for key, value in f.fixed.items():
        if key not in PARAMETERS:
            raise InstapError(f"{path}: fixed.{key}: {unknown_parameter(key)}")
        base[key] = check_value(key, value, str(path), f"fixed.{key}")
    if f.steps is not None:
        base["months"] = check_value("months", f.steps, str(path), "field 'steps'")
    return base, scenario_params


def load_experiment(path: str | Path) -> Experiment:
    """Read and check an experiment file; raise :class:`InstapError` on any problem."""
    path = Path(path)
    raw = _read(path)
    try:
        f = ExperimentFile.model_validate(raw)
    except ValidationError as err:
        raise InstapError(_pydantic_message(path, err)) from None
    d = f.design
    if d.method == "sobol" and (d.n < 4 or d.n & (d.n - 1)):
        raise InstapError(f"{path}: field 'design.n' = {d.n}: Sobol needs a power of 2 "
                          "(at least 4), e.g. 256, 512, 1024")
    if d.method == "morris" and d.num_levels % 2:
        raise InstapError(f"{path}: field 'design.num_levels' = {d.num_levels}: must be even")
    if d.second_order and d.method != "sobol":
        raise InstapError(f"{path}: field 'design.second_order' applies only to sobol")
    is_instap = f.model == INSTAP_MODEL
    outputs = tuple(f.outputs) or (DEFAULT_INSTAP_OUTPUTS if is_instap else ())
    clash = (set(outputs) & set(f.factors)) | (set(outputs) & RESERVED_COLUMNS)
    if clash:
        raise InstapError(f"{path}: outputs: {sorted(clash)[0]!r} is also a factor or a "
                          "reserved column name")
    extra_paths = (str(path.parent.resolve()),)
    try:
        target = Target(RunSpec(model=f.model, model_scenario=f.model_scenario,
                                extra_paths=extra_paths))
    except InstapError as err:
        raise InstapError(f"{path}: field {str(err)}") from None
    if target.kind == "mesa" and f.steps is None:
        raise InstapError(f"{path}: field 'steps' is required for a Mesa model other than "
                          f"{INSTAP_MODEL}")
    base, scenario_params = _base(path, f, target)
    names = target.parameter_names()
    factors = [_factor(path, name, body, target, names) for name, body in f.factors.items()]
    fixed_clash = set(f.fixed) & set(f.factors)
    if fixed_clash:
        raise InstapError(f"{path}: {sorted(fixed_clash)[0]!r} is both fixed and a factor")
    spec = RunSpec(model=f.model, model_scenario=f.model_scenario, steps=f.steps,
                   outputs=outputs, base=base, extra_paths=extra_paths)
    return Experiment(path=path, raw=raw, file=f, factors=factors, spec=spec,
                      base_scenario=scenario_params)
