"""Scenario files: loading, checking and the JSON Schema.

A scenario file is YAML. It may name a parent with ``extends: other.yaml`` (relative to the
file; chains allowed, cycles refused), may carry ``name`` and ``description``, and sets
parameters grouped by section (the keys of :data:`sim.parameters.SECTIONS`)::

    # Programme ends without a successor (Platform31, Wijkondernemingen).
    extends: baseline.yaml
    funding:
      pilot_length_months: 36
      renewal_rule: never

The typed schema is a pydantic v2 model generated from :data:`sim.parameters.PARAMETERS`,
so the one parameter definition also defines what a file may contain. YAML is read with
ruamel.yaml and every explicit tag (``!!python/object`` and the like) is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, create_model
from pydantic.json_schema import WithJsonSchema
from pydantic_core import ErrorDetails

from instap.errors import InstapError, suggest
from instap.overrides import check_value
from instap.yaml_input import line_of, plain, read_yaml
from sim.parameters import DEFAULTS, PARAMETERS, SECTIONS, Parameter

META_KEYS: dict[str, str] = {
    "extends": "Parent scenario file, relative to this file; this file states only what "
               "differs.",
    "name": "Short scenario name (default: the file name without .yaml).",
    "description": "What the scenario represents (default: the file's opening comment).",
}


@dataclass
class LoadedScenario:
    """A scenario file resolved through its ``extends`` chain."""

    name: str
    path: Path
    description: str
    overrides: dict[str, Any]  # what the file chain sets, flat by parameter name
    params: dict[str, Any]  # every parameter, defaults filled in
    chain: list[Path] = field(default_factory=list)  # this file first, then its parents


# ----------------------------------------------------------------------------- schema
def _value_schema(p: Parameter) -> dict[str, Any]:
    """The JSON Schema of one parameter's values (for editors; the values themselves are
    checked by :func:`instap.overrides.check_value`)."""
    if p.kind is bool:
        return {"type": "boolean"}
    if p.kind is str:
        return {"enum": list(p.choices or ()), "type": "string"}
    kind = "integer" if p.kind is int else "number"
    return {"type": kind, "minimum": p.low, "maximum": p.high}


def _field(p: Parameter) -> Any:
    extra: dict[str, Any] = {"unit": p.unit, "source": p.source, "default": p.default}
    if p.lever:
        extra["lever"] = True
    kind = Annotated[Any, WithJsonSchema({"anyOf": [_value_schema(p), {"type": "null"}]})]
    return (kind, Field(None, title=f"{p.name} ({p.unit})", description=p.description,
                        json_schema_extra=extra))


@cache
def scenario_model() -> type[BaseModel]:
    """The pydantic model of a scenario file, generated from ``PARAMETERS``."""
    config = ConfigDict(extra="forbid", strict=True)
    sections: dict[str, Any] = {}
    for section, title in SECTIONS.items():
        fields = {p.name: _field(p) for p in PARAMETERS.values() if p.section == section}
        model = create_model(f"Section_{section}", __config__=config, **fields)
        model.__doc__ = title
        sections[section] = (model | None, Field(None, title=title, description=title))
    meta: dict[str, tuple[Any, Any]] = {
        k: (StrictStr | None, Field(None, description=d)) for k, d in META_KEYS.items()}
    # mypy checks the unpacked field definitions against every keyword of create_model
    # (__base__: None, __module__: str, ...), so no dict of (type, field) pairs fits
    scenario = create_model(  # type: ignore[call-overload]
        "Scenario", __config__=config, **meta, **sections)
    scenario.__doc__ = "An instap scenario: parameters grouped by section."
    return scenario


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files."""
    schema = scenario_model().model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema,
            "title": "instap scenario"}


def json_schema_text() -> str:
    """The JSON Schema of scenario files as indented text."""
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False)


# ----------------------------------------------------------------------------- text
def opening_comment(text: str) -> str:
    """The comment lines at the top of a YAML text, without the ``#``."""
    lines = []
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#"):
            lines.append(stripped.lstrip("#").strip())
        elif stripped or lines:
            break
    return "\n".join(lines).strip()


# ----------------------------------------------------------------------------- errors
def _unknown_key(loc: tuple[Any, ...]) -> str:
    key = str(loc[-1])
    if len(loc) == 1:
        if key in PARAMETERS:
            section = PARAMETERS[key].section
            return (f"unknown top-level key {key!r}; parameters go under their section: "
                    f"write it under '{section}:'")
        tops = list(META_KEYS) + list(SECTIONS)
        hint = suggest(key, tops) or "; allowed keys are " + ", ".join(tops)
        return f"unknown key {key!r}{hint}"
    section = str(loc[0])
    if key in PARAMETERS:
        return (f"unknown key {key!r} in section {section!r}; it belongs in section "
                f"{PARAMETERS[key].section!r}")
    names = [p.name for p in PARAMETERS.values() if p.section == section]
    hint = suggest(key, names) or suggest(key, list(PARAMETERS))
    return f"unknown key {key!r} in section {section!r}{hint}"


