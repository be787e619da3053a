"""The report figures fit: no title, legend or label reaches beyond the figure, in either
language, for one scenario or many, with long scenario names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from instap import glossary
from instap.plots import (
    PANELS,
    outside_texts,
    panel_figure,
    run_panel_figure,
    run_survival_figure,
    survival_figure,
)
from sim.outputs import COLUMNS


def series(seed: int, months: int = 36, reps: int = 3) -> pd.DataFrame:
    """A long timeseries frame with every monthly column (random values)."""
    rng = np.random.default_rng(seed)
    rows = {"replication": np.repeat(np.arange(reps), months + 1),
            "month": np.tile(np.arange(months + 1), reps)}
    for column in COLUMNS:
        rows[column] = rng.random(reps * (months + 1)) * 1000
    return pd.DataFrame(rows)


def curve(months: int = 36) -> dict[str, list[float]]:
    survival = np.linspace(1, 0.2, months + 1)
    return {"month": list(range(months + 1)), "survival": survival.tolist(),
            "low": (survival * 0.8).tolist(), "high": np.minimum(survival * 1.2, 1).tolist()}


NAMES = ["baseline", "multi_year_funding_with_a_very_long_name_for_the_reference_scenario",
         "social_impact_bond", "combined_package"]


@pytest.mark.parametrize(("count", "lang"), [(1, "en"), (4, "nl")])
def test_report_figures_fit_in_the_figure(count: int, lang: str) -> None:
    frames = {name: series(i) for i, name in enumerate(NAMES[:count])}
    for name in ("pathway", "coalition", "trust", "money"):
        fig = panel_figure(frames, name, lang)
        assert outside_texts(fig) == [], (name, lang, count)
    assert outside_texts(survival_figure({n: curve() for n in frames}, lang)) == []


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_run_figures_fit_and_are_labelled_from_the_glossary(lang: str) -> None:
    frame = series(1)
    long_name = "a_scenario_with_a_name_much_longer_than_any_title_has_room_for_in_a_figure"
    for panel in PANELS.values():
        fig = run_panel_figure(frame, panel, f"{long_name}: {panel.title[lang]}", lang)
        assert outside_texts(fig) == [], panel.title[lang]
        legend = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
        assert legend == [glossary.short(c, lang) for c in panel.columns]
    causes = {"money": 0.3, "partners": 0.1, "capacity": 0.0, "jobs": 0.5, "none": 0.1}
    fig = run_survival_figure(curve(), f"{long_name}: survival", causes, lang)
    assert outside_texts(fig) == []


def test_the_check_sees_a_cut_off_title() -> None:
    fig = Figure(figsize=(4, 3), layout="constrained")
    fig.add_subplot()
    fig.suptitle("a title far too long for a figure four inches wide, cut off on both sides")
    assert outside_texts(fig)


def test_dutch_ticks_use_a_decimal_comma() -> None:
    fig = panel_figure({"a": series(2)}, "trust", "nl")
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert any("," in t for t in ticks) or all(t.lstrip("−-").isdigit() for t in ticks)
    assert not any("." in t for t in ticks)
