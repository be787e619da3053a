"""Causal link 6: reach through many doors.

Participants trust foundations and neighbours more than the municipality. With one door
(the municipality's counter) the monthly chance of being reached is
``reach_rate * trust_municipality``. Each extra door (a foundation, employer or housing
corporation as entry point) independently reaches a further share
``extra_door_weight * trust_foundation`` of those the other doors miss:

    reach = reach_rate * (1 - (1 - t_m) * (1 - w * t_f) ** (doors - 1))

This saturating form means the first extra doors matter most ("any door goes").
"""

from __future__ import annotations

from typing import Any


def reach_probability(p: dict[str, Any], programme_open: bool) -> float:
    """Monthly chance that an unreached person comes into contact with the programme."""
    if not programme_open:
        return 0.0
    miss = (1.0 - p["participant_trust_municipality"]) * (
        1.0 - p["extra_door_weight"] * p["participant_trust_foundation"]
    ) ** (p["outreach_doors"] - 1)
    return p["reach_rate"] * (1.0 - miss)
