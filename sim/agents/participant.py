"""Participants: long-term unemployed people on assistance, many with debts.

Each participant is a Mesa agent, but its state lives in the columns of a
:class:`ParticipantPool` so that a month of decisions for all participants is a handful of
vectorised operations with the model's seeded generator: an idle participant costs a few
array elements, not a Python call. :class:`Participant` is a thin view on one row.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np
from mesa import Agent
from numpy.typing import NDArray

from sim.pathway import State

DURATION_BUCKETS = (12, 36)  # months out of work: [0,12), [12,36), [36, inf)
MAX_MONTHS = 241
COLUMNS = ("state", "months_out", "debt", "ever_debt", "in_debt_help", "debt_waiting",
           "ever_debt_help", "spell_start", "programme_spell", "spell_debt", "coach",
           "track_start", "ready", "employer")


class ParticipantPool:
    """Column store of participant state, grown as new people flow in.

    Every column has ``capacity`` rows; the first ``n`` are people, the rest are spare.
    """

    state: NDArray[np.int8]  # pathway State
    months_out: NDArray[np.int16]  # months out of work (duration dependence)
    debt: NDArray[np.bool_]  # problematic debt now
    ever_debt: NDArray[np.bool_]
    in_debt_help: NDArray[np.bool_]
    debt_waiting: NDArray[np.bool_]  # referred, waiting for a debt-help place
    ever_debt_help: NDArray[np.bool_]
    spell_start: NDArray[np.int16]  # month the current job spell started (-1: none)
    programme_spell: NDArray[np.bool_]  # current spell came through the programme
    spell_debt: NDArray[np.bool_]  # problematic debt when the current spell started
    coach: NDArray[np.int16]  # foundation slot index while IN_TRACK (-1: none)
    track_start: NDArray[np.int16]  # month the current track started (-1: none)
    ready: NDArray[np.bool_]  # in a track, ready for an entry job, waiting for a place
    employer: NDArray[np.int16]  # firm slot index while in an ENTRY_JOB (-1: none)

    def __init__(self, capacity: int) -> None:
        self.n = 0
        self._alloc(max(capacity, 16))

    def _alloc(self, capacity: int) -> None:
        def grow[D: np.generic](name: str, dtype: type[D], fill: int | bool) -> NDArray[D]:
            new = np.full(capacity, fill, dtype=dtype)
            old: NDArray[D] | None = getattr(self, name, None)  # None on the first call
            if old is not None:
                new[: self.n] = old[: self.n]
            return new

        self.state = grow("state", np.int8, State.UNREACHED)
        self.months_out = grow("months_out", np.int16, 0)
        self.debt = grow("debt", np.bool_, False)
        self.ever_debt = grow("ever_debt", np.bool_, False)
        self.in_debt_help = grow("in_debt_help", np.bool_, False)
        self.debt_waiting = grow("debt_waiting", np.bool_, False)
        self.ever_debt_help = grow("ever_debt_help", np.bool_, False)
        self.spell_start = grow("spell_start", np.int16, -1)
        self.programme_spell = grow("programme_spell", np.bool_, False)
        self.spell_debt = grow("spell_debt", np.bool_, False)
        self.coach = grow("coach", np.int16, -1)
        self.track_start = grow("track_start", np.int16, -1)
        self.ready = grow("ready", np.bool_, False)
        self.employer = grow("employer", np.int16, -1)
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

    def copy(self) -> ParticipantPool:
        """An independent copy of every column (the counterfactual's population)."""
        twin = ParticipantPool.__new__(ParticipantPool)
        twin.n, twin.capacity = self.n, self.capacity
        for name in COLUMNS:
            setattr(twin, name, getattr(self, name).copy())
        return twin

    def copy_rows_from(self, other: ParticipantPool, rows: np.ndarray) -> None:
        """Append ``other``'s ``rows`` (new people, just added there) as new rows here."""
        k = len(rows)
        if self.n + k > self.capacity:
            self._alloc(max(2 * self.capacity, self.n + k))
        mine = slice(self.n, self.n + k)
        self.n += k
        source: slice | np.ndarray = rows
        if k and rows[-1] - rows[0] == k - 1 and np.all(np.diff(rows) == 1):
            source = slice(int(rows[0]), int(rows[-1]) + 1)  # just added there: a block
        for name in COLUMNS:
            getattr(self, name)[mine] = getattr(other, name)[source]

    def view(self, name: str) -> NDArray[Any]:
        """The live part of column ``name``."""
        column: NDArray[Any] = getattr(self, name)
        return column[: self.n]

    def counts(self) -> np.ndarray:
        """Number of participants per pathway state."""
        return np.bincount(self.view("state"), minlength=len(State))

    def in_work(self) -> NDArray[np.bool_]:
        """Who is in work now (an entry job or regular work), over the live rows."""
        state = self.view("state")
        return (state == State.ENTRY_JOB) | (state == State.REGULAR_WORK)


def employed(counts: np.ndarray) -> int:
    """People in work (entry job or regular work), from :meth:`ParticipantPool.counts`."""
    return int(counts[State.ENTRY_JOB] + counts[State.REGULAR_WORK])


def on_assistance(counts: np.ndarray) -> int:
    """People paid a benefit (unreached, engaged, in a track), from
    :meth:`ParticipantPool.counts`."""
    return int(counts[State.UNREACHED] + counts[State.ENGAGED] + counts[State.IN_TRACK])


@runtime_checkable
class ParticipantModel(Protocol):
    """What a participant needs from its model: the pool that holds its row."""

    @property
    def pool(self) -> ParticipantPool: ...


class Participant(Agent):
    """A person on long-term assistance; state is read from the model's pool."""

    model: ParticipantModel

    def __init__(self, model: ParticipantModel, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def state(self) -> State:
        """Current pathway state."""
        return State(int(self.model.pool.state[self.row]))
