"""Kaplan-Meier: the estimates recorded from the hand-written implementation before it was
replaced (``tests/data/km_reference.json``, commit 376b12e: ``instap.summary.kaplan_meier``
and ``instap.compare.km_matrix``/``km_statistics``/``_km_bootstrap``) are reproduced, and
the vectorised curves agree with ``scipy.stats.ecdf``.

Survival, medians, S(60), S(120) and the bootstrap differences are reproduced exactly.
The band now comes from scipy's log-log interval, ``exp(-exp(log(-log S) +- z se))``
instead of ``S ** exp(+-z se)``: the same formula, rounded differently; the largest
difference over the recorded cases is 3.3e-16 (the test allows 1e-9).
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

from instap.stats import BOOTSTRAP_SALT, durability_difference
from instap.survival import durability_statistics, kaplan_meier, survival_curves

REFERENCE = json.loads((Path(__file__).parent / "data" / "km_reference.json")
                       .read_text(encoding="utf-8"))
KM_CASES = REFERENCE["kaplan_meier"]
BOOT_CASES = REFERENCE["bootstrap"]
BAND_TOL = 1e-9


def _arrays(case: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(case["times"], float), np.asarray(case["events"], float) > 0.5


def _nan(values: list[float | None]) -> np.ndarray:
    return np.array([math.nan if v is None else v for v in values], dtype=float)


def _same_entry(new: dict[str, Any], old: dict[str, Any]) -> None:
    """A median() or at() entry: the estimate exactly, the interval to BAND_TOL."""
    assert new.keys() == old.keys()
    for key, value in old.items():
        if key in ("low", "high") and value is not None and new[key] is not None:
            assert new[key] == pytest.approx(value, abs=BAND_TOL)
        else:
            assert new[key] == value, key


@pytest.mark.parametrize("name", list(KM_CASES))
def test_kaplan_meier_reproduces_the_recorded_estimate(name: str) -> None:
    case = KM_CASES[name]
    km = kaplan_meier(case["times"], case["events"], case["horizon"])
    assert km.month.tolist() == case["month"]
    np.testing.assert_array_equal(km.survival, case["survival"])
    np.testing.assert_allclose(km.low, case["low"], rtol=0, atol=BAND_TOL)
    np.testing.assert_allclose(km.high, case["high"], rtol=0, atol=BAND_TOL)
    assert (km.n, km.horizon) == (case["n"], case["last"])
    _same_entry(km.median(), case["median"])
    _same_entry(km.at(60), case["at60"])
    _same_entry(km.at(120), case["at120"])


@pytest.mark.parametrize("name", list(KM_CASES))
def test_vectorised_statistics_reproduce_the_recorded_ones(name: str) -> None:
    case = KM_CASES[name]
    times, events = _arrays(case)
    curves = survival_curves(times, events, case["horizon"])
    old = _nan(case["km_matrix"])  # NaN where the old matrix marked S(t) unknown
    known = np.isfinite(old)
    np.testing.assert_array_equal(curves[0][known], old[known])
    got = durability_statistics(curves, times, case["horizon"])
    for key, value in case["km_statistics"].items():
        np.testing.assert_array_equal(got[key], [math.nan if value is None else value])


def _scipy_sf(times: np.ndarray, events: np.ndarray, months: int) -> np.ndarray:
    data = stats.CensoredData(uncensored=times[events], right=times[~events])
    return stats.ecdf(data).sf.evaluate(np.arange(months + 1))


def test_vectorised_curves_agree_with_scipy_ecdf() -> None:
    worst = 0.0
    for case in KM_CASES.values():
        times, events = _arrays(case)
        ours = survival_curves(times, events, case["horizon"])[0]
        worst = max(worst, np.max(np.abs(ours - _scipy_sf(times, events, case["horizon"]))))
    rng = np.random.default_rng(7)
    samples = rng.integers(0, 61, (300, 20)).astype(float)
    observed = rng.random((300, 20)) < 0.6
    samples[~observed & (rng.random((300, 20)) < 0.5)] = 60.0  # some censored at the horizon
    curves = survival_curves(samples, observed, 60)
    for row, (t, e) in enumerate(zip(samples, observed, strict=True)):
        worst = max(worst, np.max(np.abs(curves[row] - _scipy_sf(t, e, 60))))
    assert worst <= 1e-12


@pytest.mark.parametrize("name", list(BOOT_CASES))
def test_bootstrap_reproduces_the_recorded_differences(name: str) -> None:
    case = BOOT_CASES[name]
    a, b = case["a"], case["b"]
    rng = np.random.default_rng([case["seed"], BOOTSTRAP_SALT])
    got = durability_difference((*_arrays(a), a["horizon"]), (*_arrays(b), b["horizon"]),
                                case["paired"], rng)
    assert got == case["result"]


def test_bootstrap_salt_is_unchanged() -> None:
    assert BOOTSTRAP_SALT == 20261125  # comparison.csv depends on it


def test_bootstrap_of_a_pair_of_20_replications_is_fast() -> None:
    """2,000 resamples in one vectorised pass (about 0.05 s; scipy per resample: ~1 s)."""
    case = BOOT_CASES["paired_baseline_multi"]
    a, b = case["a"], case["b"]
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        durability_difference((*_arrays(a), 120), (*_arrays(b), 120), True,
                              np.random.default_rng(0))
        best = min(best, time.perf_counter() - start)
    assert best < 0.5
