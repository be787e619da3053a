"""Experiment files: schema, checks and clear errors (file, field, value, allowed).

:func:`load_experiment` reads a YAML file and returns an :class:`Experiment`, or raises
:class:`~instap.errors.InstapError` naming the file, the field, the value and what is
allowed. Factor names are checked against the model's parameters (``sim.PARAMETERS`` for
the Instapeconomie model, the constructor signature or Scenario fields for other models).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from instap.errors import InstapError, suggest
from instap.overrides import check_value, unknown_parameter
from instap.provenance import fingerprint
from instap.sweep.design import MAX_GRID_N, MAX_RUNS
from instap.sweep.factors import Factor
from instap.sweep.targets import DEFAULT_INSTAP_OUTPUTS, INSTAP_MODEL, RunSpec, Target, module_file
from instap.yaml_input import line_of, plain, read_yaml

METHODS = ("ofat", "factorial", "lhs", "morris", "sobol")
RESERVED_COLUMNS = {"run_id", "point", "replication", "seed", "error", "policy"}
#: Design methods that sample futures for ``levers:`` (each policy runs in every future).
LEVER_METHODS = ("lhs", "factorial")
#: The most policies one experiment may compare.
MAX_POLICIES = 50
#: The horizon "lasting" refers to by default: ten years.
LASTING_MONTHS = 120
FACTOR_KEYS = {"low", "high", "levels", "dist", "mean", "sd"}
#: Numbers given to a model other than the Instapeconomie one (which checks each value
#: against its parameter's range) stay within +-2**53: every factor value passes through
#: float64, where whole numbers beyond it are no longer exact, and a range of such numbers
#: (high - low) still fits.
MAX_MAGNITUDE = 2**53
OTHER_NUMBER = f"a finite number from -{MAX_MAGNITUDE} to {MAX_MAGNITUDE}"


class DesignSpec(BaseModel):
    """The ``design:`` block."""

    model_config = ConfigDict(extra="forbid")
    method: Literal["ofat", "factorial", "lhs", "morris", "sobol"]
    n: int = Field(gt=0, le=MAX_MAGNITUDE, description="Sobol base sample (a power of 2), "
                   "Morris trajectories, LHS points, OFAT points per factor, factorial levels "
                   "per range factor.")
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
    steps: int | None = Field(None, gt=0, le=MAX_MAGNITUDE)
    design: DesignSpec
    replications: int = Field(1, ge=1, le=MAX_RUNS)
    seed: int = Field(ge=0)
    factors: dict[str, dict[str, Any]] = Field(default_factory=dict)
    fixed: dict[str, Any] = Field(default_factory=dict)
    levers: dict[str, Any] | list[Any] | None = Field(
        None, description="Policies, each run in every future: a scenario file, or a "
        "mapping of parameter values over the base scenario.")
    uncertainties: dict[str, dict[str, Any]] | None = Field(
        None, description="The futures of an experiment with levers: factors sampled as "
        "`factors:` are.")
    lasts: str | None = Field(
        None, description="When a run counts as lasting (OUTPUT OP NUMBER); default "
        "durability.survival_months >= 120 (or the horizon when shorter).")
    timeseries: list[str] = Field(default_factory=list, description="Monthly series kept "
                                  "per run.")
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
    #: Where each policy (``levers:``) comes from: its scenario file, or "values".
    policy_sources: dict[str, str] | None = None
    #: When a run lasts (``lasts:``), for experiments with levers.
    lasts: str | None = None

    @property
    def name(self) -> str:
        """The experiment's name."""
        return self.file.name

    @property
    def method(self) -> str:
        """The design method."""
        return self.file.design.method

    @property
    def policies(self) -> tuple[str, ...]:
        """The names of the policies (``levers:``), in the file's order."""
        return tuple(self.spec.policies)

    def fingerprint(self) -> str:
        """Hash of everything that decides the runs (for safe resume); a sweep folder's
        manifest keeps every part, so the hash can be recomputed from it."""
        return experiment_fingerprint(self.raw, self.spec.base, self.spec.policies)


