"""Coalition dynamics: trust events each month, partners leaving and rejoining.

Brings together causal link 5 (asymmetric trust, exit) with its drivers: the funder's
promises kept or broken (link 1, announced by :class:`sim.policies.funding.FundingPolicy`
and heard here), conflicts from unclear roles and dialogue under clear ones (link 4; the
collaborative-governance cycle of Ansell and Gash 2008), red tape (link 11) and visible
small wins (link 9, :meth:`Coalition.wins`).

Each kind stays on its own grounds: every partner on its trust in the coalition against
its own threshold; housing corporations and banks also on the impact they can show
(``showable_impact_weight``: results they see against the evidence target; without
monitoring they see little); employers also on cost (:mod:`sim.agents.firm`), foundations
also on money (:mod:`sim.agents.foundation`). Outsiders (the organisations that were not
founding members, ``potential_partner_share``) join a funded programme at ``join_rate``
scaled by the results they see and by the coalition's size against its founding size (the
flywheel); former partners rejoin at ``rejoin_rate`` once their trust has recovered.

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
        self.trust = TrustNetwork(p, len(org_kind), rng.random(len(org_kind)))
        self.funder = 0  # the municipality's org index
        self.ever_member = np.zeros(len(org_kind), dtype=bool)  # founding or joined since
        # partners that left on a scenario's timeline: they do not come back by themselves
        self.withdrawn = np.zeros(len(org_kind), dtype=bool)
        # kinds as small integers (conflicts compare kinds), and the kinds that count wins
        # as foundations, and as housing corporations and banks (they also weigh impact)
        self.kind_code = np.unique(org_kind, return_inverse=True)[1]
        self.kind_list: list[int] = self.kind_code.tolist()
        self.is_foundation = org_kind == "foundation"
        self.shows_impact = (org_kind == "housing_corporation") | (org_kind == "bank")
        self._partners_of: np.ndarray | None = None  # the read-only mask partners() used
        self._partners = np.zeros(0, dtype=np.int64)

    def partners(self, members: np.ndarray) -> np.ndarray:
        """Indices of member organisations other than the municipality (kept for a
        read-only mask, which cannot change: the model's membership mask)."""
        if members is self._partners_of:
            return self._partners
        mask = members.copy()
        mask[self.funder] = False
        partners = np.flatnonzero(mask)
        partners.flags.writeable = False
        if not members.flags.writeable:
            self._partners_of, self._partners = members, partners
        return partners

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
        wins[self.is_foundation] += share * 2
        wins[self.funder] += total
        wins[self.shows_impact] += share
        return wins * members

    def month(self, month: int, pool: ParticipantPool, members: np.ndarray, *,
              red_tape_probability: float, conflict_probability: float, clarity: float,
              funded: bool, bound: int | None, results_seen: float, partner_ratio: float
              ) -> MembershipChange:
        """Apply this month's trust events; return who leaves and who joins or rejoins.

        ``members`` is the coalition at the start of the events; ``bound`` is a partner
        bound by contract (a SIB investor for the bond's term), who does not leave;
        outsiders join and former partners rejoin only a ``funded`` programme.
        ``results_seen``: the programme's results against the evidence target times the
        share of them partners see; ``partner_ratio``: partners now against the founding
        number.
        """
        p, rng, tn, kind = self.p, self.rng, self.trust, self.org_kind
        n = len(kind)
        self.ever_member |= members
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
            # a share of role questions is between a partner and the municipality, the
            # programme's director (KplusV: from executor to director)
            with_funder = (rng.random(len(fighting)) < p.municipality_conflict_share) & (
                fighting != self.funder)
            others[with_funder] = self.funder
            member_kind = self.kind_code[member_idx]
            of_kind: dict[int, np.ndarray] = {}  # members of a kind, found once a month
            for i, j in zip(fighting.tolist(), others.tolist(), strict=True):
                # i generalises to j's whole kind ("employers dump the paperwork on us");
                # j blames i. (In this order, conflict by conflict: j may fight too.)
                kind_j = self.kind_list[j]
                same_kind = of_kind.get(kind_j)
                if same_kind is None:
                    same_kind = of_kind[kind_j] = member_idx[member_kind == kind_j]
                tn.broken_by_row(i, same_kind[same_kind != i], p.conflict_group_weight)
                tn.broken_once(j, i)
        # Link 4 -> 5: dialogue under clear roles builds trust among all members.
        tn.dialogue(members, clarity)
        # Link 9 -> 5: visible small wins build trust among members. Wins are counted per
        # REFERENCE_POPULATION participants: trust follows the programme's success rate,
        # not its absolute size (the same coalition in a city ten times larger does not
        # trust ten times faster).
        per_reference = REFERENCE_POPULATION / p.n_participants
        seen = wins * per_reference * win_visibility(p) / p.wins_per_kept_promise
        if len(member_idx) > 1 and seen.any():
            rows = member_idx[seen[member_idx] > 0]
            tn.kept_by_others(rows, member_idx, np.minimum(seen[rows], 3.0))
        # Link 5: exit below the partner's own threshold; housing corporations and banks
        # also weigh the impact they can show (link 9).
        level = self.stay_level(members, results_seen)
        exits = level[partners] < tn.exit_threshold[partners]
        if bound is not None:
            exits &= partners != bound
        leaving = partners[exits]
        former = ~members
        former[leaving] = True
        former[self.funder] = False
        tn.recover(former)
        if not funded:
            return MembershipChange(leaving, np.zeros(0, dtype=np.int64))
        willing = former & ~self.withdrawn & tn.can_rejoin(level)
        join_chance = p.join_rate * min(results_seen, 2.0) * min(partner_ratio, 1.5)
        chance = np.where(self.ever_member, p.rejoin_rate, join_chance)
        return MembershipChange(leaving, np.flatnonzero(willing & (u[2] < chance)))

    def stay_level(self, members: np.ndarray, results_seen: float) -> np.ndarray:
        """Each organisation's reason to stay, on the trust scale: its trust in the
        coalition, plus for housing corporations and banks ``showable_impact_weight``
        times (results seen, at most 2, minus 1)."""
        level = self.trust.coalition_trust(members, self.funder)
        level[self.shows_impact] += self.p.showable_impact_weight * (min(results_seen, 2.0) - 1.0)
        return level

    def mean_trust(self, a: np.ndarray, b: np.ndarray) -> float:
        """Mean trust between two groups of organisations (both directions)."""
        return self.trust.mean_between(a, b)

    def mean_trust_from(self, a: np.ndarray, b: np.ndarray) -> float:
        """Mean trust of group ``a``'s organisations in group ``b``'s (one direction)."""
        return self.trust.mean_from(a, b)