def _describe(err: ErrorDetails) -> str:
    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden":
        return _unknown_key(loc)
    dotted = ".".join(str(x) for x in loc)
    value = err.get("input")
    if len(loc) == 1 and loc[0] in SECTIONS:
        return (f"section {dotted!r} must be a mapping of parameter names to values, "
                f"not {value!r}")
    if len(loc) == 1 and loc[0] in META_KEYS:
        return f"{dotted} = {value!r} is not allowed; allowed: text"
    return f"{dotted} = {value!r}: {err['msg']}"


# ----------------------------------------------------------------------------- loading
def _check_one(path: Path) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Validate one file (not its parents). Returns (meta, flat overrides, text).

    The schema checks the file's structure (sections, keys, meta fields); every value is
    checked once, by :func:`instap.overrides.check_value`. All problems are reported
    together, each with its line.
    """
    tree, text = read_yaml(path, "scenario")
    if not isinstance(tree, dict):
        raise InstapError(f"{path}, line 1: a scenario must be a mapping of section names to "
                          f"parameters, not {type(tree).__name__}")
    data = plain(tree)
    found: list[tuple[int, str]] = []
    try:
        scenario_model().model_validate(data)
    except ValidationError as exc:
        found = [(line_of(tree, tuple(e["loc"])), _describe(e)) for e in exc.errors()]
    overrides: dict[str, Any] = {}
    for section in SECTIONS:
        values = data.get(section)
        for name, value in (values.items() if isinstance(values, dict) else ()):
            if value is None or name not in PARAMETERS or PARAMETERS[name].section != section:
                continue  # a missing value means the parent's; misplaced keys are reported
            line = line_of(tree, (section, name))
            try:
                overrides[name] = check_value(name, value, f"{path}, line {line}",
                                              f"{section}.{name}")
            except InstapError as err:
                found.append((line, str(err)))
    if found:
        found.sort(key=lambda item: item[0])
        raise InstapError("\n".join(text if text.startswith(f"{path}, line") else
                                     f"{path}, line {line}: {text}" for line, text in found))
    meta = {k: data.get(k) for k in META_KEYS}
    if meta["extends"] is not None:
        meta["extends_line"] = line_of(tree, ("extends",))
    return meta, overrides, text


def load_scenario(path: str | Path) -> LoadedScenario:
    """Load a scenario file and its ``extends`` chain; raise :class:`InstapError` if bad."""
    path = Path(path)
    chain: list[Path] = []
    layers: list[dict[str, Any]] = []
    first_meta: dict[str, Any] | None = None
    first_text = ""
    current: Path | None = path
    seen: set[Path] = set()
    while current is not None:
        real = current.resolve()
        if real in seen:
            cycle = " -> ".join(str(p) for p in [*chain, current])
            raise InstapError(f"{chain[-1]}: 'extends' makes a cycle: {cycle}")
        seen.add(real)
        meta, overrides, text = _check_one(current)
        chain.append(current)
        layers.append(overrides)
        if first_meta is None:
            first_meta, first_text = meta, text
        parent = meta["extends"]
        if parent is None:
            current = None
            continue
        nxt = current.parent / parent
        if not nxt.is_file():
            raise InstapError(f"{current}, line {meta['extends_line']}: extends = {parent!r}: "
                              f"no such file {nxt}")
        current = nxt
    assert first_meta is not None
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        merged.update(layer)
    name = first_meta["name"] or path.stem
    description = opening_comment(first_text) or first_meta["description"] or ""
    return LoadedScenario(name=name, path=path, description=description, overrides=merged,
                          params={**DEFAULTS, **merged}, chain=chain)


def validate_files(paths: list[Path]) -> None:
    """Check scenario files; print OK for each good one, raise listing all problems."""
    problems: list[str] = []
    for path in paths:
        try:
            scenario = load_scenario(path)
        except InstapError as err:
            problems.append(str(err))
            continue
        print(f"OK {path} ({scenario.name}: {len(scenario.overrides)} parameters set"
              + (f", extends {scenario.chain[1]}" if len(scenario.chain) > 1 else "") + ")")
    if problems:
        raise InstapError("\n".join(problems))
