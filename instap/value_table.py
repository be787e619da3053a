"""The "who pays and who gains" table of a run or a comparison (docs/value.md), from the
rows of :func:`instap.stats.comparison_table`; stakeholders are named by the glossary."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from instap import glossary
from instap.stats import table_row
from sim.policies.value import HORIZONS, STAKEHOLDERS


def _mean(table: pd.DataFrame, metric: str, scenario: str) -> float | None:
    row = table_row(table, metric, scenario)
    return None if row is None else row.get("mean")


def run_rows(table: pd.DataFrame, scenario: str, lang: str = "en"
             ) -> list[tuple[str, list[float | None]]]:
    """Per stakeholder: cost, benefit and net over 10 years, and net over 3 and 20 years
    (means over replications, EUR, discounted to month 0)."""
    rows = []
    for name in STAKEHOLDERS:
        cells = [_mean(table, f"value.{name}.{part}_10y", scenario)
                 for part in ("cost", "benefit", "net")]
        cells += [_mean(table, f"value.{name}.net_{h}y", scenario) for h in HORIZONS
                  if h != 10]
        rows.append((glossary.stakeholder_name(name, lang), cells))
    return rows


def run_columns(lang: str = "en") -> list[str]:
    """The column heads of :func:`run_rows`' values."""
    if lang == "nl":
        return ["kosten, 10 jaar", "baten, 10 jaar", "saldo, 10 jaar",
                *(f"saldo, {h} jaar" for h in HORIZONS if h != 10)]
    return ["cost, 10 years", "benefit, 10 years", "net, 10 years",
            *(f"net, {h} years" for h in HORIZONS if h != 10)]


def compare_rows(table: pd.DataFrame, scenarios: Sequence[str], years: int = 10
                 ) -> list[tuple[str, list[float | None]]]:
    """Per scenario: each stakeholder's net over ``years`` years (means, EUR), in the
    order of :data:`sim.policies.value.STAKEHOLDERS`."""
    return [(sc, [_mean(table, f"value.{name}.net_{years}y", sc) for name in STAKEHOLDERS])
            for sc in scenarios]


def stakeholder_labels(lang: str = "en") -> list[str]:
    """The stakeholders' names in words, in table order."""
    return [glossary.stakeholder_name(name, lang) for name in STAKEHOLDERS]


def has_values(table: pd.DataFrame) -> bool:
    """Whether the table has the stakeholder metrics (older run folders do not)."""
    return bool((table["metric"] == "value.municipality.net_10y").any())
