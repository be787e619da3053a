"""A scenario's timeline in the model: each entry acts from its month on, and not before;
parameters that change mid-run reach every component; the workshop page's clicks are a
timeline that replays the session."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from instap.execution import run_replications
from instap.live.livemodel import LiveModel
from sim import InstapModel
from sim.parameters import PARAMETERS, Params
from sim.timeline import INTERVENTIONS, MID_RUN, Entry, TimelineError, problems

SIZE = {"n_participants": 500, "months": 60}
MONTH = 14  # entries act from here on


def _series(timeline: list[dict[str, Any]], seed: int = 4, **params: Any
            ) -> dict[str, np.ndarray]:
    return InstapModel(rng=seed, timeline=timeline, **{**SIZE, **params}).run().timeseries()


def _first_difference(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> int | None:
    """The first month in which any column differs (NaN equals NaN), or None."""
    months = [int(np.flatnonzero(~((a[k] == b[k]) | (np.isnan(a[k]) & np.isnan(b[k]))))[0])
              for k in a if not np.array_equal(a[k], b[k], equal_nan=True)]
    return min(months) if months else None


def _changed_value(name: str) -> Any:
    """A value well away from the default, within the range."""
    p = PARAMETERS[name]
    if p.kind is bool:
        return not p.default
    if p.kind is str:
        return next(c for c in p.choices or () if c != p.default)
    assert p.low is not None and p.high is not None
    target = p.low if p.default - p.low > p.high - p.default else min(p.high, p.default * 4)
    return p.kind(target)


BASE = _series([])
# where a setting matters only in some runs: a run in which it does
CONTEXT: dict[str, dict[str, Any]] = {
    "evidence_threshold": {"renewal_rule": "evidence"},
    "extension_months": {"initial_political_support": 0.4, "champion_in_office": False},
    "private_cofunding_share": {"financing": "hybrid"},
}
# values where the default one would not show (more debt help than there are people
# waiting for it changes nothing)
VALUES: dict[str, Any] = {"debt_help_capacity_per_1000": 0.0,
                          "multi_year_commitment_years": 3}
# read when a funding period starts or ends: a period under way keeps what it promised
PERIOD_SETTINGS = ("pilot_length_months", "renewal_rule", "multi_year_commitment_years",
                   "extension_months", "renewal_gap_months")


@pytest.mark.parametrize("name", MID_RUN)
def test_a_parameter_set_mid_run_acts_from_its_month_and_not_before(name: str) -> None:
    """Every parameter that may change mid-run changes the run from the entry's month on
    (funding period lengths and rules from the next decision they take part in); the
    months before are exactly those of the run without the entry."""
    value = VALUES.get(name, _changed_value(name))
    extra = CONTEXT.get(name, {})
    base = _series([], **extra) if extra else BASE
    changed = _series([{"month": MONTH, "set": {name: value}}], **extra)
    first = _first_difference(base, changed)
    assert first is not None and first >= MONTH, (name, value, first)
    if name in PERIOD_SETTINGS:
        return
    # the others act at once: partners, capacity, money or people differ within months
    assert first <= MONTH + 2, (name, value, first)


def test_only_parameters_the_model_reads_mid_run_may_change() -> None:
    """The structure and the start cannot change mid-run (the model would ignore it)."""
    for name in ("n_participants", "n_foundations", "months", "initial_trust", "financing",
                 "partnership_agreement", "restart_month"):
        assert name not in MID_RUN
        with pytest.raises(TimelineError, match="allowed"):
            Entry.from_mapping({"month": 3, "set": {name: PARAMETERS[name].default}})


def test_every_component_reads_the_new_parameters() -> None:
    """After a change no object of the model keeps the old parameters."""
    model = InstapModel(rng=1, timeline=[{"month": 2, "set": {"admin_burden": 0.9}}], **SIZE)
    model.run(3)
    seen: set[int] = set()
    stale: list[str] = []

    def walk(obj: Any, path: str, depth: int) -> None:
        if id(obj) in seen or depth > 4:
            return
        seen.add(id(obj))
        if isinstance(obj, Params):
            if obj is not model.p:
                stale.append(path)
            return
        if isinstance(obj, list | tuple):
            for i, item in enumerate(obj[:60]):
                walk(item, f"{path}[{i}]", depth + 1)
        elif hasattr(obj, "__dict__") and type(obj).__module__.startswith("sim"):
            for key, value in vars(obj).items():
                if key != "model":
                    walk(value, f"{path}.{key}", depth + 1)

    walk(model, "model", 0)
    assert model.p.admin_burden == 0.9
    assert stale == []


def test_a_temporary_setting_returns_to_the_value_before() -> None:
    model = InstapModel(rng=2, timeline=[
        {"month": 10, "until": 20, "set": {"role_clarity": 0.9, "admin_burden": 0.1}}], **SIZE)
    model.run(10)
    assert (model.p.role_clarity, model.p.admin_burden) == (0.9, 0.1)
    assert model.governance.clarity == 0.9
    model.run(10)
    assert (model.p.role_clarity, model.p.admin_burden) == (0.4, 0.5)
    assert model.governance.clarity == 0.4


def test_a_budget_cut_lowers_coaching_money_and_subsidies_and_trust() -> None:
    """A cut of 30% at month 14: the coaching budget level is 70% from then on, the wage
    subsidy per worker 70% of its rate, and partners trust the municipality less than
    without the cut (they hear a broken promise)."""
    cut = InstapModel(rng=4, timeline=[{"month": MONTH, "budget": "-30%"}], **SIZE)
    cut.run(MONTH - 2)
    full_subsidy = cut.finance.wage_subsidy_per_worker(True, cut.firms)
    cut.run(1)  # month MONTH - 1, after which the entry acts (the start of month MONTH)
    assert cut.finance.wage_subsidy_per_worker(True, cut.firms) == pytest.approx(
        0.7 * full_subsidy)
    cut.run()
    ts = cut.timeseries()
    funded = ts["funded"] > 0
    assert np.all(ts["budget_level"][:MONTH][funded[:MONTH]] == 1.0)
    assert np.allclose(ts["budget_level"][MONTH:][funded[MONTH:]], 0.7)
    assert ts["trust_foundation_to_municipality"][MONTH] < BASE[
        "trust_foundation_to_municipality"][MONTH]
    assert _first_difference(BASE, ts) == MONTH


def test_a_temporary_budget_raise_ends() -> None:
    ts = _series([{"month": 10, "until": 22, "budget": 0.5}])
    funded = ts["funded"] > 0
    assert np.allclose(ts["budget_level"][10:22][funded[10:22]], 1.5)
    assert np.all(ts["budget_level"][22:30][funded[22:30]] == 1.0)


def test_partners_leave_on_their_date_and_stay_out() -> None:
    ts = _series([{"month": MONTH, "partner_leaves": {"kind": "housing_corporation",
                                                       "count": 2}}])
    before = BASE["coalition_housing_corporation"][MONTH - 1]
    assert ts["coalition_housing_corporation"][MONTH - 1] == before == 3
    assert ts["coalition_housing_corporation"][MONTH] == 1
    assert ts["coalition_housing_corporation"][MONTH:].max() <= 1


def test_partners_join_on_their_date() -> None:
    timeline = [{"month": MONTH, "partner_joins": {"kind": "regular_employer", "count": 3}}]
    model = InstapModel(rng=4, timeline=timeline, **SIZE)
    model.run(MONTH - 1)  # the entry acts after the last month before its own
    before = model.timeseries()["coalition_regular_employer"][MONTH - 1]
    after = sum(1 for f in model.firms if f.kind == "regular_employer" and f.in_coalition)
    assert after - before == 3


@pytest.mark.parametrize("kind", INTERVENTIONS)
def test_every_intervention_can_be_scheduled(kind: str) -> None:
    """Each of the workshop page's interventions acts from its month (a restart after an
    end brings the money back)."""
    timeline = [{"month": MONTH, "intervention": kind}]
    if kind == "restart_funding":
        timeline = [{"month": 10, "intervention": "end_funding"}, *timeline]
    ts = _series(timeline)
    first = _first_difference(BASE, ts)
    assert first == (10 if kind == "restart_funding" else MONTH)
    if kind == "end_funding":
        assert ts["funded"][MONTH - 1] == 1 and ts["funded"][MONTH:].max() == 0
    if kind == "restart_funding":
        assert ts["funded"][MONTH - 1] == 0 and ts["funded"][MONTH] == 1


def test_every_entry_is_marked() -> None:
    model = InstapModel(rng=4, timeline=[{"month": 5, "budget": -0.2},
                                         {"month": 9, "intervention": "recession"},
                                         {"month": 12, "partner_leaves": "bank"}], **SIZE)
    model.run()
    texts = [text for _, text in model.interventions]
    assert texts[:3] == ["budget cut by 20%", "recession", "a bank leaves"]
    assert [e.month for e in model.applied] == [5, 9, 12]


def test_entries_outside_the_run_are_refused() -> None:
    p = Params(months=60)
    entries = [Entry(month=0, action="budget", share=-0.1, index=0),
               Entry(month=61, action="intervention", kind="election", index=1),
               Entry(month=5, until=5, action="budget", share=0.1, index=2),
               Entry(month=5, action="partner_leaves", kind="bank", count=3, index=3)]
    found = problems(entries, p)
    assert [(e.index, e.path) for e in found] == [
        (0, ("month",)), (1, ("month",)), (2, ("until",)), (3, ("partner_leaves", "count"))]
    with pytest.raises(TimelineError, match="from 1 to 60"):
        InstapModel(rng=0, months=60, timeline=[{"month": 61, "intervention": "election"}])


def test_workshop_clicks_replay_as_a_timeline() -> None:
    """The page's buttons are timeline entries: a scenario with the session's clicks
    reproduces the session's run exactly."""
    live = LiveModel(rng=7, **SIZE)
    for month, kind in ((12, "recession"), (20, "agreement"), (30, "end_funding")):
        live.run(month - live.steps)
        assert live.intervene(kind)
    live.run()
    clicks = live.clicks()
    assert clicks == [{"month": 13, "intervention": "recession"},
                      {"month": 21, "intervention": "agreement"},
                      {"month": 31, "intervention": "end_funding"}]
    replay = InstapModel(rng=7, timeline=clicks, **SIZE).run()
    assert _first_difference(live.timeseries(), replay.timeseries()) is None


def test_same_results_with_any_number_of_processes() -> None:
    params = {**SIZE, "timeline": [{"month": 8, "budget": -0.4},
                                   {"month": 20, "partner_joins": "bank"}]}
    one = run_replications(params, [1, 2, 3], jobs=1, progress=False)
    two = run_replications(params, [1, 2, 3], jobs=2, progress=False)
    for a, b in zip(one, two, strict=True):
        assert a.metrics == pytest.approx(b.metrics, nan_ok=True)
        assert _first_difference(a.timeseries, b.timeseries) is None
