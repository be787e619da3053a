"""Value that counts: the honest start, the counterfactual with common random numbers, the
stakeholder table and the social return computed from it (docs/value.md)."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest

from sim import InstapModel
from sim.pathway import State
from sim.policies.value import HORIZONS, STAKEHOLDERS, discount_factors

SMALL = {"n_participants": 1000, "months": 72}


@functools.cache
def _run(seed: int, items: tuple[tuple[str, Any], ...]) -> InstapModel:
    return InstapModel(rng=seed, **dict(items)).run()


def run(seed: int = 0, **params: Any) -> InstapModel:
    """A finished model (cached per seed and parameters)."""
    return _run(seed, tuple(sorted({**SMALL, **params}.items())))


def test_nothing_is_in_the_programme_at_month_zero() -> None:
    """The programme opens its doors at month 0: nobody engaged, in a track or in an entry
    job, no programme spell, and month 0 has no placements."""
    model = InstapModel(rng=3, **SMALL)
    counts = model.pool.counts()
    assert counts[State.ENGAGED] == counts[State.IN_TRACK] == counts[State.ENTRY_JOB] == 0
    assert not model.pool.programme_spell[: model.pool.n].any()
    ts = model.timeseries()
    assert ts["programme_placements"][0] == 0 and ts["in_track"][0] == 0


def test_a_programme_that_does_nothing_has_no_effect_bit_for_bit() -> None:
    """Common random numbers: with no coaching and no entry jobs nobody is reached, so the
    programme run and its counterfactual draw the same numbers for the same people and
    must agree exactly, every month (any stray draw or misaligned row breaks this)."""
    model = run(seed=5, coaching_slots_per_1000=0.0, entry_jobs_per_1000=0.0)
    ts = model.timeseries()
    np.testing.assert_array_equal(ts["employed"], ts["cf_employed"])
    np.testing.assert_array_equal(ts["on_assistance"], ts["cf_on_assistance"])
    np.testing.assert_array_equal(ts["placements"], ts["cf_placements"])
    np.testing.assert_array_equal(ts["in_debt_help"], ts["cf_in_debt_help"])
    m = model.end_metrics()
    assert m["participants.work_months_net"] == 0
    assert m["value.benefits_budget.net_10y"] == 0
    assert m["value.participants.net_10y"] == 0


def test_the_lean_twin_month_moves_people_as_the_full_month() -> None:
    """The counterfactual's month (ParticipantMonth.run_without_programme) skips only the
    states nobody without the programme is in: on the same pool and draws it moves everyone
    exactly as the full month with no places does, over a whole run with inflow."""
    from sim.agents.participant_moves import ParticipantMonth
    model = InstapModel(rng=6, n_participants=600, months=60)
    full, lean = model.pool.copy(), model.pool.copy()
    full_month = ParticipantMonth(model.p, np.random.default_rng(6))
    lean_month = ParticipantMonth(model.p, None)
    none = np.zeros(1, dtype=np.int64)  # no coaching slots, no entry-job places
    for t in range(1, 61):
        factors = {"job_factor": 1.0 - 0.2 * (t % 7 == 0), "job_loss_factor": 1.0}
        a = full_month.run(full, t, coaching_slots=none, entry_places=none,
                           sib_active=False, **factors)
        b = lean_month.run_without_programme(lean, t, draws=full_month.draws, **factors)
        assert a == b
        for column in ("state", "months_out", "spell_start", "programme_spell", "debt"):
            np.testing.assert_array_equal(getattr(full, column), getattr(lean, column))
        rows = full.add(5, np.random.default_rng(t), 0.3, 0.0)
        lean.copy_rows_from(full, rows)
    np.testing.assert_array_equal(full_month.spells.ended, lean_month.spells.ended)
    np.testing.assert_array_equal(full_month.duration_exits, lean_month.duration_exits)
    np.testing.assert_array_equal(full_month.duration_at_risk, lean_month.duration_at_risk)


def test_the_counterfactual_has_the_same_people() -> None:
    """Everyone who flows into the programme run flows into the counterfactual too."""
    model = run(seed=1)
    twin = model.counterfactual
    assert twin is not None
    assert twin.pool.n == model.pool.n
    # whether someone ever had debt is fixed when they arrive: the same in both runs
    np.testing.assert_array_equal(twin.pool.ever_debt[: twin.pool.n],
                                  model.pool.ever_debt[: model.pool.n])
    inflow = model.timeseries()["inflow"][1:].sum()
    assert model.pool.n == SMALL["n_participants"] + inflow


def test_the_programme_puts_more_people_in_work_than_its_absence() -> None:
    """Net effect over 8 common-seed replications of the baseline at 1,000 participants:
    more person-months in work and fewer on assistance than without the programme, and
    fewer net placements than programme placements would suggest only if some would have
    happened anyway (the measured deadweight lies in [0, 1))."""
    work, deadweight = [], []
    for seed in range(8):
        m = run(seed=seed).end_metrics()
        work.append(m["participants.work_months_net"])
        deadweight.append(m["participants.deadweight_share"])
    assert np.mean(work) > 0
    assert all(0.0 <= d < 1.0 for d in deadweight), deadweight


def test_without_a_counterfactual_net_figures_are_unknown() -> None:
    """counterfactual: false saves the twin; net figures are then NaN, gross ones stay."""
    m = run(seed=2, counterfactual=False).end_metrics()
    assert np.isnan(m["participants.work_months_net"])
    assert np.isnan(m["finance.sroi_10y"])
    assert np.isfinite(m["finance.sroi_gross_10y"])
    assert np.isfinite(m["value.employers.net_10y"])


def test_the_twin_changes_no_programme_result() -> None:
    """Switching the counterfactual off leaves every programme-run column identical."""
    with_twin = run(seed=4).timeseries()
    without = run(seed=4, counterfactual=False).timeseries()
    for name in ("employed", "placements", "programme_placements", "coalition_foundation",
                 "municipal_spending", "alive"):
        np.testing.assert_array_equal(with_twin[name], without[name])


def test_ledger_stakeholders_are_traceable_to_the_ledger() -> None:
    """Every euro of the foundations' and employers' rows is a ledger flow: the
    foundations' benefits are what they were paid (programme and other income), their
    costs their staff; summed over the run and undiscounted they match the ledger's
    flows of those purposes."""
    model = InstapModel(rng=0, **SMALL)
    paid_in = staff = 0.0
    for _ in range(SMALL["months"]):
        model.step()
        flows = model.ledger.month_received
        accounts = {f.account for f in model.foundations}
        paid_in += sum(v for (acc, purpose), v in flows.items() if acc in accounts and purpose
                       in ("coaching_subsidy", "cofunding", "sib_capital", "other_income"))
        staff += sum(v for (acc, purpose), v in model.ledger.month_paid.items()
                     if acc in accounts and purpose == "coaching_staff")
    ts = model.timeseries()
    assert ts["benefit_foundations"].sum() == pytest.approx(paid_in)
    assert ts["cost_foundations"].sum() == pytest.approx(staff)


def test_value_table_is_discounted_sums_of_the_monthly_columns() -> None:
    """An analyst can reproduce the table by hand (docs/value.md): within the run, a
    stakeholder's cost over H years is the discounted sum of its monthly column."""
    model = run(seed=0)
    ts, m, p = model.timeseries(), model.end_metrics(), model.p
    d = discount_factors(p, 37)
    for name in STAKEHOLDERS:
        by_hand = float(np.sum(ts[f"cost_{name}"][1:37] * d[1:37]))
        assert m[f"value.{name}.cost_3y"] == pytest.approx(by_hand, rel=1e-12, abs=1e-6)
        assert m[f"value.{name}.net_3y"] == pytest.approx(
            m[f"value.{name}.benefit_3y"] - m[f"value.{name}.cost_3y"])
    assert set(HORIZONS) == {3, 10, 20}


