"""The actors decide for their own reasons (issue 10): the council on its support, SIB
investors on their return, the bank on its losses, employers on what entry workers cost
them, foundations on more than one money source."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sim import InstapModel
from sim.parameters import Params
from sim.policies.funding import FundingPolicy
from sim.policies.politics import PoliticalSupport

from .helpers import SMALL, run


def funding(support: float, **changes: Any) -> FundingPolicy:
    p = Params().replace(**changes)
    politics = PoliticalSupport(p, np.random.default_rng(0))
    politics.support = support
    policy = FundingPolicy(p, politics)
    policy.start_period(0)
    return policy


@pytest.mark.parametrize(("support", "extended", "choice"), [
    (0.9, False, "raise"), (0.6, False, "renew"), (0.5, False, "renew"),
    (0.4, False, "extend"), (0.4, True, "cut"), (0.29, False, "end"), (0.0, True, "end"),
])
def test_the_council_decides_on_its_support(support: float, extended: bool, choice: str
                                             ) -> None:
    """Renew at a majority (raise above 0.8), extend once then cut in between, end below
    the end threshold: a decision, not a draw."""
    policy = funding(support)
    policy.extended = extended
    assert policy.decision(24) == choice


def test_a_cut_is_partial_and_grows_as_support_falls() -> None:
    """The cut is 0 at the renewal threshold and max_cut_share at the end threshold."""
    shares = [funding(s).cut_share() for s in (0.5, 0.45, 0.4, 0.35, 0.3)]
    assert shares == pytest.approx([0.0, 0.125, 0.25, 0.375, 0.5])
    policy = funding(0.4)
    policy.extended = True
    news = policy._decide(24, None)
    assert policy.level == pytest.approx(0.75)
    assert any("cut by 25%" in text for text in news.logs)


def test_evidence_renews_whatever_the_support_only_with_monitoring() -> None:
    """Evidence rule: results at the target renew even without a majority, but only when
    results are monitored; otherwise the council's support decides."""
    for monitoring, expected in ((True, "renew"), (False, "end")):
        policy = funding(0.1, renewal_rule="evidence", monitoring=monitoring,
                         evidence_threshold=10.0)
        policy.count_placements(100)  # far above 10 per 1,000 a year
        assert policy.decision(24) == expected


def test_support_follows_results_champion_partners_and_the_economy() -> None:
    """Each stream moves the level support settles at in the direction the studies say."""
    p = Params()
    s = PoliticalSupport(p, np.random.default_rng(0))
    base = s.target(1.0, 1.0, 1.0, 0.6, False)
    assert s.target(2.0, 1.0, 1.0, 0.6, False) > base > s.target(0.0, 1.0, 1.0, 0.6, False)
    assert s.target(1.0, 1.0, 1.0, 0.6, True) < base  # a downturn squeezes the budget
    assert s.target(1.0, 1.0, 0.5, 0.6, False) < base < s.target(1.0, 1.0, 1.0, 0.9, False)
    s.champion = False
    assert s.target(1.0, 1.0, 1.0, 0.6, False) == pytest.approx(base - p.champion_support)


def test_a_champion_keeps_the_programme_alive_longer() -> None:
    """KplusV step 1: with a champion in office at the start, paired seeds survive longer
    than without (more renewals, fewer cuts)."""
    with_c = [run(s, **SMALL).end_metrics()["durability.survival_months"] for s in range(6)]
    without = [run(s, **SMALL, champion_in_office=False).end_metrics()[
        "durability.survival_months"] for s in range(6)]
    assert np.mean(with_c) > np.mean(without)


def test_investors_who_lost_money_do_not_reinvest() -> None:
    """SIB investors sign the first term on the business case and renew on the outcomes
    realised: at the defaults they get back less than their capital, so they do not
    reinvest and the programme continues as a subsidy (if the council renews); with a
    very low required return they stay."""
    m = run(0, **SMALL, financing="sib", sib_term_months=36, months=48)
    assert m.finance.sib_capital > 0 and m.finance.sib_paid < m.finance.sib_capital
    assert not m.finance.investors_sign(36, 1.0)
    assert m.funding.instrument == "subsidy"
    assert any("investors do not reinvest" in text for _, text in m.events)
    m = run(0, **SMALL, financing="sib", sib_term_months=36, months=48,
            investor_min_return=-1.0)
    assert m.funding.instrument == "sib"


