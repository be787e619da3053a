"""Causal link 6: reach through many doors.

Participants trust foundations and neighbours more than the municipality. With one door
(the municipality's counter) the monthly chance of being reached is
``reach_rate * trust_municipality``. Each extra door (a foundation, employer or housing
corporation as entry point) independently reaches a further share
``extra_door_weight * trust_foundation`` of those the other doors miss:

    reach = reach_rate * (1 - (1 - t_m) * (1 - w * t_f) ** (doors - 1))

This saturating form means the first extra doors matter most ("any door goes").

Foundations do the outreach behind every door (brief: outreach, intake, coaching), so
reach also scales with their staffing: the chance above holds at the reference staffing
of ``REFERENCE_SLOTS_PER_1000`` coaching slots per 1,000 participants (the default of
``coaching_slots_per_1000``) and is proportional to the usable staff of foundations in
the coalition. When money stops and staff leave, reach falls with them (link 1).
"""

from __future__ import annotations

from sim.parameters import PARAMETERS, Params

# the default of coaching_slots_per_1000
REFERENCE_SLOTS_PER_1000: float = PARAMETERS["coaching_slots_per_1000"].default


def reach_probability(p: Params, foundation_slots: float) -> float:
    """Monthly chance that an unreached person comes into contact with the programme,
    given the usable coaching slots of foundations in the coalition."""
    staffing = foundation_slots / (REFERENCE_SLOTS_PER_1000 * p.n_participants / 1000.0)
    if staffing <= 0:
        return 0.0
    miss = (1.0 - p.participant_trust_municipality) * (
        1.0 - p.extra_door_weight * p.participant_trust_foundation
    ) ** (p.outreach_doors - 1)
    return min(1.0, p.reach_rate * (1.0 - miss) * staffing)
