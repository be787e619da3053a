"""Whole numbers from fractional shares without drift (largest remainder)."""

from __future__ import annotations

import numpy as np


def largest_remainder(wishes: np.ndarray) -> np.ndarray:
    """Whole numbers that sum to the rounded total of ``wishes``: everyone gets the floor
    of their wish, and the largest fractional parts get one more (ties: lower index
    first). Truncating each wish instead would lose up to one place per organisation, a
    loss that weighs more in a small population, so rates per 1,000 participants would
    drift with the population size."""
    wishes = np.asarray(wishes, dtype=float)
    whole = np.floor(wishes).astype(np.int64)
    extra = int(round(float(wishes.sum()))) - int(whole.sum())
    if extra > 0:
        order = np.argsort(-(wishes - whole), kind="stable")[:extra]
        whole[order] += 1
    return whole
