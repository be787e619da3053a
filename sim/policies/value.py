"""Causal link 12: multiple value, measured against the counterfactual; who pays, who gains.

Every euro of value is the programme run minus the same population without the programme
(:mod:`sim.counterfactual`), month by month, for seven stakeholders:

- ``municipality``: pays the programme (coaching subsidy, wage subsidies, debt help,
  monitoring, outcome payments: ledger), net of the debt help it would pay anyway (the
  counterfactual's places at ``debt_help_cost``); gains the execution cost of everyone
  no longer on assistance (``execution_cost_month``, a valuation; Berenschot 2018);
- ``benefits_budget`` (the national budget behind social assistance): gains the benefit
  (``benefit_month``) of everyone no longer on assistance;
- ``participants``: gain a net wage (``net_wage_share`` of ``entry_wage``) and the
  health and wellbeing value of work (``social_value_month``) for every extra person in
  work, and lose the benefit of everyone no longer on assistance (valuations);
- ``employers`` (regular employers, social enterprises, housing corporations as
  employers), ``banks``, ``investors`` (outside Social Impact Bond investors) and
  ``foundations``: what they pay and receive in the ledger (:data:`LEDGER_RULES`); none
  of it would exist without the programme.

Financing flows that only move money between a partner's own pockets (start-up capital,
own funds that cover a firm's entry-job cost, the budget the taxpayers give the
municipality) are not costs or benefits; the bank's loans are (lent: cost; repaid and
interest: benefit), so its net is its interest less what it wrote off.

A horizon of H years counts months 1 to 12 H, discounted at ``discount_rate`` to month
0. Beyond the run's last month the valuation streams (people in work and off assistance)
are projected: the difference from the counterfactual shrinks each month by the settled
job-loss hazard and by the counterfactual's own monthly rate of starting work over the
run's last year (the people it did not help catch up). Ledger streams end with the run: the
programme is what ran.

The social return over H years is the present value of what the programme's outcomes are
worth (benefits and execution cost saved, net wages and wellbeing gained, less the benefits
participants no longer receive) over that of all programme resources (coaching, wage
subsidies, debt help, monitoring, co-funding, SIB capital), both over H years. The gross
return values every month in work after a programme placement (no counterfactual) and is
reported next to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.parameters import Params

if TYPE_CHECKING:
    from sim.accounting import Ledger

STAKEHOLDERS = ("municipality", "benefits_budget", "participants", "employers", "banks",
                "investors", "foundations")
HORIZONS = (3, 10, 20)
EMPLOYER_KINDS = ("regular_employer", "social_enterprise", "housing_corporation")
# purposes a ledger stakeholder pays as a cost, and receives as a benefit
LEDGER_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "municipality": (("coaching_subsidy", "wage_subsidy", "debt_help", "monitoring",
                      "outcome_payment"), ()),
    "employers": (("wages", "debt_cost", "interest", "cofunding"),
                  ("revenue", "wage_subsidy")),
    "banks": (("cofunding", "sib_capital", "loan"),
              ("interest", "loan_repayment", "outcome_payment")),
    "investors": (("sib_capital",), ("outcome_payment",)),
    "foundations": (("coaching_staff",), ("coaching_subsidy", "cofunding", "sib_capital",
                                          "other_income")),
}
VALUED = ("municipality", "benefits_budget", "participants")  # projected past the run


def stakeholder_of(account: str, kind_of: dict[str, str]) -> str | None:
    """The stakeholder a ledger account belongs to (``kind_of``: org account -> kind)."""
    if account in ("municipality", "investors"):
        return account
    kind = kind_of.get(account)
    if kind == "foundation":
        return "foundations"
    if kind == "bank":
        return "banks"
    if kind in EMPLOYER_KINDS:
        return "employers"
    return None


def ledger_month(ledger: Ledger, kind_of: dict[str, str]) -> dict[str, list[float]]:
    """This month's ledger costs and benefits per ledger stakeholder: ``[cost, benefit]``."""
    return LedgerStakeholders(kind_of).month(ledger)


