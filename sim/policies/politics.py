"""Causal link 1, the council's side: political support for the programme.

The municipality does not draw its funding decision; it decides on its *support* ``s`` in
[0, 1] (:mod:`sim.policies.funding` turns it into renew, raise, extend, cut or end).
Support follows the level that Kingdon's three streams point to (multiple streams,
Kingdon 1984), closing a share ``support_adjust_rate`` of the gap each month::

    target = base_support
             + champion_support                 (a champion in office, KplusV step 1)
             + evidence_support_weight * v * (min(r, 2) - 1)   (problem stream: results)
             + partner_lobby_weight * min(k, 1.5) * trust      (partners with a stake push)
             - downturn_support_loss            (a downturn squeezes the budget)

where ``r`` is the programme's placement rate over the last 12 months against the evidence
target, ``v`` the share of results the council sees (1 with monitoring), ``k`` the number
of partners against the founding number and ``trust`` their mean trust in the
municipality. Elections (every ``election_interval_months``, scheduled by the model with
Mesa's event scheduler) are the policy window: support jumps by a uniform draw within
``election_support_shock``, a champion leaves office with ``champion_loss_probability``
and, without one, a new champion comes with ``champion_gain_probability``. Two draws per
election, from the policy stream, whatever the state.
"""

from __future__ import annotations

import numpy as np

from sim.parameters import Params


class PoliticalSupport:
    """The council's support for the programme and whether a champion is in office."""

    def __init__(self, p: Params, rng: np.random.Generator) -> None:
        self.p = p
        self.rng = rng
        self.support = p.initial_political_support
        self.champion = p.champion_in_office

    def target(self, evidence_ratio: float, visibility: float, partner_ratio: float,
               trust_in_funder: float, recession: bool) -> float:
        """The support level the streams point to this month (see the module text)."""
        p = self.p
        level = p.base_support + p.champion_support * self.champion
        level += p.evidence_support_weight * visibility * (min(evidence_ratio, 2.0) - 1.0)
        level += p.partner_lobby_weight * min(partner_ratio, 1.5) * trust_in_funder
        level -= p.downturn_support_loss * recession
        return float(min(max(level, 0.0), 1.0))

    def month(self, evidence_ratio: float, visibility: float, partner_ratio: float,
              trust_in_funder: float, recession: bool) -> None:
        """Move support a step towards this month's target."""
        goal = self.target(evidence_ratio, visibility, partner_ratio, trust_in_funder,
                           recession)
        self.support += self.p.support_adjust_rate * (goal - self.support)

    def election(self) -> tuple[str, ...]:
        """An election: support jumps, a champion may leave or arrive. Returns log texts."""
        p = self.p
        shock, draw = self.rng.random(2)
        self.support = float(min(max(
            self.support + p.election_support_shock * (2.0 * shock - 1.0), 0.0), 1.0))
        if self.champion and draw < p.champion_loss_probability:
            self.champion = False
            return ("the programme's champion left office",)
        if not self.champion and draw < p.champion_gain_probability:
            self.champion = True
            return ("a new champion took office",)
        return ()