def experiment_fingerprint(raw: dict[str, Any], base: dict[str, Any],
                           policies: dict[str, Any] | None = None) -> str:
    """The fingerprint of an experiment file's fields ``raw``, its resolved base
    parameters ``base`` and the parameters each policy sets (``levers:``)."""
    if policies:
        return fingerprint({"raw": raw, "base": base, "policies": policies})
    return fingerprint({"raw": raw, "base": base})


class _Where:
    """File and line of a field of the experiment file, for messages."""

    def __init__(self, path: Path, tree: Any) -> None:
        self.path, self.tree = path, tree

    def __call__(self, *loc: Any) -> str:
        """``FILE, line N`` of the deepest key of ``loc`` found (list items too)."""
        line = line_of(self.tree, loc, default=0)
        return f"{self.path}, line {line}" if line else str(self.path)


def _read(path: Path) -> tuple[dict[str, Any], _Where]:
    tree, _ = read_yaml(path, "experiment")
    data = plain(tree)
    if not isinstance(data, dict):
        raise InstapError(f"{path}: expected a mapping of fields at the top level "
                          f"(name, design, factors, ...), got {type(data).__name__}")
    return data, _Where(path, tree)


def _from_mapping(data: Mapping[str, Any]) -> tuple[dict[str, Any], _Where]:
    """An experiment given as a mapping, made plain (as a YAML file would read)."""
    import json
    try:
        raw = json.loads(json.dumps(dict(data)))
    except (TypeError, ValueError) as err:
        raise InstapError(f"{DICT_EXPERIMENT}: the experiment must hold only texts, numbers, "
                          f"true/false, lists and mappings ({str(err)[:80]})") from None
    return raw, _Where(DICT_EXPERIMENT, raw)


