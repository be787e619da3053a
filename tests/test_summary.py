"""Summaries: Kaplan-Meier known answers, interval logic, nesting."""

from __future__ import annotations

import math

import numpy as np
import pytest

from instap.stats import mean_interval
from instap.summary import lookup, nest, summarise
from instap.survival import kaplan_meier

# Freireich et al. (1963) 6-MP arm, the textbook example (Kalbfleisch and Prentice; R's
# survival::survfit with conf.type="log-log" gives the intervals below).
TIMES = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
EVENTS = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
KNOWN = {  # month: (S, low, high)
    6: (0.8571, 0.6197, 0.9516), 7: (0.8067, 0.5631, 0.9228), 10: (0.7529, 0.5032, 0.8894),
    13: (0.6902, 0.4316, 0.8491), 16: (0.6275, 0.3675, 0.8049),
    22: (0.5378, 0.2678, 0.7468), 23: (0.4482, 0.1881, 0.6801),
}


def test_kaplan_meier_known_answer() -> None:
    km = kaplan_meier(TIMES, EVENTS, horizon=35)
    for month, (s, low, high) in KNOWN.items():
        assert km.survival[month] == pytest.approx(s, abs=1e-4)
        assert km.low[month] == pytest.approx(low, abs=1e-4)
        assert km.high[month] == pytest.approx(high, abs=1e-4)
    assert km.survival[5] == 1.0 and km.survival[35] == pytest.approx(0.4482, abs=1e-4)
    median = km.median()
    assert median == {"mean": 23.0, "low": 13.0, "high": None, "n": 21, "reached": True}


def test_kaplan_meier_by_hand_small_example() -> None:
    # 4 runs: collapses at 2 and 5, censored at 3 and 10 (the horizon)
    km = kaplan_meier([2, 3, 5, 10], [1, 0, 1, 0], horizon=10)
    assert km.survival[1] == 1.0
    assert km.survival[2] == pytest.approx(3 / 4)
    assert km.survival[4] == pytest.approx(3 / 4)
    assert km.survival[5] == pytest.approx(3 / 4 * 1 / 2)
    assert km.survival[10] == pytest.approx(3 / 8)
    assert np.all(km.low <= km.survival) and np.all(km.survival <= km.high)
    assert km.median()["mean"] == 5.0


def test_nobody_collapses_median_not_reached() -> None:
    km = kaplan_meier([120] * 5, [0] * 5, horizon=120)
    assert km.median() == {"mean": None, "low": None, "high": None, "n": 5, "reached": False}
    assert km.at(120) == {"mean": 1.0, "low": 1.0, "high": 1.0, "n": 5, "estimable": True}


def test_all_collapse_reaches_zero() -> None:
    km = kaplan_meier([3, 4, 5], [1, 1, 1], horizon=10)
    assert km.survival[5] == 0.0 and km.low[5] == 0.0 and km.high[5] == 0.0
    assert km.median()["mean"] == 4.0


def test_beyond_follow_up_is_not_estimable() -> None:
    km = kaplan_meier([24, 24, 10], [0, 0, 1], horizon=24)
    assert km.at(60)["mean"] is None and km.at(60)["estimable"] is False
    assert km.at(24)["mean"] == pytest.approx(2 / 3)


def test_mean_interval_t_based_and_nan_aware() -> None:
    out = mean_interval([1.0, 2.0, 3.0, math.nan])
    assert out["n"] == 3 and out["mean"] == pytest.approx(2.0)
    half = 4.302652729911275 * 1.0 / math.sqrt(3)  # t(0.975, 2) * sd / sqrt(n)
    assert out["low"] == pytest.approx(2.0 - half) and out["high"] == pytest.approx(2.0 + half)
    assert mean_interval([5.0]) == {"mean": 5.0, "low": None, "high": None, "n": 1}
    assert mean_interval([math.nan]) == {"mean": None, "low": None, "high": None, "n": 0}
    constant = mean_interval([2.0, 2.0, 2.0])
    assert constant["low"] == constant["high"] == 2.0


def test_interval_narrows_with_more_replications() -> None:
    rng = np.random.default_rng(1)
    few, many = mean_interval(rng.normal(size=5)), mean_interval(rng.normal(size=500))
    assert many["high"] - many["low"] < few["high"] - few["low"]


def test_nest_and_lookup() -> None:
    nested = nest({"a.b": 1, "a.c": 2, "d": 3})
    assert nested == {"a": {"b": 1, "c": 2}, "d": 3}
    assert lookup(nested, "a.c") == 2


def test_summarise_nests_metrics_and_durability() -> None:
    metrics = [{"durability.survival_months": t, "durability.collapsed": e,
                "participants.placements": p}
               for t, e, p in [(30, 1, 10), (60, 0, 12), (60, 0, math.nan)]]
    s = summarise(metrics, horizon=60)
    assert s["participants"]["placements"]["n"] == 2
    assert s["durability"]["p_alive_60"]["mean"] == pytest.approx(2 / 3)
    assert s["durability"]["p_alive_120"]["mean"] is None
    assert s["durability"]["median_survival_months"]["reached"] is False
    assert s["durability"]["km_curve"]["month"][-1] == 60
    assert s["run"]["replications"] == 3


def test_curve_that_reached_zero_stays_zero_beyond_last_observation() -> None:
    """When every replication collapsed, survival later on is known: zero."""
    km = kaplan_meier([40, 42, 43], [1, 1, 1], horizon=120)
    assert km.at(120)["mean"] == 0.0 and km.at(120)["estimable"]
    assert km.at(41)["mean"] > 0
