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

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictStr,
    StringConstraints,
    ValidationError,
    create_model,
)
from pydantic.json_schema import WithJsonSchema
from pydantic_core import ErrorDetails

from instap.errors import InstapError, one_line, shown, suggest
from instap.overrides import check_value
from instap.yaml_input import line_of, plain, read_yaml
from sim.parameters import DEFAULTS, PARAMETERS, SECTIONS, Parameter

META_KEYS: dict[str, str] = {
    "extends": "Parent scenario file (.yaml), relative to this file, in this file's folder "
               "tree, the folder above it, or the shipped scenarios/ folder; this file "
               "states only what differs.",
    "name": "Short scenario name (default: the file name without .yaml).",
    "description": "What the scenario represents (default: the file's opening comment).",
}
# A name labels folders, tables, figures and one-line messages: it must fit on one line.
MAX_NAME_LENGTH = 100
_NAME_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"  # no control characters (newline, tab, escape)
META_ALLOWED: dict[str, str] = {
    "extends": "the file name of a scenario (.yaml or .yml)",
    "name": f"text on one line, at most {MAX_NAME_LENGTH} characters, no control characters",
    "description": "text",
}
# The folder the project's own scenarios live in: any scenario may extend them.
SHIPPED_SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
# extends: may reach the root scenario's folder tree and that of the folder this many
# levels above it (a variant in scenarios/workshop/ extending ../baseline.yaml), never
# further: a scenario must not be able to read any file on the machine.
EXTENDS_LEVELS_UP = 1
# Longer chains than this are a mistake (the shipped ones are 2 files long).
MAX_EXTENDS_CHAIN = 20
MAX_PROBLEMS = 20  # problems listed per file; the rest are counted


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
    name = Annotated[StrictStr, StringConstraints(max_length=MAX_NAME_LENGTH,
                                                  pattern=_NAME_PATTERN)]
    meta["name"] = (name | None, Field(None, description=META_KEYS["name"]))
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
        return f"unknown key {shown(key)}{hint}"
    section = str(loc[0])
    if key in PARAMETERS:
        return (f"unknown key {key!r} in section {section!r}; it belongs in section "
                f"{PARAMETERS[key].section!r}")
    names = [p.name for p in PARAMETERS.values() if p.section == section]
    hint = suggest(key, names) or suggest(key, list(PARAMETERS))
    return f"unknown key {shown(key)} in section {section!r}{hint}"


def _kind_of(value: Any) -> str:
    """What a YAML value is, in words (messages name the kind, not the content)."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "empty" if value is None else "a mapping"


def _describe(err: ErrorDetails) -> str:
    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden":
        return _unknown_key(loc)
    dotted = ".".join(shown(x) if not isinstance(x, str) else x for x in loc)
    value = err.get("input")
    if len(loc) == 1 and loc[0] in SECTIONS:
        return (f"section {dotted!r} must be a mapping of parameter names to values, "
                f"not {_kind_of(value)}")
    if len(loc) == 1 and loc[0] in META_KEYS:
        allowed = META_ALLOWED.get(str(loc[0]), "text")
        return f"{dotted} = {shown(value)} is not allowed; allowed: {allowed}"
    return f"{dotted} = {shown(value)} is not allowed ({one_line(err['msg'], 100)})"


# ----------------------------------------------------------------------------- loading
def _check_one(path: Path, parent: bool = False) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Validate one file (not its parents). Returns (meta, flat overrides, text).

    The schema checks the file's structure (sections, keys, meta fields); every value is
    checked once, by :func:`instap.overrides.check_value`. All problems are reported
    together, each with its line (at most :data:`MAX_PROBLEMS`, then how many more). A
    ``parent`` (a file named by ``extends:``) none of whose keys is a scenario key is
    refused as not a scenario, without naming its keys.
    """
    tree, text = read_yaml(path, "scenario")
    if not isinstance(tree, dict):
        raise InstapError(f"{path}, line 1: a scenario must be a mapping of section names to "
                          f"parameters, not {_kind_of(plain(tree))}")
    if parent and tree and not any(str(k) in META_KEYS or str(k) in SECTIONS for k in tree):
        raise InstapError(f"{path}: not a scenario file (none of its top-level keys is a "
                          f"scenario key); allowed: {META_ALLOWED['extends']}")
    data = plain(tree)
    found: list[tuple[int, str | ErrorDetails]] = []  # described once they are listed
    try:
        scenario_model().model_validate(data)
    except ValidationError as exc:
        found = [(line_of(tree, tuple(e["loc"])), e) for e in exc.errors()]
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
        texts = [(line, p if isinstance(p, str) else _describe(p))
                 for line, p in found[:MAX_PROBLEMS]]
        lines = [text if text.startswith(f"{path}, line") else f"{path}, line {line}: {text}"
                 for line, text in texts]
        if len(found) > MAX_PROBLEMS:
            lines.append(f"{path}: {len(found) - MAX_PROBLEMS:,} more problems not listed")
        raise InstapError("\n".join(lines))
    meta = {k: data.get(k) for k in META_KEYS}
    if meta["extends"] is not None:
        meta["extends_line"] = line_of(tree, ("extends",))
    return meta, overrides, text


