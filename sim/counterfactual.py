"""The counterfactual: the same population without the programme (issue: value that counts).

Every outcome of the programme is measured against what the same people would have done
without it. The twin is a copy of the participant pool at month 0 (before the programme
opens its doors), stepped in lockstep with the programme run: the same people flow in
(their rows are copied as they arrive), the same economy (the programme run's job and
job-loss factors of the month), and the same random numbers for the same people (common
random numbers: copies of the participants' move and debt streams, which draw a fixed
number of uniforms per row and month). Without the programme nobody is reached, coached or
placed in an entry job; people find regular work on their own, lose it, leave assistance,
and get the municipality's debt help only when they ask for it themselves
(``debt_self_referral_rate``). What differs between the runs is the programme's effect,
with no seed noise between the two sides.

The twin has no organisations, trust or money of its own: it costs a participant month,
not a model month (``benchmarks``: ``counterfactual_overhead``).
"""

from __future__ import annotations

import copy

import numpy as np

from sim.agents.participant import ParticipantPool
from sim.agents.participant_moves import MonthFlows, ParticipantMonth
from sim.parameters import Params
from sim.policies.debt import DebtHelp


class Counterfactual:
    """The participant pool without the programme, one month at a time."""

    def __init__(self, p: Params, pool: ParticipantPool, rng_moves: np.random.Generator,
                 rng_debt: np.random.Generator) -> None:
        self.pool = pool.copy()
        self.moves = ParticipantMonth(p, copy.deepcopy(rng_moves))
        self.debt_help = DebtHelp(p, copy.deepcopy(rng_debt))
        self.no_places = np.zeros(1, dtype=np.int64)  # no coaching slots, no entry jobs

    def month(self, t: int, job_factor: float, job_loss_factor: float) -> MonthFlows:
        """One month of the people without the programme (after the programme run's)."""
        flows = self.moves.run(self.pool, t, coaching_slots=self.no_places,
                               entry_places=self.no_places,
                               job_factor=job_factor, job_loss_factor=job_loss_factor,
                               sib_active=False)
        self.debt_help.month(self.pool)
        return flows

    def arrive(self, source: ParticipantPool, rows: np.ndarray) -> None:
        """The people who just flowed into the programme run flow in here too."""
        self.pool.copy_rows_from(source, rows)
