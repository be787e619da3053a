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

import difflib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    create_model,
)
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from instap.errors import InstapError
from sim.parameters import PARAMETERS, SECTIONS, Parameter, resolve

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
def _field_type(p: Parameter) -> Any:
    if p.kind is bool:
        return StrictBool
    if p.kind is str:
        return Literal[tuple(p.choices or ())]  # type: ignore[valid-type]
    if p.kind is int:
        return StrictInt
    return float | StrictInt  # a whole number is a fine value for a real parameter


def _field(p: Parameter) -> Any:
    extra: dict[str, Any] = {"unit": p.unit, "source": p.source, "default": p.default}
    if p.lever:
        extra["lever"] = True
    bounds = {} if p.kind in (bool, str) else {"ge": p.low, "le": p.high}
    return Field(None, title=f"{p.name} ({p.unit})", description=p.description,
                 json_schema_extra=extra, **bounds)


@cache
def scenario_model() -> type[BaseModel]:
    """The pydantic model of a scenario file, generated from ``PARAMETERS``."""
    config = ConfigDict(extra="forbid", strict=True)
    sections: dict[str, Any] = {}
    for section, title in SECTIONS.items():
        fields = {p.name: (_field_type(p) | None, _field(p))
                  for p in PARAMETERS.values() if p.section == section}
        model = create_model(f"Section_{section}", __config__=config, **fields)
        model.__doc__ = title
        sections[section] = (model | None, Field(None, title=title, description=title))
    meta = {k: (StrictStr | None, Field(None, description=d)) for k, d in META_KEYS.items()}
    scenario = create_model("Scenario", __config__=config, **meta, **sections)
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


# ----------------------------------------------------------------------------- YAML
def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def _read_yaml(path: Path) -> tuple[Any, str]:
    """Parse ``path`` safely; return the round-trip tree and the text."""
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise InstapError(f"{path}: scenario file {what}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InstapError(f"{path}: cannot read the file ({err})") from None
    yaml = _yaml()
    try:
        for event in yaml.parse(text):
            tag = getattr(event, "tag", None)
            if tag is not None:
                raise InstapError(f"{path}, line {event.start_mark.line + 1}: the tag {tag!r} "
                                  "is not allowed; scenario files contain plain values only")
        tree = yaml.load(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = " ".join(str(x) for x in (err.context, err.problem) if x)
        raise InstapError(f"{path}{where}: not valid YAML: {problem}") from None
    except YAMLError as err:
        raise InstapError(f"{path}: not valid YAML: {err}") from None
    if tree is None:
        tree = CommentedMap()
    if not isinstance(tree, dict):
        raise InstapError(f"{path}, line 1: a scenario must be a mapping of section names to "
                          f"parameters, not {type(tree).__name__}")
    return tree, text


def _plain(value: Any) -> Any:
    """ruamel's round-trip scalars and containers as plain Python values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def _line(tree: Any, loc: tuple[Any, ...]) -> int:
    """1-based line of the key at ``loc`` (the deepest one found)."""
    line, node = 1, tree
    for key in loc:
        if not isinstance(node, CommentedMap) or key not in node:
            break
        line = node.lc.key(key)[0] + 1
        node = node[key]
    return line


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
def _suggest(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _allowed_text(p: Parameter) -> str:
    if p.kind is bool:
        return "allowed: true or false"
    if p.kind is str:
        return "allowed: " + ", ".join(p.choices or ())
    what = "a whole number" if p.kind is int else "a number"
    return f"allowed: {what} from {p.low:g} to {p.high:g} ({p.unit})"


def _unknown_key(loc: tuple[Any, ...]) -> str:
    key = str(loc[-1])
    if len(loc) == 1:
        if key in PARAMETERS:
            section = PARAMETERS[key].section
            return (f"unknown top-level key {key!r}; parameters go under their section: "
                    f"write it under '{section}:'")
        tops = list(META_KEYS) + list(SECTIONS)
        hint = _suggest(key, tops) or "; allowed keys are " + ", ".join(tops)
        return f"unknown key {key!r}{hint}"
    section = str(loc[0])
    if key in PARAMETERS:
        return (f"unknown key {key!r} in section {section!r}; it belongs in section "
                f"{PARAMETERS[key].section!r}")
    names = [p.name for p in PARAMETERS.values() if p.section == section]
    hint = _suggest(key, names) or _suggest(key, list(PARAMETERS))
    return f"unknown key {key!r} in section {section!r}{hint}"


def _describe(err: dict[str, Any]) -> str:
    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden":
        return _unknown_key(loc)
    dotted = ".".join(str(x) for x in loc)
    value = err.get("input")
    if len(loc) == 2 and str(loc[1]) in PARAMETERS:
        return f"{dotted} = {value!r} is not allowed; {_allowed_text(PARAMETERS[str(loc[1])])}"
    if len(loc) == 1 and loc[0] in SECTIONS:
        return (f"section {dotted!r} must be a mapping of parameter names to values, "
                f"not {value!r}")
    if len(loc) == 1 and loc[0] in META_KEYS:
        return f"{dotted} = {value!r} is not allowed; allowed: text"
    return f"{dotted} = {value!r}: {err['msg']}"


# ----------------------------------------------------------------------------- loading
def _check_one(path: Path) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Validate one file (not its parents). Returns (meta, flat overrides, text)."""
    tree, text = _read_yaml(path)
    data = _plain(tree)
    try:
        scenario_model().model_validate(data)
    except ValidationError as exc:
        found = sorted((_line(tree, tuple(e["loc"])), _describe(e)) for e in exc.errors())
        problems = [f"{path}, line {line}: {text}" for line, text in found]
        raise InstapError("\n".join(problems)) from None
    overrides: dict[str, Any] = {}
    for section in SECTIONS:
        for name, value in (data.get(section) or {}).items():
            if value is None:
                continue
            try:
                overrides[name] = PARAMETERS[name].check(value)
            except ValueError as err:  # belt and braces: the schema should catch these
                raise InstapError(f"{path}, line {_line(tree, (section, name))}: "
                                  f"{section}.{name}: {err}") from None
    meta = {k: data.get(k) for k in META_KEYS}
    if meta["extends"] is not None:
        meta["extends_line"] = _line(tree, ("extends",))
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
                          params=resolve(merged), chain=chain)


# ----------------------------------------------------------------------------- --set
def parse_scalar(text: str) -> Any:
    """A command-line value read with YAML scalar rules (``36``, ``0.5``, ``true``, ``never``)."""
    yaml = YAML(typ="safe", pure=True)
    try:
        value = yaml.load(text)
    except YAMLError:
        return text
    return text if isinstance(value, dict | list) else value


def apply_overrides(params: dict[str, Any], items: list[str], source: str = "--set"
                    ) -> dict[str, Any]:
    """Return ``params`` updated with ``name=value`` items, each checked; bad ones raise."""
    out = dict(params)
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InstapError(f"{source} {item!r}: expected name=value, "
                              "e.g. --set pilot_length_months=36")
        if name not in PARAMETERS:
            hint = _suggest(name, list(PARAMETERS)) or "; see `instap schema` for all names"
            raise InstapError(f"{source} {item!r}: unknown parameter {name!r}{hint}")
        p = PARAMETERS[name]
        value = parse_scalar(raw.strip())
        try:
            out[name] = p.check(value)
        except ValueError:
            raise InstapError(f"{source} {item!r}: {name} = {value!r} is not allowed; "
                              f"{_allowed_text(p)}") from None
    return out


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
