"""The workshop's session as a scenario file: what the room set and clicked, to take home.

:func:`session_yaml` writes a self-contained scenario (no ``extends:``, so it works
wherever it is saved): every lever as set, every other parameter that differs from the
model's defaults, and the scenario's timeline followed by the room's clicks (each a
timeline entry of the month after the click, :meth:`instap.live.livemodel.LiveModel.clicks`).
``instap validate`` accepts it, and the first replication of ``instap run FILE --seed
SEED`` is the run the room saw (the page runs replication 1 of its seed).
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from sim.parameters import DEFAULTS, LEVERS, PARAMETERS, SECTIONS

MAX_NAME = 100


def session_name(scenario: str) -> str:
    """The saved scenario's name: the scenario's, marked as a workshop session."""
    return (re.sub(r"[^A-Za-z0-9_.-]+", "_", scenario).strip("_") or "scenario")[
        : MAX_NAME - len("_workshop")] + "_workshop"


def session_yaml(*, scenario: str, params: Mapping[str, Any], clicks: Sequence[Mapping[str, Any]],
                 seed: int, lang: str, description_nl: str = "",
                 when: datetime | None = None) -> str:
    """The text of a scenario file with ``params`` (all parameters as the page ran them,
    ``timeline`` included if the scenario had one) and the room's ``clicks``."""
    when = when or datetime.now()
    name = session_name(scenario)
    doc = CommentedMap()
    doc["name"] = name
    if description_nl:
        doc["description_nl"] = description_nl
    doc["lang"] = lang
    for section in SECTIONS:
        values = CommentedMap()
        for pname, p in PARAMETERS.items():
            if p.section == section and (pname in LEVERS or params[pname] != DEFAULTS[pname]):
                values[pname] = params[pname]
        if values:
            doc[section] = values
    timeline = [*params.get("timeline", ()), *clicks]
    if timeline:
        doc["timeline"] = CommentedSeq(_entry(e) for e in timeline)
    header = "\n".join([
        *textwrap.wrap(f"Workshop session of {when:%Y-%m-%d %H:%M}: scenario {scenario}, "
                       "with the levers as set on the page and the interventions as "
                       "timeline entries. The first replication of this command is the run "
                       "shown on the page:", 86),
        f"  instap run {name}.yaml --seed {seed} --reps 1",
        "More replications show how much of it was chance:",
        f"  instap run {name}.yaml --seed {seed} --reps 20"])
    doc.yaml_set_start_comment(header)
    out = io.StringIO()
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    yaml.dump(doc, out)
    return out.getvalue()


def _entry(entry: Mapping[str, Any]) -> CommentedMap:
    """A timeline entry with its small mappings on one line (``set: {a: 1}``)."""
    out = CommentedMap()
    for key, value in entry.items():
        if isinstance(value, Mapping):
            flow = CommentedMap(value)
            flow.fa.set_flow_style()
            out[key] = flow
        else:
            out[key] = value
    return out