def test_investors_do_not_sign_a_business_case_that_loses() -> None:
    """Investors who expect to lose on the business case do not sign at all: the
    programme runs as a subsidy from month 0 and no SIB capital is raised."""
    m = run(0, **SMALL, financing="sib", months=24, sib_business_case_outcomes_per_1000=5.0)
    assert m.funding.instrument == "subsidy" and m.finance.sib_capital == 0
    assert any("investors do not sign" in text for _, text in m.events)
    m = run(0, **SMALL, financing="sib", months=24)
    assert m.funding.instrument == "sib" and m.finance.sib_capital > 0


def test_sib_pays_only_above_the_counterfactual_baseline() -> None:
    """Outcomes are starts of work still going at verification, above the same count
    without the programme: some, but fewer than the programme's placements; the
    municipality pays for exactly those (within the cap), at the evaluator's reports."""
    m = run(1, **SMALL, financing="sib", months=60)
    assert 0 < m.finance.sib_outcomes < m.end_metrics()["participants.programme_placements"]
    paid = m.timeseries()["outcome_payments"]
    assert m.finance.sib_paid <= m.finance.sib_outcomes * m.p.sib_outcome_payment
    first = int(np.argmax(m.finance.sib_months))
    months_paid = np.flatnonzero(paid > 0)
    assert len(months_paid) and all((t - first) % m.p.sib_payment_interval_months == 0
                                    for t in months_paid)


def test_the_bank_stops_lending_after_losses() -> None:
    """A bank that wrote off more than bank_loss_tolerance lends no more."""
    m = InstapModel(rng=0, **SMALL)
    bank = next(f for f in m.firms if f.kind == "bank")
    assert bank.will_lend()
    bank.written_off = m.p.bank_loss_tolerance + 1.0
    assert not bank.will_lend()
    enterprise = next(f for f in m.firms if f.kind == "social_enterprise")
    enterprise.cash_flow = [1.0, 1.0, 1.0]
    m.ledger.transfer(enterprise.account, "market", enterprise.cash + 100.0, "test")
    enterprise._finance_shortfall(bank)
    assert enterprise.failed and enterprise.loan == 0.0


def test_employers_weigh_what_their_entry_workers_cost_them() -> None:
    """An employer whose entry workers all carry debts finds them dearer than the average
    it expected, and a subsidy lowers the net cost one for one."""
    m = InstapModel(rng=0, **SMALL)
    firm = next(f for f in m.firms if f.kind == "regular_employer")
    expected = firm.net_cost_per_worker(0.0)
    firm.gross_costs = [(2 * (m.p.entry_wage - m.p.entry_productivity
                              + m.p.debt_employer_cost), 2)]
    assert firm.net_cost_per_worker(0.0) > expected
    assert firm.net_cost_per_worker(500.0) == pytest.approx(firm.net_cost_per_worker(0.0) - 500)


def test_foundations_live_through_a_gap_on_their_other_income() -> None:
    """With other income, member foundations keep part of their staff through a funding
    gap and none closes; without it and without reserves they close."""
    def closed_after_gap(share: float, reserve: float) -> int:
        m = InstapModel(rng=0, **SMALL, foundation_other_income_share=share,
                        foundation_reserve_months=reserve, pilot_length_months=12,
                        renewal_gap_months=6, months=17)
        m.run()
        return sum(f.closed for f in m.foundations[:m.p.n_foundations])
    assert closed_after_gap(0.3, 0.0) == 0
    assert closed_after_gap(0.0, 0.0) > 0


def test_outsiders_are_not_members_at_the_start() -> None:
    """The organisations that may join later start outside: the founding coalition has the
    sizes of the scenario."""
    m = InstapModel(rng=0, **SMALL)
    assert m.founding_partners == 6 + 20 + 5 + 3 + 1
    assert sum(o.in_coalition for o in m.orgs) == 1 + m.founding_partners
    assert len(m.orgs) > 1 + m.founding_partners
