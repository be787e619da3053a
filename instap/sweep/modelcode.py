"""The fingerprint of the model code a sweep runs, so a resume or an analysis never mixes
model versions silently.

:func:`model_code` hashes the bytes of instap's own model (every ``.py`` file of the
``sim`` package) and of the module that an experiment's ``model:`` (and
``model_scenario:``) names: its file, or every ``.py`` file of its top-level package if
it is in one. Nothing is imported a second time: the module is looked up where the
experiment's import put it (``sys.modules``), or found on the path without running it.
File hashes are cached per process (:func:`instap.provenance.file_hash`).

The manifest keeps the result as ``model_code``; each chunk file records its
``fingerprint`` in its parquet metadata (:data:`instap.sweep.store.META_MODEL`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import sim
from instap.provenance import code_fingerprint, fingerprint, source_files
from instap.sweep.targets import RunSpec

SIM_MODULE = "sim"


def _sim_entry() -> dict[str, Any]:
    folder = Path(sim.__file__).resolve().parent
    return {"module": SIM_MODULE, "path": str(folder),
            "files": code_fingerprint(source_files(folder), folder.parent)}


def _module_entry(ref: str, extra_paths: tuple[str, ...]) -> dict[str, Any] | None:
    """The files of the top-level module or package that ``module:name`` lives in (None
    for instap's own model, which the ``sim`` entry covers)."""
    root = ref.partition(":")[0].split(".")[0]
    if not root or root == SIM_MODULE:
        return None
    module = sys.modules.get(root)
    if module is not None:
        folders = [Path(p) for p in getattr(module, "__path__", None) or []]
        file = getattr(module, "__file__", None)
    else:  # not imported: find it without running it
        from importlib.machinery import PathFinder
        try:
            spec = PathFinder.find_spec(root, [*extra_paths, *sys.path])
        except (ImportError, ValueError):
            spec = None
        folders = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
        file = spec.origin if spec is not None and spec.has_location else None
    if folders:  # a package (maybe a namespace package): every .py file in it
        folders = [f.resolve() for f in folders]
        files: dict[str, str] = {}
        for folder in folders:
            files |= code_fingerprint(source_files(folder), folder.parent)
        return {"module": root, "path": str(folders[0]), "package": True, "files": files}
    if file:
        path = Path(file).resolve()
        return {"module": root, "path": str(path), "package": False,
                "files": code_fingerprint([path])}
    return {"module": root, "path": None, "package": False, "files": {}}


def model_code(spec: RunSpec) -> dict[str, Any]:
    """``{"fingerprint": ..., "modules": [...]}`` of the model code ``spec`` runs: the
    ``sim`` package always, then the module of ``model:`` and ``model_scenario:`` (each
    ``{"module", "path", "package", "files": {name: hash}}``). The fingerprint depends on
    the modules' names and file contents only, not on where their folder lies."""
    modules = [_sim_entry()]
    for ref in (spec.model, spec.model_scenario):
        entry = _module_entry(ref, spec.extra_paths) if ref else None
        if entry is not None and all(m["module"] != entry["module"] for m in modules):
            modules.append(entry)
    return {"fingerprint": code_hash(modules), "modules": modules}


def sim_fingerprint() -> str:
    """The fingerprint of the ``sim`` package alone (what a posterior file records)."""
    return code_hash([_sim_entry()])


def code_hash(modules: list[dict[str, Any]]) -> str:
    """The fingerprint of ``model_code``'s modules (names and file hashes, not paths)."""
    return fingerprint([[m["module"], m["files"]] for m in modules])


def describe_change(before: dict[str, Any], after: dict[str, Any]) -> str:
    """What differs between two ``model_code`` records, in words: ``the model code
    changed since this sweep started (sim/ differs: sim/model.py)`` or ``the model file
    /x/m.py changed since this sweep started``."""
    old = {m["module"]: m for m in before.get("modules", [])}
    new = {m["module"]: m for m in after.get("modules", [])}
    for name, entry in new.items():
        was = old.get(name)
        if was is not None and was.get("files") == entry.get("files"):
            continue
        if was is None:
            files = ""
        else:
            diff = sorted(k for k in entry["files"].keys() | was["files"].keys()
                          if entry["files"].get(k) != was["files"].get(k))
            files = ", ".join(diff[:2]) + (f" and {len(diff) - 2} more" if len(diff) > 2
                                           else "")
        if name == SIM_MODULE:
            return ("the model code changed since this sweep started "
                    f"({SIM_MODULE}/ differs{': ' + files if files else ''})")
        if entry.get("package"):
            return (f"the model package {entry['path']} changed since this sweep started"
                    f"{' (' + files + ' differs)' if files else ''}")
        if was is None:
            return (f"the model file {entry['path']} was not part of the model when this "
                    "sweep started")
        return f"the model file {entry['path']} changed since this sweep started"
    gone = sorted(old.keys() - new.keys())
    if gone:
        return f"the model module {gone[0]!r} of this sweep's start is no longer used"
    return "the model code changed since this sweep started"


def accepted_fingerprints(manifest: dict[str, Any]) -> set[str] | None:
    """The model fingerprints a sweep folder's chunks may carry: the manifest's and those
    a ``--resume --force`` accepted to mix in (recorded in ``invocations``); None when
    the manifest records no model code (written by an older instap: unknown)."""
    code = manifest.get("model_code")
    if not isinstance(code, dict) or not isinstance(code.get("fingerprint"), str):
        return None
    accepted = {code["fingerprint"]}
    for mixed in mixes(manifest):
        accepted |= {v for k, v in mixed.items()
                     if k in ("before", "after") and isinstance(v, str)}
    return accepted


def mixes(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``mixed_model_versions`` records of a manifest's invocations (``--force``)."""
    invocations = manifest.get("invocations")
    return [inv["mixed_model_versions"] for inv in
            (invocations if isinstance(invocations, list) else [])
            if isinstance(inv, dict) and isinstance(inv.get("mixed_model_versions"), dict)]
