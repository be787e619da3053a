"""Employment spells: retention after placement, counted exactly per start month.

A spell starts when someone on assistance starts an entry job or regular work, and ends
when they lose work; moving from an entry job to regular work continues the spell.
Ended spells are counted by (programme or not, debt at the start or not, start month,
length); ongoing ones are read from the pool at the end. Someone is retained ``k`` months
after placement if the spell lasted more than ``k`` months; spells started less than ``k``
months before the end are not counted.
"""

from __future__ import annotations

import numpy as np


class SpellRecord:
    """Counts of ended spells by programme, debt at the start, start month and length."""

    def __init__(self, months: int) -> None:
        size = months + 2
        # [programme, debt at start, start, length]
        self.ended = np.zeros((2, 2, size, size), dtype=np.int64)

    def end(self, starts: np.ndarray, lengths: np.ndarray, programme: np.ndarray,
            debt: np.ndarray) -> None:
        """Record spells that ended this month."""
        np.add.at(self.ended, (programme.astype(np.int64), debt.astype(np.int64), starts,
                               lengths), 1)

    def retention(self, k: int, now: int, ongoing_starts: np.ndarray,
                  ongoing_programme: np.ndarray, programme_only: bool = False,
                  ongoing_debt: np.ndarray | None = None, debt: bool | None = None
                  ) -> tuple[float, int]:
        """Share of spells still going ``k`` months after start, and the number counted;
        ``programme_only``: programme spells only; ``debt``: only spells that started with
        (True) or without (False) problematic debt (``ongoing_debt`` then says which
        ongoing spells did)."""
        ended = self.ended[1] if programme_only else self.ended.sum(axis=0)
        ended = ended.sum(axis=0) if debt is None else ended[int(debt)]
        last_start = now - k
        if last_start < 0:
            return float("nan"), 0
        observed = ended[: last_start + 1]
        n_ended = int(observed.sum())
        retained_ended = int(observed[:, k + 1:].sum())
        mask = ongoing_starts <= last_start
        if programme_only:
            mask &= ongoing_programme
        if debt is not None:
            if ongoing_debt is None:
                raise ValueError("ongoing_debt is needed to split by debt")
            mask &= ongoing_debt == debt
        n_ongoing = int(mask.sum())
        total = n_ended + n_ongoing
        if total == 0:
            return float("nan"), 0
        return (retained_ended + n_ongoing) / total, total