def _show(value: Any) -> str:
    """``repr(value)``, shortened when very long (a 400-digit number)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**30:
        return f"a {len(str(abs(value)))}-digit number"
    text = repr(value)
    return text if len(text) <= 80 else text[:60] + f"... ({len(text)} characters)"


def _pydantic_message(where: _Where, err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"])
        at = where(*e["loc"])
        if e["type"] == "extra_forbidden":
            parent = ExperimentFile if len(e["loc"]) == 1 else DesignSpec
            fields = list(parent.model_fields)
            lines.append(f"{at}: unknown field {loc!r}{suggest(str(e['loc'][-1]), fields)};"
                         f" allowed fields: {', '.join(fields)}")
        elif e["type"] == "missing":
            lines.append(f"{at}: field {loc!r} is required")
        else:
            allowed = ""
            if e["type"] == "literal_error":
                allowed = f"; allowed: {', '.join(METHODS)}"
            value = e.get("input")
            lines.append(f"{at}: field {loc!r} = {_show(value)}: {e['msg']}{allowed}")
    return "\n".join(lines)


def check_other_value(value: Any, where: str, label: str, nested: bool = False) -> Any:
    """A value for a model other than the Instapeconomie one: numbers finite and within
    +-:data:`MAX_MAGNITUDE`; text and true/false as they are; lists and mappings (only
    when ``nested``, as in ``fixed:``) checked item by item."""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        if abs(value) > MAX_MAGNITUDE or not math.isfinite(value):  # int first: no float()
            raise InstapError(f"{where}: {label} = {_show(value)} is not allowed; allowed: "
                              f"{OTHER_NUMBER}")
        return value
    if nested and isinstance(value, list):
        return [check_other_value(v, where, f"{label}[{i}]", True)
                for i, v in enumerate(value)]
    if nested and isinstance(value, dict):
        return {k: check_other_value(v, where, f"{label}.{k}", True) for k, v in value.items()}
    if nested and value is None:
        return value
    raise InstapError(f"{where}: {label} = {_show(value)} is not allowed; allowed: a number, "
                      "a text or true/false")


def _levels_kind(values: list[Any]) -> str | None:
    """``number``, ``text``, ``true/false`` or ``list`` when all levels are of one kind
    and can be stored in one column of the run table."""
    kinds = {"true/false" if isinstance(v, bool) else "text" if isinstance(v, str)
             else "list" if isinstance(v, list) else "number" for v in values}
    if len(kinds) != 1:
        return None
    import pyarrow as pa

    try:
        pa.array(values)
    except (pa.ArrowException, ValueError, TypeError, OverflowError):
        return None
    return kinds.pop()


def _level(value: Any, where: str, label: str) -> Any:
    """One level of a factor of another model: a number, text, true/false or a list of
    them (checked as :func:`check_other_value` does)."""
    if value is None or isinstance(value, dict):
        raise InstapError(f"{where}: {label} = {_show(value)} is not allowed; allowed: a "
                          "number, a text, true/false or a list")
    return check_other_value(value, where, label, nested=isinstance(value, list))


def _factor(where: _Where, name: str, body: dict[str, Any], target: Target,
            names: list[str] | None, group: str = "factors") -> Factor:
    field = f"{group}.{name}"
    at = where(group, name)
    if names is not None and name not in names:
        raise InstapError(f"{at}: {field}: unknown parameter {name!r} of {target.spec.model}"
                          f"{suggest(name, names)}")
    if name in RESERVED_COLUMNS:
        raise InstapError(f"{at}: {field}: {name!r} is a reserved column name")
    if not isinstance(body, dict) or not body:
        raise InstapError(f"{at}: {field} = {_show(body)}: expected {{low, high}}, {{levels: "
                          "[...]}} or {dist: normal, mean, sd}")
    extra = set(body) - FACTOR_KEYS
    if extra:
        key = sorted(extra)[0]
        raise InstapError(f"{where(group, name, key)}: {field}: unknown key {key!r}"
                          f"{suggest(key, FACTOR_KEYS)}; allowed keys: low, high, levels, "
                          "dist, mean, sd")
    param = None
    if target.kind == "instap":
        from sim import PARAMETERS
        param = PARAMETERS[name]

    def check(value: Any, key: str, *item: int) -> Any:
        place = where(group, name, key, *item)
        if param is None:
            if key == "levels":
                return _level(value, place, f"{field}.{key}")
            return check_other_value(value, place, f"{field}.{key}")
        return check_value(name, value, place, f"{field}.{key}")

    if "levels" in body:
        if set(body) != {"levels"}:
            raise InstapError(f"{at}: {field}: 'levels' cannot be combined with "
                              f"{', '.join(sorted(set(body) - {'levels'}))}")
        levels = body["levels"]
        if not isinstance(levels, list) or len(levels) < 2:
            raise InstapError(f"{where(group, name, 'levels')}: {field}.levels = "
                              f"{_show(levels)}: expected a list of at least 2 values")
        levels = [check(v, "levels", i) for i, v in enumerate(levels)]
        if _levels_kind(levels) is None:
            raise InstapError(f"{where(group, name, 'levels')}: {field}.levels = "
                              f"{_show(levels)} is not allowed; allowed: levels of one "
                              "kind (numbers, texts, true/false or lists of the same kind)")
        if len(set(map(repr, levels))) != len(levels):
            raise InstapError(f"{where(group, name, 'levels')}: {field}.levels = "
                              f"{_show(levels)}: values must be distinct")
        return Factor(name, "levels", levels=tuple(levels))
    if param is not None and param.kind in (bool, str):
        raise InstapError(f"{at}: {field}: {name} takes {param.allowed()}; give "
                          f"levels: [...] instead of a range")
    if param is not None:
        integer = param.kind is int
    else:
        default = target.parameter_default(name)
        integer = isinstance(default, int) and not isinstance(default, bool)
    dist = body.get("dist", "uniform")
    if dist == "uniform":
        if set(body) - {"low", "high", "dist"} or not {"low", "high"} <= set(body):
            raise InstapError(f"{at}: {field}: a uniform factor needs exactly low and high")
        low, high = check(body["low"], "low"), check(body["high"], "high")
        for key, v in (("low", low), ("high", high)):
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise InstapError(f"{where(group, name, key)}: {field}.{key} = "
                                  f"{_show(v)} is not allowed; allowed: a number")
        if not low < high:
            raise InstapError(f"{at}: {field}: low ({low!r}) must be below high ({high!r})")
        return Factor(name, "uniform", low=float(low), high=float(high), integer=integer)
    if dist == "normal":
        if set(body) != {"dist", "mean", "sd"}:
            raise InstapError(f"{at}: {field}: a normal factor needs exactly dist, mean, sd")
        mean, sd = check(body["mean"], "mean"), body["sd"]
        if isinstance(mean, bool) or not isinstance(mean, int | float):
            raise InstapError(f"{where(group, name, 'mean')}: {field}.mean = "
                              f"{_show(mean)} is not allowed; allowed: a number")
        if isinstance(sd, bool) or not isinstance(sd, int | float) or not (
                0 < sd <= MAX_MAGNITUDE):
            raise InstapError(f"{where(group, name, 'sd')}: {field}.sd = {_show(sd)} is "
                              f"not allowed; allowed: a positive finite number up to "
                              f"{MAX_MAGNITUDE}")
        clip = None
        if param is not None and param.low is not None and param.high is not None:
            clip = (param.low, param.high)
        return Factor(name, "normal", mean=float(mean), sd=float(sd), clip=clip,
                      integer=integer)
    raise InstapError(f"{where(group, name, 'dist')}: {field}.dist = {_show(dist)} is "
                      "not allowed; allowed: uniform, normal")


def _base(where: _Where, f: ExperimentFile, target: Target
          ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Resolved base parameters (scenario + fixed + steps) and the scenario parameters."""
    path = where.path
    if target.kind != "instap":
        if f.scenario is not None:
            raise InstapError(f"{where('scenario')}: field 'scenario' only applies to the "
                              f"Instapeconomie model ({INSTAP_MODEL}); use 'fixed' for "
                              f"{f.model}")
        names = target.parameter_names()
        fixed = {}
        for key, value in f.fixed.items():
            if names is not None and key not in names:
                raise InstapError(f"{where('fixed', key)}: fixed.{key}: unknown parameter of "
                                  f"{f.model}{suggest(key, names)}")
            fixed[key] = check_other_value(value, where("fixed", key), f"fixed.{key}",
                                           nested=True)
        return fixed, None
    from instap.scenario import check_timeline_run, load_scenario, scenario_reference
    from sim import DEFAULTS, PARAMETERS

    scenario_params: dict[str, Any] = dict(DEFAULTS)
    loaded = None
    if f.scenario is not None:
        # the same confinement as a scenario's extends: (its folder tree or the shipped
        # scenarios), checked before anything is read
        scen_path = scenario_reference(f.scenario, path, path, where("scenario"),
                                       "field 'scenario'")
        loaded = load_scenario(scen_path)
        scenario_params = dict(loaded.params)
    base = dict(scenario_params)
    for key, value in f.fixed.items():
        if key not in PARAMETERS:
            raise InstapError(f"{where('fixed', key)}: fixed.{key}: {unknown_parameter(key)}")
        base[key] = check_value(key, value, where("fixed", key), f"fixed.{key}")
    if f.steps is not None:
        base["months"] = check_value("months", f.steps, where("steps"), "field 'steps'")
    if loaded is not None and loaded.timeline:
        # the scenario's timeline must fit the experiment's horizon and population
        check_timeline_run(loaded, base, f"{where('steps')}: the experiment's settings")
    return base, scenario_params


