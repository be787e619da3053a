"""A scenario's timeline: dated changes during a run (docs/scenarios.md, "Timeline").

An entry acts at the start of its ``month`` (before anything of that month happens), as a
click on the workshop page acts on the next month. Each entry does one thing:

- ``set``: parameters change from then on (only those defined with ``mid_run``); with
  ``until`` they return, at the start of month ``until``, to the values they had before;
- ``budget``: the programme budget changes by a share (``-0.3``: cut by 30%), with
  ``until`` for a temporary change; coaching money and the wage subsidy per entry worker
  follow it (:class:`BudgetChanges`), and partners hear a cut as a broken promise of
  ``trust_weight_cut`` times its share, as they hear the council's own cuts;
- ``partner_leaves``: partners of a kind leave the coalition (the first ``count`` members of
  that kind) and do not come back by themselves; ``partner_joins``: organisations of a kind
  join (outsiders that never took part first, then former partners);
- ``intervention``: one of the workshop page's buttons (:data:`INTERVENTIONS`).

Entries are plain data (:class:`Entry`, read from and written to the mappings of a scenario
file with :meth:`Entry.from_mapping` and :meth:`Entry.as_mapping`), checked against the
run's parameters by :func:`problems`; :class:`sim.InstapModel` schedules them with Mesa's
event scheduler and applies them (:meth:`sim.InstapModel.apply_entry`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sim.parameters import PARAMETERS, Params

INTERVENTIONS: tuple[str, ...] = ("end_funding", "restart_funding", "election", "recession",
                                  "agreement")
PARTNER_KINDS: tuple[str, ...] = ("foundation", "regular_employer", "social_enterprise",
                                  "housing_corporation", "bank")
# the parameter giving the founding number of each partner kind
KIND_COUNT: dict[str, str] = {"foundation": "n_foundations",
                              "regular_employer": "n_regular_employers",
                              "social_enterprise": "n_social_enterprises",
                              "housing_corporation": "n_housing_corporations",
                              "bank": "n_banks"}
ACTIONS: tuple[str, ...] = ("set", "budget", "partner_leaves", "partner_joins", "intervention")
KEYS: tuple[str, ...] = ("month", "until", "label", *ACTIONS)
MID_RUN: tuple[str, ...] = tuple(name for name, p in PARAMETERS.items() if p.mid_run)
BUDGET_RANGE: tuple[float, float] = (-1.0, 2.0)  # a cut of everything to a tripling
MAX_LABEL = 100
_PERCENT = re.compile(r"\s*([-+]?[0-9]+(?:\.[0-9]+)?)\s*%\s*")

ALLOWED: dict[str, str] = {
    "month": "a whole number from 1 to the horizon (months): the month from which it holds",
    "until": "a whole number after 'month', up to the horizon (months), for set and budget "
             "only",
    "label": f"text on one line, at most {MAX_LABEL} characters",
    "set": "a mapping of parameter names to values; parameters that may change during a "
           "run: " + ", ".join(MID_RUN),
    "budget": "a share from -1 to 2 (-0.3 or '-30%': cut by 30%; 0.2 or '+20%': raise by "
              "20%)",
    "partner_leaves": "a partner kind (" + ", ".join(PARTNER_KINDS) + "), or a mapping "
                      "with kind and count",
    "partner_joins": "a partner kind (" + ", ".join(PARTNER_KINDS) + "), or a mapping "
                     "with kind and count",
    "intervention": "one of " + ", ".join(INTERVENTIONS),
    "entry": "a mapping with 'month' and exactly one of " + ", ".join(ACTIONS),
}


class TimelineError(ValueError):
    """A timeline entry that cannot be used: which entry, which field (a path within the
    entry), the value and what is allowed."""

    def __init__(self, index: int, path: tuple[str, ...], value: Any, allowed: str,
                 problem: str = "") -> None:
        self.index, self.path, self.value, self.allowed = index, path, value, allowed
        self.problem = problem  # said instead of "<path> = <value> is not allowed"
        where = ".".join(("timeline", str(index), *path))
        text = problem or f"{where} = {value!r} is not allowed"
        super().__init__(f"{text}; allowed: {allowed}")

    def __reduce__(self) -> tuple[Any, ...]:  # raised in a worker, read in the parent
        return (TimelineError, (self.index, self.path, self.value, self.allowed,
                                self.problem))


@dataclass(frozen=True)
class Entry:
    """One dated change. ``action`` is one of :data:`ACTIONS`; ``values`` holds what
    ``set`` sets, ``share`` the budget change, ``kind`` the partner kind or the
    intervention, ``count`` how many partners."""

    month: int
    action: str
    values: tuple[tuple[str, Any], ...] = ()
    share: float = 0.0
    kind: str = ""
    count: int = 1
    until: int | None = None
    label: str = ""
    index: int = field(default=0, compare=False)  # position in the scenario's timeline

    @classmethod
    def from_mapping(cls, data: Any, index: int = 0) -> Entry:
        """An entry from a scenario file's mapping; :class:`TimelineError` if malformed
        (the range of months is checked against a run by :func:`problems`)."""
        if not isinstance(data, Mapping):
            raise TimelineError(index, (), data, ALLOWED["entry"])
        for key in data:
            if key not in KEYS:
                raise TimelineError(index, (str(key),), data[key],
                                    "keys " + ", ".join(KEYS))
        actions = [a for a in ACTIONS if a in data]
        if len(actions) != 1:
            problem = ("it has no action" if not actions else
                       "it has " + str(len(actions)) + " actions (" + ", ".join(actions) + ")")
            raise TimelineError(index, tuple(actions[1:2]), None,
                                "exactly one of " + ", ".join(ACTIONS), problem)
        action = actions[0]
        month = _whole(data.get("month"), index, "month")
        until = None if data.get("until") is None else _whole(data["until"], index, "until")
        if until is not None and action not in ("set", "budget"):
            raise TimelineError(index, ("until",), until, ALLOWED["until"])
        label = data.get("label") or ""
        if not isinstance(label, str) or len(label) > MAX_LABEL or "\n" in label:
            raise TimelineError(index, ("label",), label, ALLOWED["label"])
        value = data[action]
        entry = cls(month=month, action=action, until=until, label=label, index=index)
        if action == "set":
            return replace(entry, values=_settings(value, index))
        if action == "budget":
            return replace(entry, share=_share(value, index))
        if action == "intervention":
            if value not in INTERVENTIONS:
                raise TimelineError(index, (action,), value, ALLOWED[action])
            return replace(entry, kind=str(value))
        kind, count = _partners(value, index, action)
        return replace(entry, kind=kind, count=count)

    def as_mapping(self) -> dict[str, Any]:
        """The entry as a scenario file writes it (plain values)."""
        out: dict[str, Any] = {"month": self.month}
        if self.until is not None:
            out["until"] = self.until
        if self.action == "set":
            out["set"] = dict(self.values)
        elif self.action == "budget":
            out["budget"] = self.share
        elif self.action == "intervention":
            out["intervention"] = self.kind
        else:
            out[self.action] = ({"kind": self.kind, "count": self.count} if self.count != 1
                                else self.kind)
        if self.label:
            out["label"] = self.label
        return out

    def describe(self) -> str:
        """A short English text of what happens (the event log; reports translate)."""
        if self.label:
            return self.label
        if self.action == "set":
            return "; ".join(f"{k} = {v}" for k, v in self.values)
        if self.action == "budget":
            verb = "cut" if self.share < 0 else "raised"
            return f"budget {verb} by {abs(self.share):.0%}"
        if self.action == "intervention":
            return {"end_funding": "funding ended", "restart_funding": "funding restarts",
                    "election": "election", "recession": "recession",
                    "agreement": "partnership agreement"}[self.kind]
        who = self.kind.replace("_", " ") + ("s" if self.count != 1 else "")
        verb = "leave" if self.action == "partner_leaves" else "join"
        return f"{self.count} {who} {verb}" if self.count != 1 else f"a {who} {verb}s"


def _whole(value: Any, index: int, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or (
            isinstance(value, float) and not value.is_integer()):
        raise TimelineError(index, (key,), value, ALLOWED[key])
    return int(value)


def _settings(value: Any, index: int) -> tuple[tuple[str, Any], ...]:
    if not isinstance(value, Mapping) or not value:
        raise TimelineError(index, ("set",), value, ALLOWED["set"])
    out = []
    for name, v in value.items():
        spec = PARAMETERS.get(str(name))
        if spec is None or not spec.mid_run:
            raise TimelineError(index, ("set", str(name)), v, ALLOWED["set"])
        try:
            out.append((str(name), spec.check(v)))
        except ValueError:
            raise TimelineError(index, ("set", str(name)), v, spec.allowed()) from None
    return tuple(out)


def _share(value: Any, index: int) -> float:
    """A budget change as a share: a number, or text with a percent sign."""
    share: float | None = None
    if isinstance(value, str):
        match = _PERCENT.fullmatch(value)
        share = float(match.group(1)) / 100.0 if match else None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        share = float(value)
    low, high = BUDGET_RANGE
    if share is None or not math.isfinite(share) or not low <= share <= high or share == 0:
        raise TimelineError(index, ("budget",), value, ALLOWED["budget"] + ", not 0")
    return share


def _partners(value: Any, index: int, action: str) -> tuple[str, int]:
    if isinstance(value, str):
        kind, count = value, 1
    elif isinstance(value, Mapping) and set(value) <= {"kind", "count"} and "kind" in value:
        kind, count = value["kind"], value.get("count", 1)
    else:
        raise TimelineError(index, (action,), value, ALLOWED[action])
    if kind not in PARTNER_KINDS:
        path = (action, "kind") if isinstance(value, Mapping) else (action,)
        raise TimelineError(index, path, kind, "one of " + ", ".join(PARTNER_KINDS))
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise TimelineError(index, (action, "count"), count, "a whole number from 1")
    return str(kind), count


def parse(items: Iterable[Any] | None) -> list[Entry]:
    """Entries from a scenario's list of mappings (or entries, kept as they are)."""
    entries = []
    for i, item in enumerate(items or ()):
        entries.append(item if isinstance(item, Entry) else Entry.from_mapping(item, i))
    return entries


