"""Models used only by the benchmarks: Mesa's floor and a near-free sweep target."""

from __future__ import annotations

import math

from mesa import Agent, Model


class IdleAgent(Agent):
    """An agent whose step does nothing."""

    def step(self) -> None:
        """Do nothing."""


class BareModel(Model):
    """Mesa's floor: ``n`` idle agents activated once a step with ``shuffle_do``."""

    def __init__(self, n: int, rng: int | None = None) -> None:
        super().__init__(rng=rng)
        IdleAgent.create_agents(self, n)

    def step(self) -> None:
        """Touch every agent once, in random order."""
        self.agents.shuffle_do("step")


def cheap(x1: float, x2: float, seed: int) -> dict[str, float]:
    """A run that costs almost nothing (for the sweep coordinator's memory growth)."""
    return {"y": math.sin(x1) + 2.0 * x2 * x2 + (seed % 97) / 1e6}
