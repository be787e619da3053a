"""The thing a sweep runs: the Instapeconomie model, another Mesa model, or a function.

A :class:`RunSpec` is plain, picklable data sent to workers once; a :class:`Target` built
from it maps (values, seed) to outputs with :meth:`Target.run`. The Instapeconomie model
is built and run by :func:`instap.execution.run_model`, the same function ``instap run``
uses, so a sweep run and a replication with the same parameters and seed are the same run.
"""

from __future__ import annotations

import importlib
import inspect
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from instap.errors import InstapError
from instap.execution import run_model
from sim.outputs import coalition_size

INSTAP_MODEL = "sim:InstapModel"
DEFAULT_INSTAP_OUTPUTS = ("durability.survival_months", "durability.collapsed",
                          "participants.retention_12m", "participants.placements",
                          "finance.sroi_10y", "finance.public_cost_per_lasting_placement")
_RESERVED_KWARGS = {"self", "rng", "seed", "scenario"}
#: Monthly series a sweep can keep besides the model's columns (sim/outputs.py), each
#: computed from those columns.
DERIVED_SERIES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "coalition_total": coalition_size,
}


@dataclass(frozen=True)
class RunSpec:
    """Everything a worker needs besides the runs: what to run and what to read out."""

    model: str = INSTAP_MODEL
    model_scenario: str | None = None
    steps: int | None = None
    outputs: tuple[str, ...] = ()
    base: dict[str, Any] = field(default_factory=dict)
    extra_paths: tuple[str, ...] = ()
    #: Per policy (``levers:``), the parameters it sets over ``base``.
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Monthly series kept per run (``timeseries:``).
    timeseries: tuple[str, ...] = ()


