"""Double-entry money ledger: every euro paid has a payer and a receiver.

Accounts are plain strings: ``"municipality"``, ``"participants"`` (households),
``"taxpayers"`` (the public budget behind the municipality), ``"market"`` (customers and
suppliers outside the ecosystem), ``"evaluator"``, ``"debt_help_service"`` and one
``"org:<index>"`` per organisation. The sum of all balances is zero at all times.
"""

from __future__ import annotations

from collections import defaultdict


class Ledger:
    """Balances per account and flow totals per purpose for the current month."""

    def __init__(self) -> None:
        self.balances: dict[str, float] = defaultdict(float)
        self.month_flows: dict[str, float] = defaultdict(float)
        self.month_paid: dict[tuple[str, str], float] = defaultdict(float)
        self.month_received: dict[tuple[str, str], float] = defaultdict(float)
        self.total_flows_by_payer: dict[tuple[str, str], float] = defaultdict(float)

    def transfer(self, payer: str, receiver: str, amount: float, purpose: str) -> float:
        """Move ``amount`` (>= 0) from ``payer`` to ``receiver``; returns the amount."""
        if amount < 0:
            raise ValueError(f"negative transfer {amount} for {purpose}")
        if payer == receiver:
            raise ValueError(f"transfer from {payer} to itself for {purpose}")
        if amount == 0:
            return 0.0
        balances = self.balances
        balances[payer] -= amount
        balances[receiver] += amount
        self.month_flows[purpose] += amount
        paid = (payer, purpose)
        self.month_paid[paid] += amount
        self.month_received[(receiver, purpose)] += amount
        self.total_flows_by_payer[paid] += amount
        return amount

    def paid(self, payer: str, purpose: str) -> float:
        """What ``payer`` paid for ``purpose`` this month."""
        return self.month_paid.get((payer, purpose), 0.0)

    def balance(self, account: str) -> float:
        """Current balance of ``account``."""
        return self.balances.get(account, 0.0)

    def new_month(self) -> None:
        """Start a new month of flow totals."""
        self.month_flows.clear()
        self.month_paid.clear()
        self.month_received.clear()

    def imbalance(self) -> float:
        """Sum of all balances; zero up to rounding when money is conserved."""
        return float(sum(self.balances.values()))
