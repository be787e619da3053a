"""Outputs that let people see why (issue 10, item 7, first step): directed trust, joins and
exits per actor kind, coalition turnover at the end of a run and survival quartiles. They
add to the model's outputs without changing any existing one (``benchmarks/golden.py check
--allow-new``)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import instap.api as api
from instap.summary import summarise
from instap.survival import MEDIAN_KEY, QUANTILE_KEYS, kaplan_meier
from sim import InstapModel
from sim.outputs import ACTOR_KINDS, COLUMNS, TRUST_DIRECTIONS, TRUST_PAIRS, MonthlyRecord

ROOT = Path(__file__).resolve().parents[1]
EVENT = re.compile(r"^(\w+) (\d+) (left: .*|joined)$")


@pytest.fixture(scope="module")
def model() -> InstapModel:
    """A baseline run of 60 months in which partners leave and former partners rejoin."""
    return InstapModel(rng=0, n_participants=600, months=60).run()


@pytest.fixture(scope="module")
def short() -> InstapModel:
    """A run that ends with part of the founding coalition still in it."""
    return InstapModel(rng=0, n_participants=600, months=30).run()


def test_new_columns_are_declared_and_recorded(model: InstapModel) -> None:
    ts = model.timeseries()
    new = [f"trust_{a}_to_{b}" for a, b in TRUST_DIRECTIONS]
    new += [f"{what}_{k}" for what in ("joins", "exits") for k in ACTOR_KINDS]
    assert len(TRUST_DIRECTIONS) == 6 and len(set(TRUST_DIRECTIONS)) == 6
    for name in new:
        assert name in COLUMNS and COLUMNS[name].endswith(")"), name
        assert len(ts[name]) == model.steps + 1, name
    # the averaged columns are still there
    for a, b in TRUST_PAIRS:
        assert f"trust_{a}_{b}" in ts


def test_directed_trust_averages_to_the_old_column(model: InstapModel) -> None:
    """Both blocks of the trust matrix between two disjoint groups have |a| x |b| cells, so
    the averaged column is exactly the mean of the two directions (to rounding)."""
    ts = model.timeseries()
    for a, b in TRUST_PAIRS:
        both, ab, ba = ts[f"trust_{a}_{b}"], ts[f"trust_{a}_to_{b}"], ts[f"trust_{b}_to_{a}"]
        assert np.array_equal(np.isnan(both), np.isnan(ab) | np.isnan(ba)), (a, b)
        ok = ~np.isnan(both)
        assert ok.sum() > 10
        np.testing.assert_allclose((ab[ok] + ba[ok]) / 2, both[ok], rtol=0, atol=1e-12)


def test_directed_trust_differs_by_direction(model: InstapModel) -> None:
    """Foundations lose trust in the municipality through its broken promises; the
    municipality's trust in the foundations is another number."""
    ts = model.timeseries()
    gap = np.abs(ts["trust_foundation_to_municipality"] - ts["trust_municipality_to_foundation"])
    assert np.nanmax(gap) > 0.2
    ok = ~np.isnan(ts["trust_municipality_foundation"])
    assert not np.allclose(ts["trust_municipality_foundation"][ok],
                           ts["trust_foundation_to_municipality"][ok])


def test_directed_trust_is_the_member_block_of_the_trust_matrix() -> None:
    m = InstapModel(rng=3, n_participants=600).run(14)
    members, kind, trust = m.members(), m.org_kind, m.coalition.trust.T
    firms = np.isin(kind, ACTOR_KINDS[1:])
    groups = {"municipality": np.flatnonzero((kind == "municipality") & members),
              "foundation": np.flatnonzero((kind == "foundation") & members),
              "firm": np.flatnonzero(firms & members)}
    ts = m.timeseries()
    for a, b in TRUST_DIRECTIONS:
        expected = np.mean([trust[i, j] for i in groups[a] for j in groups[b]])
        assert ts[f"trust_{a}_to_{b}"][-1] == pytest.approx(expected, abs=1e-12), (a, b)


def test_joins_and_exits_reconcile_with_the_coalition_size(model: InstapModel) -> None:
    ts = model.timeseries()
    for k in ACTOR_KINDS:
        size, joins, exits = ts[f"coalition_{k}"], ts[f"joins_{k}"], ts[f"exits_{k}"]
        assert joins[0] == 0 and exits[0] == 0, k
        assert (joins >= 0).all() and (exits >= 0).all(), k
        assert np.array_equal(joins, np.round(joins)) and np.array_equal(exits, np.round(exits))
        np.testing.assert_array_equal(size[1:], size[:-1] + joins[1:] - exits[1:], err_msg=k)
    assert sum(ts[f"exits_{k}"].sum() for k in ACTOR_KINDS) > 0
    assert sum(ts[f"joins_{k}"].sum() for k in ACTOR_KINDS) > 0


def test_joins_and_exits_match_the_event_log(model: InstapModel) -> None:
    """Per month and kind, logged leavings minus exits equals logged rejoinings minus joins
    (an organisation that leaves and rejoins within a month counts as neither)."""
    left: Counter[tuple[int, str]] = Counter()
    joined: Counter[tuple[int, str]] = Counter()
    for month, text in model.events:
        hit = EVENT.match(text)
        if hit:
            (joined if hit.group(3) == "joined" else left)[(month, hit.group(1))] += 1
    assert left and joined
    ts = model.timeseries()
    for t in range(1, model.steps + 1):
        for k in ACTOR_KINDS:
            exits, joins = int(ts[f"exits_{k}"][t]), int(ts[f"joins_{k}"][t])
            assert left[(t, k)] - exits == joined[(t, k)] - joins >= 0, (t, k)


