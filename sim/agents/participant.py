"""Participants: long-term unemployed people on assistance, many with debts.

Each participant is a Mesa agent, but its state lives in the columns of a
:class:`ParticipantPool` so that a month of decisions for all participants is a handful of
vectorised operations with the model's seeded generator: an idle participant costs a few
array elements, not a Python call. :class:`Participant` is a thin view on one row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

from sim.pathway import State

if TYPE_CHECKING:
    from sim.model import InstapModel

DURATION_BUCKETS = (12, 36)  # months out of work: [0,12), [12,36), [36, inf)
MAX_MONTHS = 241


class ParticipantPool:
    """Column store of participant state, grown as new people flow in."""

    def __init__(self, capacity: int) -> None:
        self.n = 0
        self._alloc(max(capacity, 16))

    def _alloc(self, capacity: int) -> None:
        def grow(name: str, dtype: type, fill: int | bool) -> None:
            new = np.full(capacity, fill, dtype=dtype)
            old = getattr(self, name, None)
            if old is not None:
                new[: self.n] = old[: self.n]
            setattr(self, name, new)

        grow("state", np.int8, State.UNREACHED)
        grow("months_out", np.int16, 0)  # months out of work (duration dependence)
        grow("debt", np.bool_, False)  # problematic debt now
        grow("ever_debt", np.bool_, False)
        grow("in_debt_help", np.bool_, False)
        grow("debt_waiting", np.bool_, False)  # referred, waiting for a debt-help place
        grow("ever_debt_help", np.bool_, False)
        grow("spell_start", np.int16, -1)  # month the current job spell started
        grow("programme_spell", np.bool_, False)  # current spell came through the programme
        grow("coach", np.int16, -1)  # foundation slot index while IN_TRACK
        grow("employer", np.int16, -1)  # firm slot index while in an ENTRY_JOB
        self.capacity = capacity

    def add(self, k: int, rng: np.random.Generator, debt_share: float,
            mean_duration: float) -> np.ndarray:
        """Append ``k`` people on assistance; returns their row indices."""
        if self.n + k > self.capacity:
            self._alloc(max(2 * self.capacity, self.n + k))
        rows = np.arange(self.n, self.n + k)
        self.n += k
        debt = rng.random(k) < debt_share
        self.debt[rows] = debt
        self.ever_debt[rows] = debt
        if mean_duration > 0:
            self.months_out[rows] = np.minimum(
                rng.exponential(mean_duration, k), MAX_MONTHS - 1).astype(np.int16)
        return rows

    def view(self, name: str) -> np.ndarray:
        """The live part of column ``name``."""
        return getattr(self, name)[: self.n]

    def counts(self) -> np.ndarray:
        """Number of participants per pathway state."""
        return np.bincount(self.view("state"), minlength=len(State))


class Participant(Agent):
    """A person on long-term assistance; state is read from the model's pool."""

    def __init__(self, model: InstapModel, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def state(self) -> State:
        """Current pathway state."""
        return State(int(self.model.pool.state[self.row]))
