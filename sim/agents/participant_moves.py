"""One month of participant decisions for everyone at once (causal links 2, 3, 6).

Each person makes at most one move a month, drawn from competing risks with one uniform
number from the model's generator. Moves that need a place (a coaching slot, an entry
job) are granted in random order up to the free places.

Functional forms (documented in ``docs/ODD.md``, submodel 7.2):

- negative duration dependence: job-finding chances are multiplied by
  ``floor + (1 - floor) * exp(-months_out / scale)``, the simplest form that falls from 1
  towards a floor, as the CBS/Divosa exit rates do (22% in year one, 8% after three);
- job loss falls with tenure from an initial to a settled hazard,
  ``settled + (initial - settled) * exp(-tenure / scale)``, matching retention of 82% at
  6 months and 72% at 18 months (CBS 2024);
- debt multiplies job starts by ``debt_job_start_factor`` and job loss by
  ``debt_job_loss_factor`` (link 3); coaching multiplies own job finding by
  ``coaching_effect`` (small, as in Dutch experiments);
- the chance of moving from a track into an entry job rises with the months in the
  track, ``track_to_entry_rate * (1 - exp(-months_in_track / track_ramp_months))``: a
  starter has a small chance of a job, a certified leaver a large one (Platform31,
  Wijkondernemingen). Someone who is ready for an entry job when no place is free stays
  ready and is a candidate every month until a place is found or they leave the track
  (a leaver with a certificate waits for a vacancy; otherwise the chance of a match in a
  month with few free places would be lost, which weighs more in a small population).

Draws: the moves use one uniform number per row and month from the participants' stream,
whatever the state, and nothing else from it; who gets a free place is drawn from a
separate stream (``rng_places``). The counterfactual population without the programme
(:mod:`sim.counterfactual`) draws the same numbers for the same people, so its difference
from the programme run is the programme's effect, not noise (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agents.participant import DURATION_BUCKETS, MAX_MONTHS, ParticipantPool
from sim.parameters import Params
from sim.pathway import State
from sim.policies.outreach import reach_probability
from sim.spells import SpellRecord

U, E, T, J, R, X = (int(s) for s in State)


@dataclass
class MonthFlows:
    """What participants did this month."""

    placements: int = 0
    programme_placements: int = 0
    to_regular: int = 0
    job_losses: int = 0


def duration_factor(months_out: np.ndarray, p: Params) -> np.ndarray:
    """Negative duration dependence of job-finding chances (link 2)."""
    floor = p.duration_floor
    return floor + (1.0 - floor) * np.exp(-months_out / p.duration_scale_months)


def track_ramp(months_in_track: np.ndarray, p: Params) -> np.ndarray:
    """How far the entry-job chance has risen after ``months_in_track`` months (0 to 1)."""
    return 1.0 - np.exp(-months_in_track / p.track_ramp_months)


def job_loss_hazard(tenure: np.ndarray, p: Params) -> np.ndarray:
    """Monthly job-loss hazard by months since placement."""
    a, b = p.job_loss_rate_initial, p.job_loss_rate_settled
    return b + (a - b) * np.exp(-tenure / p.job_tenure_scale_months)


def own_job_hazard(duration: np.ndarray, debt: np.ndarray, job_factor: float, p: Params
                   ) -> np.ndarray:
    """Monthly chance of finding regular work on one's own (before coaching), link 2 and 3."""
    job = p.direct_job_rate * duration * job_factor
    return np.where(debt, job * p.debt_job_start_factor, job)


class MonthCurves:
    """The curves of months (duration dependence, job loss by tenure, the track ramp) at
    0, 1, 2, ... months, computed once per parameter set: a person's value is looked up
    by their whole number of months instead of an ``exp`` per person and month (the same
    arithmetic on the same numbers, so the same values)."""

    def __init__(self) -> None:
        self.p: Params | None = None
        self.tables: dict[str, np.ndarray] = {}

    def __call__(self, p: Params) -> dict[str, np.ndarray]:
        """The tables for ``p`` (recomputed when the parameters changed)."""
        if p is not self.p:
            months = np.arange(max(MAX_MONTHS, p.months + 1) + 1, dtype=np.int16)
            self.tables = {"duration": duration_factor(months, p),
                           "job_loss": job_loss_hazard(months, p),
                           "ramp": track_ramp(months, p)}
            self.p = p
        return self.tables