def test_turnover_keeps_the_founders_and_the_previous_mask() -> None:
    record = MonthlyRecord(3)
    start = np.array([True, True, True, False])
    joined, left = record.turnover(start)
    assert not joined.any() and not left.any()
    joined, left = record.turnover(np.array([True, False, True, True]))
    assert joined.tolist() == [False, False, False, True]
    assert left.tolist() == [False, True, False, False]
    joined, left = record.turnover(np.array([True, True, True, True]))
    assert joined.tolist() == [False, True, False, False] and not left.any()
    assert record.founders is not None and record.founders.tolist() == start.tolist()


@pytest.mark.parametrize("which", ["model", "short"])
def test_end_metrics_are_sums_and_maxima_of_the_columns(which: str,
                                                        request: pytest.FixtureRequest
                                                        ) -> None:
    m: InstapModel = request.getfixturevalue(which)
    ts, end = m.timeseries(), m.end_metrics()
    size = np.sum([ts[f"coalition_{k}"] for k in ACTOR_KINDS], axis=0)
    assert end["coalition.joins"] == sum(ts[f"joins_{k}"][1:].sum() for k in ACTOR_KINDS)
    assert end["coalition.exits"] == sum(ts[f"exits_{k}"][1:].sum() for k in ACTOR_KINDS)
    assert end["coalition.peak_size"] == size.max()
    assert end["coalition.final_size"] == size[-1]
    assert end["coalition.final_size"] == size[0] + end["coalition.joins"] - end[
        "coalition.exits"]
    # founders still in are at most the members at the end (outsiders may have joined)
    assert end["coalition.founding_share_final"] <= size[-1] / size[0] + 1e-12


def test_founding_share_counts_the_founders_still_in(short: InstapModel) -> None:
    end = short.end_metrics()
    assert 0 < end["coalition.founding_share_final"] < 1
    founders = short.record.founders
    assert founders is not None
    partners = short.org_kind != "municipality"
    still = (founders & partners & short.members()).sum() / (founders & partners).sum()
    assert end["coalition.founding_share_final"] == pytest.approx(still)


def test_quantiles_of_a_known_curve() -> None:
    km = kaplan_meier([10, 20, 30, 40], [1, 1, 1, 1], 50)
    assert km.quantile(0.25)["mean"] == 10  # S(10) = 0.75
    assert km.median()["mean"] == 20 and km.quantile(0.5) == km.median()
    assert km.quantile(0.75)["mean"] == 30  # S(30) = 0.25
    for q in (0.25, 0.5, 0.75):
        assert km.quantile(q)["reached"] is True


def test_quantiles_not_reached_are_null() -> None:
    km = kaplan_meier([10, 50, 50, 50], [1, 0, 0, 0], 50)
    assert km.quantile(0.25) == {"mean": 10.0, "low": km.quantile(0.25)["low"],
                                 "high": km.quantile(0.25)["high"], "n": 4, "reached": True}
    for q in (0.5, 0.75):
        est = km.quantile(q)
        assert est["mean"] is None and est["reached"] is False and est["n"] == 4


def test_summary_has_quartiles_in_the_form_of_the_median() -> None:
    metrics = [InstapModel(rng=seed, n_participants=600).run().end_metrics()
               for seed in range(6)]
    s = summarise(metrics, 120)
    dur = s["durability"]
    med = dur["median_survival_months"]
    q25, q75 = dur["survival_q25_months"], dur["survival_q75_months"]
    assert set(q25) == set(q75) == set(med) == {"mean", "low", "high", "n", "reached"}
    assert set(QUANTILE_KEYS.values()) == {"durability.survival_q25_months",
                                           "durability.survival_q75_months"}
    assert q25["reached"] and med["reached"]
    assert q25["mean"] <= med["mean"]
    if q75["reached"]:
        assert med["mean"] <= q75["mean"]
    for est in (q25, med, q75):
        if est["reached"] and est["low"] is not None:
            assert est["low"] <= est["mean"]
    # the median is unchanged by the new entries
    km = kaplan_meier([m["durability.survival_months"] for m in metrics],
                      [m["durability.collapsed"] for m in metrics], 120)
    assert med == km.median() and MEDIAN_KEY.endswith("median_survival_months")
    coalition = s["coalition"]
    for key in ("joins", "exits", "peak_size", "final_size", "founding_share_final"):
        assert set(coalition[key]) >= {"mean", "low", "high", "n"}, key


def test_api_run_reports_the_new_outputs() -> None:
    result: Any = api.run(ROOT / "scenarios" / "baseline.yaml", reps=3, seed=7, months=24,
                          set={"n_participants": 300}, jobs=1)
    for name in ("trust_foundation_to_municipality", "joins_foundation", "exits_bank"):
        assert name in result.timeseries.columns, name
    assert "coalition.peak_size" in result.metrics.columns
    q25 = result.summary["durability"]["survival_q25_months"]
    assert set(q25) == {"mean", "low", "high", "n", "reached"} and q25["n"] == 3
