"""Causal link 4: role clarity and governance.

Unclear roles cost coordination overhead (a share of coaching capacity, linear in
``1 - clarity``) and cause conflicts between partners at a rate linear in
``1 - clarity``; each conflict is a broken promise for both sides (link 5). A partnership
agreement raises clarity by ``agreement_clarity_gain`` from ``agreement_month`` on.
Linear forms: the studies give direction, not shape, so the simplest monotone form.
"""

from __future__ import annotations

from sim.parameters import Params


class Governance:
    """Current role clarity and what it costs."""

    def __init__(self, p: Params) -> None:
        self.p = p
        self.clarity = p.role_clarity
        self.agreement_signed = False

    def sign_agreement(self) -> None:
        """Partners sign a partnership agreement that fixes roles."""
        if not self.agreement_signed:
            self.agreement_signed = True
            self.clarity = min(1.0, self.clarity + self.p.agreement_clarity_gain)

    def set_role_clarity(self, value: float) -> None:
        """Role clarity changes during the run (a scenario's timeline); a signed agreement
        keeps its gain on top."""
        gain = self.p.agreement_clarity_gain if self.agreement_signed else 0.0
        self.clarity = min(1.0, value + gain)

    def overhead_share(self) -> float:
        """Share of coaching capacity lost to coordination."""
        return self.p.coordination_overhead * (1.0 - self.clarity)

    def conflict_probability(self) -> float:
        """Chance per partner per month of a conflict with another partner."""
        return self.p.conflict_rate * (1.0 - self.clarity)
