"""Firms: regular employers, social enterprises, housing corporations and a bank."""

from __future__ import annotations

import numpy as np

from sim.agents.organisation import Organisation, OrganisationModel
from sim.rounding import largest_remainder

FIRM_KINDS = ("regular_employer", "social_enterprise", "housing_corporation", "bank")
# Relative number of entry-job places per firm of each kind (social enterprises exist to
# offer them; a bank offers none).
ENTRY_JOB_WEIGHT = {"regular_employer": 1.0, "social_enterprise": 3.0,
                    "housing_corporation": 1.5, "bank": 0.0}


def allocate_whole_places(firms: list[Firm]) -> tuple[np.ndarray, np.ndarray]:
    """Turn firms' fractional wishes into whole places by largest remainder, so the
    total offered scales with the population even when each firm wants less than one.
    Returns the wishes and the whole places, in the order of ``firms``."""
    desired = np.array([f.desired for f in firms], dtype=float)
    whole = largest_remainder(desired) if firms else np.zeros(0, dtype=np.int64)
    for firm, places in zip(firms, whole.tolist(), strict=True):
        firm.slots = places
    return desired, whole


class Firm(Organisation):
    """An employer or financier that joins or leaves the coalition and offers entry jobs."""

    def __init__(self, model: OrganisationModel, org_index: int, kind: str,
                 base_slots: float, founding: bool = True) -> None:
        if kind not in FIRM_KINDS:
            raise ValueError(f"unknown firm kind {kind!r}")
        super().__init__(model, org_index)
        self.kind = kind
        self.base_slots = base_slots
        self.in_coalition = founding  # an outsider may join later
        self.desired = base_slots if founding else 0.0  # places wished this month
        self.slots = int(self.desired)  # whole places offered this month
        # an outside social enterprise starts (with a reserve) when it joins
        self.failed = not founding and kind == "social_enterprise"
        self.loan = 0.0
        self.cash_flow: list[float] = []  # the last lending_window_months months
        self.written_off = 0.0  # a bank's loans to social enterprises that failed (EUR)
        # what entry workers cost the firm before subsidy (EUR), and worker-months, for
        # each of the last 12 months with entry workers
        self.gross_costs: list[tuple[float, int]] = []
        self._experience_of: list[tuple[float, int]] | None = None  # what experience() summed
        self._experience: tuple[float, int] = (0.0, 0)

    def offers_places(self) -> bool:
        """Whether the firm weighs offering entry jobs this month: a member that has not
        failed and has places to offer (:meth:`offer_entry_jobs` sets no places for the
        others)."""
        return self.in_coalition and not self.failed and self.base_slots > 0

    def will_lend(self) -> bool:
        """A bank lends while its written-off loans stay within ``bank_loss_tolerance``."""
        return self.kind == "bank" and self.written_off <= self.p.bank_loss_tolerance

    def experience(self) -> tuple[float, int]:
        """What entry workers cost the firm over its last 12 months with entry workers
        (EUR, before subsidy) and their worker-months: the sums of ``gross_costs``, kept
        until the list is replaced (every change replaces it)."""
        if self._experience_of is not self.gross_costs:
            self._experience = (sum(c for c, _ in self.gross_costs),
                                sum(w for _, w in self.gross_costs))
            self._experience_of = self.gross_costs
        return self._experience

    def net_cost_per_worker(self, subsidy: float, shared: float | None = None) -> float:
        """What an entry worker costs this firm a month, net of revenue and ``subsidy``:
        wage minus productivity plus debt costs, as realised over its last 12 months with
        entry workers, weighed against what the coalition's employers together have seen
        (``shared``: their realised cost per worker-month, or the expectation with the
        average debt cost before anyone has had an entry worker), which counts as
        ``employer_prior_worker_months`` of the firm's own experience. Employers in the
        coalition hear what entry workers cost the others; without that, a firm with one
        or two workers judged entry jobs on a single indebted worker, and places per
        1,000 participants fell with the population size."""
        p = self.p
        if shared is None:
            shared = (p.entry_wage - p.entry_productivity
                      + p.debt_prevalence * p.debt_employer_cost)
        prior = p.employer_prior_worker_months
        realised, workers = self.experience()
        if workers + prior <= 0:
            return shared - subsidy
        return (shared * prior + realised) / (prior + workers) - subsidy

    def offer_entry_jobs(self, draw: float, subsidy: float, admin_factor: float,
                         economy_factor: float, shared_cost: float | None = None) -> None:
        """Decide how many entry-job places to offer this month.

        Link 10: an employer weighs what an entry worker has cost it over the last year
        (wage minus subsidy minus productivity, plus the cost of debts:
        :meth:`net_cost_per_worker`, with this month's subsidy) against impact, and a
        downturn cuts places. Link 11: administrative burden withholds places. When the
        net cost is positive, the employer leaves with monthly chance ``1 - cost_factor``:
        at the defaults slowly while funded (the expected cost of debts just exceeds what
        the subsidy leaves; leavers are replaced by rejoiners), and within months once
        the wage subsidy stops, when the partnership dissolves.

        ``draw``: this firm's uniform draw of the month; ``subsidy``: wage subsidy per
        entry worker; ``admin_factor``: share of places offered under the burden;
        ``economy_factor``: share of places left in the economy (lower in a downturn);
        ``shared_cost``: what an entry worker has cost the coalition's employers per
        worker-month over the last 12 months (None: nobody has had one yet).
        """
        p = self.p
        self.desired = 0.0
        if not self.offers_places():
            return
        net_cost = self.net_cost_per_worker(subsidy, shared_cost)
        if self.kind == "social_enterprise":
            cost_factor = 1.0  # impact-first: limited by cash, not by willingness
        else:
            cost_factor = 1.0 - (1.0 - p.impact_weight) * max(net_cost, 0.0) / max(
                p.entry_wage, 1.0)
        if cost_factor < 1.0 and draw < 1.0 - cost_factor and self.kind != "bank":
            # Entry jobs no longer pay their way: the employer walks away.
            self.leave("entry jobs cost more than they bring", route="jobs")
            return
        self.desired = self.base_slots * max(cost_factor, 0.0) * admin_factor * economy_factor

    def settle_cash(self, workers: int, indebted: int, subsidy: float, lender: Firm | None
                    ) -> None:
        """Entry-job books (link 7): revenue, subsidy, wages, debt costs, loans.

        Other firms pay wages out of revenue too, and cover what entry jobs cost them from
        their own business (``own_funds``); that cost is what they weigh when they decide
        to stay (:meth:`offer_entry_jobs`). Only social enterprises can fail.
        ``subsidy``: wage subsidy per entry worker this month; ``lender``: a bank in the
        coalition, if any.
        """
        p = self.p
        ledger = self.model.ledger
        if not (workers or indebted) and self.loan <= 0 and (
                self.kind != "social_enterprise" or self.failed):
            # no entry workers, no loan: nothing to book but the month's flow of 0 and, if
            # the firm's cash is short (co-funding), its own funds (as below)
            self.cash_flow = [*self.cash_flow, 0.0][-p.lending_window_months:]
            cash = ledger.balance(self.account)
            if cash < 0:
                ledger.transfer("market", self.account, -cash, "own_funds")
            return
        if workers:
            gross = (workers * (p.entry_wage - p.entry_productivity)
                     + indebted * p.debt_employer_cost)
            self.gross_costs = [*self.gross_costs[-11:], (gross, workers)]
        account = lender.account if lender is not None else None
        if workers:
            ledger.transfer("market", self.account, workers * p.entry_productivity,
                            "revenue")
            ledger.transfer(self.account, "participants", workers * p.entry_wage, "wages")
        if indebted:
            ledger.transfer(self.account, "market", indebted * p.debt_employer_cost,
                            "debt_cost")
        if self.loan > 0:
            interest = self.loan * p.loan_rate / 12.0
            ledger.transfer(self.account, account or "market", interest, "interest")
        flow = 0.0
        if self.kind == "social_enterprise" and workers:
            flow = workers * (p.entry_productivity - p.entry_wage) - indebted * p.debt_employer_cost
            flow += workers * subsidy
        self.cash_flow = [*self.cash_flow, flow][-self.p.lending_window_months:]
        if self.kind != "social_enterprise" or self.failed:
            if self.cash < 0:  # the firm's own business pays (and it weighs this cost)
                ledger.transfer("market", self.account, -self.cash, "own_funds")
            return
        self._finance_shortfall(lender)

    def _finance_shortfall(self, lender: Firm | None) -> None:
        """Borrow on cash-flow grounds, repay when flush, or fail (link 7). A bank that
        has written off more than ``bank_loss_tolerance`` lends no more."""
        p, ledger = self.p, self.model.ledger
        reserve = p.se_reserve_months * self.base_slots * p.entry_wage
        if self.cash < 0:
            # Banks lend on cash flow, not on social return: only when the cash flow of
            # the last lending_window_months is not structurally negative.
            if lender is not None and lender.will_lend() and sum(self.cash_flow) >= 0:
                amount = -self.cash + 0.5 * reserve
                ledger.transfer(lender.account, self.account, amount, "loan")
                self.loan += amount
            else:
                self.failed = True
                if lender is not None:
                    lender.written_off += self.loan  # the bank bears the loss
                self.loan = 0.0  # written off: no more interest
                self.leave("social enterprise ran out of cash", route="jobs")
        elif self.loan > 0 and self.cash > reserve:
            repay = min(self.loan, self.cash - reserve)
            ledger.transfer(self.account, lender.account if lender is not None else "market",
                            repay, "loan_repayment")
            self.loan -= repay

    def rejoin(self) -> None:
        """Rejoin; a failed social enterprise restarts with a fresh reserve."""
        if self.failed:
            p = self.p
            reserve = p.se_reserve_months * self.base_slots * p.entry_wage
            self.model.ledger.transfer("market", self.account, max(reserve - self.cash, 0.0),
                                       "startup_capital")
            self.failed = False
            self.cash_flow = []
        super().rejoin()
