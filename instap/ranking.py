"""Scenarios ranked on durability, in English or Dutch: rows for the reports' HTML table
(:func:`ranking_rows`) and the same as plain text for the terminal
(:func:`durability_ranking`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from instap import formatting as f
from instap import glossary
from instap.lang import in_lang
from instap.stats import table_row
from instap.survival import ALIVE_AT, MEDIAN_KEY, SURVIVAL_KEY

if TYPE_CHECKING:
    from instap.inputs import ScenarioData


@dataclass(frozen=True)
class Ranking:
    """The ranked table: a header and one row of text cells per scenario, best first.
    Columns of chances that no scenario can estimate (runs shorter than 5 or 10 years)
    are left out."""

    header: list[str]
    rows: list[list[str]]


def _median_cell(row: dict[str, Any], horizon: int, lang: str) -> str:
    m = row.get("mean")
    if m is None:
        return f">{horizon} " + in_lang(lang, "(not reached)", "(niet bereikt)")
    text = glossary.format_value(MEDIAN_KEY, m, lang)
    low, high = row.get("low"), row.get("high")
    if low is None:
        return text
    upper = f">{horizon}" if high is None else glossary.format_value(MEDIAN_KEY, high, lang)
    lower = glossary.format_value(MEDIAN_KEY, low, lang)
    return text if lower == upper == text else f"{text} ({lower} – {upper})"


def _share_cell(key: str, row: dict[str, Any] | None, lang: str) -> str:
    if not row or row.get("mean") is None:
        return f.not_available(lang)
    text = glossary.format_value(key, row["mean"], lang)
    band = glossary.format_interval(key, row.get("low"), row.get("high"), lang)
    return text if not band or band == f"{text} – {text}" else f"{text} ({band})"


def ranking_rows(scenarios: Sequence[ScenarioData], table: pd.DataFrame, lang: str = "en"
                 ) -> Ranking:
    """Scenarios ranked on durability: median survival, then the chance of still
    functioning after 10 and 5 years, from the rows of
    :func:`instap.stats.comparison_table`."""
    keys = sorted(ALIVE_AT.items())  # (60, ...), (120, ...)
    entries = []
    for sc in scenarios:
        med = table_row(table, MEDIAN_KEY, sc.name) or {}
        alive = {key: table_row(table, key, sc.name) or {} for _, key in keys}
        surv = table_row(table, SURVIVAL_KEY, sc.name) or {}
        m = med.get("mean")
        rank_key = (m if m is not None else sc.horizon + 1,
                    *(alive[key].get("mean") if alive[key].get("mean") is not None else -1
                      for _, key in reversed(keys)),
                    surv.get("mean") or 0)
        cells = [sc.name, _median_cell(med, sc.horizon, lang),
                 *(_share_cell(key, alive[key], lang) for _, key in keys)]
        entries.append((rank_key, cells))
    entries.sort(key=lambda e: e[0], reverse=True)
    header = [in_lang(lang, "rank", "rang"), "scenario",
              in_lang(lang, "median survival, months (95% interval)",
                      "mediane overlevingsduur, maanden (95%-interval)"),
              *(in_lang(lang, f"still functioning after {t // 12} years",
                        f"functioneert na {t // 12} jaar nog") for t, _ in keys)]
    rows = [[str(i + 1), *cells] for i, (_, cells) in enumerate(entries)]
    empty = f.not_available(lang)
    keep = [j for j in range(len(header))
            if j < 3 or any(row[j] != empty for row in rows)]
    return Ranking([header[j] for j in keep], [[row[j] for j in keep] for row in rows])


def durability_ranking(scenarios: Sequence[ScenarioData], table: pd.DataFrame,
                       lang: str = "en") -> str:
    """:func:`ranking_rows` as a plain-text table for the terminal."""
    ranking = ranking_rows(scenarios, table, lang)
    lines = [ranking.header, *ranking.rows]
    widths = [max(len(line[j]) for line in lines) for j in range(len(ranking.header))]
    fmt_row = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [in_lang(lang, "Durability ranking (Kaplan-Meier over replications, 95% intervals):",
                   "Rangorde naar levensduur (Kaplan-Meier over de simulaties, "
                   "95%-intervallen):"),
           fmt_row.format(*ranking.header).rstrip(),
           fmt_row.format(*("-" * w for w in widths)).rstrip()]
    out += [fmt_row.format(*r).rstrip() for r in ranking.rows]
    return "\n".join(out)
