"""Causal link 10: social versus economic goals, and downturns.

A downturn starts with ``recession_probability`` per month and lasts
``recession_months``; it cuts entry-job places and job-finding chances by
``recession_job_cut`` and raises job loss by the same share. Employers' weighing of cost
against impact is in :meth:`sim.agents.firm.Firm.offer_entry_jobs`.
"""

from __future__ import annotations

import numpy as np

from sim.parameters import Params


class Economy:
    """The business cycle as a two-state process driven by the model's generator."""

    def __init__(self, p: Params, rng: np.random.Generator) -> None:
        self.p = p
        self.rng = rng
        self.recession_left = 0

    @property
    def in_recession(self) -> bool:
        """Whether a downturn is under way this month."""
        return self.recession_left > 0

    def start_recession(self) -> None:
        """Start a downturn now (also used by the workshop's intervention button)."""
        self.recession_left = self.p.recession_months

    def update(self) -> bool:
        """Advance one month; returns True when a downturn starts."""
        draw = self.rng.random()  # drawn every month so the stream does not depend on state
        if self.recession_left > 0:
            self.recession_left -= 1
            return False
        if draw < self.p.recession_probability:
            self.start_recession()
            return True
        return False

    def job_factor(self) -> float:
        """Multiplier on job-finding chances."""
        return 1.0 - self.p.recession_job_cut * self.in_recession

    def job_loss_factor(self) -> float:
        """Multiplier on job-loss hazards."""
        return 1.0 + self.p.recession_job_cut * self.in_recession