def _announce_imports(path: Path, f: ExperimentFile, extra_paths: tuple[str, ...],
                      announce: Callable[[str], None]) -> None:
    """Say which files of model code ``model:`` and ``model_scenario:`` will import (and so
    run), before importing them; modules already imported run nothing new."""
    said: set[str] = set()
    for ref in (f.model, f.model_scenario):
        if ref is None:
            continue
        found = module_file(ref, extra_paths)
        if found is None or found[0] in said:
            continue
        said.add(found[0])
        origin = found[1] or f"module {found[0]!r} (file not found)"
        announce(f"importing model code from {origin} (model {ref!r} of {path})")


#: The stand-in file name of an experiment given as a mapping (:func:`instap.sweep`):
#: messages name it, and its relative paths are relative to the working folder.
DICT_EXPERIMENT = Path("experiment (dict)")


def load_experiment(path: str | Path | Mapping[str, Any],
                    announce: Callable[[str], None] | None = None) -> Experiment:
    """Read and check an experiment file (or the fields of one, as a mapping); raise
    :class:`InstapError` on any problem.

    ``announce`` is told, before the import, which file of model code ``model:`` imports
    (importing a module runs its code), unless it is already imported.
    """
    if isinstance(path, Mapping):
        raw, where = _from_mapping(path)
        path = DICT_EXPERIMENT
    else:
        path = Path(path)
        raw, where = _read(path)
    try:
        f = ExperimentFile.model_validate(raw)
    except ValidationError as err:
        raise InstapError(_pydantic_message(where, err)) from None
    d = f.design
    at_n = where("design", "n")
    if d.method == "sobol" and (d.n < 4 or d.n & (d.n - 1)):
        raise InstapError(f"{at_n}: field 'design.n' = {d.n}: Sobol needs a power of 2 "
                          "(at least 4), e.g. 256, 512, 1024")
    if d.method in ("ofat", "factorial") and d.n > MAX_GRID_N:
        raise InstapError(f"{at_n}: field 'design.n' = {d.n} is not allowed; allowed: at "
                          f"most {MAX_GRID_N} values per factor for a {d.method} design")
    if d.method == "morris" and d.num_levels % 2:
        raise InstapError(f"{where('design', 'num_levels')}: field 'design.num_levels' = "
                          f"{d.num_levels}: must be even")
    if d.second_order and d.method != "sobol":
        raise InstapError(f"{where('design', 'second_order')}: field 'design.second_order' "
                          "applies only to sobol")
    is_instap = f.model == INSTAP_MODEL
    outputs = tuple(f.outputs) or (DEFAULT_INSTAP_OUTPUTS if is_instap else ())
    clash = (set(outputs) & set(f.factors)) | (set(outputs) & RESERVED_COLUMNS)
    if clash:
        raise InstapError(f"{where('outputs')}: outputs: {sorted(clash)[0]!r} is also a "
                          "factor or a reserved column name")
    extra_paths = (str(path.parent.resolve()),)
    if announce is not None:
        _announce_imports(path, f, extra_paths, announce)
    try:
        target = Target(RunSpec(model=f.model, model_scenario=f.model_scenario,
                                extra_paths=extra_paths))
    except InstapError as err:
        raise InstapError(f"{path}: field {str(err)}") from None
    if target.kind == "mesa" and f.steps is None:
        raise InstapError(f"{path}: field 'steps' is required for a Mesa model other than "
                          f"{INSTAP_MODEL}")
    base, scenario_params = _base(where, f, target)
    names = target.parameter_names()
    bodies, group = _factor_bodies(where, f)
    factors = [_factor(where, name, body, target, names, group)
               for name, body in bodies.items()]
    fixed_clash = set(f.fixed) & set(bodies)
    if fixed_clash:
        key = sorted(fixed_clash)[0]
        raise InstapError(f"{where('fixed', key)}: {key!r} is both fixed and "
                          f"{'a factor' if group == 'factors' else 'an uncertainty'}")
    policies: dict[str, dict[str, Any]] = {}
    sources: dict[str, str] | None = None
    lasts = None
    if f.levers is not None:
        policies, sources = _policies(where, f, target, names, base, scenario_params or {},
                                      set(bodies))
        lasts, outputs = _lasts(where, f, target, outputs, base)
    elif f.lasts is not None:
        raise InstapError(f"{where('lasts')}: field 'lasts' applies to an experiment with "
                          "levers: (the policies it compares)")
    series = _timeseries(where, f, target)
    spec = RunSpec(model=f.model, model_scenario=f.model_scenario, steps=f.steps,
                   outputs=outputs, base=base, extra_paths=extra_paths, policies=policies,
                   timeseries=series)
    return Experiment(path=path, raw=raw, file=f, factors=factors, spec=spec,
                      base_scenario=scenario_params, policy_sources=sources, lasts=lasts)


