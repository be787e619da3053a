"""Durability emerges from the actors' decisions (issue 10): several named routes to
collapse, the health state behind "alive", and governance that can end a securely funded
coalition on its own.

Replications use common seeds (0..reps-1), so the arms of a comparison share their
elections, downturns and partners' draws; differences come from the mechanism.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest

from sim import InstapModel
from sim.durability import CAUSES, Durability, HealthInputs
from sim.parameters import Params

from .helpers import SMALL, run

SECURE = {**SMALL, "multi_year_commitment_years": 4}
REPS = 8


def causes(reps: int = REPS, **params: Any) -> Counter[str]:
    """How many replications collapse by each route ('none': they never collapse)."""
    out: Counter[str] = Counter()
    for seed in range(reps):
        m = run(seed, **params).end_metrics()
        hits = [c for c in (*CAUSES, "none") if m[f"durability.cause.{c}"] == 1.0]
        assert len(hits) == 1, f"seed {seed}: causes {hits}"
        out[hits[0]] += 1
    return out


@pytest.mark.parametrize(("params", "routes"), [
    ({**SMALL, "renewal_rule": "never", "pilot_length_months": 36}, {"money"}),
    ({**SECURE, "entry_jobs_per_1000": 5.0}, {"jobs"}),
    ({**SECURE, "wage_subsidy_share": 0.1, "impact_weight": 0.2}, {"jobs"}),
    # funding is secure, so a collapse is never by money: the partners' own decisions
    ({**SECURE, "role_clarity": 0.0, "conflict_rate": 0.5}, {"partners", "capacity", "jobs"}),
])
def test_each_route_to_collapse_is_named(params: dict[str, Any], routes: set[str]) -> None:
    """Money (the programme ends), jobs (too few entry jobs; employers walk away over
    cost), and under secure funding with no role clarity the partners' own decisions
    (trust, then the coaching and placements they carry): most runs collapse by the
    routes the setting stresses."""
    seen = causes(**params)
    hits = sum(seen[r] for r in routes)
    assert hits >= REPS * 3 // 4, f"expected mostly {sorted(routes)}: {dict(seen)}"


def test_capacity_route_when_foundations_close() -> None:
    """Capacity: foundations that close when their money runs out take the coaching with
    them. Without other income or reserves, a programme whose coaching budget stops
    while employers stay (hybrid co-funding of wages keeps them) collapses by capacity."""
    m = InstapModel(rng=0, **{**SMALL, "foundation_other_income_share": 0.0,
                              "foundation_reserve_months": 0.0})
    m.run(12)
    for f in m.foundations:
        if f.in_coalition:
            f.leave("test: money ran out", route="capacity")
            f.closed = True
    m.run(12)
    assert m.durability.cause == "capacity"


def test_shares_of_causes_sum_to_one_in_every_run() -> None:
    """Every replication has one cause (or none), so the shares in summary.json add up."""
    m = run(0, **SMALL).end_metrics()
    assert sum(m[f"durability.cause.{c}"] for c in (*CAUSES, "none")) == 1.0
    assert 0 <= m["durability.functioning_months"] <= 120


def _durability(**changes: Any) -> Durability:
    return Durability(Params().replace(n_participants=1000, **changes),
                      founding_partners=10, founding_slots=100)


def _inputs(**changes: Any) -> HealthInputs:
    base = {"money": True, "partners": 10, "coaching_slots": 100, "offering_employers": 5,
            "programme_placements": 5}
    return HealthInputs(**{**base, **changes})


def test_functioning_needs_all_four_conditions() -> None:
    """Each condition fails on its own threshold: half the founding partners, a quarter
    of the founding capacity, two offering employers and a placement rate."""
    d = _durability()
    assert d.update(1, _inputs())["healthy"]
    assert not d.update(2, _inputs(partners=4))["partners"]
    assert d.update(3, _inputs(partners=5))["partners"]
    assert not d.update(4, _inputs(coaching_slots=24))["capacity"]
    assert not d.update(5, _inputs(offering_employers=1))["jobs"]
    assert not d.update(6, _inputs(money=False))["money"]
    # 10 per 1,000 a year at 1,000 participants over 6 months = 5 placements in the window
    d = _durability(startup_months=6)
    for month in range(12):
        status = d.update(month, _inputs(programme_placements=0 if month >= 6 else 1))
    assert not status["jobs"]
    # months 1-6 (month 0 is the start; month 6 still has 5 placements in its window)
    assert d.functioning_months == 6



def test_placements_are_asked_for_only_after_the_start_up() -> None:
    """The programme starts empty: before ``startup_months`` no placement is needed, from
    then on the placement rate is."""
    d = _durability(startup_months=18)
    for month in range(18):
        assert d.update(month, _inputs(programme_placements=0))["jobs"]
    assert not d.update(18, _inputs(programme_placements=0))["jobs"]


def test_cause_is_the_condition_that_failed_first_in_the_spell() -> None:
    """Capacity fails first, money a month later: the collapse is by capacity; a spell
    that ends (the ecosystem functions again) forgets its failures."""
    d = _durability(collapse_grace_months=3)
    d.update(1, _inputs(money=False))  # a short spell, then healthy again
    d.update(2, _inputs())
    d.update(3, _inputs(coaching_slots=0))
    d.update(4, _inputs(coaching_slots=0, money=False))
    status = d.update(5, _inputs(coaching_slots=0, money=False))
    assert not status["alive"] and d.collapse_month == 5
    assert d.cause == "capacity"


def test_a_partners_collapse_is_told_by_why_the_partners_left() -> None:
    """When the partners condition fails first, the route is the one most leavers took."""
    d = _durability(collapse_grace_months=1)
    d.update(1, _inputs())
    d.update(2, _inputs(partners=2, exits={"jobs": 5, "partners": 3}))
    assert d.cause == "jobs"
    d = _durability(collapse_grace_months=1)
    d.update(1, _inputs(partners=2, exits={"jobs": 4, "partners": 4}))
    assert d.cause == "partners"  # a tie


def test_governance_can_end_a_securely_funded_coalition() -> None:
    """Leiden interviews, conclusions 1-3: unclear roles and weak governance hold the
    ecosystem back. With four-year commitments (funding secure), paired seeds: at role
    clarity 0.1 the coalition ends smaller and places fewer people than at 0.9; with no
    clarity and frequent conflicts most runs collapse through the partners leaving."""
    low = [run(s, **SECURE, role_clarity=0.1).end_metrics() for s in range(REPS)]
    high = [run(s, **SECURE, role_clarity=0.9).end_metrics() for s in range(REPS)]
    for key in ("coalition.final_size", "participants.programme_placements"):
        diff = np.array([a[key] - b[key] for a, b in zip(low, high, strict=True)])
        assert diff.mean() < 0 and (diff < 0).sum() >= REPS * 3 // 4, (key, diff)
    none = causes(**SECURE, role_clarity=0.0, conflict_rate=0.5)
    assert none["partners"] + none["jobs"] >= REPS * 3 // 4, dict(none)


def test_secure_well_run_coalition_grows_beyond_its_founding_size() -> None:
    """KplusV, Hogeschool Rotterdam: networks and a flywheel let a well-run ecosystem grow.
    With secure funding, monitoring and a partnership agreement, outsiders join: the
    coalition's peak exceeds its founding size in most runs."""
    grow = {**SECURE, "monitoring": True, "partnership_agreement": True}
    for seed in range(4):
        m = run(seed, **grow)
        ts = m.timeseries()
        size = np.sum([v for k, v in ts.items() if k.startswith("coalition_")], axis=0)
        assert size.max() > 1.1 * size[0], f"seed {seed}: peak {size.max()} vs {size[0]}"


def test_no_partner_joins_or_is_bound_beyond_the_pool() -> None:
    """Outsiders are a finite pool: members never exceed founders plus outsiders."""
    m = run(0, **SECURE, monitoring=True)
    assert int(m.members().sum()) <= len(m.orgs)
    outsiders = len(m.orgs) - 1 - m.founding_partners
    assert outsiders == sum(m.potential(k) for k in (6, 20, 5, 3, 1))
