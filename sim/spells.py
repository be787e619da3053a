"""Employment spells: retention after placement, counted exactly per start month.

A spell starts when someone on assistance starts an entry job or regular work, and ends
when they lose work; moving from an entry job to regular work continues the spell.
Ended spells are counted by (start month, length); ongoing ones are read from the pool
at the end. Someone is retained ``k`` months after placement if the spell lasted more
than ``k`` months; spells started less than ``k`` months before the end are not counted.
"""

from __future__ import annotations

import numpy as np


class SpellRecord:
    """Counts of ended spells by start month and length, for all and programme spells."""

    def __init__(self, months: int) -> None:
        size = months + 2
        self.ended = np.zeros((2, size, size), dtype=np.int64)  # [programme, start, length]

    def end(self, starts: np.ndarray, lengths: np.ndarray, programme: np.ndarray) -> None:
        """Record spells that ended this month."""
        np.add.at(self.ended, (programme.astype(np.int64), starts, lengths), 1)

    def retention(self, k: int, now: int, ongoing_starts: np.ndarray,
                  ongoing_programme: np.ndarray, programme_only: bool = False
                  ) -> tuple[float, int]:
        """Share of spells still going ``k`` months after start, and the number counted."""
        ended = self.ended[1] if programme_only else self.ended.sum(axis=0)
        last_start = now - k
        if last_start < 0:
            return float("nan"), 0
        observed = ended[: last_start + 1]
        n_ended = int(observed.sum())
        retained_ended = int(observed[:, k + 1:].sum())
        mask = ongoing_starts <= last_start
        if programme_only:
            mask &= ongoing_programme
        n_ongoing = int(mask.sum())
        total = n_ended + n_ongoing
        if total == 0:
            return float("nan"), 0
        return (retained_ended + n_ongoing) / total, total