def _factor_bodies(where: _Where, f: ExperimentFile) -> tuple[dict[str, dict[str, Any]], str]:
    """The factors of the design and the field that gives them: ``factors:``, or
    ``uncertainties:`` (the futures) in an experiment with ``levers:``."""
    if f.levers is None:
        if f.uncertainties is not None:
            raise InstapError(f"{where('uncertainties')}: field 'uncertainties' needs "
                              "levers: (the policies to run in every future); without "
                              "levers, give the factors as factors:")
        if not f.factors:
            raise InstapError(f"{where('factors')}: field 'factors' is required (at least "
                              "one factor)")
        return f.factors, "factors"
    if f.factors:
        raise InstapError(f"{where('factors')}: with levers:, give the futures as "
                          "uncertainties: instead of factors:")
    if not f.uncertainties:
        raise InstapError(f"{where('levers')}: field 'levers' needs uncertainties: (at "
                          "least one factor: the futures every policy runs in)")
    if f.design.method not in LEVER_METHODS:
        raise InstapError(f"{where('design', 'method')}: field 'design.method' = "
                          f"{f.design.method!r} is not allowed with levers:; allowed: "
                          f"{', '.join(LEVER_METHODS)} (futures sampled evenly)")
    return f.uncertainties, "uncertainties"


