"""Durability: when is the ecosystem alive?

The ecosystem is *healthy* in a month when all four conditions hold:

1. money flows: programme money (from any funder) reached a foundation in the last
   6 months (a short gap between pilots is not a death);
2. someone coaches: at least one foundation in the coalition has a coaching slot;
3. jobs are offered: at least ``min_employers_alive`` coalition firms offer entry jobs;
4. placements continue: at least one programme placement in the last 6 months (checked
   from month 6 on).

It *collapses* when it has been unhealthy for ``collapse_grace_months`` months in a row;
the survival month is the month of the first collapse (censored at the horizon when it
never collapses). The alive flag is 1 while not collapsed, and returns to 1 if a
restarted programme makes it healthy again; survival still counts the first collapse.
"""

from __future__ import annotations

from dataclasses import dataclass

WINDOW = 6  # months of look-back for money and placements


@dataclass
class Durability:
    """Tracks the alive conditions month by month."""

    grace: int
    min_employers: int
    unhealthy_streak: int = 0
    collapse_month: int | None = None
    alive: bool = True
    months_since_money: int = 0
    months_since_placement: int = 0

    def update(self, month: int, money: float, coaching_slots: int, offering_employers: int,
               placements: int) -> dict[str, bool]:
        """Record one month; returns the conditions and the alive flag."""
        self.months_since_money = 0 if money > 0 else self.months_since_money + 1
        self.months_since_placement = 0 if placements > 0 else self.months_since_placement + 1
        conditions = {
            "money_flows": self.months_since_money < WINDOW,
            "coaching": coaching_slots > 0,
            "jobs_offered": offering_employers >= self.min_employers,
            "placements": month < WINDOW or self.months_since_placement < WINDOW,
        }
        healthy = all(conditions.values())
        self.unhealthy_streak = 0 if healthy else self.unhealthy_streak + 1
        if self.unhealthy_streak >= self.grace:
            self.alive = False
            if self.collapse_month is None:
                self.collapse_month = month
        elif healthy:
            self.alive = True
        return {**conditions, "healthy": healthy, "alive": self.alive}