def test_social_return_is_computed_from_the_stakeholder_table() -> None:
    """finance.sroi_<H>y = (benefits budget net + participants net + municipality's
    benefit) / programme investment over H years; the net return is below the gross one
    (some placements would have happened anyway)."""
    model = run(seed=0)
    ts, m, p = model.timeseries(), model.end_metrics(), model.p
    for years in (3, 10):
        h = f"{years}y"
        months = min(12 * years, SMALL["months"])
        d = discount_factors(p, months + 1)
        investment = float(np.sum(ts["programme_investment"][1: months + 1] * d[1:]))
        outcomes = (m[f"value.benefits_budget.net_{h}"] + m[f"value.participants.net_{h}"]
                    + m[f"value.municipality.benefit_{h}"])
        assert m[f"finance.sroi_{h}"] == pytest.approx(outcomes / investment)
    assert m["finance.sroi_10y"] < m["finance.sroi_gross_10y"]


def test_the_municipality_pays_and_others_gain() -> None:
    """The wrong pocket (Hogeschool Rotterdam): over 10 years of the baseline the
    municipality's net is negative while the national benefits budget and the
    participants gain (8 common-seed replications, means)."""
    rows = [run(seed=s).end_metrics() for s in range(8)]
    assert np.mean([r["value.municipality.net_10y"] for r in rows]) < 0
    assert np.mean([r["value.benefits_budget.net_10y"] for r in rows]) > 0
    assert np.mean([r["value.participants.net_10y"] for r in rows]) > 0
