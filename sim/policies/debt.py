"""Causal link 3: problematic debt and debt help.

Debt multiplies job-start chances by ``debt_job_start_factor`` and job-loss hazards by
``debt_job_loss_factor``, and costs an entry employer ``debt_employer_cost`` a month.
Debt help needs contact: only people the programme reaches (engaged, in a track or in an
entry job) are referred, at ``debt_detection_rate`` per month, to a waiting list for a
limited number of places. Debt help lasts on average ``debt_help_months`` (geometric)
and resolves the debt with chance ``debt_help_success``. Under ``debt_help_first``,
coached people are screened (three times the detection rate), get priority on the
waiting list, and are not placed in an entry job while in debt help.
"""

from __future__ import annotations

import numpy as np

from sim.agents.participant import ParticipantPool
from sim.parameters import Params
from sim.pathway import State


class DebtHelp:
    """Referral to, admission to and the end of debt help (draws from the participants'
    stream)."""

    def __init__(self, p: Params, rng: np.random.Generator) -> None:
        self.p = p
        self.rng = rng

    def places(self) -> int:
        """Number of debt-help places for the target group."""
        return int(self.p.debt_help_capacity_per_1000 * self.p.n_participants / 1000.0)

    def month(self, pool: ParticipantPool) -> None:
        """Finish, refer and admit for one month."""
        p, rng = self.p, self.rng
        n = pool.n
        state = pool.state[:n]
        debt = pool.debt[:n]
        in_help = pool.in_debt_help[:n]
        waiting = pool.debt_waiting[:n]
        u = rng.random((3, n))
        # finish: geometric duration with the given mean
        finishing = in_help & (u[0] < 1.0 / p.debt_help_months)
        resolved = finishing & (u[1] < p.debt_help_success)
        in_help[finishing] = False
        debt[resolved] = False
        # refer people in contact
        in_contact = (state == State.ENGAGED) | (state == State.IN_TRACK) | (
            state == State.ENTRY_JOB)
        rate = np.full(n, p.debt_detection_rate)
        if p.debt_help_first:
            rate[state == State.IN_TRACK] *= p.debt_screening_factor
        referred = debt & in_contact & ~in_help & ~waiting & (u[2] < rate)
        waiting |= referred
        waiting &= debt & (state != State.EXITED)
        # admit from the waiting list into free places
        free = self.places() - int(in_help.sum())
        if free > 0 and waiting.any():
            queue = np.flatnonzero(waiting)
            order = rng.permutation(len(queue))
            queue = queue[order]
            if p.debt_help_first:
                queue = queue[np.argsort(state[queue] != State.IN_TRACK, kind="stable")]
            chosen = queue[:free]
            in_help[chosen] = True
            waiting[chosen] = False
            pool.ever_debt_help[chosen] = True