def problems(entries: Sequence[Entry], p: Params) -> list[TimelineError]:
    """What makes entries impossible in a run with parameters ``p``: a month in the past
    (before 1) or beyond the horizon, an ``until`` not after its month, more partners of a
    kind than could ever take part (the founding number and the outsiders who may join,
    ``potential_partner_share``)."""
    found = []
    for e in entries:
        if not 1 <= e.month <= p.months:
            found.append(TimelineError(e.index, ("month",), e.month,
                                       f"a whole number from 1 to {p.months} (the horizon)"))
        if e.until is not None and not e.month < e.until <= p.months:
            found.append(TimelineError(e.index, ("until",), e.until,
                                       f"a whole number from {e.month + 1} to {p.months}"))
        if e.action in ("partner_leaves", "partner_joins"):
            founding = int(getattr(p, KIND_COUNT[e.kind]))
            most = founding + int(math.floor(p.potential_partner_share * founding + 0.5))
            if e.count > most:
                path = (e.action, "count")
                found.append(TimelineError(e.index, path, e.count,
                                           f"at most {most} {e.kind} organisations take "
                                           "part in this scenario (founding and potential)"))
    return found


class BudgetChanges:
    """The timeline's changes to the programme budget, as a factor on top of the council's
    level (1 without changes). Coaching money is the council's level times this factor;
    the wage subsidy per entry worker is its share times this factor, at most the whole
    wage (docs/scenarios.md)."""

    def __init__(self) -> None:
        self.active: dict[int, float] = {}  # entry index -> share

    @property
    def factor(self) -> float:
        """The product of (1 + share) over the changes in force."""
        out = 1.0
        for share in self.active.values():
            out *= 1.0 + share
        return out

    def start(self, entry: Entry) -> None:
        """A change comes into force."""
        self.active[entry.index] = entry.share

    def end(self, entry: Entry) -> None:
        """A temporary change ends."""
        self.active.pop(entry.index, None)