def allowed_folders(root: Path) -> list[Path]:
    """The folders a scenario chain starting at ``root`` may read: the tree of the folder
    :data:`EXTENDS_LEVELS_UP` levels above ``root``'s own, and the shipped scenarios."""
    top = root.resolve().parent
    for _ in range(EXTENDS_LEVELS_UP):
        top = top.parent
    return [top, SHIPPED_SCENARIOS]


def _inside(real: Path, folder: Path) -> bool:
    """``real`` is in ``folder``'s tree and not in a hidden folder or file below it."""
    if not real.is_relative_to(folder):
        return False
    return not any(part.startswith(".") for part in real.relative_to(folder).parts)


def scenario_reference(reference: Any, base: Path, root: Path, where: str,
                       field_name: str = "extends") -> Path:
    """The scenario file that ``reference`` (an ``extends:`` value, or any field naming a
    scenario) names, relative to the file ``base``, checked before anything is read: a
    non-empty .yaml/.yml name, inside :func:`allowed_folders` of ``root`` (symbolic links
    followed), an existing regular file. ``where`` is the file and line for messages."""
    label = f"{where}: {field_name} = {shown(reference)}"
    if not isinstance(reference, str) or not reference.strip():
        raise InstapError(f"{where}: {field_name} must name a scenario file, "
                          "e.g. baseline.yaml")
    target = base.parent / reference
    if target.suffix.lower() not in (".yaml", ".yml"):
        raise InstapError(f"{label} is not allowed; allowed: "
                          f"{META_ALLOWED['extends']}")
    try:
        real = target.resolve()
    except (OSError, RuntimeError, ValueError):  # a symbolic-link loop, a NUL byte
        raise InstapError(f"{label}: cannot resolve the path") from None
    folders = allowed_folders(root)
    if not any(_inside(real, folder) for folder in folders):
        raise InstapError(f"{label} is outside the allowed folders; allowed: a scenario "
                          f"file (not hidden) in {folders[0]} or its subfolders, or in "
                          f"{SHIPPED_SCENARIOS}")
    if not real.is_file():
        state = "is not a regular file" if real.exists() else "no such file"
        raise InstapError(f"{label}: {state} {target}")
    return target


def load_scenario(path: str | Path) -> LoadedScenario:
    """Load a scenario file and its ``extends`` chain; raise :class:`InstapError` if bad.

    A parent is checked (:func:`scenario_reference`) before it is read: it must be a
    .yaml file in the root file's folder tree or the one above it, or a shipped scenario,
    and the chain must end without a cycle within :data:`MAX_EXTENDS_CHAIN` files.
    """
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
        if len(chain) >= MAX_EXTENDS_CHAIN:
            raise InstapError(f"{chain[-1]}: the 'extends' chain from {path} is longer than "
                              f"{MAX_EXTENDS_CHAIN} files; allowed: at most "
                              f"{MAX_EXTENDS_CHAIN}")
        seen.add(real)
        meta, overrides, text = _check_one(current, parent=bool(chain))
        chain.append(current)
        layers.append(overrides)
        if first_meta is None:
            first_meta, first_text = meta, text
        parent = meta["extends"]
        if parent is None:
            current = None
            continue
        current = scenario_reference(parent, current, path,
                                     f"{current}, line {meta['extends_line']}")
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