def _lever_items(where: _Where, levers: dict[str, Any] | list[Any]
                 ) -> list[tuple[str, Any, tuple[Any, ...]]]:
    """(name, scenario file or values, location) of each policy; a list of scenario
    files names each policy by its file's name."""
    if isinstance(levers, list):
        items: list[tuple[str, Any, tuple[Any, ...]]] = []
        for i, ref in enumerate(levers):
            if not isinstance(ref, str) or not ref.strip():
                raise InstapError(f"{where('levers', i)}: levers[{i}] = {_show(ref)}: a list "
                                  "of levers names scenario files; give values as a mapping "
                                  "NAME: {parameter: value}")
            items.append((Path(ref).stem, ref, ("levers", i)))
    else:
        items = [(str(name), body, ("levers", name)) for name, body in levers.items()]
    if not items:
        raise InstapError(f"{where('levers')}: field 'levers' is empty; allowed: 1 to "
                          f"{MAX_POLICIES} policies")
    if len(items) > MAX_POLICIES:
        raise InstapError(f"{where('levers')}: field 'levers' has {len(items)} policies; "
                          f"allowed: at most {MAX_POLICIES}")
    seen: set[str] = set()
    for name, _, loc in items:
        if name in seen:
            raise InstapError(f"{where(*loc)}: levers: two policies are named {name!r}; "
                              "give them distinct names (a mapping NAME: file)")
        if not name.strip() or len(name) > 60:
            raise InstapError(f"{where(*loc)}: levers: policy name {_show(name)} is not "
                              "allowed; allowed: a name of 1 to 60 characters")
        seen.add(name)
    return items


