"""Reading the YAML files people write (scenarios, experiments): one library, one set of
rules.

Files are read with ruamel.yaml (YAML 1.2, round-trip, so every key keeps its line
number for messages); duplicate keys and explicit tags (``!!python/object`` and the
like) are refused, and problems become an :class:`~instap.errors.InstapError` naming the
file and the line.

Hostile input is refused at the door, before anything is built from it: only regular
files are opened (never a FIFO or a device), at most :data:`MAX_INPUT_BYTES` are read,
the text must be UTF-8, and the event stream is checked for nesting depth
(:data:`MAX_DEPTH`), the number of values with every alias expanded
(:data:`MAX_VALUES`, which stops "billion laughs" alias bombs) and integers too long
for Python to read, before the document is composed.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    ScalarEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from ruamel.yaml.reader import ReaderError

from instap.errors import InstapError, one_line

# Scenario and experiment files are 1-2 KB; 256 KiB is over 100 times that, and the
# pure-Python YAML parser still reads a file this size in about a second.
MAX_INPUT_BYTES = 256 * 1024
# Scenarios nest 2 levels (section, parameter), experiments 4; the YAML composer and the
# checks recurse once per level, so a deep file must be refused before composing.
MAX_DEPTH = 20
# Values (mappings, lists, scalars, keys) with every alias expanded; shipped files have
# under 200. Counting expansions, not aliases, is what stops a "billion laughs" bomb.
MAX_VALUES = 10_000
# A command-line value (--set name=value) is one short scalar.
MAX_SCALAR_CHARS = 1000

_INTEGER = re.compile(r"[-+]?[0-9_]+")


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def _size(n: int) -> str:
    return f"{n // 1024:,} KiB" if n >= 1024 and n % 1024 == 0 else f"{n:,} bytes"


def read_bytes(path: Path, what: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of ``path`` (a ``what`` file), at most ``limit`` of them: only a regular
    file is opened (a FIFO or device would hang or never end), and its size is checked
    before reading."""
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise InstapError(f"{path}: {what} file does not exist") from None
    except (OSError, ValueError) as err:
        raise InstapError(f"{path}: cannot read the {what} file ({one_line(err)})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InstapError(f"{path}: {what} file is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InstapError(f"{path}: {what} file is not a regular file")
    too_big = (f"{path}: {what} file is too large ({{}}); allowed: at most "
               f"{_size(limit)} ({what} files are a few KB)")
    if info.st_size > limit:
        raise InstapError(too_big.format(_size(info.st_size)))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since stat()
                raise InstapError(f"{path}: {what} file is not a regular file")
            data = handle.read(limit + 1)
    except OSError as err:
        raise InstapError(f"{path}: cannot read the {what} file ({one_line(err)})") from None
    if len(data) > limit:  # it grew after stat()
        raise InstapError(too_big.format(f"over {_size(limit)}"))
    return data


def decode(data: bytes, path: Path) -> str:
    """UTF-8 text (a leading byte-order mark dropped), or one line naming the first byte
    that is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise InstapError(f"{path}, line {line}: not UTF-8 text at byte {err.start} "
                          f"(0x{data[err.start]:02x}); save the file as UTF-8") from None
    return text.removeprefix("\ufeff")


def check_events(yaml: YAML, text: str, path: Path, what: str) -> None:
    """Walk the event stream (no document is built) and refuse tags, nesting deeper than
    :data:`MAX_DEPTH`, more than :data:`MAX_VALUES` values once aliases are expanded, an
    alias inside the value it names, and integers too long to read."""
    digits = sys.get_int_max_str_digits()
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (values, depth) of its value
    open_: list[list[Any]] = []  # the open collections: [anchor, values, depth below]
    total = 0

    def done(anchor: str | None, values: int, depth: int) -> None:
        if anchor is not None:
            anchors[anchor] = (values, depth)
        if open_:
            open_[-1][1] += values
            open_[-1][2] = max(open_[-1][2], depth)

    for event in yaml.parse(text):
        if isinstance(event, StreamStartEvent | StreamEndEvent | DocumentStartEvent
                      | DocumentEndEvent):
            continue
        line = event.start_mark.line + 1
        where = f"{path}, line {line}"
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise InstapError(f"{where}: the tag {one_line(repr(tag), 60)} is not allowed; "
                              f"{what} files contain plain values only")
        if isinstance(event, CollectionStartEvent):
            total += 1
            open_.append([event.anchor, 1, 0])
            if len(open_) > MAX_DEPTH:
                raise InstapError(f"{where}: nested more than {MAX_DEPTH} levels deep; "
                                  f"allowed: at most {MAX_DEPTH} levels")
        elif isinstance(event, CollectionEndEvent):
            anchor, values, below = open_.pop()
            done(anchor, values, below + 1)
        elif isinstance(event, ScalarEvent):
            total += 1
            value = event.value
            if (event.style is None and digits and len(value) > digits
                    and _INTEGER.fullmatch(value)):
                count = sum(c.isdigit() for c in value)
                if count > digits:
                    raise InstapError(f"{where}: a whole number of {count:,} digits is too "
                                      f"long to read; allowed: at most {digits:,} digits")
            done(event.anchor, 1, 0)
        elif isinstance(event, AliasEvent):
            name = event.anchor
            if name not in anchors:
                if any(frame[0] == name for frame in open_):
                    raise InstapError(f"{where}: the alias *{one_line(name, 40)} is inside "
                                      "the value it repeats; allowed: aliases of values "
                                      "that end before them")
                continue  # an undefined alias: the composer says so, with its line
            values, depth = anchors[name]
            total += values
            if len(open_) + depth > MAX_DEPTH:
                raise InstapError(f"{where}: the alias *{one_line(name, 40)} nests values "
                                  f"more than {MAX_DEPTH} levels deep; allowed: at most "
                                  f"{MAX_DEPTH} levels")
            done(None, values, depth)
        if total > MAX_VALUES:
            raise InstapError(f"{where}: more than {MAX_VALUES:,} values (every alias "
                              f"counted as the values it repeats); allowed: at most "
                              f"{MAX_VALUES:,} ({what} files have a few hundred)")


def _yaml_problem(err: Exception, path: Path, text: str) -> str:
    """One line for anything the YAML library raised."""
    if isinstance(err, MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = " ".join(str(x) for x in (err.context, err.problem) if x)
        return f"{path}{where}: not valid YAML: {one_line(problem, 200)}"
    if isinstance(err, ReaderError):
        position = err.position if isinstance(err.position, int) else 0
        line = text.count("\n", 0, position) + 1
        char = err.character
        code = char if isinstance(char, int) else ord(str(char)[:1] or "\0")
        return (f"{path}, line {line}: not valid YAML: the character U+{code:04X} is not "
                "allowed (control characters cannot appear in YAML text)")
    if isinstance(err, YAMLError):
        return f"{path}: not valid YAML: {one_line(str(err), 200)}"
    return (f"{path}: not valid YAML: cannot read the file ({type(err).__name__}: "
            f"{one_line(str(err), 200)})")


def read_yaml(path: Path, what: str) -> tuple[Any, str]:
    """Parse ``path`` (a ``what`` file, e.g. "scenario"); return the round-trip tree (an
    empty mapping for an empty file) and the text."""
    text = decode(read_bytes(path, what), path)
    yaml = _yaml()
    try:
        check_events(yaml, text, path, what)
        tree = yaml.load(text)
    except InstapError:
        raise
    except Exception as err:  # hostile input must end in one line, whatever the library raised
        raise InstapError(_yaml_problem(err, path, text)) from None
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


def line_of(tree: Any, loc: tuple[Any, ...], default: int = 1) -> int:
    """1-based line of the key (or list item) at ``loc``, the deepest one found;
    ``default`` when not even the first is."""
    line, node = default, tree
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0] + 1
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            line = node.lc.item(key)[0] + 1
        else:
            break
        node = node[key]
    return line


_SCALAR_EVENTS = (StreamStartEvent, StreamEndEvent, DocumentStartEvent, DocumentEndEvent,
                  ScalarEvent)


def parse_scalar(text: str) -> Any:
    """A command-line value read with YAML scalar rules (``36``, ``0.5``, ``true``, ``never``);
    anything but one plain scalar (a list, a mapping, an alias, a tag, a number too long to
    read, a very long text) stays the text it is."""
    if len(text) > MAX_SCALAR_CHARS:
        return text
    yaml = YAML(typ="safe", pure=True)
    try:
        events = list(yaml.parse(text))
        if not all(isinstance(e, _SCALAR_EVENTS) and getattr(e, "tag", None) is None
                   and getattr(e, "anchor", None) is None for e in events):
            return text
        value = YAML(typ="safe", pure=True).load(text)
    except Exception:  # whatever the library raised, the value is the text itself
        return text
    return text if isinstance(value, dict | list) else value
