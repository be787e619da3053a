"""Shared base of the organisations in the ecosystem (municipality, foundations, firms)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa import Agent

from sim.parameters import Params

if TYPE_CHECKING:
    from sim.model import InstapModel


class Organisation(Agent):
    """An organisation: a row in the trust matrix and an account in the ledger.

    Organisations use the model for the ledger, the event log and the month only; what
    they need from the policies (wage subsidy, burden and economy factors, the lender)
    the model passes to their methods.
    """

    kind: str = "organisation"

    def __init__(self, model: InstapModel, org_index: int) -> None:
        super().__init__(model)
        self.p: Params = model.p
        self.org_index = org_index
        self.account = f"org:{org_index}"
        self.in_coalition = True
        self.left_month: int | None = None

    @property
    def cash(self) -> float:
        """Cash balance in EUR."""
        return self.model.ledger.balance(self.account)

    def leave(self, reason: str) -> None:
        """Leave the coalition (causal link 5: trust below the exit threshold, or cash)."""
        if self.in_coalition:
            self.in_coalition = False
            self.left_month = self.model.steps
            self.model.log_event(f"{self.kind} {self.org_index} left: {reason}")

    def rejoin(self) -> None:
        """Rejoin the coalition."""
        if not self.in_coalition:
            self.in_coalition = True
            self.left_month = None
            self.model.log_event(f"{self.kind} {self.org_index} joined")
