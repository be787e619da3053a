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
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

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
from sim.parameters import DEFAULTS, PARAMETERS, SECTIONS, Parameter, Params
from sim.timeline import (
    ACTIONS,
    BUDGET_RANGE,
    INTERVENTIONS,
    KEYS,
    MAX_LABEL,
    MID_RUN,
    PARTNER_KINDS,
    Entry,
    TimelineError,
    problems,
)

META_KEYS: dict[str, str] = {
    "extends": "Parent scenario file (.yaml), relative to this file, in this file's folder "
               "tree, the folder above it, or the shipped scenarios/ folder; this file "
               "states only what differs.",
    "name": "Short scenario name (default: the file name without .yaml).",
    "description": "What the scenario represents (default: the file's opening comment).",
    "description_nl": "The same in Dutch, for Dutch reports and the workshop page.",
    "lang": "Language of its reports and workshop page unless --lang says otherwise: en "
            "or nl (default en).",
    "posterior": "A posterior file (.json, experiments/calibrate_abc.py) relative to this "
                 "file, in this file's folder tree or the folder above it: each replication "
                 "draws the calibrated parameters from it (as --posterior does).",
    "timeline": "Dated changes during the run: a list of entries, each with 'month' (the "
                "month from which it holds) and one of set, budget, partner_leaves, "
                "partner_joins, intervention (docs/scenarios.md). Added to the parent's "
                "timeline; an empty list [] drops the parent's.",
}
# keys people write for a timeline, pointed to it rather than to the closest spelling
TIMELINE_ALIASES = ("events", "event", "schedule", "interventions", "tijdlijn",
                    "gebeurtenissen", "ingrepen", "changes")
