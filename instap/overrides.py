"""The one way a parameter value gets into a run.

Every route by which a person sets a parameter (a scenario file and its ``extends:``
chain, ``--set`` and ``--months``, an experiment's ``fixed:``, ``steps:`` and factor
values, a workshop slider) goes through :func:`check_value`, which checks the value once
against its definition in :data:`sim.parameters.PARAMETERS` and, when it is refused,
says where it came from, the value and what is allowed (``Parameter.allowed()``, the one
description of the allowed values).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from instap.errors import InstapError, shown, suggest
from instap.yaml_input import parse_scalar
from sim.parameters import PARAMETERS, Parameter
from sim.timeline import TimelineError, parse


def unknown_parameter(name: str) -> str:
    """``unknown parameter 'x'`` with a did-you-mean or a pointer to the schema."""
    hint = suggest(name, PARAMETERS) or "; see `instap schema` for all names"
    return f"unknown parameter {shown(name)}{hint}"


def check_value(name: str, value: Any, where: str, label: str | None = None) -> Any:
    """``value`` checked and coerced for parameter ``name``; otherwise an InstapError
    ``<where>: <label> = <value> is not allowed; allowed: ...`` (``where``: file and line,
    or the option; ``label``: the value's path in the file, by default its name)."""
    p = PARAMETERS.get(name)
    if p is None:
        raise InstapError(f"{where}: {unknown_parameter(name)}")
    try:
        return p.check(value)
    except (ValueError, TypeError, OverflowError):
        raise InstapError(f"{where}: {label or name} = {shown(value)} is not allowed; "
                          f"allowed: {p.allowed()}{_comma_hint(p, value)}") from None


_COMMA = re.compile(r"\s*([-+]?[0-9]+),([0-9]+)\s*")


def _comma_hint(p: Parameter, value: Any) -> str:
    """`` (write a decimal point: 0.6)`` for a number written with a decimal comma; when
    the comma may also be a thousands separator (``1,345``) both readings are offered."""
    match = _COMMA.fullmatch(value) if isinstance(value, str) else None
    if match is None or p.kind not in (int, float):
        return ""
    whole, part = match.groups()
    if len(part) == 3:
        return (f" (write a decimal point and no thousands separator: {whole}.{part} or "
                f"{whole}{part})")
    return f" (write a decimal point: {whole}.{part})"


def with_values(params: Mapping[str, Any], values: Mapping[str, Any], where: str
                ) -> dict[str, Any]:
    """A copy of ``params`` with ``values`` checked and applied (``params`` is unchanged)."""
    out = dict(params)
    for name, value in values.items():
        out[name] = (checked_timeline(value, where) if name == "timeline"
                     else check_value(name, value, where))
    return out


def checked_timeline(value: Any, where: str) -> list[dict[str, Any]]:
    """A timeline given in a mapping of parameters (``params["timeline"]``), checked
    entry by entry (:mod:`sim.timeline`) and returned as plain mappings."""
    try:
        if not isinstance(value, list | tuple):
            raise TimelineError(0, (), value, "a list of timeline entries")
        return [entry.as_mapping() for entry in parse(value)]
    except TimelineError as err:
        raise InstapError(f"{where}: {err}") from None


def set_names(items: list[str]) -> list[str]:
    """The parameter names of ``name=value`` items (as :func:`apply_overrides` reads
    them)."""
    return [item.partition("=")[0].strip() for item in items]


def apply_overrides(params: Mapping[str, Any], items: list[str], source: str = "--set"
                    ) -> dict[str, Any]:
    """``params`` updated with ``name=value`` items (values read as YAML scalars)."""
    out = dict(params)
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        where = f"{source} {shown(item, 80)}"
        if not sep or not name:
            raise InstapError(f"{where}: expected name=value, "
                              "e.g. --set pilot_length_months=36")
        out[name] = check_value(name, parse_scalar(raw.strip()), where)
    return out
