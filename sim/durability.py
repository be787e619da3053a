"""Durability: is the ecosystem functioning, and if it collapsed, by which route?

The ecosystem *functions* in a month when four conditions hold, one per route to
collapse:

1. ``money``: the programme is funded, a renewal has been announced and the money is on
   its way (a gap between pilots is not a death), or private co-funders pay on;
2. ``partners``: the coalition has at least ``min_partner_share`` of its founding number
   of partners (any kinds; partners who joined later count);
3. ``capacity``: usable coaching slots are at least ``min_capacity_share`` of the
   founding capacity;
4. ``jobs``: at least ``min_employers_alive`` coalition employers offer entry jobs and,
   from month ``startup_months`` on (the programme starts empty), programme placements over
   the last ``health_window_months`` reach ``min_placement_rate`` per 1,000 participants a
   year.

It *collapses* when it has not functioned for ``collapse_grace_months`` months in a row;
the survival month is the month of the first collapse (censored at the horizon when it
never collapses). Its *cause* is the route whose condition failed first in that
unbroken spell of failure (ties in the order above: money before partners before
capacity before jobs). When the partners condition failed first, the cause is the route
most of the partners took who left in the last ``results_window_months`` and are still
out (so employers who leave and come back do not count): their own trust (partners), a
foundation's money running out (capacity), or employers walking away over cost and
social enterprises running out of cash (jobs); ties go to partners. The alive flag is 1
while not collapsed, and returns to 1 if a restarted programme makes it function again;
survival and the cause still count the first collapse. ``functioning_months`` counts the
months in which all four held.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from sim.parameters import Params

CAUSES = ("money", "partners", "capacity", "jobs")


@dataclass(frozen=True, slots=True)
class HealthInputs:
    """What the durability check sees each month."""

    money: bool
    partners: int
    coaching_slots: int
    offering_employers: int
    programme_placements: int
    # partners out now who left within the results window, by the route they took
    exits: dict[str, int] = field(default_factory=dict)


@dataclass
class Durability:
    """Tracks the health conditions month by month, and the first collapse's cause."""

    p: Params
    founding_partners: int
    founding_slots: int
    unhealthy_streak: int = 0
    collapse_month: int | None = None
    cause: str | None = None
    alive: bool = True
    functioning_months: int = 0
    first_failed: dict[str, int] = field(default_factory=dict)  # this spell's failures
    placements: deque[int] = field(default_factory=deque)

    @staticmethod
    def exit_route(exits: dict[str, int]) -> str:
        """The route most recent leavers took (``partners`` on a tie or without any)."""
        totals = {c: exits.get(c, 0) for c in ("partners", "capacity", "jobs")}
        best = max(totals.values())
        return next(c for c in totals if totals[c] == best)

    def conditions(self, month: int, seen: HealthInputs) -> dict[str, bool]:
        """The four conditions this month (see the module text)."""
        p = self.p
        self.placements.append(seen.programme_placements)
        while len(self.placements) > p.health_window_months:
            self.placements.popleft()
        rate = (sum(self.placements) * 12.0 / p.health_window_months * 1000.0
                / p.n_participants)
        placing = month < max(p.startup_months, p.health_window_months) or (
            rate >= p.min_placement_rate)
        return {
            "money": seen.money,
            "partners": seen.partners >= p.min_partner_share * self.founding_partners,
            "capacity": seen.coaching_slots >= p.min_capacity_share * self.founding_slots,
            "jobs": seen.offering_employers >= p.min_employers_alive and placing,
        }

    def update(self, month: int, seen: HealthInputs) -> dict[str, bool]:
        """Record one month; returns the conditions, ``healthy`` and ``alive``."""
        conditions = self.conditions(month, seen)
        healthy = all(conditions.values())

        if healthy:
            self.unhealthy_streak = 0
            self.first_failed = {}
            self.functioning_months += month > 0
        else:
            self.unhealthy_streak += 1
            for name in CAUSES:
                if not conditions[name]:
                    self.first_failed.setdefault(name, month)
        if self.unhealthy_streak >= self.p.collapse_grace_months:
            self.alive = False
            if self.collapse_month is None:
                self.collapse_month = month
                first = min(self.first_failed.values())
                self.cause = next(c for c in CAUSES if self.first_failed.get(c) == first)
                if self.cause == "partners":
                    self.cause = self.exit_route(seen.exits)
        elif healthy:
            self.alive = True
        return {**conditions, "healthy": healthy, "alive": self.alive}