class LedgerStakeholders:
    """:func:`ledger_month` for one run: whose cost or benefit each (account, purpose) of
    the ledger is, looked up once (the same few dozen recur every month)."""

    def __init__(self, kind_of: dict[str, str]) -> None:
        self.kind_of = kind_of
        # per column (0 paid, 1 received): (account, purpose) -> stakeholder or None
        self.holders: tuple[dict[tuple[str, str], str | None], ...] = ({}, {})

    def _holder(self, column: int, account: str, purpose: str) -> str | None:
        holder = stakeholder_of(account, self.kind_of)
        if holder is not None and purpose in LEDGER_RULES[holder][column]:
            return holder
        return None

    def month(self, ledger: Ledger) -> dict[str, list[float]]:
        """This month's costs and benefits per ledger stakeholder: ``[cost, benefit]``
        (summed in the ledger's order)."""
        out = {name: [0.0, 0.0] for name in LEDGER_RULES}
        for column, flows in ((0, ledger.month_paid), (1, ledger.month_received)):
            known = self.holders[column]
            for key, amount in flows.items():
                if key not in known:
                    known[key] = self._holder(column, *key)
                holder = known[key]
                if holder is not None:
                    out[holder][column] += amount
        return out


def valuation_month(p: Params, more_in_work: float, fewer_on_assistance: float,
                    cf_debt_help: float) -> dict[str, list[float]]:
    """This month's valued costs and benefits against the counterfactual:
    ``more_in_work`` and ``fewer_on_assistance`` people than without the programme, and
    ``cf_debt_help`` debt-help places the municipality would have paid anyway."""
    def split(x: float) -> list[float]:
        return [max(-x, 0.0), max(x, 0.0)]

    work = more_in_work * (p.net_wage_share * p.entry_wage + p.social_value_month)
    municipality = split(fewer_on_assistance * p.execution_cost_month)
    municipality[0] -= cf_debt_help * p.debt_help_cost  # cost it would have had anyway
    return {
        "municipality": municipality,
        "benefits_budget": split(fewer_on_assistance * p.benefit_month),
        "participants": [max(fewer_on_assistance * p.benefit_month, 0.0) + max(-work, 0.0),
                         max(work, 0.0) + max(-fewer_on_assistance * p.benefit_month, 0.0)],
    }


def monthly_discount(p: Params) -> float:
    """What a euro a month later is worth now, at ``discount_rate`` a year."""
    return float((1.0 + p.discount_rate) ** (-1.0 / 12.0))


def discount_factors(p: Params, months: int) -> np.ndarray:
    """Discount factor of months 0 .. ``months`` - 1 to month 0."""
    return monthly_discount(p) ** np.arange(months)


def horizon_value(p: Params, monthly: np.ndarray, years: int, decay: float | None = None
                  ) -> float:
    """Present value of a monthly series (month 0 first; month 0 itself has no flows)
    over the first ``years`` years; past the run, the last month's value shrinks by
    ``decay`` a month (None: nothing past the run)."""
    horizon = 12 * years
    run = monthly[1: horizon + 1]
    d = discount_factors(p, horizon + 1)
    value = float(np.sum(run * d[1: len(run) + 1]))
    left = horizon - len(run)
    if left > 0 and decay is not None and len(run):
        months = np.arange(1, left + 1)
        value += float(np.sum(run[-1] * decay ** months * d[len(run) + months]))
    return value


def gross_monthly_value(p: Params) -> float:
    """Value of one month in work after a programme placement, without a counterfactual:
    benefit and execution cost saved, net wage above the benefit, wellbeing."""
    personal = max(p.net_wage_share * p.entry_wage - p.benefit_month, 0.0)
    return p.benefit_month + p.execution_cost_month + p.social_value_month + personal


def spell_value(p: Params, starts: np.ndarray, lengths: np.ndarray,
                ongoing: np.ndarray, years: int) -> float:
    """Gross present value (at month 0) of the months in work of programme spells within
    the first ``years`` years; spells still going at the end are projected with the
    settled job-loss hazard."""
    horizon = 12 * years
    inside = starts < horizon
    starts, lengths, ongoing = starts[inside], lengths[inside], ongoing[inside]
    if len(starts) == 0:
        return 0.0
    d = monthly_discount(p)
    months = np.minimum(lengths, horizon - starts)
    observed = (1.0 - d ** months) / (1.0 - d) if d < 1 else months.astype(float)
    survive = d * (1.0 - p.job_loss_rate_settled)
    left = np.where(ongoing, np.maximum(horizon - starts - lengths, 0), 0)
    settled = p.job_loss_rate_settled
    projected = (d ** months * (1.0 - survive ** left) / (1.0 - survive) * (1.0 - settled)
                 if survive < 1 else left.astype(float))
    return float(gross_monthly_value(p) * np.sum(d ** starts * (observed + projected)))
