"""Scenarios ranked on durability, as a plain-text table (the terminal, and the reports)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from instap.stats import table_row
from instap.survival import MEDIAN_KEY, SURVIVAL_KEY

if TYPE_CHECKING:
    from instap.inputs import ScenarioData

HEADER = ("rank", "scenario", "median survival, months [95% CI]", "alive at 60 months",
          "alive at 120 months")


def durability_ranking(scenarios: Sequence[ScenarioData], table: pd.DataFrame) -> str:
    """Scenarios ranked on durability: median survival, then P(alive at 120 or 60 months),
    from the rows of :func:`instap.stats.comparison_table`."""
    entries = []
    for sc in scenarios:
        med = table_row(table, MEDIAN_KEY, sc.name) or {}
        p120 = table_row(table, "durability.p_alive_120", sc.name) or {}
        p60 = table_row(table, "durability.p_alive_60", sc.name) or {}
        surv = table_row(table, SURVIVAL_KEY, sc.name) or {}
        m = med.get("mean")
        key = (m if m is not None else sc.horizon + 1,
               p120.get("mean") if p120.get("mean") is not None else -1,
               p60.get("mean") if p60.get("mean") is not None else -1,
               surv.get("mean") or 0)
        median = _cell(med, False) if m is not None else f">{sc.horizon} (not reached)"
        entries.append((key, sc.name, median, _cell(p60, True), _cell(p120, True)))
    entries.sort(key=lambda e: e[0], reverse=True)
    lines = [[str(i + 1), name, med, p60, p120]
             for i, (_, name, med, p60, p120) in enumerate(entries)]
    widths = [max(len(HEADER[j]), *(len(r[j]) for r in lines)) for j in range(len(HEADER))]
    fmt_row = "  ".join(f"{{:<{w}}}" for w in widths)
    out = ["Durability ranking (Kaplan-Meier over replications, 95% intervals):",
           fmt_row.format(*HEADER), fmt_row.format(*("-" * w for w in widths))]
    out += [fmt_row.format(*r) for r in lines]
    return "\n".join(out)


def _cell(row: dict[str, Any] | None, pct: bool) -> str:
    if not row or row.get("mean") is None:
        return "n/a"
    k = 100.0 if pct else 1.0
    lo = "?" if row.get("low") is None else f"{row['low'] * k:.0f}"
    hi = "not reached" if row.get("high") is None and not pct else (
        "?" if row.get("high") is None else f"{row['high'] * k:.0f}")
    unit = "%" if pct else ""
    return f"{row['mean'] * k:.0f}{unit} [{lo}-{hi}]"