def _loss(pool: ParticipantPool, rows: np.ndarray, month: int, debt: np.ndarray,
          job_loss_factor: float, p: Params, job_loss: np.ndarray) -> np.ndarray:
    """Job-loss hazard of ``rows`` this month (meaningful for those in work; others have
    no spell start, -1, and read the table one month on); ``job_loss``: the hazard by
    months since placement (:class:`MonthCurves`)."""
    loss = job_loss[month - pool.spell_start[rows]] * job_loss_factor
    return np.where(debt, loss * p.debt_job_loss_factor, loss)


def _assign(rng: np.random.Generator | None, candidates: np.ndarray, free: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """Grant places: shuffle candidates and free places, pair them up."""
    free = np.maximum(free, 0)
    total = int(free.sum())
    if total == 0 or len(candidates) == 0:
        return candidates[:0], candidates[:0]
    if rng is None:
        raise RuntimeError("places to grant but no stream to grant them with")
    places = np.repeat(np.arange(len(free)), free)
    k = min(total, len(candidates))
    chosen = candidates[rng.permutation(len(candidates))[:k]]
    where = places[rng.permutation(total)[:k]]
    return chosen, where


def _load(owner: np.ndarray, size: int) -> np.ndarray:
    """People per organisation in a column of organisation indices (-1: none)."""
    return np.bincount(owner[owner >= 0], minlength=size)


class ParticipantMonth:
    """One month of moves of the participant pool, and the records they leave: job spells
    (retention) and exits to work by time on assistance (duration dependence)."""

    def __init__(self, p: Params, rng: np.random.Generator | None,
                 rng_places: np.random.Generator | None = None) -> None:
        self.p = p
        self.rng = rng  # the participants' stream: one uniform per row and month
        self.rng_places = rng_places  # who gets a free place (None: no places ever)
        self.draws = np.zeros(0)  # this month's uniforms, one per row (for the twin)
        self.curves = MonthCurves()
        self.spells = SpellRecord(p.months)
        # person-months at risk and exits to work, by months out of work (DURATION_BUCKETS)
        self.duration_at_risk = np.zeros(3, dtype=np.int64)
        self.duration_exits = np.zeros(3, dtype=np.int64)

    def run(self, pool: ParticipantPool, month: int, *, coaching_slots: np.ndarray,
            entry_places: np.ndarray, job_factor: float, job_loss_factor: float,
            sib_active: bool, coaching_keep: np.ndarray | None = None,
            entry_keep: np.ndarray | None = None) -> MonthFlows:
        """Advance every participant by one month.

        ``coaching_slots`` and ``entry_places``: usable coaching slots and entry-job places
        this month per organisation index; ``job_factor`` and ``job_loss_factor``: the
        economy's multipliers on job finding and job loss; ``sib_active``: intake depends
        on the municipality's referrals under a Social Impact Bond. ``coaching_keep`` and
        ``entry_keep`` (default: the slots and places): how many people each organisation
        keeps; above it, people lose their track or job before anyone moves. Organisations
        keep up to their fractional capacity rounded up, so that the month-to-month
        rounding of whole places (largest remainder) does not cost anyone a place.
        """
        p = self.p
        t, n = month, pool.n
        flows = MonthFlows()
        self._enforce_capacity(
            pool, t, coaching_slots if coaching_keep is None else coaching_keep,
            entry_places if entry_keep is None else entry_keep, flows)
        s_all = pool.state[:n].copy()  # states at the start of the month
        u_all = self._draw(n)
        # Exited people never move again (all their hazards are 0), so only the others
        # are worked on; ``rows`` are their indices in ascending order, as before.
        rows = np.flatnonzero(s_all != X)
        s = s_all[rows]
        months_out = pool.months_out[rows]
        debt = pool.debt[rows]
        u = u_all[rows]

        curves = self.curves(p)
        duration = curves["duration"][months_out]
        job = own_job_hazard(duration, debt, job_factor, p)
        in_u, in_e, in_t, in_j, in_r = s == U, s == E, s == T, s == J, s == R
        job = np.where(in_t, job * p.coaching_effect, job)
        loss = _loss(pool, rows, t, debt, job_loss_factor, p, curves["job_loss"])
        in_track_months = np.maximum(t - pool.track_start[rows], 0)
        entry = p.track_to_entry_rate * curves["ramp"][in_track_months] * duration * np.where(
            debt, p.debt_job_start_factor, 1.0)
        if p.debt_help_first:
            entry = np.where(pool.in_debt_help[rows], 0.0, entry)
        intake = p.track_intake_rate * (p.sib_referral_rate if sib_active else 1.0)
        reach = reach_probability(p, float(coaching_slots.sum()))
        other = p.other_exit_rate

        # Competing risks: h0..h3 are the possible moves from each state; their running
        # sums (scaled to 1 when above 1) cut [0, 1) into the moves and staying.
        on_assist = s <= T
        h0 = np.where(on_assist, other, np.where(in_j | in_r, loss, 0.0))
        h1 = np.where(on_assist, job, np.where(in_j, p.entry_to_regular_rate, 0.0))
        h2 = np.where(in_u, reach, np.where(in_e, p.disengage_rate, np.where(
            in_t, p.track_dropout_rate, 0.0)))
        h3 = np.where(in_e, intake, np.where(in_t, entry, 0.0))
        c0 = h0
        c1 = c0 + h1
        c2 = c1 + h2
        c3 = c2 + h3
        over = c3 > 1.0
        if over.any():
            scale = c3[over]
            for c in (c0, c1, c2, c3):
                c[over] /= scale
        move = ((u >= c0).astype(np.int8) + (u >= c1) + (u >= c2) + (u >= c3)
                )  # 0..3 = which move, 4 = stay

        self._count_duration_risk(months_out, on_assist)
        # exits for other reasons
        m0, m1, m2, m3 = move == 0, move == 1, move == 2, move == 3
        self._leave_pool(pool, rows[on_assist & m0])
        # own job finding -> regular work
        self._start_job(pool, t, rows[on_assist & m1], R, flows, s_all)
        # reach, disengagement, dropout
        pool.state[rows[in_u & m2]] = E
        pool.state[rows[in_e & m2]] = U
        dropped = rows[in_t & m2]
        pool.state[dropped] = U
        _end_track(pool, dropped)
        # job loss and moving on
        self._lose_job(pool, t, rows[in_j & m0], E, flows)
        up = rows[in_j & m1]
        pool.state[up] = R
        pool.employer[up] = -1
        flows.to_regular += len(up)
        self._lose_job(pool, t, rows[in_r & m0], U, flows)
        # entry jobs for people in a track, up to free places
        free_jobs = entry_places - _load(pool.employer[:n], len(entry_places))
        still_ready = pool.ready[rows] & (move == 4)
        if p.debt_help_first:
            still_ready &= ~pool.in_debt_help[rows]
        candidates = rows[in_t & (m3 | still_ready)]
        hired, firm = _assign(self.rng_places, candidates, free_jobs)
        pool.ready[candidates] = True
        self._start_job(pool, t, hired, J, flows, s_all)
        pool.employer[hired] = firm
        # tracks for engaged people, up to free coaching slots
        free_slots = coaching_slots - _load(pool.coach[:n], len(coaching_slots))
        started, coach = _assign(self.rng_places, rows[in_e & m3], free_slots)
        pool.state[started] = T
        pool.coach[started] = coach
        pool.track_start[started] = t
        # time passes
        waiting = rows[pool.state[rows] <= T]  # exits are for good: rows covers everyone
        pool.months_out[waiting] = np.minimum(pool.months_out[waiting] + 1, MAX_MONTHS - 1)
        return flows

    def run_without_programme(self, pool: ParticipantPool, month: int, *, job_factor: float,
                              job_loss_factor: float, draws: np.ndarray) -> MonthFlows:
        """:meth:`run` for a population the programme never reaches (the counterfactual,
        :mod:`sim.counterfactual`), with the programme run's ``draws`` of the month.

        Nobody there is reached (no coaching slots, so a reach of 0), so nobody is
        engaged, in a track or in an entry job: people are on assistance (unreached), in
        regular work or gone. Their moves are those of :meth:`run` for these states, with
        the same hazards in the same arithmetic: the running sums of the competing risks
        add 0.0 for the programme's moves (reach, intake, entry), which leaves them
        unchanged, so the same draws give the same moves. What is skipped is only work on
        states nobody is in (tests/test_value.py compares the two).
        """
        p = self.p
        t, n = month, pool.n
        flows = MonthFlows()
        if len(draws) != n:
            raise ValueError(f"{len(draws)} draws for {n} people")
        s_all = pool.state[:n].copy()
        rows = np.flatnonzero(s_all != X)
        s = s_all[rows]
        months_out = pool.months_out[rows]
        debt = pool.debt[rows]
        u = draws[rows]
        in_u, in_r = s == U, s == R
        curves = self.curves(p)
        job = own_job_hazard(curves["duration"][months_out], debt, job_factor, p)
        loss = _loss(pool, rows, t, debt, job_loss_factor, p, curves["job_loss"])
        c0 = np.where(in_u, p.other_exit_rate, np.where(in_r, loss, 0.0))
        c1 = c0 + np.where(in_u, job, 0.0)
        over = c1 > 1.0
        if over.any():
            scale = c1[over]
            c0[over] /= scale
            c1[over] /= scale
        m0 = u < c0
        m1 = ~m0 & (u < c1)
        self._count_duration_risk(months_out, in_u)
        self._leave_pool(pool, rows[in_u & m0])
        self._start_job(pool, t, rows[in_u & m1], R, flows, s_all)
        self._lose_job(pool, t, rows[in_r & m0], U, flows)
        waiting = rows[pool.state[rows] <= T]
        pool.months_out[waiting] = np.minimum(pool.months_out[waiting] + 1, MAX_MONTHS - 1)
        return flows

    def _draw(self, n: int) -> np.ndarray:
        """One uniform per row, exited or not (the draw sequence), kept for the twin."""
        if self.rng is None:
            raise RuntimeError("no stream to draw participants' moves from")
        self.draws = self.rng.random(n)
        return self.draws

    def _count_duration_risk(self, months_out: np.ndarray, on_assist: np.ndarray) -> None:
        """Count this month's person-months at risk by duration bucket (``months_out`` at
        the start of the month of the rows worked on, ``on_assist`` who is at risk)."""
        waiting = months_out[on_assist]
        first = np.count_nonzero(waiting >= DURATION_BUCKETS[0])  # (two comparisons and
        second = np.count_nonzero(waiting >= DURATION_BUCKETS[1])  # two counts)
        self.duration_at_risk += (len(waiting) - first, first - second, second)

    def _start_job(self, pool: ParticipantPool, month: int, rows: np.ndarray, target: int,
                   flows: MonthFlows, s: np.ndarray) -> None:
        """``rows`` (on assistance at the start of the month) start work. Their exits to
        work are counted by their duration bucket: nothing changes months out during the
        month before a start, so ``months_out`` is still that of the month's start."""
        if len(rows) == 0:
            return
        months_out = pool.months_out[rows]
        self.duration_exits += np.bincount(
            (months_out >= DURATION_BUCKETS[0]).astype(np.int8)
            + (months_out >= DURATION_BUCKETS[1]), minlength=3)
        programme = (s[rows] == T) | (target == J)
        pool.state[rows] = target
        pool.spell_start[rows] = month
        pool.programme_spell[rows] = programme
        pool.spell_debt[rows] = pool.debt[rows]
        pool.months_out[rows] = 0
        _end_track(pool, rows)
        flows.placements += len(rows)
        flows.programme_placements += int(programme.sum())
        if target == R:
            flows.to_regular += len(rows)

    def _lose_job(self, pool: ParticipantPool, month: int, rows: np.ndarray, target: int,
                  flows: MonthFlows) -> None:
        if len(rows) == 0:
            return
        self.spells.end(pool.spell_start[rows], month - pool.spell_start[rows],
                        pool.programme_spell[rows], pool.spell_debt[rows])
        pool.state[rows] = target
        pool.spell_start[rows] = -1
        pool.programme_spell[rows] = False
        pool.employer[rows] = -1
        flows.job_losses += len(rows)

    @staticmethod
    def _leave_pool(pool: ParticipantPool, rows: np.ndarray) -> None:
        pool.state[rows] = X
        _end_track(pool, rows)
        pool.in_debt_help[rows] = False
        pool.debt_waiting[rows] = False

    def _enforce_capacity(self, pool: ParticipantPool, month: int, coaching_slots: np.ndarray,
                          entry_places: np.ndarray, flows: MonthFlows) -> None:
        """People above a foundation's slots lose coaching; above a firm's places, the job."""
        n = pool.n
        for over_rows in _over_capacity(self.rng_places, pool.coach[:n], coaching_slots):
            pool.state[over_rows] = E
            _end_track(pool, over_rows)
        for over_rows in _over_capacity(self.rng_places, pool.employer[:n], entry_places):
            self._lose_job(pool, month, over_rows, E, flows)


def _end_track(pool: ParticipantPool, rows: np.ndarray) -> None:
    """``rows`` are no longer in a track: no coach, no track start, not waiting for a
    place (their new state is set by the caller)."""
    pool.coach[rows] = -1
    pool.track_start[rows] = -1
    pool.ready[rows] = False


def _over_capacity(rng: np.random.Generator | None, owner: np.ndarray, capacity: np.ndarray):
    """Yield, per organisation over capacity, a random choice of the rows above it."""
    load = np.bincount(owner[owner >= 0], minlength=len(capacity))
    for org in np.flatnonzero(load > capacity):
        if rng is None:
            raise RuntimeError("places to take back but no stream to choose with")
        rows = np.flatnonzero(owner == org)
        yield rows[rng.permutation(len(rows))[: load[org] - capacity[org]]]
