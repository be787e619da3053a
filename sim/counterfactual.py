"""The counterfactual: the same population without the programme (issue: value that counts).

Every outcome of the programme is measured against what the same people would have done
without it. The twin is a copy of the participant pool at month 0 (before the programme
opens its doors), stepped in lockstep with the programme run: the same people flow in
(their rows are copied as they arrive), the same economy (the programme run's job and
job-loss factors of the month), and the same random numbers for the same people (common
random numbers: the programme run's uniforms of the month for moves and for debt help,
a fixed number per row, handed over rather than drawn a second time). Without the
programme nobody is reached, coached or placed in an entry job; people find regular work
on their own, lose it, leave assistance, and get the municipality's debt help only when
they ask for it themselves (``debt_self_referral_rate``). What differs between the runs
is the programme's effect, with no seed noise between the two sides.

The twin has no organisations, trust or money of its own, and nobody in it is engaged,
in a track or in an entry job, so its month is the lean
:meth:`~sim.agents.participant_moves.ParticipantMonth.run_without_programme`: it costs a
fraction of a participant month (``benchmarks``: ``counterfactual_overhead``).
"""

from __future__ import annotations

import numpy as np

from sim.agents.participant import ParticipantPool
from sim.agents.participant_moves import MonthFlows, ParticipantMonth
from sim.parameters import Params
from sim.policies.debt import DebtHelp


class Counterfactual:
    """The participant pool without the programme, one month at a time."""

    def __init__(self, p: Params, pool: ParticipantPool) -> None:
        self.pool = pool.copy()
        self.moves = ParticipantMonth(p, None)  # draws: the programme run's
        self.debt_help = DebtHelp(p, None)

    def month(self, t: int, job_factor: float, job_loss_factor: float, move_draws: np.ndarray,
              debt_draws: np.ndarray) -> MonthFlows:
        """One month of the people without the programme (after the programme run's),
        with the programme run's uniforms of the month for moves and for debt help."""
        flows = self.moves.run_without_programme(
            self.pool, t, job_factor=job_factor, job_loss_factor=job_loss_factor,
            draws=move_draws)
        self.debt_help.month(self.pool, debt_draws)
        return flows

    def arrive(self, source: ParticipantPool, rows: np.ndarray) -> None:
        """The people who just flowed into the programme run flow in here too."""
        self.pool.copy_rows_from(source, rows)
