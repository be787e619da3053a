"""Reading the YAML files people write (scenarios, experiments): one library, one set of
rules.

Files are read with ruamel.yaml (YAML 1.2, round-trip, so every key keeps its line
number for messages); duplicate keys and explicit tags (``!!python/object`` and the
like) are refused, and problems become an :class:`~instap.errors.InstapError` naming the
file and the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from instap.errors import InstapError


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def read_yaml(path: Path, what: str) -> tuple[Any, str]:
    """Parse ``path`` (a ``what`` file, e.g. "scenario"); return the round-trip tree (an
    empty mapping for an empty file) and the text."""
    if not path.is_file():
        state = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise InstapError(f"{path}: {what} file {state}")
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
                                  f"is not allowed; {what} files contain plain values only")
        tree = yaml.load(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = " ".join(str(x) for x in (err.context, err.problem) if x)
        raise InstapError(f"{path}{where}: not valid YAML: {problem}") from None
    except YAMLError as err:
        raise InstapError(f"{path}: not valid YAML: {err}") from None
    return (CommentedMap() if tree is None else tree), text


def plain(value: Any) -> Any:
    """ruamel's round-trip scalars and containers as plain Python values."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def line_of(tree: Any, loc: tuple[Any, ...]) -> int:
    """1-based line of the key at ``loc`` (the deepest one found)."""
    line, node = 1, tree
    for key in loc:
        if not isinstance(node, CommentedMap) or key not in node:
            break
        line = node.lc.key(key)[0] + 1
        node = node[key]
    return line


def parse_scalar(text: str) -> Any:
    """A command-line value read with YAML scalar rules (``36``, ``0.5``, ``true``, ``never``)."""
    yaml = YAML(typ="safe", pure=True)
    try:
        value = yaml.load(text)
    except YAMLError:
        return text
    return text if isinstance(value, dict | list) else value