def import_object(ref: str, what: str = "model") -> Any:
    """Import ``module:name``; raise :class:`InstapError` with the reason if that fails."""
    module_name, sep, attr = ref.partition(":")
    if not sep or not module_name or not attr:
        raise InstapError(f"{what}: {ref!r} is not of the form 'module:name'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise InstapError(f"{what}: cannot import module {module_name!r} ({err})") from err
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise InstapError(f"{what}: module {module_name!r} has no {attr!r}")
        obj = getattr(obj, part)
    return obj


def module_file(ref: str, extra_paths: tuple[str, ...] = ()) -> tuple[str, str | None] | None:
    """``(module, file)`` that importing ``module:name`` would run, found without running
    anything (``file`` is None when it cannot be found, so the import will fail); None when
    the module is already imported, so importing it runs no new code."""
    module_name = ref.partition(":")[0]
    if not module_name or module_name in sys.modules:
        return None
    from importlib.machinery import PathFinder

    search: list[str] | None = [*extra_paths, *sys.path]
    origin: str | None = None
    parts = module_name.split(".")
    for i in range(len(parts)):
        name = ".".join(parts[: i + 1])
        loaded = sys.modules.get(name)
        if loaded is not None:
            search, origin = list(getattr(loaded, "__path__", []) or []), None
            continue
        try:
            spec = PathFinder.find_spec(name, search)
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            return module_name, None
        origin = spec.origin if spec.has_location else None
        search = list(spec.submodule_search_locations or [])
    return module_name, origin


def _is_mesa_model(obj: Any) -> bool:
    from mesa import Model
    return inspect.isclass(obj) and issubclass(obj, Model)


class Target:
    """A resolved model: call :meth:`run` with factor values and a seed."""

    def __init__(self, spec: RunSpec) -> None:
        for path in spec.extra_paths:
            if path not in sys.path:
                sys.path.insert(0, path)
        self.spec = spec
        self.obj = import_object(spec.model)
        self.scenario_cls = (import_object(spec.model_scenario, "model_scenario")
                             if spec.model_scenario else None)
        if spec.model == INSTAP_MODEL or self._is_instap():
            self.kind = "instap"
        elif _is_mesa_model(self.obj):
            self.kind = "mesa"
        elif callable(self.obj) and not inspect.isclass(self.obj):
            self.kind = "function"
        else:
            raise InstapError(f"model: {spec.model!r} is neither a Mesa Model subclass nor a "
                              "function")
        if self.scenario_cls is not None and self.kind != "mesa":
            raise InstapError("model_scenario: only applies to a Mesa Model class")

    def _is_instap(self) -> bool:
        from sim import InstapModel
        return self.obj is InstapModel

    # ------------------------------------------------------------------ validation
    def parameter_names(self) -> list[str] | None:
        """Names the model accepts as factors, or None if it accepts any keyword."""
        if self.kind == "instap":
            from sim import PARAMETERS
            return list(PARAMETERS)
        if self.scenario_cls is not None:
            return sorted(getattr(self.scenario_cls, "_scenario_defaults", {}))
        target = self.obj.__init__ if self.kind == "mesa" else self.obj
        sig = inspect.signature(target)
        if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
            return None
        return [n for n in sig.parameters if n not in _RESERVED_KWARGS]

    def parameter_default(self, name: str) -> Any:
        """The default value of a parameter of a non-Instapeconomie model (None if none)."""
        if self.scenario_cls is not None:
            return getattr(self.scenario_cls, "_scenario_defaults", {}).get(name)
        target = self.obj.__init__ if self.kind == "mesa" else self.obj
        param = inspect.signature(target).parameters.get(name)
        if param is None or param.default is inspect.Parameter.empty:
            return None
        return param.default

    # ------------------------------------------------------------------ running
    def params(self, values: dict[str, Any]) -> dict[str, Any]:
        """The parameters of a run: the base, the run's policy (``values["policy"]``, with
        levers) and its factor values."""
        values = dict(values)
        policy = values.pop("policy", None)
        if policy is None:
            return {**self.spec.base, **values}
        return {**self.spec.base, **self.spec.policies[policy], **values}

    def run(self, values: dict[str, Any], seed: int) -> dict[str, float]:
        """One run with the base parameters updated by ``values``; return the outputs."""
        return self.run_with_series(values, seed)[0]

    def run_with_series(self, values: dict[str, Any], seed: int
                        ) -> tuple[dict[str, float], dict[str, list[float]]]:
        """One run: its outputs and the monthly series named by ``spec.timeseries``."""
        params = self.params(values)
        if self.kind == "function":
            result = self.obj(**params, seed=seed)
            if not isinstance(result, dict):
                raise TypeError(f"{self.spec.model} returned {type(result).__name__}, "
                                "expected a dict of outputs")
            return self._pick(result), self._series(result)
        if self.kind == "instap":
            model = run_model(params, seed)
            series = _with_derived(model.timeseries()) if self.spec.timeseries else {}
            return self._pick(model.end_metrics(), model), self._series(series)
        model = self._build_mesa(params, seed)
        for _ in range(self.spec.steps or 0):
            if not getattr(model, "running", True):
                break
            model.step()
        dc = getattr(model, "datacollector", None)
        found = dict(getattr(dc, "model_vars", {}) or {}) if dc is not None else {}
        return self._pick(_reporter_values(model), model), self._series(found)

    def _series(self, found: dict[str, Any]) -> dict[str, list[float]]:
        """The monthly series ``spec.timeseries`` from ``found`` (name -> sequence)."""
        out: dict[str, list[float]] = {}
        for name in self.spec.timeseries:
            if name not in found:
                raise KeyError(f"time series {name!r} not produced; available: "
                               + ", ".join(sorted(found)))
            out[name] = [_number(v) for v in found[name]]
        return out

    def _build_mesa(self, params: dict[str, Any], seed: int) -> Any:
        if self.scenario_cls is not None:
            return self.obj(scenario=self.scenario_cls(rng=seed, **params))
        sig = inspect.signature(self.obj.__init__).parameters
        if "rng" in sig or any(p.kind is p.VAR_KEYWORD for p in sig.values()):
            return self.obj(rng=seed, **params)
        if "seed" in sig:
            return self.obj(seed=seed, **params)
        raise TypeError(f"{self.spec.model} takes neither rng nor seed: cannot seed its runs")

    def _pick(self, found: dict[str, Any], model: Any = None) -> dict[str, float]:
        names = self.spec.outputs or tuple(found)
        out: dict[str, float] = {}
        for name in names:
            if name in found:
                value = found[name]
            elif model is not None and name in _reporter_values(model):
                value = _reporter_values(model)[name]
            elif model is not None and hasattr(model, name):
                value = getattr(model, name)
            else:
                raise KeyError(f"output {name!r} not produced; available: "
                               + ", ".join(sorted(found)))
            out[name] = _number(value)
        return out


def _with_derived(series: dict[str, Any]) -> dict[str, Any]:
    """The model's monthly columns plus :data:`DERIVED_SERIES`."""
    return {**series, **{name: derive(series) for name, derive in DERIVED_SERIES.items()}}


def _reporter_values(model: Any) -> dict[str, Any]:
    """Final values of the model's DataCollector model reporters (empty if none)."""
    dc = getattr(model, "datacollector", None)
    if dc is None:
        return {}
    return {k: v[-1] for k, v in getattr(dc, "model_vars", {}).items() if len(v)}


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan
