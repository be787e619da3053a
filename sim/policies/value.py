"""Causal link 12: multiple value, and social return that grows with the horizon.

A month in work after a programme placement creates public value (benefit and execution
cost saved), personal value (net income above the benefit, at 80% of the gross wage) and
social value (health, wellbeing: ``social_value_month``); ``deadweight_share`` of it would
have happened anyway. SROI over H years is the present value of what programme spells
create within H years of their start, divided by the present value of all programme
resources (coaching, wage subsidies, debt help, monitoring). Spells still going at the
end are projected with the settled job-loss hazard. Discounting at ``discount_rate``.
"""

from __future__ import annotations

import numpy as np

from sim.parameters import Params


def monthly_value(p: Params) -> float:
    """Value of one month in work after a programme placement, net of deadweight."""
    personal = max(p.net_wage_share * p.entry_wage - p.benefit_month, 0.0)
    gross = p.benefit_month + p.execution_cost_month + p.social_value_month + personal
    return gross * (1.0 - p.deadweight_share)


def _discount(p: Params) -> float:
    return (1.0 + p.discount_rate) ** (-1.0 / 12.0)


def spell_value(p: Params, starts: np.ndarray, lengths: np.ndarray,
                ongoing: np.ndarray, years: int) -> float:
    """Present value (at month 0) of spells within ``years`` of their start."""
    if len(starts) == 0:
        return 0.0
    d = _discount(p)
    horizon = 12 * years
    months = np.minimum(lengths, horizon)
    observed = (1.0 - d ** months) / (1.0 - d) if d < 1 else months.astype(float)
    survive = d * (1.0 - p.job_loss_rate_settled)
    left = np.where(ongoing, np.maximum(horizon - lengths, 0), 0)
    settled = p.job_loss_rate_settled
    projected = (d ** months * (1.0 - survive ** left) / (1.0 - survive) * (1.0 - settled)
                 if survive < 1 else left.astype(float))
    return float(monthly_value(p) * np.sum(d ** starts * (observed + projected)))


def present_value(p: Params, monthly: np.ndarray) -> float:
    """Present value at month 0 of a monthly series starting at month 0."""
    d = _discount(p)
    return float(np.sum(monthly * d ** np.arange(len(monthly))))
