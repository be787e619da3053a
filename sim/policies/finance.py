"""Causal links 7 and 8: the financing instrument and the money flows it implies.

A foundation's full budget is its full coaching capacity at ``coaching_cost_per_slot``;
each member foundation raises ``foundation_other_income_share`` of it from other sources
(funds, charities, donations: account ``funds``) whatever the council decides, and the
programme pays the rest. The programme's coaching budget is the funding level
(:mod:`sim.policies.funding`: 1 at the start, raised or cut by the council) times that
rest for the founding foundations; it is shared among the member foundations in
proportion to their full capacity, so a foundation that leaves leaves its share to the
others, and one that joins takes part of it.

- ``subsidy``: the municipality pays the coaching budget while funded.
- ``hybrid``: housing corporations and banks in the coalition co-fund
  ``private_cofunding_share`` of the coaching budget and of entry-job wage subsidies;
  they keep paying their share when the municipality stops (less dependence on
  politics) for as long as they stay.
- ``sib``: an investor (the bank, or outside investors when there is none) pre-finances
  the coaching budget for the bond's term, as contracted (link 8; INDIGO impact bond
  data, Hogeschool Rotterdam): the outcome is a start of work that has lasted
  ``sib_verification_months``, and the target is *above the counterfactual baseline*: for
  each start month, the people of the programme run who started work that month and are
  still in work at verification, less the same count in the counterfactual (the same
  people without the programme, :mod:`sim.counterfactual`; without a counterfactual the
  contract falls back to paying ``1 - sib_baseline_share`` of the verified programme
  placements). The evaluator reports every ``sib_payment_interval_months``; the
  municipality then pays ``sib_outcome_payment`` per net verified outcome since the last
  report, with total payments capped at the capital plus ``sib_return_cap`` a year since
  the capital was first paid in. Intake depends on referrals.
  Investors sign a term only when they expect to get at least their capital back with
  ``investor_min_return`` a year (:meth:`Finance.investors_sign`): on the provider's
  business case (``sib_business_case_outcomes_per_1000``) for the first term, on the net
  outcomes realised per euro of capital for a next one. Otherwise the programme goes on as
  a subsidy (:mod:`sim.policies.funding`).

Otherwise the municipality pays entry-job wage subsidies while funded, and always
benefits to everyone on assistance, debt-help places and, if on, monitoring. Banks lend
to social enterprises on cash-flow grounds (:mod:`sim.agents.firm`).

:class:`Finance` holds only the bond's books; the model passes in what it needs each
month: whether the programme is funded, the budget level and the instrument (both from the
funding policy), the organisations, the ledger and the lender (the first bank in the
coalition, if any).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.accounting import Ledger
from sim.agents.firm import Firm
from sim.agents.foundation import Foundation
from sim.agents.municipality import MUNICIPALITY_ACCOUNT as MUN
from sim.agents.participant import ParticipantPool, on_assistance
from sim.parameters import Params
from sim.policies.monitoring import monitored
from sim.timeline import BudgetChanges

OUTSIDE_INVESTORS = "investors"
OTHER_FUNDS = "funds"  # charities and funds behind the foundations' other income


class Finance:
    """Pays the programme each month according to the instrument."""

    def __init__(self, p: Params, founding_slots: float,
                 budget: BudgetChanges | None = None) -> None:
        self.p = p
        # a scenario's timeline: budget cuts and raises (the funding policy's, shared)
        self.budget = budget if budget is not None else BudgetChanges()
        self.founding_slots = founding_slots  # full coaching capacity at the start
        self.instrument = p.financing  # the funding policy turns a declined SIB into subsidy
        self.sib_capital = 0.0
        self.sib_paid = 0.0
        self.sib_months = np.zeros(p.months + 2, dtype=bool)
        self.sib_outcomes = 0  # net verified outcomes so far
        self.sib_due = 0.0  # verified since the evaluator's last report (EUR)

    def investors_sign(self, month: int, level: float) -> bool:
        """Whether investors put capital into a (next) term: when the outcome payments they
        expect per euro of capital, within the return cap, give at least
        ``investor_min_return`` a year over the term. Expected net outcomes a month: the
        business case before any capital, then those realised per month of verification
        so far (past results)."""
        p = self.p
        capital = level * (1.0 - min(p.foundation_other_income_share, 1.0)) * (
            self.founding_slots * p.coaching_cost_per_slot)
        if capital <= 0:
            return False
        if self.sib_capital <= 0:
            outcomes = p.sib_business_case_outcomes_per_1000 * p.n_participants / 1000.0 / 12.0
        else:
            first = int(np.argmax(self.sib_months))
            verified_months = month - first - p.sib_verification_months
            if verified_months <= 0:
                return False  # nothing verified yet: no evidence to reinvest on
            outcomes = self.sib_outcomes / verified_months
        years = p.sib_term_months / 12.0
        multiple = min(outcomes * p.sib_outcome_payment / capital,
                       (1.0 + p.sib_return_cap) ** years)
        return multiple >= (1.0 + p.investor_min_return) ** years

    @staticmethod
    def investor_account(lender: str | None) -> str:
        """Who pre-finances a SIB: the lender (a bank in the coalition), or outside
        investors."""
        return lender or OUTSIDE_INVESTORS

    def sib_active(self, funded: bool) -> bool:
        """Whether a Social Impact Bond is paying for the programme this month."""
        return self.instrument == "sib" and funded

    def cofunders(self, firms: Sequence[Firm]) -> list[Firm]:
        """Housing corporations and banks in the coalition that co-fund (hybrid only)."""
        if self.instrument != "hybrid":
            return []
        return [f for f in firms if f.in_coalition and f.kind in ("housing_corporation", "bank")]

    def wage_subsidy_payers(self, funded: bool, firms: Sequence[Firm]
                            ) -> list[tuple[str, float]]:
        """Who pays which share of entry-job wage subsidies this month."""
        payers: list[tuple[str, float]] = []
        cofunders = self.cofunders(firms)
        share = self.p.private_cofunding_share if cofunders else 0.0
        if funded:
            payers.append((MUN, 1.0 - share))
        payers += [(c.account, share / len(cofunders)) for c in cofunders]
        return payers

    def wage_subsidy_per_worker(self, funded: bool, firms: Sequence[Firm]) -> float:
        """Wage subsidy an employer receives per entry worker this month."""
        paid = sum(share for _, share in self.wage_subsidy_payers(funded, firms))
        return paid * self.subsidy_share() * self.p.entry_wage

    def programme_budget(self, funded: bool, level: float, firms: Sequence[Firm],
                         entry_workers: int) -> float:
        """The programme's budget this month (EUR): coaching money at ``level`` (the
        council's level times the timeline's changes; nothing while unfunded) and the wage
        subsidy of ``entry_workers``, whoever pays them."""
        coaching = (level * (1.0 - min(self.p.foundation_other_income_share, 1.0))
                    * self.founding_slots * self.p.coaching_cost_per_slot) if funded else 0.0
        return coaching + entry_workers * self.wage_subsidy_per_worker(funded, firms)

    def subsidy_share(self) -> float:
        """Share of the entry wage paid as wage subsidy: ``wage_subsidy_share`` times the
        timeline's budget changes, at most the whole wage."""
        return min(self.p.wage_subsidy_share * self.budget.factor, 1.0)

    def pay_programme(self, ledger: Ledger, month: int, foundations: Sequence[Foundation],
                      firms: Sequence[Firm], funded: bool, level: float, lender: str | None
                      ) -> None:
        """Pay this month's coaching budget (``level`` times the founding budget) to the
        member foundations in proportion to their full capacity, and their other income
        (together their ``income``)."""
        p = self.p
        members = [f for f in foundations if f.in_coalition]
        for f in foundations:
            f.income = 0.0
        if not members:
            return
        other = min(p.foundation_other_income_share, 1.0)
        total = level * (1.0 - other) * self.founding_slots * p.coaching_cost_per_slot
        capacity = sum(f.full_slots for f in members)
        budget = {f: total * f.full_slots / capacity if capacity > 0 else 0.0
                  for f in members}
        for f in members:
            f.income += ledger.transfer(OTHER_FUNDS, f.account,
                                        other * f.full_slots * p.coaching_cost_per_slot,
                                        "other_income")
        sib = self.sib_active(funded)
        funders: list[tuple[str, float]] = []
        if sib:
            self.sib_months[month] = True
            funders.append((self.investor_account(lender), 1.0))
        elif self.instrument == "hybrid":
            funders = self.wage_subsidy_payers(funded, firms)  # the same split for coaching
        elif funded:
            funders.append((MUN, 1.0))
        for account, share in funders:
            purpose = "sib_capital" if sib else (
                "coaching_subsidy" if account == MUN else "cofunding")
            for f, amount in budget.items():
                f.income += ledger.transfer(account, f.account, share * amount, purpose)
        if sib:
            self.sib_capital += ledger.month_flows.get("sib_capital", 0.0)

    def pay_running_costs(self, ledger: Ledger, month: int, pool: ParticipantPool,
                          foundations: Sequence[Foundation], firms: Sequence[Firm],
                          funded: bool, lender: Firm | None,
                          counterfactual: ParticipantPool | None = None) -> None:
        """Benefits, wage subsidies, wages, debt help, monitoring and outcome payments."""
        p = self.p
        n = pool.n
        ledger.transfer(MUN, "participants", on_assistance(pool.counts()) * p.benefit_month,
                        "benefits")
        employer = pool.employer[:n]
        working = employer >= 0
        size = max((firm.org_index for firm in firms), default=-1) + 1
        workers_by_firm = np.bincount(employer[working], minlength=size)
        indebted_by_firm = np.bincount(employer[working & pool.debt[:n]], minlength=size)
        payers = self.wage_subsidy_payers(funded, firms)
        subsidy = self.wage_subsidy_per_worker(funded, firms)
        subsidy_share = self.subsidy_share()
        workers_of, indebted_of = workers_by_firm.tolist(), indebted_by_firm.tolist()
        for firm in firms:
            workers = workers_of[firm.org_index]
            if workers:
                for account, share in payers:
                    if account != firm.account:
                        ledger.transfer(account, firm.account,
                                        share * workers * subsidy_share * p.entry_wage,
                                        "wage_subsidy")
            firm.settle_cash(workers, indebted_of[firm.org_index], subsidy, lender)
        for f in foundations:
            f.pay_staff()
        in_help = int(pool.in_debt_help[:n].sum())
        ledger.transfer(MUN, "debt_help_service", in_help * p.debt_help_cost, "debt_help")
        if monitored(p) and funded:
            ledger.transfer(MUN, "evaluator", p.monitoring_cost, "monitoring")
        self._pay_outcomes(ledger, month, pool, counterfactual,
                           lender.account if lender is not None else None)

    def _pay_outcomes(self, ledger: Ledger, month: int, pool: ParticipantPool,
                      counterfactual: ParticipantPool | None, lender: str | None) -> None:
        """SIB: verify the outcomes of the start month ``sib_verification_months`` ago
        above the counterfactual baseline; pay what is due at the evaluator's report,
        within the return cap."""
        p = self.p
        start = month - p.sib_verification_months
        if start >= 0 and self.sib_months[start]:
            verified = _still_working(pool, start, programme_only=counterfactual is None)
            if counterfactual is not None:
                net = max(verified - _still_working(counterfactual, start), 0)
            else:
                net = int(np.floor(verified * (1.0 - p.sib_baseline_share) + 0.5))
            self.sib_outcomes += net
            self.sib_due += net * p.sib_outcome_payment
        if self.sib_capital <= 0 or self.sib_due <= 0:
            return
        first = int(np.argmax(self.sib_months))  # the month the investor first paid in
        if (month - first) % p.sib_payment_interval_months:
            return
        cap = self.sib_capital * (1.0 + p.sib_return_cap) ** ((month - first) / 12.0)
        due = max(0.0, min(self.sib_due, cap - self.sib_paid))
        self.sib_due = 0.0  # what the cap does not allow is not paid later either
        if due > 0:
            ledger.transfer(MUN, self.investor_account(lender), due, "outcome_payment")
            self.sib_paid += due


def _still_working(pool: ParticipantPool, start: int, programme_only: bool = False) -> int:
    """People who started work in month ``start`` and are still in it."""
    n = pool.n
    mask = pool.in_work() & (pool.spell_start[:n] == start)
    if programme_only:
        mask &= pool.programme_spell[:n]
    return int(mask.sum())
