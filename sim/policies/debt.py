"""Causal link 3: problematic debt and debt help.

Debt multiplies job-start chances by ``debt_job_start_factor`` and job-loss hazards by
``debt_job_loss_factor``, and costs an entry employer ``debt_employer_cost`` a month.
Debt help is the municipality's service, with or without the programme. Indebted people
the programme does not reach find their way to it on their own at
``debt_self_referral_rate`` a month (the status quo, in which only about one in seven
households with problematic debt is in view of debt help, CBS); people the programme
reaches (engaged, in a track or in an entry job) are referred at ``debt_detection_rate``
a month. Referred people wait for one of a limited number of places
(``debt_help_capacity_per_1000``, rounded to whole places). Debt help lasts on average
``debt_help_months`` (geometric) and resolves the debt with chance ``debt_help_success``.
Under ``debt_help_first``, coached people are screened (``debt_screening_factor`` times
the detection rate), get priority on the waiting list, and are not placed in an entry job
while in debt help.
"""

from __future__ import annotations

import numpy as np

from sim.agents.participant import ParticipantPool
from sim.parameters import Params
from sim.pathway import State

ENGAGED, IN_TRACK, ENTRY_JOB, EXITED = (int(s) for s in (
    State.ENGAGED, State.IN_TRACK, State.ENTRY_JOB, State.EXITED))


class DebtHelp:
    """Referral to, admission to and the end of debt help (draws from the debt stream: a
    fixed four uniforms per row and month, so that the counterfactual population, which
    is handed the same numbers, uses them for the same people)."""

    def __init__(self, p: Params, rng: np.random.Generator | None) -> None:
        self.p = p
        self.rng = rng
        self.draws = np.zeros((4, 0))  # this month's uniforms (for the twin)

    def places(self) -> int:
        """Number of debt-help places for the target group."""
        return int(np.floor(self.p.debt_help_capacity_per_1000 * self.p.n_participants / 1000.0
                            + 0.5))

    def month(self, pool: ParticipantPool, draws: np.ndarray | None = None) -> None:
        """Finish, refer and admit for one month; ``draws``: the month's uniforms of the
        programme run, for the counterfactual (common random numbers; by default drawn
        from the stream and kept in ``draws``)."""
        p = self.p
        n = pool.n
        state = pool.state[:n]
        debt = pool.debt[:n]
        in_help = pool.in_debt_help[:n]
        waiting = pool.debt_waiting[:n]
        if draws is None:
            if self.rng is None:
                raise RuntimeError("no stream to draw debt help from")
            draws = self.draws = self.rng.random((4, n))
        if draws.shape != (4, n):
            raise ValueError(f"debt-help draws of shape {draws.shape} for {n} people")
        u = draws  # finish, resolve, refer, place in the queue
        # finish: geometric duration with the given mean
        finishing = in_help & (u[0] < 1.0 / p.debt_help_months)
        resolved = finishing & (u[1] < p.debt_help_success)
        in_help &= ~finishing
        debt &= ~resolved
        # refer: through the programme's contact (engaged, in a track or an entry job), or
        # on their own
        in_contact = (state >= ENGAGED) & (state <= ENTRY_JOB)
        rate = np.where(in_contact, p.debt_detection_rate, p.debt_self_referral_rate)
        if p.debt_help_first:
            rate[state == IN_TRACK] *= p.debt_screening_factor
        indebted = debt & (state != EXITED)  # people still here with debts
        referred = indebted & ~(in_help | waiting) & (u[2] < rate)
        waiting |= referred
        waiting &= indebted
        # admit from the waiting list into free places
        free = self.places() - int(in_help.sum())
        if free > 0 and waiting.any():
            queue = np.flatnonzero(waiting)
            queue = queue[np.argsort(u[3][queue], kind="stable")]  # random order
            if p.debt_help_first:
                queue = queue[np.argsort(state[queue] != IN_TRACK, kind="stable")]
            chosen = queue[:free]
            in_help[chosen] = True
            waiting[chosen] = False
            pool.ever_debt_help[chosen] = True
