"""Foundations: outreach, intake, coaching and debt-help referral."""

from __future__ import annotations

from sim.agents.organisation import Organisation, OrganisationModel


class Foundation(Organisation):
    """Coaches participants within a caseload that its funding pays for.

    Causal link 1: when money stops, coaching capacity (staff, know-how) is lost at
    ``capacity_loss_rate`` and rebuilt only at ``capacity_rebuild_rate`` once money returns.
    Its income is its share of the programme's coaching budget plus what it raises
    elsewhere (:mod:`sim.policies.finance`), so a foundation in the coalition lives through
    a gap on a smaller staff; it closes when its cash and income cannot pay one coaching
    slot. A foundation that was not a founding member starts closed (``founded=False``)
    and is founded when it joins.
    """

    kind = "foundation"

    def __init__(self, model: OrganisationModel, org_index: int, target_slots: float,
                 founded: bool = True) -> None:
        super().__init__(model, org_index)
        self.full_slots = target_slots  # capacity when fully funded
        self.capacity = target_slots if founded else 0.0  # staffed coaching slots
        self.income = 0.0  # money received this month (programme and other sources)
        self.closed = not founded
        self.in_coalition = founded

    def adjust_capacity(self) -> None:
        """Hire towards what this month's income pays for, or lose staff without it."""
        p = self.p
        if not self.in_coalition:
            self.capacity *= 1.0 - p.capacity_loss_rate
            return
        cost = p.coaching_cost_per_slot
        funded_slots = self.income / cost if cost > 0 else self.full_slots * (self.income > 0)
        if funded_slots >= self.capacity:
            self.capacity += p.capacity_rebuild_rate * (funded_slots - self.capacity)
        else:
            self.capacity -= p.capacity_loss_rate * (self.capacity - funded_slots)

    def pay_staff(self) -> None:
        """Pay coaching staff from income and reserve; lay off whom it cannot pay.

        A foundation never spends money it does not have: when the reserve cannot cover
        the month, it lets staff go down to what it can pay. It closes when the money has
        run out: neither its income nor its cash pays one slot a month.
        """
        cost_per_slot = self.p.coaching_cost_per_slot
        if cost_per_slot > 0 and self.capacity * cost_per_slot > self.cash:
            self.capacity = max(self.cash, 0.0) / cost_per_slot
        self.model.ledger.transfer(self.account, "market", self.capacity * cost_per_slot,
                                   "coaching_staff")
        if not self.closed and self.income < cost_per_slot and self.cash < cost_per_slot:
            self.closed = True
            self.capacity = 0.0
            self.leave("money ran out", route="capacity")

    def effective_slots(self, overhead_share: float, capacity_factor: float) -> float:
        """Slots left for coaching after coordination overhead (link 4: ``overhead_share``
        of capacity) and paperwork (link 11: ``capacity_factor`` of it is left); the
        model turns them into whole slots across foundations (largest remainder)."""
        if not self.in_coalition:
            return 0.0
        return self.capacity * (1.0 - overhead_share) * capacity_factor

    def rejoin(self) -> None:
        """Rejoin; a closed foundation is re-founded with a fresh reserve."""
        if self.closed:
            p = self.p
            reserve = p.foundation_reserve_months * self.full_slots * p.coaching_cost_per_slot
            self.model.ledger.transfer("market", self.account, max(reserve - self.cash, 0.0),
                                       "startup_capital")
            self.closed = False
        super().rejoin()
