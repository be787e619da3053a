"""The municipality: programme owner, funder, referrer, payer of benefits."""

from __future__ import annotations

from sim.agents.organisation import Organisation, OrganisationModel

MUNICIPALITY_ACCOUNT = "municipality"


class Municipality(Organisation):
    """Owns the programme. Its funding decisions live in ``sim.policies.funding``."""

    kind = "municipality"

    def __init__(self, model: OrganisationModel, org_index: int) -> None:
        super().__init__(model, org_index)
        self.account = MUNICIPALITY_ACCOUNT

    def leave(self, reason: str, route: str = "partners") -> None:
        """The municipality never leaves; it ends funding instead."""

    def settle_budget(self) -> None:
        """Draw this month's outlays from the public budget (taxpayers) so the books close."""
        deficit = -self.model.ledger.balance(self.account)
        if deficit > 0:
            self.model.ledger.transfer("taxpayers", self.account, deficit, "budget")
