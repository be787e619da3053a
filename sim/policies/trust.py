"""Causal link 5: trust between organisations, asymmetric, with exit and rejoining.

``T[i, j]`` is organisation i's trust in j, in [0, 1]. A kept promise or visible small
win raises trust by ``g = trust_gain * trust_sensitivity`` (times the event's weight
``w``); a broken promise (funding cut or gap, red tape, conflict) lowers it by
``trust_asymmetry`` times as much. Steps are additive and clipped to [0, 1]: the
simplest form in which a broken promise outweighs a kept one at every trust level, so
trust builds slowly and breaks fast (Slovic 1993; Poortinga and Pidgeon 2004). (A
multiplicative form, ``g(1 - T)`` up and ``a g T`` down, reverses the asymmetry below
``T = 1 / (1 + a)``.)

A partner's trust in the coalition weighs its trust in the municipality (the funder,
weight ``funder_trust_weight``) and its mean trust in the other members (the rest). Each
organisation has its own exit threshold, drawn once uniformly within
``exit_threshold_spread`` of ``trust_exit_threshold`` (partners differ in patience and
stake); below it the partner leaves (:mod:`sim.coalition` adds what housing corporations
and banks can show). Former partners' trust drifts back to the initial level at
``trust_recovery_rate``; they come back once it is ``rejoin_trust_margin`` above their
threshold.

A :class:`Promise` is what the funder's decisions (link 1) announce to the partners: a
kept or broken promise of some weight, heard by the coalition (:meth:`Coalition.hear
<sim.coalition.Coalition.hear>`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.parameters import Params


@dataclass(frozen=True, slots=True)
class Promise:
    """A promise the funder kept or broke towards its partners (link 1 -> 5)."""

    weight: float  # how many single promises it counts as
    kept: bool
    former_too: bool = False  # heard by former partners too (a restart)


class TrustNetwork:
    """The trust matrix of the organisations and its update rules."""

    def __init__(self, p: Params, n_orgs: int, threshold_draws: np.ndarray | None = None
                 ) -> None:
        self.p = p
        self.T = np.full((n_orgs, n_orgs), p.initial_trust, dtype=float)
        np.fill_diagonal(self.T, 1.0)
        u = np.full(n_orgs, 0.5) if threshold_draws is None else threshold_draws
        self.exit_threshold = p.trust_exit_threshold + p.exit_threshold_spread * (2 * u - 1)
        # the cells among the members that dialogue raises, kept for a read-only mask
        self._dialogue_of: np.ndarray | None = None
        self._dialogue_cells = np.zeros(0, dtype=np.int64)

    @property
    def step_up(self) -> float:
        """Trust gained from one kept promise."""
        return self.p.trust_gain * self.p.trust_sensitivity

    @property
    def step_down(self) -> float:
        """Trust lost from one broken promise."""
        return self.step_up * self.p.trust_asymmetry

    def kept(self, i: np.ndarray | int, j: np.ndarray | int, weight: float | np.ndarray = 1.0
             ) -> None:
        """Organisations ``i`` see ``j`` keep a promise (weight: number of such events)."""
        step = np.asarray(weight, dtype=float) * self.step_up
        self.T[i, j] = np.minimum(self.T[i, j] + step, 1.0)

    def kept_by_others(self, rows: np.ndarray, cols: np.ndarray, weights: np.ndarray
                       ) -> None:
        """Each organisation ``rows[k]`` sees every one of ``cols`` other than itself keep
        ``weights[k]`` promises: :meth:`kept` row by row, in one pass (every cell changes
        once, so the order does not matter)."""
        n = len(self.T)
        cells = rows[:, None] * n + cols[None, :]
        others = rows[:, None] != cols[None, :]
        step = np.broadcast_to((weights * self.step_up)[:, None], cells.shape)[others]
        flat = self.T.reshape(-1)  # a view: T is one C-ordered block
        cells = cells[others]
        flat[cells] = np.minimum(flat[cells] + step, 1.0)

    def broken_once(self, i: int, j: int) -> None:
        """Organisation ``i`` sees ``j`` break one promise (:meth:`broken` for one cell)."""
        self.T[i, j] = max(self.T[i, j] - self.step_down, 0.0)

    def broken(self, i: np.ndarray | int, j: np.ndarray | int,
               weight: float | np.ndarray = 1.0) -> None:
        """Organisations ``i`` see ``j`` break a promise."""
        step = np.asarray(weight, dtype=float) * self.step_down
        self.T[i, j] = np.maximum(self.T[i, j] - step, 0.0)

    def broken_by_row(self, i: int, j: np.ndarray, weight: float) -> None:
        """:meth:`broken` for one organisation ``i`` and an index array ``j`` (the same
        arithmetic on row ``i`` of ``T``)."""
        row = self.T[i]  # a view
        row[j] = np.maximum(row[j] - float(weight) * self.step_down, 0.0)

    def coalition_trust(self, members: np.ndarray, funder: int) -> np.ndarray:
        """Each organisation's trust in the coalition (funder and other members)."""
        mask = members.astype(float)
        others = (self.T * mask).sum(axis=1) - self.T.diagonal() * mask
        n_others = np.maximum(mask.sum() - mask, 1.0)
        mean_others = others / n_others
        w = self.p.funder_trust_weight
        return w * self.T[:, funder] + (1 - w) * mean_others

    def recover(self, former: np.ndarray) -> None:
        """Former partners' trust drifts back towards the initial level."""
        rows = np.flatnonzero(former)
        if len(rows):
            rate = self.p.trust_recovery_rate
            block = self.T[rows]  # a copy: read once, written back once
            block += rate * (self.p.initial_trust - block)
            self.T[rows] = block

    def can_rejoin(self, trust_level: np.ndarray) -> np.ndarray:
        """Which organisations trust the coalition enough to come back (or to join)."""
        return trust_level >= self.exit_threshold + self.p.rejoin_trust_margin

    def dialogue(self, members: np.ndarray, clarity: float) -> None:
        """Regular dialogue among members builds trust: ``dialogue_rate * clarity`` kept
        promises a month between every two members (Ansell and Gash 2008)."""
        step = self.p.dialogue_rate * clarity * self.step_up
        if step > 0:
            if members is not self._dialogue_of:
                idx = np.flatnonzero(members)
                self._dialogue_cells = (self.cells_from(idx, idx) if len(idx) > 1
                                        else np.zeros(0, dtype=np.int64))
                # kept only for a mask that cannot change (the model's membership mask)
                self._dialogue_of = None if members.flags.writeable else members
            cells = self._dialogue_cells
            if len(cells):
                flat = self.T.reshape(-1)  # a view: T is one C-ordered block
                flat[cells] = np.minimum(flat[cells] + step, 1.0)

    def mean_between(self, a: np.ndarray, b: np.ndarray) -> float:
        """Mean trust in both directions between two groups (by index arrays)."""
        return self.mean_of(self.cells_between(a, b))

    def mean_from(self, a: np.ndarray, b: np.ndarray) -> float:
        """Mean trust of group ``a`` in group ``b`` (one direction: the ``a`` rows, ``b``
        columns block of ``T``); NaN when either group is empty. For disjoint groups the
        two blocks of :meth:`mean_between` have the same size, so it is the mean of
        ``mean_from(a, b)`` and ``mean_from(b, a)``."""
        return self.mean_of(self.cells_from(a, b))

    def cells_from(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Flat indices into ``T`` of the ``a`` rows, ``b`` columns block, row by row."""
        return (np.asarray(a)[:, None] * len(self.T) + np.asarray(b)).ravel()

    def cells_between(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Flat indices of both blocks between two groups (``a`` in ``b``, then ``b`` in
        ``a``); of one block without the diagonal when the groups are the same."""
        if len(a) == 0 or len(b) == 0:
            return np.zeros(0, dtype=np.int64)
        if np.array_equal(a, b):
            return self.cells_from(a, a)[~np.eye(len(a), dtype=bool).ravel()]
        return np.concatenate([self.cells_from(a, b), self.cells_from(b, a)])

    def mean_of(self, cells: np.ndarray) -> float:
        """Mean trust over the flat indices ``cells`` (NaN for none): the sum and division
        of ``np.mean``, without its overhead (observation reads nine blocks a month)."""
        if cells.size == 0:
            return float("nan")
        return float(self.T.take(cells).sum()) / cells.size