# A name labels folders, tables, figures and one-line messages: it must fit on one line.
MAX_NAME_LENGTH = 100
_NAME_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"  # no control characters (newline, tab, escape)
META_ALLOWED: dict[str, str] = {
    "extends": "the file name of a scenario (.yaml or .yml)",
    "name": f"text on one line, at most {MAX_NAME_LENGTH} characters, no control characters",
    "description": "text",
    "description_nl": "text",
    "lang": "en or nl",
    "timeline": "a list of entries (mappings with month and one action)",
    "posterior": "the file name of a posterior (.json) in the scenario's folder tree or the "
                 "folder above it",
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
    params: dict[str, Any]  # every parameter, defaults filled in; "timeline" if any
    chain: list[Path] = field(default_factory=list)  # this file first, then its parents
    timeline: list[dict[str, Any]] = field(default_factory=list)  # merged, checked entries
    timeline_where: list[str] = field(default_factory=list)  # "file, line N" per entry
    description_nl: str = ""  # the description in Dutch (a file's description_nl:)
    lang: str | None = None  # the language its reports default to (a file's lang:)
    posterior: Path | None = None  # a posterior file the chain names (checked, not read)


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


def timeline_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario's ``timeline`` (for editors; entries are checked by
    :func:`_check_timeline`)."""
    partners = {"anyOf": [{"enum": list(PARTNER_KINDS)}, {
        "type": "object", "additionalProperties": False, "required": ["kind"],
        "properties": {"kind": {"enum": list(PARTNER_KINDS)},
                       "count": {"type": "integer", "minimum": 1}}}]}
    low, high = BUDGET_RANGE
    entry = {
        "type": "object", "additionalProperties": False, "required": ["month"],
        "oneOf": [{"required": [a]} for a in ACTIONS],
        "properties": {
            "month": {"type": "integer", "minimum": 1,
                      "description": "The month from which the change holds."},
            "until": {"type": "integer", "minimum": 2,
                      "description": "set and budget only: from this month on it no longer "
                                     "holds."},
            "label": {"type": "string", "maxLength": MAX_LABEL},
            "set": {"type": "object", "additionalProperties": False,
                    "properties": {n: _value_schema(PARAMETERS[n]) for n in MID_RUN}},
            "budget": {"anyOf": [{"type": "number", "minimum": low, "maximum": high},
                                 {"type": "string",
                                  "pattern": r"^\s*[-+]?[0-9]+(\.[0-9]+)?\s*%\s*$"}],
                       "description": "Change of the programme budget: -0.3 or '-30%' "
                                      "cuts it by 30%."},
            "partner_leaves": partners, "partner_joins": partners,
            "intervention": {"enum": list(INTERVENTIONS)},
        }}
    return {"type": "array", "items": entry, "description": META_KEYS["timeline"]}


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
    meta["lang"] = (Literal["en", "nl"] | None, Field(None, description=META_KEYS["lang"]))
    meta["timeline"] = (Annotated[Any, WithJsonSchema(timeline_schema())],
                        Field(None, description=META_KEYS["timeline"]))
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
        if key.lower() in TIMELINE_ALIASES:
            return (f"unknown key {shown(key)}; dated changes go in 'timeline:' "
                    "(docs/scenarios.md)")
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
    if len(loc) == 1 and loc[0] in META_KEYS and loc[0] != "timeline":
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
    timeline = _check_timeline(path, tree, data.get("timeline"), found)
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
    meta["timeline"] = timeline
    if meta["extends"] is not None:
        meta["extends_line"] = line_of(tree, ("extends",))
    if meta["posterior"] is not None:
        meta["posterior_line"] = line_of(tree, ("posterior",))
    return meta, overrides, text


def _check_timeline(path: Path, tree: Any, items: Any,
                    found: list[tuple[int, str | ErrorDetails]]
                    ) -> list[tuple[Entry, str]] | None:
    """The file's own timeline entries, each with its file and line (``None`` when the
    file has no ``timeline:``); problems are added to ``found``."""
    if items is None:
        return None
    if not isinstance(items, list):
        line = line_of(tree, ("timeline",))
        found.append((line, f"timeline = {shown(items)} is not allowed; allowed: "
                            f"{META_ALLOWED['timeline']}"))
        return None
    out = []
    for i, item in enumerate(items):
        where = f"{path}, line {line_of(tree, ('timeline', i))}"
        try:
            settings = item.get("set") if isinstance(item, dict) else None
            for name, value in (settings.items() if isinstance(settings, dict) else ()):
                if name in PARAMETERS:  # a value of a known parameter, as in a section
                    check_value(name, value, f"{path}, line "
                                f"{line_of(tree, ('timeline', i, 'set', name))}",
                                f"timeline entry {i + 1}: set.{name}")
            out.append((Entry.from_mapping(item, i), where))
        except InstapError as err:
            found.append((line_of(tree, ("timeline", i)), str(err)))
        except TimelineError as err:
            line = line_of(tree, ("timeline", i, *err.path))
            found.append((line, timeline_problem(err)))
    return out


def timeline_problem(err: TimelineError, number: int | None = None) -> str:
    """A timeline problem as a message says it: the entry (counted from 1), the field,
    the value and what is allowed (with a did-you-mean for a parameter's name)."""
    label = ".".join(err.path) or "entry"
    number = err.index + 1 if number is None else number
    if err.problem:
        return f"timeline entry {number}: {err.problem}; allowed: {err.allowed}"
    if err.path[:1] == ("set",) and len(err.path) == 2 and err.path[1] not in PARAMETERS:
        name = err.path[1]
        if name.isdigit():
            return (f"timeline entry {number}: set has a key {name!r}: a decimal comma "
                    "inside {...} splits the value in two; write a decimal point "
                    "(role_clarity: 0.6)")
        hint = suggest(name, MID_RUN)
        return (f"timeline entry {number}: unknown parameter {shown(name)} in set" +
                (hint if hint else f"; allowed: {err.allowed}"))
    if err.path[:1] == ("set",) and len(err.path) == 2 and not PARAMETERS[err.path[1]].mid_run:
        return (f"timeline entry {number}: {err.path[1]} cannot change during a run (it "
                f"shapes the start or the structure); allowed in set: {err.allowed}")
    if len(err.path) == 1 and err.path[0] not in KEYS:
        hint = suggest(err.path[0], KEYS)
        return (f"timeline entry {number}: unknown key {shown(err.path[0])}{hint}; "
                f"allowed: {', '.join(KEYS)}")
    return (f"timeline entry {number}: {label} = {shown(err.value)} is not allowed; "
            f"allowed: {err.allowed}")


def _inherited(metas: list[dict[str, Any]], key: str) -> Any:
    """A meta value of the first file in the chain that sets it (the file, then its
    parents)."""
    return next((m[key] for m in metas if m.get(key) is not None), None)


def _merged_timeline(layers: list[list[tuple[Entry, str]] | None]
                     ) -> list[tuple[Entry, str]]:
    """The timelines of a chain (parents first): each file's entries follow its parent's;
    an empty list drops what the parents had."""
    merged: list[tuple[Entry, str]] = []
    for layer in layers:
        if layer is None:
            continue
        merged = [*merged, *layer] if layer else []
    return merged


def check_timeline_run(loaded: LoadedScenario, params: dict[str, Any], source: str) -> None:
    """Check a scenario's timeline against the parameters a run will really use (after
    ``--months`` or ``--set``): an entry beyond a shorter horizon is refused, naming the
    option (``source``) and the entry's file and line."""
    entries = [Entry.from_mapping(m, i) for i, m in enumerate(loaded.timeline)]
    plain_params = {k: v for k, v in params.items() if k != "timeline"}
    for err in problems(entries, Params.from_dict(plain_params)):
        raise InstapError(f"{loaded.timeline_where[err.index]}: {timeline_problem(err)} "
                          f"(with {source})")


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
    timelines: list[list[tuple[Entry, str]] | None] = []
    metas: list[dict[str, Any]] = []
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
        timelines.append(meta["timeline"])
        metas.append(meta)
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
    params = {**DEFAULTS, **merged}
    timeline = _merged_timeline(timelines[::-1])
    entries = [replace(e, index=i) for i, (e, _) in enumerate(timeline)]
    wheres = [where for _, where in timeline]
    found = problems(entries, Params.from_dict(params))
    if found:
        raise InstapError("\n".join(f"{wheres[err.index]}: {timeline_problem(err)}"
                                     for err in found[:MAX_PROBLEMS]))
    mappings = [e.as_mapping() for e in entries]
    if mappings:
        params["timeline"] = mappings
    return LoadedScenario(name=name, path=path, description=description, overrides=merged,
                          params=params, chain=chain, timeline=mappings,
                          timeline_where=wheres,
                          description_nl=first_meta["description_nl"] or "",
                          lang=_inherited(metas, "lang"),
                          posterior=_posterior_reference(chain, metas, path))


def _posterior_reference(chain: list[Path], metas: list[dict[str, Any]], root: Path
                         ) -> Path | None:
    """The posterior file the nearest file of the chain names, relative to that file and
    inside :func:`allowed_folders` of ``root`` (checked as ``extends:`` is; not read)."""
    for current, meta in zip(chain, metas, strict=True):
        reference = meta.get("posterior")
        if reference is None:
            continue
        where = f"{current}, line {meta.get('posterior_line', 1)}"
        label = f"{where}: posterior = {shown(reference)}"
        if not isinstance(reference, str) or not reference.strip():
            raise InstapError(f"{label}: allowed: {META_ALLOWED['posterior']}")
        target = current.parent / reference
        if target.suffix.lower() != ".json":
            raise InstapError(f"{label} is not allowed; allowed: {META_ALLOWED['posterior']}")
        try:
            real = target.resolve()
        except (OSError, RuntimeError, ValueError):
            raise InstapError(f"{label}: cannot resolve the path") from None
        folders = allowed_folders(root)[:1]
        if not any(_inside(real, folder) for folder in folders):
            raise InstapError(f"{label} is outside the allowed folders; allowed: a file (not "
                              f"hidden) in {folders[0]} or its subfolders")
        if not real.is_file():
            raise InstapError(f"{label}: no such file {target}")
        return target
    return None


def validate_files(paths: list[Path]) -> None:
    """Check scenario files; print OK for each good one, raise listing all problems."""
    problems: list[str] = []
    for path in paths:
        try:
            scenario = load_scenario(path)
        except InstapError as err:
            problems.append(str(err))
            continue
        entries = len(scenario.timeline)
        print(f"OK {path} ({scenario.name}: {len(scenario.overrides)} parameters set"
              + (f", {entries} timeline entr{'y' if entries == 1 else 'ies'}"
                 if entries else "")
              + (f", extends {scenario.chain[1]}" if len(scenario.chain) > 1 else "") + ")")
    if problems:
        raise InstapError("\n".join(problems))
