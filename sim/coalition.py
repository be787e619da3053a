"""Coalition dynamics: trust events each month, partners leaving and rejoining.

Brings together causal link 5 (asymmetric trust, exit) with its drivers: funding cuts
(link 1, via :class:`sim.policies.funding.FundingPolicy`), conflicts from unclear roles
(link 4), red tape (link 11) and visible small wins (link 9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.parameters import PARAMETERS
from sim.policies.monitoring import win_visibility
from sim.policies.trust import TrustNetwork

if TYPE_CHECKING:
    from sim.model import InstapModel

CONFLICT_GROUP_WEIGHT = 0.5  # a conflict dents trust in the other side's whole kind
WINS_PER_KEPT_PROMISE = 2.0  # visible placements a partner needs to see per kept promise
# participants per which wins are counted: the default population
REFERENCE_POPULATION: int = PARAMETERS["n_participants"].default


class Coalition:
    """Who is in the coalition and how much they trust each other."""

    def __init__(self, model: InstapModel) -> None:
        self.model = model
        self.p = model.p
        self.trust = TrustNetwork(model.p, len(model.orgs))
        self.funder = 0  # the municipality's org index

    def members(self) -> np.ndarray:
        """Boolean mask over organisations currently in the coalition."""
        return np.array([o.in_coalition for o in self.model.orgs], dtype=bool)

    def partners(self) -> np.ndarray:
        """Indices of member organisations other than the municipality."""
        mask = self.members()
        mask[self.funder] = False
        return np.flatnonzero(mask)

    def trust_in_funder(self) -> float:
        """Mean trust of current partners in the municipality."""
        idx = self.partners()
        if len(idx) == 0:
            return 0.0
        return float(self.trust.T[idx, self.funder].mean())

    def funder_broke_promise(self, weight: float) -> None:
        """Link 1 -> 5: a funding cut or gap is a broken promise to every partner."""
        self.trust.broken(self.partners(), self.funder, weight)

    def funder_kept_promise(self, weight: float, former_too: bool = False) -> None:
        """An on-time renewal (or a restart, seen by former partners too) is a kept promise."""
        if former_too:
            idx = np.flatnonzero(np.arange(len(self.model.orgs)) != self.funder)
        else:
            idx = self.partners()
        self.trust.kept(idx, self.funder, weight)

    def month(self, wins_by_org: np.ndarray) -> None:
        """Apply this month's trust events, then exits and rejoins."""
        m, p, rng, tn = self.model, self.p, self.model.rng_partners, self.trust
        n = len(m.orgs)
        members = self.members()
        partners = self.partners()
        u = rng.random((3, n))
        # Link 11: red tape (late payments, paperwork) from the municipality.
        red_tape = partners[u[0, partners] < m.admin.red_tape_probability()]
        tn.broken(red_tape, self.funder)
        # Link 4: conflicts from unclear roles, with a random other member.
        member_idx = np.flatnonzero(members)
        if len(member_idx) > 1:
            fighting = member_idx[u[1, member_idx] < m.governance.conflict_probability()]
            # the other side is one of the *other* members, uniformly
            draw = rng.integers(0, len(member_idx) - 1, len(fighting))
            position = np.searchsorted(member_idx, fighting)
            others = member_idx[draw + (draw >= position)]
            for i, j in zip(fighting, others, strict=True):
                # i generalises to j's whole kind ("employers dump the paperwork on us");
                # j blames i.
                same_kind = member_idx[m.org_kind[member_idx] == m.org_kind[j]]
                tn.broken(i, same_kind[same_kind != i], CONFLICT_GROUP_WEIGHT)
                tn.broken(j, i)
        # Link 9 -> 5: visible small wins build trust among members. Wins are counted per
        # REFERENCE_POPULATION participants: trust follows the programme's success rate,
        # not its absolute size (the same coalition in a city ten times larger does not
        # trust ten times faster).
        per_reference = REFERENCE_POPULATION / p.n_participants
        seen = wins_by_org * per_reference * win_visibility(p) / WINS_PER_KEPT_PROMISE
        if len(member_idx) > 1 and seen.any():
            rows = member_idx[seen[member_idx] > 0]
            for i in rows:
                tn.kept(i, member_idx[member_idx != i], min(seen[i], 3.0))
        # Link 5: exit below the threshold; former partners recover and may rejoin.
        level = tn.coalition_trust(members, self.funder)
        for i in partners:
            if level[i] < p.trust_exit_threshold and not self._bound_by_contract(i):
                m.orgs[i].leave("trust below threshold")
        former = ~self.members()
        former[self.funder] = False
        tn.recover(former)
        if m.funding.funded:
            back = np.flatnonzero(former & tn.can_rejoin(level) & (u[2] < p.rejoin_rate))
            for i in back:
                m.orgs[i].rejoin()

    def _bound_by_contract(self, i: int) -> bool:
        """A SIB investor stays for the bond's term."""
        m = self.model
        return m.finance.sib_active() and m.orgs[i].account == m.finance.investor_account()

    def mean_trust(self, a: np.ndarray, b: np.ndarray) -> float:
        """Mean trust between two groups of organisations (both directions)."""
        return self.trust.mean_between(a, b)
