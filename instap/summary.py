"""The summary of a run (``summary.json``): each end-of-run metric's mean and 95% interval
over replications, and the Kaplan-Meier estimate of how long the ecosystem survives
(:mod:`instap.survival`: median and quartile survival, S(60), S(120) and the curve), nested
by the dotted metric names."""

from __future__ import annotations

import math
from typing import Any

from instap.stats import mean_interval
from instap.survival import (
    ALIVE_AT,
    EVENT_KEY,
    MEDIAN_KEY,
    QUANTILE_KEYS,
    SURVIVAL_KEY,
    kaplan_meier,
)


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b": x}`` -> ``{"a": {"b": x}}``."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        node = out
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def lookup(summary: dict[str, Any], dotted: str) -> Any:
    """The entry at a dotted name in a nested summary (``KeyError`` if missing)."""
    node: Any = summary
    for part in dotted.split("."):
        node = node[part]
    return node


def summarise(metrics: list[dict[str, float]], horizon: int) -> dict[str, Any]:
    """The summary of a run: every metric's mean and interval plus the durability estimate,
    nested by the dotted metric names."""
    keys = list(dict.fromkeys(k for m in metrics for k in m))
    flat: dict[str, Any] = {k: mean_interval([m.get(k, math.nan) for m in metrics])
                            for k in keys}
    if metrics and SURVIVAL_KEY in keys:
        km = kaplan_meier([m[SURVIVAL_KEY] for m in metrics],
                          [m.get(EVENT_KEY, 0.0) for m in metrics], horizon)
        flat[MEDIAN_KEY] = km.median()
        flat.update({key: km.quantile(q) for q, key in QUANTILE_KEYS.items()})
        flat.update({key: km.at(t) for t, key in ALIVE_AT.items()})
        flat["durability.km_curve"] = km.curve()
    out = nest(flat)
    out["run"] = {"replications": len(metrics), "horizon_months": horizon}
    return out
