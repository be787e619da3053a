"""Shared base of the organisations in the ecosystem (municipality, foundations, firms)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from mesa import Agent

from sim.accounting import Ledger
from sim.parameters import Params


@runtime_checkable
class OrganisationModel(Protocol):
    """What an organisation needs from its model: the parameters, the ledger, the month
    (Mesa's ``steps``) and the event log.

    ``InstapModel`` provides them. The agents do not import the model module, which
    imports them.
    """

    @property
    def p(self) -> Params: ...

    @property
    def ledger(self) -> Ledger: ...

    @property
    def steps(self) -> int: ...

    def log_event(self, text: str) -> None: ...

    def membership_changed(self) -> None: ...


class Organisation(Agent):
    """An organisation: a row in the trust matrix and an account in the ledger.

    Organisations use the model for the ledger, the event log and the month only; what
    they need from the policies (wage subsidy, burden and economy factors, the lender)
    the model passes to their methods.
    """

    kind: str = "organisation"
    model: OrganisationModel

    def __init__(self, model: OrganisationModel, org_index: int) -> None:
        super().__init__(model)
        self.p: Params = model.p
        self.org_index = org_index
        self.account = f"org:{org_index}"
        self._in_coalition = True
        self.left_month: int | None = None
        self.left_route = "partners"  # why it last left (a route to collapse)

    @property
    def in_coalition(self) -> bool:
        """Whether the organisation is a member of the coalition now."""
        return self._in_coalition

    @in_coalition.setter
    def in_coalition(self, value: bool) -> None:
        if value != self._in_coalition:
            self._in_coalition = value
            self.model.membership_changed()  # the model's membership mask is stale

    @property
    def cash(self) -> float:
        """Cash balance in EUR."""
        return self.model.ledger.balance(self.account)

    def leave(self, reason: str, route: str = "partners") -> None:
        """Leave the coalition (causal link 5: trust below the exit threshold, or cash).
        ``route``: the route to collapse this exit belongs to (``sim.durability``)."""
        if self.in_coalition:
            self.in_coalition = False
            self.left_month = self.model.steps
            self.left_route = route
            self.model.log_event(f"{self.kind} {self.org_index} left: {reason}")

    def rejoin(self) -> None:
        """Rejoin the coalition."""
        if not self.in_coalition:
            self.in_coalition = True
            self.left_month = None
            self.model.log_event(f"{self.kind} {self.org_index} joined")
