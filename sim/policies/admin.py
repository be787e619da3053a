"""Causal link 11: administrative burden reduces employers' and foundations' willingness
and capacity, and red tape breaks promises (feeding link 5)."""

from __future__ import annotations

from sim.parameters import Params


class AdminBurden:
    """Effects of the ``admin_burden`` index (0 none, 1 maximal)."""

    def __init__(self, p: Params) -> None:
        self.p = p

    def vacancy_factor(self) -> float:
        """Share of entry-job places employers still offer under the burden."""
        return 1.0 - self.p.admin_vacancy_effect * self.p.admin_burden

    def capacity_factor(self) -> float:
        """Share of coaching capacity not spent on paperwork."""
        return 1.0 - self.p.admin_capacity_effect * self.p.admin_burden

    def red_tape_probability(self) -> float:
        """Chance per partner per month of a red-tape incident (a broken promise)."""
        return self.p.red_tape_rate * self.p.admin_burden
