"""Coalition dynamics: trust events each month, partners leaving and rejoining.

Brings together causal link 5 (asymmetric trust, exit) with its drivers: the funder's
promises kept or broken (link 1, announced by :class:`sim.policies.funding.FundingPolicy`
and heard here), conflicts from unclear roles (link 4), red tape (link 11) and visible
small wins (link 9, :meth:`Coalition.wins`).

Membership is the organisations' own ``in_coalition`` flag; the model passes the current
mask in, and applies the exits and rejoins that :meth:`Coalition.month` returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agents.participant import ParticipantPool
from sim.parameters import PARAMETERS, Params
from sim.policies.monitoring import win_visibility
from sim.policies.trust import Promise, TrustNetwork

CONFLICT_GROUP_WEIGHT = 0.5  # a conflict dents trust in the other side's whole kind
WINS_PER_KEPT_PROMISE = 2.0  # visible placements a partner needs to see per kept promise
# participants per which wins are counted: the default population
REFERENCE_POPULATION: int = PARAMETERS["n_participants"].default


@dataclass(frozen=True)
class MembershipChange:
    """Organisations (by index) that leave the coalition this month, and that rejoin."""

    leaving: np.ndarray
    rejoining: np.ndarray


class Coalition:
    """How much the organisations trust each other, and the month's trust events."""

    def __init__(self, p: Params, org_kind: np.ndarray, rng: np.random.Generator) -> None:
        self.p = p
        self.org_kind = org_kind  # kind of each organisation, by index
        self.rng = rng  # the partners' stream
        self.trust = TrustNetwork(p, len(org_kind))
        self.funder = 0  # the municipality's org index

    def partners(self, members: np.ndarray) -> np.ndarray:
        """Indices of member organisations other than the municipality."""
        mask = members.copy()
        mask[self.funder] = False
        return np.flatnonzero(mask)

    def trust_in_funder(self, members: np.ndarray) -> float:
        """Mean trust of current partners in the municipality."""
        idx = self.partners(members)
        if len(idx) == 0:
            return 0.0
        return float(self.trust.T[idx, self.funder].mean())

    def hear(self, promise: Promise, members: np.ndarray) -> None:
        """Link 1 -> 5: the partners (and, for a restart, former partners too) see the
        funder keep or break a promise."""
        if promise.former_too:
            idx = np.flatnonzero(np.arange(len(self.org_kind)) != self.funder)
        else:
            idx = self.partners(members)
        if promise.kept:
            self.trust.kept(idx, self.funder, promise.weight)
        else:
            self.trust.broken(idx, self.funder, promise.weight)

    def wins(self, pool: ParticipantPool, month: int, members: np.ndarray) -> np.ndarray:
        """Visible small wins per organisation: this month's programme placements it took
        part in (link 9). The employer and the municipality see each placement; the
        foundations (the coaches made it happen) twice a member's share, housing
        corporations and banks a member's share."""
        n, kind = pool.n, self.org_kind
        new = (pool.spell_start[:n] == month) & pool.programme_spell[:n]
        wins = np.zeros(len(kind))
        wins += np.bincount(pool.employer[:n][new & (pool.employer[:n] >= 0)],
                            minlength=len(kind))
        total = float(new.sum())
        share = total / max(int(members.sum()), 1)
        wins[kind == "foundation"] += share * 2
        wins[self.funder] += total
        wins[(kind == "housing_corporation") | (kind == "bank")] += share
        return wins * members

    def month(self, month: int, pool: ParticipantPool, members: np.ndarray, *,
              red_tape_probability: float, conflict_probability: float, funded: bool,
              bound: int | None) -> MembershipChange:
        """Apply this month's trust events; return who leaves and who rejoins.

        ``members`` is the coalition at the start of the events; ``bound`` is a partner
        bound by contract (a SIB investor for the bond's term), who does not leave;
        former partners rejoin only a ``funded`` programme.
        """
        p, rng, tn, kind = self.p, self.rng, self.trust, self.org_kind
        n = len(kind)
        partners = self.partners(members)
        wins = self.wins(pool, month, members)
        u = rng.random((3, n))
        # Link 11: red tape (late payments, paperwork) from the municipality.
        red_tape = partners[u[0, partners] < red_tape_probability]
        tn.broken(red_tape, self.funder)
        # Link 4: conflicts from unclear roles, with a random other member.
        member_idx = np.flatnonzero(members)
        if len(member_idx) > 1:
            fighting = member_idx[u[1, member_idx] < conflict_probability]
            # the other side is one of the *other* members, uniformly
            draw = rng.integers(0, len(member_idx) - 1, len(fighting))
            position = np.searchsorted(member_idx, fighting)
            others = member_idx[draw + (draw >= position)]
            for i, j in zip(fighting, others, strict=True):
                # i generalises to j's whole kind ("employers dump the paperwork on us");
                # j blames i.
                same_kind = member_idx[kind[member_idx] == kind[j]]
                tn.broken(i, same_kind[same_kind != i], CONFLICT_GROUP_WEIGHT)
                tn.broken(j, i)
        # Link 9 -> 5: visible small wins build trust among members. Wins are counted per
        # REFERENCE_POPULATION participants: trust follows the programme's success rate,
        # not its absolute size (the same coalition in a city ten times larger does not
        # trust ten times faster).
        per_reference = REFERENCE_POPULATION / p.n_participants
        seen = wins * per_reference * win_visibility(p) / WINS_PER_KEPT_PROMISE
        if len(member_idx) > 1 and seen.any():
            rows = member_idx[seen[member_idx] > 0]
            for i in rows:
                tn.kept(i, member_idx[member_idx != i], min(seen[i], 3.0))
        # Link 5: exit below the threshold; former partners recover and may rejoin.
        level = tn.coalition_trust(members, self.funder)
        exits = level[partners] < p.trust_exit_threshold
        if bound is not None:
            exits &= partners != bound
        leaving = partners[exits]
        former = ~members
        former[leaving] = True
        former[self.funder] = False
        tn.recover(former)
        rejoining = np.flatnonzero(former & tn.can_rejoin(level) & (u[2] < p.rejoin_rate)
                                   ) if funded else np.zeros(0, dtype=np.int64)
        return MembershipChange(leaving, rejoining)

    def mean_trust(self, a: np.ndarray, b: np.ndarray) -> float:
        """Mean trust between two groups of organisations (both directions)."""
        return self.trust.mean_between(a, b)

    def mean_trust_from(self, a: np.ndarray, b: np.ndarray) -> float:
        """Mean trust of group ``a``'s organisations in group ``b``'s (one direction)."""
        return self.trust.mean_from(a, b)