def _policies(where: _Where, f: ExperimentFile, target: Target, names: list[str] | None,
              base: dict[str, Any], scenario_params: dict[str, Any], uncertain: set[str]
              ) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Per policy, the parameters it sets over the base scenario, and its source."""
    from instap.scenario import check_timeline_run, load_scenario, scenario_reference

    assert f.levers is not None
    held = set(f.fixed) | ({"months"} if f.steps is not None else set())
    policies: dict[str, dict[str, Any]] = {}
    sources: dict[str, str] = {}
    for name, body, loc in _lever_items(where, f.levers):
        at, label = where(*loc), f"levers.{name}"
        if isinstance(body, str):
            if target.kind != "instap":
                raise InstapError(f"{at}: {label} = {_show(body)}: a scenario file applies "
                                  f"only to the Instapeconomie model ({INSTAP_MODEL}); give a "
                                  "mapping of parameter values")
            loaded = load_scenario(scenario_reference(body, where.path, where.path, at,
                                                      label))
            diff = {k: v for k, v in loaded.params.items()
                    if k not in scenario_params or scenario_params[k] != v}
            if loaded.timeline:
                check_timeline_run(loaded, {**base, **diff}, f"{at}: the experiment's "
                                   "settings")
            sources[name] = body
        elif isinstance(body, dict) and body:
            diff = {}
            for key, value in body.items():
                if names is not None and key not in names:
                    raise InstapError(f"{where(*loc, key)}: {label}.{key}: unknown parameter "
                                      f"{key!r} of {target.spec.model}{suggest(key, names)}")
                if key in RESERVED_COLUMNS:
                    raise InstapError(f"{where(*loc, key)}: {label}.{key}: {key!r} is a "
                                      "reserved column name")
                diff[key] = (check_value(key, value, where(*loc, key), f"{label}.{key}")
                             if target.kind == "instap" else
                             check_other_value(value, where(*loc, key), f"{label}.{key}",
                                               nested=True))
            sources[name] = "values"
        else:
            raise InstapError(f"{at}: {label} = {_show(body)}: expected a scenario file "
                              "(e.g. ../scenarios/baseline.yaml) or a mapping of parameter "
                              "values ({renewal_rule: evidence})")
        for key in sorted(set(diff) & uncertain):
            raise InstapError(f"{at}: {label} sets {key!r}, which is also an uncertainty; a "
                              "policy cannot choose the future: drop it from the policy or "
                              "from uncertainties")
        for key in sorted(set(diff) & held):
            what = "the experiment's steps" if key == "months" else "fixed"
            raise InstapError(f"{at}: {label} sets {key!r}, which is {what}; every policy "
                              "runs with the same fixed settings: drop it from one of them")
        policies[name] = diff
    return policies, sources


def _lasts(where: _Where, f: ExperimentFile, target: Target, outputs: tuple[str, ...],
           base: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """The condition under which a run lasts (``lasts:``, checked), and the outputs with
    the one it reads."""
    from instap.sweep.discovery import parse_condition

    text = f.lasts
    if text is None:
        if target.kind != "instap":
            raise InstapError(f"{where('levers')}: an experiment with levers on "
                              f"{f.model} needs lasts: (when a run counts as lasting, "
                              "e.g. \"alive_months >= 120\")")
        months = int(base.get("months", LASTING_MONTHS))
        text = f"durability.survival_months >= {min(LASTING_MONTHS, months)}"
        if "durability.survival_months" not in outputs:
            outputs = (*outputs, "durability.survival_months")
    condition = parse_condition(text, list(outputs), where=f"{where('lasts')}: field 'lasts'")
    return condition.text, outputs


def _timeseries(where: _Where, f: ExperimentFile, target: Target) -> tuple[str, ...]:
    """The monthly series to keep per run (``timeseries:``), checked for the
    Instapeconomie model against its monthly columns."""
    names = list(f.timeseries)
    for i, name in enumerate(names):
        if name in names[:i]:
            raise InstapError(f"{where('timeseries', i)}: timeseries: {name!r} is listed "
                              "twice")
    if target.kind == "instap":
        from instap.sweep.targets import DERIVED_SERIES
        from sim.outputs import COLUMNS
        known = [*COLUMNS, *DERIVED_SERIES]
        for i, name in enumerate(names):
            if name not in known:
                raise InstapError(f"{where('timeseries', i)}: timeseries: unknown monthly "
                                  f"series {name!r}{suggest(name, known)}; allowed: the "
                                  "columns of sim/outputs.py (docs/glossary.md) and "
                                  f"{', '.join(DERIVED_SERIES)}")
    return tuple(names)
