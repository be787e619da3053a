"""Plain-function models for sweep tests (importable as ``sweep_models:<name>``)."""

from __future__ import annotations

import math

import numpy as np
from mesa import Model
from mesa.datacollection import DataCollector


def ishigami(x1: float, x2: float, x3: float, seed: int, a: float = 7.0,
             b: float = 0.1) -> dict[str, float]:
    """The Ishigami function (Ishigami and Homma 1990); deterministic, seed unused.

    Analytic indices for a=7, b=0.1 on [-pi, pi]^3: S1 = 0.314, 0.442, 0; ST = 0.558,
    0.442, 0.244.
    """
    y = math.sin(x1) + a * math.sin(x2) ** 2 + b * x3 ** 4 * math.sin(x1)
    return {"y": y}


def noisy_linear(x1: float, x2: float, seed: int) -> dict[str, float]:
    """A stochastic model: y = 2 x1 + x2 + seeded noise (for replication tests)."""
    noise = np.random.default_rng(seed).normal(0.0, 0.1)
    return {"y": 2 * x1 + x2 + noise, "seed_echo": float(seed % 1000)}


def sometimes_fails(x1: float, x2: float, seed: int) -> dict[str, float]:
    """Raises when x1 > 0.8; otherwise y = x1 + x2."""
    if x1 > 0.8:
        raise ValueError(f"x1={x1:.3f} is above 0.8")
    return {"y": x1 + x2}


def slow_linear(x1: float, x2: float, seed: int) -> dict[str, float]:
    """y = x1 - x2 after a short sleep (gives a kill test time to strike mid-sweep)."""
    import time
    time.sleep(0.01)
    return {"y": x1 - x2 + np.random.default_rng(seed).normal(0, 0.01)}



class CoinModel(Model):
    """A Mesa model built from keyword arguments: ``n`` coins with bias ``p`` per step."""

    def __init__(self, n: int = 10, p: float = 0.5, rng: int | None = None) -> None:
        super().__init__(rng=rng)
        self.n, self.p, self.heads_total, self.last_heads = n, p, 0, 0
        self.datacollector = DataCollector(model_reporters={"heads": "last_heads"})

    def step(self) -> None:
        """Toss the coins."""
        self.last_heads = int(self.rng.binomial(self.n, self.p))
        self.heads_total += self.last_heads
        self.datacollector.collect(self)


def policy_model(effort: float, shock: float, seed: int) -> dict[str, object]:
    """A policy (``effort``) in a future (``shock``): ``value = effort - 2 effort^2 shock``
    plus seeded noise, so two policies in the same future (the same seed) differ by their
    deterministic part exactly; ``months`` is 12 (lasting) when value > 0.3, else 5;
    ``path`` is a 13-month series rising to ``value``."""
    value = effort - 2 * effort ** 2 * shock + np.random.default_rng(seed).normal(0, 0.05)
    return {"value": value, "months": 12.0 if value > 0.3 else 5.0,
            "path": [value * m / 12 for m in range(13)]}
